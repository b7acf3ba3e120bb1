//! Whole bounce messages: parse a raw email into a [`Report`] with one [`Recipient`] per
//! address it reports on, each with the [`Classification`] of its diagnostic.
//!
//! ```
//! use smtpcode::bounce::{self, Kind};
//! use smtpcode::Reason;
//!
//! let raw = b"From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\r\n\
//! Subject: Undelivered Mail Returned to Sender\r\n\
//! Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\
//! \r\n\
//! --b\r\n\
//! Content-Type: text/plain\r\n\
//! \r\n\
//! I'm sorry to have to inform you that your message could not be delivered.\r\n\
//! --b\r\n\
//! Content-Type: message/delivery-status\r\n\
//! \r\n\
//! Reporting-MTA: dns; mx.example.org\r\n\
//! \r\n\
//! Final-Recipient: rfc822; jane@example.com\r\n\
//! Action: failed\r\n\
//! Status: 5.1.1\r\n\
//! Remote-MTA: dns; mx.example.com\r\n\
//! Diagnostic-Code: smtp; 550 5.1.1 <jane@example.com>: Recipient address rejected: User unknown\r\n\
//! --b--\r\n";
//! let report = bounce::parse(raw).unwrap();
//! assert_eq!(report.kind, Kind::DeliveryFailure);
//! let r = &report.recipients[0];
//! assert_eq!(r.recipient, "jane@example.com");
//! assert_eq!(r.classification.reason(), Reason::MailboxUnknown);
//! ```
//!
//! What is read:
//!
//! * RFC 3464 reports (`multipart/report` with `message/delivery-status`, also RFC 6533's
//!   `message/global-delivery-status`), including the DSN fields that some MTAs print inside a
//!   text part;
//! * ARF feedback reports (RFC 5965, `message/feedback-report`) and the older complaint
//!   mails that carry only the original message;
//! * Amazon SES / SNS bounce, complaint and delivery notifications (JSON);
//! * the plain-text bounces of the common MTAs and providers that carry no machine-readable
//!   part (Postfix, Exim, Sendmail, qmail, Exchange, Office 365, Gmail, Yahoo, Lotus Notes,
//!   Domino, OpenSMTPD, Courier, mail filters and gateways...): the recipients are found in the
//!   wrapper text, the diagnostic is the text that goes with each one, and the SMTP command
//!   is taken from the MTA's own words ("in reply to RCPT TO command", "after end of data",
//!   a `>>> DATA` transcript line...);
//! * auto-replies (RFC 3834 `Auto-Submitted`, `X-Autoreply`, `Precedence: auto_reply`, the
//!   usual subject lines) and mails that are none of these.
//!
//! # Limits
//!
//! [`parse`] never panics, and its time and memory grow linearly with the input whatever the
//! input: a bounce processor reads mail that anyone can send. What is read of one message is
//! bounded:
//!
//! | limit | what is read |
//! |---|---|
//! | [`MAX_MESSAGE`] (4 MiB) | bytes of one message; the notice and the status come first, the returned original after them |
//! | [`MAX_PART`] (2 MiB) | bytes of one MIME part (text, delivery-status, feedback report, attached message) |
//! | [`MAX_PARTS`] (10,000) | MIME parts: lines that can open a part (`--` and no white space) |
//! | [`MAX_HEADER`] (1 MiB) | bytes of one header field, and of the original message's header block |
//! | [`MAX_RECIPIENTS`] (50,000) | recipients of one message |
//! | [`MAX_JOINED`] (8 MiB) | text built by joining recipients' own words with the reason the notice gives for all |
//!
//! Past any of them, [`Report::truncated`] is set and a [`Report::problems`] entry says what
//! was cut and how much (bytes not read, recipients not listed). No recipient is left out
//! without such an entry. Malformed MIME gives a partial report: the parser falls back to
//! reading the message as text, and [`Report::problems`] says what was wrong.
//!
//! # The MIME crate
//!
//! MIME structure, transfer encodings, RFC 2047 header words and charsets go through the
//! [`mailparse`] crate (0BSD). It was chosen over `mail-parser` because:
//!
//! * it decodes lazily: a part's body is only decoded when asked for, so the original
//!   message and its attachments, which a bounce processor does not need, cost nothing
//!   beyond finding their boundaries; over the test corpus it parsed twice as many messages
//!   per second as `mail-parser` decoding every part;
//! * it has an explicit nesting limit and returns errors instead of guessing, and it is
//!   `#![forbid(unsafe_code)]` like this crate;
//! * its charsets come from `encoding_rs` through the `charset` crate (the WHATWG encodings,
//!   including ISO-2022-JP, Shift_JIS and EUC-JP, which Japanese bounces use, plus UTF-7);
//! * its minimum Rust version (1.85) matches this workspace's, while the current
//!   `mail-parser` (1.x) needs a newer compiler, leaving only its older 0.11 line;
//! * it is small (three dependencies) and maintained (regular releases).

