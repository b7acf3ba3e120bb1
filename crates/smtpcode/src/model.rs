//! The vocabulary of a classification: outcome, bounce, reason, action and SMTP command.
//!
//! Every enum here has a stable snake_case name (`as_str`, `Display`, `FromStr`, serde) that
//! the C library, the Python package and the JSON output all use.

use crate::macros::named_enum;

named_enum! {
    /// What the reply says about the command, from the first digit of the reply code
    /// (RFC 5321 §4.2.1), or from the enhanced status class (RFC 3463 §2).
    pub enum Outcome ("outcome") {
        /// 2yz: the command was accepted and the action completed.
        Success = "success",
        /// 3yz: accepted so far; the server waits for more (DATA's 354, AUTH's 334).
        Intermediate = "intermediate",
        /// 4yz: not accepted this time, but the condition is temporary; try again later.
        Transient = "transient",
        /// 5yz: not accepted; repeating the same request unchanged will fail again.
        Permanent = "permanent",
        /// No code and nothing in the text that tells.
        Unknown = "unknown",
    }
}

named_enum! {
    /// What a bounce processor should make of the result.
    pub enum Bounce ("bounce") {
        /// Not a failure.
        None = "none",
        /// Temporary: retrying can succeed. Do not suppress the address.
        Soft = "soft",
        /// Permanent and the recipient address is at fault: suppress it.
        Hard = "hard",
        /// Refused because of the sender or the message (reputation, authentication,
        /// content, policy, size, protocol). Do not suppress the address; fix the cause.
        Block = "block",
        /// The input tells nothing: no code, no class and no known phrase (an empty line,
        /// a log line that is no reply). Neither retry nor suppress because of it.
        Unknown = "unknown",
    }
}

// `Reason`, `Action` and `Command`, generated from their data files by the build script.
include!(concat!(env!("OUT_DIR"), "/enums.rs"));

named_enum! {
    /// Who is at fault, in broad terms (from `data/reasons.tsv`).
    pub enum Fault ("fault") {
        /// Nobody: not a failure.
        None = "none",
        /// The recipient address, mailbox or domain.
        Recipient = "recipient",
        /// The message itself (size, content).
        Message = "message",
        /// The sending side (authentication, DNS, reputation, protocol).
        Sender = "sender",
        /// The receiver's own rules.
        Receiver = "receiver",
        /// The network or the receiving system.
        Infrastructure = "infrastructure",
        /// The sending MTA or ESP itself (expiry, suppression).
        Local = "local",
        /// Cannot tell.
        Unknown = "unknown",
    }
}

impl Outcome {
    /// The outcome for a reply class digit (2 to 5); `None` for other digits.
    pub const fn from_class_digit(d: u8) -> Option<Self> {
        match d {
            2 => Some(Outcome::Success),
            3 => Some(Outcome::Intermediate),
            4 => Some(Outcome::Transient),
            5 => Some(Outcome::Permanent),
            _ => None,
        }
    }

    /// True for [`Outcome::Transient`] and [`Outcome::Permanent`].
    pub const fn is_failure(self) -> bool {
        matches!(self, Outcome::Transient | Outcome::Permanent)
    }
}

/// The table row of a [`Reason`]: its meaning, the fault, and the default bounce, action and
/// retry for permanent and transient replies (`data/reasons.tsv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonInfo {
    pub(crate) reason: Reason,
    pub(crate) summary: &'static str,
    pub(crate) fault: Fault,
    pub(crate) permanent: (Bounce, Action, bool),
    pub(crate) transient: (Bounce, Action, bool),
    pub(crate) inferred_outcome: Outcome,
    pub(crate) explanation: &'static str,
    pub(crate) fix: &'static str,
    pub(crate) taxonomies: &'static str,
    pub(crate) source: &'static str,
}

