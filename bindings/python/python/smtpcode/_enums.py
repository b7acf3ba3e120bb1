"""The enums of a classification and of a bounce report, built from the names the native
module exports.

Each enum is a ``str`` enum: its values are the stable snake_case names used by the JSON
output, the C library and the Rust crate (``Reason.MAILBOX_UNKNOWN == "mailbox_unknown"``).
The names come from the core crate (``REASON_NAMES`` and so on), so they are written only
once; the members are in the core crate's order.
"""

import enum
from typing import Iterable, Optional

from . import _smtpcode


class _NamedEnum(str, enum.Enum):
    """A str enum whose ``str()`` and ``format()`` give the snake_case value, and which takes
    a name the way every face of smtpcode does: any case, ``-`` or a space for ``_``, and the
    aliases of the core crate's data (``Command("HELO")`` is ``Command.EHLO``)."""

    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, spec: str) -> str:
        return str.__format__(str.__str__(self), spec)

    @classmethod
    def _missing_(cls, value: object) -> Optional["_NamedEnum"]:
        kind = _KINDS.get(cls.__name__)
        if not isinstance(value, str) or kind is None:
            return None
        try:
            return cls(_smtpcode._canonical_name(kind, value))
        except _smtpcode.UnknownNameError:
            return None


#: The core crate's name of each enum, for ``_canonical_name``.
_KINDS = {
    "Outcome": "outcome",
    "Bounce": "bounce",
    "Reason": "reason",
    "Action": "action",
    "Command": "command",
    "Basis": "basis",
    "BounceKind": "bounce_kind",
    "DsnAction": "dsn_action",
    "BounceFormat": "bounce_format",
    "LogStatus": "log_status",
    "LogFormat": "log_format",
    "NoReply": "no_reply",
}


def _build(name: str, names: Iterable[str], doc: str) -> "type[_NamedEnum]":
    members = [(n.upper(), n) for n in names]
    cls = _NamedEnum(name, members, module="smtpcode", qualname=name)  # type: ignore[call-overload]
    cls.__doc__ = doc
    return cls  # type: ignore[no-any-return]


Outcome = _build(
    "Outcome",
    _smtpcode.OUTCOME_NAMES,
    "What the reply says about the command: success, intermediate, transient, permanent "
    "or unknown (RFC 5321 §4.2.1).",
)
Bounce = _build(
    "Bounce",
    _smtpcode.BOUNCE_NAMES,
    "What a bounce processor should make of the result: none, soft, hard, block or unknown.",
)
Reason = _build(
    "Reason",
    _smtpcode.REASON_NAMES,
    "Why the reply was given: one reason per result.",
)
Action = _build(
    "Action",
    _smtpcode.ACTION_NAMES,
    "The recommended next step for the sender.",
)
Command = _build(
    "Command",
    _smtpcode.COMMAND_NAMES,
    "The SMTP command a reply answered.",
)
Basis = _build(
    "Basis",
    _smtpcode.BASIS_NAMES,
    "What decided the reason of a classification, in precedence order.",
)
BounceKind = _build(
    "BounceKind",
    _smtpcode.BOUNCE_KIND_NAMES,
    "What kind of message a bounce report is about: delivery_failure, delay_notice, "
    "success_notice, feedback (ARF), auto_reply (RFC 3834) or not_bounce.",
)
DsnAction = _build(
    "DsnAction",
    _smtpcode.DSN_ACTION_NAMES,
    "The RFC 3464 Action of one recipient: failed, delayed, delivered, relayed or expanded.",
)
BounceFormat = _build(
    "BounceFormat",
    _smtpcode.BOUNCE_FORMAT_NAMES,
    "Where a bounce report's recipients and diagnostics were read from.",
)
LogStatus = _build(
    "LogStatus",
    _smtpcode.LOG_STATUS_NAMES,
    "What a mail log says happened to one recipient: sent, deferred, bounced, expired, or "
    "rejected (a refusal this server gave to inbound mail).",
)
LogFormat = _build(
    "LogFormat",
    _smtpcode.LOG_FORMAT_NAMES,
    "The mail system that wrote a log line: postfix, exim, sendmail, opensmtpd, kumomta, "
    "powermta or exchange.",
)
NoReply = _build(
    "NoReply",
    _smtpcode.NO_REPLY_NAMES,
    "What a client saw when a session ended with no reply from the server: "
    "name_not_resolved, connection_refused, timed_out, connection_lost or tls_failed "
    "(for classify_no_reply).",
)
