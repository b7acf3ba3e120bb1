"""A user's rules: ``smtpcode.Classifier(rules=...)`` with the shared files of tests/data."""

import os
import pickle
import threading
from pathlib import Path

import pytest

import smtpcode
from conftest import GOLDEN, read_tsv, unescape

RULES = GOLDEN / "user-rules.tsv"


def cases() -> "list[tuple[int, dict[str, str]]]":
    return [(n, row) for _, n, row in read_tsv(GOLDEN / "user-rules-cases.tsv")]


@pytest.mark.parametrize("path", [RULES, str(RULES)], ids=["pathlike", "str"])
def test_shared_cases(path: "os.PathLike[str]") -> None:
    c = smtpcode.Classifier(path)
    rows = cases()
    assert len(rows) >= 5
    for n, row in rows:
        got = c.classify(unescape(row["input"]))
        where = "user-rules-cases.tsv:%d" % n
        assert got.reason == row["reason"], where
        assert got.rule == row["rule"], where
        assert got.outcome == row["outcome"], where
    assert c.classify_many([unescape(r["input"]) for _, r in rows]) == [
        c.classify(unescape(r["input"])) for _, r in rows
    ]


def test_user_rules_decide_first_and_the_plain_classifier_is_classify() -> None:
    text = "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown"
    mine = smtpcode.Classifier(text="id\tpattern\treason\nsite.x\tuser unknown\tpolicy\n")
    assert mine.classify(text).reason == smtpcode.Reason.POLICY
    assert mine.rules == ("site.x",)
    assert mine.origin == "<text>"
    plain = smtpcode.Classifier()
    assert plain.classify(text) == smtpcode.classify(text)
    assert plain.rules == () and plain.origin is None


def test_a_bad_rule_file_raises_rules_error_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\tpattern\treason\n# comment\nx\tuser (unknown\tpolicy\n")
    with pytest.raises(smtpcode.RulesError) as e:
        smtpcode.Classifier(bad)
    assert isinstance(e.value, smtpcode.SmtpCodeError) and isinstance(e.value, ValueError)
    assert e.value.line == 3
    assert e.value.origin == str(bad)
    assert "missing )" in e.value.detail
    assert str(e.value).startswith("%s:3: " % bad)
    with pytest.raises(smtpcode.RulesError) as e:
        smtpcode.Classifier(tmp_path / "missing.tsv")
    assert e.value.line == 0 and "missing.tsv" in str(e.value)
    with pytest.raises(smtpcode.RulesError):
        smtpcode.Classifier(text="id\tpattern\treason\nx\tuser unknown\tnot_a_reason\n")
    with pytest.raises(smtpcode.InvalidTypeError):
        smtpcode.Classifier(42)  # type: ignore[arg-type]
    with pytest.raises(smtpcode.SmtpCodeError):
        smtpcode.Classifier(RULES, text="id\tpattern\treason\n")


def test_bounces_are_read_with_the_rules() -> None:
    raw = (
        b"From: MAILER-DAEMON@mx.acme.example\r\nTo: sender@example.com\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.acme.example\r\n\r\n"
        b"Final-Recipient: rfc822; jane@acme.example\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"Diagnostic-Code: smtp; 550 5.1.1 ACME-GW-410 user has left the company\r\n--b--\r\n"
    )
    plain = smtpcode.parse_bounce(raw).recipients[0].classification
    assert plain.reason == smtpcode.Reason.MAILBOX_UNKNOWN
    mine = smtpcode.Classifier(RULES).parse_bounce(raw).recipients[0].classification
    assert (mine.reason, mine.rule) == (smtpcode.Reason.MAILBOX_MOVED, "acme.retired")


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_a_classifier_pickles_with_its_rules(protocol: int) -> None:
    c = smtpcode.Classifier(RULES)
    back = pickle.loads(pickle.dumps(c, protocol))
    assert back.rules == c.rules and back.origin == c.origin
    n, row = cases()[0]
    assert back.classify(unescape(row["input"])).rule == row["rule"]
    plain = pickle.loads(pickle.dumps(smtpcode.Classifier(), protocol))
    assert plain.rules == ()


def test_one_classifier_serves_many_threads() -> None:
    c = smtpcode.Classifier(RULES)
    rows = cases()
    want = [c.classify(unescape(r["input"])) for _, r in rows]
    errors = []

    def work() -> None:
        for _ in range(200):
            if [c.classify(unescape(r["input"])) for _, r in rows] != want:
                errors.append("mismatch")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert "rules from" in repr(c)
