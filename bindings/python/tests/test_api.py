"""The Python face: records, enums, errors, pickling, typing metadata."""

import ast
import copy
import enum
import json
import pickle
from pathlib import Path
from typing import Dict, List, Type

import pytest

import smtpcode
from smtpcode import _smtpcode
from conftest import GOLDEN

GOLDEN_BOUNCES = GOLDEN / "bounces"

GMAIL = (
    "host gmail-smtp-in.l.google.com[192.0.2.1] said: 550-5.1.1 The email account that you "
    "tried to reach does not exist. 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser "
    "- gsmtp (in reply to RCPT TO command)"
)
REPLIES = [
    "550 5.1.1 <jane@example.com>: Recipient address rejected: User unknown",
    "421 4.7.0 Try again later, closing connection.",
    "250 2.0.0 OK queued as 12345",
    "552 5.2.2 Mailbox full",
    GMAIL,
    "",
    "no code here",
]

ENUMS: Dict[Type[enum.Enum], str] = {
    smtpcode.Outcome: "OUTCOME_NAMES",
    smtpcode.Bounce: "BOUNCE_NAMES",
    smtpcode.Reason: "REASON_NAMES",
    smtpcode.Action: "ACTION_NAMES",
    smtpcode.Command: "COMMAND_NAMES",
    smtpcode.Basis: "BASIS_NAMES",
    smtpcode.BounceKind: "BOUNCE_KIND_NAMES",
    smtpcode.DsnAction: "DSN_ACTION_NAMES",
    smtpcode.BounceFormat: "BOUNCE_FORMAT_NAMES",
    smtpcode.LogStatus: "LOG_STATUS_NAMES",
    smtpcode.LogFormat: "LOG_FORMAT_NAMES",
}

CLI_KEYS = [
    "code",
    "enhanced",
    "outcome",
    "outcome_inferred",
    "bounce",
    "reason",
    "action",
    "retry",
    "provider",
    "provider_code",
    "command",
    "basis",
    "rule",
    "explanation",
    "fix",
    "nonstandard_code",
    "class_mismatch",
]


def test_version_is_cargo_version() -> None:
    cargo = Path(__file__).resolve().parents[3] / "Cargo.toml"
    assert isinstance(smtpcode.__version__, str)
    if cargo.exists():
        text = cargo.read_text(encoding="utf-8")
        assert 'version = "%s"' % smtpcode.__version__ in text


def test_all_names_exist() -> None:
    for name in smtpcode.__all__:
        assert hasattr(smtpcode, name), name
    public_native = [
        n for n in _smtpcode.__all__ if not n.endswith("_NAMES") and not n.startswith("_")
    ]
    assert set(public_native) <= set(smtpcode.__all__)


def test_classification_fields() -> None:
    c = smtpcode.classify(REPLIES[0])
    assert c.code == 550
    assert c.enhanced == "5.1.1"
    assert c.outcome is smtpcode.Outcome.PERMANENT
    assert c.bounce is smtpcode.Bounce.HARD
    assert c.reason is smtpcode.Reason.MAILBOX_UNKNOWN
    assert c.action is smtpcode.Action.SUPPRESS
    assert c.retry is False
    assert c.is_failure is True
    assert isinstance(c.basis, smtpcode.Basis)
    assert c.rule and c.explanation and c.fix
    assert c.outcome_inferred is False
    ok = smtpcode.classify(REPLIES[2])
    assert ok.outcome == "success" and ok.bounce == "none" and ok.is_failure is False
    assert ok.retry is False


def test_a_line_that_is_no_reply_has_unknown_bounce_and_retry() -> None:
    c = smtpcode.classify("connect from mail.example.net[192.0.2.7]")
    assert (c.outcome, c.bounce, c.action) == ("unknown", "unknown", "none")
    assert c.retry is None and c.to_dict()["retry"] is None
    assert "retry=None" in repr(c)
    assert smtpcode.Classification(**c.to_dict()) == c


