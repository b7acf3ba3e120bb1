"""classify_arrow and parse_bounces_arrow: every text type, chunking, slicing, threads and
sizes give classify()'s answers row for row, nulls give rows of nulls, the lengths always
match; bad input is a clear error of this package; the result is read by any Arrow library.

Needs pyarrow (skipped without it, unless $SMTPCODE_REQUIRE_ARROW is set, as test.sh does
where it installs it); polars, arro3 and nanoarrow inputs are tried where installed."""

import _thread
import importlib
import struct
import os
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smtpcode

from conftest import GOLDEN

if os.environ.get("SMTPCODE_REQUIRE_ARROW"):
    import pyarrow as pa  # type: ignore[import-untyped,import-not-found,unused-ignore]
else:
    pa = pytest.importorskip("pyarrow")

COLUMNS = [
    "code", "enhanced", "outcome", "bounce", "reason", "action", "command", "provider",
    "provider_code", "retry", "outcome_inferred", "basis", "rule",
]
TEXT_TYPES = [
    pa.string(), pa.large_string(), pa.string_view(), pa.binary(), pa.large_binary(),
    pa.binary_view(),
]


def optional_module(name: str) -> Any:
    """A module the test needs; a skip without it unless $SMTPCODE_REQUIRE_ARROW."""
    if os.environ.get("SMTPCODE_REQUIRE_ARROW"):
        return importlib.import_module(name)
    return pytest.importorskip(name)


def expected(c: Optional[smtpcode.Classification]) -> Dict[str, Any]:
    """The row classify_arrow gives for a classification (or a null)."""
    if c is None:
        return {k: None for k in COLUMNS}
    return {
        "code": c.code,
        "enhanced": c.enhanced,
        "outcome": c.outcome.value,
        "bounce": c.bounce.value,
        "reason": c.reason.value,
        "action": c.action.value,
        "command": c.command.value if c.command else None,
        "provider": c.provider,
        "provider_code": c.provider_code,
        "retry": c.retry,
        "outcome_inferred": c.outcome_inferred,
        "basis": c.basis.value,
        "rule": c.rule,
    }


def rows(batch: Any) -> List[Dict[str, Any]]:
    return pa.record_batch(batch).to_pylist()  # type: ignore[no-any-return]


def with_nulls(lines: List[str]) -> List[Optional[str]]:
    out: List[Optional[str]] = []
    for i, line in enumerate(lines):
        out.append(line)
        if i % 7 == 3:
            out.append(None)
    return [None] + out + [None]


def test_schema() -> None:
    b = pa.record_batch(smtpcode.classify_arrow(pa.array(["550 5.1.1 x"])))
    assert b.schema.names == COLUMNS
    t = {f.name: f.type for f in b.schema}
    assert t["code"] == pa.uint16()
    assert t["enhanced"] == t["provider_code"] == t["rule"] == pa.string()
    assert t["retry"] == t["outcome_inferred"] == pa.bool_()
    names = {
        "outcome": smtpcode._smtpcode.OUTCOME_NAMES,
        "bounce": smtpcode._smtpcode.BOUNCE_NAMES,
        "reason": smtpcode._smtpcode.REASON_NAMES,
        "action": smtpcode._smtpcode.ACTION_NAMES,
        "command": smtpcode._smtpcode.COMMAND_NAMES,
        "basis": smtpcode._smtpcode.BASIS_NAMES,
    }
    for column, values in names.items():
        assert pa.types.is_dictionary(t[column]), column
        assert b.column(column).dictionary.to_pylist() == list(values), column
    assert pa.types.is_dictionary(t["provider"])
    providers = b.column("provider").dictionary.to_pylist()
    assert "gmail" in providers and len(set(providers)) == len(providers)


@pytest.mark.parametrize("kind", TEXT_TYPES, ids=str)
def test_every_text_type_gives_classify(corpus_lines: List[str], kind: Any) -> None:
    values = with_nulls(corpus_lines)
    want = [expected(None if v is None else smtpcode.classify(v)) for v in values]
    assert rows(smtpcode.classify_arrow(pa.array(values).cast(kind))) == want
    # The same as a dictionary of that type.
    dictionary = pa.array(values).cast(kind).dictionary_encode()
    assert rows(smtpcode.classify_arrow(dictionary)) == want


