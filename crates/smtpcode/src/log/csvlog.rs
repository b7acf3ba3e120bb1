//! The CSV logs: PowerMTA accounting files (a header row whose first column is `type`, then
//! one row per record: `d` delivered, `b` bounced, `t`/`tq` transient, `rb` remote bounce)
//! and Exchange message tracking logs (`#Fields:` names the columns; rows by `event-id`:
//! SEND, DELIVER, FAIL, DEFER). Columns are found by name, so any field order works.

use super::time::{from_unix, iso_prefix};
use super::{Event, LineInfo, LineKind, LogReader, Mta, Status};
use super::{address, host_ip};

/// The header of the CSV log being read, per kind.
#[derive(Debug, Clone, Default)]
pub(crate) struct Headers {
    powermta: Option<Vec<String>>,
    exchange: Option<Vec<String>>,
}

/// The fields of one CSV line (RFC 4180 quoting; one line only).
fn fields(line: &[u8]) -> Result<Vec<String>, String> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(line.len().clamp(64, 1 << 16))
        .from_reader(line);
    let mut rec = csv::ByteRecord::new();
    match rdr.read_byte_record(&mut rec) {
        Ok(true) => Ok(rec
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect()),
        Ok(false) => Ok(Vec::new()),
        Err(e) => Err(e.to_string()),
    }
}

/// The value of column `name`, when the header has it and the row fills it.
fn col<'a>(header: &[String], row: &'a [String], name: &str) -> Option<&'a str> {
    let i = header.iter().position(|h| h.eq_ignore_ascii_case(name))?;
    row.get(i).map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// The record types of a PowerMTA accounting file.
const POWERMTA_TYPES: [&str; 8] = ["d", "b", "t", "tq", "r", "f", "rb", "rs"];

/// A PowerMTA header or row, or `None` when the line is not one.
pub(crate) fn powermta(r: &mut LogReader, line: &[u8], out: &mut Vec<Event>) -> Option<LineInfo> {
    let comma = line.iter().take(16).position(|&c| c == b',');
    let first = &line[..comma.unwrap_or(line.len())];
    let forced = r.forced == Some(Mta::PowerMta);
    if first == b"type" {
        let f = fields(line).ok()?;
        r.csv.powermta = Some(f);
        return Some(LineInfo::of(LineKind::Other, Some(Mta::PowerMta)));
    }
    if comma.is_none() || !POWERMTA_TYPES.iter().any(|t| t.as_bytes() == first) {
        return forced.then(|| LineInfo::of(LineKind::Unrecognized, None));
    }
    let Some(header) = r.csv.powermta.as_deref() else {
        // A row needs the header to say what its columns are.
        let commas = line.iter().filter(|&&c| c == b',').count();
        if forced || commas >= 3 {
            return Some(LineInfo::problem(
                Mta::PowerMta,
                "PowerMTA accounting row before any header row (the file's first line names \
                 the columns: type,timeLogged,...,rcpt,...): skipped"
                    .to_string(),
            ));
        }
        return None;
    };
    let row = match fields(line) {
        Ok(f) => f,
        Err(e) => {
            return Some(LineInfo::problem(
                Mta::PowerMta,
                format!("not a CSV row: {e}"),
            ));
        }
    };
    let kind = row.first().map(String::as_str).unwrap_or("");
    let cat = col(header, &row, "bounceCat");
    let status = match kind {
        "d" => Status::Sent,
        "b" | "rb" if cat == Some("message-expired") => Status::Expired,
        "b" | "rb" => Status::Bounced,
        "t" | "tq" => Status::Deferred,
        _ => return Some(LineInfo::of(LineKind::Other, Some(Mta::PowerMta))),
    };
    let mut e = Event::new(Mta::PowerMta, status);
    if let Some(t) = col(header, &row, "timeLogged").or(col(header, &row, "timeQueued")) {
        e.time = Some(t.to_string());
        e.timestamp =
            from_unix(t.as_bytes()).or_else(|| iso_prefix(t.as_bytes(), b"T ").map(|x| x.0));
    }
    e.sender = col(header, &row, "orig").map(|s| address(s.as_bytes()));
    e.recipient = col(header, &row, "rcpt").map(|s| address(s.as_bytes()));
    e.original_recipient = col(header, &row, "orcpt")
        .map(|s| address(s.strip_prefix("rfc822;").unwrap_or(s).as_bytes()))
        .filter(|o| Some(o) != e.recipient.as_ref());
    e.relay = col(header, &row, "dsnMta").map(str::to_string);
    e.queue_id = col(header, &row, "envId")
        .or(col(header, &row, "jobId"))
        .map(str::to_string);
    let status_field = col(header, &row, "dsnStatus");
    e.dsn = status_field
        .and_then(|s| s.split_whitespace().next())
        .filter(|d| d.as_bytes().first().is_some_and(u8::is_ascii_digit))
        .map(str::to_string);
    e.text = col(header, &row, "dsnDiag")
        .or(status_field)
        .unwrap_or("")
        .to_string();
    out.push(e);
    Some(LineInfo::of(LineKind::Delivery, Some(Mta::PowerMta)))
}

