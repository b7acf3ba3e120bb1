//! The syslog framing in front of an MTA's own text: the time, the host and the program
//! (`postfix/smtp[4711]: `). Traditional (RFC 3164, with or without a zero-padded day,
//! with journald's `short-precise` fraction), RFC 3339 high-precision (rsyslog's file
//! format, journald `short-iso`, with or without a colon in the offset), journald
//! `short-unix`, RFC 5424, and a date and time with a space between them (a custom template).

use super::time::{self, LogTime};

/// How the time of a frame is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeForm {
    /// `Mmm dd hh:mm:ss`: no year, no zone.
    Bsd,
    /// RFC 3339 or `YYYY-MM-DD hh:mm:ss`, already read.
    Iso(LogTime),
    /// No time.
    None,
}

/// A syslog line taken apart.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame<'a> {
    /// The time as written.
    pub time: &'a [u8],
    pub form: TimeForm,
    pub host: &'a [u8],
    /// The program (syslog tag) without the pid: `postfix/smtp`, `exim`, `sm-mta`.
    pub program: &'a [u8],
    /// The text after `program[pid]: `.
    pub msg: &'a [u8],
}

/// The next space-separated word of `b` from `at`: the word and where the next one starts.
fn word(b: &[u8], at: usize) -> Option<(&[u8], usize)> {
    let rest = b.get(at..)?;
    let end = memchr::memchr(b' ', rest)?;
    if end == 0 {
        return None;
    }
    Some((&rest[..end], at + end + 1))
}

/// Takes a syslog line apart, or says it is none.
pub(crate) fn frame(line: &[u8]) -> Option<Frame<'_>> {
    let mut b = line;
    // A raw syslog priority `<PRI>` (and RFC 5424's version `1 `).
    if b.first() == Some(&b'<') {
        let close = b.iter().take(5).position(|&c| c == b'>')?;
        if close < 2 || !b[1..close].iter().all(u8::is_ascii_digit) {
            return None;
        }
        b = &b[close + 1..];
        if b.starts_with(b"1 ") {
            return rfc5424(&b[2..]);
        }
    }
    let first = *b.first()?;
    let (time, form, at) = if first.is_ascii_uppercase() {
        // `Mmm dd hh:mm:ss[.ffffff] `
        time::month(b)?;
        let n = bsd_len(b)?;
        (&b[..n], TimeForm::Bsd, n + 1)
    } else if first.is_ascii_digit() {
        if let Some((t, n)) = time::iso_prefix(b, b"Tt ") {
            if b.get(n) != Some(&b' ') {
                return None;
            }
            (&b[..n], TimeForm::Iso(t), n + 1)
        } else {
            // journald `short-unix`: seconds since the epoch.
            let (w, next) = word(b, 0)?;
            let t = time::from_unix(w)?;
            (w, TimeForm::Iso(t), next)
        }
    } else {
        // No time: `host program[pid]: ` is not told apart from text; only
        // `program[pid]: ` at the start of the line.
        let (program, msg) = tag(b)?;
        return Some(Frame {
            time: b"",
            form: TimeForm::None,
            host: b"",
            program,
            msg,
        });
    };
    let (host, next) = word(b, at)?;
    let (program, msg) = tag(&b[next..])?;
    Some(Frame {
        time,
        form,
        host,
        program,
        msg,
    })
}

/// The length of a traditional syslog time at the start of `b` (`Nov  3 16:04:31`,
/// `Nov 03 16:04:31`, `Mar 7 02:09:33`, with an optional `.ffffff`).
fn bsd_len(b: &[u8]) -> Option<usize> {
    if b.get(3) != Some(&b' ') {
        return None;
    }
    let mut i = 4;
    if b.get(i) == Some(&b' ') {
        i += 1;
    }
    let d0 = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    if i == d0 || i - d0 > 2 || b.get(i) != Some(&b' ') {
        return None;
    }
    let t = b.get(i + 1..i + 9)?;
    if t[2] != b':' || t[5] != b':' || !t.iter().all(|&c| c == b':' || c.is_ascii_digit()) {
        return None;
    }
    let mut end = i + 9;
    if b.get(end) == Some(&b'.') {
        end += 1;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
    }
    (b.get(end) == Some(&b' ')).then_some(end)
}

