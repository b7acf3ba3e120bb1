//! Mail logs: one log line in, the delivery events it reports out, or why it reports none.
//!
//! ```
//! use smtpcode::log::{LogReader, Status};
//! use smtpcode::Reason;
//!
//! let mut reader = LogReader::new();
//! let lines = [
//!     "Dec  4 21:30:19 mx1 postfix/qmgr[812]: 4F2A1B3C9D: from=<news@example.com>, size=5120, nrcpt=1 (queue active)",
//!     "Dec  4 21:30:21 mx1 postfix/smtp[4711]: 4F2A1B3C9D: to=<jane@example.net>, relay=mx.example.net[203.0.113.25]:25, delay=2.1, delays=0.1/0/1/1, dsn=5.1.1, status=bounced (host mx.example.net[203.0.113.25] said: 550 5.1.1 <jane@example.net>: Recipient address rejected: User unknown (in reply to RCPT TO command))",
//!     "Dec  4 21:30:21 mx1 postfix/qmgr[812]: 4F2A1B3C9D: removed",
//! ];
//! let events: Vec<_> = reader.events(lines).collect();
//! assert_eq!(events.len(), 1);
//! let e = &events[0];
//! assert_eq!(e.status, Status::Bounced);
//! assert_eq!(e.recipient.as_deref(), Some("jane@example.net"));
//! assert_eq!(e.sender.as_deref(), Some("news@example.com"));  // joined from the qmgr line
//! assert_eq!(e.classification.reason(), Reason::MailboxUnknown);
//! assert_eq!(e.classification.command(), Some(smtpcode::Command::Rcpt));
//! ```
//!
//! The formats, recognized line by line ([`LogReader::format`] forces one): Postfix, Exim,
//! Sendmail and OpenSMTPD through syslog (traditional, RFC 3339, RFC 5424, journald
//! `short-iso` / `short-precise` / `short-unix`) or, for Exim, its own main log; KumoMTA JSON
//! log records; PowerMTA accounting CSV (after its header row); Exchange message tracking
//! logs (after their `#Fields:` line). Nothing here reads files: the caller hands lines in
//! (the command `smtpcode logs` and the Python `read_log` read and decompress them).

use std::borrow::Cow;

use crate::classify::Classification;
use crate::macros::named_enum;
pub(crate) use crate::model::command_named;
use crate::model::{Command, Outcome, Reason};
use crate::rules::user::Classifier;
use crate::text::static_text;

mod csvlog;
mod exim;
mod join;
mod kumo;
mod opensmtpd;
mod postfix;
mod sendmail;
mod suppress;
mod syslog;
mod time;

pub use suppress::{Bounced, Suppression, SuppressionList};
pub use time::LogTime;

named_enum! {
    /// The mail system that wrote a log line.
    pub enum Mta ("log format") {
        /// Postfix (syslog or `maillog_file`).
        Postfix = "postfix",
        /// Exim's main log (its own file or syslog).
        Exim = "exim",
        /// Sendmail (syslog).
        Sendmail = "sendmail",
        /// OpenSMTPD 6.4 and later (syslog).
        OpenSmtpd = "opensmtpd",
        /// KumoMTA JSON log records.
        KumoMta = "kumomta",
        /// PowerMTA accounting files (CSV with a header row).
        PowerMta = "powermta",
        /// Microsoft Exchange message tracking logs (CSV with `#Fields:`).
        Exchange = "exchange",
    }
}

named_enum! {
    /// What the log says happened to one recipient.
    pub enum Status ("log status") {
        /// Delivered, or accepted by the next hop.
        Sent = "sent",
        /// Failed for now; the MTA will try again.
        Deferred = "deferred",
        /// Failed for good; a bounce goes (or went) to the sender.
        Bounced = "bounced",
        /// Given up after too long in the queue.
        Expired = "expired",
        /// Refused by this server when a client offered the message (an inbound refusal).
        Rejected = "rejected",
    }
}

