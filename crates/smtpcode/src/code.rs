//! Basic reply codes (RFC 5321 §4.2): the three-digit number that starts every reply.

use core::fmt;
use core::num::NonZeroU16;
use core::str::FromStr;

use crate::error::{InvalidReplyCode, truncate_for_message};
use crate::macros::named_enum;
use crate::model::Reason;

/// A three-digit SMTP reply code from 200 to 599, in the style of `http::StatusCode`.
///
/// RFC 5321 §4.2 allows first digits 2 to 5 only. Codes whose second digit breaks the
/// grammar (570, 571, seen in real bounces) are accepted and flagged by
/// [`ReplyCode::in_grammar`]; clients read their first digit (RFC 5321 §4.2).
///
/// ```
/// use smtpcode::{ReplyCode, Severity};
/// let code: ReplyCode = "550".parse().unwrap();
/// assert_eq!(code.as_u16(), 550);
/// assert_eq!(code.severity(), Severity::PermanentNegativeCompletion);
/// assert_eq!(code.info().unwrap().name(), "Mailbox unavailable");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReplyCode(NonZeroU16);

impl ReplyCode {
    /// The code `n`, or `None` when `n` is not in 200..=599.
    pub const fn new(n: u16) -> Option<Self> {
        if n >= 200 && n <= 599 {
            match NonZeroU16::new(n) {
                Some(v) => Some(ReplyCode(v)),
                None => None,
            }
        } else {
            None
        }
    }

    /// The code `n`, or an error saying why it is not a reply code.
    pub fn from_u16(n: u16) -> Result<Self, InvalidReplyCode> {
        if !(100..=999).contains(&n) {
            return Err(InvalidReplyCode::NotThreeDigits(n.to_string()));
        }
        Self::new(n).ok_or(InvalidReplyCode::OutOfRange(n))
    }

    /// Parses three ASCII digits.
    pub fn from_bytes(b: &[u8]) -> Result<Self, InvalidReplyCode> {
        match b {
            [a, b2, c] if a.is_ascii_digit() && b2.is_ascii_digit() && c.is_ascii_digit() => {
                let n = u16::from(a - b'0') * 100 + u16::from(b2 - b'0') * 10 + u16::from(c - b'0');
                Self::from_u16(n)
            }
            _ => Err(InvalidReplyCode::NotThreeDigits(truncate_for_message(b))),
        }
    }

    /// The number.
    pub const fn as_u16(self) -> u16 {
        self.0.get()
    }

    /// The three digits as text, without allocating. (Unlike the table strings, this one is
    /// not followed by a NUL byte.)
    pub fn as_str(self) -> &'static str {
        let i = usize::from(self.as_u16() - 200) * 3;
        &crate::tables::CODE_DIGITS[i..i + 3]
    }

    /// The first digit: what happened (RFC 5321 §4.2.1).
    pub const fn severity(self) -> Severity {
        match self.as_u16() / 100 {
            2 => Severity::PositiveCompletion,
            3 => Severity::PositiveIntermediate,
            4 => Severity::TransientNegativeCompletion,
            _ => Severity::PermanentNegativeCompletion,
        }
    }

    /// The second digit as an RFC 5321 §4.2.1 category, or `None` when it is 6 to 9 (outside
    /// the reply-code grammar).
    pub const fn category(self) -> Option<Category> {
        match (self.as_u16() / 10) % 10 {
            0 => Some(Category::Syntax),
            1 => Some(Category::Information),
            2 => Some(Category::Connections),
            3 => Some(Category::Unspecified3),
            4 => Some(Category::Unspecified4),
            5 => Some(Category::MailSystem),
            _ => None,
        }
    }

    /// The third digit.
    pub const fn detail(self) -> u8 {
        (self.as_u16() % 10) as u8
    }

    /// The first digit (2 to 5).
    pub const fn class_digit(self) -> u8 {
        (self.as_u16() / 100) as u8
    }

    /// False when the second digit is above 5, which RFC 5321 §4.2 does not allow (570, 571).
    pub const fn in_grammar(self) -> bool {
        (self.as_u16() / 10) % 10 <= 5
    }

    /// The table row for this code, if the code is known.
    pub fn info(self) -> Option<&'static CodeInfo> {
        lookup(self.as_u16())
    }

    /// 2yz.
    pub const fn is_positive_completion(self) -> bool {
        self.class_digit() == 2
    }
    /// 3yz.
    pub const fn is_positive_intermediate(self) -> bool {
        self.class_digit() == 3
    }
    /// 4yz.
    pub const fn is_transient_negative(self) -> bool {
        self.class_digit() == 4
    }
    /// 5yz.
    pub const fn is_permanent_negative(self) -> bool {
        self.class_digit() == 5
    }
}

