//! Classification: one result that every face of the library (Rust, C, Python, CLI, JSON)
//! reports the same way.

use core::fmt;

use crate::code::{CodeInfo, ReplyCode};
use crate::enhanced::{EnhancedCode, EnhancedInfo};
use crate::macros::named_enum;
use crate::model::{Action, Bounce, Command, Outcome, Reason};
use crate::parse;
use crate::provider::Provider;
use crate::rules::engine::Tables;
use crate::rules::{self, Facts, Rule, Scan, Tier};
use crate::text::static_text;

named_enum! {
    /// What decided the reason of a [`Classification`], in precedence order.
    pub enum Basis ("basis") {
        /// A provider-specific rule over the text (`data/rules.tsv`, tier `provider`).
        ProviderRule = "provider_rule",
        /// A specific phrase (`data/rules.tsv`, tier `phrase`).
        PhraseRule = "phrase_rule",
        /// The enhanced status code (`data/enhanced_codes.tsv`).
        EnhancedCode = "enhanced_code",
        /// The subject of an enhanced code whose detail is not registered (RFC 3463 §2).
        EnhancedSubject = "enhanced_subject",
        /// The basic reply code (`data/basic_codes.tsv`).
        BasicCode = "basic_code",
        /// A generic word (`data/rules.tsv`, tier `generic`).
        GenericRule = "generic_rule",
        /// The SMTP command changed the reason (`data/context.tsv`).
        Context = "context",
        /// Only the class digit was known.
        Class = "class",
        /// Nothing: no code and no known phrase.
        Nothing = "nothing",
        /// The status a mail log wrote for the delivery (`status=expired`, `status=sent`)
        /// decided over the text ([`log`](crate::log)).
        LogStatus = "log_status",
        /// The action of a delivery status notification decided over its diagnostic: a
        /// recipient `failed` with a temporary (or no) diagnostic is a final failure.
        DsnAction = "dsn_action",
    }
}

named_enum! {
    /// What a client saw when a session ended with no reply from the server at all, for
    /// [`classify_no_reply`]: such a failure is always transient, since no server refused the
    /// message.
    pub enum NoReply ("no_reply") {
        /// The server's name did not resolve (DNS).
        NameNotResolved = "name_not_resolved",
        /// Nothing accepted the connection at the server's address.
        ConnectionRefused = "connection_refused",
        /// No answer in time, while connecting or waiting for a reply.
        TimedOut = "timed_out",
        /// The connection was closed or reset before a reply came.
        ConnectionLost = "connection_lost",
        /// The TLS handshake or the check of the server's certificate failed.
        TlsFailed = "tls_failed",
    }
}

impl NoReply {
    /// What happened, in words the built-in rules know (`data/rules.tsv`): their
    /// classification is the one of the failure when its own text says something else.
    const fn words(self) -> &'static str {
        match self {
            NoReply::NameNotResolved => "DNS lookup failed",
            NoReply::ConnectionRefused => "connection refused",
            NoReply::TimedOut => "connection timed out",
            NoReply::ConnectionLost => "lost connection",
            NoReply::TlsFailed => "TLS handshake failed",
        }
    }

    /// The command under way, when the failure tells it: a name lookup and a refused
    /// connection happen before the server's greeting.
    const fn command(self) -> Option<Command> {
        match self {
            NoReply::NameNotResolved | NoReply::ConnectionRefused => Some(Command::Connect),
            _ => None,
        }
    }
}

/// Optional facts the caller knows about the reply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Context {
    /// The SMTP command the reply answered. When `None`, a command named in the text
    /// ("in reply to RCPT TO command", "after end of data") is used instead.
    pub command: Option<Command>,
    /// The command to assume when neither `command` nor the text names one (what a bounce's
    /// other parts say about a recipient whose diagnostic names no command).
    pub(crate) fallback: Option<Command>,
}

impl Context {
    /// No context.
    pub const fn new() -> Self {
        Context {
            command: None,
            fallback: None,
        }
    }
    /// The reply answered `command`.
    pub const fn command(mut self, command: Command) -> Self {
        self.command = Some(command);
        self
    }
}

impl From<Command> for Context {
    fn from(c: Command) -> Self {
        Context::new().command(c)
    }
}

/// A record type whose fields are private and read by `const` getters: one list gives the
/// fields, their getters and their documentation (which the JSON Schema also carries).
macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[doc = $doc:literal])* $field:ident: $ty:ty => $getter:ident, )+
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[doc = $doc])* $field: $ty, )+
        }

        impl $name {
            $(
                $(#[doc = $doc])*
                pub const fn $getter(&self) -> $ty {
                    self.$field
                }
            )+
        }
    };
}

