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
//! [`parse`] never panics. Only the first [`MAX_PARSED`] bytes of a message are read (the
//! notice and the status are at the start; what follows is the returned original) and
//! [`Report::truncated`] says when the rest was left out, so memory and time stay bounded
//! whatever the size of the input. Malformed MIME gives a partial report: the parser falls
//! back to reading the message as text, and [`Report::problems`] says what was wrong.
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
mod plain;
mod ses;
mod util;

use crate::classify::{Classification, Context, classify_with};
use crate::enhanced::EnhancedCode;
use crate::macros::named_enum;
use crate::model::Command;

/// The most bytes of one message that [`parse`] reads (4 MiB). A longer message is cut at a
/// line end before this point and the report is marked [`Report::truncated`].
pub const MAX_PARSED: usize = 4 << 20;

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
    /// The text, with folded lines joined by one space.
    pub text: String,
}

/// One recipient that a bounce reports on.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Recipient {
    /// The final recipient: the address the reporting MTA tried (`Final-Recipient`).
    pub recipient: String,
    /// The original recipient (`Original-Recipient`, an `X-Original-To`...), when given.
    pub original_recipient: Option<String>,
    /// What happened (`Action`). For plain-text bounces, as the wording says.
    pub action: Option<DsnAction>,
    /// The status code (`Status`), or the enhanced code of the diagnostic.
    pub status: Option<EnhancedCode>,
    /// The remote MTA that gave the diagnostic (`Remote-MTA`, or the host a text names).
    pub remote_mta: Option<String>,
    /// The diagnostic, when the bounce has one.
    pub diagnostic: Option<Diagnostic>,
    /// The SMTP command that got the reply, when the MTA says which.
    pub command: Option<Command>,
    /// The classification of the diagnostic (with the command as context). For feedback
    /// reports and auto-replies, and for recipients without any diagnostic or status, it is
    /// the classification of nothing: outcome unknown, bounce none.
    pub classification: Classification,
}

/// Headers of the original message, when the bounce includes it (or its headers).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
    /// Only the first [`MAX_PARSED`] bytes were read.
    pub truncated: bool,
    /// What was wrong with the message, if anything (malformed MIME, undecodable parts...).
    /// The report is then partial: whatever could still be read.
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
/// gives a report, partial when the message is malformed ([`Report::problems`]).
pub fn parse<B: AsRef<[u8]> + ?Sized>(raw: &B) -> Result<Report, BounceError> {
    let raw = raw.as_ref();
    let start = raw
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .ok_or(BounceError::Empty)?;
    let mut raw = &raw[start..];
    // An mbox "From " line in front of the headers is not a header.
    if raw.starts_with(b"From ") {
        match memchr::memchr(b'\n', raw) {
            Some(i) => raw = &raw[i + 1..],
            None => return Err(BounceError::NotAMessage),
        }
    }
    if !util::starts_with_header(raw) {
        return Err(BounceError::NotAMessage);
    }
    let truncated = raw.len() > MAX_PARSED;
    if truncated {
        let cut = memchr::memrchr(b'\n', &raw[..MAX_PARSED]).map_or(MAX_PARSED, |i| i + 1);
        raw = &raw[..cut];
    }
    let mut report = mime::read(raw);
    report.truncated = truncated;
    Ok(report)
}

/// Classifies a diagnostic with the command as context; the status code stands in when the
/// text has no code of its own.
pub(crate) fn classify_recipient(
    diagnostic: Option<&str>,
    status: Option<EnhancedCode>,
    command: Option<Command>,
) -> Classification {
    let ctx = match command {
        Some(c) => Context::new().command(c),
        None => Context::new(),
    };
    let text = diagnostic.unwrap_or("").trim();
    match status {
        Some(s)
            if {
                let f = crate::parse::scan(text.as_bytes());
                f.code.is_none() && f.enhanced.is_none()
            } =>
        {
            let with = format!("{s} {text}");
            classify_with(with.as_str(), ctx)
        }
        _ => classify_with(text, ctx),
    }
}
