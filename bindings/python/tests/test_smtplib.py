"""The smtplib helper: an exception (or sendmail's refused dict) classified in one call."""

import smtplib
import socket
import ssl
import threading
from typing import Callable, Dict, Tuple, Union

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
    e = smtplib.SMTPNotSupportedError("SMTPUTF8 not supported by server")
    assert smtpcode.classify_smtp_error(e) == smtpcode.classify("SMTPUTF8 not supported by server")
    e2 = smtplib.SMTPException("5.1.1 user unknown")
    assert smtpcode.classify_smtp_error(e2, command="rcpt") == smtpcode.classify(
        "5.1.1 user unknown", command="rcpt"
    )


# ---- What smtplib raises when no reply comes: real failures on the loopback interface ----


def _serve_once(handle: "Callable[[socket.socket], object]") -> "Tuple[int, threading.Thread]":
    """A one-connection TCP server on 127.0.0.1: its port, and the thread that runs
    `handle` on the accepted connection."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(10)

    def run() -> None:
        with server:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                handle(conn)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return server.getsockname()[1], thread


def _raised(call: "Callable[[], object]") -> BaseException:
    try:
        call()
    except Exception as e:  # what smtplib really raises is the point
        return e
    raise AssertionError("no exception")


def _one(result: "Union[smtpcode.Classification, Dict[str, smtpcode.Classification]]") -> smtpcode.Classification:
    """The one classification of an exception that is not SMTPRecipientsRefused."""
    assert isinstance(result, smtpcode.Classification)
    return result


def _check_no_reply(c: smtpcode.Classification, reason: smtpcode.Reason) -> None:
    assert c.reason is reason
    assert c.outcome is smtpcode.Outcome.TRANSIENT
    assert c.bounce is smtpcode.Bounce.SOFT
    assert c.retry is True
    assert c.code is None


def test_connection_refused() -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    e = _raised(lambda: smtplib.SMTP("127.0.0.1", port, timeout=5))
    assert isinstance(e, ConnectionRefusedError)
    c = _one(smtpcode.classify_smtp_error(e))
    _check_no_reply(c, smtpcode.Reason.NETWORK_ERROR)
    assert c.command is smtpcode.Command.CONNECT


def test_server_disconnected() -> None:
    port, thread = _serve_once(lambda conn: None)  # accepts, then closes without a greeting
    e = _raised(lambda: smtplib.SMTP("127.0.0.1", port, timeout=5))
    thread.join()
    assert isinstance(e, smtplib.SMTPServerDisconnected)
    _check_no_reply(_one(smtpcode.classify_smtp_error(e)), smtpcode.Reason.NETWORK_ERROR)
    c = _one(smtpcode.classify_smtp_error(smtplib.SMTPServerDisconnected("please run connect() first")))
    _check_no_reply(c, smtpcode.Reason.NETWORK_ERROR)


def test_timeout() -> None:
    done = threading.Event()
    port, thread = _serve_once(lambda conn: done.wait(10))  # never greets
    e = _raised(lambda: smtplib.SMTP("127.0.0.1", port, timeout=0.2))
    done.set()
    thread.join()
    # smtplib raises the socket's timeout as it is while connecting, and as
    # SMTPServerDisconnected("Connection unexpectedly closed: timed out") while reading.
    assert isinstance(e, (TimeoutError, socket.timeout, smtplib.SMTPServerDisconnected))
    _check_no_reply(_one(smtpcode.classify_smtp_error(e)), smtpcode.Reason.NETWORK_ERROR)
    for error in (TimeoutError("timed out"), socket.timeout("timed out"), TimeoutError()):
        c = _one(smtpcode.classify_smtp_error(error, command="data"))
        _check_no_reply(c, smtpcode.Reason.NETWORK_ERROR)
        assert c.command is smtpcode.Command.DATA


def test_name_not_resolved() -> None:
    # What socket.getaddrinfo raises for a name that does not resolve (built here: the test
    # must not depend on the machine's DNS).
    for e in (
        socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
        socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"),
    ):
        c = _one(smtpcode.classify_smtp_error(e))
        _check_no_reply(c, smtpcode.Reason.NETWORK_ERROR)
        assert c.command is smtpcode.Command.CONNECT


def test_tls_failure() -> None:
    # SMTP_SSL to a server that speaks plain SMTP: the handshake reads "220 ..." and fails.
    def greet(conn: socket.socket) -> None:
        try:
            conn.sendall(b"220 mx.example.com ESMTP\r\n")
            conn.recv(4096)
        except OSError:
            pass

    port, thread = _serve_once(greet)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    e = _raised(lambda: smtplib.SMTP_SSL("127.0.0.1", port, timeout=5, context=context))
    thread.join()
    assert isinstance(e, ssl.SSLError)
    _check_no_reply(_one(smtpcode.classify_smtp_error(e)), smtpcode.Reason.TLS_REQUIRED)
    verify = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    c = _one(smtpcode.classify_smtp_error(verify, command=smtpcode.Command.STARTTLS))
    _check_no_reply(c, smtpcode.Reason.TLS_REQUIRED)
    assert c.command is smtpcode.Command.STARTTLS


def test_the_class_decides_over_misleading_words() -> None:
    # A refused connection whose message happens to read like a mailbox problem.
    e = ConnectionRefusedError(111, "550 5.1.1 user unknown")
    _check_no_reply(_one(smtpcode.classify_smtp_error(e)), smtpcode.Reason.NETWORK_ERROR)
    e2 = ConnectionResetError(104, "Connection reset by peer")
    _check_no_reply(_one(smtpcode.classify_smtp_error(e2)), smtpcode.Reason.NETWORK_ERROR)


def test_code_outside_the_reply_range_keeps_only_the_text() -> None:
    e = smtplib.SMTPResponseException(-1, b"550 5.1.1 user unknown")
    assert _one(smtpcode.classify_smtp_error(e)) == smtpcode.classify(b"550 5.1.1 user unknown")
