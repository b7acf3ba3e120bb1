//! `smtpcode logs`: mail logs in (plain, `.gz`, `.zst`, standard input as a stream), one
//! record per delivery event out, or the summary, or the suppression list.
//!
//! Lines are read and taken apart in order on one thread (the joins by queue id need the
//! order); the replies of a block of events are classified on all cores (rayon), then the
//! block is written in order. On a stream, a block ends whenever the input has nothing more
//! to give at once, so that `tail -F maillog | smtpcode logs -` prints each event as its line
//! arrives.

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;
use smtpcode::Classifier;
use smtpcode::log::{Event, LineInfo, LineKind, LogReader, LogTime, Mta, SuppressionList};

use crate::report::{self, Deliveries};
use crate::{Format, html, inputs, lines, term};

/// What `logs` prints.
pub struct Options {
    pub files: Vec<PathBuf>,
    pub format: Format,
    pub summary: bool,
    pub suppress: bool,
    pub all: bool,
    pub report: Option<PathBuf>,
    pub since: Option<LogTime>,
    pub until: Option<LogTime>,
    pub year: Option<i16>,
    pub log_format: Option<Mta>,
    pub progress: bool,
}

/// A block ends after this many events, or this many bytes of lines.
const BLOCK_EVENTS: usize = 4096;
const BLOCK_BYTES: usize = 4 << 20;
/// Below this many events a block is classified on the reading thread.
const PARALLEL_FROM: usize = 64;
/// Problems shown per input; the rest are counted.
const SHOWN_PROBLEMS: u64 = 20;

/// One line of a block: its events (by their range in the block's events), or what it is.
struct Item {
    file: usize,
    line: u64,
    kind: LineKind,
    mta: Option<Mta>,
    events: (usize, usize),
    /// The line itself, kept for `--all` when it gave no event.
    raw: Option<Vec<u8>>,
}

/// Counts for the summary and the closing messages.
#[derive(Default)]
struct Counts {
    lines: u64,
    kinds: [u64; 4],
    problems: u64,
    undated: u64,
    outside: u64,
}

struct Run<'a, W: Write> {
    opts: &'a Options,
    classifier: &'a Classifier,
    out: W,
    names: Vec<String>,
    records: Records,
    summary: Deliveries,
    suppress: SuppressionList,
    counts: Counts,
    /// What `--report` counts.
    html: Option<html::Collector>,
}

/// `smtpcode logs FILE...`
pub fn run(classifier: &Classifier, opts: &Options, read: &mut inputs::Outcome) -> io::Result<()> {
    let target = opts
        .report
        .as_deref()
        .map(html::Target::create)
        .transpose()?;
    let stdout = io::stdout();
    let out = io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut run = Run {
        opts,
        classifier,
        out,
        names: Vec::new(),
        records: Records::new(opts.format),
        summary: Deliveries::default(),
        suppress: SuppressionList::new(),
        counts: Counts::default(),
        html: opts.report.is_some().then(html::Collector::new),
    };
    let mut reader = LogReader::new()
        .classifier(classifier.clone())
        .deferred_classification();
    let mut note = None;
    if let Some(y) = opts.year {
        reader = reader.year(y);
    } else if opts.report.is_some() {
        // A chart over time needs the year that traditional syslog times leave out.
        let y = jiff::tz::TimeZone::UTC
            .to_datetime(jiff::Timestamp::now())
            .year();
        reader = reader.year(y);
        note = Some(format!(
            "Times without a year (traditional syslog) are read in {y}; --year gives another."
        ));
    }
    if let Some(f) = opts.log_format {
        reader = reader.format(f);
    }
    let list = inputs::list(&opts.files, false, read);
    inputs::read_each(&list, read, |input, r| {
        reader.new_input();
        let name = input.name();
        run.names.push(name.clone());
        let file = run.names.len() - 1;
        // A regular file has a size for the progress bar; stdin, a FIFO... are streams.
        let size = match input {
            inputs::Input::File(p) => std::fs::metadata(p)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len()),
            inputs::Input::Stdin => None,
        };
        let stream = size.is_none();
        let bar = (opts.progress && !stream && io::stderr().is_terminal())
            .then(|| progress_bar(&name, size.unwrap_or(0)));
        let result = run.input(&mut reader, r, file, stream, bar.as_ref());
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        result
    })?;
    run.finish(read, target.map(|t| (t, note)))
}

