//! The C types: status codes, the enums of a classification (as `uint32_t` typedefs with
//! named constants) and the `#[repr(C)]` result structs.
//!
//! The enum values are the core crate's integer values (declaration order, `from_index`), and
//! every conversion below is an exhaustive `match`, so a value added to the core crate stops
//! this crate from compiling until the C enum has it too. The unit tests check that each C
//! constant's name is the core crate's snake_case name in capitals.

use std::ffi::c_char;

use crate::ffi::{c_str, c_str_or_null};

/// The result of every function that can fail. `SMTPCODE_STATUS_OK` (0) means success; any
/// other value means that no out-parameter was written.
/// `smtpcode_status_str()` describes a value in words.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum smtpcode_status {
    /// Success: the out-parameter holds the result.
    Ok = 0,
    /// A required pointer argument is NULL (an out-parameter, or `buf` with `len > 0`).
    NullArgument = 1,
    /// An integer argument is outside its range: a command that is neither a
    /// `smtpcode_command` value nor `SMTPCODE_NO_COMMAND`, or a `len` above `PTRDIFF_MAX`.
    InvalidArgument = 2,
    /// A lookup found no row: the code is not in the table, or the index is past the end.
    NotFound = 3,
    /// `smtpcode_parse()`: the input is empty or only white space (NUL counts as white space).
    /// `smtpcode_bounce_parse()`: the message is empty or only white space (space, tab, CR,
    /// LF, form feed).
    EmptyInput = 4,
    /// `smtpcode_parse()`: the input has neither a reply code nor an enhanced status code.
    /// (`smtpcode_classify()` accepts such input and classifies its text.)
    NoCode = 5,
    /// A bug in the library: Rust code panicked. The panic was caught at the library
    /// boundary (it never unwinds into C) and the call had no effect. Please report it.
    Panic = 6,
    /// `smtpcode_classifier_new_from_file()`, `smtpcode_classifier_new_from_text()`: the rules
    /// could not be loaded (the file is unreadable, or a line is wrong); the error buffer
    /// says where and what.
    BadRules = 7,
    /// `smtpcode_bounce_parse()`, `smtpcode_classifier_bounce_parse()`: the input is not an
    /// email message (it does not start with header fields, "Name: value" lines).
    NotAMessage = 8,
}

impl smtpcode_status {
    /// Every status, in numeric order (0, 1, 2...).
    pub(crate) const ALL: &'static [smtpcode_status] = &[
        smtpcode_status::Ok,
        smtpcode_status::NullArgument,
        smtpcode_status::InvalidArgument,
        smtpcode_status::NotFound,
        smtpcode_status::EmptyInput,
        smtpcode_status::NoCode,
        smtpcode_status::Panic,
        smtpcode_status::BadRules,
        smtpcode_status::NotAMessage,
    ];

    /// The status with this number, if any.
    pub(crate) fn from_u32(n: u32) -> Option<Self> {
        usize::try_from(n)
            .ok()
            .and_then(|i| Self::ALL.get(i).copied())
    }
}

/// `command` argument and field value meaning "no SMTP command given / known".
pub const SMTPCODE_NO_COMMAND: u32 = u32::MAX;
/// `reason` field value of a table row that implies no reason.
pub const SMTPCODE_NO_REASON: u32 = u32::MAX;
/// `provider_index` field value when no provider was recognized.
pub const SMTPCODE_NO_PROVIDER: u32 = u32::MAX;

/// Defines the conversion from a core enum to its C mirror (an exhaustive match, checked at
/// compile time), the name function's table, and the list used by the unit tests.
macro_rules! mirror {
    ($c:ident <- $core:ty { $($v:ident),+ $(,)? }) => {
        impl From<$core> for $c {
            fn from(v: $core) -> Self {
                match v { $( <$core>::$v => $c::$v, )+ }
            }
        }
        #[cfg(test)]
        impl $c {
            /// Every C value in declaration order, with its Rust name.
            pub(crate) const TEST_ALL: &'static [$c] = &[$( $c::$v, )+];
        }
    };
}

