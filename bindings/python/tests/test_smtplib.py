"""The smtplib helper: an exception (or sendmail's refused dict) classified in one call."""

import smtplib

import pytest

import smtpcode

UNKNOWN = b"5.1.1 <jane@example.com>: Recipient address rejected: User unknown in virtual mailbox table"
FULL = b"5.2.2 <bob@example.com>: Mailbox full\n5.2.2 try again later"


def test_recipients_refused_gives_one_classification_per_recipient() -> None:
    refused = {"jane@example.com": (550, UNKNOWN), "bob@example.com": (452, FULL)}
    try:
        raise smtplib.SMTPRecipientsRefused(refused)
    except smtplib.SMTPRecipientsRefused as e:
        result = smtpcode.classify_smtp_error(e)
    assert set(result) == set(refused)
    for rcpt, (code, message) in refused.items():
        expected = smtpcode.classify(b"%d %s" % (code, message), command=smtpcode.Command.RCPT)
        assert result[rcpt] == expected
        assert result[rcpt].code == code
        assert result[rcpt].command is smtpcode.Command.RCPT
    assert result["jane@example.com"].reason is smtpcode.Reason.MAILBOX_UNKNOWN
    assert result["jane@example.com"].bounce is smtpcode.Bounce.HARD
    assert result["bob@example.com"].outcome is smtpcode.Outcome.TRANSIENT
    assert smtpcode.classify_refused(refused) == result


@pytest.mark.parametrize(
    "error, command",
    [
        (smtplib.SMTPSenderRefused(553, b"5.7.1 Sender address rejected", "a@b.c"), "mail"),
        (smtplib.SMTPHeloError(501, b"5.5.2 Syntax: HELO hostname"), "ehlo"),
        (smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid"), "auth"),
        (smtplib.SMTPConnectError(421, b"4.7.0 Too many connections"), "connect"),
        (smtplib.SMTPDataError(554, b"5.7.1 Message rejected as spam"), None),
        (smtplib.SMTPResponseException(454, "4.7.0 TLS not available"), None),
    ],
)
def test_response_exceptions(error: smtplib.SMTPResponseException, command: "str | None") -> None:
    c = smtpcode.classify_smtp_error(error)
    message = error.smtp_error
    if isinstance(message, str):
        message = message.encode()
    assert c == smtpcode.classify(b"%d %s" % (error.smtp_code, message), command=command)
    assert c.code == error.smtp_code


def test_other_smtp_exceptions_classify_their_message() -> None:
    e = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    assert smtpcode.classify_smtp_error(e) == smtpcode.classify("Connection unexpectedly closed")


def test_code_outside_the_reply_range_keeps_only_the_text() -> None:
    e = smtplib.SMTPResponseException(-1, b"550 5.1.1 user unknown")
    assert smtpcode.classify_smtp_error(e) == smtpcode.classify(b"550 5.1.1 user unknown")
