//! Enhanced mail system status codes (RFC 3463): `class.subject.detail`, such as `5.1.1`.

use core::fmt;
use core::str::FromStr;

use crate::error::{InvalidEnhancedCode, truncate_for_message};
use crate::model::Reason;

/// The class of an enhanced status code (RFC 3463 §2), with the RFC's titles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Class {
    /// 2.X.X Success.
    Success = 2,
    /// 4.X.X Persistent Transient Failure.
    PersistentTransientFailure = 4,
    /// 5.X.X Permanent Failure.
    PermanentFailure = 5,
}

impl Class {
    /// The class for digit 2, 4 or 5.
    pub const fn from_digit(d: u8) -> Option<Self> {
        match d {
            2 => Some(Class::Success),
            4 => Some(Class::PersistentTransientFailure),
            5 => Some(Class::PermanentFailure),
            _ => None,
        }
    }

    /// The digit (2, 4 or 5).
    pub const fn digit(self) -> u8 {
        self as u8
    }

    /// The table row for this class (`data/enhanced_classes.tsv`).
    pub fn info(self) -> &'static ClassInfo {
        let i = match self {
            Class::Success => 0,
            Class::PersistentTransientFailure => 1,
            Class::PermanentFailure => 2,
        };
        &crate::tables::CLASSES[i]
    }
}

/// An enhanced status code (RFC 3463 §2): class 2, 4 or 5; subject and detail 0 to 999.
///
/// ```
/// use smtpcode::{Class, EnhancedCode};
/// let e: EnhancedCode = "5.1.1".parse().unwrap();
/// assert_eq!(e.class(), Class::PermanentFailure);
/// assert_eq!((e.subject(), e.detail()), (1, 1));
/// assert_eq!(e.to_string(), "5.1.1");
/// assert_eq!(e.info().unwrap().title(), "Bad destination mailbox address");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnhancedCode {
    class: Class,
    subject: u16,
    detail: u16,
}

impl EnhancedCode {
    /// The code `class.subject.detail`, or `None` if subject or detail is above 999.
    pub const fn new(class: Class, subject: u16, detail: u16) -> Option<Self> {
        if subject > 999 || detail > 999 {
            return None;
        }
        Some(EnhancedCode {
            class,
            subject,
            detail,
        })
    }

    /// The class.
    pub const fn class(self) -> Class {
        self.class
    }
    /// The subject (0 to 7 are defined).
    pub const fn subject(self) -> u16 {
        self.subject
    }
    /// The detail.
    pub const fn detail(self) -> u16 {
        self.detail
    }

    /// The registry row for `X.subject.detail`, if the IANA registry has it.
    pub fn info(self) -> Option<&'static EnhancedInfo> {
        lookup_enhanced(self.subject, self.detail)
    }

    /// The subject row (`X.subject.*`), if the subject is one of 0 to 7.
    pub fn subject_info(self) -> Option<&'static SubjectInfo> {
        crate::tables::SUBJECTS.get(usize::from(self.subject))
    }

    /// Parses `c.s.d` from bytes (no surrounding text).
    pub fn from_bytes(b: &[u8]) -> Result<Self, InvalidEnhancedCode> {
        match crate::parse::enhanced_at(b, 0) {
            Some((code, end)) if end == b.len() => Ok(code),
            _ => Err(InvalidEnhancedCode(truncate_for_message(b))),
        }
    }
}

impl fmt::Debug for EnhancedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Prints `5.1.1`.
impl fmt::Display for EnhancedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class.digit(), self.subject, self.detail)
    }
}

impl FromStr for EnhancedCode {
    type Err = InvalidEnhancedCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_bytes(s.trim().as_bytes())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for EnhancedCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "schema")]
crate::macros::json_schema!(EnhancedCode, "EnhancedCode", {
    "description": "An enhanced status code (RFC 3463 §2): class.subject.detail, the class 2, 4 or 5, subject and detail 0 to 999.",
    "type": "string",
    "pattern": "^[245]\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})$"
});

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for EnhancedCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// One row of the IANA enhanced status code registry (`data/enhanced_codes.tsv`). Its serde
/// form (what `smtpcode codes --enhanced --format json` prints) has the fields of the getters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct EnhancedInfo {
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) subject: u16,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) detail: u16,
    pub(crate) code: &'static str,
    pub(crate) title: &'static str,
    pub(crate) meaning: &'static str,
    pub(crate) basic_codes: &'static str,
    pub(crate) reason: Option<Reason>,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) classes: u8,
    pub(crate) source: &'static str,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) rule_id: &'static str,
}

