//! # smtpcode
//!
//! Classify SMTP replies and bounce diagnostics as servers really write them, in
//! microseconds and without allocating: what the code means, whether it is success or a
//! temporary or permanent failure, hard/soft/block bounce, the reason, what the sender should
//! do, and a human explanation with the fix.
//!
//! ```
//! use smtpcode::{Bounce, Reason};
//!
//! let c = smtpcode::classify(
//!     "host mx.example.com[192.0.2.1] said: 550-5.1.1 The email account that you tried to \
//!      reach does not exist. Please try 550-5.1.1 double-checking the recipient's email \
//!      address 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser - gsmtp",
//! );
//! assert_eq!(c.reason(), Reason::MailboxUnknown);
//! assert_eq!(c.bounce(), Bounce::Hard);
//! assert_eq!(c.code().unwrap().as_u16(), 550);
//! assert_eq!(c.enhanced().unwrap().to_string(), "5.1.1");
//! println!("{}: {}", c.explanation(), c.fix());
//! ```
//!
//! The pieces:
//!
//! * [`parse`] finds the reply code and enhanced status code in any form a bounce processor
//!   meets ([`Reply`]).
//! * [`classify`] / [`classify_with`] return a [`Classification`]: [`Outcome`], [`Bounce`],
//!   [`Reason`], [`Action`], retry, [`Provider`], and the rule that decided.
//!   [`classify_no_reply`] does the same for a session that got no reply at all ([`NoReply`]).
//! * [`lookup`], [`codes`], [`lookup_enhanced`], [`enhanced_codes`] give the code tables,
//!   compiled in from the data files in `data/` with `phf`.
//!
//! All `&'static str` values that come out of the tables and out of a [`Classification`] are
//! stored with a NUL byte right after them, so a C binding can pass `s.as_ptr()` on as a
//! NUL-terminated string without copying.
//!
//! The optional `serde` feature adds `Serialize` (and `Deserialize` where it makes sense) to
//! the result types and enums.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod macros;
mod text;
mod words;

#[cfg(feature = "bounce")]
pub mod bounce;
#[cfg(feature = "log")]
pub mod log;

mod classify;
mod code;
mod enhanced;
mod error;
mod model;
mod parse;
mod provider;
mod rules;

#[allow(clippy::all, missing_docs)]
mod tables {
    include!(concat!(env!("OUT_DIR"), "/tables.rs"));
}

pub use classify::{
    Basis, Classification, Context, NoReply, classify, classify_no_reply, classify_with,
};
pub use code::{
    Category, CodeInfo, CodeStatus, DigitInfo, DigitPosition, ReplyCode, Severity, codes,
    digit_info, digits, lookup,
};
pub use enhanced::{
    Class, ClassInfo, EnhancedCode, EnhancedInfo, SubjectInfo, enhanced_classes, enhanced_codes,
    enhanced_subjects, lookup_enhanced,
};
pub use error::{InvalidEnhancedCode, InvalidReplyCode, ParseError, UnknownName};
pub use model::{Action, ActionInfo, Bounce, Command, Fault, Outcome, Reason, ReasonInfo};
pub use parse::{Reply, parse};
pub use provider::{Provider, ProviderInfo, providers};
#[doc(hidden)]
pub use rules::probe as __probe;
pub use rules::user::{Classifier, Rules, RulesError};
pub use rules::{ContextRule, Rule, Tier, context_rules, rules};

/// Touches the text matcher's tables now. They are compiled into the binary (nothing is
/// built at run time); this only spares the first classification the page faults of reading
/// them from the executable. Optional; cheap; call it at start-up if the first request matters.
pub fn warm_up() {
    rules::warm_up();
}