def test_chunks_slices_and_lists(corpus_lines: List[str]) -> None:
    values = with_nulls(corpus_lines)
    want = [expected(None if v is None else smtpcode.classify(v)) for v in values]
    a = pa.array(values)
    chunked = pa.chunked_array([a.slice(0, 5), a.slice(5, 0), a.slice(5)])
    assert rows(smtpcode.classify_arrow(chunked)) == want
    assert rows(smtpcode.classify_arrow([a.slice(0, 100), a.slice(100)])) == want
    assert rows(smtpcode.classify_arrow((a.slice(0, 1), pa.chunked_array([a.slice(1)])))) == want
    # A slice has an offset into its buffers.
    assert rows(smtpcode.classify_arrow(a.slice(17, 40))) == want[17:57]
    assert rows(smtpcode.classify_arrow(a.cast(pa.string_view()).slice(3, 9))) == want[3:12]


@pytest.mark.parametrize("threads", [None, 1, 2, 3, 64])
def test_sizes_and_threads(corpus_lines: List[str], threads: Optional[int]) -> None:
    # Around the pieces of 2048 rows, and the calling thread's stretches.
    for n in [0, 1, 2047, 2048, 2049, 4096 + 5, 70_000]:
        values = (corpus_lines * (n // len(corpus_lines) + 1))[:n]
        out = rows(smtpcode.classify_arrow(pa.array(values), threads=threads))
        assert len(out) == n
        distinct = {v: expected(smtpcode.classify(v)) for v in set(values)}
        assert out == [distinct[v] for v in values], n


def test_many_chunks_in_order(corpus_lines: List[str]) -> None:
    values = (corpus_lines * 20)[:9000]
    chunks = [pa.array(values[i : i + 13]) for i in range(0, len(values), 13)]
    distinct = {v: expected(smtpcode.classify(v)) for v in set(values)}
    want = [distinct[v] for v in values]
    for threads in (1, 2):
        assert rows(smtpcode.classify_arrow(pa.chunked_array(chunks), threads=threads)) == want


def test_nulls_and_empty() -> None:
    b = pa.record_batch(smtpcode.classify_arrow(pa.array([None, None, None])))
    assert b.num_rows == 3 and b.schema.names == COLUMNS
    assert all(b.column(k).null_count == 3 for k in COLUMNS)
    empty = smtpcode.classify_arrow(pa.array([], pa.string()))
    assert len(empty) == 0 and empty.column_names == tuple(COLUMNS)
    assert pa.record_batch(empty).num_rows == 0
    assert rows(smtpcode.classify_arrow(pa.chunked_array([], pa.large_string()))) == []
    # A dictionary with no values: only null keys.
    d = pa.DictionaryArray.from_arrays(pa.array([None, None], pa.int32()), pa.array([], pa.string()))
    assert rows(smtpcode.classify_arrow(d)) == [expected(None)] * 2


def test_command_and_classifier(corpus_lines: List[str]) -> None:
    values = corpus_lines[:200]
    arr = pa.array(values)
    want = [expected(smtpcode.classify(v, command="data")) for v in values]
    assert rows(smtpcode.classify_arrow(arr, command="data")) == want
    assert rows(smtpcode.classify_arrow(arr, command=smtpcode.Command.DATA)) == want
    c = smtpcode.Classifier(GOLDEN / "user-rules.tsv")
    user = [v + " " for v in values] + ["550 custom words"]
    want = [expected(c.classify(v)) for v in user]
    assert rows(c.classify_arrow(pa.array(user))) == want
    assert rows(smtpcode.classify_arrow(pa.array(user), classifier=c)) == want
    assert rows(smtpcode.classify_arrow(pa.array(user), classifier=None)) == [
        expected(smtpcode.classify(v)) for v in user
    ]


def test_user_rules_decide_in_arrow_too() -> None:
    c = smtpcode.Classifier(text="id\tpattern\treason\nsite.quota\tmailbox quota reached\tmailbox_full\n")
    line = "452 mailbox quota reached for user"
    (row,) = rows(c.classify_arrow(pa.array([line])))
    assert row["rule"] == "site.quota" and row["reason"] == "mailbox_full"
    assert row == expected(c.classify(line))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=300)), max_size=40))
