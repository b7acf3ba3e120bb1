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
use super::transcript::{received, sent_command};
use super::util::{
    addresses, contains_ci, first_address, icontains, is_separator, istarts, looks_like_header,
    squash,
};
use crate::model::Command;
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
/// same recipient continues its block, and so does a header-looking line that names it
/// (indimail's qmail-remote writes `From: <sender> RCPT: <a@b> ... does not like
/// recipient.` under `<a@b>:`). A status line of a Sendmail transcript (`554 <a@b>...
/// Remote protocol error`) is a block of its own; when the remote host's reply just above
/// it (`<<< 501 ...`) says what the status line does not, that reply leads the block. Each
/// line is looked at a bounded number of times.
pub(crate) fn blocks(lines: &[&str]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(hit) = recipient_line(lines[i]) else {
            i += 1;
            continue;
        };
        let reply = hit
            .sendmail
            .then(|| transcript_reply(&lines[..i], hit.rest))
            .flatten();
        let mut block = Vec::new();
        if let Some((reply, _)) = &reply {
            block.push(reply.as_str());
        } else if !hit.rest.is_empty() {
            block.push(hit.rest);
        }
        let mut j = i + 1;
        while j < lines.len() && !hit.sendmail {
            let l = lines[j];
            if l.trim().is_empty()
                || is_separator(l)
                || (looks_like_header(l.trim_start()) && !names(l, hit.address))
                || recipient_line(l).is_some_and(|h| !h.address.eq_ignore_ascii_case(hit.address))
            {
                break;
            }
            block.push(l.trim());
            j += 1;
        }
        let text = squash(&block.join(" "));
        let mut said = (!text.is_empty()).then(|| Said::new(text));
        if let (Some(s), Some((_, Some(sent)))) = (&mut said, reply) {
            s.command = s.command.or(Some(sent));
        }
        out.push(Block {
            address: hit.address.to_string(),
            said,
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
    /// A status line of a Sendmail transcript (`550 5.1.1 <a@b>... User unknown`).
    sendmail: bool,
}

/// Does `line` name `address` (ignoring ASCII case)?
fn names(line: &str, address: &str) -> bool {
    addresses(line)
        .iter()
        .any(|f| line[f.start..f.end].eq_ignore_ascii_case(address))
}

/// Who a status line of a Sendmail transcript is about: a reply code, a recipient or host
/// (and mailer), `...` and the status (`554 <a@b>... Remote protocol error`: `<a@b>`;
/// `421 example.org (smtp)... Deferred`: `example.org (smtp)`); `None` for another line.
fn status_of(line: &str) -> Option<&str> {
    let (who, _) = reply_prefix(line.trim_start())?.split_once("... ")?;
    (who.split_whitespace().count() <= 2).then_some(who)
}

/// Most lines of a remote host's reply that a transcript shows above a status line.
const MAX_REPLY_LINES: usize = 8;

/// The remote host's reply in the transcript lines (`<<< 501 ...`) just above a Sendmail
/// status line (`status`, the whole line), when it is an error reply that says what the
/// status line does not ("554 <a@b>... Remote protocol error" under "<<< 550 Insecure Mail
/// Relay"); the status text is then the reply's wrapper, put after it in parentheses. With
/// it, the command that the reply answered (`>>> MAIL From:<a@b>` above it).
fn transcript_reply(above: &[&str], status: &str) -> Option<(String, Option<Command>)> {
    let start = above.len().saturating_sub(MAX_REPLY_LINES);
    // Skip the status lines of hosts ("421 example.edu (smtp)... Deferred: ...") between.
    let mut end = above.len();
    while end > start && status_of(above[end - 1]).is_some_and(|who| !who.contains('@')) {
        end -= 1;
    }
    let mut first = end;
    let mut reply = Vec::new();
    while first > start {
        let Some(r) = received(above[first - 1].trim()) else {
            break;
        };
        reply.push(r.trim());
        first -= 1;
    }
    reply.reverse();
    let head = reply.first()?;
    if !matches!(head.as_bytes().first(), Some(b'4' | b'5')) {
        return None;
    }
    let said = status.split_once("... ").map_or(status, |(_, s)| s).trim();
    let reply = reply.join(" ");
    if !said.is_empty() && contains_ci(&reply, said) {
        return None;
    }
    let sent = first.checked_sub(1).and_then(|k| sent_command(above[k]));
    let text = if said.is_empty() {
        reply
    } else {
        format!("{reply} ({said})")
    };
    Some((text, sent))
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
                    sendmail: status_of(t).is_some(),
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
            sendmail: false,
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
            sendmail: false,
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
        sendmail: false,
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

    fn said(b: &[Block]) -> Vec<(&str, &str)> {
        b.iter()
            .map(|b| (b.address.as_str(), b.said.as_ref().map_or("", |s| &*s.text)))
            .collect()
    }

    #[test]
    fn a_header_looking_line_that_names_the_recipient_is_its_own() {
        let lines = [
            "<a@example.com>:",
            "From: <s@example.org> RCPT: <a@example.com> 192.0.2.1 does not like recipient.",
            "Remote host said: 552 5.2.2 Mailbox full",
            "<b@example.com>:",
            "To: c@example.net",
            "Remote host said: 550 5.1.1 User unknown",
        ];
        assert_eq!(
            said(&blocks(&lines)),
            vec![
                (
                    "a@example.com",
                    "From: <s@example.org> RCPT: <a@example.com> 192.0.2.1 does not like \
                     recipient. Remote host said: 552 5.2.2 Mailbox full"
                ),
                // A header that names another address ends the block.
                ("b@example.com", ""),
            ]
        );
    }

    #[test]
    fn sendmail_status_lines_take_the_reply_above_them() {
        let lines = [
            "While talking to mx.example.com:",
            ">>> MAIL From:<s@example.org>",
            "<<< 550 Insecure Mail Relay",
            "421 example.net (smtp)... Deferred: Connection timed out",
            "554 <a@example.com>... Remote protocol error",
            "421 example.net (smtp)... Deferred: Connection timed out",
            "554 <b@example.net>... 550 Host unknown",
            ">>> RCPT To:<c@example.org>",
            "<<< 550 5.1.1 <c@example.org>... User unknown",
            "550 5.1.1 <c@example.org>... User unknown",
        ];
        let b = blocks(&lines);
        assert_eq!(
            said(&b),
            vec![
                // The reply says what the status line does not; host lines between are
                // skipped, and the status line ends the block.
                (
                    "a@example.com",
                    "550 Insecure Mail Relay (Remote protocol error)"
                ),
                // No reply just above it (a recipient's status line is not skipped).
                ("b@example.net", "554 <b@example.net>... 550 Host unknown"),
                // The status line repeats the reply: the block is the transcript's.
                (
                    "c@example.org",
                    "<<< 550 5.1.1 <c@example.org>... User unknown \
                     550 5.1.1 <c@example.org>... User unknown"
                ),
            ]
        );
        assert_eq!(b[0].said.as_ref().unwrap().command, Some(Command::Mail));
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
