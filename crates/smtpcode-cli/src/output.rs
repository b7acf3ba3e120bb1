//! Record formats (JSON lines, TSV, table), the summary, and the table listings.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;
use smtpcode::{Bounce, Classification, Outcome, Reason};

use crate::{Format, term};

/// A classification plus the record's own fields, for JSON.
#[derive(Serialize)]
struct JsonRecord<'a> {
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

/// Why a line gave no information, if it gave none.
fn error_of(c: &Classification, input: &[u8]) -> Option<&'static str> {
    if c.code().is_some() || c.enhanced().is_some() || c.reason() != Reason::Undetermined {
        None
    } else if input.iter().all(|b| b.is_ascii_whitespace() || *b == 0) {
        Some("empty line")
    } else {
        Some("no reply code and no known phrase")
    }
}

/// Writes one JSON object and a newline.
pub fn json_record(
    out: &mut impl Write,
    c: &Classification,
    line: Option<u64>,
    input: &[u8],
    echo: bool,
    truncated: bool,
) -> io::Result<()> {
    let rec = JsonRecord {
        line,
        c,
        input: echo.then(|| String::from_utf8_lossy(input).into_owned()),
        truncated,
        error: error_of(c, input),
    };
    // `From` keeps the kind of an error of the output (a closed pipe ends the run quietly).
    serde_json::to_writer(&mut *out, &rec).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// Streams records in one format; the header (TSV, table) comes with the first record.
pub struct Records {
    format: Format,
    echo: bool,
    started: bool,
}

const TSV_HEADER: &str = "line\tcode\tenhanced\toutcome\tbounce\treason\taction\tretry\tprovider\tprovider_code\tcommand\trule";

impl Records {
    pub fn new(format: Format, echo: bool) -> Self {
        Records {
            format,
            echo,
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
            Format::Tsv => {
                out.write_all(TSV_HEADER.as_bytes())?;
                if self.echo {
                    out.write_all(b"\tinput")?;
                }
                out.write_all(b"\n")
            }
            Format::Csv => {
                let mut cols: Vec<&str> = TSV_HEADER.split('\t').collect();
                if self.echo {
                    cols.push("input");
                }
                crate::report::row(out, Format::Csv, cols)
            }
            Format::Table => writeln!(
                out,
                "{:>5}  {:<4} {:<7} {:<9} {:<5}  {:<18} {:<18} {:<11} INPUT",
                "LINE", "CODE", "ENH", "OUTCOME", "BOUNCE", "REASON", "ACTION", "PROVIDER"
            ),
        }
    }

    pub fn record(
        &mut self,
        out: &mut impl Write,
        line: u64,
        c: &Classification,
        input: &[u8],
        truncated: bool,
    ) -> io::Result<()> {
        self.header(out)?;
        let code = c.code().map(|c| c.as_u16().to_string()).unwrap_or_default();
        let enhanced = c.enhanced().map(|e| e.to_string()).unwrap_or_default();
        let provider = c.provider().map(|p| p.name()).unwrap_or("");
        match self.format {
            Format::Json => json_record(out, c, Some(line), input, self.echo, truncated),
            Format::Tsv => {
                write!(
                    out,
                    "{line}\t{code}\t{enhanced}\t{}\t{}\t{}\t{}\t{}\t{provider}\t{}\t{}\t{}",
                    c.outcome(),
                    c.bounce(),
                    c.reason(),
                    c.action(),
                    retry_text(c.retry()),
                    c.provider_code().unwrap_or(""),
                    c.command().map(|c| c.as_str()).unwrap_or(""),
                    c.rule()
                )?;
                if self.echo {
                    out.write_all(b"\t")?;
                    out.write_all(term::clean(&String::from_utf8_lossy(input)).as_bytes())?;
                }
                out.write_all(b"\n")
            }
            Format::Csv => {
                let mut f = vec![
                    line.to_string(),
                    code,
                    enhanced,
                    c.outcome().to_string(),
                    c.bounce().to_string(),
                    c.reason().to_string(),
                    c.action().to_string(),
                    retry_text(c.retry()).to_string(),
                    provider.to_string(),
                    c.provider_code().unwrap_or("").to_string(),
                    c.command().map(|c| c.as_str()).unwrap_or("").to_string(),
                    c.rule().to_string(),
                ];
                if self.echo {
                    f.push(String::from_utf8_lossy(input).into_owned());
                }
                crate::report::row(out, Format::Csv, f)
            }
            Format::Table => {
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
    bounces: BTreeMap<Bounce, u64>,
    outcomes: BTreeMap<Outcome, u64>,
    providers: BTreeMap<&'static str, u64>,
}

impl Summary {
    pub fn add(&mut self, c: &Classification, _input: &[u8]) {
        self.lines += 1;
        if c.code().is_some() || c.enhanced().is_some() {
            self.with_code += 1;
        }
        if let Some(p) = c.provider() {
            self.with_provider += 1;
            *self.providers.entry(p.name()).or_default() += 1;
        }
        *self.reasons.entry(c.reason()).or_default() += 1;
        *self.bounces.entry(c.bounce()).or_default() += 1;
        *self.outcomes.entry(c.outcome()).or_default() += 1;
    }

    pub fn write(&self, out: &mut impl Write, format: Format) -> io::Result<()> {
        if format == Format::Json {
            let v = serde_json::json!({
                "lines": self.lines,
                "with_code": self.with_code,
                "with_provider": self.with_provider,
                "outcome": map_display(&self.outcomes),
                "bounce": map_display(&self.bounces),
                "reason": map_display(&self.reasons),
                "provider": map_display(&self.providers),
            });
            serde_json::to_writer(&mut *out, &v).map_err(io::Error::from)?;
            return out.write_all(b"\n");
        }
        writeln!(
            out,
            "lines: {}  with a code: {}  with a known provider: {}",
            self.lines, self.with_code, self.with_provider
        )?;
        self.section(
            out,
            "outcome",
            self.outcomes.iter().map(|(k, v)| (k.as_str(), *v)),
        )?;
        self.section(
            out,
            "bounce",
            self.bounces.iter().map(|(k, v)| (k.as_str(), *v)),
        )?;
        let mut reasons: Vec<_> = self.reasons.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        self.section(out, "reason", reasons.into_iter())?;
        let mut providers: Vec<_> = self.providers.iter().map(|(k, v)| (*k, *v)).collect();
        providers.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        self.section(out, "provider", providers.into_iter())
    }

    fn section<'a>(
        &self,
        out: &mut impl Write,
        title: &str,
        rows: impl Iterator<Item = (&'a str, u64)>,
    ) -> io::Result<()> {
        writeln!(out, "\n{title}:")?;
        for (k, v) in rows {
            let pct = if self.lines == 0 {
                0.0
            } else {
                100.0 * v as f64 / self.lines as f64
            };
            writeln!(out, "  {k:<20} {v:>10}  {pct:5.1}%")?;
        }
        Ok(())
    }
}

fn map_display<K: std::fmt::Display>(
    m: &BTreeMap<K, u64>,
) -> serde_json::Map<String, serde_json::Value> {
    m.iter()
        .map(|(k, v)| (k.to_string(), (*v).into()))
        .collect()
}

/// `smtpcode codes`.
pub fn codes(class: Option<u8>, enhanced: bool, long: bool, json: bool) -> io::Result<()> {
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
        for e in smtpcode::enhanced_codes() {
            let allowed = |d: u8| smtpcode::Class::from_digit(d).is_some_and(|k| e.allows_class(k));
            if class.is_some_and(|c| !allowed(c)) {
                continue;
            }
            let reason = e.reason().map(|r| r.as_str()).unwrap_or("");
            if json {
                let v = serde_json::json!({"code": e.code(), "title": e.title(), "meaning": e.meaning(),
                    "basic_codes": e.basic_codes(), "reason": e.reason(), "source": e.source()});
                writeln!(out, "{v}")?;
            } else if long {
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
    if !json && !long {
        writeln!(out, "{:<4} {:<11} {:<40} REASON", "CODE", "STATUS", "NAME")?;
    }
    for info in smtpcode::codes() {
        if class.is_some_and(|c| u16::from(c) != info.code() / 100) {
            continue;
        }
        let reason = info.reason().map(|r| r.as_str()).unwrap_or("");
        if json {
            let v = serde_json::json!({"code": info.code(), "status": info.status(), "name": info.name(),
                "meaning": info.meaning(), "explanation": info.explanation(), "fix": info.fix(),
                "reason": info.reason(), "source": info.source(), "note": info.note()});
            writeln!(out, "{v}")?;
        } else if long {
            crate::card::code_card(&mut out, info)?;
        } else {
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
pub fn reasons() -> io::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
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
