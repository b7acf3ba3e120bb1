//! Finding the reply code and the enhanced status code in a reply or diagnostic, in any of
//! the forms a bounce processor meets. One pass, no allocation, linear in the input.

use crate::code::ReplyCode;
use crate::enhanced::{Class, EnhancedCode};
use crate::error::ParseError;

/// One SMTP reply as found in some input: the reply code, the enhanced status code and the
/// text, borrowed from the input.
///
/// The input may be a bare code (`550`), a code and text, a code and an enhanced code, an
/// enhanced code alone (`#5.1.1`, `(5.1.1)`), a multi-line reply as lines (`250-...` then
/// `250 ...`) or joined on one line, a DSN `Diagnostic-Code` value (`smtp; 550 ...`), or text
/// in front of the code (`host mx.example.com[192.0.2.1] said: 550 ...`). Bytes need not be
/// UTF-8.
///
/// ```
/// let r = smtpcode::parse("host mx.example.com[192.0.2.1] said: 550 5.1.1 <a@b.c>: User unknown").unwrap();
/// assert_eq!(r.code().unwrap().as_u16(), 550);
/// assert_eq!(r.enhanced().unwrap().to_string(), "5.1.1");
/// assert_eq!(r.text(), b"<a@b.c>: User unknown");
/// assert_eq!(r.prefix(), b"host mx.example.com[192.0.2.1] said:");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reply<'a> {
    input: &'a [u8],
    found: Found,
}

/// What the scanner found, as positions into the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Found {
    pub(crate) code: Option<ReplyCode>,
    pub(crate) enhanced: Option<EnhancedCode>,
    /// Where the code (or, without one, the enhanced code) starts.
    pub(crate) at: usize,
    /// Where the text after the code and enhanced code starts.
    pub(crate) text_at: usize,
    /// The code is followed by `-`: the first line of a multi-line reply.
    pub(crate) multiline: bool,
}

impl<'a> Reply<'a> {
    /// The whole input.
    pub fn input(&self) -> &'a [u8] {
        self.input
    }
    /// The basic reply code, if there is one.
    pub fn code(&self) -> Option<ReplyCode> {
        self.found.code
    }
    /// The enhanced status code, if there is one.
    pub fn enhanced(&self) -> Option<EnhancedCode> {
        self.found.enhanced
    }
    /// The text after the code(s), without surrounding white space.
    pub fn text(&self) -> &'a [u8] {
        trim(&self.input[self.found.text_at.min(self.input.len())..])
    }
    /// The text lossily decoded as UTF-8.
    pub fn text_lossy(&self) -> std::borrow::Cow<'a, str> {
        String::from_utf8_lossy(self.text())
    }
    /// Whatever stands in front of the code (a reporting MTA's words), trimmed; often empty.
    pub fn prefix(&self) -> &'a [u8] {
        trim(&self.input[..self.found.at.min(self.input.len())])
    }
    /// True when the code is followed by `-`, as on the lines of a multi-line reply.
    pub fn is_multiline(&self) -> bool {
        self.found.multiline
    }
    /// True when the code's second digit is above 5 (570, 571): outside RFC 5321's grammar.
    pub fn is_nonstandard_code(&self) -> bool {
        self.found.code.is_some_and(|c| !c.in_grammar())
    }
    /// True when the enhanced code's class differs from the reply code's first digit
    /// (`550 4.4.7`). RFC 2034 §4 says they must agree; the reply code wins.
    pub fn class_mismatch(&self) -> bool {
        matches!((self.found.code, self.found.enhanced), (Some(c), Some(e)) if c.class_digit() != e.class().digit())
    }
}

/// Finds the reply in `input`. Fails only when the input is empty or has neither a reply
/// code nor an enhanced status code; [`classify`](crate::classify) accepts those too.
///
/// ```
/// assert_eq!(smtpcode::parse("#5.1.1").unwrap().enhanced().unwrap().to_string(), "5.1.1");
/// assert!(matches!(smtpcode::parse("   "), Err(smtpcode::ParseError::Empty)));
/// assert!(matches!(smtpcode::parse("connection refused by 192.0.2.1"), Err(smtpcode::ParseError::NoCode)));
/// ```
pub fn parse<B: AsRef<[u8]> + ?Sized>(input: &B) -> Result<Reply<'_>, ParseError> {
    let input = input.as_ref();
    if trim(input).is_empty() {
        return Err(ParseError::Empty);
    }
    let found = scan(input);
    if found.code.is_none() && found.enhanced.is_none() {
        return Err(ParseError::NoCode);
    }
    Ok(Reply { input, found })
}

pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c | 0)
}

fn trim(mut b: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = b {
        if is_space(*first) {
            b = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = b {
        if is_space(*last) {
            b = rest;
        } else {
            break;
        }
    }
    b
}

/// Parses `c.s.d` at `i`; returns the code and the end position. Checks the right boundary
/// (not followed by a digit, a letter, or `.digit`: `4.16.55.1` is not a status code) but
/// not the left one.
pub(crate) fn enhanced_at(b: &[u8], i: usize) -> Option<(EnhancedCode, usize)> {
    let class = Class::from_digit(b.get(i)?.wrapping_sub(b'0'))?;
    if b.get(i + 1) != Some(&b'.') {
        return None;
    }
    let (subject, j) = number_at(b, i + 2)?;
    if b.get(j) != Some(&b'.') {
        return None;
    }
    let (detail, k) = number_at(b, j + 1)?;
    match b.get(k) {
        Some(c) if c.is_ascii_alphanumeric() => return None,
        Some(b'.') if b.get(k + 1).is_some_and(u8::is_ascii_digit) => return None,
        _ => {}
    }
    Some((EnhancedCode::new(class, subject, detail)?, k))
}

/// One to three digits without a leading zero (RFC 3463 §2).
fn number_at(b: &[u8], i: usize) -> Option<(u16, usize)> {
    let mut n: u16 = 0;
    let mut j = i;
    while j < b.len() && b[j].is_ascii_digit() && j - i < 3 {
        n = n * 10 + u16::from(b[j] - b'0');
        j += 1;
    }
    let len = j - i;
    if len == 0 || (len > 1 && b[i] == b'0') || b.get(j).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some((n, j))
}

/// May a code or status code start right after this byte?
fn left_ok(b: &[u8], i: usize) -> bool {
    i == 0
        || matches!(
            b[i - 1],
            b' ' | b'\t'
                | b'\r'
                | b'\n'
                | 0
                | b'\''
                | b'"'
                | b'('
                | b'<'
                | b'#'
                | b':'
                | b';'
                | b','
                | b'='
                | b'>'
                | b'*'
        )
}

/// A three-digit reply code at `i`, checked on both sides.
fn code_at(b: &[u8], i: usize) -> Option<ReplyCode> {
    let d = b.get(i..i + 3)?;
    if !(b'2'..=b'5').contains(&d[0]) || !d[1].is_ascii_digit() || !d[2].is_ascii_digit() {
        return None;
    }
    if !left_ok(b, i) {
        return None;
    }
    match b.get(i + 3) {
        None => {}
        Some(c) if is_space(*c) => {}
        // `:220:` is a group of an IPv6 address, not a reply code.
        Some(b':') if i > 0 && b[i - 1] == b':' => return None,
        Some(b'-' | b':' | b'\'' | b'"' | b')' | b';' | b',' | b'>') => {}
        _ => return None,
    }
    let n = u16::from(d[0] - b'0') * 100 + u16::from(d[1] - b'0') * 10 + u16::from(d[2] - b'0');
    ReplyCode::new(n)
}

/// The digits of the 64 bytes of `b` from `p`, and those of them that are 2 to 5 (a bit per
/// byte).
fn digit_masks(b: &[u8], p: usize) -> (u64, u64) {
    use wide::{CmpGt, CmpLt, i8x16};
    let (mut digits, mut lead) = (0u64, 0u64);
    crate::words::pieces(b, p, |c, k, shift| {
        let v = i8x16::new(c.map(|x| x as i8));
        let within = |lo: u8, hi: u8| {
            let m = v.cmp_gt(i8x16::splat(lo as i8 - 1)) & v.cmp_lt(i8x16::splat(hi as i8 + 1));
            u64::from(m.move_mask() as u16 >> shift) << (16 * k)
        };
        digits |= within(b'0', b'9');
        lead |= within(b'2', b'5');
    });
    (digits, lead)
}

/// Where the input "starts": after white space, quotes, `#`, `(`, and a DSN diagnostic type
/// such as `smtp;` or `X-Postfix;`.
fn content_start(b: &[u8]) -> usize {
    let skip = |mut i: usize| {
        while i < b.len() && (is_space(b[i]) || matches!(b[i], b'\'' | b'"' | b'#' | b'(' | b'<')) {
            i += 1;
        }
        i
    };
    let i = skip(0);
    // A diagnostic type: letters, digits and dashes, then ';'. It does not start with a
    // digit, as most inputs do (a reply code): those are not read as one (-0.17 % instructions
    // on the first 20k lines of lines-1m, callgrind).
    if b.get(i).is_none_or(u8::is_ascii_digit) {
        return i;
    }
    let mut j = i;
    while j < b.len() && j - i <= 24 && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
        j += 1;
    }
    if j > i && b.get(j) == Some(&b';') {
        return skip(j + 1);
    }
    i
}

/// The enhanced code right after a reply code ending at `end` (RFC 2034 places it there),
/// allowing the separators real replies use: `550 5.1.1`, `550-5.1.1`, `550: 5.1.1`,
/// `550 #5.1.1`, `550-'5.2.2`.
fn enhanced_after(b: &[u8], end: usize) -> Option<(EnhancedCode, usize)> {
    let mut i = end;
    // A run of white space counts as one separator, as everywhere else.
    let mut seps = 0;
    while i < b.len() && seps < 8 {
        if is_space(b[i]) {
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
        } else if matches!(b[i], b'-' | b':' | b'\'' | b'"' | b'#' | b'(') {
            i += 1;
        } else {
            break;
        }
        seps += 1;
    }
    if i == end {
        return None;
    }
    enhanced_at(b, i)
}

/// How strongly the context says "this number is the reply code".
fn strength(b: &[u8], i: usize, start: usize, code: ReplyCode) -> u8 {
    if i == start {
        return 3;
    }
    if let Some((e, _)) = enhanced_after(b, i + 3) {
        if e.class().digit() == code.class_digit() {
            return 2;
        }
    }
    // After "said:", "returned '", "smtp;", "#": skip back over spaces and quotes.
    let mut j = i;
    while j > 0 && matches!(b[j - 1], b' ' | b'\t' | b'\'' | b'"' | b'\r' | b'\n') {
        j -= 1;
    }
    if j > 0 && matches!(b[j - 1], b':' | b';' | b'#') {
        return 1;
    }
    0
}

/// Finds the reply code, the enhanced code and the text. Linear in the input.
pub(crate) fn scan(b: &[u8]) -> Found {
    let start = content_start(b);
    // The best basic code: a failure (4xx, 5xx) before a success, then the highest strength,
    // then the earliest. In a session transcript the failure is the diagnostic.
    let mut best: Option<((bool, u8), usize, ReplyCode)> = None;
    let mut consider = |i: usize| -> bool {
        let Some(code) = code_at(b, i) else {
            return false;
        };
        let s = strength(b, i, start, code);
        let key = (code.class_digit() >= 4, s);
        if s > 0 && best.is_none_or(|(bk, _, _)| key > bk) {
            best = Some((key, i, code));
        }
        // Only a code at the start is stronger than a failure code followed by its
        // enhanced code, and the start is looked at first.
        key >= (true, 2)
    };
    if !consider(start) {
        // Every three digits after the start whose first is 2 to 5, in order, found 64 bytes
        // at a time with SIMD compares (a window's candidates need the two bytes after them,
        // so windows step by 62).
        let mut p = start + 1;
        'windows: while p + 3 <= b.len() {
            let (digits, lead) = digit_masks(b, p);
            let mut candidates = lead & (digits >> 1) & (digits >> 2) & ((1u64 << 62) - 1);
            while candidates != 0 {
                let i = p + candidates.trailing_zeros() as usize;
                candidates &= candidates - 1;
                if left_ok(b, i) && consider(i) {
                    break 'windows;
                }
            }
            p += 62;
        }
    }
    if let Some((_, at, code)) = best {
        let mut found = Found {
            code: Some(code),
            at,
            text_at: at + 3,
            multiline: b.get(at + 3) == Some(&b'-'),
            ..Found::default()
        };
        if let Some((e, end)) = enhanced_after(b, at + 3) {
            found.enhanced = Some(e);
            found.text_at = end;
        } else if let Some((e, _, _)) = first_enhanced(b, at + 3, Some(code.class_digit())) {
            found.enhanced = Some(e);
        }
        found.text_at = skip_separators(b, found.text_at);
        return found;
    }
    match first_enhanced(b, start, None) {
        Some((e, at, end)) => Found {
            enhanced: Some(e),
            at,
            text_at: skip_separators(b, end),
            ..Found::default()
        },
        None => Found {
            at: start,
            text_at: start,
            ..Found::default()
        },
    }
}