mod dsn;
mod mime;
mod notice;
mod recipients;
mod ses;
mod transcript;
mod util;

use std::sync::Arc;

use crate::classify::{Classification, Context, classify_in};
use crate::enhanced::EnhancedCode;
use crate::macros::named_enum;
use crate::model::{Command, Outcome};
use crate::rules::engine::Tables;

/// The most bytes of one message that [`parse`] reads (4 MiB). A longer message is cut at a
/// line end before this point and the report is marked [`Report::truncated`].
pub const MAX_MESSAGE: usize = 4 << 20;

/// The most bytes of one MIME part that are read (2 MiB): a text part, a delivery-status or
/// feedback report, an attached message. Past it, the report is [`Report::truncated`] and a
/// problem entry counts the bytes, and the recipients of a report, that were not read.
pub const MAX_PART: usize = 2 << 20;

/// The most MIME parts read from one message, counted as the lines that can open a part
/// (`--` then no white space). Past it, the message is read up to that line.
pub const MAX_PARTS: usize = 10_000;

/// The most bytes read of one header field (`X-Failed-Recipients`, `Subject`...) and of the
/// header block of the original message (1 MiB).
pub const MAX_HEADER: usize = 1 << 20;

/// The most recipients listed for one message; a problem entry counts the others.
pub const MAX_RECIPIENTS: usize = 50_000;

/// The most bytes of diagnostic text built for one message by joining a recipient's own words
/// ("Unknown user: a@b") with the reason the notice gives for all recipients (8 MiB). Past it,
/// a recipient gets the shared reason alone, and a problem entry counts them.
pub const MAX_JOINED: usize = 8 << 20;

/// Bytes of text examined by the bounce parser on this thread since it started: a measure of
/// work that does not depend on the machine, for tests that check that the work grows
/// linearly with the input.
#[doc(hidden)]
pub fn work_done() -> u64 {
    util::work()
}

named_enum! {
    /// What kind of message a [`Report`] is about.
    pub enum Kind ("kind") {
        /// A delivery failure (non-delivery report): at least one recipient failed.
        DeliveryFailure = "delivery_failure",
        /// A delay notice: delivery is still being tried (RFC 3464 `Action: delayed`).
        DelayNotice = "delay_notice",
        /// A success notice: delivered, relayed or expanded (RFC 3464 `Action: delivered`...).
        SuccessNotice = "success_notice",
        /// A feedback or abuse report (ARF, RFC 5965), or a provider's complaint mail.
        Feedback = "feedback",
        /// An automatic reply such as an out-of-office notice (RFC 3834).
        AutoReply = "auto_reply",
        /// None of these: an ordinary message.
        NotBounce = "not_bounce",
    }
}

named_enum! {
    /// The RFC 3464 `Action` of one recipient (§2.3.3).
    pub enum DsnAction ("action") {
        /// Delivery failed; the MTA will not try again.
        Failed = "failed",
        /// Delivery is delayed; the MTA will go on trying.
        Delayed = "delayed",
        /// Delivered to the recipient's mailbox.
        Delivered = "delivered",
        /// Relayed to a system that sends no further notices.
        Relayed = "relayed",
        /// Delivered and forwarded to several addresses (a list or an alias).
        Expanded = "expanded",
    }
}

named_enum! {
    /// Where the information of a [`Report`] came from.
    pub enum Format ("format") {
        /// An RFC 3464 `message/delivery-status` (or `global-delivery-status`) part.
        Rfc3464 = "rfc3464",
        /// RFC 3464 fields printed in a text part (no machine-readable part).
        DsnText = "dsn_text",
        /// An ARF feedback report (RFC 5965).
        Arf = "arf",
        /// A JSON notification (Amazon SES / SNS).
        Json = "json",
        /// The human-readable text of an MTA's or provider's bounce.
        Text = "text",
        /// The message headers only (auto-replies, complaints without a report part).
        Headers = "headers",
        /// Nothing that could be read.
        None = "none",
    }
}

/// A `Diagnostic-Code` (RFC 3464 §2.3.6), or the diagnostic text that a plain-text bounce
/// gives for a recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Diagnostic {
    /// The diagnostic type in lower case (`smtp`, `x-unix`, `x-postfix`...); `None` when the
    /// text came from a plain-text bounce or had no type.
    pub kind: Option<String>,
    /// The text, with folded lines joined by one space. Recipients that a notice gives one
    /// reason for share it.
    #[cfg_attr(feature = "serde", serde(serialize_with = "serialize_text"))]
    pub text: Arc<str>,
}

#[cfg(feature = "serde")]
fn serialize_text<S: serde::Serializer>(text: &Arc<str>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(text)
}

