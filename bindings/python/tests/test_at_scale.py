"""The README's "At scale" examples (the blocks marked `test-scale`) run as written over a small
Parquet file, and the helpers they use (smtpcode.pandas, smtpcode.polars, smtpcode.duckdb) give
classify()'s answers. The Spark example runs in test_spark.py.

Needs pyarrow, pandas, polars and duckdb: skipped without them unless $SMTPCODE_REQUIRE_ARROW
is set (test.sh installs them on the newest interpreter and sets it)."""

import collections
import contextlib
import importlib
import io
import os
import re
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

import smtpcode

from conftest import REPO

README = REPO / "README.md"
BLOCK = re.compile(r"<!-- test-scale (\w+) -->\s*```python\n(.*?)```", re.S)


def need(name: str) -> Any:
    if os.environ.get("SMTPCODE_REQUIRE_ARROW"):
        return importlib.import_module(name)
    return pytest.importorskip(name)


pa = need("pyarrow")
pq = need("pyarrow.parquet")


def blocks() -> Dict[str, str]:
    return dict(BLOCK.findall(README.read_text(encoding="utf-8")))


def delivery(corpus_lines: List[str]) -> Dict[str, List[Optional[str]]]:
    lines: List[Optional[str]] = list(corpus_lines[:250])
    lines[7] = None
    lines[100] = None
    return {
        "recipient": ["user%d@example.com" % i for i in range(len(lines))],
        "diagnostic": lines,
    }


@pytest.fixture
def parquet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, corpus_lines: List[str]) -> Dict[str, List[Optional[str]]]:
    data = delivery(corpus_lines)
    pq.write_table(pa.table(data), tmp_path / "delivery.parquet", row_group_size=64)
    monkeypatch.chdir(tmp_path)
    return data


def run(name: str) -> Dict[str, Any]:
    code = blocks()[name]
    namespace: Dict[str, Any] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), namespace)
    assert out.getvalue().strip(), "the %s example printed nothing" % name
    return namespace


def reasons(lines: List[Optional[str]]) -> List[Optional[str]]:
    return [None if v is None else smtpcode.classify(v).reason.value for v in lines]


def test_readme_has_the_examples() -> None:
    assert set(blocks()) == {"pyarrow", "pandas", "polars", "duckdb", "spark"}
    text = README.read_text(encoding="utf-8")
    assert "### At scale" in text and "--archives" in text and "k8s://" in text


def test_pyarrow_example(parquet: Dict[str, List[Optional[str]]]) -> None:
    ns = run("pyarrow")
    lines = parquet["diagnostic"]
    assert ns["result"].column("reason").to_pylist() == reasons(lines)
    counts = {r["values"]: r["counts"] for r in ns["counts"].to_pylist()}
    assert counts == dict(collections.Counter(reasons(lines)))
    hard = [v for v in lines if v is not None and smtpcode.classify(v).bounce.value == "hard"]
    assert hard and ns["hard"].column("diagnostic").to_pylist() == hard


def test_pandas_example(parquet: Dict[str, List[Optional[str]]]) -> None:
    pd = need("pandas")
    ns = run("pandas")
    df = ns["df"]
    lines = parquet["diagnostic"]
    assert df["reason"].tolist() == [pd.NA if r is None else r for r in reasons(lines)]
    assert all(isinstance(t, pd.ArrowDtype) for t in df.dtypes)
    hard = [parquet["recipient"][i] for i, v in enumerate(lines) if v is not None and smtpcode.classify(v).bounce.value == "hard"]
    assert hard and df.loc[df["bounce"] == "hard", "recipient"].tolist() == hard


