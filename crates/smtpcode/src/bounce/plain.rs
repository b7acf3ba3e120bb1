//! The human-readable text of bounces: the wrappers that MTAs and providers put around the
//! remote server's reply (bounce-taxonomies.md §3).
//!
//! The shapes read here:
//!
//! * a recipient line, then the lines that go with it (Postfix `<a@b>: host X said: 550 ...`,
//!   Exim's indented `  a@b` + `SMTP error from remote mail server after RCPT TO:<a@b>:`,
//!   qmail's `<a@b>:` + `Remote host said: ...`, Sendmail's `<a@b>` + `(reason: ...)`,
//!   Exchange's `a@b on <date>` + indented reason, Notes, Domino, OpenSMTPD `a@b: 550 ...`);
//! * a labelled recipient (`Unknown user: a@b`, `Could not be delivered to: <a@b>`,
//!   `Unable to deliver message to: <a@b>`);
//! * a recipient list followed by a section that gives the reason for all of them (Gmail's
//!   "The error that the other server returned was:", Sendmail's "Transcript of session
//!   follows", "Technical details", "because:", "server message"...);
//! * a session transcript (`>>> RCPT TO:<a@b>` / `<<< 550 ...`) for the SMTP command.
//!
//! The text ends where the copy of the original message begins ("This is a copy of the
//! message", "Below this line is a copy of the message", "Original message follows"...).

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::Original;
use super::util::{addresses, first_address, icontains, ifind, istarts, squash};
use crate::model::Command;

/// A recipient found in the text, with what goes with it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Found {
    pub address: String,
    pub diagnostic: Option<String>,
    pub command: Option<Command>,
    pub remote_mta: Option<String>,
    /// Found in a shape that only bounces use (`<a@b>:` alone on its line, a labelled
    /// recipient, `X-Failed-Recipients`).
    pub strong: bool,
}

/// The human-readable text of a message.
pub(crate) struct Notice {
    /// All text parts, joined, with one level of `>` quoting removed from forwarded bounces.
    full: String,
    /// Where the copy of the original message starts in `full`.
    cut: usize,
}

impl Notice {
    pub(crate) fn new(texts: &[String]) -> Self {
        let mut full = String::new();
        for t in texts {
            if !full.is_empty() {
                full.push('\n');
            }
            full.push_str(t);
        }
        if is_quoted(&full) {
            full = unquote(&full);
        }
        let cut = original_marker(&full).unwrap_or(full.len());
        Notice { full, cut }
    }

    /// Every text part.
    pub(crate) fn full(&self) -> &str {
        &self.full
    }

    /// The notice: the text before the copy of the original message.
    pub(crate) fn head(&self) -> &str {
        &self.full[..self.cut]
    }

    /// Does the text carry RFC 3464 recipient fields?
    pub(crate) fn has_dsn_fields(&self) -> bool {
        self.full.lines().any(|l| {
            istarts(l, "final-recipient:")
                || istarts(l, "original-recipient:")
                || istarts(l, "x-actual-recipient:")
        }) && self
            .full
            .lines()
            .any(|l| istarts(l, "action:") || istarts(l, "status:"))
    }

    /// The headers of the original message that follows the notice in the text.
    pub(crate) fn original(&self) -> Option<Original> {
        let rest = &self.full[self.cut..];
        let mut offset = 0;
        for (n, line) in rest.split_inclusive('\n').enumerate() {
            if n > 0 && super::util::starts_with_header(line.as_bytes()) {
                return super::mime::original_of(&rest.as_bytes()[offset..]);
            }
            if n > 6 {
                break;
            }
            offset += line.len();
        }
        None
    }

