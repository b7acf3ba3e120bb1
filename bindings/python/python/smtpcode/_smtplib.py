"""Classifying the exceptions of :mod:`smtplib` in one call.

smtplib splits a reply into ``smtp_code`` and ``smtp_error`` (the text without the code, the
lines of a multi-line reply joined by newlines). These helpers put the reply back together
(``b"550 " + smtp_error``), say which SMTP command it answered when the exception class tells
(``SMTPRecipientsRefused``: RCPT, ``SMTPSenderRefused``: MAIL, ``SMTPHeloError``: EHLO,
``SMTPAuthenticationError``: AUTH, ``SMTPConnectError``: the greeting) and hand it to
:func:`smtpcode.classify`, which decides everything.

What smtplib raises when there is no reply at all (the connection was refused, timed out,
closed, the name did not resolve, TLS failed) is classified from the exception's class: the
words of what happened in front of the exception's own message, classified by the core crate,
always a ``network_error`` or ``tls_required`` that is transient (no server refused the
message; the same message can go through later).
"""

import smtplib
import socket
import ssl
from typing import Dict, Mapping, Optional, Tuple, Union, overload

from ._enums import Command, Outcome, Reason, Bounce
from ._smtpcode import Classification, InvalidTypeError, classify

__all__ = ["classify_smtp_error", "classify_refused"]

# Most specific class first.
_COMMANDS: Tuple[Tuple[type, Command], ...] = (
    (smtplib.SMTPSenderRefused, Command.MAIL),
    (smtplib.SMTPHeloError, Command.EHLO),
    (smtplib.SMTPAuthenticationError, Command.AUTH),
    (smtplib.SMTPConnectError, Command.CONNECT),
)


# The exceptions that come with no reply, most specific class first: what happened (in words
# the core's rules know), the reason it must give, and the command when the class tells it.
_NO_REPLY: Tuple[Tuple[type, str, Reason, Optional[Command]], ...] = (
    (socket.gaierror, "DNS lookup failed", Reason.NETWORK_ERROR, Command.CONNECT),
    (ssl.SSLError, "TLS handshake failed", Reason.TLS_REQUIRED, None),
    (ConnectionRefusedError, "connection refused", Reason.NETWORK_ERROR, Command.CONNECT),
    (socket.timeout, "connection timed out", Reason.NETWORK_ERROR, None),
    (TimeoutError, "connection timed out", Reason.NETWORK_ERROR, None),
    (smtplib.SMTPServerDisconnected, "lost connection", Reason.NETWORK_ERROR, None),
    (ConnectionError, "lost connection", Reason.NETWORK_ERROR, None),
)


def _no_reply(
    error: BaseException, what: str, reason: Reason, command: Optional[Command]
) -> Classification:
    """The classification of an exception that carries no server reply."""
    message = str(error)
    c = classify("%s: %s" % (what, message) if message else what, command=command)
    if c.reason is not reason:
        # The exception's own words pointed elsewhere: the class decides.
        c = classify(what, command=command)
    if c.outcome is not Outcome.TRANSIENT:
        # No reply refused the message for good: the outcome is transient (a TLS failure too:
        # it can succeed once the certificate or the TLS set-up is fixed, on either side).
        fields = c.to_dict()
        fields.update(
            outcome=Outcome.TRANSIENT, outcome_inferred=True, bounce=Bounce.SOFT, retry=True
        )
        c = Classification(**fields)
    return c


def _reply(code: object, message: object) -> bytes:
    """The reply as the server sent it: the code, a space and smtplib's text."""
    if isinstance(message, bytes):
        text = message
    elif isinstance(message, str):
        text = message.encode("utf-8", "surrogateescape")
    else:
        text = str(message).encode("utf-8", "surrogateescape")
    if isinstance(code, int) and not isinstance(code, bool) and 100 <= code <= 999:
        return b"%d %s" % (code, text)
    return text


def classify_refused(
    recipients: Mapping[str, Tuple[int, Union[bytes, str]]],
) -> Dict[str, Classification]:
    """Classifies each recipient of a refused-recipients dict (RCPT TO replies).

    That dict is what ``SMTP.sendmail()`` and ``SMTP.send_message()`` return when some
    recipients were refused, and what ``SMTPRecipientsRefused.recipients`` holds when all were:
    ``{address: (code, message)}``. Returns ``{address: Classification}``.
    """
    if not isinstance(recipients, Mapping):
        raise InvalidTypeError(
            "classify_refused() takes a dict of recipient -> (code, message), not "
            + type(recipients).__name__
        )
    out: Dict[str, Classification] = {}
    for address, value in recipients.items():
        try:
            code, message = value
        except (TypeError, ValueError):
            raise InvalidTypeError(
                "classify_refused() expects (code, message) for %r, not %r" % (address, value)
            ) from None
        out[address] = classify(_reply(code, message), command=Command.RCPT)
    return out


_Error = Union[smtplib.SMTPException, OSError]
_CommandArg = Union[Command, str, None]


@overload
def classify_smtp_error(
    error: smtplib.SMTPRecipientsRefused, *, command: _CommandArg = None
) -> Dict[str, Classification]: ...
@overload
def classify_smtp_error(
    error: smtplib.SMTPResponseException, *, command: _CommandArg = None
) -> Classification: ...
@overload
def classify_smtp_error(
    error: _Error, *, command: _CommandArg = None
) -> Union[Classification, Dict[str, Classification]]: ...


def classify_smtp_error(
    error: _Error, *, command: _CommandArg = None
) -> Union[Classification, Dict[str, Classification]]:
    """Classifies an exception raised by :mod:`smtplib`, on connect or in the session.

    * ``SMTPRecipientsRefused``: a dict ``{recipient: Classification}``, one per refused
      recipient (see :func:`classify_refused`).
    * Any ``SMTPResponseException`` (``SMTPSenderRefused``, ``SMTPDataError``,
      ``SMTPHeloError``, ``SMTPAuthenticationError``, ``SMTPConnectError``...): the
      classification of the server's reply, with the SMTP command when the class tells it.
    * No reply at all: ``SMTPServerDisconnected``, ``ConnectionRefusedError`` (and any other
      ``ConnectionError``), ``TimeoutError`` (``socket.timeout``), ``socket.gaierror`` (the
      name did not resolve) give a transient ``network_error``; ``ssl.SSLError`` (the
      handshake or the certificate failed, with ``SMTP_SSL`` or ``starttls()``) a transient
      ``tls_required``. The command is ``connect`` for a refused connection and a failed
      name lookup.
    * Any other ``SMTPException``: the classification of its message.

    ``command`` (a ``Command`` or its name) is the SMTP command that was under way, when the
    caller knows it (``"starttls"`` around ``starttls()``, ``"data"`` around the message): it
    is used when the exception's class does not tell.
    """
    given = Command(command) if command is not None else None
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return classify_refused(error.recipients)
    if isinstance(error, smtplib.SMTPResponseException):
        cmd: Optional[Command] = given
        for cls, known in _COMMANDS:
            if isinstance(error, cls):
                cmd = known
                break
        return classify(_reply(error.smtp_code, error.smtp_error), command=cmd)
    for cls, what, reason, fixed in _NO_REPLY:
        if isinstance(error, cls):
            return _no_reply(error, what, reason, fixed or given)
    if isinstance(error, smtplib.SMTPException):
        return classify(str(error), command=given)
    raise InvalidTypeError(
        "classify_smtp_error() takes an exception raised by smtplib (an SMTPException, a "
        "ConnectionError, a TimeoutError, a socket.gaierror or an ssl.SSLError), not "
        + type(error).__name__
    )
