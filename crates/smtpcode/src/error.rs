//! Error types. Every error has a message that says what was wrong with the input.

/// A name that is not one of the known values of an enum (`"mailbox_unkown"` for a
/// [`Reason`](crate::Reason), say).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} name {name:?}; expected one of the snake_case names such as {example:?}")]
pub struct UnknownName {
    kind: &'static str,
    name: String,
    example: &'static str,
}

impl UnknownName {
    pub(crate) fn new(kind: &'static str, name: &str) -> Self {
        let example = match kind {
            "outcome" => "permanent",
            "bounce" => "hard",
            "reason" => "mailbox_unknown",
            "action" => "suppress",
            "command" => "rcpt",
            "fault" => "recipient",
            "provider" => "gmail",
            _ => "",
        };
        // Keep the message short even for a huge input.
        let name = name.chars().take(64).collect();
        UnknownName {
            kind,
            name,
            example,
        }
    }

    /// What kind of name was expected ("reason", "command", ...).
    pub fn kind(&self) -> &'static str {
        self.kind
    }
}

/// A number or text that is not a valid SMTP reply code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidReplyCode {
    /// Not three ASCII digits.
    #[error("{0:?} is not a reply code: a reply code is three digits, such as 250 or 550")]
    NotThreeDigits(String),
    /// Three digits, but the first is not 2, 3, 4 or 5 (RFC 5321 §4.2).
    #[error("{0} is not an SMTP reply code: the first digit must be 2, 3, 4 or 5 (RFC 5321 §4.2)")]
    OutOfRange(u16),
}

/// A text that is not a valid enhanced status code (RFC 3463 §2: `class.subject.detail`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not an enhanced status code: expected class.subject.detail with class 2, 4 or 5 and 1 to 3 digits in subject and detail, such as 5.1.1 (RFC 3463 §2)"
)]
pub struct InvalidEnhancedCode(pub(crate) String);

/// Why [`parse`](crate::parse) found no reply in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The input is empty or only white space.
    #[error("empty reply: the input holds no text")]
    Empty,
    /// The input has text but neither a reply code nor an enhanced status code.
    #[error(
        "no reply code: the input holds neither a three-digit SMTP reply code (2xx to 5xx) nor an enhanced status code (such as 5.1.1)"
    )]
    NoCode,
}

pub(crate) fn truncate_for_message(input: &[u8]) -> String {
    let s = String::from_utf8_lossy(&input[..input.len().min(64)]);
    s.into_owned()
}
