//! Record formats (JSON lines, TSV, table), the summary, and the table listings.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;
use smtpcode::{Bounce, Classification, Outcome, Reason};

use crate::{Format, term};

/// A classification plus the record's own fields, for JSON.
#[derive(Serialize)]
struct JsonRecord<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(flatten)]
    c: &'a Classification,
    #[serde(skip_serializing_if = "Option::is_none")]
    input: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
}

/// Is this no reply at all: no code, no class and no known phrase (bounce `unknown`)? Such a
/// line is neither a bounce nor a success, and the summaries count it apart.
pub fn is_no_reply(c: &Classification) -> bool {
    c.bounce() == Bounce::Unknown
}

/// Why a line gave no information, if it gave none.
fn error_of(c: &Classification, input: &[u8]) -> Option<&'static str> {
    if !is_no_reply(c) {
        None
    } else if input.iter().all(|b| b.is_ascii_whitespace() || *b == 0) {
        Some("empty line")
    } else {
        Some("no reply code and no known phrase")
    }
}

/// Streams records in one format; the header (TSV, table) comes with the first record.
pub struct Records {
    format: Format,
    /// The input line is a field of each record.
    echo: bool,
    /// The line number is a field of each record.
    line: bool,
    /// The file is a field of each record.
    file: bool,
    started: bool,
}

/// The TSV and CSV columns after `file` and `line`, before `input`.
const COLUMNS: [&str; 11] = [
    "code",
    "enhanced",
    "outcome",
    "bounce",
    "reason",
    "action",
    "retry",
    "provider",
    "provider_code",
    "command",
    "rule",
];

/// Width of the table's FILE column.
const FILE_WIDTH: usize = 24;

impl Records {
    /// Records in `format`, with the input line (`echo`), the line number (`line`) and the
    /// file (`file`) as fields or not.
    pub fn new(format: Format, echo: bool, line: bool, file: bool) -> Self {
        Records {
            format,
            echo,
            line,
            file,
            started: false,
        }
    }

    /// Writes the header if no record did yet.
    pub fn finish(&mut self, out: &mut impl Write) -> io::Result<()> {
        self.header(out)
    }

    fn header(&mut self, out: &mut impl Write) -> io::Result<()> {
        if std::mem::replace(&mut self.started, true) {
            return Ok(());
        }
        match self.format {
            Format::Json => Ok(()),
            Format::Tsv | Format::Csv => {
                let cols = (self.file.then_some("file").into_iter())
                    .chain(self.line.then_some("line"))
                    .chain(COLUMNS)
                    .chain(self.echo.then_some("input"));
                crate::report::row(out, self.format, cols)
            }
            Format::Table => {
                if self.file {
                    write!(out, "{:<FILE_WIDTH$} ", "FILE")?;
                }
                writeln!(
                    out,
                    "{:>5}  {:<4} {:<7} {:<9} {:<5}  {:<18} {:<18} {:<11} INPUT",
                    "LINE", "CODE", "ENH", "OUTCOME", "BOUNCE", "REASON", "ACTION", "PROVIDER"
                )
            }
        }
    }

    /// Writes the record of one input line (`file` and `line` are written only when the
    /// records have those fields).
    pub fn record(
        &mut self,
        out: &mut impl Write,
        file: Option<&str>,
        line: Option<u64>,
        c: &Classification,
        input: &[u8],
        truncated: bool,
    ) -> io::Result<()> {
        self.header(out)?;
        let file = file.filter(|_| self.file);
        let line = line.filter(|_| self.line);
        let code = c.code().map(|c| c.as_u16().to_string()).unwrap_or_default();
        let enhanced = c.enhanced().map(|e| e.to_string()).unwrap_or_default();
        let provider = c.provider().map(|p| p.name()).unwrap_or("");
        match self.format {
            Format::Json => {
                let rec = JsonRecord {
                    file,
                    line,
                    c,
                    input: self
                        .echo
                        .then(|| String::from_utf8_lossy(input).into_owned()),
                    truncated,
                    error: error_of(c, input),
                };
                // `From` keeps the kind of an error of the output (a closed pipe ends the
                // run quietly).
                serde_json::to_writer(&mut *out, &rec).map_err(io::Error::from)?;
                out.write_all(b"\n")
            }
            Format::Tsv | Format::Csv => {
                let mut f: Vec<Cow<'_, str>> = Vec::with_capacity(15);
                if self.file {
                    f.push(file.unwrap_or("").into());
                }
                if self.line {
                    f.push(line.map(|n| n.to_string()).unwrap_or_default().into());
                }
                f.extend([
                    code.into(),
                    enhanced.into(),
                    c.outcome().as_str().into(),
                    c.bounce().as_str().into(),
                    c.reason().as_str().into(),
                    c.action().as_str().into(),
                    retry_text(c.retry()).into(),
                    provider.into(),
                    c.provider_code().unwrap_or("").into(),
                    c.command().map(|c| c.as_str()).unwrap_or("").into(),
                    c.rule().into(),
                ]);
                if self.echo {
                    f.push(String::from_utf8_lossy(input));
                }
                // TSV fields are cleaned of tabs and control characters, CSV fields quoted.
                crate::report::row(out, self.format, f)
            }
            Format::Table => {
                if self.file {
                    write!(
                        out,
                        "{:<FILE_WIDTH$} ",
                        term::clip_start(file.unwrap_or(""), FILE_WIDTH)
                    )?;
                }
                let line = line.map(|n| n.to_string()).unwrap_or_default();
                let text: String = term::clean(&String::from_utf8_lossy(input))
                    .chars()
                    .take(72)
                    .collect();
                writeln!(
                    out,
                    "{line:>5}  {code:<4} {enhanced:<7} {:<9} {:<5}  {:<18} {:<18} {provider:<11} {text}",
                    c.outcome().as_str(),
                    c.bounce().as_str(),
                    c.reason().as_str(),
                    c.action().as_str(),
                )
            }
        }
    }
}

