//! Recipients in the text of a bounce: the lines that name one, and the lines that go with
//! each, found in one pass so that every line belongs to at most one recipient.
//!
//! The shapes read here:
//!
//! * a recipient line, then the lines that go with it (Postfix `<a@b>: host X said: 550 ...`,
//!   Exim's indented `  a@b` + `SMTP error from remote mail server after RCPT TO:<a@b>:`,
//!   qmail's `<a@b>:` + `Remote host said: ...`, Sendmail's `<a@b>` + `(reason: ...)`,
//!   Exchange's `a@b on <date>` + indented reason, Notes, Domino, OpenSMTPD `a@b: 550 ...`);
//! * a labelled recipient (`Unknown user: a@b`, `Could not be delivered to: <a@b>`,
//!   `Unable to deliver message to: <a@b>`);
//! * failing those, an address that the wording names as the recipient ("rejected recipient
//!   <a@b>", "undeliverable to a@b").

use std::collections::HashSet;

use super::notice::Said;
use super::util::{
    addresses, first_address, icontains, is_separator, istarts, looks_like_header, squash,
};
use crate::tables::bounce_phrases as phrases;

/// A recipient line and the lines that go with it.
#[derive(Debug)]
pub(crate) struct Block {
    pub(crate) address: String,
    /// The block's own words (the rest of the recipient line and the lines after it),
    /// with what they say; `None` when there are none.
    pub(crate) said: Option<Said>,
    /// Found in a shape that only bounces use (`<a@b>:` alone on its line, a labelled
    /// recipient).
    pub(crate) strong: bool,
}

/// Every recipient line of `lines`, in order, each with the lines that go with it: up to a
/// blank line, a separator, a header field or the line of another recipient. A line of the
/// same recipient continues its block. Each line is looked at a bounded number of times.
pub(crate) fn blocks(lines: &[&str]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(hit) = recipient_line(lines[i]) else {
            i += 1;
            continue;
        };
        let mut block = Vec::new();
        if !hit.rest.is_empty() {
            block.push(hit.rest);
        }
        let mut j = i + 1;
        while j < lines.len() {
            let l = lines[j];
            if l.trim().is_empty()
                || is_separator(l)
                || looks_like_header(l.trim_start())
                || recipient_line(l).is_some_and(|h| !h.address.eq_ignore_ascii_case(hit.address))
            {
                break;
            }
            block.push(l.trim());
            j += 1;
        }
        let text = squash(&block.join(" "));
        out.push(Block {
            address: hit.address.to_string(),
            said: (!text.is_empty()).then(|| Said::new(text)),
            strong: hit.strong,
        });
        i = j;
    }
    out
}

/// The addresses that the wording names as recipients, for a notice without recipient
/// lines: an address with "recipient", "deliver", "user"... in the 40 bytes before it. Each
/// such line takes the lines after it up to a blank line, a separator or the next such line;
/// the addresses of one line share its text. `skip` holds addresses (lower case) to leave
/// out.
pub(crate) fn named(lines: &[&str], skip: &HashSet<String>) -> Vec<(String, Said)> {
    let mut seen: HashSet<String> = HashSet::new();
    // (line, addresses named on it)
    let mut hits: Vec<(usize, Vec<String>)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if looks_like_header(l.trim_start()) {
            continue;
        }
        let mut on_line = Vec::new();
        for f in addresses(l) {
            let addr = &l[f.start..f.end];
            let before = &l[..f.start];
            let mut k = before.len().saturating_sub(40);
            while !before.is_char_boundary(k) {
                k += 1;
            }
            let near = &before[k..];
            let lower = addr.to_ascii_lowercase();
            if !phrases::RECIPIENT_NAMING.iter().any(|w| icontains(near, w))
                || skip.contains(&lower)
            {
                continue;
            }
            if seen.insert(lower) {
                on_line.push(addr.to_string());
            }
        }
        if !on_line.is_empty() {
            hits.push((i, on_line));
        }
    }
    let mut out = Vec::new();
    for (n, (i, on_line)) in hits.iter().enumerate() {
        let next = hits.get(n + 1).map_or(lines.len(), |h| h.0);
        let mut block = vec![lines[*i].trim()];
        for l in &lines[i + 1..next] {
            if l.trim().is_empty() || is_separator(l) {
                break;
            }
            block.push(l.trim());
        }
        let said = Said::new(squash(&block.join(" ")));
        out.extend(on_line.iter().map(|a| (a.clone(), said.clone())));
    }
    out
}

struct Hit<'l> {
    address: &'l str,
    rest: &'l str,
    strong: bool,
}