fn progress_bar(name: &str, size: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(size),
        indicatif::ProgressDrawTarget::stderr_with_hz(4),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg:20!} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    bar.set_message(term::clip(name, 20));
    bar
}

/// Counts what is consumed of the raw input, for the progress bar.
struct Counted<R> {
    inner: R,
    bar: Option<indicatif::ProgressBar>,
    unreported: u64,
}

impl<R: BufRead> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        lines::read_buffered(self, buf)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, n: usize) {
        self.inner.consume(n);
        self.unreported += n as u64;
        if self.unreported >= 256 * 1024 {
            if let Some(b) = &self.bar {
                b.inc(self.unreported);
            }
            self.unreported = 0;
        }
    }
}

impl<W: Write> Run<'_, W> {
    fn input(
        &mut self,
        reader: &mut LogReader,
        raw: &mut dyn BufRead,
        file: usize,
        stream: bool,
        bar: Option<&indicatif::ProgressBar>,
    ) -> io::Result<()> {
        // How much of the raw input is buffered: a stream's block ends when nothing is.
        let raw = lines::Pending::new(Counted {
            inner: raw,
            bar: bar.cloned(),
            unreported: 0,
        });
        let left = raw.watch();
        let mut text = lines::Decoded::new(raw)?;
        let mut buf = Vec::new();
        let mut events: Vec<Event> = Vec::new();
        let mut items: Vec<Item> = Vec::new();
        let mut bytes = 0usize;
        let mut line_no = 0u64;
        let mut shown = 0u64;
        let name = self.names[file].clone();
        loop {
            if stream && !items.is_empty() && left.get() == 0 {
                // Nothing more at once: print what is read before waiting for more.
                self.block(&mut events, &mut items)?;
                bytes = 0;
                self.out.flush()?;
            }
            let truncated = match lines::next_line(&mut text, &mut buf) {
                Ok(Some(t)) => t,
                Ok(None) => break,
                Err(e) => {
                    // What was read still counts.
                    self.block(&mut events, &mut items)?;
                    return Err(inputs::annotate(e, &format!("after line {line_no}")));
                }
            };
            line_no += 1;
            self.counts.lines += 1;
            if truncated {
                eprintln!(
                    "smtpcode: {}:{line_no}: line longer than {} MiB: read its first MiB",
                    term::clean(&name),
                    lines::MAX_LINE >> 20
                );
            }
            let start = events.len();
            let info: LineInfo = reader.read_line(&buf, &mut events);
            if truncated {
                for e in &mut events[start..] {
                    e.truncated = true;
                }
            }
            if let Some(p) = &info.problem {
                self.counts.problems += 1;
                shown += 1;
                if shown <= SHOWN_PROBLEMS {
                    eprintln!(
                        "smtpcode: {}:{line_no}: {}",
                        term::clean(&name),
                        term::clean(p)
                    );
                }
            }
            let k = LineKind::ALL
                .iter()
                .position(|k| *k == info.kind)
                .unwrap_or(0);
            self.counts.kinds[k] += 1;
            // --all (which the command line allows only when records are printed) keeps
            // the lines that gave no event too.
            if events.len() > start || self.opts.all {
                items.push(Item {
                    file,
                    line: line_no,
                    kind: info.kind,
                    mta: info.mta,
                    events: (start, events.len()),
                    raw: (self.opts.all && events.len() == start).then(|| buf.clone()),
                });
            }
            bytes += buf.len();
            if events.len() >= BLOCK_EVENTS || bytes >= BLOCK_BYTES {
                self.block(&mut events, &mut items)?;
                bytes = 0;
            }
        }
        if shown > SHOWN_PROBLEMS {
            eprintln!(
                "smtpcode: {}: {} more lines that could not be read (not shown)",
                term::clean(&name),
                shown - SHOWN_PROBLEMS
            );
        }
        self.block(&mut events, &mut items)
    }

    /// Classifies a block's events, then writes (or counts) them in order.
    fn block(&mut self, events: &mut Vec<Event>, items: &mut Vec<Item>) -> io::Result<()> {
        let c = self.classifier;
        if events.len() >= PARALLEL_FROM {
            events.par_iter_mut().for_each(|e| e.classify_with(c));
        } else {
            events.iter_mut().for_each(|e| e.classify_with(c));
        }
        for item in items.drain(..) {
            for e in &events[item.events.0..item.events.1] {
                if !self.in_range(e) {
                    continue;
                }
                if let Some(h) = &mut self.html {
                    h.add(
                        e.status.as_str(),
                        &e.classification,
                        e.recipient.as_deref(),
                        e.timestamp,
                    );
                    h.suppress.add_event(e);
                } else if self.opts.summary {
                    self.summary
                        .add(e.status.as_str(), &e.classification, e.recipient.as_deref());
                } else if self.opts.suppress {
                    self.suppress.add_event(e);
                } else {
                    let name = &self.names[item.file];
                    self.records.event(&mut self.out, name, item.line, e)?;
                }
            }
            if let Some(raw) = &item.raw {
                let name = &self.names[item.file];
                self.records
                    .other(&mut self.out, name, item.line, item.kind, item.mta, raw)?;
            }
        }
        events.clear();
        Ok(())
    }

    fn in_range(&mut self, e: &Event) -> bool {
        if self.opts.since.is_none() && self.opts.until.is_none() {
            return true;
        }
        let Some(t) = e.timestamp else {
            self.counts.undated += 1;
            return false;
        };
        let ok = self.opts.since.is_none_or(|s| t.compare(&s).is_ge())
            && self.opts.until.is_none_or(|u| t.compare(&u).is_lt());
        if !ok {
            self.counts.outside += 1;
        }
        ok
    }

    fn finish(
        mut self,
        read: &inputs::Outcome,
        report: Option<(html::Target, Option<String>)>,
    ) -> io::Result<()> {
        let c = &self.counts;
        let mut totals = vec![
            ("lines", c.lines),
            ("delivery_lines", c.kinds[0]),
            ("other_lines", c.kinds[1]),
            ("unrecognized_lines", c.kinds[2]),
            ("empty_lines", c.kinds[3]),
            ("unreadable_lines", c.problems),
        ];
        if self.opts.since.is_some() || self.opts.until.is_some() {
            totals.push(("outside_the_times", c.outside));
            totals.push(("without_a_time", c.undated));
        }
        if let Some(h) = &mut self.html {
            // The report and the summary are the same counts.
            h.summary.totals = totals;
            if self.opts.summary {
                h.summary.write(&mut self.out, self.opts.format)?;
            }
        } else if self.opts.summary {
            self.summary.totals = totals;
            self.summary.write(&mut self.out, self.opts.format)?;
        } else if self.opts.suppress {
            let list = std::mem::take(&mut self.suppress).into_sorted();
            report::write_suppressions(&mut self.out, &list, self.opts.format)?;
        } else if read.unreadable == 0 {
            self.records.finish(&mut self.out)?;
        }
        if let (Some(h), Some((target, note))) = (self.html.take(), report) {
            self.out.flush()?;
            let meta = html::Meta {
                command: "logs",
                inputs: &self.names,
                note,
                timed: true,
            };
            target.write(&h, &meta)?;
        }
        self.out.flush()?;
        if c.undated > 0 {
            eprintln!(
                "smtpcode: {} events have no time that --since/--until can compare, and were left \
                 out (traditional syslog times have no year: give --year)",
                c.undated
            );
        }
        let unreadable = self.counts.problems;
        if unreadable > 0 {
            return Err(io::Error::other(format!(
                "{unreadable} line{} could not be read as records of their format (see above)",
                if unreadable == 1 { "" } else { "s" }
            )));
        }
        Ok(())
    }
}