def test_any_text(values: List[Optional[str]]) -> None:
    # Lone surrogates cannot be Arrow strings.
    values = [None if v is None else v.encode("utf-8", "replace").decode("utf-8") for v in values]
    want = [expected(None if v is None else smtpcode.classify(v)) for v in values]
    assert rows(smtpcode.classify_arrow(pa.array(values, pa.string()), threads=2)) == want


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.binary(max_size=200)), max_size=30))
def test_any_bytes_never_crash(values: List[Optional[bytes]]) -> None:
    arr = pa.array(values, pa.binary())
    bad = [i for i, v in enumerate(values) if v is not None and not _utf8(v)]
    if bad:
        with pytest.raises(smtpcode.SmtpCodeError, match="row %d " % bad[0]):
            smtpcode.classify_arrow(arr)
    else:
        want = [expected(None if v is None else smtpcode.classify(v)) for v in values]
        assert rows(smtpcode.classify_arrow(arr)) == want
    # Messages are bytes: any bytes give rows, at least one per message.
    out = pa.record_batch(smtpcode.parse_bounces_arrow(arr))
    assert set(out.column("message").to_pylist()) == set(range(len(values)))


def _utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


# --- Bad input --------------------------------------------------------------------------------


def test_not_a_column_of_text() -> None:
    for arr, name in [
        (pa.array([1, 2]), "int64"),
        (pa.array([1.5]), "double"),
        (pa.array([[b"a"]]), "list"),
        (pa.array([{"a": "x"}]), "struct"),
        (pa.chunked_array([pa.array([True])]), "bool"),
    ]:
        with pytest.raises(smtpcode.InvalidTypeError, match="not " + name) as e:
            smtpcode.classify_arrow(arr)
        assert isinstance(e.value, TypeError) and isinstance(e.value, smtpcode.SmtpCodeError)
        with pytest.raises(smtpcode.InvalidTypeError, match="not " + name):
            smtpcode.parse_bounces_arrow(arr)


def test_mixed_chunk_types() -> None:
    a, b = pa.array(["550 x"]), pa.array(["550 y"], pa.large_string())
    with pytest.raises(smtpcode.InvalidTypeError, match=r"chunk 0 is string.*large_string \(chunk 1\)"):
        smtpcode.classify_arrow([a, b])
    with pytest.raises(smtpcode.InvalidTypeError, match=r"int64 \(chunk 2\)"):
        smtpcode.classify_arrow([a, a, pa.array([5])])


def test_invalid_utf8_in_binary_names_the_row() -> None:
    arr = pa.chunked_array([pa.array([b"250 ok", None]), pa.array([b"550 \xff\xfe bad"], pa.binary())])
    with pytest.raises(smtpcode.SmtpCodeError, match=r"row 2 of the binary column is not valid UTF-8 \(the bytes from 4 on\)"):
        smtpcode.classify_arrow(arr)
    for threads in (1, 2):
        big = pa.array([b"250 ok"] * 50_000 + [b"\xc3"] + [b"250 ok"] * 10, pa.large_binary())
        with pytest.raises(smtpcode.SmtpCodeError, match="row 50000 "):
            smtpcode.classify_arrow(big, threads=threads)
        with pytest.raises(smtpcode.SmtpCodeError, match="row 50000 "):
            smtpcode.classify_arrow(big.cast(pa.binary_view()).dictionary_encode(), threads=threads)


def test_objects_without_the_interface() -> None:
    for obj, name in [(["550 x"], "str"), ("550 x", "str"), (3, "int"), (None, "NoneType"), ({"a": 1}, "dict")]:
        with pytest.raises(smtpcode.InvalidTypeError, match="not " + name):
            smtpcode.classify_arrow(obj)
    with pytest.raises(smtpcode.InvalidTypeError, match="use classify_many"):
        smtpcode.classify_arrow(["550 x"])
    with pytest.raises(smtpcode.SmtpCodeError, match="empty list"):
        smtpcode.classify_arrow([])


def test_bad_arguments() -> None:
    arr = pa.array(["550 x"])
    with pytest.raises(smtpcode.SmtpCodeError, match="at least 1"):
        smtpcode.classify_arrow(arr, threads=0)
    with pytest.raises(smtpcode.InvalidTypeError, match="threads takes an int, not str"):
        smtpcode.classify_arrow(arr, threads="2")  # type: ignore[arg-type]
    with pytest.raises(smtpcode.InvalidTypeError, match="classifier takes a smtpcode.Classifier"):
        smtpcode.classify_arrow(arr, classifier="rules.tsv")  # type: ignore[arg-type]
    with pytest.raises(smtpcode.UnknownNameError):
        smtpcode.classify_arrow(arr, command="HELLO")


class _Broken:
    """A producer whose stream fails midway."""

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        def batches() -> Any:
            yield pa.record_batch({"line": ["550 x"]})
            raise RuntimeError("disk went away")

        reader = pa.RecordBatchReader.from_batches(pa.schema({"line": pa.string()}), batches())
        return reader.__arrow_c_stream__(requested_schema)