    /// Does the wording say the message was not delivered?
    pub(crate) fn has_bounce_wording(&self) -> bool {
        const WORDS: &[&str] = &[
            "could not be delivered",
            "couldn't be delivered",
            "was not delivered",
            "wasn't able to deliver",
            "unable to deliver",
            "delivery has failed",
            "delivery failed",
            "delivery to the following recipient",
            "undeliverable",
            "permanent error",
            "permanent fatal error",
            "failed permanently",
            "following addresses had",
            "following address(es) failed",
            "transcript of session follows",
            "did not reach the following recipient",
            "could not deliver",
            "not be delivered",
            "rejected by a remote mail server",
            "delivery status notification",
            "non-delivery",
            "message could not be sent",
            "returned mail",
        ];
        static AC: OnceLock<AhoCorasick> = OnceLock::new();
        automaton(&AC, WORDS).is_match(self.head())
    }

    /// Is it a delay notice rather than a failure?
    pub(crate) fn is_delay(&self, subject: Option<&str>) -> bool {
        let s = subject.unwrap_or("");
        let h = self.head();
        const FINAL: &[&str] = &[
            "permanent error",
            "failed permanently",
            "given up",
            "permanent fatal",
            "permanent failure",
        ];
        const DELAY: &[&str] = &[
            "has been delayed",
            "is delayed",
            "will continue to try",
            "will continue trying",
            "will keep trying",
            "will retry",
            "still trying",
            "this is a warning message only",
            "delivery attempts will continue",
            "not yet been delivered",
        ];
        static FINAL_AC: OnceLock<AhoCorasick> = OnceLock::new();
        static DELAY_AC: OnceLock<AhoCorasick> = OnceLock::new();
        if automaton(&FINAL_AC, FINAL).is_match(h) {
            return false;
        }
        icontains(s, "delay")
            || icontains(s, "warning: could not send")
            || automaton(&DELAY_AC, DELAY).is_match(h)
    }