record! {
    /// The classification of one reply or diagnostic.
    ///
    /// Every string it holds is static (no allocation, nothing borrowed from the input), so
    /// the value is `Copy` and cheap to keep.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize))]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub struct Classification {
        /// The basic reply code, if the input has one.
        code: Option<ReplyCode> => code,
        /// The enhanced status code, if the input has one.
        enhanced: Option<EnhancedCode> => enhanced,
        /// Success, intermediate, transient, permanent or unknown.
        outcome: Outcome => outcome,
        /// True when the input had no code and the outcome was inferred from the reason.
        outcome_inferred: bool => outcome_inferred,
        /// None, soft, hard, block or unknown.
        bounce: Bounce => bounce,
        /// Why.
        reason: Reason => reason,
        /// The recommended next step.
        action: Action => action,
        /// Can the same message succeed if sent again later? `None` (null) when the input
        /// tells nothing (outcome unknown: no code and no known phrase).
        retry: Option<bool> => retry,
        /// The provider that wrote the reply, when recognized.
        provider: Option<Provider> => provider,
        /// The provider's own code (`TSS04`, `IB607`, `S3150`...), when the reply carries one.
        provider_code: Option<&'static str> => provider_code,
        /// The SMTP command the reply answered: as given by the caller (a `Context`), or as
        /// the text says.
        command: Option<Command> => command,
        /// What decided the reason.
        basis: Basis => basis,
        /// The id of the rule or table row that decided: a rule id such as
        /// `yahoo.tss04`, or `enhanced:X.1.1`, `basic:550`, `subject:X.7`, `class:5`.
        rule: &'static str => rule,
        /// A human explanation of this result.
        explanation: &'static str => explanation,
        /// How to fix it.
        fix: &'static str => fix,
        /// The reply code's second digit is outside RFC 5321's grammar (570, 571).
        nonstandard_code: bool => is_nonstandard_code,
        /// The enhanced code's class disagrees with the reply code (`550 4.4.7`); the reply
        /// code decided the outcome.
        class_mismatch: bool => class_mismatch,
    }
}

impl Classification {
    /// The table row of the basic code.
    pub fn code_info(&self) -> Option<&'static CodeInfo> {
        self.code.and_then(ReplyCode::info)
    }
    /// The registry row of the enhanced code.
    pub fn enhanced_info(&self) -> Option<&'static EnhancedInfo> {
        self.enhanced.and_then(EnhancedCode::info)
    }
    /// True when the reply is a failure (transient or permanent).
    pub const fn is_failure(&self) -> bool {
        self.outcome.is_failure()
    }

    /// Sets the outcome that something other than the reply's code decided (inferred when
    /// the input has no code), with the bounce, action and retry the reason gives it.
    fn set_outcome(&mut self, outcome: Outcome) {
        if self.code.is_none() && self.enhanced.is_none() {
            self.outcome_inferred = true;
        }
        self.outcome = outcome;
        (self.bounce, self.action, self.retry) = self.reason.info().for_outcome(outcome);
    }
}

#[cfg(any(feature = "log", feature = "bounce"))]
impl Classification {
    /// The same reply as a mail log reports it: the log's verdict on the delivery decides
    /// the outcome (and, for `Some(reason)`, the reason) over what the text alone says; the
    /// bounce, action, retry and texts follow. `rule` names the log status that decided.
    #[cfg(feature = "log")]
    pub(crate) fn with_log_verdict(
        mut self,
        outcome: Outcome,
        reason: Option<Reason>,
        rule: &'static str,
    ) -> Classification {
        let reason = match (outcome, reason) {
            (Outcome::Success | Outcome::Intermediate, _) => Reason::None,
            (_, Some(r)) => r,
            (_, None) if self.reason == Reason::None => Reason::Undetermined,
            (_, None) => self.reason,
        };
        if outcome == self.outcome && reason == self.reason {
            return self;
        }
        let reason_changed = reason != self.reason;
        self.reason = reason;
        self.basis = Basis::LogStatus;
        self.rule = rule;
        self.set_outcome(outcome);
        if reason_changed || reason == Reason::None {
            let info = reason.info();
            (self.explanation, self.fix) = (info.explanation(), info.fix());
        }
        self
    }