/// What the reply says about the command: from the first digit of the reply code
/// (RFC 5321 4.2.1) or from the enhanced status class (RFC 3463 2).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum smtpcode_outcome {
    /// 2yz: the command was accepted and the action completed.
    Success = 0,
    /// 3yz: accepted so far; the server waits for more (DATA's 354, AUTH's 334).
    Intermediate = 1,
    /// 4yz: not accepted this time, but the condition is temporary; try again later.
    Transient = 2,
    /// 5yz: not accepted; repeating the same request unchanged will fail again.
    Permanent = 3,
    /// No code and nothing in the text that tells.
    Unknown = 4,
}
mirror!(smtpcode_outcome <- smtpcode::Outcome { Success, Intermediate, Transient, Permanent, Unknown });

/// What a bounce processor should make of the result.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum smtpcode_bounce {
    /// Not a failure.
    None = 0,
    /// Temporary: retrying can succeed. Do not suppress the address.
    Soft = 1,
    /// Permanent and the recipient address is at fault: suppress it.
    Hard = 2,
    /// Refused because of the sender or the message (reputation, authentication, content,
    /// policy, size, protocol). Do not suppress the address; fix the cause.
    Block = 3,
    /// The input tells nothing: no code, no class and no known phrase (an empty line, a
    /// log line that is no reply). Neither retry nor suppress because of it.
    Unknown = 4,
}
mirror!(smtpcode_bounce <- smtpcode::Bounce { None, Soft, Hard, Block, Unknown });

/// Why the reply was given: one reason per result.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum smtpcode_reason {
    /// The mailbox does not exist.
    MailboxUnknown = 0,
    /// The mailbox exists but is disabled, inactive, suspended or closed.
    MailboxDisabled = 1,
    /// The mailbox moved or is no longer on this server.
    MailboxMoved = 2,
    /// The recipient address is not a valid address.
    AddressInvalid = 3,
    /// The recipient domain does not exist or accepts no mail.
    DomainInvalid = 4,
    /// The mailbox is over its quota.
    MailboxFull = 5,
    /// The message is larger than the receiver accepts.
    MessageTooLarge = 6,
    /// The content was judged to be spam.
    ContentSpam = 7,
    /// The content is not allowed: virus, malware, forbidden attachment.
    ContentProhibited = 8,
    /// An SMTP protocol or message-format violation.
    ProtocolError = 9,
    /// Authentication failed: SPF, DKIM, DMARC, ARC or SMTP AUTH.
    AuthFailure = 10,
    /// The sending host's reverse DNS (PTR) or HELO name is missing or wrong.
    ReverseDns = 11,
    /// The receiver requires TLS, or TLS failed.
    TlsRequired = 12,
    /// The envelope sender or From domain is invalid, or the sending account is blocked.
    SenderInvalid = 13,
    /// The sending IP or domain is on a block list.
    Blocklisted = 14,
    /// Refused or deferred because of the sender's reputation or complaints.
    Reputation = 15,
    /// Refused by the receiver's local policy.
    Policy = 16,
    /// Too many messages, connections or recipients for now.
    RateLimited = 17,
    /// The receiver does not relay for this recipient (routing or MX problem).
    RelayDenied = 18,
    /// Deliberately deferred on first attempt (greylisting).
    Greylisted = 19,
    /// Connection failure, timeout, temporary DNS failure or mail loop.
    NetworkError = 20,
    /// The receiving system had a problem of its own.
    ServerError = 21,
    /// The sending MTA gave up after retrying for too long.
    Expired = 22,
    /// Not attempted: the address is on a suppression list.
    Suppressed = 23,
    /// A failure whose reason cannot be told.
    Undetermined = 24,
    /// Not a failure.
    None = 25,
}
mirror!(smtpcode_reason <- smtpcode::Reason {
    MailboxUnknown, MailboxDisabled, MailboxMoved, AddressInvalid, DomainInvalid, MailboxFull,
    MessageTooLarge, ContentSpam, ContentProhibited, ProtocolError, AuthFailure, ReverseDns,
    TlsRequired, SenderInvalid, Blocklisted, Reputation, Policy, RateLimited, RelayDenied,
    Greylisted, NetworkError, ServerError, Expired, Suppressed, Undetermined, None,
});