#[cfg(feature = "serde")]
fn serialize_diagnostic<S: serde::Serializer>(
    d: &Option<Diagnostic>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(2))?;
    m.serialize_entry(
        "diagnostic_type",
        &d.as_ref().and_then(|d| d.kind.as_deref()),
    )?;
    m.serialize_entry("diagnostic", &d.as_ref().map(|d| &*d.text))?;
    m.end()
}

/// The serde form of [`Recipient::diagnostic`], for its JSON Schema.
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[allow(dead_code)]
struct DiagnosticFields {
    /// The diagnostic type in lower case (`smtp`, `x-unix`, `x-postfix`...); null when the
    /// text came from a plain-text bounce or had no type.
    diagnostic_type: Option<String>,
    /// The diagnostic text, with folded lines joined by one space.
    diagnostic: Option<String>,
}

/// One recipient that a bounce reports on.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Recipient {
    /// The final recipient: the address the reporting MTA tried (`Final-Recipient`).
    pub recipient: String,
    /// The original recipient (`Original-Recipient`, an `X-Original-To`...), when given.
    pub original_recipient: Option<String>,
    /// What happened (`Action`). For plain-text bounces, as the wording says. Serialized as
    /// `dsn_action`, apart from the classification's recommended `action`.
    #[cfg_attr(feature = "serde", serde(rename = "dsn_action"))]
    pub action: Option<DsnAction>,
    /// The status code (`Status`), or the enhanced code of the diagnostic.
    pub status: Option<EnhancedCode>,
    /// The remote MTA that gave the diagnostic (`Remote-MTA`, or the host a text names).
    pub remote_mta: Option<String>,
    /// The diagnostic, when the bounce has one. Serialized flat, as `diagnostic_type` (its
    /// kind) and `diagnostic` (its text), the way the command's records and Python name them.
    #[cfg_attr(
        feature = "serde",
        serde(flatten, serialize_with = "serialize_diagnostic")
    )]
    #[cfg_attr(feature = "schema", schemars(with = "DiagnosticFields"))]
    pub diagnostic: Option<Diagnostic>,
    /// The SMTP command that got the reply, when the MTA says which.
    pub command: Option<Command>,
    /// The classification of the diagnostic (with the command as context). For feedback
    /// reports, auto-replies and recipients without any diagnostic, status or action, it is
    /// the classification of nothing: outcome and bounce unknown. A recipient whose action
    /// is `failed` while its diagnostic is temporary or missing is a final failure (basis
    /// `dsn_action`).
    pub classification: Classification,
}

/// Headers of the original message, when the bounce includes it (or its headers).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Original {
    /// `Message-ID`.
    pub message_id: Option<String>,
    /// `From`.
    pub from: Option<String>,
    /// `To`.
    pub to: Option<String>,
    /// `Subject`, decoded.
    pub subject: Option<String>,
}

/// What a bounce message says.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Report {
    /// The kind of message.
    pub kind: Kind,
    /// Where the recipients and diagnostics were read from.
    pub format: Format,
    /// The MTA that wrote the report (`Reporting-MTA`), when given.
    pub reporting_mta: Option<String>,
    /// The bounce's own `From`.
    pub from: Option<String>,
    /// The bounce's own `Subject`, decoded.
    pub subject: Option<String>,
    /// The feedback type of an ARF report (`abuse`, `fraud`, `opt-out`...).
    pub feedback_type: Option<String>,
    /// One entry per recipient the message reports on; may be empty (an auto-reply from an
    /// unknown address, a message that is not a bounce).
    pub recipients: Vec<Recipient>,
    /// The original message's headers, when included.
    pub original: Option<Original>,
    /// A limit cut something (see [Limits](self#limits)); [`Report::problems`] says what.
    pub truncated: bool,
    /// What was wrong with the message, if anything (malformed MIME, undecodable parts...),
    /// and what the limits cut. The report is then partial: whatever could still be read.
    pub problems: Vec<String>,
}

impl Report {
    /// True for delivery failures and delay notices.
    pub fn is_bounce(&self) -> bool {
        matches!(self.kind, Kind::DeliveryFailure | Kind::DelayNotice)
    }
}

/// Why [`parse`] could not give a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BounceError {
    /// The input is empty or only white space.
    #[error("empty message: the input holds no bytes other than white space")]
    Empty,
    /// The input does not start with a header block, so it is not an email message.
    #[error(
        "not an email message: the input does not start with header fields (\"Name: value\" lines)"
    )]
    NotAMessage,
}

/// Parses a raw message (RFC 5322 bytes, with CRLF or LF line ends) into a [`Report`].
///
/// Fails only when the input is empty or does not start like a message; every other input
/// gives a report, partial when the message is malformed or a limit cut it
/// ([`Report::problems`]).
pub fn parse<B: AsRef<[u8]> + ?Sized>(raw: &B) -> Result<Report, BounceError> {
    let raw = raw.as_ref();
    parse_head(raw, raw.len())
}