class _Raises:
    def __arrow_c_array__(self, requested_schema: object = None) -> object:
        raise OSError("cannot export")


def test_producer_errors_are_reported() -> None:
    with pytest.raises(smtpcode.SmtpCodeError, match="could not be imported.*disk went away"):
        smtpcode.classify_arrow(_Broken())
    with pytest.raises(smtpcode.SmtpCodeError, match="could not be imported.*cannot export") as e:
        smtpcode.classify_arrow(_Raises())
    assert isinstance(e.value.__cause__, OSError)


def test_a_record_batch_is_not_a_column() -> None:
    batch = pa.record_batch({"line": ["550 x"]})
    with pytest.raises(smtpcode.InvalidTypeError, match="not struct"):
        smtpcode.classify_arrow(batch)
    assert rows(smtpcode.classify_arrow(batch.column("line")))[0]["code"] == 550


def test_ctrl_c_stops_a_long_call(corpus_lines: List[str]) -> None:
    arr = pa.array(corpus_lines * 2000)  # about a second of work on one thread
    for threads in (1, 2):
        timer = threading.Timer(0.2, _thread.interrupt_main)
        timer.start()
        started = time.monotonic()
        try:
            with pytest.raises(KeyboardInterrupt):
                smtpcode.classify_arrow(arr, threads=threads)
        finally:
            timer.cancel()
        assert time.monotonic() - started < 1.5


# --- The result ---------------------------------------------------------------------------------


def test_the_batch_object(corpus_lines: List[str]) -> None:
    b = smtpcode.classify_arrow(pa.array(corpus_lines[:10]))
    assert isinstance(b, smtpcode.ArrowBatch)
    assert len(b) == b.num_rows == 10 and b.num_columns == 13
    assert b.column_names == tuple(COLUMNS)
    assert "10 rows" in repr(b) and "reason" in repr(b)
    assert b.to_pyarrow().equals(pa.record_batch(b))
    assert pa.table(b).to_batches()[0].equals(pa.record_batch(b))
    assert pa.schema(b) == pa.record_batch(b).schema
    # A requested schema casts (here the dictionaries to strings).
    plain = pa.schema([pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
                       for f in pa.schema(b)])
    assert pa.record_batch(b).cast(plain).equals(pa.table(b, schema=plain).to_batches()[0])
    with pytest.raises(TypeError):
        pickle.dumps(b)


def test_other_producers_and_consumers(corpus_lines: List[str]) -> None:
    values = with_nulls(corpus_lines[:300])
    want = [expected(None if v is None else smtpcode.classify(v)) for v in values]
    pl = optional_module("polars")
    assert rows(smtpcode.classify_arrow(pl.Series(values))) == want
    assert pl.DataFrame(smtpcode.classify_arrow(pl.Series(values))).to_dicts() == want
    arro3 = optional_module("arro3.core")
    assert rows(smtpcode.classify_arrow(arro3.Array(pa.array(values)))) == want
    na = optional_module("nanoarrow")
    assert rows(smtpcode.classify_arrow(na.Array(pa.array(values)))) == want
    out = na.Array(smtpcode.classify_arrow(pa.array(values)))
    assert [f.name for f in out.schema.fields] == COLUMNS
    assert out.to_pylist() == want


_WITHOUT_PYARROW = """
import sys
sys.modules["pyarrow"] = None  # any import of pyarrow now fails
import smtpcode
import nanoarrow as na
import arro3.core as a3

lines = ["550 5.1.1 <a@example.com>: Recipient address rejected: User unknown", None,
         "421 4.7.0 Try again later", "250 2.0.0 Ok: queued"]
want = [None if v is None else smtpcode.classify(v) for v in lines]

def check(rows):
    assert len(rows) == len(lines), rows
    for row, c in zip(rows, want):
        if c is None:
            assert all(v is None for v in row.values()), row
        else:
            assert (row["code"], row["reason"], row["rule"], row["retry"]) == (
                c.code, c.reason.value, c.rule, c.retry), row

check(na.Array(smtpcode.classify_arrow(na.Array(lines, na.string()))).to_pylist())
out = a3.RecordBatch.from_arrow(smtpcode.classify_arrow(a3.Array(lines, a3.DataType.string())))
check(na.Array(out).to_pylist())
assert out.num_rows == len(lines) and out.schema.field("provider").type.value_type is not None
assert sys.modules["pyarrow"] is None
print("ok")
"""


