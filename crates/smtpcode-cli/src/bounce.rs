//! `smtpcode bounce`: whole bounce messages from files, maildir folders and mbox files, one
//! record per recipient.

use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use smtpcode::Classification;
use smtpcode::bounce::{self, BounceError, Kind, MAX_MESSAGE, Recipient, Report};

use smtpcode::log::SuppressionList;

use crate::report::{self, Deliveries};
use crate::{Format, html, inputs, split, term};

/// The most bytes kept of one message: what `bounce::parse` reads, plus one byte so that it
/// sees that the message was longer.
pub(crate) const KEEP: usize = MAX_MESSAGE + 1;

/// One output record: a recipient of a message, or a message without recipients.
#[derive(Serialize)]
struct Record<'a> {
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<u64>,
    kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<bounce::Format>,
    recipient: Option<&'a str>,
    original_recipient: Option<&'a str>,
    dsn_action: Option<bounce::DsnAction>,
    status: Option<String>,
    remote_mta: Option<&'a str>,
    diagnostic_type: Option<&'a str>,
    diagnostic: Option<&'a str>,
    #[serde(flatten)]
    c: &'a Classification,
    #[serde(skip_serializing_if = "Option::is_none")]
    feedback_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_message_id: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// `smtpcode bounce FILE...`.
pub fn run(
    classifier: &smtpcode::Classifier,
    paths: &[PathBuf],
    format: Format,
    summary: bool,
    suppress: bool,
    report: Option<&Path>,
    read: &mut inputs::Outcome,
) -> io::Result<()> {
    let target = report.map(html::Target::create).transpose()?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut w = Writer {
        classifier,
        format,
        none: smtpcode::classify(""),
        started: false,
        summary: summary.then(Deliveries::default),
        suppress: suppress.then(SuppressionList::new),
        html: report.is_some().then(html::Collector::new),
        messages: 0,
    };
    let list = inputs::list(paths, true, read);
    inputs::read_each(&list, read, |input, r| {
        let name = input.name();
        read_stream(r, &name, &mut |name, n, raw, size| {
            w.message(&mut out, name, n, raw, size)
        })
    })?;
    let names: Vec<String> = list.iter().map(|i| i.name()).collect();
    if let Some(mut h) = w.html.take() {
        h.summary.totals = vec![("messages", w.messages)];
        if summary {
            h.summary.write(&mut out, format)?;
        }
        out.flush()?;
        if let Some(t) = target {
            let meta = html::Meta {
                command: "bounce",
                inputs: &names,
                note: None,
                timed: false,
            };
            t.write(&h, &meta)?;
        }
    } else if let Some(mut s) = w.summary.take() {
        s.totals = vec![("messages", w.messages)];
        s.write(&mut out, format)?;
    } else if let Some(list) = w.suppress.take() {
        report::write_suppressions(&mut out, &list.into_sorted(), format)?;
    } else if read.unreadable == 0 {
        w.header(&mut out)?;
    }
    out.flush()
}

/// Receives each message: the input's name, its number in an mbox, the bytes kept (at most
/// [`KEEP`]) and the message's whole size.
pub(crate) type Sink<'s> = dyn FnMut(&str, Option<u64>, &[u8], usize) -> io::Result<()> + 's;

/// One message, several messages written one after another (see [`split`]), or an mbox (a
/// stream whose first line that is not blank starts with `From `): each message is handed on,
/// with its number when there are several (always in an mbox). At most [`KEEP`] bytes of a message are kept in
/// memory; its size is counted whole.
fn read_stream(r: &mut dyn BufRead, name: &str, sink: &mut Sink<'_>) -> io::Result<()> {
    // The first line that is not blank decides, however the input arrives (a pipe may give
    // one byte at a time).
    let mut blank = 0;
    let mut blank_lines = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        let got = r.take(KEEP as u64).read_until(b'\n', &mut line)?;
        if got == 0 || !line.iter().all(|b| b.is_ascii_whitespace()) {
            break;
        }
        // White space in front of a message means nothing; it is counted, not kept.
        blank += got;
        blank_lines += 1;
    }
    // An mbox: its messages are split at the `From ` lines (and each is looked at as a
    // stream of messages too); the white space in front is not a message's.
    let mbox = line.starts_with(b"From ");
    split::Splitter::new(name, blank_lines, if mbox { 0 } else { blank }, mbox)
        .read(&line, r, sink)
        .map(|_| ())
}