/// The recommended next step for the sender.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum smtpcode_action {
    /// Nothing to do.
    None = 0,
    /// Retry later, with backoff.
    Retry = 1,
    /// Stop mailing this address.
    Suppress = 2,
    /// Send slower: fewer connections, messages or recipients per unit of time.
    SlowDown = 3,
    /// Make the message smaller.
    ReduceSize = 4,
    /// Change the content (text, links, attachments).
    FixContent = 5,
    /// Fix SPF, DKIM, DMARC or SMTP AUTH credentials.
    FixAuthentication = 6,
    /// Fix the sending host's DNS: PTR record, forward-confirmed rDNS, HELO name.
    FixDns = 7,
    /// Fix TLS: enable STARTTLS, or meet the receiver's TLS policy.
    FixTls = 8,
    /// Fix the envelope sender, the From domain or the sending account.
    FixSender = 9,
    /// Fix the sending software or the message format.
    FixProtocol = 10,
    /// Ask the receiver's postmaster (delisting, allow-listing, policy).
    ContactPostmaster = 11,
    /// Check routing: MX records, relay permissions, connectors, loops.
    CheckRouting = 12,
}
mirror!(smtpcode_action <- smtpcode::Action {
    None, Retry, Suppress, SlowDown, ReduceSize, FixContent, FixAuthentication, FixDns, FixTls,
    FixSender, FixProtocol, ContactPostmaster, CheckRouting,
});

/// The SMTP command a reply answered. Passed to `smtpcode_classify()` as a `uint32_t`;
/// `SMTPCODE_NO_COMMAND` means "not known".
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum smtpcode_command {
    /// The greeting at connection time.
    Connect = 0,
    /// EHLO or HELO.
    Ehlo = 1,
    /// STARTTLS.
    Starttls = 2,
    /// AUTH.
    Auth = 3,
    /// MAIL FROM.
    Mail = 4,
    /// RCPT TO.
    Rcpt = 5,
    /// DATA (the reply before the message is sent).
    Data = 6,
    /// The reply after the message data (end of DATA or the last BDAT chunk).
    EndOfData = 7,
}
mirror!(smtpcode_command <- smtpcode::Command {
    Connect, Ehlo, Starttls, Auth, Mail, Rcpt, Data, EndOfData,
});

/// What decided the reason of a classification, in precedence order.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum smtpcode_basis {
    /// A provider-specific rule over the text.
    ProviderRule = 0,
    /// A specific phrase.
    PhraseRule = 1,
    /// The enhanced status code.
    EnhancedCode = 2,
    /// The subject of an enhanced code whose detail is not registered (RFC 3463 2).
    EnhancedSubject = 3,
    /// The basic reply code.
    BasicCode = 4,
    /// A generic word.
    GenericRule = 5,
    /// The SMTP command changed the reason.
    Context = 6,
    /// Only the class digit was known.
    Class = 7,
    /// Nothing: no code and no known phrase.
    Nothing = 8,
    /// The status a mail log wrote for the delivery decided over the text.
    LogStatus = 9,
    /// The action of a delivery status notification decided over its diagnostic: a
    /// recipient `failed` with a temporary (or no) diagnostic is a final failure.
    DsnAction = 10,
}
mirror!(smtpcode_basis <- smtpcode::Basis {
    ProviderRule, PhraseRule, EnhancedCode, EnhancedSubject, BasicCode, GenericRule, Context,
    Class, Nothing, LogStatus, DsnAction,
});

/// Where a basic code's definition stands.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum smtpcode_code_status {
    /// Defined by RFC 5321 (as updated by RFC 7504).
    Standard = 0,
    /// Defined by an SMTP extension RFC (AUTH, STARTTLS, ETRN, ...).
    Extension = 1,
    /// Only listed next to an enhanced code in the IANA registry; no RFC meaning.
    Registry = 2,
    /// No RFC defines it, but it is seen in articles or real bounces.
    Nonstandard = 3,
    /// Not an SMTP reply at all (101 and 111 are socket error numbers).
    NotSmtp = 4,
}
mirror!(smtpcode_code_status <- smtpcode::CodeStatus {
    Standard, Extension, Registry, Nonstandard, NotSmtp,
});

/// What kind of message a bounce report is about (`smtpcode_bounce_report_info()`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum smtpcode_bounce_kind {
    /// A delivery failure (non-delivery report): at least one recipient failed.
    DeliveryFailure = 0,
    /// A delay notice: delivery is still being tried (RFC 3464 `Action: delayed`).
    DelayNotice = 1,
    /// A success notice: delivered, relayed or expanded.
    SuccessNotice = 2,
    /// A feedback or abuse report (ARF, RFC 5965), or a provider's complaint mail.
    Feedback = 3,
    /// An automatic reply such as an out-of-office notice (RFC 3834).
    AutoReply = 4,
    /// None of these: an ordinary message.
    NotBounce = 5,
}
mirror!(smtpcode_bounce_kind <- smtpcode::bounce::Kind {
    DeliveryFailure, DelayNotice, SuccessNotice, Feedback, AutoReply, NotBounce,
});