    /// The recipients that the text names, with their diagnostics.
    pub(crate) fn recipients(&self, head: &super::mime::Head) -> Vec<Found> {
        let lines: Vec<&str> = self.head().lines().collect();
        let own: Vec<String> = [head.to.as_deref(), head.from.as_deref()]
            .into_iter()
            .flatten()
            .filter_map(first_address)
            .map(|a| a.to_ascii_lowercase())
            .collect();
        let failed: Vec<String> = head
            .failed_recipients
            .iter()
            .map(|a| a.to_ascii_lowercase())
            .collect();
        let mut found: Vec<(usize, Found)> = Vec::new();
        let mut i = 0;
        while i < lines.len() {
            let Some(hit) = recipient_line(lines[i]) else {
                i += 1;
                continue;
            };
            let lower = hit.address.to_ascii_lowercase();
            if !hit.strong && own.contains(&lower) && !failed.contains(&lower) {
                i += 1;
                continue;
            }
            // The lines that go with this recipient.
            let mut block = Vec::new();
            if !hit.rest.is_empty() {
                block.push(hit.rest.to_string());
            }
            let mut j = i + 1;
            while j < lines.len() {
                let l = lines[j];
                if l.trim().is_empty()
                    || is_separator(l)
                    || looks_like_header(l.trim_start())
                    || other_recipient(l, hit.address)
                {
                    break;
                }
                block.push(l.trim().to_string());
                j += 1;
            }
            let text = squash(&block.join(" "));
            match found
                .iter_mut()
                .find(|(_, f)| f.address.eq_ignore_ascii_case(hit.address))
            {
                Some((_, f)) => {
                    if f.diagnostic.is_none() && !text.is_empty() {
                        f.diagnostic = Some(text);
                    }
                    f.strong |= hit.strong;
                }
                None => found.push((
                    i,
                    Found {
                        address: hit.address.to_string(),
                        diagnostic: (!text.is_empty()).then_some(text),
                        command: None,
                        remote_mta: None,
                        strong: hit.strong || failed.contains(&lower),
                    },
                )),
            }
            i = j.max(i + 1);
        }
        // No recipient line: an address that the wording names as the recipient ("rejected
        // recipient <a@b>", "undeliverable to a@b").
        if found.is_empty() {
            for (i, l) in lines.iter().enumerate() {
                if looks_like_header(l.trim_start()) {
                    continue;
                }
                for f in addresses(l) {
                    let addr = &l[f.start..f.end];
                    let before = &l[..f.start];
                    let mut k = before.len().saturating_sub(40);
                    while !before.is_char_boundary(k) {
                        k += 1;
                    }
                    let near = &before[k..];
                    let named = [
                        "recipient",
                        "deliver",
                        "rcpt to",
                        "user",
                        "address",
                        "mailbox",
                    ]
                    .iter()
                    .any(|w| icontains(near, w));
                    let lower = addr.to_ascii_lowercase();
                    if !named
                        || own.contains(&lower)
                        || found
                            .iter()
                            .any(|(_, x)| x.address.eq_ignore_ascii_case(addr))
                    {
                        continue;
                    }
                    let mut block = vec![l.trim().to_string()];
                    for l in &lines[i + 1..] {
                        if l.trim().is_empty() || is_separator(l) {
                            break;
                        }
                        block.push(l.trim().to_string());
                    }
                    found.push((
                        i,
                        Found {
                            address: addr.to_string(),
                            diagnostic: Some(squash(&block.join(" "))),
                            ..Found::default()
                        },
                    ));
                }
            }
        }
        // X-Failed-Recipients that the text does not show.
        for a in &head.failed_recipients {
            if !found.iter().any(|(_, f)| f.address.eq_ignore_ascii_case(a)) {
                found.push((
                    lines.len(),
                    Found {
                        address: a.clone(),
                        strong: true,
                        ..Found::default()
                    },
                ));
            }
        }
        let reason = self.reason();
        let transcript = transcript_command(&lines);
        let only_one = found.len() == 1;
        found
            .into_iter()
            .map(|(_, mut f)| {
                let weak = f.diagnostic.as_deref().is_none_or(|d| !has_code(d));
                if weak {
                    if let Some(r) = &reason {
                        f.diagnostic = Some(match f.diagnostic.take() {
                            Some(d) if !icontains(r, &d) => format!("{d} {r}"),
                            _ => r.clone(),
                        });
                    }
                }
                if f.diagnostic.is_none() {
                    f.diagnostic = self.summary();
                }
                let d = f.diagnostic.as_deref().unwrap_or("");
                f.command = command_in(d)
                    .or_else(|| transcript_for(&lines, &f.address))
                    .or(if only_one { transcript } else { None })
                    .or_else(|| {
                        if only_one {
                            command_in(self.head())
                        } else {
                            None
                        }
                    });
                f.remote_mta = remote_host(d);
                f
            })
            .collect()
    }

    /// What the text says about `address` (for a DSN whose fields lack a diagnostic or a
    /// command).
    pub(crate) fn for_recipient(&self, address: &str) -> Option<Found> {
        if address.is_empty() {
            return None;
        }
        let lines: Vec<&str> = self.head().lines().collect();
        let mut out = Found {
            address: address.to_string(),
            ..Found::default()
        };
        for (i, l) in lines.iter().enumerate() {
            let Some(hit) = recipient_line(l) else {
                continue;
            };
            if !hit.address.eq_ignore_ascii_case(address) {
                continue;
            }
            let mut block = vec![hit.rest.to_string()];
            for l in &lines[i + 1..] {
                if l.trim().is_empty() || is_separator(l) || other_recipient(l, address) {
                    break;
                }
                block.push(l.trim().to_string());
            }
            let text = squash(&block.join(" "));
            if !text.is_empty() {
                out.command = command_in(&text);
                out.remote_mta = remote_host(&text);
                out.diagnostic = Some(text);
            }
            break;
        }
        if out.diagnostic.is_none() {
            out.diagnostic = self.reason();
        }
        if out.command.is_none() {
            out.command = transcript_for(&lines, address).or_else(|| transcript_command(&lines));
        }
        Some(out)
    }

