"""The enums of a classification and of a bounce report (hand-written stub, checked by
mypy.stubtest and by tests/test_api.py against the names the native module exports)."""

import enum

# At run time every class derives from _NamedEnum(str, enum.Enum), whose str() and
# format() give the snake_case value.

class Outcome(str, enum.Enum):
    """What the reply says about the command: success, intermediate, transient,
    permanent or unknown (RFC 5321 §4.2.1)."""

    def __str__(self) -> str: ...
    def __format__(self, spec: str) -> str: ...

    SUCCESS = "success"
    INTERMEDIATE = "intermediate"
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    UNKNOWN = "unknown"

class Bounce(str, enum.Enum):
    """What a bounce processor should make of the result: none, soft, hard, block or unknown."""

    def __str__(self) -> str: ...
    def __format__(self, spec: str) -> str: ...

    NONE = "none"
    SOFT = "soft"
    HARD = "hard"
    BLOCK = "block"
    UNKNOWN = "unknown"

class Reason(str, enum.Enum):
    """Why the reply was given: one reason per result."""

    def __str__(self) -> str: ...
    def __format__(self, spec: str) -> str: ...

    MAILBOX_UNKNOWN = "mailbox_unknown"
    MAILBOX_DISABLED = "mailbox_disabled"
    MAILBOX_MOVED = "mailbox_moved"
    ADDRESS_INVALID = "address_invalid"
    DOMAIN_INVALID = "domain_invalid"
    MAILBOX_FULL = "mailbox_full"
    MESSAGE_TOO_LARGE = "message_too_large"
    CONTENT_SPAM = "content_spam"
    CONTENT_PROHIBITED = "content_prohibited"
    PROTOCOL_ERROR = "protocol_error"
    AUTH_FAILURE = "auth_failure"
    REVERSE_DNS = "reverse_dns"
    TLS_REQUIRED = "tls_required"
    SENDER_INVALID = "sender_invalid"
    BLOCKLISTED = "blocklisted"
    REPUTATION = "reputation"
    POLICY = "policy"
    RATE_LIMITED = "rate_limited"
    RELAY_DENIED = "relay_denied"
    GREYLISTED = "greylisted"
    NETWORK_ERROR = "network_error"
    SERVER_ERROR = "server_error"
    EXPIRED = "expired"
    SUPPRESSED = "suppressed"
    UNDETERMINED = "undetermined"
    NONE = "none"

class Action(str, enum.Enum):
    """The recommended next step for the sender."""

    def __str__(self) -> str: ...
    def __format__(self, spec: str) -> str: ...

    NONE = "none"
    RETRY = "retry"
    SUPPRESS = "suppress"
    SLOW_DOWN = "slow_down"
    REDUCE_SIZE = "reduce_size"
    FIX_CONTENT = "fix_content"
    FIX_AUTHENTICATION = "fix_authentication"
    FIX_DNS = "fix_dns"
    FIX_TLS = "fix_tls"
    FIX_SENDER = "fix_sender"
    FIX_PROTOCOL = "fix_protocol"
    CONTACT_POSTMASTER = "contact_postmaster"
    CHECK_ROUTING = "check_routing"

class Command(str, enum.Enum):
    """The SMTP command a reply answered."""

    def __str__(self) -> str: ...
    def __format__(self, spec: str) -> str: ...

    CONNECT = "connect"
    EHLO = "ehlo"
    STARTTLS = "starttls"
    AUTH = "auth"
    MAIL = "mail"
    RCPT = "rcpt"
    DATA = "data"
    END_OF_DATA = "end_of_data"

class Basis(str, enum.Enum):
    """What decided the reason of a classification, in precedence order."""

    def __str__(self) -> str: ...
    def __format__(self, spec: str) -> str: ...

    PROVIDER_RULE = "provider_rule"
    PHRASE_RULE = "phrase_rule"
    ENHANCED_CODE = "enhanced_code"
    ENHANCED_SUBJECT = "enhanced_subject"
    BASIC_CODE = "basic_code"
    GENERIC_RULE = "generic_rule"
    CONTEXT = "context"
    CLASS = "class"
    NOTHING = "nothing"
    LOG_STATUS = "log_status"
    DSN_ACTION = "dsn_action"

class BounceKind(str, enum.Enum):
    """What kind of message a bounce report is about: delivery_failure, delay_notice,
    success_notice, feedback (ARF), auto_reply (RFC 3834) or not_bounce."""

    def __str__(self) -> str: ...
    def __format__(self, spec: str) -> str: ...

    DELIVERY_FAILURE = "delivery_failure"
    DELAY_NOTICE = "delay_notice"
    SUCCESS_NOTICE = "success_notice"
    FEEDBACK = "feedback"
    AUTO_REPLY = "auto_reply"
    NOT_BOUNCE = "not_bounce"

class DsnAction(str, enum.Enum):
    """The RFC 3464 Action of one recipient: failed, delayed, delivered, relayed or
    expanded."""

    def __str__(self) -> str: ...
    def __format__(self, spec: str) -> str: ...

    FAILED = "failed"
    DELAYED = "delayed"
    DELIVERED = "delivered"
    RELAYED = "relayed"
    EXPANDED = "expanded"

class BounceFormat(str, enum.Enum):
    """Where a bounce report's recipients and diagnostics were read from."""

    def __str__(self) -> str: ...
    def __format__(self, spec: str) -> str: ...

    RFC3464 = "rfc3464"
    DSN_TEXT = "dsn_text"
    ARF = "arf"
    JSON = "json"
    TEXT = "text"
    HEADERS = "headers"
    NONE = "none"

class LogStatus(str, enum.Enum):
    """What a mail log says happened to one recipient: sent, deferred, bounced, expired, or
    rejected (a refusal this server gave to inbound mail)."""

    def __str__(self) -> str: ...
    def __format__(self, spec: str) -> str: ...

    SENT = "sent"
    DEFERRED = "deferred"
    BOUNCED = "bounced"
    EXPIRED = "expired"
    REJECTED = "rejected"

class LogFormat(str, enum.Enum):
    """The mail system that wrote a log line: postfix, exim, sendmail, opensmtpd, kumomta,
    powermta or exchange."""

    def __str__(self) -> str: ...
    def __format__(self, spec: str) -> str: ...

    POSTFIX = "postfix"
    EXIM = "exim"
    SENDMAIL = "sendmail"
    OPENSMTPD = "opensmtpd"
    KUMOMTA = "kumomta"
    POWERMTA = "powermta"
    EXCHANGE = "exchange"

class NoReply(str, enum.Enum):
    """What a client saw when a session ended with no reply from the server:
    name_not_resolved, connection_refused, timed_out, connection_lost or tls_failed (for
    classify_no_reply)."""

    def __str__(self) -> str: ...
    def __format__(self, spec: str) -> str: ...

    NAME_NOT_RESOLVED = "name_not_resolved"
    CONNECTION_REFUSED = "connection_refused"
    TIMED_OUT = "timed_out"
    CONNECTION_LOST = "connection_lost"
    TLS_FAILED = "tls_failed"
