"""Classifying the exceptions of :mod:`smtplib` in one call.

smtplib splits a reply into ``smtp_code`` and ``smtp_error`` (the text without the code, the
lines of a multi-line reply joined by newlines). These helpers put the reply back together
(``b"550 " + smtp_error``), say which SMTP command it answered when the exception class tells
(``SMTPRecipientsRefused``: RCPT, ``SMTPSenderRefused``: MAIL, ``SMTPHeloError``: EHLO,
``SMTPAuthenticationError``: AUTH, ``SMTPConnectError``: the greeting) and hand it to
:func:`smtpcode.classify`, which decides everything.

What smtplib raises when there is no reply at all (the connection was refused, timed out,
closed, the name did not resolve, TLS failed) goes to :func:`smtpcode.classify_no_reply` as
what the exception's class says happened (a :class:`NoReply`), with the exception's message:
always a ``network_error`` or ``tls_required`` that is transient (no server refused the
message; the same message can go through later).
"""

import smtplib
import socket
import ssl
from typing import Dict, Mapping, Optional, Tuple, Union, overload

from ._enums import Command, NoReply
from ._smtpcode import Classification, InvalidTypeError, classify, classify_no_reply

__all__ = ["classify_smtp_error", "classify_refused"]

# Most specific class first.
_COMMANDS: Tuple[Tuple[type, Command], ...] = (
    (smtplib.SMTPSenderRefused, Command.MAIL),
    (smtplib.SMTPHeloError, Command.EHLO),
    (smtplib.SMTPAuthenticationError, Command.AUTH),
    (smtplib.SMTPConnectError, Command.CONNECT),
)


# The exceptions that come with no reply, most specific class first, and what each one is
# (the core crate classifies it: smtpcode.classify_no_reply).
_NO_REPLY: Tuple[Tuple[type, NoReply], ...] = (
    (socket.gaierror, NoReply.NAME_NOT_RESOLVED),
    (ssl.SSLError, NoReply.TLS_FAILED),
    (ConnectionRefusedError, NoReply.CONNECTION_REFUSED),
    (socket.timeout, NoReply.TIMED_OUT),
    (TimeoutError, NoReply.TIMED_OUT),
    (smtplib.SMTPServerDisconnected, NoReply.CONNECTION_LOST),
    (ConnectionError, NoReply.CONNECTION_LOST),
)


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
    for cls, failure in _NO_REPLY:
        if isinstance(error, cls):
            return classify_no_reply(failure, str(error), command=given)
    if isinstance(error, smtplib.SMTPException):
        return classify(str(error), command=given)
    raise InvalidTypeError(
        "classify_smtp_error() takes an exception raised by smtplib (an SMTPException, a "
        "ConnectionError, a TimeoutError, a socket.gaierror or an ssl.SSLError), not "
        + type(error).__name__
    )