/// Where the recipients and diagnostics of a bounce report were read from.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum smtpcode_bounce_format {
    /// An RFC 3464 `message/delivery-status` (or `global-delivery-status`) part.
    Rfc3464 = 0,
    /// RFC 3464 fields printed in a text part (no machine-readable part).
    DsnText = 1,
    /// An ARF feedback report (RFC 5965).
    Arf = 2,
    /// A JSON notification (Amazon SES / SNS).
    Json = 3,
    /// The human-readable text of an MTA's or provider's bounce.
    Text = 4,
    /// The message headers only (auto-replies, complaints without a report part).
    Headers = 5,
    /// Nothing that could be read.
    None = 6,
}
mirror!(smtpcode_bounce_format <- smtpcode::bounce::Format {
    Rfc3464, DsnText, Arf, Json, Text, Headers, None,
});

/// The RFC 3464 `Action` of one recipient of a bounce (section 2.3.3).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum smtpcode_dsn_action {
    /// Delivery failed; the MTA will not try again.
    Failed = 0,
    /// Delivery is delayed; the MTA will go on trying.
    Delayed = 1,
    /// Delivered to the recipient's mailbox.
    Delivered = 2,
    /// Relayed to a system that sends no further notices.
    Relayed = 3,
    /// Delivered and forwarded to several addresses (a list or an alias).
    Expanded = 4,
}
mirror!(smtpcode_dsn_action <- smtpcode::bounce::DsnAction {
    Failed, Delayed, Delivered, Relayed, Expanded,
});

/// What a client saw when a session ended with no reply from the server, for
/// `smtpcode_classify_no_reply()`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum smtpcode_no_reply {
    /// The server's name did not resolve (DNS).
    NameNotResolved = 0,
    /// Nothing accepted the connection at the server's address (ECONNREFUSED).
    ConnectionRefused = 1,
    /// No answer in time, while connecting or waiting for a reply (ETIMEDOUT).
    TimedOut = 2,
    /// The connection was closed or reset before a reply came (ECONNRESET, EOF).
    ConnectionLost = 3,
    /// The TLS handshake or the check of the server's certificate failed.
    TlsFailed = 4,
}
mirror!(smtpcode_no_reply <- smtpcode::NoReply {
    NameNotResolved, ConnectionRefused, TimedOut, ConnectionLost, TlsFailed,
});

/// `dsn_action` field value of a bounce recipient when the bounce gives no action.
pub const SMTPCODE_NO_DSN_ACTION: u32 = u32::MAX;

/// The classification of one reply, filled by `smtpcode_classify()`.
///
/// Every `const char *` field is NULL or a static NUL-terminated string: valid for the life
/// of the program, never to be freed or modified.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct smtpcode_classification {
    /// The basic reply code (200 to 599), or 0 when the input has none.
    pub code: u16,
    /// True when the input has an enhanced status code (the three fields below).
    pub has_enhanced: bool,
    /// The enhanced code's class: 2, 4 or 5 (0 when `has_enhanced` is false).
    pub enhanced_class: u8,
    /// The enhanced code's subject, 0 to 999 (0 when `has_enhanced` is false).
    pub enhanced_subject: u16,
    /// The enhanced code's detail, 0 to 999 (0 when `has_enhanced` is false).
    pub enhanced_detail: u16,
    /// Success, intermediate, transient, permanent or unknown.
    pub outcome: smtpcode_outcome,
    /// True when the input had no code and the outcome was inferred from the reason.
    pub outcome_inferred: bool,
    /// None, soft, hard, block or unknown.
    pub bounce: smtpcode_bounce,
    /// Why.
    pub reason: smtpcode_reason,
    /// The recommended next step.
    pub action: smtpcode_action,
    /// True when the same message can succeed if sent again later (false when `has_retry`
    /// is false).
    pub retry: bool,
    /// False when the input tells nothing about retrying (outcome unknown: no code and no
    /// known phrase); `retry` is then false and means nothing.
    pub has_retry: bool,
    /// The provider that wrote the reply (its stable id, such as "gmail"), or NULL.
    pub provider: *const c_char,
    /// The provider's index for `smtpcode_provider_at()`, or `SMTPCODE_NO_PROVIDER`.
    pub provider_index: u32,
    /// The provider's own code ("TSS04", "IB607", ...), or NULL.
    pub provider_code: *const c_char,
    /// The SMTP command the reply answered: the one passed in, or the one the text names
    /// ("in reply to RCPT TO command"); a `smtpcode_command` value or `SMTPCODE_NO_COMMAND`.
    pub command: u32,
    /// What decided the reason.
    pub basis: smtpcode_basis,
    /// The id of the rule or table row that decided ("yahoo.tss04", "enhanced:X.1.1",
    /// "basic:550", "class:5", ...). Never NULL.
    pub rule: *const c_char,
    /// A human explanation of this result. Never NULL.
    pub explanation: *const c_char,
    /// How to fix it. Never NULL.
    pub fix: *const c_char,
    /// True when the reply code's second digit is outside RFC 5321's grammar (570, 571).
    pub nonstandard_code: bool,
    /// True when the enhanced code's class disagrees with the reply code ("550 4.4.7"); the
    /// reply code decided the outcome.
    pub class_mismatch: bool,
}

