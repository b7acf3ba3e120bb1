//! Small text helpers: header block check, address scanning, case-insensitive search, and
//! the work meter that the scaling tests read.

use std::cell::Cell;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

thread_local! {
    static WORK: Cell<u64> = const { Cell::new(0) };
}

/// Counts `bytes` of text examined by the bounce parser on this thread (see
/// [`work_done`](super::work_done)).
pub(crate) fn charge(bytes: usize) {
    WORK.with(|w| w.set(w.get().wrapping_add(bytes as u64)));
}

/// The bytes of text examined so far on this thread.
pub(crate) fn work() -> u64 {
    WORK.with(Cell::get)
}

/// A case-insensitive, leftmost-first automaton over the words that `words` gives, built on
/// first use and kept in `cell`.
pub(crate) fn automaton<'w, I: IntoIterator<Item = &'w str>>(
    cell: &'static OnceLock<AhoCorasick>,
    words: impl FnOnce() -> I,
) -> &'static AhoCorasick {
    cell.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(words())
            .expect("static word list")
    })
}

/// Does any of the automaton's words occur in `text`?
pub(crate) fn any_of(ac: &AhoCorasick, text: &str) -> bool {
    charge(text.len());
    ac.is_match(text)
}

/// True when `raw` starts with a header field (`Name: value`): a field name of printable
/// ASCII other than `:` and space, then a colon, on the first line.
pub(crate) fn starts_with_header(raw: &[u8]) -> bool {
    let line_end = memchr::memchr(b'\n', raw).unwrap_or(raw.len());
    let line = &raw[..line_end];
    match memchr::memchr(b':', line) {
        Some(0) | None => false,
        Some(i) => line[..i].iter().all(|&b| (33..=126).contains(&b)),
    }
}

fn is_local_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(&c)
}

fn is_domain_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'.' || c == b'-' || c == b'_'
}

/// An email address found in a text, as byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Found {
    pub start: usize,
    pub end: usize,
}

/// Every address-looking `local@domain.tld` in `s`, left to right.
pub(crate) fn addresses(s: &str) -> Vec<Found> {
    charge(s.len());
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = memchr::memchr(b'@', &b[from..]) {
        let at = from + rel;
        from = at + 1;
        let mut start = at;
        while start > 0 && is_local_char(b[start - 1]) {
            start -= 1;
        }
        // A local part does not start with a dot (nor with a quote mark of the text).
        while start < at && matches!(b[start], b'.' | b'\'' | b'`' | b'=') {
            start += 1;
        }
        let mut end = at + 1;
        while end < b.len() && is_domain_char(b[end]) {
            end += 1;
        }
        while end > at + 1 && matches!(b[end - 1], b'.' | b'-' | b'_') {
            end -= 1;
        }
        let domain = &b[at + 1..end];
        if start == at || domain.len() < 3 || !domain.contains(&b'.') || domain[0] == b'.' {
            continue;
        }
        if out.last().is_some_and(|f: &Found| f.end > start) {
            continue;
        }
        out.push(Found { start, end });
        from = end;
    }
    out
}

/// The first address in `s`.
pub(crate) fn first_address(s: &str) -> Option<&str> {
    addresses(s).first().map(|f| &s[f.start..f.end])
}

/// The address of an RFC 3464 address field (`rfc822; <a@b.c>`), or of a header value
/// (`Name <a@b.c>`); the text itself when it holds no address.
pub(crate) fn address_of(value: &str) -> String {
    let v = match value.split_once(';') {
        Some((t, rest)) if !t.contains('@') => rest,
        _ => value,
    };
    match first_address(v) {
        Some(a) => a.to_string(),
        None => v
            .trim()
            .trim_matches(|c| c == '<' || c == '>' || c == '"')
            .to_string(),
    }
}

/// `s` contains `needle` (given in lower case), ignoring ASCII case.
pub(crate) fn icontains(s: &str, needle: &str) -> bool {
    ifind(s, needle).is_some()
}

/// Does `haystack` contain `needle`, ignoring ASCII case? Linear in both (unlike
/// [`ifind`], which is meant for short needles).
pub(crate) fn contains_ci(haystack: &str, needle: &str) -> bool {
    charge(haystack.len() + needle.len());
    memchr::memmem::find(
        haystack.to_ascii_lowercase().as_bytes(),
        needle.to_ascii_lowercase().as_bytes(),
    )
    .is_some()
}

/// Where `needle` (in lower case) starts in `s`, ignoring ASCII case.
pub(crate) fn ifind(s: &str, needle: &str) -> Option<usize> {
    charge(s.len());
    let (h, n) = (s.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    if h.len() < n.len() {
        return None;
    }
    let first = n[0];
    let upper = first.to_ascii_uppercase();
    let mut i = 0;
    while i + n.len() <= h.len() {
        let rel = if first == upper {
            memchr::memchr(first, &h[i..h.len() - n.len() + 1])
        } else {
            memchr::memchr2(first, upper, &h[i..h.len() - n.len() + 1])
        }?;
        let at = i + rel;
        if h[at..at + n.len()].eq_ignore_ascii_case(n) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// `s` starts with `prefix` (given in lower case), ignoring ASCII case.
pub(crate) fn istarts(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// `-----`, `=====`, `*****` lines.
pub(crate) fn is_separator(l: &str) -> bool {
    let t = l.trim();
    t.len() >= 3
        && t.chars()
            .all(|c| matches!(c, '-' | '=' | '*' | '_' | '#' | '~' | ' '))
}

/// A line that starts like one of the header fields that bounces quote.
pub(crate) fn looks_like_header(l: &str) -> bool {
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

/// Collapses runs of white space into one space and trims.
pub(crate) fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_addresses() {
        let s =
            "<kijitora@example.jp>: host mx.example.jp[192.0.2.1] said: 550 <a.b@c.d.example>... x";
        let v: Vec<&str> = addresses(s).iter().map(|f| &s[f.start..f.end]).collect();
        assert_eq!(v, vec!["kijitora@example.jp", "a.b@c.d.example"]);
        assert_eq!(first_address("user@localhost only"), None);
        assert_eq!(address_of("rfc822; <Jane@Example.com>"), "Jane@Example.com");
        assert_eq!(address_of("rfc822;jane"), "jane");
        assert_eq!(
            first_address("jane@example.com<mailto:jane@example.com>"),
            Some("jane@example.com")
        );
    }

    #[test]
    fn case_insensitive_search() {
        assert_eq!(ifind("Hello World", "world"), Some(6));
        assert!(icontains("RCPT TO:<x>", "rcpt to"));
        assert!(!icontains("abc", "abcd"));
        assert!(istarts("Final-Recipient: x", "final-recipient:"));
        assert!(starts_with_header(b"Return-Path: <>\r\n"));
        assert!(!starts_with_header(b"hello world\n"));
        assert_eq!(squash("  a \n\t b  "), "a b");
    }
}