named_enum! {
    /// What a log line is.
    pub enum LineKind ("line kind") {
        /// It reports deliveries: one [`Event`] per recipient (an expiry with no known
        /// recipient gives one event without a recipient).
        Delivery = "delivery",
        /// A line of a known format that reports no delivery: a connection, a message's
        /// arrival or removal, a warning, a header row.
        Other = "other",
        /// A line in no known format.
        Unrecognized = "unrecognized",
        /// An empty (or blank) line.
        Empty = "empty",
    }
}

/// One delivery event: one recipient, one attempt (or one inbound refusal), as the log
/// reports it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Event {
    /// The format of the line.
    pub mta: Mta,
    /// The time as the line writes it.
    pub time: Option<String>,
    /// The time read, when the format gives a year (see [`LogTime`]).
    pub timestamp: Option<LogTime>,
    /// The host that wrote the line (syslog's host name).
    pub host: Option<String>,
    /// The program that wrote the line (`postfix/smtp`, `sm-mta`).
    pub program: Option<String>,
    /// The queue or message id (Postfix and Sendmail queue id, Exim message id,
    /// OpenSMTPD envelope id, KumoMTA spool id, Exchange internal message id).
    pub queue_id: Option<String>,
    /// The recipient (after aliasing, where the MTA says).
    pub recipient: Option<String>,
    /// The original recipient, when it differs.
    pub original_recipient: Option<String>,
    /// The envelope sender, from the line or from an earlier line of the same message
    /// (Postfix's qmgr `from=`, Exim's `<=`, Sendmail's `from=`); `""` is the null sender.
    pub sender: Option<String>,
    /// The remote host: the relay a delivery went to, or the client an inbound refusal
    /// answered.
    pub relay: Option<String>,
    /// The client's HELO name, for an inbound refusal.
    pub helo: Option<String>,
    /// What the log says happened.
    pub status: Status,
    /// A Postfix address-verification probe (`deliverable` / `undeliverable`), not a
    /// delivery of a message.
    pub probe: bool,
    /// The enhanced status code the log gives in a field of its own (`dsn=`, KumoMTA's
    /// `enhanced_code`, PowerMTA's `dsnStatus`).
    pub dsn: Option<String>,
    /// The reply or reason, as the log writes it.
    pub text: String,
    /// The line was cut before its end (a `(` without its `)`, an over-long line).
    pub truncated: bool,
    /// When the log's status replaced the reason of the text (an expiry), the reason the
    /// text alone gives: why the message kept failing.
    pub cause: Option<Reason>,
    /// The classification of the reply with everything the line tells: the command it
    /// answered and the log's status (`sent` is success whatever the text says, `expired`
    /// is [`Reason::Expired`], `deferred` is transient, `bounced` permanent).
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub classification: Classification,
    /// The SMTP command the log says the reply answered (the classifier also reads it from
    /// the text).
    #[cfg_attr(feature = "serde", serde(skip))]
    command: Option<Command>,
    /// An inbound refusal that the log calls temporary.
    #[cfg_attr(feature = "serde", serde(skip))]
    temporary: bool,
    /// For an expiry whose own text gives no reason (`retry timeout exceeded`): the text of
    /// the recipient's last deferral, for [`cause`](Self::cause).
    #[cfg_attr(feature = "serde", serde(skip))]
    cause_text: Option<String>,
}

/// The classification of nothing, which an event holds until its text is classified
/// (`Classification` is `Copy`: computed once, not per event).
static NOTHING: std::sync::LazyLock<Classification> =
    std::sync::LazyLock::new(|| crate::classify(""));