/// The split of an optional enhanced code into the C fields (`has`, class, subject, detail).
pub(crate) fn enhanced_parts(e: Option<smtpcode::EnhancedCode>) -> (bool, u8, u16, u16) {
    match e {
        Some(e) => (true, e.class().digit(), e.subject(), e.detail()),
        None => (false, 0, 0, 0),
    }
}

/// The C value of an optional index (`SMTPCODE_NO_*` when absent).
fn index_or(v: Option<usize>, none: u32) -> u32 {
    v.and_then(|i| u32::try_from(i).ok()).unwrap_or(none)
}

impl From<&smtpcode::Classification> for smtpcode_classification {
    fn from(c: &smtpcode::Classification) -> Self {
        let (has_enhanced, enhanced_class, enhanced_subject, enhanced_detail) =
            enhanced_parts(c.enhanced());
        smtpcode_classification {
            code: c.code().map_or(0, smtpcode::ReplyCode::as_u16),
            has_enhanced,
            enhanced_class,
            enhanced_subject,
            enhanced_detail,
            outcome: c.outcome().into(),
            outcome_inferred: c.outcome_inferred(),
            bounce: c.bounce().into(),
            reason: c.reason().into(),
            action: c.action().into(),
            retry: c.retry() == Some(true),
            has_retry: c.retry().is_some(),
            provider: c_str_or_null(c.provider().map(smtpcode::Provider::name)),
            provider_index: index_or(
                c.provider().map(smtpcode::Provider::index),
                SMTPCODE_NO_PROVIDER,
            ),
            provider_code: c_str_or_null(c.provider_code()),
            command: c
                .command()
                .map_or(SMTPCODE_NO_COMMAND, |v| smtpcode_command::from(v) as u32),
            basis: c.basis().into(),
            rule: c_str(c.rule()),
            explanation: c_str(c.explanation()),
            fix: c_str(c.fix()),
            nonstandard_code: c.is_nonstandard_code(),
            class_mismatch: c.class_mismatch(),
        }
    }
}

/// One reply as found by `smtpcode_parse()`. The text and prefix are given as offsets into
/// the caller's buffer, so they stay valid exactly as long as that buffer.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct smtpcode_reply {
    /// The basic reply code (200 to 599), or 0 when the input has only an enhanced code.
    pub code: u16,
    /// True when the input has an enhanced status code (the three fields below).
    pub has_enhanced: bool,
    /// The enhanced code's class: 2, 4 or 5 (0 when `has_enhanced` is false).
    pub enhanced_class: u8,
    /// The enhanced code's subject, 0 to 999 (0 when `has_enhanced` is false).
    pub enhanced_subject: u16,
    /// The enhanced code's detail, 0 to 999 (0 when `has_enhanced` is false).
    pub enhanced_detail: u16,
    /// Where the text after the code(s) starts in `buf`, without surrounding white space.
    pub text_offset: usize,
    /// The length of that text in bytes (0 when there is none).
    pub text_len: usize,
    /// Where the words in front of the code start in `buf` ("host mx.example.com said:").
    pub prefix_offset: usize,
    /// The length of those words in bytes (usually 0).
    pub prefix_len: usize,
    /// True when the code is followed by '-', as on the lines of a multi-line reply.
    pub multiline: bool,
    /// True when the code's second digit is above 5 (570, 571): outside RFC 5321's grammar.
    pub nonstandard_code: bool,
    /// True when the enhanced code's class differs from the reply code's first digit.
    pub class_mismatch: bool,
}

