//! What `logs` and `bounce` print instead of records: the summary of deliveries (counts and
//! shares by status, reason, bounce, provider and recipient domain) and the suppression list.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use smtpcode::Classification;
use smtpcode::log::Suppression;

use crate::{Format, term};

/// The most recipient domains counted one by one; the others are counted together, so that
/// memory stays bounded whatever the input.
pub(crate) const MAX_DOMAINS: usize = 100_000;

/// Domains listed in the table (all of them, up to [`MAX_DOMAINS`], in JSON).
pub(crate) const TABLE_DOMAINS: usize = 20;

/// The sections of the summary, in the order they are printed.
const SECTIONS: [&str; 5] = ["status", "bounce", "reason", "provider", "domain"];

/// Counts of deliveries.
#[derive(Default)]
pub struct Deliveries {
    /// Counts before the events: (name, count), e.g. lines read, lines skipped.
    pub totals: Vec<(&'static str, u64)>,
    events: u64,
    status: BTreeMap<String, u64>,
    reason: HashMap<&'static str, u64>,
    bounce: HashMap<&'static str, u64>,
    provider: HashMap<&'static str, u64>,
    domain: HashMap<String, u64>,
    other_domains: u64,
}

impl Deliveries {
    /// Counts one delivery (`status` as the log or the report says it).
    pub fn add(&mut self, status: &str, c: &Classification, recipient: Option<&str>) {
        self.events += 1;
        if let Some(n) = self.status.get_mut(status) {
            *n += 1;
        } else {
            self.status.insert(status.to_string(), 1);
        }
        *self.reason.entry(c.reason().as_str()).or_default() += 1;
        *self.bounce.entry(crate::output::bounce_key(c)).or_default() += 1;
        *self
            .provider
            .entry(c.provider().map_or("-", |p| p.name()))
            .or_default() += 1;
        count_domain(
            &mut self.domain,
            &mut self.other_domains,
            domain_of(recipient),
        );
    }

    /// Delivery events counted.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// The rows of one section (`status`, `bounce`, `reason`, `provider`, `domain`), most
    /// frequent first, as `--summary` prints them.
    pub fn section(&self, name: &str) -> Vec<(&str, u64)> {
        match name {
            "status" => Self::sorted(self.status.iter().map(|(k, v)| (k.as_str(), *v))),
            "bounce" => Self::sorted(self.bounce.iter().map(|(k, v)| (*k, *v))),
            "reason" => Self::sorted(self.reason.iter().map(|(k, v)| (*k, *v))),
            "provider" => Self::sorted(self.provider.iter().map(|(k, v)| (*k, *v))),
            "domain" => {
                let mut domains = Self::sorted(self.domain.iter().map(|(k, v)| (k.as_str(), *v)));
                if self.other_domains > 0 {
                    domains.push(("(other domains)", self.other_domains));
                }
                domains
            }
            _ => Vec::new(),
        }
    }

    /// The events to a recipient domain (lower case), when it is counted on its own.
    pub fn domain_count(&self, domain: &str) -> Option<u64> {
        self.domain.get(domain).copied()
    }

    fn sorted<'a>(m: impl Iterator<Item = (&'a str, u64)>) -> Vec<(&'a str, u64)> {
        let mut v: Vec<_> = m.collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }

    fn sections(&self) -> Vec<(&'static str, Vec<(&str, u64)>)> {
        SECTIONS.iter().map(|s| (*s, self.section(s))).collect()
    }

    fn share(&self, n: u64) -> f64 {
        if self.events == 0 {
            0.0
        } else {
            100.0 * n as f64 / self.events as f64
        }
    }

    pub fn write(&self, out: &mut impl Write, format: Format) -> io::Result<()> {
        match format {
            Format::Json => {
                let mut v = serde_json::Map::new();
                for (k, n) in &self.totals {
                    v.insert(k.to_string(), (*n).into());
                }
                v.insert("events".into(), self.events.into());
                for (title, rows) in self.sections() {
                    let m: serde_json::Map<String, serde_json::Value> = rows
                        .iter()
                        .map(|(k, n)| {
                            (
                                k.to_string(),
                                serde_json::json!({"count": n, "share": (self.share(*n) * 100.0).round() / 10000.0}),
                            )
                        })
                        .collect();
                    v.insert(title.into(), m.into());
                }
                serde_json::to_writer(&mut *out, &v).map_err(io::Error::from)?;
                out.write_all(b"\n")
            }
            Format::Tsv | Format::Csv => {
                let sep = if format == Format::Tsv { '\t' } else { ',' };
                writeln!(out, "section{sep}key{sep}count{sep}share")?;
                for (k, n) in &self.totals {
                    writeln!(out, "total{sep}{k}{sep}{n}{sep}")?;
                }
                writeln!(out, "total{sep}events{sep}{}{sep}", self.events)?;
                for (title, rows) in self.sections() {
                    for (k, n) in rows {
                        let k = term::clean(k).replace([',', '\t'], " ");
                        writeln!(
                            out,
                            "{title}{sep}{k}{sep}{n}{sep}{:.4}",
                            self.share(n) / 100.0
                        )?;
                    }
                }
                Ok(())
            }
            Format::Table => {
                let totals: Vec<String> = self
                    .totals
                    .iter()
                    .map(|(k, n)| format!("{k}: {n}"))
                    .chain([format!("events: {}", self.events)])
                    .collect();
                writeln!(out, "{}", totals.join("  "))?;
                for (title, rows) in self.sections() {
                    writeln!(out, "\n{title}:")?;
                    let limit = if title == "domain" {
                        TABLE_DOMAINS
                    } else {
                        usize::MAX
                    };
                    for (k, n) in rows.iter().take(limit) {
                        writeln!(
                            out,
                            "  {:<28} {n:>10}  {:5.1}%",
                            term::clip(k, 28),
                            self.share(*n)
                        )?;
                    }
                    if rows.len() > limit {
                        let rest: u64 = rows[limit..].iter().map(|(_, n)| n).sum();
                        writeln!(
                            out,
                            "  {:<28} {rest:>10}  {:5.1}%",
                            format!("({} more)", rows.len() - limit),
                            self.share(rest)
                        )?;
                    }
                }
                Ok(())
            }
        }
    }
}

