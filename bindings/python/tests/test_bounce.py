"""parse_bounce: whole bounce messages as frozen records.

The fixtures are the project's own bounce messages in ``tests/data/bounces`` (read at test
time, never copied; the Rust suite reads the same files). Three kinds of check:

* what a few fixtures must give, written here (the same expectations as the Rust suite's
  ``crates/smtpcode/tests/bounce.rs``);
* every fixture, and the shared corpus of real bounces when it is beside the repository,
  against ``smtpcode bounce --format json`` for the same file, run by the binary that
  $SMTPCODE_BIN names (``make test-python`` builds it from the same tree and sets it; by
  hand: ``cargo build --release -p smtpcode-cli`` and
  ``SMTPCODE_BIN=target/release/smtpcode``). Without it these checks are skipped: a binary
  found lying around could be older than the wheel;
* the inputs (bytes, bytearray, memoryview, email.message.Message with either policy), the
  records (pickling, hashing, to_dict, repr), the errors, and hypothesis.
"""

import copy
import email
import email.message
import email.policy
import json
import os
import pickle
import subprocess
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smtpcode
from conftest import GOLDEN, REPO

BOUNCES = GOLDEN / "bounces"
FIXTURES = sorted(BOUNCES.glob("*.eml"))
CORPUS = REPO.parent / "shared" / "corpus" / "bounces"
POLICIES = {"compat32": email.policy.compat32, "default": email.policy.default}

RECIPIENT_KEYS = [
    "recipient",
    "original_recipient",
    "dsn_action",
    "status",
    "remote_mta",
    "diagnostic_type",
    "diagnostic",
    "command",
    "classification",
]
REPORT_KEYS = [
    "kind",
    "format",
    "reporting_mta",
    "from",
    "subject",
    "feedback_type",
    "recipients",
    "original",
    "truncated",
    "problems",
]


def fixture(name: str) -> smtpcode.BounceReport:
    return smtpcode.parse_bounce((BOUNCES / name).read_bytes())


def test_there_are_fixtures() -> None:
    assert len(FIXTURES) >= 10, "tests/data/bounces lost its fixtures"


# --- What the fixtures give ---------------------------------------------------------------


def test_postfix_rfc3464_report() -> None:
    r = fixture("postfix-dsn.eml")
    assert r.kind is smtpcode.BounceKind.DELIVERY_FAILURE
    assert r.format is smtpcode.BounceFormat.RFC3464
    assert r.reporting_mta == "mx.example.org"
    assert r.subject == "Undelivered Mail Returned to Sender"
    assert r.from_ is not None and r.from_.startswith("MAILER-DAEMON@mx.example.org")
    assert r.truncated is False and r.problems == ()
    assert isinstance(r.recipients, tuple) and len(r.recipients) == 2
    jane, full = r.recipients
    assert jane.recipient == "jane@example.com"
    assert jane.original_recipient == "Jane@Example.com"
    assert jane.dsn_action is smtpcode.DsnAction.FAILED
    assert jane.status == "5.1.1"
    assert jane.remote_mta == "mx.example.com"
    assert jane.diagnostic_type == "smtp"
    assert jane.diagnostic == (
        "550 5.1.1 <jane@example.com>: Recipient address rejected: User unknown in local "
        "recipient table"
    )
    c = jane.classification
    assert isinstance(c, smtpcode.Classification)
    assert (c.bounce, c.reason, c.action) == (
        smtpcode.Bounce.HARD,
        smtpcode.Reason.MAILBOX_UNKNOWN,
        smtpcode.Action.SUPPRESS,
    )
    # The DSN's diagnostic has no command; the text part says "in reply to RCPT TO command".
    assert full.recipient == "full@example.net"
    assert full.command is smtpcode.Command.RCPT
    assert full.classification.reason is smtpcode.Reason.MAILBOX_FULL
    assert full.classification.retry is True
    assert r.original == smtpcode.OriginalMessage(
        message_id="<figures-2025@example.org>",
        from_="Sender <sender@example.org>",
        to="jane@example.com, full@example.net",
        subject="Quarterly figures",
    )