def test_pyarrow_is_not_needed() -> None:
    # nanoarrow and arro3 in, nanoarrow and arro3 out, in a process where pyarrow cannot be
    # imported at all.
    optional_module("nanoarrow")
    optional_module("arro3.core")
    done = subprocess.run([sys.executable, "-c", _WITHOUT_PYARROW], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_views_into_one_buffer() -> None:
    # string_view rows that all point into one 10 MB buffer, at different offsets (the memory
    # of a call over a million rows is measured by bench/bench_arrow.py).
    data = ("550 5.1.1 " + "x" * 10_000_000).encode()
    views = b"".join(struct.pack("<i4sii", len(data) - k, data[k : k + 4], 0, k) for k in range(50))
    arr = pa.Array.from_buffers(pa.string_view(), 50, [None, pa.py_buffer(views), pa.py_buffer(data)])
    arr.validate(full=True)
    assert arr.get_total_buffer_size() < len(data) + 1000
    out = rows(smtpcode.classify_arrow(arr, threads=2))
    assert out == [expected(smtpcode.classify(data[k:])) for k in range(50)]


# --- parse_bounces_arrow ----------------------------------------------------------------------


def bounce_rows(i: int, raw: Optional[bytes]) -> List[Dict[str, Any]]:
    """The rows parse_bounces_arrow gives for message i, from parse_bounce."""
    blank = {"recipient": None, "original_recipient": None, "dsn_action": None, "status": None,
             "remote_mta": None, "diagnostic_type": None, "diagnostic": None}
    if raw is None:
        return [{"message": i, "kind": None, "format": None, "error": None, "truncated": None,
                 "original_message_id": None, **blank, **expected(None)}]
    try:
        report = smtpcode.parse_bounce(raw)
    except smtpcode.BounceError as e:
        return [{"message": i, "kind": None, "format": None, "error": str(e), "truncated": None,
                 "original_message_id": None, **blank, **expected(None)}]
    head = {"message": i, "kind": report.kind.value, "format": report.format.value, "error": None,
            "truncated": report.truncated,
            "original_message_id": report.original.message_id if report.original else None}
    if not report.recipients:
        return [{**head, **blank, **expected(None)}]
    return [
        {**head, "recipient": r.recipient, "original_recipient": r.original_recipient,
         "dsn_action": r.dsn_action.value if r.dsn_action else None, "status": r.status,
         "remote_mta": r.remote_mta, "diagnostic_type": r.diagnostic_type,
         "diagnostic": r.diagnostic, **expected(r.classification)}
        for r in report.recipients
    ]


def test_parse_bounces_gives_parse_bounce() -> None:
    files = sorted((GOLDEN / "bounces").glob("*.eml"))
    assert len(files) >= 10
    raws: List[Optional[bytes]] = [f.read_bytes() for f in files]
    raws += [None, b"", b"   \n", b"not a message at all", raws[0]]
    want = [row for i, raw in enumerate(raws) for row in bounce_rows(i, raw)]
    for threads in (1, 2):
        for kind in (pa.binary(), pa.large_binary(), pa.binary_view()):
            out = pa.record_batch(smtpcode.parse_bounces_arrow(pa.array(raws, kind), threads=threads))
            got = out.to_pylist()
            assert [{k: r[k] for k in want[0]} for r in got] == want
    assert out.schema.field("message").type == pa.int64()
    assert sum(1 for r in want if r["recipient"]) >= 10
    assert any(r["error"] for r in want) and any(r["kind"] == "not_bounce" for r in want)


def test_parse_bounces_many_messages_and_text() -> None:
    files = sorted((GOLDEN / "bounces").glob("*.eml"))
    raws = [f.read_bytes() for f in files] * 40
    want = [row for i, raw in enumerate(raws) for row in bounce_rows(i, raw)]
    got = pa.record_batch(smtpcode.parse_bounces_arrow(pa.chunked_array([pa.array(raws[:100]), pa.array(raws[100:])]))).to_pylist()
    assert [{k: r[k] for k in want[0]} for r in got] == want
    # Text messages (string columns) are read as their UTF-8 bytes.
    text = [r.decode("utf-8", "replace") for r in raws[:30]]
    got = smtpcode.parse_bounces_arrow(pa.array(text)).to_pyarrow().to_pylist()
    want = [row for i, t in enumerate(text) for row in bounce_rows(i, t.encode("utf-8"))]
    assert [{k: r[k] for k in want[0]} for r in got] == want
    c = smtpcode.Classifier(GOLDEN / "user-rules.tsv")
    assert c.parse_bounces_arrow(pa.array(raws[:5])).num_rows >= 5