/// Counts for `classify --summary`.
#[derive(Default)]
pub struct Summary {
    lines: u64,
    with_code: u64,
    with_provider: u64,
    reasons: BTreeMap<Reason, u64>,
    bounces: BTreeMap<&'static str, u64>,
    outcomes: BTreeMap<Outcome, u64>,
    providers: BTreeMap<&'static str, u64>,
}

/// The total of `classify --summary` that counts lines that are no reply.
pub const NO_REPLY: &str = "no_reply";

impl Summary {
    pub fn add(&mut self, c: &Classification) {
        self.lines += 1;
        if c.code().is_some() || c.enhanced().is_some() {
            self.with_code += 1;
        }
        if let Some(p) = c.provider() {
            self.with_provider += 1;
            *self.providers.entry(p.name()).or_default() += 1;
        }
        *self.reasons.entry(c.reason()).or_default() += 1;
        *self.bounces.entry(c.bounce().as_str()).or_default() += 1;
        *self.outcomes.entry(c.outcome()).or_default() += 1;
    }

    /// Lines that are no reply ([`is_no_reply`]): the bounce section's `unknown`.
    fn no_reply(&self) -> u64 {
        self.bounces
            .get(Bounce::Unknown.as_str())
            .copied()
            .unwrap_or(0)
    }

    /// The totals, in the order they are printed.
    fn totals(&self) -> [(&'static str, u64); 4] {
        [
            ("lines", self.lines),
            ("with_code", self.with_code),
            ("with_provider", self.with_provider),
            (NO_REPLY, self.no_reply()),
        ]
    }

    /// The sections, in the order they are printed: outcomes and bounces by name, reasons
    /// and providers most frequent first.
    fn sections(&self) -> [(&'static str, Vec<(&'static str, u64)>); 4] {
        let by_count = |mut v: Vec<(&'static str, u64)>| {
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            v
        };
        [
            (
                "outcome",
                self.outcomes
                    .iter()
                    .map(|(k, v)| (k.as_str(), *v))
                    .collect(),
            ),
            (
                "bounce",
                self.bounces.iter().map(|(k, v)| (*k, *v)).collect(),
            ),
            (
                "reason",
                by_count(self.reasons.iter().map(|(k, v)| (k.as_str(), *v)).collect()),
            ),
            (
                "provider",
                by_count(self.providers.iter().map(|(k, v)| (*k, *v)).collect()),
            ),
        ]
    }

    fn share(&self, n: u64) -> f64 {
        if self.lines == 0 {
            0.0
        } else {
            n as f64 / self.lines as f64
        }
    }

    pub fn write(&self, out: &mut impl Write, format: Format) -> io::Result<()> {
        match format {
            Format::Json => {
                let mut v = serde_json::Map::new();
                for (k, n) in self.totals() {
                    v.insert(k.into(), n.into());
                }
                for (title, rows) in self.sections() {
                    let m: serde_json::Map<String, serde_json::Value> = rows
                        .into_iter()
                        .map(|(k, n)| (k.to_string(), n.into()))
                        .collect();
                    v.insert(title.into(), m.into());
                }
                serde_json::to_writer(&mut *out, &v).map_err(io::Error::from)?;
                out.write_all(b"\n")
            }
            // The long form of `logs --summary`: one row per count.
            Format::Tsv | Format::Csv => {
                crate::report::row(out, format, ["section", "key", "count", "share"])?;
                for (k, n) in self.totals() {
                    crate::report::row(out, format, ["total", k, &n.to_string(), ""])?;
                }
                for (title, rows) in self.sections() {
                    for (k, n) in rows {
                        let share = format!("{:.4}", self.share(n));
                        crate::report::row(out, format, [title, k, &n.to_string(), &share])?;
                    }
                }
                Ok(())
            }
            Format::Table => {
                writeln!(
                    out,
                    "lines: {}  with a code: {}  with a known provider: {}  no reply: {}",
                    self.lines,
                    self.with_code,
                    self.with_provider,
                    self.no_reply()
                )?;
                for (title, rows) in self.sections() {
                    writeln!(out, "\n{title}:")?;
                    for (k, v) in rows {
                        let pct = 100.0 * self.share(v);
                        writeln!(out, "  {k:<20} {v:>10}  {pct:5.1}%")?;
                    }
                }
                Ok(())
            }
        }
    }
}

