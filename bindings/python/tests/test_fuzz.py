"""Arbitrary text and bytes never crash the interpreter or raise from classify."""

from hypothesis import given, settings
from hypothesis import strategies as st

import smtpcode

# Text that looks like replies: digits, dots, dashes, separators and reply words.
replyish = st.lists(
    st.one_of(
        st.sampled_from(
            ["550", "5.1.1", "421", "4.7.0", "-", " ", "\r\n", "#", "(", ")", ";", ":", "said:",
             "smtp;", "user unknown", "gsmtp", "[TSS04]", "mailbox full", "\0", "\xff", "é"]
        ),
        st.text(max_size=5),
    ),
    max_size=30,
).map("".join)


def _check(c: smtpcode.Classification) -> None:
    assert isinstance(c.outcome, smtpcode.Outcome)
    assert isinstance(c.reason, smtpcode.Reason)
    assert c.code is None or 100 <= c.code <= 999
    d = c.to_dict()
    assert smtpcode.Classification(**d) == c


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text(s: str) -> None:
    _check(smtpcode.classify(s))


@settings(max_examples=300, deadline=None)
@given(st.binary())
def test_any_bytes(b: bytes) -> None:
    _check(smtpcode.classify(b))


@settings(max_examples=300, deadline=None)
@given(replyish, st.sampled_from([None, *smtpcode.Command]))
def test_replyish_text(s: str, command: "smtpcode.Command | None") -> None:
    c = smtpcode.classify(s, command=command)
    _check(c)
    assert smtpcode.classify(s.encode("utf-8"), command=command) == c
    try:
        r = smtpcode.parse(s)
    except smtpcode.ParseError as e:
        assert e.kind in ("empty", "no_code")
    else:
        assert r.code is not None or r.enhanced is not None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.text(), st.binary()), max_size=50))
def test_any_batch(items: list) -> None:
    got = smtpcode.classify_many(items)
    assert got == [smtpcode.classify(i) for i in items]