/// The recipient's domain in lower case (`-` when there is none), as the summary counts it.
pub fn domain_of(recipient: Option<&str>) -> Cow<'_, str> {
    let domain = recipient
        .and_then(|r| r.rsplit_once('@'))
        .map(|(_, d)| d.trim_end_matches('>'))
        .unwrap_or("");
    if domain.is_empty() {
        Cow::Borrowed("-")
    } else if domain.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(domain.to_ascii_lowercase())
    } else {
        Cow::Borrowed(domain)
    }
}

/// Counts one event for `domain` in `counts`, or in `other` once [`MAX_DOMAINS`] domains are
/// counted one by one (memory stays bounded whatever the input).
pub(crate) fn count_domain(
    counts: &mut HashMap<String, u64>,
    other: &mut u64,
    domain: Cow<'_, str>,
) {
    if let Some(n) = counts.get_mut(domain.as_ref()) {
        *n += 1;
    } else if counts.len() < MAX_DOMAINS {
        counts.insert(domain.into_owned(), 1);
    } else {
        *other += 1;
    }
}

/// Writes the suppression list.
pub fn write_suppressions(
    out: &mut impl Write,
    list: &[Suppression],
    format: Format,
) -> io::Result<()> {
    match format {
        Format::Json => {
            for s in list {
                serde_json::to_writer(&mut *out, s).map_err(io::Error::from)?;
                out.write_all(b"\n")?;
            }
            Ok(())
        }
        Format::Csv | Format::Tsv => {
            row(
                out,
                format,
                [
                    "address",
                    "count",
                    "last_time",
                    "reason",
                    "code",
                    "enhanced",
                    "text",
                ],
            )?;
            for s in list {
                row(
                    out,
                    format,
                    [
                        String::from(&s.address),
                        s.count.to_string(),
                        String::from(s.last_time.as_deref().unwrap_or("")),
                        s.reason.to_string(),
                        s.code.map(|c| c.to_string()).unwrap_or_default(),
                        s.enhanced.clone().unwrap_or_default(),
                        String::from(&s.text),
                    ],
                )?;
            }
            Ok(())
        }
        Format::Table => {
            writeln!(
                out,
                "{:<40} {:>5}  {:<32} {:<18} TEXT",
                "ADDRESS", "COUNT", "LAST", "REASON"
            )?;
            for s in list {
                writeln!(
                    out,
                    "{:<40} {:>5}  {:<32} {:<18} {}",
                    term::clip(&s.address, 40),
                    s.count,
                    term::clip(s.last_time.as_deref().unwrap_or("-"), 32),
                    s.reason.as_str(),
                    term::clip(&s.text, 60)
                )?;
            }
            Ok(())
        }
    }
}

/// Writes one row of tab-separated values (control characters, tabs and line breaks in a field
/// become spaces) or of comma-separated values (RFC 4180 quoting, fields as they are).
pub fn row<S: AsRef<str>>(
    out: &mut impl Write,
    format: Format,
    fields: impl IntoIterator<Item = S>,
) -> io::Result<()> {
    if format == Format::Csv {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::with_capacity(256));
        w.write_record(fields.into_iter().map(|f| f.as_ref().to_owned()))
            .map_err(io::Error::other)?;
        let buf = w
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))?;
        return out.write_all(&buf);
    }
    let mut first = true;
    for f in fields {
        if !std::mem::replace(&mut first, false) {
            out.write_all(b"\t")?;
        }
        out.write_all(term::clean(f.as_ref()).as_bytes())?;
    }
    out.write_all(b"\n")
}