@pytest.mark.parametrize(
    "name, kind, fmt, expected",
    [
        ("exim.eml", "delivery_failure", "text",
         [("bob@example.com", "end_of_data", "block", "content_spam")]),
        ("qmail.eml", "delivery_failure", "text",
         [("nobody@example.com", None, "hard", "mailbox_unknown"),
          ("carol@example.net", "rcpt", "soft", "mailbox_full")]),
        ("sendmail.eml", "delivery_failure", "text",
         [("dave@example.com", "rcpt", "hard", "mailbox_unknown")]),
        ("gmail.eml", "delivery_failure", "text",
         [("erin@example.jp", None, "hard", "mailbox_unknown")]),
        ("exchange.eml", "delivery_failure", "text",
         [("frank@corp.example.com", None, "hard", "mailbox_unknown")]),
        ("ses.eml", "delivery_failure", "json",
         [("kim@example.com", None, "hard", "mailbox_unknown")]),
        ("iso2022jp.eml", "delivery_failure", "text",
         # Postfix's "Recipient address rejected" answers RCPT (a command hint).
         [("leo@example.jp", "rcpt", "hard", "mailbox_unknown")]),
        ("delayed-dsn.eml", "delay_notice", "rfc3464",
         [("grace@example.net", None, "soft", "network_error")]),
        ("success-dsn.eml", "success_notice", "rfc3464",
         [("heidi@example.com", None, "none", "none")]),
        ("arf.eml", "feedback", "arf",
         [("ivan@example.net", None, "unknown", "undetermined")]),
        ("autoreply.eml", "auto_reply", "headers",
         [("judy@example.com", None, "unknown", "undetermined")]),
        ("not-bounce.eml", "not_bounce", "none", []),
    ],
)
def test_fixture_kind_and_recipients(
    name: str, kind: str, fmt: str, expected: List[Tuple[str, Optional[str], str, str]]
) -> None:
    r = fixture(name)
    assert (r.kind, r.format) == (kind, fmt)
    assert type(r.kind) is smtpcode.BounceKind and type(r.format) is smtpcode.BounceFormat
    got = [
        (x.recipient, x.command, x.classification.bounce, x.classification.reason)
        for x in r.recipients
    ]
    assert got == expected


def test_fixture_details() -> None:
    exim = fixture("exim.eml").recipients[0]
    assert exim.remote_mta == "mx.example.com"
    assert exim.diagnostic is not None and "550 5.7.1 Message rejected as spam" in exim.diagnostic
    assert exim.diagnostic_type is None  # a plain-text bounce gives no type
    assert fixture("exim.eml").original is not None

    delayed = fixture("delayed-dsn.eml").recipients[0]
    assert delayed.dsn_action is smtpcode.DsnAction.DELAYED
    assert delayed.diagnostic_type == "x-postfix"
    assert fixture("success-dsn.eml").recipients[0].dsn_action is smtpcode.DsnAction.RELAYED

    arf = fixture("arf.eml")
    assert arf.feedback_type == "abuse"
    assert arf.original is not None and arf.original.message_id == "<offer-5@example.org>"

    ses = fixture("ses.eml")
    assert ses.reporting_mta == "a1-2.smtp-out.example.com"
    assert ses.recipients[0].status == "5.1.1"

    assert fixture("iso2022jp.eml").subject == "配信エラー"
    qmail = fixture("qmail.eml")
    assert qmail.original is not None and qmail.original.subject == "Hello"


def test_malformed_mime_gives_a_partial_report_with_problems() -> None:
    r = fixture("broken-boundary.eml")
    assert r.problems and all(isinstance(p, str) and p for p in r.problems)
    assert r.kind is smtpcode.BounceKind.DELIVERY_FAILURE
    assert [x.recipient for x in r.recipients] == ["mike@example.com"]