impl Event {
    /// An event before classification.
    pub(crate) fn new(mta: Mta, status: Status) -> Event {
        Event {
            mta,
            time: None,
            timestamp: None,
            host: None,
            program: None,
            queue_id: None,
            recipient: None,
            original_recipient: None,
            sender: None,
            relay: None,
            helo: None,
            status,
            probe: false,
            dsn: None,
            text: String::new(),
            truncated: false,
            cause: None,
            classification: *NOTHING,
            command: None,
            temporary: false,
            cause_text: None,
        }
    }

    /// The SMTP command the log says the reply answered, if it says.
    pub fn log_command(&self) -> Option<Command> {
        self.command
    }

    /// The text the classifier reads: the reply, with the log's own enhanced code in front
    /// when the text has no code of its own (`dsn=5.1.1 ... (unknown user: "jo")`).
    pub fn reply(&self) -> Cow<'_, str> {
        crate::parse::with_status(&self.text, self.dsn.as_deref())
    }

    /// Classifies (again) with `classifier`: sets [`classification`](Self::classification)
    /// and [`cause`](Self::cause).
    pub fn classify_with(&mut self, classifier: &Classifier) {
        let reply = self.reply();
        let ctx = match self.command {
            Some(c) => crate::Context::new().command(c),
            None => crate::Context::new(),
        };
        let c = classifier.classify_with(reply.as_bytes(), ctx);
        let (c, mut cause) = verdict(c, self.status, self.temporary);
        if cause.is_none() && self.status == Status::Expired {
            if let Some(t) = &self.cause_text {
                cause = cause_of(classifier.classify(t.as_bytes()).reason());
            }
        }
        self.classification = c;
        self.cause = cause;
    }
}

/// The classification of the text under the log's status, and the reason it replaced.
fn verdict(c: Classification, status: Status, temporary: bool) -> (Classification, Option<Reason>) {
    let o = c.outcome();
    let (outcome, reason, rule) = match status {
        Status::Sent if o != Outcome::Success => (Outcome::Success, None, static_text!("log:sent")),
        Status::Deferred if o != Outcome::Transient => {
            (Outcome::Transient, None, static_text!("log:deferred"))
        }
        Status::Bounced if o != Outcome::Permanent => {
            (Outcome::Permanent, None, static_text!("log:bounced"))
        }
        Status::Expired => (
            Outcome::Permanent,
            Some(Reason::Expired),
            static_text!("log:expired"),
        ),
        Status::Rejected if temporary && o != Outcome::Transient => {
            (Outcome::Transient, None, static_text!("log:rejected"))
        }
        Status::Rejected if !temporary && !o.is_failure() => {
            (Outcome::Permanent, None, static_text!("log:rejected"))
        }
        _ => return (c, None),
    };
    // An expiry's own text may say why the message kept failing.
    let cause = reason.and_then(|_| cause_of(c.reason()));
    (c.with_log_verdict(outcome, reason, rule), cause)
}

/// The reason a text gives as the cause of an expiry, when it names one.
fn cause_of(r: Reason) -> Option<Reason> {
    Some(r).filter(|r| !matches!(r, Reason::None | Reason::Undetermined | Reason::Expired))
}

/// What one line is, besides the events it gave.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LineInfo {
    /// A delivery line, another line of a known format, a line in no known format, or an
    /// empty line.
    pub kind: LineKind,
    /// The format the line is in, when known.
    pub mta: Option<Mta>,
    /// What is wrong with a line that looks like a record of a known format but cannot be
    /// read as one (a JSON record cut short, a CSV row before its header): for the user.
    pub problem: Option<String>,
}

impl LineInfo {
    fn of(kind: LineKind, mta: Option<Mta>) -> LineInfo {
        LineInfo {
            kind,
            mta,
            problem: None,
        }
    }
    fn problem(mta: Mta, message: String) -> LineInfo {
        LineInfo {
            kind: LineKind::Other,
            mta: Some(mta),
            problem: Some(message),
        }
    }
}

