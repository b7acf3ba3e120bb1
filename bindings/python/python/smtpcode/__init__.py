"""smtpcode: classify SMTP replies and bounce diagnostics, at native speed.

>>> import smtpcode
>>> c = smtpcode.classify("550 5.1.1 <a@example.com>: Recipient address rejected: User unknown")
>>> c.bounce, c.reason, c.action
(<Bounce.HARD: 'hard'>, <Reason.MAILBOX_UNKNOWN: 'mailbox_unknown'>, <Action.SUPPRESS: 'suppress'>)

Whole bounce messages (bytes or an ``email.message.Message``) go to ``parse_bounce``, which
returns a ``BounceReport`` with one ``BounceRecipient`` (and its ``Classification``) per
recipient.

Every answer comes from the Rust core crate; this package converts types. See
``help(smtpcode.classify)`` and the stub ``smtpcode/_smtpcode.pyi`` for the whole API.
"""

from ._enums import (
    Action,
    Basis,
    Bounce,
    BounceFormat,
    BounceKind,
    Command,
    DsnAction,
    LogFormat,
    LogStatus,
    NoReply,
    Outcome,
    Reason,
)
from ._log import LogEvent, LogWarning, Suppression, read_log, suppression_list
from ._smtpcode import (
    ArrowBatch,
    BOUNCE_MAX_HEADER,
    BOUNCE_MAX_JOINED,
    BOUNCE_MAX_MESSAGE,
    BOUNCE_MAX_PART,
    BOUNCE_MAX_PARTS,
    BOUNCE_MAX_RECIPIENTS,
    BounceError,
    BounceRecipient,
    BounceReport,
    Classification,
    Classifier,
    CodeInfo,
    EnhancedInfo,
    InvalidCodeError,
    InvalidTypeError,
    OriginalMessage,
    ParseError,
    Reply,
    RulesError,
    SmtpCodeError,
    UnknownNameError,
    __version__,
    classify,
    classify_arrow,
    classify_many,
    classify_no_reply,
    codes,
    enhanced_codes,
    lookup,
    lookup_enhanced,
    parse,
    parse_bounce,
    parse_bounces_arrow,
    warm_up,
)
from ._smtplib import classify_refused, classify_smtp_error

__all__ = [
    "__version__",
    # functions
    "classify",
    "classify_many",
    "classify_no_reply",
    "parse",
    "lookup",
    "lookup_enhanced",
    "codes",
    "enhanced_codes",
    "warm_up",
    "classify_smtp_error",
    "classify_refused",
    "parse_bounce",
    "read_log",
    "suppression_list",
    "LogEvent",
    "Suppression",
    "LogWarning",
    "LogStatus",
    "LogFormat",
    "classify_arrow",
    "parse_bounces_arrow",
    "ArrowBatch",
    "Classifier",
    "BOUNCE_MAX_HEADER",
    "BOUNCE_MAX_JOINED",
    "BOUNCE_MAX_MESSAGE",
    "BOUNCE_MAX_PART",
    "BOUNCE_MAX_PARTS",
    "BOUNCE_MAX_RECIPIENTS",
    # records
    "Classification",
    "Reply",
    "CodeInfo",
    "EnhancedInfo",
    "BounceReport",
    "BounceRecipient",
    "OriginalMessage",
    # enums
    "Outcome",
    "Bounce",
    "Reason",
    "Action",
    "Command",
    "Basis",
    "BounceKind",
    "DsnAction",
    "BounceFormat",
    "NoReply",
    # errors
    "SmtpCodeError",
    "ParseError",
    "InvalidCodeError",
    "UnknownNameError",
    "InvalidTypeError",
    "BounceError",
    "RulesError",
]