impl fmt::Debug for ReplyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.as_u16(), f)
    }
}

/// Prints the code and, when known, its short name: `550 Mailbox unavailable`.
impl fmt::Display for ReplyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.info() {
            Some(info) => write!(f, "{} {}", self.as_str(), info.name()),
            None => f.write_str(self.as_str()),
        }
    }
}

impl FromStr for ReplyCode {
    type Err = InvalidReplyCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_bytes(s.trim().as_bytes())
    }
}

impl TryFrom<u16> for ReplyCode {
    type Error = InvalidReplyCode;
    fn try_from(n: u16) -> Result<Self, Self::Error> {
        Self::from_u16(n)
    }
}

impl From<ReplyCode> for u16 {
    fn from(c: ReplyCode) -> u16 {
        c.as_u16()
    }
}

impl PartialEq<u16> for ReplyCode {
    fn eq(&self, other: &u16) -> bool {
        self.as_u16() == *other
    }
}

impl PartialEq<ReplyCode> for u16 {
    fn eq(&self, other: &ReplyCode) -> bool {
        *self == other.as_u16()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ReplyCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u16(self.as_u16())
    }
}

#[cfg(feature = "schema")]
crate::macros::json_schema!(ReplyCode, "ReplyCode", {
    "description": "A basic SMTP reply code (RFC 5321 §4.2): three digits, the first 2 to 5.",
    "type": "integer",
    "minimum": 200,
    "maximum": 599
});

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for ReplyCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u16::deserialize(d)?;
        ReplyCode::from_u16(n).map_err(serde::de::Error::custom)
    }
}

/// The first digit of a reply code (RFC 5321 §4.2.1). Variant names follow RFC 5321, as in
/// the `lettre` and `smtp-proto` crates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Severity {
    /// 2yz: the requested action completed.
    PositiveCompletion = 2,
    /// 3yz: accepted, more information needed.
    PositiveIntermediate = 3,
    /// 4yz: not accepted; the condition is temporary.
    TransientNegativeCompletion = 4,
    /// 5yz: not accepted; do not repeat the request unchanged.
    PermanentNegativeCompletion = 5,
}

/// The second digit of a reply code (RFC 5321 §4.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Category {
    /// x0z: syntax errors, and commands that fit no other category.
    Syntax = 0,
    /// x1z: replies to requests for information (status, help).
    Information = 1,
    /// x2z: the transmission channel.
    Connections = 2,
    /// x3z: not specified by RFC 5321 (AUTH uses it).
    Unspecified3 = 3,
    /// x4z: not specified by RFC 5321.
    Unspecified4 = 4,
    /// x5z: the receiving mail system's status for the requested action.
    MailSystem = 5,
}

named_enum! {
    /// Where a basic code's definition stands.
    pub enum CodeStatus ("code status") {
        /// Defined by RFC 5321 (as updated by RFC 7504).
        Standard = "standard",
        /// Defined by an SMTP extension RFC (AUTH, STARTTLS, ETRN, ...).
        Extension = "extension",
        /// Only listed next to an enhanced code in the IANA registry; no RFC meaning.
        Registry = "registry",
        /// No RFC defines it, but it is seen in articles or real bounces.
        Nonstandard = "nonstandard",
        /// Not an SMTP reply at all (101 and 111 are socket error numbers).
        NotSmtp = "not_smtp",
    }
}