def test_to_dict_has_the_cli_keys_and_is_json() -> None:
    for reply in REPLIES:
        c = smtpcode.classify(reply)
        d = c.to_dict()
        assert list(d) == CLI_KEYS
        back = json.loads(json.dumps(d))
        assert back == d
        assert smtpcode.Classification(**back) == c
        for key in ("outcome", "bounce", "reason", "action", "basis"):
            assert type(d[key]) is str
            assert d[key] == getattr(c, key).value


def test_records_are_frozen_hashable_and_compare_by_value() -> None:
    a = smtpcode.classify(REPLIES[0])
    b = smtpcode.classify(REPLIES[0].encode())
    assert a == b and hash(a) == hash(b) and a is not b
    assert len({a, b, smtpcode.classify(REPLIES[1])}) == 2
    assert a != smtpcode.classify(REPLIES[1])
    with pytest.raises(AttributeError):
        a.reason = smtpcode.Reason.NONE  # type: ignore[misc]
    r = smtpcode.parse(REPLIES[0])
    assert r == smtpcode.parse(REPLIES[0]) and hash(r) == hash(smtpcode.parse(REPLIES[0]))
    with pytest.raises(AttributeError):
        r.code = 1  # type: ignore[misc]
    info = smtpcode.lookup(550)
    assert info is not None and {info, smtpcode.lookup(550)} == {info}


def test_repr_is_readable() -> None:
    c = smtpcode.classify(REPLIES[0])
    text = repr(c)
    assert text.startswith("Classification(code=550, enhanced='5.1.1', outcome='permanent'")
    assert "reason='mailbox_unknown'" in text and "bounce='hard'" in text
    assert repr(smtpcode.lookup(550)).startswith("CodeInfo(code=550, name='Mailbox unavailable'")
    assert repr(smtpcode.lookup_enhanced("5.1.1")).startswith("EnhancedInfo(code='X.1.1'")
    assert repr(smtpcode.parse("550 5.1.1 nope")) == (
        "Reply(code=550, enhanced='5.1.1', text='nope', prefix='', multiline=False)"
    )
    assert repr(smtpcode.Reason.MAILBOX_UNKNOWN) == "<Reason.MAILBOX_UNKNOWN: 'mailbox_unknown'>"


@pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_round_trips(protocol: int) -> None:
    values: List[object] = [smtpcode.classify(r) for r in REPLIES]
    values += [smtpcode.classify(REPLIES[0], command="end_of_data")]
    values += [smtpcode.parse(REPLIES[0]), smtpcode.parse(GMAIL)]
    values += list(smtpcode.codes()) + list(smtpcode.enhanced_codes())
    for cls in ENUMS:
        values += list(cls)
    for v in values:
        back = pickle.loads(pickle.dumps(v, protocol=protocol))
        assert back == v and hash(back) == hash(v) and type(back) is type(v)
    for v in values[:3]:
        assert copy.deepcopy(v) == v and copy.copy(v) == v


def test_pickled_classification_keeps_every_field() -> None:
    c = smtpcode.classify(GMAIL)
    back = pickle.loads(pickle.dumps(c))
    assert back.to_dict() == c.to_dict()
    assert back.reason is c.reason and back.provider == c.provider


@pytest.mark.parametrize("cls", list(ENUMS), ids=lambda c: c.__name__)
def test_enums_are_str_enums_built_from_the_native_names(cls: "type[enum.Enum]") -> None:
    names = getattr(_smtpcode, ENUMS[cls])
    assert [m.value for m in cls] == list(names)
    assert issubclass(cls, str) and issubclass(cls, enum.Enum)
    assert cls.__module__ == "smtpcode"
    for m in cls:
        assert m.name == m.value.upper()
        assert m == m.value and str(m) == m.value and "%s" % m == m.value and f"{m}" == m.value
        assert cls(m.value) is m and cls[m.name] is m
        assert hash(m) == hash(m.value)
        assert json.dumps(m) == '"%s"' % m.value
        assert pickle.loads(pickle.dumps(m)) is m
    assert smtpcode.Reason.MAILBOX_UNKNOWN == "mailbox_unknown"