/// Writes the rows of a table in JSON (one object per line), TSV or CSV (a header line with
/// the field names, then one line per row): each row in the core crate's serde form.
/// The tables' texts come from tab-separated data files, so they hold no tab nor line break
/// and TSV needs no quoting.
fn listing<T: Serialize>(
    out: &mut impl Write,
    format: Format,
    rows: impl Iterator<Item = T>,
) -> io::Result<()> {
    if format == Format::Json {
        for r in rows {
            serde_json::to_writer(&mut *out, &r).map_err(io::Error::from)?;
            out.write_all(b"\n")?;
        }
        return Ok(());
    }
    let mut b = csv::WriterBuilder::new();
    if format == Format::Tsv {
        b.delimiter(b'\t').quote_style(csv::QuoteStyle::Never);
    }
    let mut w = b.from_writer(out);
    for r in rows {
        w.serialize(r).map_err(csv_error)?;
    }
    w.flush()
}

/// An error of the csv writer as an I/O error, keeping the kind of an error of the output (a
/// closed pipe ends the run quietly).
fn csv_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// `smtpcode codes`.
pub fn codes(class: Option<u8>, enhanced: bool, long: bool, format: Format) -> io::Result<()> {
    if let Some(c) = class {
        if !(1..=5).contains(&c) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("--class {c}: the class is the first digit, 1 to 5"),
            ));
        }
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    if enhanced {
        let rows = smtpcode::enhanced_codes().iter().filter(|e| {
            let allowed = |d: u8| smtpcode::Class::from_digit(d).is_some_and(|k| e.allows_class(k));
            class.is_none_or(allowed)
        });
        if format != Format::Table {
            listing(&mut out, format, rows)?;
            return out.flush();
        }
        for e in rows {
            let reason = e.reason().map(|r| r.as_str()).unwrap_or("");
            if long {
                writeln!(
                    out,
                    "{}  {}\n  {}\n  basic codes: {}; reason: {}; source: {}\n",
                    e.code(),
                    e.title(),
                    e.meaning(),
                    e.basic_codes(),
                    if reason.is_empty() { "-" } else { reason },
                    e.source()
                )?;
            } else {
                writeln!(out, "{:<7} {:<60} {}", e.code(), e.title(), reason)?;
            }
        }
        return out.flush();
    }
    let rows = smtpcode::codes()
        .iter()
        .filter(|info| class.is_none_or(|c| u16::from(c) == info.code() / 100));
    if format != Format::Table {
        listing(&mut out, format, rows)?;
        return out.flush();
    }
    if !long {
        writeln!(out, "{:<4} {:<11} {:<40} REASON", "CODE", "STATUS", "NAME")?;
    }
    for info in rows {
        if long {
            crate::card::code_card(&mut out, info)?;
        } else {
            let reason = info.reason().map(|r| r.as_str()).unwrap_or("");
            writeln!(
                out,
                "{:<4} {:<11} {:<40} {}",
                info.code(),
                info.status().as_str(),
                info.name(),
                reason
            )?;
        }
    }
    out.flush()
}

/// `smtpcode reasons`.
pub fn reasons(format: Format) -> io::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    if format != Format::Table {
        listing(&mut out, format, Reason::ALL.iter().map(|r| r.info()))?;
        return out.flush();
    }
    for r in Reason::ALL {
        let i = r.info();
        let (pb, pa, _) = i.permanent();
        let (tb, ta, _) = i.transient();
        writeln!(out, "{}  ({} fault)", r, i.fault())?;
        crate::card::wrapped(&mut out, "", i.summary())?;
        writeln!(
            out,
            "  permanent: {pb} bounce, {pa}; transient: {tb} bounce, {ta}"
        )?;
        crate::card::wrapped(&mut out, "maps to", i.taxonomies())?;
        writeln!(out)?;
    }
    out.flush()
}

/// The retry field of a TSV or CSV record: `true`, `false`, or empty when unknown.
pub(crate) fn retry_text(retry: Option<bool>) -> &'static str {
    match retry {
        Some(true) => "true",
        Some(false) => "false",
        None => "",
    }
}