/// The JSON record of an event.
#[derive(Serialize)]
struct JsonEvent<'a> {
    file: &'a str,
    line: u64,
    kind: LineKind,
    #[serde(flatten)]
    event: &'a Event,
}

/// The JSON record of a line without events (`--all`).
#[derive(Serialize)]
struct JsonOther<'a> {
    file: &'a str,
    line: u64,
    kind: LineKind,
    mta: Option<Mta>,
    input: String,
}

const COLUMNS: [&str; 26] = [
    "file",
    "line",
    "kind",
    "time",
    "timestamp",
    "mta",
    "host",
    "queue_id",
    "status",
    "recipient",
    "original_recipient",
    "sender",
    "relay",
    "dsn",
    "code",
    "enhanced",
    "outcome",
    "bounce",
    "reason",
    "action",
    "command",
    "provider",
    "cause",
    "rule",
    "truncated",
    "text",
];

/// Writes records in one format; the header comes with the first one.
struct Records {
    format: Format,
    started: bool,
}

impl Records {
    fn new(format: Format) -> Records {
        Records {
            format,
            started: false,
        }
    }

    fn header(&mut self, out: &mut impl Write) -> io::Result<()> {
        if std::mem::replace(&mut self.started, true) {
            return Ok(());
        }
        match self.format {
            Format::Json => Ok(()),
            Format::Tsv | Format::Csv => report::row(out, self.format, COLUMNS),
            Format::Table => writeln!(
                out,
                "{:<24} {:<16} {:<8} {:<30} {:<5} {:<18} TEXT",
                "FILE:LINE", "TIME", "STATUS", "RECIPIENT", "BOUNCE", "REASON"
            ),
        }
    }