    /// A failure the sending MTA gave up on (a DSN's `Action: failed`, RFC 3464 §2.3.3)
    /// whose text is temporary or tells nothing: the outcome is final, permanent. The reason
    /// stays what the last attempt said, the cause a reader wants (`expired` when a
    /// temporary text names none); and since no attempt showed a permanent cause, the
    /// bounce, action and retry are the reason's transient ones (the same message may
    /// succeed later: a temporary DNS failure must not suppress the address).
    #[cfg(feature = "bounce")]
    pub(crate) fn given_up(mut self, rule: &'static str) -> Classification {
        if self.outcome == Outcome::Transient
            && matches!(self.reason, Reason::None | Reason::Undetermined)
        {
            self.reason = Reason::Expired;
            let info = self.reason.info();
            (self.explanation, self.fix) = (info.explanation(), info.fix());
        }
        if self.code.is_none() && self.enhanced.is_none() {
            self.outcome_inferred = true;
        }
        self.outcome = Outcome::Permanent;
        (self.bounce, self.action, self.retry) = self.reason.info().for_outcome(Outcome::Transient);
        self.basis = Basis::DsnAction;
        self.rule = rule;
        self
    }
}

/// [`classify_no_reply`] with the built-in rules and, when given, a user's rule set first.
pub(crate) fn classify_no_reply_in(
    failure: NoReply,
    detail: &[u8],
    context: Context,
    user: Option<&Tables<'_>>,
) -> Classification {
    let context = match failure.command() {
        Some(c) => context.command(c),
        None => context,
    };
    let general = classify_in(failure.words().as_bytes(), context, user);
    let own = classify_in(detail, context, user);
    // The failure's own text decides when it says the same thing in more detail; a code in
    // it is no reply of this session, and other words ("550 user unknown" in a refused
    // connection's message) do not outweigh what the client saw.
    let mut c = if own.reason == general.reason && own.code.is_none() && own.enhanced.is_none() {
        own
    } else {
        general
    };
    // `c` has no code (neither branch keeps one), so the outcome is marked inferred.
    c.set_outcome(Outcome::Transient);
    c
}

