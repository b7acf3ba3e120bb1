//! RFC 3464 delivery-status fields (§2.1–2.3), and the ARF fields of RFC 5965, which have
//! the same syntax.

use super::util::{address_of, squash};
use super::{Diagnostic, DsnAction};
use crate::enhanced::EnhancedCode;

/// The per-recipient fields of one recipient block.
#[derive(Debug, Default, Clone)]
pub(crate) struct Fields {
    pub final_recipient: Option<String>,
    pub original_recipient: Option<String>,
    pub action: Option<DsnAction>,
    pub status: Option<EnhancedCode>,
    pub remote_mta: Option<String>,
    pub diagnostic: Option<Diagnostic>,
}

impl Fields {
    fn has_recipient(&self) -> bool {
        self.final_recipient.is_some() || self.original_recipient.is_some()
    }
    fn is_empty(&self) -> bool {
        !self.has_recipient()
            && self.action.is_none()
            && self.status.is_none()
            && self.diagnostic.is_none()
    }
}

/// A parsed delivery-status body.
#[derive(Debug, Default)]
pub(crate) struct Dsn {
    pub reporting_mta: Option<String>,
    /// At most [`MAX_RECIPIENTS`](super::MAX_RECIPIENTS).
    pub recipients: Vec<Fields>,
    /// Recipient blocks past the limit, counted and dropped.
    pub dropped: usize,
}

/// `Name: value` with continuation lines unfolded; other lines give `None`.
pub(crate) fn fields(text: &str) -> impl Iterator<Item = Option<(&str, String)>> {
    let mut lines = text.lines().peekable();
    std::iter::from_fn(move || {
        let line = lines.next()?;
        let Some((name, value)) = split_field(line) else {
            return Some(None);
        };
        let mut value = value.trim().to_string();
        while let Some(next) = lines.peek() {
            if next.starts_with([' ', '\t']) && !next.trim().is_empty() {
                value.push(' ');
                value.push_str(next.trim());
                lines.next();
            } else {
                break;
            }
        }
        Some(Some((name, value)))
    })
}

fn split_field(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.split_once(':')?;
    let ok = !name.is_empty()
        && name.len() <= 40
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then_some((name, value))
}

/// Reads delivery-status fields from `text`. Recipient blocks are separated by blank lines,
/// and a new `Final-Recipient` or `Original-Recipient` also starts one.
pub(crate) fn parse(text: &str) -> Dsn {
    let mut dsn = Dsn::default();
    let mut cur = Fields::default();
    let flush = |cur: &mut Fields, dsn: &mut Dsn| {
        if cur.has_recipient() {
            if dsn.recipients.len() < super::MAX_RECIPIENTS {
                dsn.recipients.push(std::mem::take(cur));
            } else {
                dsn.dropped += 1;
                *cur = Fields::default();
            }
        } else if !cur.is_empty() {
            *cur = Fields::default();
        }
    };
    let mut blank_run = false;
    for item in fields(text) {
        let Some((name, value)) = item else {
            // A blank or other line ends a recipient block that has its recipient.
            if !blank_run && cur.has_recipient() && cur.action.is_some() {
                flush(&mut cur, &mut dsn);
            }
            blank_run = true;
            continue;
        };
        blank_run = false;
        let n = name.to_ascii_lowercase();
        match n.as_str() {
            "reporting-mta" if dsn.reporting_mta.is_none() => {
                dsn.reporting_mta = Some(mta_name(&value));
            }
            "final-recipient" => {
                if cur.final_recipient.is_some() {
                    flush(&mut cur, &mut dsn);
                }
                cur.final_recipient = Some(address_of(&value));
            }
            "original-recipient" => {
                if cur.original_recipient.is_some()
                    || (cur.final_recipient.is_some()
                        && cur.action.is_some()
                        && cur.status.is_some())
                {
                    flush(&mut cur, &mut dsn);
                }
                cur.original_recipient = Some(address_of(&value));
            }
            "action" => cur.action = action(&value),
            "status" => cur.status = status(&value),
            "remote-mta" => cur.remote_mta = Some(mta_name(&value)),
            "diagnostic-code" => cur.diagnostic = diagnostic(&value),
            _ => {}
        }
    }
    flush(&mut cur, &mut dsn);
    dsn
}

/// `dns; mx.example.com` → `mx.example.com`.
pub(crate) fn mta_name(value: &str) -> String {
    let v = match value.split_once(';') {
        Some((_, rest)) => rest,
        None => value,
    };
    let v = v.trim();
    // Drop a trailing comment or bracketed address: "mx.example.com (192.0.2.1)".
    let end = v.find([' ', '\t']).unwrap_or(v.len());
    v[..end].trim_end_matches('.').to_string()
}

/// The `Action` value: the first word, in any case.
pub(crate) fn action(value: &str) -> Option<DsnAction> {
    let w = value
        .trim()
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()?
        .to_ascii_lowercase();
    Some(match w.as_str() {
        "failed" | "failure" | "fail" => DsnAction::Failed,
        "delayed" | "delay" | "deferred" => DsnAction::Delayed,
        "delivered" | "deliverable" => DsnAction::Delivered,
        "relayed" => DsnAction::Relayed,
        "expanded" => DsnAction::Expanded,
        _ => return None,
    })
}

/// The `Status` value: the first enhanced code in it.
pub(crate) fn status(value: &str) -> Option<EnhancedCode> {
    let first = value.split_whitespace().next()?;
    first
        .trim_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .ok()
        .or_else(|| crate::parse::scan(value.as_bytes()).enhanced)
}

/// The `Diagnostic-Code` value: `type; text`.
pub(crate) fn diagnostic(value: &str) -> Option<Diagnostic> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let (kind, text) = match value.split_once(';') {
        Some((t, rest))
            if !t.is_empty()
                && t.len() <= 24
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            (Some(t.to_ascii_lowercase()), rest)
        }
        _ => (None, value),
    };
    let text = squash(text);
    if text.is_empty() && kind.is_none() {
        return None;
    }
    Some(Diagnostic {
        kind,
        text: text.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_blocks_and_folded_fields() {
        let d = parse(
            "Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <a@example.com>:\n    User unknown\n\nOriginal-Recipient: rfc822;b@example.com\nFinal-Recipient: rfc822; b@example.com\nAction: Delayed\nStatus: 4.4.1 (connection timed out)\n",
        );
        assert_eq!(d.reporting_mta.as_deref(), Some("mx.example.org"));
        assert_eq!(d.recipients.len(), 2);
        let a = &d.recipients[0];
        assert_eq!(a.final_recipient.as_deref(), Some("a@example.com"));
        assert_eq!(a.action, Some(DsnAction::Failed));
        let diag = a.diagnostic.as_ref().unwrap();
        assert_eq!(diag.kind.as_deref(), Some("smtp"));
        assert_eq!(&*diag.text, "550 5.1.1 <a@example.com>: User unknown");
        let b = &d.recipients[1];
        assert_eq!(b.original_recipient.as_deref(), Some("b@example.com"));
        assert_eq!(b.action, Some(DsnAction::Delayed));
        assert_eq!(b.status.unwrap().to_string(), "4.4.1");
    }

    #[test]
    fn no_blank_lines_between_recipients() {
        let d = parse(
            "Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.0.0\nFinal-Recipient: rfc822; b@example.com\nAction: failed\nStatus: 5.0.0\n",
        );
        assert_eq!(d.recipients.len(), 2);
    }
}