    fn finish(&mut self, out: &mut impl Write) -> io::Result<()> {
        self.header(out)
    }

    fn event(&mut self, out: &mut impl Write, file: &str, line: u64, e: &Event) -> io::Result<()> {
        self.header(out)?;
        let c = &e.classification;
        match self.format {
            Format::Json => {
                let rec = JsonEvent {
                    file,
                    line,
                    kind: LineKind::Delivery,
                    event: e,
                };
                serde_json::to_writer(&mut *out, &rec).map_err(io::Error::from)?;
                out.write_all(b"\n")
            }
            Format::Tsv | Format::Csv => {
                let opt = |s: Option<&str>| s.map(String::from).unwrap_or_default();
                report::row(
                    out,
                    self.format,
                    [
                        String::from(file),
                        line.to_string(),
                        "delivery".to_string(),
                        opt(e.time.as_deref()),
                        e.timestamp.map(|t| t.to_string()).unwrap_or_default(),
                        e.mta.to_string(),
                        opt(e.host.as_deref()),
                        opt(e.queue_id.as_deref()),
                        e.status.to_string(),
                        opt(e.recipient.as_deref()),
                        opt(e.original_recipient.as_deref()),
                        opt(e.sender.as_deref()),
                        opt(e.relay.as_deref()),
                        opt(e.dsn.as_deref()),
                        c.code().map(|c| c.as_u16().to_string()).unwrap_or_default(),
                        c.enhanced().map(|e| e.to_string()).unwrap_or_default(),
                        c.outcome().to_string(),
                        c.bounce().to_string(),
                        c.reason().to_string(),
                        c.action().to_string(),
                        c.command().map(|c| c.to_string()).unwrap_or_default(),
                        c.provider()
                            .map(|p| p.name().to_string())
                            .unwrap_or_default(),
                        e.cause.map(|r| r.to_string()).unwrap_or_default(),
                        c.rule().to_string(),
                        e.truncated.to_string(),
                        String::from(&e.text),
                    ],
                )
            }
            Format::Table => {
                let place = format!(
                    "{}:{line}",
                    std::path::Path::new(file)
                        .file_name()
                        .map_or_else(|| file.into(), |f| f.to_string_lossy())
                );
                writeln!(
                    out,
                    "{:<24} {:<16} {:<8} {:<30} {:<5} {:<18} {}",
                    term::clip(&place, 24),
                    term::clip(e.time.as_deref().unwrap_or("-"), 16),
                    e.status.as_str(),
                    term::clip(e.recipient.as_deref().unwrap_or("-"), 30),
                    c.bounce().as_str(),
                    c.reason().as_str(),
                    term::clip(&e.text, 70)
                )
            }
        }
    }

    fn other(
        &mut self,
        out: &mut impl Write,
        file: &str,
        line: u64,
        kind: LineKind,
        mta: Option<Mta>,
        raw: &[u8],
    ) -> io::Result<()> {
        self.header(out)?;
        let text = String::from_utf8_lossy(raw);
        match self.format {
            Format::Json => {
                let rec = JsonOther {
                    file,
                    line,
                    kind,
                    mta,
                    input: text.into_owned(),
                };
                serde_json::to_writer(&mut *out, &rec).map_err(io::Error::from)?;
                out.write_all(b"\n")
            }
            Format::Tsv | Format::Csv => {
                let mut f: Vec<String> = vec![String::new(); COLUMNS.len()];
                f[0] = String::from(file);
                f[1] = line.to_string();
                f[2] = kind.to_string();
                f[5] = mta.map(|m| m.to_string()).unwrap_or_default();
                f[COLUMNS.len() - 1] = text.into_owned();
                report::row(out, self.format, f)
            }
            Format::Table => {
                let place = format!(
                    "{}:{line}",
                    std::path::Path::new(file)
                        .file_name()
                        .map_or_else(|| file.into(), |f| f.to_string_lossy())
                );
                writeln!(
                    out,
                    "{:<24} ({kind}) {}",
                    term::clip(&place, 24),
                    term::clip(&text, 110)
                )
            }
        }
    }
}