impl EnhancedInfo {
    /// The subject.
    pub const fn subject(&self) -> u16 {
        self.subject
    }
    /// The detail.
    pub const fn detail(&self) -> u16 {
        self.detail
    }
    /// The code as the registry writes it, such as `X.1.1`.
    pub const fn code(&self) -> &'static str {
        self.code
    }
    /// The registry's title, such as "Bad destination mailbox address".
    pub const fn title(&self) -> &'static str {
        self.title
    }
    /// What it means, in plain words.
    pub const fn meaning(&self) -> &'static str {
        self.meaning
    }
    /// The basic codes the registry associates with it (informative), as written there.
    pub const fn basic_codes(&self) -> &'static str {
        self.basic_codes
    }
    /// The reason this code implies, if it is specific enough to imply one.
    pub const fn reason(&self) -> Option<Reason> {
        self.reason
    }
    /// Whether the code is meaningful with class `class` (2, 4 or 5).
    pub const fn allows_class(&self, class: Class) -> bool {
        self.classes & (1 << class.digit()) != 0
    }
    /// RFC and section that defines it.
    pub const fn source(&self) -> &'static str {
        self.source
    }
}

/// The registry row for `X.subject.detail`.
///
/// ```
/// let e = smtpcode::lookup_enhanced(7, 26).unwrap();
/// assert_eq!(e.title(), "Multiple authentication checks failed");
/// ```
pub fn lookup_enhanced(subject: u16, detail: u16) -> Option<&'static EnhancedInfo> {
    use crate::tables::{ENHANCED_CODES, ENHANCED_DETAILS, ENHANCED_INDEX};
    let (subject, detail) = (usize::from(subject), usize::from(detail));
    if subject >= 8 || detail >= ENHANCED_DETAILS {
        return None;
    }
    let row = ENHANCED_INDEX[subject * ENHANCED_DETAILS + detail];
    ENHANCED_CODES.get(usize::from(row).checked_sub(1)?)
}

/// Every code of the IANA registry (81 rows, X.0.0 to X.7.30), in registry order.
pub fn enhanced_codes() -> &'static [EnhancedInfo] {
    &crate::tables::ENHANCED_CODES
}

/// A class row (`data/enhanced_classes.tsv`, RFC 3463 §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassInfo {
    pub(crate) class: Class,
    pub(crate) title: &'static str,
    pub(crate) meaning: &'static str,
    pub(crate) source: &'static str,
}

impl ClassInfo {
    /// The class.
    pub const fn class(&self) -> Class {
        self.class
    }
    /// RFC 3463's title, such as "Permanent Failure".
    pub const fn title(&self) -> &'static str {
        self.title
    }
    /// What it means.
    pub const fn meaning(&self) -> &'static str {
        self.meaning
    }
    /// RFC and section.
    pub const fn source(&self) -> &'static str {
        self.source
    }
}

/// A subject row (`data/enhanced_subjects.tsv`, RFC 3463 §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubjectInfo {
    pub(crate) subject: u16,
    pub(crate) title: &'static str,
    pub(crate) meaning: &'static str,
    pub(crate) reason: Option<Reason>,
    pub(crate) source: &'static str,
    pub(crate) rule_id: &'static str,
}

impl SubjectInfo {
    /// The subject digit (0 to 7).
    pub const fn subject(&self) -> u16 {
        self.subject
    }
    /// RFC 3463's title, such as "Addressing Status".
    pub const fn title(&self) -> &'static str {
        self.title
    }
    /// What it means.
    pub const fn meaning(&self) -> &'static str {
        self.meaning
    }
    /// The reason assumed for a code of this subject whose detail is not registered.
    pub const fn reason(&self) -> Option<Reason> {
        self.reason
    }
    /// RFC and section.
    pub const fn source(&self) -> &'static str {
        self.source
    }
}

/// The three class rows (2, 4, 5).
pub fn enhanced_classes() -> &'static [ClassInfo] {
    &crate::tables::CLASSES
}

/// The eight subject rows (0 to 7).
pub fn enhanced_subjects() -> &'static [SubjectInfo] {
    &crate::tables::SUBJECTS
}