/// Reads log lines into delivery events, keeping what it must of earlier lines: the
/// sender of each open message (joined by queue id, in a bounded table), the deferred
/// recipients an expiry applies to, and the header of a CSV log.
///
/// One reader per stream of lines; [`new_input`](Self::new_input) between files of the same
/// log (rotated files in order) keeps the joins and forgets the CSV header.
#[derive(Debug, Clone)]
pub struct LogReader {
    classifier: Classifier,
    forced: Option<Mta>,
    classify: bool,
    year: Option<i16>,
    last_month: u8,
    joins: join::Joins,
    csv: csvlog::Headers,
}

impl Default for LogReader {
    fn default() -> Self {
        LogReader::new()
    }
}

/// The most messages whose sender and deferred recipients a reader keeps at once (the
/// oldest is forgotten first); see [`LogReader::max_open_messages`].
pub const MAX_OPEN_MESSAGES: usize = 50_000;

impl LogReader {
    /// A reader that recognizes every format line by line and classifies with the built-in
    /// rules.
    pub fn new() -> LogReader {
        LogReader {
            classifier: Classifier::new(),
            forced: None,
            classify: true,
            year: None,
            last_month: 0,
            joins: join::Joins::new(MAX_OPEN_MESSAGES),
            csv: csvlog::Headers::default(),
        }
    }

    /// Classifies with `classifier` (a user's rules first).
    pub fn classifier(mut self, classifier: Classifier) -> LogReader {
        self.classifier = classifier;
        self
    }

    /// Reads every line as `mta` writes it: lines of other formats are not recognized, and
    /// a line without a syslog prefix is read as the MTA's own text.
    pub fn format(mut self, mta: Mta) -> LogReader {
        self.forced = Some(mta);
        self
    }

    /// The year of traditional syslog times, which have none (the year of the log's first
    /// line; a later January after a December is the next year). Without it those times
    /// are not read ([`Event::timestamp`] is `None`).
    pub fn year(mut self, year: i16) -> LogReader {
        self.year = Some(year);
        self
    }

    /// Leaves [`Event::classification`] unset (the classification of nothing) so that the
    /// caller can classify the events later, on other threads
    /// ([`Event::classify_with`]).
    pub fn deferred_classification(mut self) -> LogReader {
        self.classify = false;
        self
    }

    /// Keeps at most `n` open messages (default [`MAX_OPEN_MESSAGES`]); memory stays
    /// bounded whatever the log.
    pub fn max_open_messages(mut self, n: usize) -> LogReader {
        self.joins = join::Joins::new(n.max(1));
        self
    }

    /// The classifier the reader uses.
    pub fn get_classifier(&self) -> &Classifier {
        &self.classifier
    }

    /// A new file of the same log begins: CSV headers are forgotten, joins are kept.
    pub fn new_input(&mut self) {
        self.csv = csvlog::Headers::default();
    }

    /// Reads one line (without its line ending; any bytes), appending its events to
    /// `events`.
    pub fn read_line(&mut self, line: &[u8], events: &mut Vec<Event>) -> LineInfo {
        let start = events.len();
        let info = self.dispatch(line, events);
        for e in &mut events[start..] {
            if self.classify {
                e.classify_with(&self.classifier);
            }
        }
        info
    }