impl smtpcode_reply {
    /// Converts a parsed reply; `input` is the buffer it was parsed from.
    pub(crate) fn new(r: &smtpcode::Reply<'_>, input: &[u8]) -> Self {
        let offset = |part: &[u8]| (part.as_ptr() as usize).wrapping_sub(input.as_ptr() as usize);
        let (has_enhanced, enhanced_class, enhanced_subject, enhanced_detail) =
            enhanced_parts(r.enhanced());
        smtpcode_reply {
            code: r.code().map_or(0, smtpcode::ReplyCode::as_u16),
            has_enhanced,
            enhanced_class,
            enhanced_subject,
            enhanced_detail,
            text_offset: offset(r.text()),
            text_len: r.text().len(),
            prefix_offset: offset(r.prefix()),
            prefix_len: r.prefix().len(),
            multiline: r.is_multiline(),
            nonstandard_code: r.is_nonstandard_code(),
            class_mismatch: r.class_mismatch(),
        }
    }
}

/// One row of the basic reply code table, filled by `smtpcode_lookup()` and
/// `smtpcode_code_at()`. Every string is static and NUL-terminated, possibly empty, never
/// NULL.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct smtpcode_code_info {
    /// The code (the table also lists 101 and 111, which are not SMTP replies).
    pub code: u16,
    /// Whether an RFC defines it.
    pub status: smtpcode_code_status,
    /// Short name, such as "Mailbox unavailable".
    pub name: *const c_char,
    /// What the server says with it.
    pub meaning: *const c_char,
    /// When and why servers send it.
    pub explanation: *const c_char,
    /// What the sender should do.
    pub fix: *const c_char,
    /// The reason the code alone implies (a `smtpcode_reason` value), or
    /// `SMTPCODE_NO_REASON` when it is not specific enough.
    pub reason: u32,
    /// Where the definition comes from (RFC and section).
    pub source: *const c_char,
    /// Caveats; often empty.
    pub note: *const c_char,
}

impl From<&smtpcode::CodeInfo> for smtpcode_code_info {
    fn from(i: &smtpcode::CodeInfo) -> Self {
        smtpcode_code_info {
            code: i.code(),
            status: i.status().into(),
            name: c_str(i.name()),
            meaning: c_str(i.meaning()),
            explanation: c_str(i.explanation()),
            fix: c_str(i.fix()),
            reason: i
                .reason()
                .map_or(SMTPCODE_NO_REASON, |r| smtpcode_reason::from(r) as u32),
            source: c_str(i.source()),
            note: c_str(i.note()),
        }
    }
}

/// One row of the IANA enhanced status code registry, filled by `smtpcode_lookup_enhanced()`
/// and `smtpcode_enhanced_at()`. Every string is static and NUL-terminated, possibly empty,
/// never NULL.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct smtpcode_enhanced_info {
    /// The subject (X.**subject**.detail).
    pub subject: u16,
    /// The detail (X.subject.**detail**).
    pub detail: u16,
    /// The code as the registry writes it, such as "X.1.1".
    pub code: *const c_char,
    /// The registry's title, such as "Bad destination mailbox address".
    pub title: *const c_char,
    /// What it means, in plain words.
    pub meaning: *const c_char,
    /// The basic codes the registry associates with it (informative), as written there.
    pub basic_codes: *const c_char,
    /// The reason this code implies (a `smtpcode_reason` value), or `SMTPCODE_NO_REASON`.
    pub reason: u32,
    /// The classes the code is meaningful with, as bits: `classes & (1u << 5)` for class 5,
    /// `1u << 4` for class 4, `1u << 2` for class 2.
    pub classes: u8,
    /// RFC and section that defines it.
    pub source: *const c_char,
}