fn skip_separators(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (is_space(b[i]) || matches!(b[i], b'-' | b':' | b')')) {
        i += 1;
        if b.get(i - 1) == Some(&b')') {
            break;
        }
    }
    i
}

/// The first stand-alone enhanced code at or after `from`, optionally of a given class.
fn first_enhanced(
    b: &[u8],
    from: usize,
    class: Option<u8>,
) -> Option<(EnhancedCode, usize, usize)> {
    // Every status code has a dot right after its class digit.
    for dot in memchr::memchr_iter(b'.', b.get(from + 1..)?) {
        let i = from + dot;
        if !matches!(b[i], b'2' | b'4' | b'5')
            || !(i == 0 || left_ok(b, i) || matches!(b[i - 1], b'[' | b'-'))
        {
            continue;
        }
        if let Some((e, end)) = enhanced_at(b, i) {
            // Away from a reply code, only the defined subjects (0 to 7) count: "Exim
            // 4.96.2" is a version, not a status code.
            if e.subject() <= 7 && class.is_none_or(|c| c == e.class().digit()) {
                return Some((e, i, end));
            }
        }
    }
    None
}

/// `text` with `status` in front when it has no code of its own (a log's `dsn=5.1.1` or a
/// DSN's `Status:` for a diagnostic such as `unknown user: "jo"`), for the classifier.
#[cfg(any(feature = "bounce", feature = "log"))]
pub(crate) fn with_status(
    text: &str,
    status: Option<impl core::fmt::Display>,
) -> std::borrow::Cow<'_, str> {
    match status {
        Some(s)
            if {
                let f = scan(text.as_bytes());
                f.code.is_none() && f.enhanced.is_none()
            } =>
        {
            std::borrow::Cow::Owned(format!("{s} {text}"))
        }
        _ => std::borrow::Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(s: &str) -> (Option<u16>, Option<String>) {
        let f = scan(s.as_bytes());
        (
            f.code.map(|c| c.as_u16()),
            f.enhanced.map(|e| e.to_string()),
        )
    }

    #[test]
    fn forms() {
        assert_eq!(codes("550"), (Some(550), None));
        assert_eq!(
            codes("550 5.1.1 User unknown"),
            (Some(550), Some("5.1.1".into()))
        );
        assert_eq!(
            codes("550-5.1.1 The email account"),
            (Some(550), Some("5.1.1".into()))
        );
        assert_eq!(
            codes("smtp; 550 5.1.1 <x@y>: nope"),
            (Some(550), Some("5.1.1".into()))
        );
        assert_eq!(
            codes("#550 5.2.3 RESOLVER.RST.RecipSizeLimit"),
            (Some(550), Some("5.2.3".into()))
        );
        assert_eq!(
            codes("Sorry, no mailbox here by that name. (#5.1.1)"),
            (None, Some("5.1.1".into()))
        );
        assert_eq!(codes("(5.1.1)"), (None, Some("5.1.1".into())));
        assert_eq!(
            codes("host mx.example.com[192.0.2.1] said: 550 No such user"),
            (Some(550), None)
        );
        assert_eq!(
            codes("550: 5.1.1 <a@b>... User Unknown"),
            (Some(550), Some("5.1.1".into()))
        );
        assert_eq!(
            codes("5.1.0 - Unknown address error 550-'5.2.2 <k@example.jp>... Mailbox Full'"),
            (Some(550), Some("5.2.2".into()))
        );
        assert_eq!(
            codes("refused to talk to me: 220-laposte 421 4.2.1 Service refuse."),
            (Some(421), Some("4.2.1".into()))
        );
        assert_eq!(
            codes(
                "Out: 250 2.1.5 Ok In: DATA Out: 354 End data Out: 451 4.3.0 Error: queue file write error"
            ),
            (Some(451), Some("4.3.0".into()))
        );
        assert_eq!(
            codes("553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"),
            (Some(553), Some("5.7.1".into()))
        );
    }

    #[test]
    fn numbers_that_are_not_codes() {
        assert_eq!(
            codes("Messages from 192.0.2.192 temporarily deferred - 4.16.55.1"),
            (None, None)
        );
        assert_eq!(
            codes("received on Thu, 29 Apr 2013 23:45:00 PST"),
            (None, None)
        );
        assert_eq!(codes("size 10485760 exceeds limit"), (None, None));
        assert_eq!(codes("unable to deliver in 840 minutes"), (None, None));
        assert_eq!(codes("version 5.01.1"), (None, None));
        assert_eq!(codes("Exim 4.96.2 ready"), (None, None));
        assert_eq!(
            codes("[2606:2800:220:6d:26bf::1]:25: socket error"),
            (None, None)
        );
    }

    #[test]
    fn nonstandard_second_digit() {
        let f = scan(b"571 No PTR Record found");
        assert_eq!(f.code.map(|c| c.as_u16()), Some(571));
        assert!(!f.code.unwrap().in_grammar());
    }
}