    /// The section that gives the reason for all recipients.
    pub(crate) fn reason(&self) -> Option<String> {
        let lines: Vec<&str> = self.head().lines().collect();
        const INTROS: &[&str] = &[
            "the error that the other server returned was",
            "technical details of permanent failure",
            "technical details of temporary failure",
            "technical details",
            "diagnostic information for administrators",
            "delivery failed for the following reason",
            "transcript of session follows",
            "non-delivered information",
            "server message",
            "because:",
            "reason:",
            "the reason of the failure",
            "error message below",
            "the following errors occurred",
            "failure reasons",
            "following address(es) failed",
            "the following text was generated during the delivery attempt",
        ];
        for (i, l) in lines.iter().enumerate() {
            let t = l
                .trim()
                .trim_matches(|c: char| c == '-' || c == '=' || c == ' ');
            static INTRO_AC: OnceLock<AhoCorasick> = OnceLock::new();
            let lower_hit = automaton(&INTRO_AC, INTROS)
                .find(t)
                .is_some_and(|m| m.start() == 0 || t.len() < 80);
            if !lower_hit {
                continue;
            }
            // The rest of the intro line after the colon, then the next paragraph(s).
            let mut parts = Vec::new();
            if let Some((_, after)) = t.split_once(':') {
                if !after.trim().is_empty() {
                    parts.push(after.trim().to_string());
                }
            }
            let mut j = i + 1;
            let mut paragraphs = 0;
            while j < lines.len() {
                let l = lines[j].trim();
                if l.is_empty() {
                    if !parts.is_empty() {
                        paragraphs += 1;
                        if paragraphs >= 1 && parts.iter().any(|p| has_code(p)) {
                            break;
                        }
                        if paragraphs >= 2 {
                            break;
                        }
                    }
                    j += 1;
                    continue;
                }
                if is_separator(l) && !parts.is_empty() {
                    break;
                }
                if !is_separator(l) && !is_transcript_noise(l) {
                    parts.push(l.to_string());
                }
                j += 1;
            }
            let text = squash(&parts.join(" "));
            if !text.is_empty() {
                return Some(text);
            }
        }
        // The first line with a reply code, and what continues it.
        for (i, l) in lines.iter().enumerate() {
            let f = crate::parse::scan(l.as_bytes());
            if f.code.is_some_and(|c| c.class_digit() >= 4) && !looks_like_header(l) {
                let mut parts = vec![l.trim().to_string()];
                for l in &lines[i + 1..] {
                    if l.trim().is_empty() || is_separator(l) {
                        break;
                    }
                    parts.push(l.trim().to_string());
                }
                return Some(squash(&parts.join(" ")));
            }
        }
        None
    }

    /// The notice itself, in one line (at most about 4000 bytes), for a recipient that the
    /// text gives no other reason for (Google Groups, mailing list managers, local delivery
    /// failures).
    pub(crate) fn summary(&self) -> Option<String> {
        let mut s = squash(self.head());
        if s.len() > 4000 {
            let mut end = 4000;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            s.truncate(end);
        }
        (!s.is_empty()).then_some(s)
    }

    /// The SMTP command named anywhere in the notice.
    pub(crate) fn command_anywhere(&self) -> Option<Command> {
        let lines: Vec<&str> = self.head().lines().collect();
        transcript_command(&lines).or_else(|| command_in(self.head()))
    }
}

/// A case-insensitive automaton over `words` (built once per list), leftmost-first.
fn automaton(cell: &'static OnceLock<AhoCorasick>, words: &[&str]) -> &'static AhoCorasick {
    cell.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(words)
            .expect("static word list")
    })
}

/// A forwarded bounce whose lines are quoted with `>`.
fn is_quoted(text: &str) -> bool {
    let (mut quoted, mut all) = (0, 0);
    for l in text.lines().take(200) {
        if l.trim().is_empty() {
            continue;
        }
        all += 1;
        if l.starts_with('>') && !l.starts_with(">>>") {
            quoted += 1;
        }
    }
    all > 4 && quoted * 2 > all
}