/// One line: `550 5.1.1 permanent hard mailbox_unknown -> suppress`.
impl fmt::Display for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(c) = self.code {
            write!(f, "{} ", c.as_u16())?;
        }
        if let Some(e) = self.enhanced {
            write!(f, "{e} ")?;
        }
        write!(
            f,
            "{} {} {} -> {}",
            self.outcome, self.bounce, self.reason, self.action
        )?;
        if let Some(p) = self.provider {
            write!(f, " ({p}")?;
            if let Some(pc) = self.provider_code {
                write!(f, " {pc}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// Classifies one SMTP reply or bounce diagnostic, in any of the forms [`parse`](crate::parse)
/// accepts, and also text with no code at all. Never fails and never panics; allocates
/// nothing; linear in the input.
///
/// ```
/// use smtpcode::{Action, Bounce, Outcome, Reason};
/// let c = smtpcode::classify("550 5.1.1 <a@b.c>: Recipient address rejected: User unknown");
/// assert_eq!(c.outcome(), Outcome::Permanent);
/// assert_eq!(c.bounce(), Bounce::Hard);
/// assert_eq!(c.reason(), Reason::MailboxUnknown);
/// assert_eq!(c.action(), Action::Suppress);
/// assert_eq!(c.retry(), Some(false));
///
/// let c = smtpcode::classify("421 4.7.0 Try again later, closing connection.");
/// assert_eq!(c.outcome(), Outcome::Transient);
/// assert_eq!(c.bounce(), Bounce::Soft);
/// assert_eq!(c.retry(), Some(true));
///
/// // A line that is no reply: nothing to retry or to suppress.
/// let c = smtpcode::classify("connect from mail.example.net[192.0.2.7]");
/// assert_eq!((c.outcome(), c.bounce(), c.retry()), (Outcome::Unknown, Bounce::Unknown, None));
/// ```
pub fn classify<B: AsRef<[u8]> + ?Sized>(input: &B) -> Classification {
    classify_with(input, Context::new())
}

/// Like [`classify`], with what the caller knows about the reply.
///
/// ```
/// use smtpcode::{Command, Context, Reason};
/// // A "user unknown" after the message data was sent is a content filter.
/// let c = smtpcode::classify_with("550 5.1.1 User unknown", Context::new().command(Command::EndOfData));
/// assert_eq!(c.reason(), Reason::Policy);
/// ```
pub fn classify_with<B: AsRef<[u8]> + ?Sized>(input: &B, context: Context) -> Classification {
    classify_in(input.as_ref(), context, None)
}

/// Classifies a session that ended with no reply from the server (`failure`), with the
/// text the client had about it (`detail`: an error message, possibly empty). The reason is
/// the one of the failure (`network_error`, or `tls_required` for a TLS failure), from the
/// detail's rule when it says the same thing, else from the failure's own words; the
/// outcome is always transient (`outcome_inferred`), since no server refused the message.
/// Allocates nothing.
///
/// ```
/// use smtpcode::{Bounce, Command, Context, NoReply, Outcome, Reason};
/// let c = smtpcode::classify_no_reply(NoReply::ConnectionRefused, "[Errno 111] Connection refused", Context::new());
/// assert_eq!((c.outcome(), c.bounce(), c.reason()), (Outcome::Transient, Bounce::Soft, Reason::NetworkError));
/// assert_eq!(c.command(), Some(Command::Connect));
///
/// let c = smtpcode::classify_no_reply(NoReply::TlsFailed, "", Context::new().command(Command::Starttls));
/// assert_eq!((c.outcome(), c.reason(), c.retry()), (Outcome::Transient, Reason::TlsRequired, Some(true)));
/// ```
pub fn classify_no_reply<B: AsRef<[u8]> + ?Sized>(
    failure: NoReply,
    detail: &B,
    context: Context,
) -> Classification {
    classify_no_reply_in(failure, detail.as_ref(), context, None)
}

/// The rule sets a classification reads: a user's (first) and the built-in one.
struct Scans<'s, 't> {
    user: Option<&'s Scan<'t>>,
    builtin: &'s Scan<'t>,
}

impl<'t> Scans<'_, 't> {
    /// The first rule of `want` tiers that holds: a user's rule before a built-in one.
    fn best(
        &self,
        facts: &Facts,
        in_reply: bool,
        want: impl Fn(Tier) -> bool + Copy,
    ) -> Option<&'t Rule> {
        self.user
            .and_then(|u| u.best(facts, in_reply, want))
            .or_else(|| self.builtin.best(facts, in_reply, want))
    }
}

/// Classifies `input` with the built-in rules and, when given, a user's rule set first.
pub(crate) fn classify_in(
    input: &[u8],
    context: Context,
    user: Option<&Tables<'_>>,
) -> Classification {
    let found = parse::scan(input);
    let (code, enhanced) = (found.code, found.enhanced);
    let reply_from = if code.is_some() { found.at } else { 0 };
    let marker = code.filter(|_| found.multiline);
    let mut builtin = Scan::new(&rules::BUILTIN, input);
    let mut user_scan = user.map(|u| Scan::new(u, input));
    rules::scan(&mut builtin, user_scan.as_mut(), input, reply_from, marker);
    let scans = Scans {
        user: user_scan.as_ref(),
        builtin: &builtin,
    };

    let mut facts = Facts {
        code,
        enhanced,
        command: context.command,
        provider: None,
    };
    facts.provider = scans
        .best(&facts, false, |t| t == Tier::ProviderHint)
        .and_then(|r| r.provider);
    if facts.command.is_none() {
        facts.command = scans
            .best(&facts, false, |t| t == Tier::CommandHint)
            .and_then(|r| r.command)
            .or(context.fallback);
    }

    let class_digit = code
        .map(ReplyCode::class_digit)
        .or(enhanced.map(|e| e.class().digit()));
    let decision = decide(&scans, &facts, class_digit);

    let (mut outcome, outcome_inferred) = match class_digit {
        Some(d) => (
            Outcome::from_class_digit(d).unwrap_or(Outcome::Unknown),
            false,
        ),
        None if decision.reason == Reason::Undetermined => (Outcome::Unknown, false),
        None => (decision.reason.info().inferred_outcome(), true),
    };
    if let Some(o) = decision.rule.and_then(|r| r.outcome) {
        outcome = o;
    }

    let mut c = Classification {
        code,
        enhanced,
        outcome,
        outcome_inferred,
        bounce: Bounce::None,
        reason: decision.reason,
        action: Action::None,
        retry: None,
        provider: decision.rule.and_then(|r| r.provider).or(facts.provider),
        provider_code: decision.rule.and_then(|r| r.provider_code),
        command: facts.command,
        basis: decision.basis,
        rule: decision.id,
        explanation: "",
        fix: "",
        nonstandard_code: code.is_some_and(|c| !c.in_grammar()),
        class_mismatch: matches!((code, enhanced), (Some(c), Some(e)) if c.class_digit() != e.class().digit()),
    };

    let mut context_text = None;
    if outcome.is_failure() {
        if let Some(rule) = facts
            .command
            .and_then(|cmd| rules::context_rule(cmd, c.reason))
        {
            c.reason = rule.to;
            c.basis = Basis::Context;
            c.rule = rule.id;
            context_text = Some(rule.explanation);
        }
    } else if matches!(outcome, Outcome::Success | Outcome::Intermediate) {
        c.reason = Reason::None;
    }

    let info = c.reason.info();
    (c.bounce, c.action, c.retry) = info.for_outcome(outcome);

    let code_text = c.code_info().map(|i| (i.explanation(), i.fix()));
    // A rule's own text, when the rule decided the final reason (a success code turns a
    // failure phrase's reason into `none`: then the rule's text does not apply).
    let rule_text = decision
        .rule
        .filter(|r| !r.explanation.is_empty() && r.reason == Some(c.reason));
    (c.explanation, c.fix) = if let Some(text) = context_text {
        (text, info.fix())
    } else if let Some(rule) = rule_text {
        (
            rule.explanation,
            if rule.fix.is_empty() {
                info.fix()
            } else {
                rule.fix
            },
        )
    } else if c.reason == Reason::None {
        code_text.unwrap_or((info.explanation(), info.fix()))
    } else if c.reason == Reason::Undetermined || c.basis == Basis::BasicCode {
        match (code_text, c.enhanced_info()) {
            (Some(t), _) => t,
            (None, Some(e)) => (e.meaning(), info.fix()),
            (None, None) => (info.explanation(), info.fix()),
        }
    } else {
        (info.explanation(), info.fix())
    };
    c
}

struct Decision<'r> {
    reason: Reason,
    basis: Basis,
    id: &'static str,
    rule: Option<&'r Rule>,
}

