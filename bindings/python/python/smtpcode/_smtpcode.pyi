"""The native module of smtpcode (Rust, PyO3). Hand-written stub, checked by mypy.stubtest.

Everything here is re-exported by the package ``smtpcode``; import it from there.
"""

import datetime
import email.message
import os
from typing import Any, Final, Iterable, List, Optional, Tuple, Union, final, overload

from smtpcode._enums import (
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

__all__ = [
    "__version__",
    "classify",
    "classify_many",
    "classify_no_reply",
    "parse",
    "lookup",
    "lookup_enhanced",
    "codes",
    "enhanced_codes",
    "warm_up",
    "parse_bounce",
    "Classifier",
    "_classifier_from_text",
    "_canonical_name",
    "classify_arrow",
    "parse_bounces_arrow",
    "ArrowBatch",
    "_classify_rust_loop",
    "_cli",
    "BOUNCE_MAX_HEADER",
    "BOUNCE_MAX_JOINED",
    "BOUNCE_MAX_MESSAGE",
    "BOUNCE_MAX_PART",
    "BOUNCE_MAX_PARTS",
    "BOUNCE_MAX_RECIPIENTS",
    "Classification",
    "Reply",
    "CodeInfo",
    "EnhancedInfo",
    "BounceReport",
    "BounceRecipient",
    "OriginalMessage",
    "SmtpCodeError",
    "ParseError",
    "InvalidCodeError",
    "UnknownNameError",
    "InvalidTypeError",
    "BounceError",
    "RulesError",
    "OUTCOME_NAMES",
    "BOUNCE_NAMES",
    "REASON_NAMES",
    "ACTION_NAMES",
    "COMMAND_NAMES",
    "BASIS_NAMES",
    "BOUNCE_KIND_NAMES",
    "DSN_ACTION_NAMES",
    "BOUNCE_FORMAT_NAMES",
    "LOG_STATUS_NAMES",
    "LOG_FORMAT_NAMES",
    "NO_REPLY_NAMES",
    "LogEvent",
    "Suppression",
    "_LogReader",
    "_LogFile",
    "suppression_list",
]

__version__: Final[str]

OUTCOME_NAMES: Final[Tuple[str, ...]]
BOUNCE_NAMES: Final[Tuple[str, ...]]
REASON_NAMES: Final[Tuple[str, ...]]
ACTION_NAMES: Final[Tuple[str, ...]]
COMMAND_NAMES: Final[Tuple[str, ...]]
BASIS_NAMES: Final[Tuple[str, ...]]
BOUNCE_KIND_NAMES: Final[Tuple[str, ...]]
DSN_ACTION_NAMES: Final[Tuple[str, ...]]
BOUNCE_FORMAT_NAMES: Final[Tuple[str, ...]]
LOG_STATUS_NAMES: Final[Tuple[str, ...]]
LOG_FORMAT_NAMES: Final[Tuple[str, ...]]
NO_REPLY_NAMES: Final[Tuple[str, ...]]

#: The most bytes of one message that parse_bounce reads (4 MiB); a longer message is cut at
#: a line end before this point and its report is marked ``truncated``.
BOUNCE_MAX_MESSAGE: Final[int]
"""The most bytes of one message that parse_bounce reads (4 MiB)."""
BOUNCE_MAX_PART: Final[int]
"""The most bytes of one MIME part that are read (2 MiB)."""
BOUNCE_MAX_PARTS: Final[int]
"""The most MIME parts read from one message."""
BOUNCE_MAX_HEADER: Final[int]
"""The most bytes of one header field that are read (1 MiB)."""
BOUNCE_MAX_RECIPIENTS: Final[int]
"""The most recipients listed for one message."""
BOUNCE_MAX_JOINED: Final[int]
"""The most bytes of diagnostic text built by joining recipients' own words with a shared reason."""

_Reply = Union[str, bytes, bytearray, memoryview]
_CommandArg = Union[Command, str, None]
_Message = Union[bytes, bytearray, memoryview, email.message.Message]

# Errors. Every class is a ValueError; InvalidTypeError is also a TypeError.

class SmtpCodeError(ValueError):
    """Base class of every error smtpcode raises (a ValueError)."""

class ParseError(SmtpCodeError):
    """parse() found no reply: the input is empty, or has neither a reply code nor an
    enhanced status code. ``kind`` is "empty" or "no_code"."""

    kind: str

class InvalidCodeError(SmtpCodeError):
    """A value that is not a reply code (three digits) or not an enhanced status code
    (class.subject.detail)."""

class UnknownNameError(SmtpCodeError):
    """A name that is not one of the known values of an enum (a command, reason,
    provider...)."""

class InvalidTypeError(SmtpCodeError, TypeError):
    """An argument of the wrong type. Both a SmtpCodeError (so a ValueError) and a
    TypeError."""

class BounceError(SmtpCodeError):
    """parse_bounce() could not read the input as an email message. ``kind`` is "empty" (no
    bytes other than white space), "not_a_message" (the input does not start with header
    fields) or "not_serializable" (the email package could not turn an
    email.message.Message into bytes; ``__cause__`` is its exception)."""

    kind: str

class RulesError(SmtpCodeError):
    """Classifier() could not load the rules: the file cannot be read, or a line is wrong.
    The message says where and what ("rules.tsv:7: pattern: missing ) at 12"); ``origin``
    (the file, or "<text>"), ``line`` (0 for the file as a whole) and ``detail`` hold the
    parts."""

    origin: str
    line: int
    detail: str

@final
class Classifier:
    """The built-in rules with a user's rules read first: ``Classifier("site-rules.tsv")``
    reads a rule file (tab-separated, with at least the columns id, pattern and reason; the
    rule language is in the crate's data/README.md), ``Classifier(text=...)`` reads rules
    from a string, ``Classifier()`` has the built-in rules only. A user's rule decides before
    a built-in rule of the same step. Raises RulesError when the file cannot be read or a
    line is wrong. Immutable and thread-safe; pickling sends the rules' text."""

    def __new__(
        cls, rules: Optional[Union[str, os.PathLike[str]]] = None, *, text: Optional[str] = None
    ) -> "Classifier": ...
    def classify(self, reply: _Reply, *, command: _CommandArg = None) -> Classification:
        """Classifies one reply (see ``classify``)."""
    def classify_no_reply(
        self,
        failure: Union[NoReply, str],
        detail: Optional[_Reply] = None,
        *,
        command: _CommandArg = None,
    ) -> Classification:
        """Classifies a session that ended with no reply (see ``classify_no_reply``)."""
    def classify_many(
        self, replies: Iterable[_Reply], *, command: _CommandArg = None, threads: Optional[int] = None
    ) -> list[Classification]:
        """Classifies every reply of an iterable (see ``classify_many``)."""
    def parse_bounce(self, message: _Message) -> BounceReport:
        """Parses a bounce message (see ``parse_bounce``), classifying its recipients'
        diagnostics with these rules."""
    def classify_arrow(
        self, values: object, *, command: _CommandArg = None, threads: Optional[int] = None
    ) -> ArrowBatch:
        """Classifies every row of an Arrow column with these rules (see
        ``classify_arrow``)."""
    def parse_bounces_arrow(self, values: object, *, threads: Optional[int] = None) -> ArrowBatch:
        """Parses every row of an Arrow column of bounce messages with these rules (see
        ``parse_bounces_arrow``)."""
    @property
    def rules(self) -> tuple[str, ...]:
        """The ids of the user's rules, one per alternative (``||``) of each rule, in the order
        they are tried."""
    @property
    def origin(self) -> Optional[str]:
        """The rule file's name ("<text>" for rules given as text), or None."""
    def __reduce__(self) -> tuple[Any, tuple[Optional[str], Optional[str]]]: ...

def _classifier_from_text(text: Optional[str], origin: Optional[str]) -> Classifier: ...
def _canonical_name(kind: str, value: str) -> str: ...

# Mail logs: the native half of smtpcode.read_log and smtpcode.suppression_list (_log.py).

@final
class _LogReader:
    """Reads log lines into events, keeping the joins between lines."""

    def __new__(
        cls,
        log_format: Optional[str] = None,
        year: Optional[int] = None,
        classifier: Optional[Classifier] = None,
    ) -> "_LogReader": ...
    def new_input(self) -> None: ...
    def read_lines(
        self, file: str, lines: List[bytes], first: int
    ) -> List[Tuple[int, Optional[str], List[LogEvent]]]: ...

@final
class _LogFile:
    """A log file's lines (gzip and zstd decompressed)."""

    def __new__(cls, path: Union[str, os.PathLike[str]]) -> "_LogFile": ...
    def read_lines(self, n: int) -> List[bytes]: ...

def suppression_list(events: Iterable[Union[LogEvent, BounceRecipient]]) -> List[Suppression]:
    """The addresses to stop sending to, sorted: each recipient of a hard bounce of outgoing
    mail (inbound refusals do not count), once, with the count and the last bounce's time,
    reason and text (the core crate's SuppressionList). Takes LogEvent records and the
    BounceRecipient records of parse_bounce reports, in any iterable."""

@final
class LogEvent:
    """One delivery event of a mail log: one recipient, one attempt (or one inbound
    refusal), with the source and line it was read from. What ``read_log`` yields.

    ``to_dict()`` has the keys of ``smtpcode logs --format json``.
    """

    def __new__(
        cls,
        file: str,
        line: int,
        mta: Union[LogFormat, str],
        time: Optional[str],
        timestamp: Union[datetime.datetime, str, None],
        host: Optional[str],
        program: Optional[str],
        queue_id: Optional[str],
        recipient: Optional[str],
        original_recipient: Optional[str],
        sender: Optional[str],
        relay: Optional[str],
        helo: Optional[str],
        status: Union[LogStatus, str],
        probe: bool,
        dsn: Optional[str],
        text: str,
        truncated: bool,
        cause: Union[Reason, str, None],
        classification: Classification,
    ) -> "LogEvent": ...
    @property
    def file(self) -> str:
        """The source: a path, "<file>" or "<lines>"."""
    @property
    def line(self) -> int:
        """The line number in the source, from 1."""
    @property
    def mta(self) -> LogFormat:
        """The format of the line."""
    @property
    def time(self) -> Optional[str]:
        """The time as the line writes it."""
    @property
    def timestamp(self) -> Optional[datetime.datetime]:
        """The time read (aware when the log gives an offset; None for traditional syslog
        times without year=, and for a time datetime cannot hold)."""
    @property
    def host(self) -> Optional[str]:
        """The host that wrote the line (syslog's host name)."""
    @property
    def program(self) -> Optional[str]:
        """The program that wrote the line (postfix/smtp)."""
    @property
    def queue_id(self) -> Optional[str]:
        """The queue or message id."""
    @property
    def recipient(self) -> Optional[str]:
        """The recipient (after aliasing, where the MTA says)."""
    @property
    def original_recipient(self) -> Optional[str]:
        """The original recipient, when it differs."""
    @property
    def sender(self) -> Optional[str]:
        """The envelope sender ("" is the null sender), from the line or joined by queue id."""
    @property
    def relay(self) -> Optional[str]:
        """The remote host: the relay a delivery went to, or the client an inbound refusal
        answered."""
    @property
    def helo(self) -> Optional[str]:
        """The client's HELO name, for an inbound refusal."""
    @property
    def status(self) -> LogStatus:
        """What the log says happened."""
    @property
    def probe(self) -> bool:
        """A Postfix address-verification probe, not a delivery of a message."""
    @property
    def dsn(self) -> Optional[str]:
        """The enhanced status code the log gives in a field of its own (dsn=)."""
    @property
    def text(self) -> str:
        """The reply or reason, as the log writes it."""
    @property
    def truncated(self) -> bool:
        """The line was cut before its end."""
    @property
    def cause(self) -> Optional[Reason]:
        """For an expiry: the reason the text gives (why the message kept failing)."""
    @property
    def classification(self) -> Classification:
        """The reply's classification, with everything the line tells (the command
        answered, the log's status: sent is success whatever the text says, expired is
        Reason.EXPIRED)."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain values, with the keys of ``smtpcode logs --format json``
        (the classification's keys at the top level, the timestamp as ISO 8601 text)."""
    def __reduce__(self) -> Tuple[Any, ...]: ...
    def __replace__(self, **changes: Any) -> "LogEvent": ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Suppression:
    """One address to stop sending to: its hard bounces counted, and the last one's time,
    reason, codes and text. What ``suppression_list`` returns."""

    def __new__(
        cls,
        address: str,
        count: int,
        last_time: Optional[str],
        last_timestamp: Union[datetime.datetime, str, None],
        reason: Union[Reason, str],
        code: Optional[int],
        enhanced: Optional[str],
        text: str,
    ) -> "Suppression": ...
    @property
    def address(self) -> str:
        """The address, in lower case."""
    @property
    def count(self) -> int:
        """How many hard bounces it had."""
    @property
    def last_time(self) -> Optional[str]:
        """The time of the last one, as written."""
    @property
    def last_timestamp(self) -> Optional[datetime.datetime]:
        """The time of the last one, read (see LogEvent.timestamp)."""
    @property
    def reason(self) -> Reason:
        """The reason of the last one."""
    @property
    def code(self) -> Optional[int]:
        """Its reply code."""
    @property
    def enhanced(self) -> Optional[str]:
        """Its enhanced status code."""
    @property
    def text(self) -> str:
        """Its reply text."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain values, with the keys of ``smtpcode logs --suppress
        --format json``."""
    def __reduce__(self) -> Tuple[Any, ...]: ...
    def __replace__(self, **changes: Any) -> "Suppression": ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

# Records. Frozen, hashable, comparable, picklable; to_dict() gives plain values.

@final
class Classification:
    """The classification of one reply: what ``classify`` returns.

    ``Classification(**c.to_dict()) == c``; pickling works the same way.
    """

    def __new__(
        cls,
        code: Optional[int],
        enhanced: Optional[str],
        outcome: Union[Outcome, str],
        outcome_inferred: bool,
        bounce: Union[Bounce, str],
        reason: Union[Reason, str],
        action: Union[Action, str],
        retry: Optional[bool],
        provider: Optional[str],
        provider_code: Optional[str],
        command: _CommandArg,
        basis: Union[Basis, str],
        rule: str,
        explanation: str,
        fix: str,
        nonstandard_code: bool,
        class_mismatch: bool,
    ) -> "Classification": ...
    @property
    def code(self) -> Optional[int]:
        """The basic reply code (550), if the input has one."""
    @property
    def enhanced(self) -> Optional[str]:
        """The enhanced status code ("5.1.1"), if the input has one."""
    @property
    def outcome(self) -> Outcome:
        """Success, intermediate, transient, permanent or unknown."""
    @property
    def outcome_inferred(self) -> bool:
        """True when the input had no code and the outcome was inferred from the reason."""
    @property
    def bounce(self) -> Bounce:
        """None, soft, hard, block or unknown."""
    @property
    def reason(self) -> Reason:
        """Why."""
    @property
    def action(self) -> Action:
        """The recommended next step."""
    @property
    def retry(self) -> Optional[bool]:
        """Can the same message succeed if sent again later? None when the input tells
        nothing (outcome unknown: no code and no known phrase)."""
    @property
    def provider(self) -> Optional[str]:
        """The provider that wrote the reply ("gmail", "microsoft"...), when recognized."""
    @property
    def provider_code(self) -> Optional[str]:
        """The provider's own code ("TSS04"), when the reply carries one."""
    @property
    def command(self) -> Optional[Command]:
        """The SMTP command the reply answered, as given or as the text says."""
    @property
    def basis(self) -> Basis:
        """What decided the reason."""
    @property
    def rule(self) -> str:
        """The id of the rule or table row that decided ("enhanced:X.1.1", "basic:550"...)."""
    @property
    def explanation(self) -> str:
        """A human explanation of this result."""
    @property
    def fix(self) -> str:
        """How to fix it."""
    @property
    def nonstandard_code(self) -> bool:
        """The reply code's second digit is outside RFC 5321's grammar (570, 571)."""
    @property
    def class_mismatch(self) -> bool:
        """The enhanced code's class disagrees with the reply code ("550 4.4.7")."""
    @property
    def is_failure(self) -> bool:
        """True when the outcome is transient or permanent."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain values (enums as snake_case strings), with the keys of the
        command's JSON output: code, enhanced, outcome, outcome_inferred, bounce, reason,
        action, retry, provider, provider_code, command, basis, rule, explanation, fix,
        nonstandard_code, class_mismatch."""
    def __reduce__(self) -> Tuple[Any, ...]: ...
    def __replace__(self, **changes: Any) -> "Classification": ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Reply:
    """One reply as ``parse`` found it: the codes and the text around them."""

    def __new__(
        cls,
        code: Optional[int],
        enhanced: Optional[str],
        text: str,
        prefix: str,
        multiline: bool,
        nonstandard_code: bool,
        class_mismatch: bool,
    ) -> "Reply": ...
    @property
    def code(self) -> Optional[int]:
        """The basic reply code, if there is one."""
    @property
    def enhanced(self) -> Optional[str]:
        """The enhanced status code ("5.1.1"), if there is one."""
    @property
    def text(self) -> str:
        """The text after the code(s), trimmed (bytes are decoded as UTF-8, invalid
        sequences replaced)."""
    @property
    def prefix(self) -> str:
        """What stands in front of the code (a reporting MTA's words), trimmed."""
    @property
    def multiline(self) -> bool:
        """True when the code is followed by "-" (a line of a multi-line reply)."""
    @property
    def nonstandard_code(self) -> bool:
        """True when the code's second digit is above 5 (570, 571)."""
    @property
    def class_mismatch(self) -> bool:
        """True when the enhanced code's class differs from the reply code's first digit."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain values."""
    def __reduce__(self) -> Tuple[Any, ...]: ...
    def __replace__(self, **changes: Any) -> "Reply": ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class CodeInfo:
    """A row of the basic reply code table. ``CodeInfo(550)`` is the row for 550 (and raises
    InvalidCodeError when the table has none)."""

    def __new__(cls, code: Union[int, str]) -> "CodeInfo": ...
    @property
    def code(self) -> int:
        """The code (101 and 111 are in the table although they are not SMTP replies)."""
    @property
    def status(self) -> str:
        """standard, extension, registry, nonstandard or not_smtp."""
    @property
    def name(self) -> str:
        """Short name, such as "Mailbox unavailable"."""
    @property
    def meaning(self) -> str:
        """What the server says with it."""
    @property
    def explanation(self) -> str:
        """When and why servers send it."""
    @property
    def fix(self) -> str:
        """What the sender should do."""
    @property
    def reason(self) -> Optional[Reason]:
        """The reason the code alone implies, if it is specific enough to imply one."""
    @property
    def source(self) -> str:
        """Where the definition comes from (RFC and section)."""
    @property
    def note(self) -> str:
        """Caveats and corrections; may be empty."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain values (the keys of ``smtpcode codes --json``)."""
    def __reduce__(self) -> Tuple[Any, ...]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class EnhancedInfo:
    """A row of the IANA enhanced status code registry. ``EnhancedInfo(1, 1)`` is the row for
    X.1.1 (and raises InvalidCodeError when the registry has none)."""

    def __new__(cls, subject: int, detail: int) -> "EnhancedInfo": ...
    @property
    def code(self) -> str:
        """The code as the registry writes it, such as "X.1.1"."""
    @property
    def subject(self) -> int:
        """The subject (the middle number)."""
    @property
    def detail(self) -> int:
        """The detail (the last number)."""
    @property
    def title(self) -> str:
        """The registry's title, such as "Bad destination mailbox address"."""
    @property
    def meaning(self) -> str:
        """What it means, in plain words."""
    @property
    def basic_codes(self) -> str:
        """The basic codes the registry associates with it, as written there."""
    @property
    def reason(self) -> Optional[Reason]:
        """The reason this code implies, if it is specific enough to imply one."""
    @property
    def classes(self) -> Tuple[int, ...]:
        """The classes (2, 4, 5) the code is meaningful with."""
    @property
    def source(self) -> str:
        """RFC and section that defines it."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain values."""
    def __reduce__(self) -> Tuple[Any, ...]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

# Bounce records (parse_bounce). Frozen, hashable, comparable, picklable; to_dict() gives
# plain values for json.dumps.

@final
class OriginalMessage:
    """The headers of the original message, when a bounce includes the message or its
    headers. ``from_`` has a trailing underscore (``from`` is a Python keyword)."""

    def __new__(
        cls,
        message_id: Optional[str],
        from_: Optional[str],
        to: Optional[str],
        subject: Optional[str],
    ) -> "OriginalMessage": ...
    @property
    def message_id(self) -> Optional[str]:
        """Message-ID."""
    @property
    def from_(self) -> Optional[str]:
        """From."""
    @property
    def to(self) -> Optional[str]:
        """To."""
    @property
    def subject(self) -> Optional[str]:
        """Subject, decoded."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain values: message_id, from, to, subject."""
    def __reduce__(self) -> Tuple[Any, ...]: ...
    def __replace__(self, **changes: Any) -> "OriginalMessage": ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class BounceRecipient:
    """One recipient of a bounce: the RFC 3464 fields and the classification of its
    diagnostic (with the SMTP command as context)."""

    def __new__(
        cls,
        recipient: str,
        original_recipient: Optional[str],
        dsn_action: Union[DsnAction, str, None],
        status: Optional[str],
        remote_mta: Optional[str],
        diagnostic_type: Optional[str],
        diagnostic: Optional[str],
        command: _CommandArg,
        classification: Classification,
    ) -> "BounceRecipient": ...
    @property
    def recipient(self) -> str:
        """The final recipient: the address the reporting MTA tried (Final-Recipient)."""
    @property
    def original_recipient(self) -> Optional[str]:
        """The original recipient (Original-Recipient, an X-Original-To...), when given."""
    @property
    def dsn_action(self) -> Optional[DsnAction]:
        """What happened (the RFC 3464 Action); for plain-text bounces, as the wording says."""
    @property
    def status(self) -> Optional[str]:
        """The status code (Status, such as "5.1.1"), or the enhanced code of the diagnostic."""
    @property
    def remote_mta(self) -> Optional[str]:
        """The remote MTA that gave the diagnostic (Remote-MTA, or the host a text names)."""
    @property
    def diagnostic_type(self) -> Optional[str]:
        """The diagnostic type in lower case ("smtp", "x-postfix"...), when given."""
    @property
    def diagnostic(self) -> Optional[str]:
        """The diagnostic text (Diagnostic-Code, or the text a plain-text bounce gives)."""
    @property
    def command(self) -> Optional[Command]:
        """The SMTP command that got the reply, when the MTA says which."""
    @property
    def classification(self) -> Classification:
        """The classification of the diagnostic. For feedback reports, auto-replies and
        recipients without any diagnostic, status or action, the classification of nothing
        (outcome and bounce unknown). A recipient whose action is failed while its
        diagnostic is temporary or missing is a final failure (basis dsn_action)."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain values, with the keys of ``smtpcode bounce --format json``:
        recipient, original_recipient, dsn_action, status, remote_mta, diagnostic_type,
        diagnostic, command; and the classification's to_dict() under classification."""
    def __reduce__(self) -> Tuple[Any, ...]: ...
    def __replace__(self, **changes: Any) -> "BounceRecipient": ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class BounceReport:
    """What a bounce message says: what ``parse_bounce`` returns."""

    def __new__(
        cls,
        kind: Union[BounceKind, str],
        format: Union[BounceFormat, str],
        reporting_mta: Optional[str],
        from_: Optional[str],
        subject: Optional[str],
        feedback_type: Optional[str],
        recipients: Iterable[BounceRecipient],
        original: Optional[OriginalMessage],
        truncated: bool,
        problems: Iterable[str],
    ) -> "BounceReport": ...
    @property
    def kind(self) -> BounceKind:
        """delivery_failure, delay_notice, success_notice, feedback, auto_reply or
        not_bounce."""
    @property
    def format(self) -> BounceFormat:
        """Where the recipients and diagnostics were read from."""
    @property
    def reporting_mta(self) -> Optional[str]:
        """The MTA that wrote the report (Reporting-MTA), when given."""
    @property
    def from_(self) -> Optional[str]:
        """The bounce's own From (``from`` is a Python keyword)."""
    @property
    def subject(self) -> Optional[str]:
        """The bounce's own Subject, decoded."""
    @property
    def feedback_type(self) -> Optional[str]:
        """The feedback type of an ARF report ("abuse", "fraud", "opt-out"...)."""
    @property
    def recipients(self) -> Tuple[BounceRecipient, ...]:
        """One record per recipient the message reports on, in order; may be empty (an
        auto-reply from an unknown address, a message that is not a bounce)."""
    @property
    def original(self) -> Optional[OriginalMessage]:
        """The original message's headers, when the bounce includes them."""
    @property
    def truncated(self) -> bool:
        """True when a limit cut something (BOUNCE_MAX_MESSAGE, BOUNCE_MAX_PART...); problems says what."""
    @property
    def problems(self) -> Tuple[str, ...]:
        """What was wrong with the message (malformed MIME, undecodable parts...), if
        anything; the report is then partial."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain values: kind, format, reporting_mta, from, subject,
        feedback_type, recipients (a list of BounceRecipient.to_dict()), original (a dict or
        None), truncated, problems (a list)."""
    def __reduce__(self) -> Tuple[Any, ...]: ...
    def __replace__(self, **changes: Any) -> "BounceReport": ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

# Functions.

def classify(reply: _Reply, *, command: _CommandArg = None) -> Classification:
    """Classifies one SMTP reply or bounce diagnostic, in any form: a bare code ("550"),
    a code and text, with an enhanced code, a multi-line reply, a DSN Diagnostic-Code value,
    text in front of the code, or text with no code at all: a str, bytes, bytearray or
    memoryview. Never raises for any of them.

    ``command`` is the SMTP command the reply answered (a Command or its name, such as
    "rcpt"), when the caller knows it.
    """

def classify_no_reply(
    failure: Union[NoReply, str], detail: Optional[_Reply] = None, *, command: _CommandArg = None
) -> Classification:
    """Classifies a session that ended with no reply from the server: ``failure`` (a NoReply or
    its name: name_not_resolved, connection_refused, timed_out, connection_lost, tls_failed)
    is what the client saw, ``detail`` the text it had about it (an error message: a str,
    bytes, bytearray or memoryview). The reason is network_error (tls_required for a TLS
    failure), from the detail's words when they say the same thing; the outcome is always
    transient, since no server refused the message. ``command`` is the SMTP command under
    way, when the caller knows it (a refused connection and a failed name lookup are always
    ``connect``).
    """

def classify_many(
    replies: Iterable[_Reply], *, command: _CommandArg = None, threads: Optional[int] = None
) -> list[Classification]:
    """Classifies every reply of an iterable, in order, and returns a list. The GIL is
    released while classifying, and large batches use up to ``threads`` threads (by default
    the available cores; at most 8; ``threads=1`` stays on the calling thread): the calling
    thread takes the items and makes the records while the others classify. Signals such as
    Ctrl-C are handled between chunks of replies. Equal classifications in the list may be
    one shared object (they are frozen)."""

def parse(reply: _Reply) -> Reply:
    """Finds the reply code, the enhanced status code and the text. Raises ParseError when
    the input is empty or has neither code."""

def lookup(code: Union[int, str]) -> Optional[CodeInfo]:
    """The table row of a basic reply code (550 or "550"); None when the table has no row.
    Raises InvalidCodeError for a value that is not three digits."""

@overload
def lookup_enhanced(code: str, detail: None = None) -> Optional[EnhancedInfo]:
    """The registry row of an enhanced status code ("5.1.1", any class); None when the
    registry has no row. Raises InvalidCodeError for text that is not class.subject.detail."""

@overload
def lookup_enhanced(code: int, detail: int) -> Optional[EnhancedInfo]:
    """The registry row of X.code.detail (subject and detail as ints, 0 to 999); None when the
    registry has no row."""

def codes() -> Tuple[CodeInfo, ...]:
    """Every row of the basic reply code table, in numeric order."""

def enhanced_codes() -> Tuple[EnhancedInfo, ...]:
    """Every row of the enhanced status code registry, in registry order."""

def warm_up() -> None:
    """Touches the text matcher's tables (compiled into the module; nothing is built at
    run time) so that the first classification does not pay for their page faults.
    Optional and cheap."""

def _cli(args: list[bytes]) -> int:
    """Runs the ``smtpcode`` command (the Rust binary's code) with these arguments, the first
    being the program name; returns its exit status. For ``smtpcode/__main__.py``."""

def parse_bounce(message: _Message) -> BounceReport:
    """Parses a whole bounce message: its raw bytes (RFC 5322, CRLF or LF line ends, an mbox
    "From " line allowed in front), or an ``email.message.Message`` (either policy), which is
    serialized with its own policy by ``as_bytes()``. Reports the kind of message and, for
    each recipient, the RFC 3464 fields and the classification of its diagnostic. The GIL is
    released while parsing.

    Raises BounceError when the input is empty or does not start with header fields, and
    InvalidTypeError for any other type (a str included: encode it first). Malformed
    messages give a partial report (``problems``), never an error; only the first
    BOUNCE_MAX_MESSAGE bytes are read; past any limit ``truncated`` is set and ``problems`` says what was cut.
    """

# Arrow: whole columns in, one record batch out.

@final
class ArrowBatch:
    """An Arrow record batch made by ``classify_arrow`` or ``parse_bounces_arrow``.

    It exports itself through the Arrow PyCapsule interface, so any Arrow library reads it
    without copying: ``pyarrow.record_batch(b)``, ``pyarrow.table(b)``, ``polars.DataFrame(b)``,
    ``duckdb.sql("SELECT ... FROM b")``, ``nanoarrow.Array(b)``; ``b.to_pyarrow()`` is
    ``pyarrow.record_batch(b)``. Immutable; not picklable (convert it first).
    """

    @property
    def num_rows(self) -> int:
        """The number of rows."""
    @property
    def num_columns(self) -> int:
        """The number of columns."""
    @property
    def column_names(self) -> tuple[str, ...]:
        """The names of the columns, in order."""
    def to_pyarrow(self) -> Any:
        """The batch as a ``pyarrow.RecordBatch`` (needs pyarrow 14 or later)."""
    def __arrow_c_schema__(self) -> object:
        """The schema, as an Arrow C schema capsule."""
    def __arrow_c_array__(self, requested_schema: Optional[object] = None) -> Tuple[object, object]:
        """The batch as an Arrow C struct array (schema and array capsules), cast to
        ``requested_schema`` when the types allow it."""
    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object:
        """The batch as an Arrow C stream of one batch."""
    def __len__(self) -> int: ...

def classify_arrow(
    values: object,
    *,
    command: _CommandArg = None,
    threads: Optional[int] = None,
    classifier: Optional[Classifier] = None,
) -> ArrowBatch:
    """Classifies every row of an Arrow column of replies and returns an ``ArrowBatch`` with
    one row per input row, in order.

    ``values`` is any Arrow array or chunked array given through the Arrow PyCapsule
    interface (``__arrow_c_array__`` or ``__arrow_c_stream__``: a pyarrow Array or
    ChunkedArray, a Polars Series, an arro3 or nanoarrow array...), or a list of such chunks
    of one type. Its type is string, large_string, string_view, binary, large_binary or
    binary_view (binary rows must be UTF-8 text), null, or a dictionary of one of these
    (each distinct value is classified once). The input is read in place, not copied.

    The columns: ``code`` (uint16), ``enhanced`` (string, ``"5.1.1"``), ``outcome``,
    ``bounce``, ``reason``, ``action``, ``command``, ``provider`` (dictionaries whose values
    are the names of ``OUTCOME_NAMES``... and the provider ids), ``provider_code`` (string),
    ``retry`` and ``outcome_inferred`` (bool), ``basis`` (dictionary), ``rule`` (string): the
    fields of ``Classification``. A null row gives a row of nulls; ``retry`` is also null
    where the outcome is unknown.

    The GIL is released; the rows are classified on ``threads`` threads (by default the
    available cores; ``threads=1`` stays on the calling thread), Ctrl-C stops the call.
    ``command`` applies to every row; ``classifier`` gives user rules (as
    ``Classifier.classify_arrow``).

    Raises InvalidTypeError (a TypeError) for an object without the Arrow interface, a column
    of another type or chunks of different types, and SmtpCodeError for a binary row that is
    not UTF-8 (naming the row) or a malformed array.
    """

def parse_bounces_arrow(
    values: object, *, threads: Optional[int] = None, classifier: Optional[Classifier] = None
) -> ArrowBatch:
    """Parses every row of an Arrow column of raw bounce messages (binary, or text) and
    returns an ``ArrowBatch`` with one row per recipient, in input order.

    Every message gives at least one row, so none is lost: ``message`` (int64) is the index of
    the row it came from; ``kind`` and ``format`` (dictionaries), ``truncated`` (bool) and
    ``original_message_id`` describe the message; ``error`` holds why a message could not be
    read (empty, not an email message), with the other columns null; a message without
    recipients gives one row whose recipient columns are null; a null message gives a row of
    nulls. The recipient columns: ``recipient``, ``original_recipient``, ``dsn_action``
    (dictionary), ``status`` (string), ``remote_mta``, ``diagnostic_type``, ``diagnostic``,
    then the columns of ``classify_arrow`` for its diagnostic. Input and threads as in
    ``classify_arrow``.
    """

def _classify_rust_loop(values: object, passes: int = 3) -> float:
    """The benchmark's baseline: the seconds of the fastest of ``passes`` passes of the core
    crate's classify over every row, on one thread, with no result built."""