fn unquote(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for l in text.lines() {
        let l = l
            .strip_prefix('>')
            .map_or(l, |r| r.strip_prefix(' ').unwrap_or(r));
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// Where the copy of the original message starts.
fn original_marker(text: &str) -> Option<usize> {
    const MARKERS: &[&str] = &[
        "this is a copy of the message",
        "this is a copy of your message",
        "below this line is a copy of the message",
        "original message follows",
        "original message -",
        "original message",
        "the header of the original message",
        "included is a copy of the message header",
        "returned message",
        "unsent message follows",
        "message headers follow",
        "below is a copy of the original message",
        "original message header",
        "the original message headers",
        "content of reported message",
        "copy of the original message",
        "undelivered message",
        "headers of the original message",
        "end of message",
    ];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line
            .trim()
            .trim_matches(|c: char| matches!(c, '-' | '=' | '*' | ' ' | '_' | '[' | ']'));
        if t.len() < 90
            && MARKERS.iter().any(|m| istarts(t, m))
            && !istarts(t, "original message was")
        {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// `-----`, `=====`, `*****` lines.
fn is_separator(l: &str) -> bool {
    let t = l.trim();
    t.len() >= 3
        && t.chars()
            .all(|c| matches!(c, '-' | '=' | '*' | '_' | '#' | '~' | ' '))
}

fn looks_like_header(l: &str) -> bool {
    const H: &[&str] = &[
        "received:",
        "from:",
        "to:",
        "cc:",
        "return-path:",
        "message-id:",
        "date:",
        "subject:",
        "x-",
        "dkim-signature:",
    ];
    H.iter().any(|h| istarts(l, h))
}

/// Lines of a Sendmail transcript that are not the reply (`... while talking to x:`, `>>> DATA`).
fn is_transcript_noise(l: &str) -> bool {
    l.starts_with(">>>") || l.starts_with("...") || istarts(l, "sent <<<")
}

/// True when `s` holds a failure reply code (4xx, 5xx) or a failure enhanced status code.
fn has_code(s: &str) -> bool {
    let f = crate::parse::scan(s.as_bytes());
    f.code.is_some_and(|c| c.class_digit() >= 4)
        || f.enhanced.is_some_and(|e| e.class().digit() >= 4)
}

/// Does line `l` start the block of another recipient than `address`?
fn other_recipient(l: &str, address: &str) -> bool {
    recipient_line(l).is_some_and(|h| !h.address.eq_ignore_ascii_case(address))
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
    const LABELS: &[&str] = &[
        "deliver",
        "recipient",
        "user",
        "address",
        "mailbox",
        "destinat",
        "failed",
        "rcpt",
        "account",
    ];
    if !LABELS.iter().any(|w| l.contains(w)) {
        return None;
    }
    // "Unknown user: a@b": the label is the diagnostic; "Could not be delivered to: a@b" is
    // only the wrapper's words.
    let wrapper = ["deliver", "recipient", "destinat", "failed", "rcpt"]
        .iter()
        .any(|w| l.contains(w));
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

/// The SMTP command named in a text: Postfix's "(in reply to RCPT TO command)", Exim's
/// "after RCPT TO:<a@b>", qmail's "most progress was RCPT TO response" and "does not like
/// recipient", Yahoo's "[RCPT_TO]", 1&1's "for TEXT command", transcript lines.
pub(crate) fn command_in(text: &str) -> Option<Command> {
    const PATTERNS: &[(&str, Command)] = &[
        ("in reply to rcpt to command", Command::Rcpt),
        ("in reply to mail from command", Command::Mail),
        ("in reply to end of data command", Command::EndOfData),
        ("in reply to data command", Command::Data),
        ("in reply to ehlo command", Command::Ehlo),
        ("in reply to helo command", Command::Ehlo),
        ("in reply to starttls command", Command::Starttls),
        ("in reply to auth", Command::Auth),
        ("in reply to the rcpt to command", Command::Rcpt),
        ("in reply to the mail from command", Command::Mail),
        ("after rcpt to", Command::Rcpt),
        ("after rcpt command", Command::Rcpt),
        ("after mail from", Command::Mail),
        ("after mail command", Command::Mail),
        ("after end of data", Command::EndOfData),
        ("after pipelined data", Command::EndOfData),
        ("after pipelined end of data", Command::EndOfData),
        ("after data", Command::Data),
        ("after ehlo", Command::Ehlo),
        ("after helo", Command::Ehlo),
        ("after starttls", Command::Starttls),
        ("after auth", Command::Auth),
        ("after initial connection", Command::Connect),
        ("while sending rcpt to", Command::Rcpt),
        ("while sending mail from", Command::Mail),
        ("while sending end of data", Command::EndOfData),
        ("while sending data", Command::Data),
        ("while sending message body", Command::EndOfData),
        ("most progress was rcpt to response", Command::Rcpt),
        ("most progress was mail from response", Command::Mail),
        ("most progress was data response", Command::Data),
        ("does not like recipient", Command::Rcpt),
        ("failed after i sent the message", Command::EndOfData),
        ("failed on data command", Command::Data),
        ("but sender was rejected", Command::Mail),
        ("but my name was rejected", Command::Ehlo),
        ("but greeting failed", Command::Connect),
        ("[rcpt_to]", Command::Rcpt),
        ("for text command", Command::EndOfData),
        ("following rcpt command", Command::Rcpt),
        ("following mail command", Command::Mail),
        ("following data command", Command::Data),
        ("for rcpt command", Command::Rcpt),
        ("for rcpt to command", Command::Rcpt),
        ("for mail command", Command::Mail),
        ("for data command", Command::Data),
        ("smtp:rcpt", Command::Rcpt),
        ("smtp:mail", Command::Mail),
        ("smtp:data", Command::Data),
        ("rcpt to:<", Command::Rcpt),
        ("mail from:<", Command::Mail),
    ];
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    let words: Vec<&str> = if AC.get().is_none() {
        PATTERNS.iter().map(|(p, _)| *p).collect()
    } else {
        Vec::new()
    };
    if let Some(m) = automaton(&AC, &words).find(text) {
        return Some(PATTERNS[m.pattern().as_usize()].1);
    }
    // m-FILTER: "-------SMTP command" then the command on the next line.
    if let Some(at) = ifind(text, "smtp command") {
        let after =
            text[at + "smtp command".len()..].trim_start_matches(['-', ':', ' ', '\n', '\r']);
        return command_word(after.split_whitespace().next().unwrap_or(""));
    }
    None
}

fn command_word(w: &str) -> Option<Command> {
    let w = w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '.');
    Some(match w.to_ascii_lowercase().as_str() {
        "rcpt" => Command::Rcpt,
        "mail" => Command::Mail,
        "data" => Command::Data,
        "ehlo" | "helo" | "lhlo" => Command::Ehlo,
        "starttls" => Command::Starttls,
        "auth" => Command::Auth,
        "." | "text" | "eom" | "bdat" => Command::EndOfData,
        _ => return None,
    })
}

/// The command of a session transcript: the last command sent before the first error reply
/// (`>>> DATA` then `<<< 550 ...`, or `Sent <<< RCPT TO:` then `Received >>> 550 ...`).
fn transcript_command(lines: &[&str]) -> Option<Command> {
    let mut last = None;
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim();
        let sent = t
            .strip_prefix(">>>")
            .or_else(|| strip_prefix_ci(t, "sent <<<"))
            .or_else(|| strip_prefix_ci(t, "out:"));
        if let Some(cmd) = sent {
            last = command_word(
                cmd.split_whitespace()
                    .next()
                    .unwrap_or("")
                    .split(':')
                    .next()
                    .unwrap_or(""),
            );
            continue;
        }
        let got = t
            .strip_prefix("<<<")
            .or_else(|| strip_prefix_ci(t, "received >>>"))
            .or_else(|| strip_prefix_ci(t, "in:"));
        if let Some(reply) = got {
            let r = reply.trim_start();
            if (r.starts_with('4') || r.starts_with('5')) && last.is_some() {
                // PIPELINING: more replies to the same batch ("<<< 550 User unknown" then
                // "<<< 503 Need RCPT"): the first error answered a RCPT sent before DATA.
                if last == Some(Command::Data) && pipelined_after(lines, i) {
                    return Some(Command::Rcpt);
                }
                return last;
            }
        }
    }
    None
}

/// Does another reply follow line `i` before the next command of the transcript?
fn pipelined_after(lines: &[&str], i: usize) -> bool {
    for l in &lines[i + 1..] {
        let t = l.trim();
        if t.starts_with(">>>") || istarts(t, "sent <<<") {
            return false;
        }
        if t.starts_with("<<<") || istarts(t, "received >>>") {
            return t.len() > 4;
        }
    }
    false
}

/// The command of the transcript lines that name `address` (`>>> RCPT To:<a@b>`).
fn transcript_for(lines: &[&str], address: &str) -> Option<Command> {
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim();
        if (t.starts_with(">>>") || istarts(t, "sent <<<"))
            && icontains(t, "rcpt to")
            && icontains(t, address)
        {
            // The reply that follows decides whether RCPT failed.
            let next = lines.get(i + 1).map(|l| l.trim()).unwrap_or("");
            let reply = next
                .strip_prefix("<<<")
                .or_else(|| strip_prefix_ci(next, "received >>>"))
                .unwrap_or(next)
                .trim_start();
            if reply.starts_with('4') || reply.starts_with('5') {
                return Some(Command::Rcpt);
            }
        }
    }
    None
}

fn strip_prefix_ci<'s>(s: &'s str, p: &str) -> Option<&'s str> {
    istarts(s, p).then(|| &s[p.len()..])
}

