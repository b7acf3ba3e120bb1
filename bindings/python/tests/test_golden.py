"""The golden cases of tests/data, the same files the Rust and C suites read."""

from typing import Optional

import pytest

import smtpcode

from conftest import CLASSIFY_FILES, GOLDEN, Row, golden_rows, opt, read_tsv, row_id, unescape

CLASSIFY_ROWS = golden_rows(CLASSIFY_FILES)
PARSE_ROWS = read_tsv(GOLDEN / "parse.tsv") if (GOLDEN / "parse.tsv").exists() else []
NO_REPLY_ROWS = golden_rows(("no-reply.tsv",))


def test_golden_files_have_cases() -> None:
    assert len(CLASSIFY_ROWS) > 0, "no classify golden cases in %s" % GOLDEN
    assert len(PARSE_ROWS) > 0, "no parse golden cases in %s" % GOLDEN
    assert len(NO_REPLY_ROWS) > 0, "no no-reply golden cases in %s" % GOLDEN


def _text_input(raw: bytes) -> "str | bytes":
    """The input as str when it is UTF-8 (the usual Python case), else as bytes."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


@pytest.mark.parametrize("row", CLASSIFY_ROWS, ids=row_id)
def test_classify(row: Row) -> None:
    name, line, case = row
    raw = unescape(case["input"])
    command = opt(case["command"])
    c = smtpcode.classify(_text_input(raw), command=command)
    got = {
        "code": None if c.code is None else str(c.code),
        "enhanced": c.enhanced,
        "outcome": c.outcome.value,
        "bounce": c.bounce.value,
        "reason": c.reason.value,
        "action": c.action.value,
        "retry": None if c.retry is None else str(c.retry).lower(),
        "provider": c.provider,
        "provider_code": c.provider_code,
    }
    want = {key: opt(case[key]) for key in got}
    assert got == want, "%s:%d (rule %s) %r" % (name, line, c.rule, case["input"])
    # bytes and str give the same answer, and so does the batch function.
    assert smtpcode.classify(raw, command=command) == c
    assert smtpcode.classify_many([raw], command=command) == [c]


@pytest.mark.parametrize("row", NO_REPLY_ROWS, ids=row_id)
def test_classify_no_reply(row: Row) -> None:
    name, line, case = row
    raw = unescape(case["input"])
    failure = smtpcode.NoReply(case["failure"])
    command = opt(case["command"])
    c = smtpcode.classify_no_reply(failure, _text_input(raw), command=command)
    got = {
        "code": None if c.code is None else str(c.code),
        "outcome": c.outcome.value,
        "bounce": c.bounce.value,
        "reason": c.reason.value,
        "action": c.action.value,
        "retry": None if c.retry is None else str(c.retry).lower(),
        "answered": None if c.command is None else c.command.value,
    }
    want = {key: opt(case[key]) for key in got}
    assert got == want, "%s:%d (rule %s) %r" % (name, line, c.rule, case["input"])
    assert c.outcome_inferred
    # The name, bytes, and a Classifier with the built-in rules give the same answer.
    assert smtpcode.classify_no_reply(case["failure"], raw, command=command) == c
    assert smtpcode.Classifier().classify_no_reply(failure, raw, command=command) == c


def test_classify_no_reply_bad_arguments() -> None:
    with pytest.raises(smtpcode.UnknownNameError):
        smtpcode.classify_no_reply("eaten_by_a_grue")
    with pytest.raises(smtpcode.InvalidTypeError):
        smtpcode.classify_no_reply(smtpcode.NoReply.TIMED_OUT, 42)  # type: ignore[arg-type]
    # No detail is the failure's own words.
    c = smtpcode.classify_no_reply(smtpcode.NoReply.TIMED_OUT)
    assert (c.reason, c.outcome) == (smtpcode.Reason.NETWORK_ERROR, smtpcode.Outcome.TRANSIENT)


@pytest.mark.parametrize("row", PARSE_ROWS, ids=row_id)
def test_parse(row: Row) -> None:
    name, line, case = row
    raw = unescape(case["input"])
    want_error: Optional[str] = opt(case["error"])
    if want_error is not None:
        with pytest.raises(smtpcode.ParseError) as info:
            smtpcode.parse(raw)
        assert info.value.kind == want_error, "%s:%d" % (name, line)
        assert isinstance(info.value, ValueError)
        return
    r = smtpcode.parse(raw)
    assert (None if r.code is None else str(r.code)) == opt(case["code"]), "%s:%d" % (name, line)
    assert r.enhanced == opt(case["enhanced"]), "%s:%d" % (name, line)
    want_text = opt(case["text"])
    if want_text is not None:
        assert r.text == unescape(want_text).decode("utf-8", "replace"), "%s:%d" % (name, line)
    assert smtpcode.parse(_text_input(raw)) == r