/// Like [`parse`], for a reader that kept only the start of a message: `head` holds its
/// first bytes (at least [`MAX_MESSAGE`] + 1 of them when the message is longer than
/// [`MAX_MESSAGE`]) and `size` is the size of the whole message, so that the report counts
/// what was not read.
pub fn parse_head<B: AsRef<[u8]> + ?Sized>(head: &B, size: usize) -> Result<Report, BounceError> {
    parse_in(head.as_ref(), size, None)
}

/// [`parse_head`] with a user's rules read before the built-in ones.
pub(crate) fn parse_in(
    raw: &[u8],
    size: usize,
    user: Option<&Tables<'_>>,
) -> Result<Report, BounceError> {
    let head = raw;
    let size = size.max(raw.len());
    let start = raw
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .ok_or(BounceError::Empty)?;
    let mut raw = &raw[start..];
    let size = size - start;
    // An mbox "From " line in front of the headers is not a header.
    if raw.starts_with(b"From ") {
        match memchr::memchr(b'\n', raw) {
            Some(i) => raw = &raw[i + 1..],
            None => return Err(BounceError::NotAMessage),
        }
    }
    let size = size - (head.len() - start - raw.len());
    if !util::starts_with_header(raw) {
        return Err(BounceError::NotAMessage);
    }
    let mut problems = mime::Problems::default();
    let kept = cut(raw, MAX_MESSAGE);
    if kept.len() < size {
        problems.cut(format!(
            "message of {size} bytes: the first {} were read (the limit is {MAX_MESSAGE})",
            kept.len()
        ));
    }
    raw = kept;
    if let Some(at) = nth_part_line(raw, MAX_PARTS) {
        problems.cut(format!(
            "more than {MAX_PARTS} MIME parts: the message was read up to the line that opens the next ({} bytes not read)",
            raw.len() - at
        ));
        raw = &raw[..at];
    }
    Ok(mime::read(raw, problems, user))
}

/// The first `limit` bytes of `raw`, cut after a line end when there is one before it.
pub(crate) fn cut(raw: &[u8], limit: usize) -> &[u8] {
    if raw.len() <= limit {
        return raw;
    }
    let end = memchr::memrchr(b'\n', &raw[..limit]).map_or(limit, |i| i + 1);
    &raw[..end]
}

/// Where the line that can open part number `n + 1` starts (a line of `--` and no white
/// space before its end), when there are more than `n` such lines.
fn nth_part_line(raw: &[u8], n: usize) -> Option<usize> {
    let mut seen = 0;
    let mut at = 0;
    while at < raw.len() {
        let end = memchr::memchr(b'\n', &raw[at..]).map_or(raw.len(), |i| at + i + 1);
        let line = &raw[at..end];
        if line.starts_with(b"--") {
            let body = line.trim_ascii_end();
            if !body.iter().any(|b| b.is_ascii_whitespace()) {
                seen += 1;
                if seen > n {
                    return Some(at);
                }
            }
        }
        at = end;
    }
    None
}

/// How many lines of `raw` start with `name` (lower case), ignoring ASCII case.
pub(crate) fn count_fields(raw: &[u8], name: &[u8]) -> usize {
    raw.split(|&b| b == b'\n')
        .filter(|l| l.len() >= name.len() && l[..name.len()].eq_ignore_ascii_case(name))
        .count()
}

/// A recipient's classification with what its DSN action says: `failed` with a diagnostic
/// that is temporary (Postfix and Sendmail keep the last deferral's `Status: 4.4.1` after
/// the queue lifetime) or that tells nothing is a failure the MTA gave up on
/// ([`Classification::given_up`]).
pub(crate) fn with_action(c: Classification, action: Option<DsnAction>) -> Classification {
    match action {
        Some(DsnAction::Failed) if matches!(c.outcome(), Outcome::Transient | Outcome::Unknown) => {
            c.given_up(crate::text::static_text!("dsn:failed"))
        }
        _ => c,
    }
}

/// Classifies a diagnostic with the command as context (`fallback` when neither `command`
/// nor the text names one); the status code stands in when the text has no code of its own.
pub(crate) fn classify_recipient(
    diagnostic: Option<&str>,
    status: Option<EnhancedCode>,
    command: Option<Command>,
    fallback: Option<Command>,
    user: Option<&Tables<'_>>,
) -> Classification {
    let ctx = Context { command, fallback };
    let text = diagnostic.unwrap_or("").trim();
    util::charge(text.len());
    classify_in(
        crate::parse::with_status(text, status).as_bytes(),
        ctx,
        user,
    )
}
