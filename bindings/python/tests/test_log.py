"""smtpcode.read_log and smtpcode.suppression_list over the project's test logs
(``tests/data/logs/``): every event as ``tests/data/logs/expected.tsv`` lists it (the file
the Rust suite checks too), the same events from every kind of source, the records' promises
(frozen, hashable, picklable), the command's JSON and suppression list, and bad input."""

import copy
import datetime
import gzip
import json
import os
import pickle
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

import smtpcode
from conftest import GOLDEN, read_tsv

LOGS = GOLDEN / "logs"
#: The year of traditional syslog times in expected.tsv.
YEAR = 2025


def log_files() -> List[Path]:
    return sorted(p for p in LOGS.iterdir() if p.suffix not in (".tsv", ".md"))


EXPECTED = read_tsv(LOGS / "expected.tsv")
FILES = {r[2]["file"]: r[2] for r in read_tsv(LOGS / "files.tsv")}


def expected_rows(name: str) -> List[Dict[str, str]]:
    return [r[2] for r in EXPECTED if r[2]["file"] == name]


def dash(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v).replace("\t", " ")


_FRACTION = re.compile(r"\.(\d+)")


def timestamp_text(t: Optional[datetime.datetime]) -> str:
    """A datetime as the Rust suite writes a time (expected.tsv), to the microsecond."""
    if t is None:
        return "-"
    s = t.strftime("%Y-%m-%dT%H:%M:%S")
    if t.microsecond:
        s += (".%06d" % t.microsecond).rstrip("0")
    off = t.utcoffset()
    if off is not None:
        secs = int(off.total_seconds())
        sign = "-" if secs < 0 else "+"
        secs = abs(secs)
        s += "%s%02d:%02d" % (sign, secs // 3600, secs % 3600 // 60)
    return s


def micro(expected: str) -> str:
    """An expected time cut to the microsecond (a Python datetime's precision)."""

    def cut(m: "re.Match[str]") -> str:
        digits = m.group(1)[:6].rstrip("0")
        return "." + digits if digits else ""

    return _FRACTION.sub(cut, expected)


def row_of(e: smtpcode.LogEvent) -> Dict[str, str]:
    c = e.classification
    return {
        "file": Path(e.file).name,
        "line": str(e.line),
        "mta": str(e.mta),
        "status": str(e.status),
        "probe": dash(e.probe),
        "queue_id": dash(e.queue_id),
        "recipient": dash(e.recipient),
        "original_recipient": dash(e.original_recipient),
        "sender": dash(e.sender),
        "relay": dash(e.relay),
        "helo": dash(e.helo),
        "dsn": dash(e.dsn),
        "code": dash(c.code),
        "enhanced": dash(c.enhanced),
        "outcome": str(c.outcome),
        "bounce": str(c.bounce),
        "reason": str(c.reason),
        "command": dash(c.command),
        "cause": dash(e.cause),
        "timestamp": timestamp_text(e.timestamp),
        "truncated": dash(e.truncated),
    }


def read_all(source: Any, **kw: Any) -> List[smtpcode.LogEvent]:
    """The events of ``source``; a LogWarning fails the test (the test logs have none)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", smtpcode.LogWarning)
        return list(smtpcode.read_log(source, year=YEAR, **kw))


@pytest.mark.parametrize("path", log_files(), ids=lambda p: p.name)
def test_every_event_of_the_test_logs(path: Path) -> None:
    want = expected_rows(path.name)
    got = [row_of(e) for e in read_all(path)]
    assert len(want) > 0 or FILES[path.name]["events"] == "0"
    for i, (g, w) in enumerate(zip(got, want)):
        w = dict(w, timestamp=micro(w["timestamp"]))
        assert g == w, "%s: event %d" % (path.name, i + 1)
    assert len(got) == len(want) == int(FILES[path.name]["events"]), path.name


def test_every_format_is_in_the_test_logs() -> None:
    formats = {r[2]["mta"] for r in EXPECTED}
    assert formats == {f.value for f in smtpcode.LogFormat}
    statuses = {r[2]["status"] for r in EXPECTED}
    assert statuses == {s.value for s in smtpcode.LogStatus}


@pytest.mark.parametrize("path", log_files(), ids=lambda p: p.name)
def test_same_events_from_every_source(path: Path, tmp_path: Path) -> None:
    from_path = read_all(path)
    raw = path.read_bytes()
    as_bytes = read_all(raw.splitlines(keepends=True))
    as_text = read_all(raw.decode("utf-8").splitlines())
    with open(path, "rb") as f:
        from_file = read_all(f)
    gz_path = tmp_path / (path.name + ".gz")
    gz_path.write_bytes(gzip.compress(raw))
    gz = read_all(gz_path)
    strip = [e.__replace__(file="") for e in from_path]
    assert len(strip) == len(expected_rows(path.name))
    for other in (as_bytes, as_text, from_file, gz):
        assert [e.__replace__(file="") for e in other] == strip
    assert {e.file for e in as_bytes} <= {"<lines>"}
    assert {e.file for e in from_file} <= {str(path)}


def test_records_are_frozen_hashable_picklable() -> None:
    events = read_all(LOGS / "postfix.log")
    e = events[1]
    with pytest.raises(AttributeError):
        e.recipient = "x@example.com"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(e)) == e
    assert copy.deepcopy(e) == e
    assert len(set(events)) == len(events)
    assert isinstance(e.mta, smtpcode.LogFormat) and isinstance(e.status, smtpcode.LogStatus)
    assert isinstance(e.classification, smtpcode.Classification)
    assert e.__replace__() == e and e.__replace__(line=99).line == 99
    assert e.__replace__(line=99) != e
    with pytest.raises(TypeError, match="nope"):
        e.__replace__(nope=1)
    with pytest.raises(smtpcode.InvalidTypeError):
        e.__replace__(line="7")
    if sys.version_info >= (3, 13):
        assert copy.replace(e, probe=True).probe is True  # type: ignore[attr-defined]
    s = smtpcode.suppression_list(events)
    assert s and pickle.loads(pickle.dumps(s)) == s
    with pytest.raises(AttributeError):
        s[0].count = 0  # type: ignore[misc]


def test_the_log_status_decides() -> None:
    """The issue's examples: an expiry with a connection error is expired (the cause keeps
    the error); a sent line is success whatever its text."""
    line = (
        "Dec  4 21:30:21 mx1 postfix/smtp[4711]: 4F2A1B3C9D: to=<jo@example.net>, "
        "relay=none, delay=432000, delays=0/0/432000/0, dsn=4.4.1, status=expired, "
        "returned to sender (connect to mx.example.net[203.0.113.25]:25: Connection refused)"
    )
    (e,) = read_all([line])
    assert e.status is smtpcode.LogStatus.EXPIRED
    assert e.classification.reason is smtpcode.Reason.EXPIRED
    assert e.cause is smtpcode.Reason.NETWORK_ERROR
    assert e.recipient == "jo@example.net" and e.queue_id == "4F2A1B3C9D"
    assert e.timestamp == datetime.datetime(YEAR, 12, 4, 21, 30, 21)
    sent = line.replace("status=expired, returned to sender", "status=sent")
    (s,) = read_all([sent])
    assert s.classification.outcome is smtpcode.Outcome.SUCCESS
    # Lines that are no delivery give nothing.
    assert read_all(["Dec  4 21:30:21 mx1 postfix/smtpd[1]: connect from x[192.0.2.1]", "", "junk"]) == []


def test_log_format_year_and_classifier() -> None:
    path = LOGS / "postfix.log"
    forced = read_all(path, log_format="postfix")
    assert [row_of(e) for e in forced] == [row_of(e) for e in read_all(path)]
    # Read as Exim, a Postfix log gives (almost) nothing, and what it gives is Exim's.
    as_exim = read_all(path, log_format=smtpcode.LogFormat.EXIM)
    assert len(as_exim) <= len(forced) // 4
    assert all(e.mta is smtpcode.LogFormat.EXIM for e in as_exim)
    no_year = list(smtpcode.read_log(path))
    assert no_year and all(e.timestamp is None and e.time for e in no_year)
    with pytest.raises(smtpcode.UnknownNameError):
        smtpcode.read_log(path, log_format="qmail")
    rules = smtpcode.Classifier(
        text="id\tpattern\treason\nsite.vmt\t\"virtual mailbox table\"\tmailbox_disabled\n"
    )
    custom = {e.recipient: e for e in read_all(path, classifier=rules)}
    default = {e.recipient: e for e in read_all(path)}
    changed = [r for r in default if custom[r].classification != default[r].classification]
    assert changed, "the user's rule changed nothing"
    assert all(custom[r].classification.rule == "site.vmt" for r in changed)


def test_to_dict_is_the_commands_json() -> None:
    binary = os.environ.get("SMTPCODE_BIN")
    if not binary:
        pytest.skip("SMTPCODE_BIN is not set (make test-python sets it)")
    for path in log_files():
        out = subprocess.run(
            [binary, "logs", "--year", str(YEAR), "--format", "json", str(path)],
            check=True,
            stdout=subprocess.PIPE,
        ).stdout
        records = [json.loads(line) for line in out.decode("utf-8").splitlines()]
        events = read_all(path)
        assert len(records) == len(events), path.name
        for rec, e in zip(records, events):
            assert rec.pop("kind") == "delivery"
            d = e.to_dict()
            assert json.loads(json.dumps(d)).keys() == rec.keys(), path.name
            assert d == rec, "%s:%d" % (path.name, e.line)
            rec_t = rec["timestamp"]
            assert (rec_t is None) == (e.timestamp is None)
            if rec_t is not None:
                assert timestamp_text(e.timestamp) == micro(rec_t)


def expected_suppression(rows: List[Dict[str, str]]) -> Dict[str, int]:
    """From expected.tsv alone: each recipient of a hard bounce that is no inbound refusal,
    in lower case, with its count."""
    out: Dict[str, int] = {}
    for r in rows:
        if r["bounce"] == "hard" and r["status"] != "rejected" and r["recipient"] != "-":
            a = r["recipient"].lower()
            out[a] = out.get(a, 0) + 1
    return out


def test_suppression_list_of_the_test_logs() -> None:
    events: List[smtpcode.LogEvent] = []
    for path in log_files():
        events.extend(read_all(path))
    got = smtpcode.suppression_list(events)
    want = expected_suppression([r[2] for r in EXPECTED])
    assert len(want) >= 5
    assert {s.address: s.count for s in got} == want
    assert [s.address for s in got] == sorted(want)
    for s in got:
        # The test logs are in time order: the last hard bounce is the last line's.
        last = [
            e
            for e in events
            if (e.recipient or "").lower() == s.address
            and e.classification.bounce is smtpcode.Bounce.HARD
            and e.status is not smtpcode.LogStatus.REJECTED
        ][-1]
        assert (s.last_time, s.last_timestamp, s.text) == (last.time, last.timestamp, last.text)
        assert (s.reason, s.code) == (last.classification.reason, last.classification.code)
    binary = os.environ.get("SMTPCODE_BIN")
    if binary:
        out = subprocess.run(
            [binary, "logs", "--year", str(YEAR), "--suppress", "--format", "json"]
            + [str(p) for p in log_files()],
            check=True,
            stdout=subprocess.PIPE,
        ).stdout
        cli = [json.loads(line) for line in out.decode("utf-8").splitlines()]
        assert cli == [s.to_dict() for s in got]


def test_suppression_list_counts_and_last() -> None:
    lines = [
        "2026-12-04 21:30:21 1tJCgN-0004xL-2b ** jo@example.net R=dnslookup T=remote_smtp "
        "H=mx.example.net [203.0.113.25]: SMTP error from remote mail server after RCPT "
        "TO:<jo@example.net>: 550 5.1.1 User unknown",
        "2026-12-04 21:31:02 1tJChO-0004xQ-3c ** Jo@Example.net R=dnslookup T=remote_smtp "
        "H=mx.example.net [203.0.113.25]: SMTP error from remote mail server after RCPT "
        "TO:<Jo@Example.net>: 550 5.1.1 No such user here",
        # Soft: never on the list.
        "2026-12-04 21:32:00 1tJChO-0004xQ-3c == al@example.net R=dnslookup T=remote_smtp "
        "defer (-44) H=mx.example.net [203.0.113.25]: SMTP error from remote mail server "
        "after RCPT TO:<al@example.net>: 452 4.2.2 Mailbox full",
    ]
    events = read_all(lines)
    assert len(events) == 3
    (s,) = smtpcode.suppression_list(events)
    assert s.address == "jo@example.net" and s.count == 2
    assert s.last_time == "2026-12-04 21:31:02" and "No such user" in s.text
    assert s.reason is smtpcode.Reason.MAILBOX_UNKNOWN and s.code == 550
    assert s.enhanced == "5.1.1"
    assert smtpcode.suppression_list([]) == []
    for bad in ("jo@example.net", [s], [{"recipient": "jo@example.net"}], 3):
        with pytest.raises(smtpcode.InvalidTypeError, match="suppression_list"):
            smtpcode.suppression_list(bad)  # type: ignore[arg-type]


def test_suppression_list_of_bounce_recipients() -> None:
    """The recipients of bounce messages go on the list the same way (their status is an
    enhanced code, not a log status)."""
    recipients: List[smtpcode.BounceRecipient] = []
    for p in sorted((GOLDEN / "bounces").glob("*.eml")):
        try:
            recipients.extend(smtpcode.parse_bounce(p.read_bytes()).recipients)
        except smtpcode.BounceError:
            continue
    hard = {
        r.recipient.lower()
        for r in recipients
        if r.classification.bounce is smtpcode.Bounce.HARD and r.recipient
    }
    assert hard, "no hard bounce among the test bounces"
    got = smtpcode.suppression_list(recipients)
    assert {s.address for s in got} == hard
    assert all(s.last_time is None for s in got)


# --- Bad input ------------------------------------------------------------------------------

GOOD = (
    "Mar  9 06:25:03 relay1 postfix/smtp[2201]: 7A3F02C41B: to=<k@mail.example.se>, "
    "relay=mx1.mail.example.se[203.0.113.40]:25, dsn=5.1.1, status=bounced (host "
    "mx1.mail.example.se[203.0.113.40] said: 550 5.1.1 User unknown (in reply to RCPT TO command))"
)


def test_bad_lines_lose_nothing(tmp_path: Path) -> None:
    lines = [
        GOOD.encode(),
        b"\x00\x01\x02 garbage \xff\xfe",
        GOOD.replace("k@", "l@").encode() + b" \xff tail",
        b'{"type":"Bounce","id":"x","recipient":"cut@example.com","response":{"code":55',
        b"x" * (2 << 20),
        GOOD.replace("k@", "m@").encode() + b" " + b"y" * (2 << 20),
        GOOD.replace("k@", "n@").encode(),
    ]
    path = tmp_path / "bad.log"
    path.write_bytes(b"\n".join(lines) + b"\n")
    for source in (path, lines):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            events = list(smtpcode.read_log(source))
        assert [(e.line, e.recipient) for e in events] == [
            (1, "k@mail.example.se"),
            (3, "l@mail.example.se"),
            (6, "m@mail.example.se"),
            (7, "n@mail.example.se"),
        ]
        assert [e.truncated for e in events] == [False, False, True, False]
        messages = [str(w.message) for w in caught if issubclass(w.category, smtpcode.LogWarning)]
        name = str(path) if source is path else "<lines>"
        assert any(m.startswith(name + ":4: ") for m in messages), messages
        assert any(m.startswith(name + ":5: line longer than 1 MiB") for m in messages), messages
        assert any(m.startswith(name + ":6: line longer than 1 MiB") for m in messages), messages


def test_csv_rows_without_their_header_are_reported() -> None:
    rows = (LOGS / "powermta-acct.csv").read_text(encoding="utf-8").splitlines()[1:]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        events = list(smtpcode.read_log(rows, log_format="powermta"))
    assert events == []
    assert any(issubclass(w.category, smtpcode.LogWarning) for w in caught)


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        smtpcode.read_log(tmp_path / "missing.log")
    raw = ("\n".join([GOOD] * 5000) + "\n").encode()
    corrupt = bytearray(gzip.compress(raw))
    corrupt[len(corrupt) // 2 :] = b"\x00" * (len(corrupt) - len(corrupt) // 2)
    path = tmp_path / "corrupt.log.gz"
    path.write_bytes(bytes(corrupt))
    seen = 0
    with pytest.raises(OSError) as info:
        for _ in smtpcode.read_log(path):
            seen += 1
    assert str(info.value).startswith(str(path) + ": after line ")
    assert seen < 5000


def test_wrong_types() -> None:
    with pytest.raises(smtpcode.InvalidTypeError):
        smtpcode.read_log(GOOD.encode())  # type: ignore[arg-type]
    with pytest.raises(smtpcode.InvalidTypeError):
        smtpcode.read_log(42)  # type: ignore[arg-type]
    with pytest.raises(smtpcode.InvalidTypeError):
        list(smtpcode.read_log([GOOD, 42]))  # type: ignore[list-item]
    assert isinstance(smtpcode.InvalidTypeError("x"), smtpcode.SmtpCodeError)


def test_reading_is_lazy_and_bounded() -> None:
    """An endless source gives its events as they are read."""

    def endless() -> Any:
        n = 0
        while True:
            n += 1
            yield GOOD.replace("k@", "u%d@" % n)

    it = smtpcode.read_log(endless())
    first = [next(it) for _ in range(10)]
    assert [e.recipient for e in first] == ["u%d@mail.example.se" % i for i in range(1, 11)]


def test_odd_times_do_not_fail() -> None:
    line = (
        '{"type":"Bounce","id":"1","sender":"a@b.example","recipient":"c@d.example",'
        '"queue":"","site":"","size":1,"response":{"code":550,"enhanced_code":null,'
        '"content":"5.1.1 no such user","command":null},"event_time":"%s"}'
    )
    for t in ("0000-01-01T00:00:00+25:00", "2025-01-01T00:00:00+25:59", "2025-06-01T10:00:00Z"):
        events: List[smtpcode.LogEvent] = list(smtpcode.read_log([line % t]))
        assert len(events) <= 1
        for e in events:
            assert e.timestamp is None or e.timestamp.year >= 1