impl From<&smtpcode::EnhancedInfo> for smtpcode_enhanced_info {
    fn from(i: &smtpcode::EnhancedInfo) -> Self {
        use smtpcode::Class;
        let classes = [
            Class::Success,
            Class::PersistentTransientFailure,
            Class::PermanentFailure,
        ]
        .into_iter()
        .filter(|&c| i.allows_class(c))
        .fold(0u8, |bits, c| bits | (1 << c.digit()));
        smtpcode_enhanced_info {
            subject: i.subject(),
            detail: i.detail(),
            code: c_str(i.code()),
            title: c_str(i.title()),
            meaning: c_str(i.meaning()),
            basic_codes: c_str(i.basic_codes()),
            reason: i
                .reason()
                .map_or(SMTPCODE_NO_REASON, |r| smtpcode_reason::from(r) as u32),
            classes,
            source: c_str(i.source()),
        }
    }
}

/// A mailbox provider or filtering service that the classifier recognizes, filled by
/// `smtpcode_provider_at()`. Every string is static and NUL-terminated, never NULL.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct smtpcode_provider_info {
    /// The position in the table (the `provider_index` of a classification).
    pub index: u32,
    /// The stable snake_case id, such as "gmail" or "microsoft".
    pub name: *const c_char,
    /// A name for people, such as "Gmail / Google Workspace".
    pub display_name: *const c_char,
    /// Where the provider's replies are documented.
    pub source: *const c_char,
}

impl From<smtpcode::Provider> for smtpcode_provider_info {
    fn from(p: smtpcode::Provider) -> Self {
        let i = p.info();
        smtpcode_provider_info {
            index: index_or(Some(p.index()), SMTPCODE_NO_PROVIDER),
            name: c_str(i.name()),
            display_name: c_str(i.display_name()),
            source: c_str(i.source()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "MailboxUnknown" -> "mailbox_unknown".
    fn snake(camel: &str) -> String {
        let mut s = String::new();
        for (i, ch) in camel.chars().enumerate() {
            if ch.is_ascii_uppercase() {
                if i > 0 {
                    s.push('_');
                }
                s.push(ch.to_ascii_lowercase());
            } else {
                s.push(ch);
            }
        }
        s
    }

    /// The C values equal the core crate's integer values, and the C names (which cbindgen
    /// turns into SMTPCODE_<ENUM>_<NAME>) are the core crate's snake_case names.
    macro_rules! check_mirror {
        ($c:ty, $core:ty) => {{
            assert_eq!(<$c>::TEST_ALL.len(), <$core>::ALL.len(), stringify!($c));
            for (i, (&v, &c)) in <$core>::ALL.iter().zip(<$c>::TEST_ALL).enumerate() {
                let converted = <$c>::from(v);
                assert_eq!(converted, c, "{} {}", stringify!($c), v);
                assert_eq!(converted as u32 as usize, i, "{} {}", stringify!($c), v);
                assert_eq!(snake(&format!("{c:?}")), v.as_str(), "{}", stringify!($c));
            }
        }};
    }

    #[test]
    fn enums_mirror_the_core_crate() {
        check_mirror!(smtpcode_outcome, smtpcode::Outcome);
        check_mirror!(smtpcode_bounce, smtpcode::Bounce);
        check_mirror!(smtpcode_reason, smtpcode::Reason);
        check_mirror!(smtpcode_action, smtpcode::Action);
        check_mirror!(smtpcode_command, smtpcode::Command);
        check_mirror!(smtpcode_basis, smtpcode::Basis);
        check_mirror!(smtpcode_code_status, smtpcode::CodeStatus);
        check_mirror!(smtpcode_bounce_kind, smtpcode::bounce::Kind);
        check_mirror!(smtpcode_bounce_format, smtpcode::bounce::Format);
        check_mirror!(smtpcode_dsn_action, smtpcode::bounce::DsnAction);
        check_mirror!(smtpcode_no_reply, smtpcode::NoReply);
    }

    #[test]
    fn enhanced_class_bits() {
        let row = smtpcode::lookup_enhanced(1, 1).expect("X.1.1 is registered");
        let c = smtpcode_enhanced_info::from(row);
        for (digit, class) in [
            (2, smtpcode::Class::Success),
            (4, smtpcode::Class::PersistentTransientFailure),
            (5, smtpcode::Class::PermanentFailure),
        ] {
            assert_eq!(c.classes & (1 << digit) != 0, row.allows_class(class));
        }
        assert_eq!(c.classes & !0b0011_0100, 0);
    }
}