impl ReasonInfo {
    /// The reason this row describes.
    pub const fn reason(&self) -> Reason {
        self.reason
    }
    /// One line on what the reason means.
    pub const fn summary(&self) -> &'static str {
        self.summary
    }
    /// Who is at fault.
    pub const fn fault(&self) -> Fault {
        self.fault
    }
    /// Default bounce, action and retry when the reply is a permanent failure.
    pub const fn permanent(&self) -> (Bounce, Action, bool) {
        self.permanent
    }
    /// Default bounce, action and retry when the reply is a transient failure.
    pub const fn transient(&self) -> (Bounce, Action, bool) {
        self.transient
    }
    /// The bounce, action and retry of a reply with this reason and `outcome`: none for a
    /// success or an intermediate reply, the permanent or transient defaults for a failure,
    /// and unknown (retry `None`) when the outcome is unknown.
    pub const fn for_outcome(&self, outcome: Outcome) -> (Bounce, Action, Option<bool>) {
        let (bounce, action, retry) = match outcome {
            Outcome::Success | Outcome::Intermediate => (Bounce::None, Action::None, false),
            Outcome::Permanent => self.permanent,
            Outcome::Transient => self.transient,
            Outcome::Unknown => return (Bounce::Unknown, Action::None, None),
        };
        (bounce, action, Some(retry))
    }
    /// The outcome assumed when the input carries no code at all.
    pub const fn inferred_outcome(&self) -> Outcome {
        self.inferred_outcome
    }
    /// What a result with this reason means, for a person.
    pub const fn explanation(&self) -> &'static str {
        self.explanation
    }
    /// What to do about it.
    pub const fn fix(&self) -> &'static str {
        self.fix
    }
    /// How the reason maps onto other bounce taxonomies (SparkPost, PowerMTA, SES, Sisimai...).
    pub const fn taxonomies(&self) -> &'static str {
        self.taxonomies
    }
    /// Where the definition comes from.
    pub const fn source(&self) -> &'static str {
        self.source
    }
}

/// Flat, so that each field is a column of `smtpcode reasons --format tsv`: `reason`,
/// `fault`, `summary`, `permanent_bounce`, `permanent_action`, `permanent_retry`, the same
/// three `transient_`, `inferred_outcome`, `explanation`, `fix`, `taxonomies`, `source`.
#[cfg(feature = "serde")]
impl serde::Serialize for ReasonInfo {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (pb, pa, pr) = self.permanent;
        let (tb, ta, tr) = self.transient;
        let mut r = s.serialize_struct("ReasonInfo", 14)?;
        r.serialize_field("reason", &self.reason)?;
        r.serialize_field("fault", &self.fault)?;
        r.serialize_field("summary", self.summary)?;
        r.serialize_field("permanent_bounce", &pb)?;
        r.serialize_field("permanent_action", &pa)?;
        r.serialize_field("permanent_retry", &pr)?;
        r.serialize_field("transient_bounce", &tb)?;
        r.serialize_field("transient_action", &ta)?;
        r.serialize_field("transient_retry", &tr)?;
        r.serialize_field("inferred_outcome", &self.inferred_outcome)?;
        r.serialize_field("explanation", self.explanation)?;
        r.serialize_field("fix", self.fix)?;
        r.serialize_field("taxonomies", self.taxonomies)?;
        r.serialize_field("source", self.source)?;
        r.end()
    }
}

impl Reason {
    /// The table row for this reason.
    pub fn info(self) -> &'static ReasonInfo {
        crate::tables::reason_info(self)
    }

    /// True for the reasons that put the recipient address at fault (the ones that justify
    /// suppressing it when permanent).
    pub fn is_recipient_fault(self) -> bool {
        self.info().fault == Fault::Recipient
    }
}

/// The table row of an [`Action`] (`data/actions.tsv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionInfo {
    pub(crate) action: Action,
    pub(crate) summary: &'static str,
    pub(crate) source: &'static str,
}

impl ActionInfo {
    /// The action this row describes.
    pub const fn action(&self) -> Action {
        self.action
    }
    /// What the sender should do.
    pub const fn summary(&self) -> &'static str {
        self.summary
    }
    /// Where the definition comes from.
    pub const fn source(&self) -> &'static str {
        self.source
    }
}

impl Action {
    /// The table row for this action.
    pub fn info(self) -> &'static ActionInfo {
        crate::tables::action_info(self)
    }
}

/// The SMTP command a name in a log or a transcript stands for (`RCPT`, `RCPT TO:<a@b>`,
/// `END-OF-MESSAGE`, `end of data`, `HELO name`, `initial connection`): the names and
/// aliases of `data/commands.tsv`, read up to a `:`, `<` or `(`, whole or by their first word.
#[cfg(any(feature = "bounce", feature = "log"))]
pub(crate) fn command_named(name: &[u8]) -> Option<Command> {
    let name = name.trim_ascii();
    if name == b"." {
        return Some(Command::EndOfData);
    }
    let head = name
        .split(|&c| matches!(c, b':' | b'<' | b'('))
        .next()
        .unwrap_or(name);
    let head = std::str::from_utf8(head).ok()?.trim();
    head.parse()
        .ok()
        .or_else(|| head.split_whitespace().next()?.parse().ok())
}
