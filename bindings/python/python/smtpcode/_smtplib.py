"""Classifying the exceptions of :mod:`smtplib` in one call.

smtplib splits a reply into ``smtp_code`` and ``smtp_error`` (the text without the code, the
lines of a multi-line reply joined by newlines). These helpers put the reply back together
(``b"550 " + smtp_error``), say which SMTP command it answered when the exception class tells
(``SMTPRecipientsRefused``: RCPT, ``SMTPSenderRefused``: MAIL, ``SMTPHeloError``: EHLO,
``SMTPAuthenticationError``: AUTH, ``SMTPConnectError``: the greeting) and hand it to
:func:`smtpcode.classify`, which decides everything.
"""

import smtplib
from typing import Dict, Mapping, Optional, Tuple, Union, overload

from ._enums import Command
from ._smtpcode import Classification, InvalidTypeError, classify

__all__ = ["classify_smtp_error", "classify_refused"]

# Most specific class first.
_COMMANDS: Tuple[Tuple[type, Command], ...] = (
    (smtplib.SMTPSenderRefused, Command.MAIL),
    (smtplib.SMTPHeloError, Command.EHLO),
    (smtplib.SMTPAuthenticationError, Command.AUTH),
    (smtplib.SMTPConnectError, Command.CONNECT),
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


@overload
def classify_smtp_error(error: smtplib.SMTPRecipientsRefused) -> Dict[str, Classification]: ...
@overload
def classify_smtp_error(error: smtplib.SMTPResponseException) -> Classification: ...
@overload
def classify_smtp_error(
    error: smtplib.SMTPException,
) -> Union[Classification, Dict[str, Classification]]: ...


def classify_smtp_error(
    error: smtplib.SMTPException,
) -> Union[Classification, Dict[str, Classification]]:
    """Classifies an exception raised by :mod:`smtplib`.

    * ``SMTPRecipientsRefused``: a dict ``{recipient: Classification}``, one per refused
      recipient (see :func:`classify_refused`).
    * Any ``SMTPResponseException`` (``SMTPSenderRefused``, ``SMTPDataError``,
      ``SMTPHeloError``, ``SMTPAuthenticationError``, ``SMTPConnectError``...): the
      classification of the server's reply, with the SMTP command when the class tells it.
    * Any other ``SMTPException`` (``SMTPServerDisconnected``...): the classification of its
      message.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return classify_refused(error.recipients)
    if isinstance(error, smtplib.SMTPResponseException):
        command: Optional[Command] = None
        for cls, cmd in _COMMANDS:
            if isinstance(error, cls):
                command = cmd
                break
        return classify(_reply(error.smtp_code, error.smtp_error), command=command)
    if isinstance(error, smtplib.SMTPException):
        return classify(str(error))
    raise InvalidTypeError(
        "classify_smtp_error() takes an smtplib.SMTPException, not " + type(error).__name__
    )