/// One row of the basic reply code table (`data/basic_codes.tsv`). Its serde form (what
/// `smtpcode codes --format json` prints) has the fields of the getters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CodeInfo {
    pub(crate) code: u16,
    pub(crate) status: CodeStatus,
    pub(crate) name: &'static str,
    pub(crate) meaning: &'static str,
    pub(crate) explanation: &'static str,
    pub(crate) fix: &'static str,
    pub(crate) reason: Option<Reason>,
    pub(crate) source: &'static str,
    pub(crate) note: &'static str,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) rule_id: &'static str,
}

impl CodeInfo {
    /// The code (101 and 111 are in the table although they are not SMTP replies).
    pub const fn code(&self) -> u16 {
        self.code
    }
    /// Whether an RFC defines it.
    pub const fn status(&self) -> CodeStatus {
        self.status
    }
    /// Short name, such as "Mailbox unavailable".
    pub const fn name(&self) -> &'static str {
        self.name
    }
    /// What the server says with it.
    pub const fn meaning(&self) -> &'static str {
        self.meaning
    }
    /// When and why servers send it.
    pub const fn explanation(&self) -> &'static str {
        self.explanation
    }
    /// What the sender should do.
    pub const fn fix(&self) -> &'static str {
        self.fix
    }
    /// The reason the code alone implies, if it is specific enough to imply one.
    pub const fn reason(&self) -> Option<Reason> {
        self.reason
    }
    /// Where the definition comes from (RFC and section).
    pub const fn source(&self) -> &'static str {
        self.source
    }
    /// Caveats, and corrections of the glossary the project started from; may be empty.
    pub const fn note(&self) -> &'static str {
        self.note
    }
}

/// The table row for a basic code, including the non-standard codes seen in the wild.
///
/// ```
/// let info = smtpcode::lookup(421).unwrap();
/// assert_eq!(info.name(), "Service not available");
/// assert!(smtpcode::lookup(299).is_none());
/// ```
pub fn lookup(code: u16) -> Option<&'static CodeInfo> {
    let row = *crate::tables::BASIC_INDEX.get(usize::from(code))?;
    crate::tables::BASIC_CODES.get(usize::from(row).checked_sub(1)?)
}

/// Every basic code in the table, in numeric order.
pub fn codes() -> &'static [CodeInfo] {
    &crate::tables::BASIC_CODES
}

named_enum! {
    /// Which digit of a basic reply code a [`DigitInfo`] describes.
    pub enum DigitPosition ("digit position") {
        /// The first digit (severity).
        First = "first",
        /// The second digit (category).
        Second = "second",
        /// The third digit (detail).
        Third = "third",
    }
}

/// The meaning of one digit of a basic reply code (`data/digits.tsv`, RFC 5321 §4.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigitInfo {
    pub(crate) position: DigitPosition,
    pub(crate) digit: Option<u8>,
    pub(crate) name: &'static str,
    pub(crate) meaning: &'static str,
    pub(crate) source: &'static str,
    pub(crate) note: &'static str,
}

impl DigitInfo {
    /// Which digit.
    pub const fn position(&self) -> DigitPosition {
        self.position
    }
    /// The digit value; `None` for the row that describes every third digit.
    pub const fn digit(&self) -> Option<u8> {
        self.digit
    }
    /// Name, such as "Permanent Negative Completion".
    pub const fn name(&self) -> &'static str {
        self.name
    }
    /// What it means.
    pub const fn meaning(&self) -> &'static str {
        self.meaning
    }
    /// RFC and section.
    pub const fn source(&self) -> &'static str {
        self.source
    }
    /// Caveats and glossary corrections; may be empty.
    pub const fn note(&self) -> &'static str {
        self.note
    }
}

/// The meanings of each digit position (first 1-5, second 0-9, third).
pub fn digits() -> &'static [DigitInfo] {
    &crate::tables::DIGITS
}

/// The meaning of `digit` at `position` (for [`DigitPosition::Third`] any digit gives the one
/// general row).
pub fn digit_info(position: DigitPosition, digit: u8) -> Option<&'static DigitInfo> {
    crate::tables::DIGITS
        .iter()
        .find(|d| d.position == position && (d.digit.is_none() || d.digit == Some(digit)))
}
