"""smtpcode: classify SMTP replies and bounce diagnostics, at native speed.

>>> import smtpcode
>>> c = smtpcode.classify("550 5.1.1 <a@example.com>: Recipient address rejected: User unknown")
>>> c.bounce, c.reason, c.action
(<Bounce.HARD: 'hard'>, <Reason.MAILBOX_UNKNOWN: 'mailbox_unknown'>, <Action.SUPPRESS: 'suppress'>)

Every answer comes from the Rust core crate; this package converts types. See
``help(smtpcode.classify)`` and the stub ``smtpcode/_smtpcode.pyi`` for the whole API.
"""

from ._enums import Action, Basis, Bounce, Command, Outcome, Reason
from ._smtpcode import (
    Classification,
    CodeInfo,
    EnhancedInfo,
    InvalidCodeError,
    InvalidTypeError,
    ParseError,
    Reply,
    SmtpCodeError,
    UnknownNameError,
    __version__,
    classify,
    classify_many,
    codes,
    enhanced_codes,
    lookup,
    lookup_enhanced,
    parse,
    warm_up,
)
from ._smtplib import classify_refused, classify_smtp_error

__all__ = [
    "__version__",
    # functions
    "classify",
    "classify_many",
    "parse",
    "lookup",
    "lookup_enhanced",
    "codes",
    "enhanced_codes",
    "warm_up",
    "classify_smtp_error",
    "classify_refused",
    # records
    "Classification",
    "Reply",
    "CodeInfo",
    "EnhancedInfo",
    # enums
    "Outcome",
    "Bounce",
    "Reason",
    "Action",
    "Command",
    "Basis",
    # errors
    "SmtpCodeError",
    "ParseError",
    "InvalidCodeError",
    "UnknownNameError",
    "InvalidTypeError",
]