/// An mbox separator: `From sender Thu Jul  2 12:05:05 2020`.
pub(crate) fn is_from_line(line: &[u8]) -> bool {
    let text = String::from_utf8_lossy(line);
    let mut words = text.split_whitespace().skip(2);
    let day = words.next().unwrap_or("");
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].contains(&day)
        && text.bytes().filter(|&b| b == b':').count() >= 2
}

struct Writer<'c> {
    /// The classifier, with the user's rules if any.
    classifier: &'c smtpcode::Classifier,
    format: Format,
    /// The classification of nothing, for records without a recipient.
    none: Classification,
    /// The header is written.
    started: bool,
    /// Counting for `--summary` instead of writing records.
    summary: Option<Deliveries>,
    /// Collecting `--suppress` instead of writing records.
    suppress: Option<SuppressionList>,
    /// Counting for `--report`.
    html: Option<html::Collector>,
    /// Messages read.
    messages: u64,
}

const TSV_HEADER: &str = "file\tmessage\tkind\trecipient\toriginal_recipient\tdsn_action\tstatus\tremote_mta\tcommand\tcode\tenhanced\toutcome\tbounce\treason\taction\tretry\tprovider\trule\tdiagnostic_type\tdiagnostic";

impl Writer<'_> {
    fn header(&mut self, out: &mut impl Write) -> io::Result<()> {
        if self.summary.is_some() || self.suppress.is_some() || self.html.is_some() {
            return Ok(());
        }
        if std::mem::replace(&mut self.started, true) {
            return Ok(());
        }
        match self.format {
            Format::Json => Ok(()),
            Format::Tsv => writeln!(out, "{TSV_HEADER}"),
            Format::Csv => report::row(out, Format::Csv, TSV_HEADER.split('\t')),
            Format::Table => writeln!(
                out,
                "{:<28} {:<16} {:<32} {:<7} {:<5} {:<18} {:<11} DIAGNOSTIC",
                "FILE", "KIND", "RECIPIENT", "STATUS", "BOUNCE", "REASON", "COMMAND"
            ),
        }
    }

    fn message(
        &mut self,
        out: &mut impl Write,
        file: &str,
        n: Option<u64>,
        raw: &[u8],
        size: usize,
    ) -> io::Result<()> {
        self.header(out)?;
        self.messages += 1;
        match self.classifier.parse_bounce_head(raw, size) {
            Ok(report) if report.recipients.is_empty() => self.record(out, file, n, &report, None),
            Ok(report) => {
                for r in &report.recipients {
                    self.record(out, file, n, &report, Some(r))?;
                }
                Ok(())
            }
            Err(e) => self.error(out, file, n, &e),
        }
    }

    fn error(
        &mut self,
        out: &mut impl Write,
        file: &str,
        n: Option<u64>,
        e: &BounceError,
    ) -> io::Result<()> {
        let none = self.none;
        let rec = Record {
            file,
            message: n,
            kind: Kind::NotBounce,
            format: None,
            recipient: None,
            original_recipient: None,
            dsn_action: None,
            status: None,
            remote_mta: None,
            diagnostic_type: None,
            diagnostic: None,
            c: &none,
            feedback_type: None,
            subject: None,
            original_message_id: None,
            truncated: false,
            error: Some(e.to_string()),
        };
        self.write(out, &rec)
    }

    fn record(
        &mut self,
        out: &mut impl Write,
        file: &str,
        n: Option<u64>,
        report: &Report,
        r: Option<&Recipient>,
    ) -> io::Result<()> {
        let diag = r.and_then(|r| r.diagnostic.as_ref());
        let none = self.none;
        let rec = Record {
            file,
            message: n,
            kind: report.kind,
            format: Some(report.format),
            recipient: r.map(|r| r.recipient.as_str()),
            original_recipient: r.and_then(|r| r.original_recipient.as_deref()),
            dsn_action: r.and_then(|r| r.action),
            status: r.and_then(|r| r.status).map(|s| s.to_string()),
            remote_mta: r.and_then(|r| r.remote_mta.as_deref()),
            diagnostic_type: diag.and_then(|d| d.kind.as_deref()),
            diagnostic: diag.map(|d| &*d.text),
            c: r.map_or(&none, |r| &r.classification),
            feedback_type: report.feedback_type.as_deref(),
            subject: report.subject.as_deref(),
            original_message_id: report
                .original
                .as_ref()
                .and_then(|o| o.message_id.as_deref()),
            truncated: report.truncated,
            error: (!report.problems.is_empty()).then(|| report.problems.join("; ")),
        };
        self.write(out, &rec)
    }

    fn write(&mut self, out: &mut impl Write, rec: &Record<'_>) -> io::Result<()> {
        let c = rec.c;
        let status = match (rec.dsn_action, rec.recipient) {
            (Some(a), _) => a.as_str(),
            (None, Some(_)) => "-",
            (None, None) => rec.kind.as_str(),
        };
        if let Some(h) = &mut self.html {
            h.add(status, c, rec.recipient, None);
            if let Some(r) = rec.recipient {
                h.suppress
                    .add(r, c, None, None, rec.diagnostic.unwrap_or(""));
            }
            return Ok(());
        }
        if let Some(s) = &mut self.summary {
            s.add(status, c, rec.recipient);
            return Ok(());
        }
        if let Some(l) = &mut self.suppress {
            if let Some(r) = rec.recipient {
                l.add(r, c, None, None, rec.diagnostic.unwrap_or(""));
            }
            return Ok(());
        }
        match self.format {
            Format::Json => {
                // `From` keeps the kind of an error of the output (a closed pipe).
                serde_json::to_writer(&mut *out, rec).map_err(io::Error::from)?;
                out.write_all(b"\n")
            }
            Format::Tsv | Format::Csv => {
                let opt = |s: Option<&str>| s.map(String::from).unwrap_or_default();
                report::row(
                    out,
                    self.format,
                    [
                        String::from(rec.file),
                        rec.message.map(|n| n.to_string()).unwrap_or_default(),
                        rec.kind.to_string(),
                        opt(rec.recipient),
                        opt(rec.original_recipient),
                        rec.dsn_action.map(|a| a.as_str()).unwrap_or("").to_string(),
                        rec.status.clone().unwrap_or_default(),
                        opt(rec.remote_mta),
                        c.command().map(|c| c.as_str()).unwrap_or("").to_string(),
                        c.code().map(|c| c.as_u16().to_string()).unwrap_or_default(),
                        c.enhanced().map(|e| e.to_string()).unwrap_or_default(),
                        c.outcome().to_string(),
                        c.bounce().to_string(),
                        c.reason().to_string(),
                        c.action().to_string(),
                        crate::output::retry_text(c.retry()).to_string(),
                        c.provider().map(|p| p.name()).unwrap_or("").to_string(),
                        c.rule().to_string(),
                        opt(rec.diagnostic_type),
                        opt(rec.diagnostic.or(rec.error.as_deref())),
                    ],
                )
            }
            Format::Table => {
                let file = Path::new(rec.file)
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_else(|| rec.file.to_string());
                let file = match rec.message {
                    Some(n) => format!("{file}#{n}"),
                    None => file,
                };
                let diag: String =
                    term::clean(rec.diagnostic.or(rec.error.as_deref()).unwrap_or(""))
                        .chars()
                        .take(60)
                        .collect();
                writeln!(
                    out,
                    "{:<28} {:<16} {:<32} {:<7} {:<5} {:<18} {:<11} {}",
                    term::clip(&file, 28),
                    rec.kind.as_str(),
                    term::clip(rec.recipient.unwrap_or("-"), 32),
                    rec.status.as_deref().unwrap_or("-"),
                    c.bounce().as_str(),
                    c.reason().as_str(),
                    c.command().map(|c| c.as_str()).unwrap_or("-"),
                    diag
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(input: &[u8]) -> Vec<(Option<u64>, Vec<u8>)> {
        let mut v = Vec::new();
        let mut r = io::BufReader::with_capacity(16, input);
        read_stream(&mut r, "t", &mut |_, n, raw, _| {
            v.push((n, raw.to_vec()));
            Ok(())
        })
        .unwrap();
        v
    }

    #[test]
    fn splits_an_mbox() {
        let v = messages(
            b"From a@b Thu Jul  2 12:05:05 2020\nSubject: one\n\n>From the start\n\nFrom b@c Thu Jul  2 12:05:06 2020\nSubject: two\n\nbody\nFrom c@d Fri Jul  3 01:00:00 2020\nSubject: three\n\n",
        );
        let subjects: Vec<_> = v
            .iter()
            .map(|(n, m)| {
                (
                    n.unwrap(),
                    String::from_utf8_lossy(m)
                        .lines()
                        .next()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect();
        assert_eq!(
            subjects,
            vec![
                (1, "Subject: one".to_string()),
                (2, "Subject: two".to_string()),
                (3, "Subject: three".to_string())
            ]
        );
        assert!(String::from_utf8_lossy(&v[0].1).contains("\nFrom the start"));
    }

    #[test]
    fn a_single_message_is_kept_whole() {
        let v = messages(b"Subject: x\n\nFrom here on it is the body\n");
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].0, None);
        assert!(v[0].1.ends_with(b"body\n"));
    }
}