/// `program[pid]: msg` or `program: msg`.
fn tag(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = b
        .iter()
        .take(96)
        .position(|&c| c == b':' || c == b'[' || c == b' ')?;
    if end == 0 {
        return None;
    }
    let program = &b[..end];
    let rest = &b[end..];
    let rest = if rest[0] == b'[' {
        let close = rest.iter().take(24).position(|&c| c == b']')?;
        &rest[close + 1..]
    } else {
        rest
    };
    let msg = rest
        .strip_prefix(b": ")
        .or_else(|| rest.strip_prefix(b":"))?;
    Some((program, msg))
}

/// `TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG` (after `<PRI>1 `).
fn rfc5424(b: &[u8]) -> Option<Frame<'_>> {
    let (time, at) = word(b, 0)?;
    let form = match time::iso_prefix(time, b"Tt") {
        Some((t, n)) if n == time.len() => TimeForm::Iso(t),
        _ if time == b"-" => TimeForm::None,
        _ => return None,
    };
    let (host, at) = word(b, at)?;
    let (program, at) = word(b, at)?;
    let (_pid, at) = word(b, at)?;
    let (_msgid, at) = word(b, at)?;
    let rest = b.get(at..)?;
    let msg = if rest.first() == Some(&b'[') {
        // Structured data: `[id k="v" ...]...`, quoted values may hold `]` escaped.
        let mut i = 0;
        let mut quoted = false;
        let mut depth = 0;
        while i < rest.len() {
            match rest[i] {
                b'\\' if quoted => i += 1,
                b'"' => quoted = !quoted,
                b'[' if !quoted => depth += 1,
                b']' if !quoted => {
                    depth -= 1;
                    if depth == 0 && rest.get(i + 1) != Some(&b'[') {
                        i += 1;
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        rest.get(i..)?.strip_prefix(b" ").unwrap_or(&[])
    } else {
        rest.strip_prefix(b"- ").unwrap_or(rest.strip_prefix(b"-")?)
    };
    let msg = msg.strip_prefix("\u{feff}".as_bytes()).unwrap_or(msg);
    Some(Frame {
        time: if time == b"-" { b"" } else { time },
        form,
        host: if host == b"-" { b"" } else { host },
        program: if program == b"-" { b"" } else { program },
        msg,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(line: &str) -> Option<(String, String, String, String)> {
        let f = frame(line.as_bytes())?;
        let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        Some((s(f.time), s(f.host), s(f.program), s(f.msg)))
    }

    #[test]
    fn frames() {
        let p = parts("Nov  3 16:04:31 mx1 postfix/smtp[30840]: 19B6B2900FE: to=<a@b>").unwrap();
        assert_eq!(p.0, "Nov  3 16:04:31");
        assert_eq!(p.1, "mx1");
        assert_eq!(p.2, "postfix/smtp");
        assert_eq!(p.3, "19B6B2900FE: to=<a@b>");
        let p = parts("Mar 7 02:09:33 server postfix-smo/submission/smtpd[22427]: x").unwrap();
        assert_eq!(p.2, "postfix-smo/submission/smtpd");
        let p = parts("2023-02-01T01:02:04.123456+00:00 host postfix/smtp[1]: m").unwrap();
        assert_eq!(p.0, "2023-02-01T01:02:04.123456+00:00");
        let p = parts("<22>1 2026-12-04T21:30:21.123456+00:00 mx1 postfix/smtp 4711 - - 4F: m")
            .unwrap();
        assert_eq!(
            (p.1.as_str(), p.2.as_str(), p.3.as_str()),
            ("mx1", "postfix/smtp", "4F: m")
        );
        let p = parts("1733347821.123456 mx1 postfix/qmgr[9]: A: removed").unwrap();
        assert_eq!(p.3, "A: removed");
        let p =
            parts("2019-10-22 03:39:17 mx1.fqdn.local exim[29786]: 2019-10-22 03:39:17 x").unwrap();
        assert_eq!(p.2, "exim");
        let p = parts("Dec  4 21:30:21.000123 mx1 smtpd[812]: relay: Expire").unwrap();
        assert_eq!(p.3, "relay: Expire");
        // An Exim main log line is not a syslog line.
        assert!(parts("2024-05-01 10:00:00 1sABCd-000123-XY => a@b R=r T=t").is_none());
        assert!(parts("garbage").is_none());
        assert!(parts("").is_none());
    }
}