/// An Exchange header line or row, or `None` when the line is not one.
pub(crate) fn exchange(r: &mut LogReader, line: &[u8], out: &mut Vec<Event>) -> Option<LineInfo> {
    let forced = r.forced == Some(Mta::Exchange);
    if line[0] == b'#' {
        if let Some(f) = line.strip_prefix(b"#Fields:") {
            let f = fields(f.trim_ascii()).ok()?;
            r.csv.exchange = Some(f);
            return Some(LineInfo::of(LineKind::Other, Some(Mta::Exchange)));
        }
        let known = [
            &b"#Software:"[..],
            b"#Version:",
            b"#Log-type:",
            b"#Log-Type:",
            b"#Date:",
        ];
        return (forced || known.iter().any(|k| line.starts_with(k)))
            .then(|| LineInfo::of(LineKind::Other, Some(Mta::Exchange)));
    }
    // Rows start with `date-time`: `2026-12-04T21:30:21.123Z,`.
    let (t, n) = iso_prefix(line, b"T")?;
    if line.get(n) != Some(&b',') {
        return None;
    }
    let Some(header) = r.csv.exchange.as_deref() else {
        return Some(LineInfo::problem(
            Mta::Exchange,
            "Exchange message tracking row before any #Fields: line (the file's header names \
             the columns): skipped"
                .to_string(),
        ));
    };
    let row = match fields(line) {
        Ok(f) => f,
        Err(e) => {
            return Some(LineInfo::problem(
                Mta::Exchange,
                format!("not a CSV row: {e}"),
            ));
        }
    };
    let event = col(header, &row, "event-id").unwrap_or("");
    let rstatus = col(header, &row, "recipient-status").unwrap_or("");
    let status = match event {
        "SEND" | "DELIVER" => Status::Sent,
        "DEFER" => Status::Deferred,
        "FAIL" if rstatus.contains("QUEUE.Expired") => Status::Expired,
        "FAIL" => Status::Bounced,
        _ => return Some(LineInfo::of(LineKind::Other, Some(Mta::Exchange))),
    };
    let recipients: Vec<&str> = col(header, &row, "recipient-address")
        .unwrap_or("")
        .split(';')
        .map(str::trim)
        .collect();
    // One status per recipient when the counts agree; otherwise the whole field for each.
    let statuses: Vec<&str> = rstatus.split(';').collect();
    let paired = recipients.len() > 1 && statuses.len() == recipients.len();
    let relay = host_ip(
        col(header, &row, "server-hostname"),
        col(header, &row, "server-ip"),
    );
    let sender = col(header, &row, "return-path").or(col(header, &row, "sender-address"));
    for (i, rcpt) in recipients.iter().enumerate() {
        let mut e = Event::new(Mta::Exchange, status);
        e.time = col(header, &row, "date-time").map(str::to_string);
        e.timestamp = Some(t);
        e.queue_id = col(header, &row, "internal-message-id").map(str::to_string);
        e.recipient = Some(address(rcpt.as_bytes())).filter(|r| !r.is_empty());
        e.sender = sender.map(|s| address(s.as_bytes()));
        e.relay = relay.clone();
        let text = if paired { statuses[i].trim() } else { rstatus };
        e.text = if text.is_empty() || matches!(text, "To" | "Cc" | "Bcc") {
            col(header, &row, "source-context")
                .unwrap_or("")
                .to_string()
        } else {
            text.to_string()
        };
        out.push(e);
    }
    Some(LineInfo::of(LineKind::Delivery, Some(Mta::Exchange)))
}