/// The precedence: a provider rule or phrase in the reply itself, the enhanced code (its
/// subject when the detail is not registered), the basic code, a provider rule or phrase in
/// the words in front of the reply (a reporting MTA's framing such as "Address not found"), a
/// generic word, the class.
fn decide<'t>(scan: &Scans<'_, 't>, facts: &Facts, class_digit: Option<u8>) -> Decision<'t> {
    let from_rule = |r: &'t Rule| Decision {
        reason: r.reason.unwrap_or(Reason::Undetermined),
        basis: if r.tier == Tier::Provider {
            Basis::ProviderRule
        } else if r.tier == Tier::Phrase {
            Basis::PhraseRule
        } else {
            Basis::GenericRule
        },
        id: r.id,
        rule: Some(r),
    };
    let specific = |t: Tier| matches!(t, Tier::Provider | Tier::Phrase);
    if let Some(r) = scan.best(facts, true, specific) {
        return from_rule(r);
    }
    // A table row whose reason is `none` (a success code such as X.1.5 "destination address
    // valid") says nothing about why a failure failed: `550 5.1.5` is not a success.
    let failure = class_digit.is_some_and(|d| d >= 4);
    let usable = |r: &Reason| !(failure && *r == Reason::None);
    let enhanced_info = facts.enhanced.and_then(EnhancedCode::info);
    if let Some((info, reason)) = enhanced_info.and_then(|i| Some((i, i.reason.filter(usable)?))) {
        return Decision {
            reason,
            basis: Basis::EnhancedCode,
            id: info.rule_id,
            rule: None,
        };
    }
    // RFC 3463 §2: an unregistered detail still reports its subject.
    if enhanced_info.is_none() {
        if let Some((s, reason)) = facts
            .enhanced
            .and_then(|e| e.subject_info())
            .and_then(|s| Some((s, s.reason.filter(usable)?)))
        {
            return Decision {
                reason,
                basis: Basis::EnhancedSubject,
                id: s.rule_id,
                rule: None,
            };
        }
    }
    if let Some((info, reason)) = facts
        .code
        .and_then(ReplyCode::info)
        .and_then(|i| Some((i, i.reason.filter(usable)?)))
    {
        return Decision {
            reason,
            basis: Basis::BasicCode,
            id: info.rule_id,
            rule: None,
        };
    }
    if let Some(r) = scan.best(facts, false, specific) {
        return from_rule(r);
    }
    if let Some(r) = scan.best(facts, false, |t| t == Tier::Generic) {
        return from_rule(r);
    }
    let id = match class_digit {
        Some(2) => static_text!("class:2"),
        Some(3) => static_text!("class:3"),
        Some(4) => static_text!("class:4"),
        Some(5) => static_text!("class:5"),
        _ => static_text!("none"),
    };
    Decision {
        reason: Reason::Undetermined,
        basis: if class_digit.is_some() {
            Basis::Class
        } else {
            Basis::Nothing
        },
        id,
        rule: None,
    }
}