/// The remote host a diagnostic names ("host mx.example.com[192.0.2.1] said", "host
/// mx.example.com [192.0.2.1]:", "remote host 192.0.2.1 said").
fn remote_host(text: &str) -> Option<String> {
    let at = ifind(text, "host ")?;
    let after = text[at + 5..].trim_start_matches([':', ' ']);
    let name: String = after
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
        .collect();
    let name = name.trim_end_matches(['.', ':']);
    (name.contains('.') && name.len() > 3).then(|| name.to_string())
}

/// Text of an HTML part: tags dropped, block ends as line ends, the common entities decoded.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[lt + 1..lt + gt]
            .trim_start_matches('/')
            .to_ascii_lowercase();
        let name = tag
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("");
        if matches!(
            name,
            "br" | "p" | "div" | "tr" | "li" | "h1" | "h2" | "h3" | "table"
        ) {
            out.push('\n');
        }
        if matches!(name, "style" | "script") && !rest[lt + 1..].starts_with('/') {
            let close = format!("</{name}");
            rest = match ifind(&rest[lt..], &close) {
                Some(c) => &rest[lt + c..],
                None => "",
            };
            continue;
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
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
    fn commands() {
        assert_eq!(
            command_in("550 x (in reply to RCPT TO command)"),
            Some(Command::Rcpt)
        );
        assert_eq!(
            command_in("SMTP error from remote mail server after end of data: 550 spam"),
            Some(Command::EndOfData)
        );
        assert_eq!(command_in("no command here"), None);
        let t = [
            ">>> MAIL From:<a@b.c>",
            "<<< 250 ok",
            ">>> DATA",
            "<<< 554 no",
        ];
        assert_eq!(transcript_command(&t), Some(Command::Data));
    }

    #[test]
    fn html() {
        assert_eq!(
            html_to_text("<p>a&amp;b</p><style>x{}</style><br>c"),
            "\na&b\n\nc"
        );
    }
}