def test_enum_stub_lists_every_member() -> None:
    """The stub _enums.pyi is hand-written: it must list the members the core crate has."""
    stub = Path(smtpcode.__file__).with_name("_enums.pyi")
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    in_stub = {
        node.name: [
            t.id
            for stmt in node.body
            if isinstance(stmt, ast.Assign)
            for t in stmt.targets
            if isinstance(t, ast.Name)
        ]
        for node in tree.body
        if isinstance(node, ast.ClassDef)
    }
    for cls in ENUMS:
        members = [m.name for m in cls]
        assert in_stub.get(cls.__name__) == members, (
            "%s changed in the core crate: update its members in %s to\n%s"
            % (cls.__name__, stub, "\n".join('    %s = "%s"' % (m.name, m.value) for m in cls))
        )


def test_command_argument_takes_members_and_names() -> None:
    reply = "550 5.1.1 User unknown"
    by_member = smtpcode.classify(reply, command=smtpcode.Command.END_OF_DATA)
    by_name = smtpcode.classify(reply, command="end_of_data")
    assert by_member == by_name
    assert by_member.command is smtpcode.Command.END_OF_DATA
    assert smtpcode.classify(reply, command=None) == smtpcode.classify(reply)


def test_classify_accepts_str_and_bytes_alike() -> None:
    for reply in REPLIES:
        assert smtpcode.classify(reply) == smtpcode.classify(reply.encode("utf-8"))
    # Lone surrogates (text decoded with surrogateescape) classify as the original bytes.
    raw = b"550 5.1.1 \xff\xfe user unknown"
    assert smtpcode.classify(raw.decode("utf-8", "surrogateescape")) == smtpcode.classify(raw)
    assert smtpcode.classify("550 \ud800 user unknown").code == 550


def test_classify_and_parse_take_bytearray_and_memoryview_like_parse_bounce() -> None:
    for reply in REPLIES:
        raw = reply.encode("utf-8")
        want = smtpcode.classify(raw)
        for form in (bytearray(raw), memoryview(raw), memoryview(bytearray(raw))):
            assert smtpcode.classify(form) == want
            assert smtpcode.classify(form, command="rcpt") == smtpcode.classify(raw, command="rcpt")
            assert smtpcode.Classifier().classify(form) == want
        assert smtpcode.classify_many([bytearray(raw), memoryview(raw)]) == [want, want]
    # A slice of a larger buffer, and a strided view, read as the bytes they show.
    buf = bytearray(b"xx550 5.1.1 user unknownyy")
    assert smtpcode.classify(memoryview(buf)[2:-2]) == smtpcode.classify(b"550 5.1.1 user unknown")
    assert smtpcode.classify(memoryview(b"5x5x0x")[::2]) == smtpcode.classify(b"550")
    assert smtpcode.parse(bytearray(b"550 5.1.1 gone")) == smtpcode.parse(b"550 5.1.1 gone")


def test_classify_many_matches_classify() -> None:
    replies = REPLIES * 700  # several chunks, split over threads
    expected = [smtpcode.classify(r) for r in replies]
    assert smtpcode.classify_many(replies) == expected
    assert smtpcode.classify_many(iter(replies), threads=1) == expected
    assert smtpcode.classify_many(r.encode() for r in replies) == expected
    assert smtpcode.classify_many(tuple(replies), threads=3) == expected
    assert smtpcode.classify_many([]) == []
    with_cmd = smtpcode.classify_many(["550 5.1.1 User unknown"], command="end_of_data")
    assert with_cmd == [smtpcode.classify("550 5.1.1 User unknown", command="end_of_data")]