def test_pandas_helper(corpus_lines: List[str]) -> None:
    pd = need("pandas")
    import smtpcode.pandas

    s = pd.Series(corpus_lines[:50] + [None, float("nan")], index=range(100, 152))
    df = smtpcode.pandas.classify_series(s, command="data")
    assert list(df.index) == list(range(100, 152))
    assert df["rule"].tolist()[:50] == [smtpcode.classify(v, command="data").rule for v in corpus_lines[:50]]
    assert df["code"].dtype == pd.ArrowDtype(pa.uint16())
    assert df.iloc[50:].isna().all().all()
    # Bytes, and a Series already backed by Arrow.
    b = pd.Series([v.encode() for v in corpus_lines[:20]])
    assert smtpcode.pandas.classify_series(b)["reason"].tolist() == reasons(list(corpus_lines[:20]))
    arrow = pd.Series(corpus_lines[:20], dtype=pd.ArrowDtype(pa.large_string()))
    assert smtpcode.pandas.classify_series(arrow)["reason"].tolist() == reasons(list(corpus_lines[:20]))
    with pytest.raises(smtpcode.InvalidTypeError, match="int64"):
        smtpcode.pandas.classify_series(pd.Series([1, 2]))
    with pytest.raises(smtpcode.InvalidTypeError, match="Series of str or bytes"):
        smtpcode.pandas.classify_series(pd.Series(["550 x", 3]))
    with pytest.raises(smtpcode.InvalidTypeError, match="pandas.Series"):
        smtpcode.pandas.classify_series(["550 x"])  # type: ignore[arg-type]


def test_polars_example(parquet: Dict[str, List[Optional[str]]]) -> None:
    need("polars")
    ns = run("polars")
    lines = parquet["diagnostic"]
    assert ns["classified"]["reason"].to_list() == reasons(lines)
    want = [(parquet["recipient"][i], smtpcode.classify(v).reason.value) for i, v in enumerate(lines)
            if v is not None and smtpcode.classify(v).bounce.value == "hard"]
    assert want and ns["hard"].rows() == want


def test_polars_round_trip(corpus_lines: List[str]) -> None:
    pl = need("polars")
    import smtpcode.polars

    s = pl.Series("line", corpus_lines[:100] + [None])
    df = smtpcode.polars.classify_series(s)
    assert df.columns == list(smtpcode.classify_arrow(s).column_names)
    assert df["code"].dtype == pl.UInt16
    # pl.from_arrow over the pyarrow batch gives the same frame.
    assert pl.from_arrow(smtpcode.classify_arrow(s).to_pyarrow()).equals(df)
    lazy = pl.LazyFrame({"line": s}).with_columns(smtpcode.polars.classify("line").alias("c"))
    out = lazy.collect()
    assert out.schema["c"] == smtpcode.polars.schema()
    assert out.unnest("c").drop("line").equals(df)


def test_duckdb_example(parquet: Dict[str, List[Optional[str]]]) -> None:
    need("duckdb")
    ns = run("duckdb")
    got = ns["con"].sql("SELECT smtpcode_classify(diagnostic).rule FROM 'delivery.parquet'").fetchall()
    lines = parquet["diagnostic"]
    assert [r[0] for r in got] == [None if v is None else smtpcode.classify(v).rule for v in lines]
    counts = dict(ns["con"].sql("""
        SELECT c.reason, count(*) FROM (SELECT smtpcode_classify(diagnostic) AS c FROM 'delivery.parquet')
        GROUP BY ALL""").fetchall())
    assert counts == dict(collections.Counter(reasons(lines)))


def test_duckdb_helper_types_and_rules(tmp_path: Path) -> None:
    duckdb = need("duckdb")
    import smtpcode.duckdb

    con = duckdb.connect()
    c = smtpcode.Classifier(text="id\tpattern\treason\nsite.quota\tmailbox quota reached\tmailbox_full\n")
    smtpcode.duckdb.register(con, "classify_site", classifier=c)
    (row,) = con.sql("SELECT classify_site('452 mailbox quota reached') AS c").fetchall()
    want = smtpcode.classify_arrow(pa.array(["452 mailbox quota reached"]), classifier=c).to_pyarrow()
    assert row[0]["rule"] == "site.quota" and row[0]["code"] == 452
    assert row[0] == {k: v for k, v in want.to_pylist()[0].items()}
    types = con.sql("SELECT classify_site('x') AS c").types[0]
    assert "USMALLINT" in str(types) and "BOOLEAN" in str(types)