    /// The events of `lines`, in order (lines that are no delivery give none). The lines
    /// may borrow from the caller (`text.lines()`).
    ///
    /// ```
    /// let text = "Apr 21 10:02:11 mx1 postfix/smtp[2417]: 4BC1A3F0C2: to=<jane@example.net>, relay=mx.example.net[192.0.2.25]:25, dsn=5.1.1, status=bounced (host mx.example.net[192.0.2.25] said: 550 5.1.1 User unknown (in reply to RCPT TO command))\nApr 21 10:02:12 mx1 postfix/qmgr[2401]: 4BC1A3F0C2: removed";
    /// let mut reader = smtpcode::log::LogReader::new().year(2025);
    /// let events: Vec<_> = reader.events(text.lines()).collect();
    /// assert_eq!(events.len(), 1);
    /// assert_eq!(events[0].recipient.as_deref(), Some("jane@example.net"));
    /// ```
    pub fn events<'a, I>(&'a mut self, lines: I) -> impl Iterator<Item = Event> + 'a
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
        I::IntoIter: 'a,
    {
        let mut lines = lines.into_iter();
        let mut pending = std::collections::VecDeque::new();
        let mut buf = Vec::new();
        std::iter::from_fn(move || {
            loop {
                if let Some(e) = pending.pop_front() {
                    return Some(e);
                }
                let line = lines.next()?;
                let line = line.as_ref();
                let line = line.strip_suffix(b"\n").unwrap_or(line);
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                buf.clear();
                self.read_line(line, &mut buf);
                pending.extend(buf.drain(..));
            }
        })
    }

    fn dispatch(&mut self, line: &[u8], out: &mut Vec<Event>) -> LineInfo {
        let line = line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line);
        if line.iter().all(|&b| b.is_ascii_whitespace() || b == 0) {
            return LineInfo::of(LineKind::Empty, None);
        }
        let forced = self.forced;
        let want = |m: Mta| forced.is_none_or(|f| f == m);
        if let Some(frame) = syslog::frame(line) {
            let mta = program_mta(frame.program).or(forced.filter(|f| {
                matches!(f, Mta::Postfix | Mta::Exim | Mta::Sendmail | Mta::OpenSmtpd)
            }));
            if let Some(mta) = mta.filter(|&m| want(m)) {
                let ctx = Ctx::of_frame(&frame, mta);
                let kind = match mta {
                    Mta::Postfix => postfix::read(self, &ctx, frame.msg, out),
                    Mta::Exim => exim::read(self, &ctx, frame.msg, out),
                    Mta::Sendmail => sendmail::read(self, &ctx, frame.msg, out),
                    _ => opensmtpd::read(self, &ctx, frame.msg, out),
                };
                return LineInfo::of(kind, Some(mta));
            }
        }
        let first = line[0];
        if first == b'{' && want(Mta::KumoMta) {
            return kumo::read(self, line, out);
        }
        if (first == b'#' || first.is_ascii_digit()) && want(Mta::Exchange) {
            if let Some(info) = csvlog::exchange(self, line, out) {
                return info;
            }
        }
        if first.is_ascii_digit() && want(Mta::Exim) {
            if let Some(kind) = exim::read_main(self, line, out) {
                return LineInfo::of(kind, Some(Mta::Exim));
            }
        }
        if first.is_ascii_lowercase() && want(Mta::PowerMta) {
            if let Some(info) = csvlog::powermta(self, line, out) {
                return info;
            }
        }
        if let Some(mta) = forced {
            // The MTA's own text without a syslog prefix.
            let ctx = Ctx::bare(mta);
            let kind = match mta {
                Mta::Postfix => Some(postfix::read(self, &ctx, line, out)),
                Mta::Sendmail => Some(sendmail::read(self, &ctx, line, out)),
                Mta::OpenSmtpd => Some(opensmtpd::read(self, &ctx, line, out)),
                Mta::Exim => Some(exim::read(self, &ctx, line, out)),
                _ => None,
            };
            if let Some(kind) = kind.filter(|k| *k != LineKind::Unrecognized) {
                return LineInfo::of(kind, Some(mta));
            }
        }
        LineInfo::of(LineKind::Unrecognized, None)
    }

    /// A traditional syslog time in the reader's year, following the log across a new year.
    fn bsd_time(&mut self, time: &[u8]) -> Option<LogTime> {
        let year = self.year?;
        let month = time::month(time)?;
        if self.last_month == 12 && month == 1 {
            self.year = Some(year + 1);
        }
        self.last_month = month;
        time::bsd(time, self.year?)
    }
}

