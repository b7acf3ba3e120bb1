//! The time of a log line: the wall-clock time the log wrote, and its UTC offset when the
//! log gives one.

use core::cmp::Ordering;
use core::fmt;

use jiff::civil::DateTime;
use jiff::tz::Offset;

/// A time read from a log line: a wall-clock date and time, and the offset from UTC when
/// the format writes one (RFC 3339 syslog, journald `short-iso`, KumoMTA, Exchange and
/// PowerMTA times; Exim's `log_timezone`). Traditional syslog times carry no year and give
/// none unless the reader is told the year ([`LogReader::year`](super::LogReader::year)).
///
/// Displayed as RFC 3339 (`2026-12-04T21:30:21.44+00:00`), without an offset when there is
/// none (`2026-12-04T21:30:21`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LogTime {
    civil: DateTime,
    offset: Option<Offset>,
}

impl LogTime {
    /// A time from its wall-clock parts and offset.
    pub fn new(civil: DateTime, offset: Option<Offset>) -> LogTime {
        LogTime { civil, offset }
    }

    /// The wall-clock date and time, as written.
    pub fn civil(&self) -> DateTime {
        self.civil
    }

    /// The offset from UTC, when the log gives one.
    pub fn offset(&self) -> Option<Offset> {
        self.offset
    }

    /// The instant, when the offset is known.
    pub fn timestamp(&self) -> Option<jiff::Timestamp> {
        self.offset.and_then(|o| o.to_timestamp(self.civil).ok())
    }

    /// Orders two times: as instants when both carry an offset, as wall-clock times
    /// otherwise (a time written without an offset is taken as written).
    pub fn compare(&self, other: &LogTime) -> Ordering {
        match (self.timestamp(), other.timestamp()) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => self.civil.cmp(&other.civil),
        }
    }

    /// Reads a time as a person writes it on a command line: `2026-12-04`,
    /// `2026-12-04 21:30`, `2026-12-04T21:30:21`, with an optional fraction and an optional
    /// `Z` or `±hh:mm` / `±hhmm` offset.
    pub fn parse(s: &str) -> Option<LogTime> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() == 10 {
            let date = date_at(b, 0)?;
            return Some(LogTime::new(
                date.to_datetime(jiff::civil::Time::midnight()),
                None,
            ));
        }
        if b.len() < 16 || !matches!(b[10], b'T' | b't' | b' ') {
            return None;
        }
        let date = date_at(b, 0)?;
        let (h, m) = (num(b, 11, 2)?, num(b, 14, 2)?);
        if b[13] != b':' {
            return None;
        }
        let mut i = 16;
        let mut sec = 0;
        if b.get(16) == Some(&b':') {
            sec = num(b, 17, 2)?;
            i = 19;
        }
        let (nanos, j) = fraction(b, i);
        let (offset, end) = offset_at(b, j);
        if end != b.len() {
            return None;
        }
        let time = jiff::civil::Time::new(h as i8, m as i8, sec as i8, nanos as i32).ok()?;
        Some(LogTime::new(date.to_datetime(time), offset))
    }
}

impl PartialOrd for LogTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.compare(other))
    }
}

impl fmt::Display for LogTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.civil;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            c.year(),
            c.month(),
            c.day(),
            c.hour(),
            c.minute(),
            c.second()
        )?;
        let ns = c.subsec_nanosecond();
        if ns != 0 {
            let s = format!("{ns:09}");
            write!(f, ".{}", s.trim_end_matches('0'))?;
        }
        if let Some(o) = self.offset {
            let secs = o.seconds();
            let sign = if secs < 0 { '-' } else { '+' };
            let a = secs.unsigned_abs();
            write!(f, "{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)?;
        }
        Ok(())
    }
}

#[cfg(feature = "schema")]
crate::macros::json_schema!(LogTime, "LogTime", {
    "description": "A log time as ISO 8601: date and time, fractional seconds when the log gives them, and the UTC offset only when the log gives one (a local time otherwise).",
    "type": "string",
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([+-][0-9]{2}:[0-9]{2})?$"
});

