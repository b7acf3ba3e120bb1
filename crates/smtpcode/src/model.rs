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
    }
}

named_enum! {
    /// Why the reply was given: one reason per result. The full text of each reason (its
    /// meaning, default bounce and action, and how it maps onto other taxonomies) is in
    /// `data/reasons.tsv` and available through [`Reason::info`].
    pub enum Reason ("reason") {
        /// The mailbox does not exist.
        MailboxUnknown = "mailbox_unknown",
        /// The mailbox exists but is disabled, inactive, suspended or closed.
        MailboxDisabled = "mailbox_disabled",
        /// The mailbox moved or is no longer on this server.
        MailboxMoved = "mailbox_moved",
        /// The recipient address is not a valid address.
        AddressInvalid = "address_invalid",
        /// The recipient domain does not exist or accepts no mail.
        DomainInvalid = "domain_invalid",
        /// The mailbox is over its quota.
        MailboxFull = "mailbox_full",
        /// The message is larger than the receiver accepts.
        MessageTooLarge = "message_too_large",
        /// The content was judged to be spam.
        ContentSpam = "content_spam",
        /// The content is not allowed: virus, malware, forbidden attachment.
        ContentProhibited = "content_prohibited",
        /// An SMTP protocol or message-format violation.
        ProtocolError = "protocol_error",
        /// Authentication failed: SPF, DKIM, DMARC, ARC or SMTP AUTH.
        AuthFailure = "auth_failure",
        /// The sending host's reverse DNS (PTR) or HELO name is missing or wrong.
        ReverseDns = "reverse_dns",
        /// The receiver requires TLS, or TLS failed.
        TlsRequired = "tls_required",
        /// The envelope sender or From domain is invalid, or the sending account is blocked.
        SenderInvalid = "sender_invalid",
        /// The sending IP or domain is on a block list.
        Blocklisted = "blocklisted",
        /// Refused or deferred because of the sender's reputation or complaints.
        Reputation = "reputation",
        /// Refused by the receiver's local policy.
        Policy = "policy",
        /// Too many messages, connections or recipients for now.
        RateLimited = "rate_limited",
        /// The receiver does not relay for this recipient (routing or MX problem).
        RelayDenied = "relay_denied",
        /// Deliberately deferred on first attempt (greylisting).
        Greylisted = "greylisted",
        /// Connection failure, timeout, temporary DNS failure or mail loop.
        NetworkError = "network_error",
        /// The receiving system had a problem of its own.
        ServerError = "server_error",
        /// The sending MTA gave up after retrying for too long.
        Expired = "expired",
        /// Not attempted: the address is on a suppression list.
        Suppressed = "suppressed",
        /// A failure whose reason cannot be told.
        Undetermined = "undetermined",
        /// Not a failure.
        None = "none",
    }
}

named_enum! {
    /// The recommended next step for the sender.
    pub enum Action ("action") {
        /// Nothing to do.
        None = "none",
        /// Retry later, with backoff.
        Retry = "retry",
        /// Stop mailing this address.
        Suppress = "suppress",
        /// Send slower: fewer connections, messages or recipients per unit of time.
        SlowDown = "slow_down",
        /// Make the message smaller.
        ReduceSize = "reduce_size",
        /// Change the content (text, links, attachments).
        FixContent = "fix_content",
        /// Fix SPF, DKIM, DMARC or SMTP AUTH credentials.
        FixAuthentication = "fix_authentication",
        /// Fix the sending host's DNS: PTR record, forward-confirmed rDNS, HELO name.
        FixDns = "fix_dns",
        /// Fix TLS: enable STARTTLS, or meet the receiver's TLS policy.
        FixTls = "fix_tls",
        /// Fix the envelope sender, the From domain or the sending account.
        FixSender = "fix_sender",
        /// Fix the sending software or the message format.
        FixProtocol = "fix_protocol",
        /// Ask the receiver's postmaster (delisting, allow-listing, policy).
        ContactPostmaster = "contact_postmaster",
        /// Check routing: MX records, relay permissions, connectors, loops.
        CheckRouting = "check_routing",
    }
}

named_enum! {
    /// The SMTP command a reply answered, when the caller (or the bounce text) says so.
    pub enum Command ("command") {
        /// The greeting at connection time.
        Connect = "connect",
        /// EHLO or HELO.
        Ehlo = "ehlo",
        /// STARTTLS.
        Starttls = "starttls",
        /// AUTH.
        Auth = "auth",
        /// MAIL FROM.
        Mail = "mail",
        /// RCPT TO.
        Rcpt = "rcpt",
        /// DATA (the reply before the message is sent).
        Data = "data",
        /// The reply after the message data (end of DATA or the last BDAT chunk).
        EndOfData = "end_of_data",
    }
}

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