/// The MTA a syslog program name belongs to.
fn program_mta(program: &[u8]) -> Option<Mta> {
    let first = program.split(|&b| b == b'/').next().unwrap_or(program);
    if first.starts_with(b"postfix") {
        Some(Mta::Postfix)
    } else if first.starts_with(b"exim") {
        Some(Mta::Exim)
    } else if first == b"sendmail" || first.starts_with(b"sm-") {
        Some(Mta::Sendmail)
    } else if program == b"smtpd" || program == b"opensmtpd" {
        Some(Mta::OpenSmtpd)
    } else {
        None
    }
}

/// What the framing of a line says, for its events.
pub(crate) struct Ctx<'a> {
    pub mta: Mta,
    pub time: &'a [u8],
    pub form: syslog::TimeForm,
    pub host: &'a [u8],
    pub program: &'a [u8],
}

impl<'a> Ctx<'a> {
    fn of_frame(f: &syslog::Frame<'a>, mta: Mta) -> Ctx<'a> {
        Ctx {
            mta,
            time: f.time,
            form: f.form,
            host: f.host,
            program: f.program,
        }
    }

    fn bare(mta: Mta) -> Ctx<'static> {
        Ctx {
            mta,
            time: b"",
            form: syslog::TimeForm::None,
            host: b"",
            program: b"",
        }
    }

    /// What a line without a queue or session id is: another line of the MTA under a
    /// syslog prefix, unrecognized without one.
    pub(crate) fn no_id(&self) -> LineKind {
        if self.program.is_empty() && self.time.is_empty() {
            LineKind::Unrecognized
        } else {
            LineKind::Other
        }
    }

    /// A new event with the frame's time, host and program.
    pub(crate) fn event(&self, reader: &mut LogReader, status: Status) -> Event {
        let mut e = Event::new(self.mta, status);
        if !self.time.is_empty() {
            e.time = Some(text(self.time));
            e.timestamp = match self.form {
                syslog::TimeForm::Iso(t) => Some(t),
                syslog::TimeForm::Bsd => reader.bsd_time(self.time),
                syslog::TimeForm::None => None,
            };
        }
        e.host = opt(self.host);
        e.program = opt(self.program);
        e
    }
}

/// Bytes as text (invalid UTF-8 replaced).
pub(crate) fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Bytes as text, `None` when empty.
pub(crate) fn opt(b: &[u8]) -> Option<String> {
    (!b.is_empty()).then(|| text(b))
}

/// An address as logged, without its angle brackets (`<>` is the null sender, `""`).
pub(crate) fn address(b: &[u8]) -> String {
    let b = b.trim_ascii();
    let b = b
        .strip_prefix(b"<")
        .map(|x| x.strip_suffix(b">").unwrap_or(x))
        .unwrap_or(b);
    text(b)
}

/// The queue id in front of a message and the message after it: letters and digits, at
/// least `min` of them, then a `:` within the first `within` bytes.
pub(crate) fn queue_id(msg: &[u8], within: usize, min: usize) -> Option<(&[u8], &[u8])> {
    let colon = msg.iter().take(within).position(|&c| c == b':')?;
    let id = &msg[..colon];
    if id.len() < min || !id.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let rest = &msg[colon + 1..];
    Some((id, rest.strip_prefix(b" ").unwrap_or(rest)))
}

/// A remote host as the logs write it: `name[ip]`, `name` or `[ip]`.
pub(crate) fn host_ip(name: Option<&str>, ip: Option<&str>) -> Option<String> {
    match (name, ip) {
        (Some(n), Some(a)) => Some(format!("{n}[{a}]")),
        (Some(n), None) => Some(n.to_string()),
        (None, Some(a)) => Some(format!("[{a}]")),
        (None, None) => None,
    }
}

/// The position of `needle` in `hay`.
pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// The position of the last `needle` in `hay`.
pub(crate) fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(hay, needle)
}

#[cfg(test)]
mod tests;