/// A line that names a recipient: the address first (after bullets, `<`, quotes), or after
/// a label such as `Unknown user:` or `Could not be delivered to:`.
fn recipient_line(line: &str) -> Option<Hit<'_>> {
    let t = line.trim_start();
    if t.is_empty() || looks_like_header(t) {
        return None;
    }
    let t = t.trim_start_matches(['*', '-', '•', '・', '>', ' ', '\t', '#']);
    // Sendmail: "554 <a@b>... Service unavailable", "550 5.1.1 <a@b>... User unknown".
    if let Some(after_code) = reply_prefix(t) {
        if let Some(inner) = after_code.strip_prefix('<') {
            if let Some(f) = addresses(inner).first().filter(|f| f.start == 0) {
                return Some(Hit {
                    address: &inner[..f.end],
                    rest: t,
                    strong: true,
                });
            }
        }
    }
    let found = addresses(t);
    let first = *found.first()?;
    let before = &t[..first.start];
    let addr = &t[first.start..first.end];
    let after = &t[first.end..];
    let rest = after
        .trim_start_matches(['>', '"', '\'', ']', ')'])
        .trim_start();
    let lead = before.trim();
    if lead.is_empty()
        || matches!(
            lead,
            "<" | "\"" | "'" | "(" | "[" | "<\"" | "mailto:" | "<mailto:"
        )
    {
        // The address leads the line.
        let rest_t = rest.trim_start_matches(':').trim();
        let strong = rest.is_empty()
            || rest.starts_with(':')
            || istarts(rest, "on ")
            || rest.starts_with('<')
            || rest.starts_with('[')
            || rest.starts_with('(');
        // "a@b 様" (a greeting) or "a@b wrote:" are not recipients.
        if !strong
            && (rest.chars().next().is_some_and(|c| !c.is_ascii()) || icontains(rest, "wrote"))
        {
            return None;
        }
        // Skip the rest of the line when it only repeats the address or gives a date.
        let rest_t = if istarts(rest_t, "on ")
            || rest_t.starts_with('<') && first_address(rest_t) == Some(addr)
        {
            ""
        } else {
            rest_t
        };
        return Some(Hit {
            address: addr,
            rest: rest_t.trim_start_matches(['[']).trim_end_matches([']']),
            strong,
        });
    }
    let label = lead.trim_end_matches(['<', '"', ' ', '(']).trim();
    // "undeliverable to a@b", "Delivery to a@b failed".
    if label.len() <= 60
        && (icontains(label, "deliver") || icontains(label, "failed"))
        && (label.to_ascii_lowercase().ends_with(" to")
            || label.eq_ignore_ascii_case("delivery to"))
    {
        return Some(Hit {
            address: addr,
            rest: rest.trim_start_matches(':').trim(),
            strong: true,
        });
    }
    if label.len() > 60 || !label.ends_with(':') {
        return None;
    }
    let l = label.to_ascii_lowercase();
    const SKIP: &[&str] = &[
        "to:",
        "from:",
        "cc:",
        "sender:",
        "reply-to:",
        "return-path:",
        "by:",
    ];
    if SKIP.contains(&l.as_str()) {
        return None;
    }
    if !phrases::RECIPIENT_LABEL.iter().any(|w| l.contains(w)) {
        return None;
    }
    // "Unknown user: a@b": the label is the diagnostic; "Could not be delivered to: a@b" is
    // only the wrapper's words.
    let wrapper = phrases::RECIPIENT_WRAPPER.iter().any(|w| l.contains(w));
    let rest = rest.trim_start_matches(':').trim();
    Some(Hit {
        address: addr,
        rest: if wrapper || !rest.is_empty() {
            rest
        } else {
            label.trim_end_matches(':')
        },
        strong: true,
    })
}

/// The text after a leading reply code and optional enhanced code (`550 5.1.1 `).
fn reply_prefix(t: &str) -> Option<&str> {
    let b = t.as_bytes();
    if b.len() < 5
        || !matches!(b[0], b'2'..=b'5')
        || !b[1].is_ascii_digit()
        || !b[2].is_ascii_digit()
        || !matches!(b[3], b' ' | b'-')
    {
        return None;
    }
    let rest = t[4..].trim_start();
    let first = rest.split_whitespace().next().unwrap_or("");
    let is_enhanced = first.split('.').count() == 3
        && first
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()));
    Some(if is_enhanced {
        rest[first.len()..].trim_start()
    } else {
        rest
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipient_lines() {
        let h =
            recipient_line("<jane@example.com>: host mx.example.com[192.0.2.1] said: 550").unwrap();
        assert_eq!(h.address, "jane@example.com");
        assert!(h.rest.starts_with("host mx.example.com"));
        assert!(h.strong);
        let h = recipient_line("Unknown user: jane@example.com").unwrap();
        assert_eq!(h.rest, "Unknown user");
        let h = recipient_line("Could not be delivered to: <jane@example.com>").unwrap();
        assert_eq!(h.rest, "");
        assert!(recipient_line("To: jane@example.com").is_none());
        assert!(recipient_line("Please contact postmaster@example.com for help").is_none());
        assert!(recipient_line("jane@example.com 様").is_none());
    }

    #[test]
    fn each_line_belongs_to_one_block() {
        let lines = [
            "<a@example.com>: host mx said: 550 no",
            "    such user",
            "<b@example.com>: host mx said: 552 full",
            "<a@example.com>: again",
            "",
            "trailing words",
        ];
        let b = blocks(&lines);
        let got: Vec<(&str, &str)> = b
            .iter()
            .map(|b| (b.address.as_str(), b.said.as_ref().map_or("", |s| &*s.text)))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a@example.com", "host mx said: 550 no such user"),
                ("b@example.com", "host mx said: 552 full"),
                ("a@example.com", "again"),
            ]
        );
    }

    #[test]
    fn named_addresses_stop_at_the_next_one() {
        let lines = [
            "the user u1@x.example is unknown",
            "the user u2@x.example is unknown",
            "more about u2",
        ];
        let v = named(&lines, &HashSet::new());
        let got: Vec<(&str, &str)> = v.iter().map(|(a, s)| (a.as_str(), &*s.text)).collect();
        assert_eq!(
            got,
            vec![
                ("u1@x.example", "the user u1@x.example is unknown"),
                (
                    "u2@x.example",
                    "the user u2@x.example is unknown more about u2"
                ),
            ]
        );
    }
}