def test_a_long_message_is_truncated() -> None:
    raw = (BOUNCES / "postfix-dsn.eml").read_bytes()
    big = raw + b"y" * 99 + b"\n" + (b"z" * 99 + b"\n") * (smtpcode.BOUNCE_MAX_MESSAGE // 100)
    assert len(big) > smtpcode.BOUNCE_MAX_MESSAGE == 4 << 20
    r = smtpcode.parse_bounce(big)
    assert r.truncated is True
    assert [x.recipient for x in r.recipients] == ["jane@example.com", "full@example.net"]
    assert "truncated=True" in repr(r)


# --- Against the command's JSON -------------------------------------------------------------


def cli() -> Optional[Path]:
    given_bin = os.environ.get("SMTPCODE_BIN")
    if not given_bin:
        return None
    assert Path(given_bin).is_file(), "SMTPCODE_BIN=%s is not a file" % given_bin
    return Path(given_bin).resolve()


def cli_records(*paths: Path) -> List[Dict[str, Any]]:
    binary = cli()
    if binary is None:
        pytest.skip("SMTPCODE_BIN is not set (make test-python sets it)")
    out = subprocess.run(
        [str(binary), "bounce", "--format", "json", *map(str, paths)],
        check=True,
        stdout=subprocess.PIPE,
    ).stdout
    return [json.loads(line) for line in out.decode("utf-8").splitlines()]


def assert_matches_cli(path: Path, records: List[Dict[str, Any]]) -> None:
    """The report of ``path`` against the command's records for that file: the report's
    fields on every record, then each recipient's fields and classification."""
    raw = path.read_bytes()
    try:
        report = smtpcode.parse_bounce(raw)
    except smtpcode.BounceError as e:
        assert [rec["error"] for rec in records] == [str(e)], path
        return
    where = str(path)
    expected_len = max(1, len(report.recipients))
    assert len(records) == expected_len, where
    original = report.original
    for rec in records:
        assert rec["kind"] == report.kind.value, where
        assert rec["format"] == report.format.value, where
        assert rec.get("feedback_type") == report.feedback_type, where
        assert rec.get("subject") == report.subject, where
        assert rec.get("original_message_id") == (original and original.message_id), where
        assert rec.get("truncated", False) == report.truncated, where
        assert rec.get("error") == ("; ".join(report.problems) or None), where
    if not report.recipients:
        rec = records[0]
        assert rec["recipient"] is None, where
        nothing = smtpcode.classify("").to_dict()
        assert {k: rec[k] for k in nothing} == nothing, where
        return
    for rec, r in zip(records, report.recipients):
        d = r.to_dict()
        for key in RECIPIENT_KEYS[:7]:
            assert rec[key] == d[key], (where, key)
        # The command's record is flat: its "command" is the classification's, which is
        # the recipient's when the MTA names one, else what the diagnostic text says.
        c = d["classification"]
        assert {k: rec[k] for k in c} == c, where
        if r.command is not None:
            assert r.classification.command == r.command, where


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_matches_its_golden_json(path: Path) -> None:
    """``to_dict()`` is the golden JSON beside the fixture: the Rust core's serde form, which
    the Rust suite checks too."""
    want = json.loads(path.with_suffix(".json").read_text("utf-8"))
    assert smtpcode.parse_bounce(path.read_bytes()).to_dict() == want


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_matches_the_command(path: Path) -> None:
    assert_matches_cli(path, cli_records(path))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no shared corpus beside the repository")
def test_corpus_matches_the_command() -> None:
    records = cli_records(CORPUS)
    by_file: Dict[str, List[Dict[str, Any]]] = {}
    for rec in records:
        by_file.setdefault(rec["file"], []).append(rec)
    checked = 0
    for name, recs in by_file.items():
        if any("message" in rec for rec in recs):
            continue  # an mbox file: the command splits it into messages
        assert_matches_cli(Path(name), recs)
        checked += 1
    assert checked >= 400


# --- Inputs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_bytes_like_inputs_give_the_same_report(path: Path) -> None:
    raw = path.read_bytes()
    report = smtpcode.parse_bounce(raw)
    assert smtpcode.parse_bounce(bytearray(raw)) == report
    assert smtpcode.parse_bounce(memoryview(raw)) == report
    assert smtpcode.parse_bounce(memoryview(b"pad" + raw)[3:]) == report

    class Raw(bytes):
        pass

    assert smtpcode.parse_bounce(Raw(raw)) == report
    # CRLF or LF line ends.
    assert smtpcode.parse_bounce(raw.replace(b"\r\n", b"\n")) == smtpcode.parse_bounce(
        raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    )


@pytest.mark.parametrize("policy", list(POLICIES), ids=str)
@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_email_message_gives_the_same_report_as_bytes(path: Path, policy: str) -> None:
    raw = path.read_bytes()
    message = email.message_from_bytes(raw, policy=POLICIES[policy])
    assert isinstance(message, email.message.Message)
    assert smtpcode.parse_bounce(message) == smtpcode.parse_bounce(raw)


def test_email_message_from_a_str_with_non_ascii_text() -> None:
    """A Message built from a str holds text that as_bytes() cannot encode; its as_string()
    is read as UTF-8 instead."""
    text = (BOUNCES / "postfix-dsn.eml").read_text("utf-8").replace("Quarterly", "Quartérly")
    for policy in POLICIES.values():
        message = email.message_from_string(text, policy=policy)
        with pytest.raises(UnicodeEncodeError):
            message.as_bytes()
        report = smtpcode.parse_bounce(message)
        assert [x.recipient for x in report.recipients] == ["jane@example.com", "full@example.net"]
        assert report.kind is smtpcode.BounceKind.DELIVERY_FAILURE


def test_email_message_built_by_hand() -> None:
    message = email.message.EmailMessage()
    message["From"] = "MAILER-DAEMON@mx.example.org"
    message["Subject"] = "Undeliverable: hi"
    message.set_content(
        "Delivery has failed to these recipients:\n\n"
        "nobody@example.com\n"
        "Remote server returned '550 5.1.1 <nobody@example.com>: User unknown'\n"
    )
    report = smtpcode.parse_bounce(message)
    assert report.subject == "Undeliverable: hi"
    assert report.recipients and report.recipients[0].recipient == "nobody@example.com"
    assert report == smtpcode.parse_bounce(message.as_bytes())


def test_a_message_the_email_package_cannot_serialize_is_a_bounce_error() -> None:
    class Broken(email.message.Message):
        def as_bytes(self, unixfrom: bool = False, policy: Any = None) -> bytes:
            raise LookupError("no codec")

    with pytest.raises(smtpcode.BounceError, match="could not be turned into bytes") as e:
        smtpcode.parse_bounce(Broken())
    assert e.value.kind == "not_serializable"
    assert isinstance(e.value.__cause__, LookupError)


@pytest.mark.parametrize(
    "value",
    ["From: a@b\n\nhi\n", 550, None, 1.5, ["From: a@b"], {"From": "a@b"}, object()],
    ids=repr,
)
def test_wrong_types_raise_invalid_type_error(value: Any) -> None:
    with pytest.raises(smtpcode.InvalidTypeError, match=r"parse_bounce\(\) takes bytes") as e:
        smtpcode.parse_bounce(value)
    assert isinstance(e.value, TypeError) and isinstance(e.value, ValueError)
    if isinstance(value, str):
        assert "encode" in str(e.value)


@pytest.mark.parametrize(
    "raw, kind",
    [
        (b"", "empty"),
        (b" \r\n\t\n", "empty"),
        (b"hello world", "not_a_message"),
        (b"\x00\xff\xfe garbage", "not_a_message"),
        (b"From sender Thu Jul  2 12:05:05 2020", "not_a_message"),
        (b"<html><body>nope</body></html>\n", "not_a_message"),
    ],
    ids=repr,
)
def test_garbage_raises_bounce_error(raw: bytes, kind: str) -> None:
    with pytest.raises(smtpcode.BounceError) as e:
        smtpcode.parse_bounce(raw)
    assert e.value.kind == kind
    assert "empty message" in str(e.value) or "not an email message" in str(e.value)
    assert isinstance(e.value, smtpcode.SmtpCodeError) and isinstance(e.value, ValueError)
    assert smtpcode.BounceError.__module__ == "smtpcode"
    back = pickle.loads(pickle.dumps(e.value))
    assert type(back) is smtpcode.BounceError and back.kind == kind


def test_mbox_from_line_is_allowed() -> None:
    raw = (BOUNCES / "exim.eml").read_bytes()
    mbox = b"From MAILER-DAEMON Thu Jul  2 12:05:05 2020\n" + raw
    assert smtpcode.parse_bounce(mbox) == smtpcode.parse_bounce(raw)


def test_a_hostile_notice_is_shared_not_copied() -> None:
    """Issue 11: a notice listing 20,000 bare addresses gives 20,000 recipients in linear time
    and memory; they share the notice as their diagnostic and one classification object."""
    lines = "".join(f"<u{i}@x.example>\n" for i in range(20_000))
    raw = (
        "From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail Returned to Sender\n\n"
        "Your message could not be delivered.\n\n" + lines
    ).encode()
    r = smtpcode.parse_bounce(raw)
    assert len(r.recipients) == 20_000 and not r.truncated
    first = r.recipients[0]
    assert first.diagnostic is not None and "could not be delivered" in first.diagnostic
    assert all(x.diagnostic == first.diagnostic for x in r.recipients)
    assert all(x.classification is first.classification for x in r.recipients)


def test_limits_are_reported() -> None:
    many = ",\n ".join(f"u{i}@x.example" for i in range(smtpcode.BOUNCE_MAX_RECIPIENTS + 5))
    raw = (
        "From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered\nX-Failed-Recipients: "
        + many
        + "\n\nThis message could not be delivered.\n"
    ).encode()
    r = smtpcode.parse_bounce(raw)
    assert len(r.recipients) == smtpcode.BOUNCE_MAX_RECIPIENTS
    assert r.truncated
    assert any(str(smtpcode.BOUNCE_MAX_RECIPIENTS + 5) in p for p in r.problems), r.problems


def test_threads_share_nothing() -> None:
    """The parse runs with the GIL released: many threads at once get the same reports."""
    raws = [p.read_bytes() for p in FIXTURES]
    expected = [smtpcode.parse_bounce(r) for r in raws]
    results: Dict[int, List[smtpcode.BounceReport]] = {}

    def work(n: int) -> None:
        results[n] = [smtpcode.parse_bounce(r) for r in raws * 20]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for n in range(4):
        assert results[n] == expected * 20


# --- Records --------------------------------------------------------------------------------


def all_reports() -> List[smtpcode.BounceReport]:
    return [smtpcode.parse_bounce(p.read_bytes()) for p in FIXTURES]


def test_to_dict_keys_and_json() -> None:
    for report in all_reports():
        d = report.to_dict()
        assert list(d) == REPORT_KEYS
        assert json.loads(json.dumps(d)) == d
        assert d["kind"] == report.kind.value and type(d["kind"]) is str
        assert d["format"] == report.format.value and type(d["format"]) is str
        assert d["problems"] == list(report.problems)
        assert d["original"] == (report.original and report.original.to_dict())
        for rd, r in zip(d["recipients"], report.recipients):
            assert list(rd) == RECIPIENT_KEYS
            assert rd == r.to_dict()
            assert rd["classification"] == r.classification.to_dict()
            assert rd["dsn_action"] == (r.dsn_action and r.dsn_action.value)
            assert rd["command"] == (r.command and r.command.value)
        if report.original is not None:
            assert list(report.original.to_dict()) == ["message_id", "from", "to", "subject"]
            assert report.original.to_dict()["from"] == report.original.from_


@pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
def test_records_pickle_and_copy(protocol: int) -> None:
    for report in all_reports():
        values: List[object] = [report, *report.recipients]
        if report.original is not None:
            values.append(report.original)
        for v in values:
            back = pickle.loads(pickle.dumps(v, protocol=protocol))
            assert back == v and hash(back) == hash(v) and type(back) is type(v)
            assert copy.copy(v) == v and copy.deepcopy(v) == v
        back = pickle.loads(pickle.dumps(report, protocol=protocol))
        assert back.to_dict() == report.to_dict()
        assert all(type(r.classification) is smtpcode.Classification for r in back.recipients)


def test_records_are_frozen_hashable_and_compare_by_value() -> None:
    a = fixture("postfix-dsn.eml")
    b = fixture("postfix-dsn.eml")
    assert a == b and hash(a) == hash(b) and a is not b
    assert a != fixture("qmail.eml")
    assert a != "postfix-dsn.eml"
    reports = all_reports()
    assert len(set(reports + all_reports())) == len(reports)
    assert a.recipients[0] == b.recipients[0] and hash(a.recipients[0]) == hash(b.recipients[0])
    assert a.recipients[0] != a.recipients[1]
    with pytest.raises(AttributeError):
        a.kind = smtpcode.BounceKind.NOT_BOUNCE  # type: ignore[misc]
    with pytest.raises(AttributeError):
        a.recipients[0].recipient = "x"  # type: ignore[misc]
    assert a.original is not None
    with pytest.raises(AttributeError):
        a.original.subject = "x"  # type: ignore[misc]


def test_records_are_rebuilt_from_their_fields() -> None:
    for report in all_reports():
        recipients = [
            smtpcode.BounceRecipient(
                r.recipient,
                r.original_recipient,
                r.dsn_action and r.dsn_action.value,  # a name works as well as a member
                r.status,
                r.remote_mta,
                r.diagnostic_type,
                r.diagnostic,
                r.command,
                smtpcode.Classification(**r.classification.to_dict()),
            )
            for r in report.recipients
        ]
        rebuilt = smtpcode.BounceReport(
            kind=report.kind.value,
            format=report.format,
            reporting_mta=report.reporting_mta,
            from_=report.from_,
            subject=report.subject,
            feedback_type=report.feedback_type,
            recipients=iter(recipients),
            original=report.original,
            truncated=report.truncated,
            problems=list(report.problems),
        )
        assert rebuilt == report and hash(rebuilt) == hash(report)


def test_record_constructors_check_their_arguments() -> None:
    jane = fixture("postfix-dsn.eml").recipients[0]
    fields: Dict[str, Any] = dict(
        recipient="a@b.c",
        original_recipient=None,
        dsn_action="failed",
        status="5.1.1",
        remote_mta=None,
        diagnostic_type=None,
        diagnostic=None,
        command="rcpt",
        classification=jane.classification,
    )
    assert smtpcode.BounceRecipient(**fields).dsn_action is smtpcode.DsnAction.FAILED
    with pytest.raises(smtpcode.UnknownNameError):
        smtpcode.BounceRecipient(**{**fields, "dsn_action": "bounced"})
    with pytest.raises(smtpcode.InvalidCodeError):
        smtpcode.BounceRecipient(**{**fields, "status": "5.1"})
    with pytest.raises(smtpcode.InvalidTypeError):
        smtpcode.BounceRecipient(**{**fields, "classification": jane.classification.to_dict()})
    report: Dict[str, Any] = dict(
        kind="delivery_failure",
        format="text",
        reporting_mta=None,
        from_=None,
        subject=None,
        feedback_type=None,
        recipients=(jane,),
        original=None,
        truncated=False,
        problems=(),
    )
    assert smtpcode.BounceReport(**report).recipients == (jane,)
    with pytest.raises(smtpcode.UnknownNameError):
        smtpcode.BounceReport(**{**report, "kind": "bounce"})
    bads: List[Dict[str, Any]] = [
        {"recipients": (jane.to_dict(),)},
        {"recipients": "a@b.c"},
        {"problems": [1]},
        {"problems": "oops"},
        {"original": {"subject": "x"}},
    ]
    for bad in bads:
        with pytest.raises(smtpcode.InvalidTypeError):
            smtpcode.BounceReport(**{**report, **bad})


def test_repr_is_readable() -> None:
    r = fixture("postfix-dsn.eml")
    text = repr(r)
    assert text.startswith(
        "BounceReport(kind='delivery_failure', format='rfc3464', reporting_mta='mx.example.org', "
    )
    assert (
        "recipients=(BounceRecipient(recipient='jane@example.com', "
        "original_recipient='Jane@Example.com', dsn_action='failed', status='5.1.1', "
        "remote_mta='mx.example.com', diagnostic_type='smtp', "
        "diagnostic='550 5.1.1 <jane@example.com>: "
    ) in text
    assert "command='rcpt', classification=Classification(code=550, enhanced='5.1.1'" in text
    assert "original=OriginalMessage(message_id='<figures-2025@example.org>'" in text
    assert repr(fixture("not-bounce.eml")).startswith("BounceReport(kind='not_bounce', format='none'")
    assert "recipients=()" in repr(fixture("not-bounce.eml"))
    one = repr(fixture("exim.eml"))
    assert "recipients=(BounceRecipient(" in one and "),)" in one  # a one-tuple
    assert "problems=('multipart/report" in repr(fixture("broken-boundary.eml"))


# --- Hypothesis -----------------------------------------------------------------------------


def parse_or_error(raw: bytes) -> Optional[smtpcode.BounceReport]:
    try:
        report = smtpcode.parse_bounce(raw)
    except smtpcode.BounceError as e:
        assert e.kind in ("empty", "not_a_message")
        return None
    assert isinstance(report, smtpcode.BounceReport)
    json.dumps(report.to_dict())
    return report


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(raw: bytes) -> None:
    parse_or_error(raw)


HEADERS = st.sampled_from(
    [
        b"From: MAILER-DAEMON@mx.example.org\r\n",
        b"Subject: Undelivered Mail Returned to Sender\r\n",
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n",
        b"Content-Type: message/delivery-status\r\n",
        b"Content-Transfer-Encoding: base64\r\n",
        b"Auto-Submitted: auto-replied\r\n",
        b"--b\r\n",
        b"--b--\r\n",
        b"\r\n",
        b"Final-Recipient: rfc822; jane@example.com\r\n",
        b"Action: failed\r\n",
        b"Status: 5.1.1\r\n",
        b"Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(HEADERS, st.binary(max_size=40)), max_size=30))
def test_message_like_bytes_never_crash(parts: List[bytes]) -> None:
    raw = b"From: a@example.org\r\n" + b"".join(parts)
    report = parse_or_error(raw)
    assert report is not None
    # The same bytes through the email package: a report, or a BounceError.
    for policy in POLICIES.values():
        try:
            smtpcode.parse_bounce(email.message_from_bytes(raw, policy=policy))
        except smtpcode.BounceError:
            pass


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(FIXTURES), st.integers(min_value=0), st.binary(max_size=20))
def test_fixtures_cut_or_spliced_never_crash(path: Path, at: int, junk: bytes) -> None:
    raw = path.read_bytes()
    at %= len(raw) + 1
    parse_or_error(raw[:at])
    parse_or_error(raw[:at] + junk + raw[at:])