#[cfg(feature = "serde")]
impl serde::Serialize for LogTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The number written by `n` ASCII digits at `at`.
pub(crate) fn num(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let d = b.get(at..at + n)?;
    let mut v = 0u32;
    for &c in d {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

/// `YYYY-MM-DD` at `at`.
fn date_at(b: &[u8], at: usize) -> Option<jiff::civil::Date> {
    let (y, m, d) = (num(b, at, 4)?, num(b, at + 5, 2)?, num(b, at + 8, 2)?);
    if b[at + 4] != b'-' || b[at + 7] != b'-' {
        return None;
    }
    jiff::civil::Date::new(y as i16, m as i8, d as i8).ok()
}

/// An optional `.fraction` at `at`: its nanoseconds and where it ends.
fn fraction(b: &[u8], at: usize) -> (u32, usize) {
    if b.get(at) != Some(&b'.') && b.get(at) != Some(&b',') {
        return (0, at);
    }
    let mut i = at + 1;
    let mut nanos = 0u32;
    let mut digits = 0;
    while let Some(&c) = b.get(i) {
        if !c.is_ascii_digit() {
            break;
        }
        if digits < 9 {
            nanos = nanos * 10 + u32::from(c - b'0');
            digits += 1;
        }
        i += 1;
    }
    if i == at + 1 {
        return (0, at);
    }
    for _ in digits..9 {
        nanos *= 10;
    }
    (nanos, i)
}

/// An optional offset at `at` (`Z`, `±hh:mm`, `±hhmm`, `±hh`), optionally after one space:
/// the offset and where it ends.
fn offset_at(b: &[u8], at: usize) -> (Option<Offset>, usize) {
    let mut i = at;
    if b.get(i) == Some(&b' ') && matches!(b.get(i + 1), Some(b'+' | b'-')) {
        i += 1;
    }
    match b.get(i) {
        Some(b'Z' | b'z') => (Some(Offset::UTC), i + 1),
        Some(&s @ (b'+' | b'-')) => {
            let Some(h) = num(b, i + 1, 2) else {
                return (None, at);
            };
            let (m, end) = if b.get(i + 3) == Some(&b':') {
                match num(b, i + 4, 2) {
                    Some(m) => (m, i + 6),
                    None => return (None, at),
                }
            } else {
                match num(b, i + 3, 2) {
                    Some(m) => (m, i + 5),
                    None => (0, i + 3),
                }
            };
            let secs = (h * 3600 + m * 60) as i32;
            match Offset::from_seconds(if s == b'-' { -secs } else { secs }) {
                Ok(o) if h <= 25 && m < 60 => (Some(o), end),
                _ => (None, at),
            }
        }
        _ => (None, at),
    }
}

/// `YYYY-MM-DD?HH:MM:SS[.frac][offset]` at the start of `b` with `sep` between date and
/// time (`T` or a space): the time and the length read.
pub(crate) fn iso_prefix(b: &[u8], sep: &[u8]) -> Option<(LogTime, usize)> {
    if b.len() < 19 || !sep.contains(&b[10]) || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let date = date_at(b, 0)?;
    let (h, m, s) = (num(b, 11, 2)?, num(b, 14, 2)?, num(b, 17, 2)?);
    let (nanos, i) = fraction(b, 19);
    let (offset, end) = offset_at(b, i);
    // A leap second (`:60`) is read as the last second of the minute.
    let time = jiff::civil::Time::new(h as i8, m as i8, s.min(59) as i8, nanos as i32).ok()?;
    Some((LogTime::new(date.to_datetime(time), offset), end))
}

/// Seconds (and an optional fraction) since the Unix epoch, in UTC.
pub(crate) fn from_unix(b: &[u8]) -> Option<LogTime> {
    let dot = b.iter().position(|&c| c == b'.').unwrap_or(b.len());
    if dot == 0 || dot > 12 || !b[..dot].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let secs: i64 = core::str::from_utf8(&b[..dot]).ok()?.parse().ok()?;
    let (nanos, end) = fraction(b, dot);
    if end != b.len() {
        return None;
    }
    let ts = jiff::Timestamp::new(secs, nanos as i32).ok()?;
    let civil = Offset::UTC.to_datetime(ts);
    Some(LogTime::new(civil, Some(Offset::UTC)))
}

/// The month of a traditional syslog time (`Jan` .. `Dec`).
pub(crate) fn month(b: &[u8]) -> Option<u8> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let m = b.get(..3)?;
    MONTHS.iter().position(|x| &x[..] == m).map(|i| i as u8 + 1)
}

/// A traditional syslog time (`Mmm dd hh:mm:ss[.ffffff]`) in `year`.
pub(crate) fn bsd(b: &[u8], year: i16) -> Option<LogTime> {
    let m = month(b)?;
    let rest = &b[4..];
    let (day, i) = match (rest.first(), rest.get(1)) {
        (Some(b' '), Some(d)) if d.is_ascii_digit() => (u32::from(d - b'0'), 2),
        (Some(a), Some(d)) if a.is_ascii_digit() && d.is_ascii_digit() => {
            (u32::from(a - b'0') * 10 + u32::from(d - b'0'), 2)
        }
        (Some(d), Some(b' ')) if d.is_ascii_digit() => (u32::from(d - b'0'), 1),
        _ => return None,
    };
    let t = &rest[i..];
    if t.first() != Some(&b' ') || t.len() < 9 || t[3] != b':' || t[6] != b':' {
        return None;
    }
    let (h, mi, s) = (num(t, 1, 2)?, num(t, 4, 2)?, num(t, 7, 2)?);
    let (nanos, _) = fraction(t, 9);
    let date = jiff::civil::Date::new(year, m as i8, day as i8).ok()?;
    let time = jiff::civil::Time::new(h as i8, mi as i8, s.min(59) as i8, nanos as i32).ok()?;
    Some(LogTime::new(date.to_datetime(time), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_forms_of_the_logs() {
        let (t, n) = iso_prefix(b"2023-02-01T01:02:04.123456+00:00 host", b"T").unwrap();
        assert_eq!(n, 32);
        assert_eq!(t.to_string(), "2023-02-01T01:02:04.123456+00:00");
        let (t, _) = iso_prefix(b"2026-12-04T21:30:21+0100 x", b"T").unwrap();
        assert_eq!(t.to_string(), "2026-12-04T21:30:21+01:00");
        let (t, n) = iso_prefix(b"2024-05-01 10:00:00.123 +0200 1abc", b" ").unwrap();
        assert_eq!(
            (t.to_string().as_str(), n),
            ("2024-05-01T10:00:00.123+02:00", 29)
        );
        let (t, n) = iso_prefix(b"2024-05-01 10:00:00 16VDhn", b" ").unwrap();
        assert_eq!((t.to_string().as_str(), n), ("2024-05-01T10:00:00", 19));
        assert_eq!(
            from_unix(b"1733347821").unwrap().to_string(),
            "2024-12-04T21:30:21+00:00"
        );
        assert_eq!(
            bsd(b"Nov  3 16:04:31 host", 2025).unwrap().to_string(),
            "2025-11-03T16:04:31"
        );
        assert_eq!(
            bsd(b"Mar 7 02:09:33 server", 2025).unwrap().to_string(),
            "2025-03-07T02:09:33"
        );
        assert!(bsd(b"Feb 30 02:09:33 server", 2025).is_none());
        assert!(iso_prefix(b"2024-13-01T10:00:00Z", b"T").is_none());
    }

    #[test]
    fn compares_instants_and_wall_clocks() {
        let a = LogTime::parse("2024-05-01T10:00:00+02:00").unwrap();
        let b = LogTime::parse("2024-05-01 09:00Z").unwrap();
        assert_eq!(a.compare(&b), Ordering::Less);
        let c = LogTime::parse("2024-05-01 09:30").unwrap();
        assert_eq!(a.compare(&c), Ordering::Greater);
        assert!(LogTime::parse("2024-05-01").is_some());
        assert!(LogTime::parse("yesterday").is_none());
        assert!(LogTime::parse("2024-05-01T10:00:00+02:00junk").is_none());
    }
}