def test_errors_are_value_errors_with_clear_messages() -> None:
    for cls in (
        smtpcode.ParseError,
        smtpcode.InvalidCodeError,
        smtpcode.UnknownNameError,
        smtpcode.InvalidTypeError,
    ):
        assert issubclass(cls, smtpcode.SmtpCodeError)
        assert issubclass(cls, ValueError)
        assert cls.__module__ == "smtpcode"
    assert issubclass(smtpcode.InvalidTypeError, TypeError)

    with pytest.raises(smtpcode.ParseError, match="no reply code") as e:
        smtpcode.parse("connection refused by 192.0.2.1")
    assert e.value.kind == "no_code"
    with pytest.raises(smtpcode.ParseError, match="empty") as e:
        smtpcode.parse(" \r\n")
    assert e.value.kind == "empty"
    back = pickle.loads(pickle.dumps(e.value))
    assert type(back) is smtpcode.ParseError and back.kind == "empty"

    for bad in (1000, 99, -550, 2**70, "55", "5500", "abc"):
        with pytest.raises(smtpcode.InvalidCodeError, match="three digits"):
            smtpcode.lookup(bad)
    for text in ("5.1", "7.1.1", "5.01.1", "x"):
        with pytest.raises(smtpcode.InvalidCodeError, match="enhanced status code"):
            smtpcode.lookup_enhanced(text)
    with pytest.raises(smtpcode.InvalidCodeError):
        smtpcode.lookup_enhanced(1, 1000)
    with pytest.raises(smtpcode.InvalidCodeError, match="not in the reply code table"):
        smtpcode.CodeInfo(299)
    with pytest.raises(smtpcode.InvalidCodeError, match="registry"):
        smtpcode.EnhancedInfo(9, 9)

    with pytest.raises(smtpcode.UnknownNameError, match="rcpt_too"):
        smtpcode.classify("550", command="rcpt_too")
    with pytest.raises(smtpcode.UnknownNameError, match="reason"):
        smtpcode.Classification(**dict(smtpcode.classify("550").to_dict(), reason="nope"))

    wrong = [
        lambda: smtpcode.classify(550),  # type: ignore[arg-type]
        lambda: smtpcode.classify(None),  # type: ignore[arg-type]
        lambda: smtpcode.classify("550", command=5),  # type: ignore[arg-type]
        lambda: smtpcode.parse(["550"]),  # type: ignore[arg-type]
        lambda: smtpcode.lookup(5.5),  # type: ignore[arg-type]
        lambda: smtpcode.lookup(True),
        lambda: smtpcode.lookup_enhanced(511),  # type: ignore[call-overload]
        lambda: smtpcode.classify_many("550 5.1.1 x"),
        lambda: smtpcode.classify_many(550),  # type: ignore[arg-type]
        lambda: smtpcode.classify_many(["550", 550]),  # type: ignore[list-item]
        lambda: smtpcode.classify_smtp_error(OSError("x")),  # type: ignore[call-overload]
        lambda: smtpcode.classify_refused([("a@b", (550, b"x"))]),  # type: ignore[arg-type]
    ]
    for call in wrong:
        with pytest.raises(smtpcode.InvalidTypeError) as wrong_type:
            call()
        error = wrong_type.value
        assert isinstance(error, ValueError) and isinstance(error, TypeError)
        assert " takes " in str(error) or " expects " in str(error)
    with pytest.raises(ValueError, match="item 1"):
        smtpcode.classify_many(["550", 550])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="threads"):
        smtpcode.classify_many(["550"], threads=0)


def test_bad_arguments_raise_errors_of_this_package() -> None:
    """Issue 11: out-of-range ints and text that is not valid Unicode raise SmtpCodeError
    subclasses with a clear message, never a bare OverflowError or a confusing TypeError."""
    # The registry key was subject*1000+detail: (0, 1001) answered X.1.1.
    for subject, detail in ((0, 1001), (1, 1000), (0, 7026), (5, 2000)):
        with pytest.raises(smtpcode.InvalidCodeError):
            smtpcode.EnhancedInfo(subject, detail)
    assert smtpcode.lookup_enhanced(0, 999) is None
    for subject, detail in ((-1, 1), (1, -1), (2**70, 1)):
        with pytest.raises(smtpcode.InvalidCodeError, match="0 to 999"):
            smtpcode.EnhancedInfo(subject, detail)
        with pytest.raises(smtpcode.InvalidCodeError, match="0 to 999"):
            smtpcode.lookup_enhanced(subject, detail)
    with pytest.raises(smtpcode.InvalidTypeError):
        smtpcode.EnhancedInfo("1", 1)  # type: ignore[arg-type]
    for threads in (-1, 0, -(2**70)):
        with pytest.raises(smtpcode.SmtpCodeError, match="threads must be at least 1"):
            smtpcode.classify_many(["550"], threads=threads)
    with pytest.raises(smtpcode.InvalidTypeError):
        smtpcode.classify_many(["550"], threads=1.5)  # type: ignore[arg-type]
    assert len(smtpcode.classify_many(["550"], threads=2**70)) == 1
    with pytest.raises(smtpcode.SmtpCodeError, match="lone surrogate") as e:
        smtpcode.classify("550", command="\ud800")
    assert "not str" not in str(e.value)


def test_classify_never_raises_on_edge_inputs() -> None:
    for reply in ("", " ", "\0", "5", "550-", "5.1.1", "\x00" * 5000, "550 " + "x" * 100_000):
        c = smtpcode.classify(reply)
        assert isinstance(c, smtpcode.Classification)
    long = "host mx said: 552 5.2.2 Mailbox full " + "a" * 10_000  # classified without the GIL
    assert smtpcode.classify(long).code == 552


def test_warm_up_and_typing_files_ship() -> None:
    smtpcode.warm_up()
    here = Path(smtpcode.__file__).parent
    for name in ("py.typed", "_smtpcode.pyi", "_enums.pyi"):
        assert (here / name).exists(), name


def test_enum_names_parse_as_in_every_face() -> None:
    # Any case, `-` or a space for `_`, and the aliases of the core crate's data.
    assert smtpcode.Command("HELO") is smtpcode.Command.EHLO
    assert smtpcode.Command("rcpt-to") is smtpcode.Command.RCPT
    assert smtpcode.Reason("Mailbox Unknown") is smtpcode.Reason.MAILBOX_UNKNOWN
    with pytest.raises(ValueError):
        smtpcode.Command("quit")
    c = smtpcode.classify("550 5.1.1 user unknown", command="dot")
    assert c.reason == smtpcode.Reason.POLICY and c.command == smtpcode.Command.END_OF_DATA


def _fields(record: object) -> Dict[str, object]:
    d = record.to_dict()  # type: ignore[attr-defined]
    return dict(d)


@pytest.mark.parametrize("make", ["classification", "reply", "recipient", "report", "original"])
def test_record_constructors_raise_errors_of_the_package(make: str) -> None:
    """A record built from fields of the wrong type raises InvalidTypeError (a SmtpCodeError
    and a TypeError), never a bare TypeError or OverflowError (found by atheris)."""
    report = smtpcode.parse_bounce((GOLDEN_BOUNCES / "postfix-dsn.eml").read_bytes())
    recipient = report.recipients[0]
    original = report.original
    assert original is not None
    good = {
        "classification": (smtpcode.Classification, _fields(smtpcode.classify(GMAIL))),
        "reply": (smtpcode.Reply, _fields(smtpcode.parse(REPLIES[0]))),
        "recipient": (
            smtpcode.BounceRecipient,
            {**_fields(recipient), "classification": recipient.classification},
        ),
        "report": (
            smtpcode.BounceReport,
            {
                **{k: v for k, v in _fields(report).items() if k not in ("from", "original")},
                "from_": report.from_,
                "recipients": report.recipients,
                "original": report.original,
            },
        ),
        "original": (
            smtpcode.OriginalMessage,
            {**{k: v for k, v in _fields(original).items() if k != "from"},
             "from_": original.from_},
        ),
    }
    cls, fields = good[make]
    assert cls(**fields) is not None
    refused = 0
    for key in fields:
        for bad in (["a list"], 3.5, b"bytes", "\udc80", 10**30, -1):
            # Anything but an error of the package fails the test.
            try:
                cls(**{**fields, key: bad})
            except smtpcode.SmtpCodeError:
                refused += 1
    # Most wrong values are refused (a str field may take "\udc80"-free text only, an
    # optional code takes no float...); none gives another kind of error.
    assert refused >= 4 * len(fields)
