//! `--report FILE.html` of `logs` and `bounce`: one self-contained HTML page (no script, no
//! request: the styles are inline and the charts are SVG written here) with deliveries over
//! time stacked by status, bounce and deferral rates over time for the top providers, the top
//! reasons with their share and the action to take, the recipient domains with the most hard
//! bounces and the size of the suppression list. Every chart is followed by the table of its
//! numbers.
//!
//! The counts come from the same [`Deliveries`] that `--summary` prints, so the two agree
//! exactly. Whatever the input, the page stays small: times are counted in at most
//! [`MAX_STORED`] buckets (the buckets widen as the log's span grows), charts show at most
//! [`MAX_BARS`] buckets, and lists are cut to their top entries. All text from the input is
//! HTML-escaped.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use smtpcode::log::{LogTime, SuppressionList};
use smtpcode::{Action, Classification, Outcome, Provider};

use crate::report::Deliveries;
use crate::term;

/// Bucket widths in hours, each a multiple of the one before, so that counts of a narrower
/// bucket add up into a wider one exactly. Weeks start on Monday.
const WIDTHS: [i64; 11] = [1, 3, 6, 12, 24, 168, 672, 8736, 87360, 873600, 8736000];
/// The most time buckets kept while reading; past it, the buckets widen.
pub const MAX_STORED: usize = 2000;
/// The most bars of the chart of deliveries over time.
pub const MAX_BARS: usize = 200;
/// The most points of a rate chart.
const MAX_POINTS: usize = 60;
/// Providers with a rate chart (besides all deliveries together).
const RATE_PROVIDERS: usize = 4;
/// Reasons in the reason chart (the table lists them all: they are a closed set).
const CHART_REASONS: usize = 12;
/// Domains in the hard-bounce chart and table: as many as the summary's domain table.
const TOP_DOMAINS: usize = crate::report::TABLE_DOMAINS;
/// The most domains counted one by one for hard bounces or remembered with their provider.
const MAX_HARD_DOMAINS: usize = crate::report::MAX_DOMAINS;
/// The most input names listed.
const MAX_INPUTS: usize = 10;
/// Characters shown of any text from the input.
const CLIP: usize = 80;

/// Weeks (and their multiples) start on Monday: 1970-01-01 was a Thursday.
fn offset(width: i64) -> i64 {
    if width % 168 == 0 { 72 } else { 0 }
}

/// The first hour of the bucket of `width` hours that holds hour `h`.
fn bucket(h: i64, width: i64) -> i64 {
    let o = offset(width);
    (h + o).div_euclid(width) * width - o
}

/// Hours since 1970-01-01T00 of a log's wall-clock time.
fn hour_of(t: &LogTime) -> Option<i64> {
    let ts = jiff::tz::TimeZone::UTC.to_timestamp(t.civil()).ok()?;
    Some(ts.as_second().div_euclid(3600))
}

/// The wall-clock time of hour `h`.
fn civil_of(h: i64) -> Option<jiff::civil::DateTime> {
    let ts = jiff::Timestamp::from_second(h.checked_mul(3600)?).ok()?;
    Some(jiff::tz::TimeZone::UTC.to_datetime(ts))
}

/// A bucket's name: its start, and its width when not a whole day or hour.
fn label(h: i64, width: i64, long: bool) -> String {
    let Some(t) = civil_of(h) else {
        return h.to_string();
    };
    let date = format!("{:04}-{:02}-{:02}", t.year(), t.month(), t.day());
    match width {
        w if w < 24 && long => format!("{date} {:02}:00", t.hour()),
        w if w < 24 => format!("{:02}-{:02} {:02}h", t.month(), t.day(), t.hour()),
        24 => date,
        168 if long => format!("week of {date}"),
        w if long && w > 168 => format!("{} weeks from {date}", w / 168),
        _ => date,
    }
}

/// The unit of a bucket width, for titles.
fn unit(width: i64) -> String {
    match width {
        1 => "hour".into(),
        24 => "day".into(),
        168 => "week".into(),
        w if w < 24 => format!("{w} hours"),
        w if w % 168 == 0 => format!("{} weeks", w / 168),
        w => format!("{w} hours"),
    }
}

/// Events, temporary failures and permanent failures.
type Rate = [u64; 3];

/// Provider key of events without a known provider.
const NO_PROVIDER: u16 = u16::MAX;

/// What the report counts while the input is read.
pub struct Collector {
    /// The summary (`--summary` prints the same).
    pub summary: Deliveries,
    /// The suppression list (only its size is shown).
    pub suppress: SuppressionList,
    /// The statuses seen, in order of arrival (a short closed set).
    statuses: Vec<String>,
    /// The index of the bucket width in [`WIDTHS`].
    width: usize,
    /// Per bucket start hour: events per status.
    volume: BTreeMap<i64, Vec<u64>>,
    /// Per bucket start hour and provider: events and failures.
    rates: BTreeMap<(i64, u16), Rate>,
    /// Events without a time the report can place.
    undated: u64,
    /// Hard bounces per recipient domain (lower case).
    hard: HashMap<String, u64>,
    hard_other: u64,
    /// Events per reason and action, for the action most taken per reason.
    actions: HashMap<(&'static str, Action), u64>,
    /// The provider last named by a reply from each recipient domain.
    providers: HashMap<String, u16>,
}

impl Collector {
    /// An empty collector.
    pub fn new() -> Collector {
        Collector {
            summary: Deliveries::default(),
            suppress: SuppressionList::new(),
            statuses: Vec::new(),
            width: 0,
            volume: BTreeMap::new(),
            rates: BTreeMap::new(),
            undated: 0,
            hard: HashMap::new(),
            hard_other: 0,
            actions: HashMap::new(),
            providers: HashMap::new(),
        }
    }

    /// Counts one delivery event, as [`Deliveries::add`] does, and for the charts.
    pub fn add(
        &mut self,
        status: &str,
        c: &Classification,
        recipient: Option<&str>,
        time: Option<LogTime>,
    ) {
        self.summary.add(status, c, recipient);
        *self
            .actions
            .entry((c.reason().as_str(), c.action()))
            .or_default() += 1;
        let domain = crate::report::domain_of(recipient);
        // The provider of the reply, or the one an earlier reply from the same domain named
        // (a delivered message's reply seldom names it).
        let p = match c.provider() {
            Some(p) => {
                let i = p.index() as u16;
                if domain != "-"
                    && self.providers.get(domain.as_ref()) != Some(&i)
                    && (self.providers.len() < MAX_HARD_DOMAINS
                        || self.providers.contains_key(domain.as_ref()))
                {
                    self.providers.insert(domain.to_string(), i);
                }
                i
            }
            None => self
                .providers
                .get(domain.as_ref())
                .copied()
                .unwrap_or(NO_PROVIDER),
        };
        if c.bounce() == smtpcode::Bounce::Hard {
            crate::report::count_domain(&mut self.hard, &mut self.hard_other, domain);
        }
        let Some(h) = time.as_ref().and_then(hour_of) else {
            self.undated += 1;
            return;
        };
        let s = match self.statuses.iter().position(|x| x == status) {
            Some(i) => i,
            None => {
                self.statuses.push(status.to_string());
                self.statuses.len() - 1
            }
        };
        let b = bucket(h, WIDTHS[self.width]);
        let row = self.volume.entry(b).or_default();
        if row.len() <= s {
            row.resize(s + 1, 0);
        }
        row[s] += 1;
        let r = self.rates.entry((b, p)).or_default();
        r[0] += 1;
        match c.outcome() {
            Outcome::Transient => r[1] += 1,
            Outcome::Permanent => r[2] += 1,
            _ => {}
        }
        if self.volume.len() > MAX_STORED {
            self.widen();
        }
    }

    /// Widens the buckets until at most [`MAX_STORED`] remain.
    fn widen(&mut self) {
        while self.volume.len() > MAX_STORED && self.width + 1 < WIDTHS.len() {
            self.width += 1;
            let w = WIDTHS[self.width];
            let mut volume: BTreeMap<i64, Vec<u64>> = BTreeMap::new();
            for (h, row) in std::mem::take(&mut self.volume) {
                let to = volume.entry(bucket(h, w)).or_default();
                if to.len() < row.len() {
                    to.resize(row.len(), 0);
                }
                for (a, b) in to.iter_mut().zip(row) {
                    *a += b;
                }
            }
            self.volume = volume;
            let mut rates: BTreeMap<(i64, u16), Rate> = BTreeMap::new();
            for ((h, p), r) in std::mem::take(&mut self.rates) {
                let to = rates.entry((bucket(h, w), p)).or_default();
                for i in 0..3 {
                    to[i] += r[i];
                }
            }
            self.rates = rates;
        }
    }
}

/// What the page says about where its numbers come from.
pub struct Meta<'a> {
    /// `logs` or `bounce`.
    pub command: &'a str,
    /// The inputs' names.
    pub inputs: &'a [String],
    /// A note under the title (how times were read), if any.
    pub note: Option<String>,
    /// The input has times (logs); bounce messages have none the report reads.
    pub timed: bool,
}

/// HTML-escapes `s` (after replacing control and bidirectional characters), cut to `n`
/// characters.
fn esc(s: &str, n: usize) -> String {
    let s = term::clip(s, n);
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The colour class of a status: delivered, deferred, bounced, expired, refused; others take
/// the free colours in turn.
fn status_class(status: &str, others: &mut usize) -> String {
    let mut k = status_rank(status);
    if k == OTHER_STATUS {
        *others += 1;
        k = 4 + *others;
    }
    format!("k{}", k.min(9))
}

/// The rank of the statuses that [`status_rank`] does not know.
const OTHER_STATUS: usize = 5;

/// Where a status goes in the stack: deliveries at the bottom.
fn status_rank(status: &str) -> usize {
    match status {
        "sent" | "delivered" | "relayed" | "expanded" => 0,
        "deferred" | "delayed" => 1,
        "bounced" | "failed" => 2,
        "expired" => 3,
        "rejected" => 4,
        _ => OTHER_STATUS,
    }
}

/// The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `v`.
fn nice_ceil(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * p >= v * (1.0 - 1e-9) {
            return m * p;
        }
    }
    10.0 * p
}

/// A count for an axis: 1200 → 1.2k.
fn short(v: f64) -> String {
    if v >= 1e6 {
        format!("{}M", trim(v / 1e6))
    } else if v >= 1e4 {
        format!("{}k", trim(v / 1e3))
    } else {
        trim(v)
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_string)
}

fn pct(n: u64, of: u64) -> String {
    if of == 0 {
        "-".into()
    } else {
        format!("{:.1}%", 100.0 * n as f64 / of as f64)
    }
}

/// The page's styles: light and dark colours, a layout for a wide window and a phone.
const STYLE: &str = r#"
:root{color-scheme:light dark;--bg:#fff;--fg:#1d232b;--muted:#5c6672;--line:#d7dce2;--card:#f5f7f9;
--k0:#2f8a57;--k1:#d08a00;--k2:#cc3b36;--k3:#8452c2;--k4:#6b7480;--k5:#2f7fc1;--k6:#b0568a;--k7:#3c9c9c;--k8:#8c7a3c;--k9:#444}
@media (prefers-color-scheme:dark){:root{--bg:#14181d;--fg:#e4e8ec;--muted:#9aa4af;--line:#333b45;--card:#1d232a;
--k0:#4fbf7f;--k1:#f0b429;--k2:#f0605a;--k3:#b08ae8;--k4:#98a2ad;--k5:#5aa9e6;--k6:#e08ab8;--k7:#5cc8c8;--k8:#c8b46a;--k9:#bbb}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
main{max-width:1120px;margin:0 auto;padding:16px 20px 40px}
h1{font-size:1.6em;margin:.4em 0 .2em}h2{font-size:1.25em;margin:1.6em 0 .3em;border-bottom:1px solid var(--line);padding-bottom:.2em}
h3{font-size:1em;margin:.2em 0}
p{margin:.3em 0 .6em}.muted,figcaption{color:var(--muted);font-size:.9em}
code{font-size:.92em;background:var(--card);padding:0 .25em;border-radius:3px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin:14px 0}
.card{background:var(--card);border-radius:8px;padding:10px 14px}.card b{display:block;font-size:1.5em}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(330px,1fr));gap:14px}
.grid>div{background:var(--card);border-radius:8px;padding:10px 12px;min-width:0}
figure{margin:0}.chart{overflow-x:auto}
svg.chart{display:block;width:100%;height:auto}svg.chart.bars{max-width:820px}
svg text{fill:var(--muted);font-size:11px}svg .axis{stroke:var(--line);stroke-width:1}
svg .lbl{fill:var(--fg)}
.k0{fill:var(--k0);stroke:var(--k0)}.k1{fill:var(--k1);stroke:var(--k1)}.k2{fill:var(--k2);stroke:var(--k2)}
.k3{fill:var(--k3);stroke:var(--k3)}.k4{fill:var(--k4);stroke:var(--k4)}.k5{fill:var(--k5);stroke:var(--k5)}
.k6{fill:var(--k6);stroke:var(--k6)}.k7{fill:var(--k7);stroke:var(--k7)}.k8{fill:var(--k8);stroke:var(--k8)}.k9{fill:var(--k9);stroke:var(--k9)}
rect.k0,rect.k1,rect.k2,rect.k3,rect.k4,rect.k5,rect.k6,rect.k7,rect.k8,rect.k9{stroke:none}
path.line{fill:none;stroke-width:2}path.dash{stroke-dasharray:5 3}
.legend{list-style:none;padding:0;margin:.3em 0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.9em}
.sw{display:inline-block;width:.9em;height:.9em;border-radius:2px;margin-right:.35em;vertical-align:-.1em}
span.k0{background:var(--k0)}span.k1{background:var(--k1)}span.k2{background:var(--k2)}span.k3{background:var(--k3)}
span.k4{background:var(--k4)}span.k5{background:var(--k5)}span.k6{background:var(--k6)}span.k7{background:var(--k7)}
span.k8{background:var(--k8)}span.k9{background:var(--k9)}
.tw{overflow-x:auto;margin:.4em 0 .8em}
table{border-collapse:collapse;font-size:.9em;font-variant-numeric:tabular-nums}
th,td{padding:3px 10px 3px 0;border-bottom:1px solid var(--line);text-align:right;vertical-align:top}
th:first-child,td.t,th.t{text-align:left}thead th{color:var(--muted);font-weight:600}
td.t{max-width:34em;overflow-wrap:anywhere}
details{margin:.3em 0}summary{cursor:pointer;color:var(--muted)}
@media (max-width:600px){main{padding:10px 12px 30px}body{font-size:14px}h1{font-size:1.35em}
svg.chart.wide{min-width:560px}.grid{grid-template-columns:1fr}}
"#;

/// Where the page goes: the file, created before the input is read (so that a path that
/// cannot be written fails at once), or standard output for `-`.
pub struct Target {
    path: PathBuf,
    file: Option<std::fs::File>,
}

impl Target {
    /// Creates `path` (`-`: standard output).
    pub fn create(path: &Path) -> io::Result<Target> {
        let file = if path == Path::new("-") {
            None
        } else {
            Some(std::fs::File::create(path).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot write the report to {}: {e}", path.display()),
                )
            })?)
        };
        Ok(Target {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Writes the page and says where on standard error.
    pub fn write(self, c: &Collector, meta: &Meta<'_>) -> io::Result<()> {
        let page = render(c, meta);
        match self.file {
            Some(mut f) => {
                f.write_all(page.as_bytes())?;
                f.flush()?;
                eprintln!(
                    "smtpcode: wrote the report of {} delivery events to {} ({} KiB)",
                    c.summary.events(),
                    term::clean(&self.path.display().to_string()),
                    page.len().div_ceil(1024)
                );
                Ok(())
            }
            None => {
                let mut out = io::stdout().lock();
                out.write_all(page.as_bytes())?;
                out.flush()
            }
        }
    }
}

/// Writes the report page.
pub fn render(c: &Collector, meta: &Meta<'_>) -> String {
    let mut p = Page {
        out: String::with_capacity(256 * 1024),
    };
    p.page(c, meta);
    p.out
}

struct Page {
    out: String,
}

/// One stacked bar: its label and its values, in the order of the series.
struct Bar {
    label: String,
    title: String,
    values: Vec<u64>,
}

impl Page {
    fn page(&mut self, c: &Collector, meta: &Meta<'_>) {
        let s = &c.summary;
        let title = format!("smtpcode {} report", meta.command);
        let _ = write!(
            self.out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
             <meta name=\"generator\" content=\"smtpcode {}\">\
             <title>{title}</title><style>{STYLE}</style></head><body><main>\n<h1>{title}</h1>",
            env!("CARGO_PKG_VERSION")
        );
        self.inputs(meta);
        if let Some(n) = &meta.note {
            let _ = write!(self.out, "<p class=\"muted\">{}</p>", esc(n, 400));
        }
        self.cards(c);
        if meta.timed {
            self.volume(c);
            self.rates(c);
        } else {
            self.out.push_str(
                "<p class=\"muted\">Bounce messages give no delivery time that the report reads: \
                 there is no chart over time. <code>smtpcode logs --report</code> has them.</p>",
            );
        }
        self.reasons(c);
        self.hard_domains(c);
        self.suppression(c, meta);
        self.summary_tables(s);
        let _ = writeln!(
            self.out,
            "<footer><p class=\"muted\">Written by smtpcode {} (<code>smtpcode {} --report</code>). \
             The counts are those of <code>smtpcode {} --summary</code> over the same input.</p></footer>\
             </main></body></html>",
            env!("CARGO_PKG_VERSION"),
            esc(meta.command, 20),
            esc(meta.command, 20)
        );
    }

    fn inputs(&mut self, meta: &Meta<'_>) {
        let names: Vec<String> = meta
            .inputs
            .iter()
            .take(MAX_INPUTS)
            .map(|n| format!("<code>{}</code>", esc(n, CLIP)))
            .collect();
        let more = meta.inputs.len().saturating_sub(MAX_INPUTS);
        let _ = write!(
            self.out,
            "<p class=\"muted\">From {}{}.</p>",
            if names.is_empty() {
                "no input".to_string()
            } else {
                names.join(", ")
            },
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
    }

    fn cards(&mut self, c: &Collector) {
        let s = &c.summary;
        let events = s.events();
        let mut out = [0u64; 6];
        for (k, n) in s.section("status") {
            let i = status_rank(k);
            if i < out.len() {
                out[i] += n;
            }
        }
        self.out.push_str("<div class=\"cards\">");
        let card = |o: &mut String, name: &str, value: String, sub: String| {
            let _ = write!(
                o,
                "<div class=\"card\"><span class=\"muted\">{name}</span><b>{value}</b><span class=\"muted\">{sub}</span></div>"
            );
        };
        card(&mut self.out, "Delivery events", events.to_string(), {
            let t = s
                .totals
                .iter()
                .find(|(k, _)| *k == "lines" || *k == "messages");
            t.map_or(String::new(), |(k, n)| format!("from {n} {k}"))
        });
        let names = ["Delivered", "Deferred", "Bounced", "Expired"];
        for (i, name) in names.iter().enumerate() {
            if i > 0 && out[i] == 0 && i == 3 {
                continue;
            }
            card(
                &mut self.out,
                name,
                pct(out[i], events),
                format!("{} events", out[i]),
            );
        }
        card(
            &mut self.out,
            "To suppress",
            c.suppress.len().to_string(),
            "addresses (hard bounces)".into(),
        );
        self.out.push_str("</div>");
    }

    /// The display width for the stored buckets: the narrowest that gives at most `max`
    /// buckets over the span.
    fn display_width(c: &Collector, max: usize) -> Option<(i64, i64, i64)> {
        let first = *c.volume.keys().next()?;
        let last = *c.volume.keys().next_back()?;
        for &w in &WIDTHS[c.width..] {
            let (a, b) = (bucket(first, w), bucket(last, w));
            if ((b - a) / w + 1) as usize <= max {
                return Some((w, a, b));
            }
        }
        let w = WIDTHS[WIDTHS.len() - 1];
        Some((w, bucket(first, w), bucket(last, w)))
    }

    fn volume(&mut self, c: &Collector) {
        let Some((w, a, b)) = Self::display_width(c, MAX_BARS) else {
            self.out.push_str(
                "<h2>Deliveries over time</h2><p class=\"muted\">No event has a time the report \
                 can place (traditional syslog times have no year: give <code>--year</code>).</p>",
            );
            return;
        };
        let mut order: Vec<usize> = (0..c.statuses.len()).collect();
        order.sort_by_key(|&i| (status_rank(&c.statuses[i]), c.statuses[i].clone()));
        let mut others = 0;
        let series: Vec<(String, String)> = order
            .iter()
            .map(|&i| {
                (
                    c.statuses[i].clone(),
                    status_class(&c.statuses[i], &mut others),
                )
            })
            .collect();
        let n = ((b - a) / w + 1) as usize;
        let mut bars: Vec<Bar> = (0..n)
            .map(|i| {
                let h = a + i as i64 * w;
                Bar {
                    label: label(h, w, false),
                    title: label(h, w, true),
                    values: vec![0; order.len()],
                }
            })
            .collect();
        for (&h, row) in &c.volume {
            let i = ((bucket(h, w) - a) / w) as usize;
            for (j, &s) in order.iter().enumerate() {
                bars[i].values[j] += row.get(s).copied().unwrap_or(0);
            }
        }
        let _ = write!(
            self.out,
            "<h2 id=\"volume\">Deliveries per {}</h2><p class=\"muted\">Delivery events by the \
             log's status, at the log's wall-clock times.",
            unit(w)
        );
        if c.undated > 0 {
            let _ = write!(
                self.out,
                " {} events have no time the report can place and are not shown here.",
                c.undated
            );
        }
        self.out.push_str("</p><figure>");
        self.stacked(
            &bars,
            &series,
            "Delivery events per bucket, stacked by status",
        );
        self.legend(&series);
        self.out
            .push_str("</figure><details><summary>Numbers</summary><div class=\"tw\"><table id=\"t-volume\"><thead><tr><th>from</th>");
        for (name, _) in &series {
            let _ = write!(self.out, "<th>{}</th>", esc(name, CLIP));
        }
        self.out.push_str("<th>all</th></tr></thead><tbody>");
        for bar in &bars {
            let _ = write!(self.out, "<tr><th>{}</th>", esc(&bar.title, CLIP));
            for v in &bar.values {
                let _ = write!(self.out, "<td>{v}</td>");
            }
            let _ = write!(self.out, "<td>{}</td></tr>", bar.values.iter().sum::<u64>());
        }
        self.out.push_str("</tbody></table></div></details>");
    }

    fn legend(&mut self, series: &[(String, String)]) {
        self.out.push_str("<ul class=\"legend\">");
        for (name, class) in series {
            let _ = write!(
                self.out,
                "<li><span class=\"sw {class}\"></span>{}</li>",
                esc(name, CLIP)
            );
        }
        self.out.push_str("</ul>");
    }

    /// A stacked bar chart.
    fn stacked(&mut self, bars: &[Bar], series: &[(String, String)], desc: &str) {
        let (wd, ht) = (800.0, 250.0);
        let (ml, mr, mt, mb) = (40.0, 6.0, 8.0, 30.0);
        let (pw, ph) = (wd - ml - mr, ht - mt - mb);
        let max = bars
            .iter()
            .map(|b| b.values.iter().sum::<u64>())
            .max()
            .unwrap_or(0);
        let top = 4.0 * nice_ceil(max as f64 / 4.0).max(1.0);
        let _ = write!(
            self.out,
            "<div class=\"chart\"><svg class=\"chart wide\" viewBox=\"0 0 {wd} {ht}\" role=\"img\" aria-label=\"{desc}\"><title>{desc}</title>"
        );
        self.y_axis(ml, mt, pw, ph, top, &short);
        let n = bars.len().max(1) as f64;
        let bw = pw / n;
        let gap = if bw > 4.0 { bw * 0.15 } else { 0.0 };
        for (i, bar) in bars.iter().enumerate() {
            let x = ml + i as f64 * bw + gap / 2.0;
            let mut y = mt + ph;
            for (j, &v) in bar.values.iter().enumerate() {
                if v == 0 {
                    continue;
                }
                let h = ph * v as f64 / top;
                y -= h;
                let _ = write!(
                    self.out,
                    "<rect class=\"{}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\"><title>{}: {} {v}</title></rect>",
                    series[j].1,
                    (bw - gap).max(0.5),
                    esc(&bar.title, CLIP),
                    esc(&series[j].0, CLIP)
                );
            }
        }
        let step = (bars.len() as f64 / 6.0).ceil().max(1.0) as usize;
        for (i, bar) in bars.iter().enumerate().step_by(step) {
            let x = ml + (i as f64 + 0.5) * bw;
            let _ = write!(
                self.out,
                "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                mt + ph + 16.0,
                esc(&bar.label, CLIP)
            );
        }
        self.out.push_str("</svg></div>");
    }

    /// Grid lines and their values at 0, ¼, ½, ¾ and all of `top`.
    fn y_axis(
        &mut self,
        ml: f64,
        mt: f64,
        pw: f64,
        ph: f64,
        top: f64,
        fmt: &dyn Fn(f64) -> String,
    ) {
        for k in 0..=4 {
            let v = top * k as f64 / 4.0;
            let y = mt + ph - ph * k as f64 / 4.0;
            let _ = write!(
                self.out,
                "<line class=\"axis\" x1=\"{ml}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                ml + pw,
                ml - 4.0,
                y + 4.0,
                fmt(v)
            );
        }
    }

    fn rates(&mut self, c: &Collector) {
        let Some((w, a, b)) = Self::display_width(c, MAX_POINTS) else {
            return;
        };
        let n = ((b - a) / w + 1) as usize;
        // All deliveries, then the providers with the most events.
        let mut per: HashMap<u16, u64> = HashMap::new();
        for (&(_, p), r) in &c.rates {
            if p != NO_PROVIDER {
                *per.entry(p).or_default() += r[0];
            }
        }
        let mut per: Vec<(u16, u64)> = per.into_iter().collect();
        per.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut chosen: Vec<(Option<Provider>, String)> = vec![(None, "All deliveries".into())];
        for (i, _) in per.iter().take(RATE_PROVIDERS) {
            if let Some(p) = Provider::from_index(usize::from(*i)) {
                chosen.push((Some(p), p.display_name().to_string()));
            }
        }
        let _ = write!(
            self.out,
            "<h2 id=\"rates\">Bounce and deferral rates per {}</h2><p class=\"muted\">Per provider \
             (named by the reply, or by an earlier reply from the same recipient domain), the share of delivery events that failed for good \
             (bounce rate: permanent failures) and for now (deferral rate: temporary failures).</p>\
             <div class=\"grid\">",
            unit(w)
        );
        for (p, name) in &chosen {
            let mut points: Vec<Rate> = vec![[0; 3]; n];
            for (&(h, prov), r) in &c.rates {
                let want = p.is_none_or(|p| p.index() as u16 == prov);
                if want {
                    let i = ((bucket(h, w) - a) / w) as usize;
                    for k in 0..3 {
                        points[i][k] += r[k];
                    }
                }
            }
            let id = p.map_or("all", |p| p.name());
            let total: Rate = points.iter().fold([0; 3], |mut t, r| {
                for k in 0..3 {
                    t[k] += r[k];
                }
                t
            });
            let _ = write!(
                self.out,
                "<div><h3>{}</h3><p class=\"muted\">{} events, bounce rate {}, deferral rate {}</p><figure>",
                esc(name, CLIP),
                total[0],
                pct(total[2], total[0]),
                pct(total[1], total[0])
            );
            let labels: Vec<(String, String)> = (0..n)
                .map(|i| {
                    let h = a + i as i64 * w;
                    (label(h, w, false), label(h, w, true))
                })
                .collect();
            self.rate_chart(
                &points,
                &labels,
                &format!("Bounce and deferral rates: {name}"),
            );
            self.legend(&[
                ("bounce rate".into(), "k2".into()),
                ("deferral rate".into(), "k1".into()),
            ]);
            let _ = write!(
                self.out,
                "</figure><details><summary>Numbers</summary><div class=\"tw\"><table id=\"t-rate-{}\"><thead><tr><th>from</th><th>events</th><th>bounced</th><th>bounce rate</th><th>deferred</th><th>deferral rate</th></tr></thead><tbody>",
                esc(id, CLIP)
            );
            for (i, r) in points.iter().enumerate() {
                let _ = write!(
                    self.out,
                    "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&labels[i].1, CLIP),
                    r[0],
                    r[2],
                    pct(r[2], r[0]),
                    r[1],
                    pct(r[1], r[0])
                );
            }
            self.out.push_str("</tbody></table></div></details></div>");
        }
        self.out.push_str("</div>");
    }

    /// Two lines: the bounce rate (solid) and the deferral rate (dashed); a bucket without
    /// events breaks them.
    fn rate_chart(&mut self, points: &[Rate], labels: &[(String, String)], desc: &str) {
        let (wd, ht) = (360.0, 190.0);
        let (ml, mr, mt, mb) = (38.0, 8.0, 8.0, 28.0);
        let (pw, ph) = (wd - ml - mr, ht - mt - mb);
        let max = points
            .iter()
            .filter(|r| r[0] > 0)
            .map(|r| (r[1].max(r[2])) as f64 / r[0] as f64)
            .fold(0.0, f64::max);
        let top = (4.0 * nice_ceil(max * 25.0).max(0.25)).min(100.0) / 100.0;
        let _ = write!(
            self.out,
            "<div class=\"chart\"><svg class=\"chart\" viewBox=\"0 0 {wd} {ht}\" role=\"img\" aria-label=\"{}\"><title>{}</title>",
            esc(desc, CLIP),
            esc(desc, CLIP)
        );
        self.y_axis(ml, mt, pw, ph, top, &|v| format!("{}%", trim(v * 100.0)));
        let n = points.len().max(1) as f64;
        let step_x = if points.len() > 1 {
            pw / (n - 1.0)
        } else {
            0.0
        };
        let x_of = |i: usize| {
            if points.len() > 1 {
                ml + i as f64 * step_x
            } else {
                ml + pw / 2.0
            }
        };
        for (k, class, extra, what) in [(2, "k2", "", "bounce"), (1, "k1", " dash", "deferral")] {
            let mut d = String::new();
            let mut pen = false;
            let mut dots = String::new();
            for (i, r) in points.iter().enumerate() {
                if r[0] == 0 {
                    pen = false;
                    continue;
                }
                let v = r[k] as f64 / r[0] as f64;
                let (x, y) = (x_of(i), mt + ph - ph * v / top);
                let _ = write!(d, "{}{x:.1},{y:.1}", if pen { "L" } else { "M" });
                pen = true;
                let _ = write!(
                    dots,
                    "<circle class=\"{class}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"2\"><title>{}: {what} rate {} ({} of {})</title></circle>",
                    esc(&labels[i].1, CLIP),
                    pct(r[k], r[0]),
                    r[k],
                    r[0]
                );
            }
            if !d.is_empty() {
                let _ = write!(self.out, "<path class=\"line{extra} {class}\" d=\"{d}\"/>");
            }
            self.out.push_str(&dots);
        }
        let step = (points.len() as f64 / 4.0).ceil().max(1.0) as usize;
        for i in (0..points.len()).step_by(step) {
            let _ = write!(
                self.out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x_of(i),
                mt + ph + 16.0,
                esc(&labels[i].0, CLIP)
            );
        }
        self.out.push_str("</svg></div>");
    }

    /// Horizontal bars: label, bar, value.
    fn hbars(&mut self, rows: &[(String, u64, String)], max: u64, class: &str, desc: &str) {
        let row_h = 22.0;
        let (wd, lw, vw) = (600.0, 190.0, 70.0);
        let ht = 8.0 + row_h * rows.len() as f64;
        let _ = write!(
            self.out,
            "<div class=\"chart\"><svg class=\"chart bars\" viewBox=\"0 0 {wd} {ht}\" role=\"img\" aria-label=\"{desc}\"><title>{desc}</title>"
        );
        let pw = wd - lw - vw;
        for (i, (name, n, value)) in rows.iter().enumerate() {
            let y = 4.0 + i as f64 * row_h;
            let w = if max == 0 {
                0.0
            } else {
                (pw * *n as f64 / max as f64).max(1.0)
            };
            let _ = write!(
                self.out,
                "<text class=\"lbl\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
                 <rect class=\"{class}\" x=\"{lw}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\"><title>{}: {n}</title></rect>\
                 <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                lw - 6.0,
                y + 15.0,
                esc(name, 30),
                y + 3.0,
                row_h - 6.0,
                esc(name, CLIP),
                lw + w + 4.0,
                y + 15.0,
                esc(value, CLIP)
            );
        }
        self.out.push_str("</svg></div>");
    }

    fn reasons(&mut self, c: &Collector) {
        let s = &c.summary;
        let events = s.events();
        let rows = s.section("reason");
        let chart: Vec<(String, u64, String)> = rows
            .iter()
            .filter(|(k, _)| *k != "none")
            .take(CHART_REASONS)
            .map(|(k, n)| (k.to_string(), *n, pct(*n, events)))
            .collect();
        self.out.push_str(
            "<h2 id=\"reasons\">Top reasons</h2><p class=\"muted\">Why deliveries failed, as a \
             share of all delivery events, and what to do about each.</p><figure>",
        );
        if chart.is_empty() {
            self.out.push_str("<p class=\"muted\">No failure.</p>");
        } else {
            let max = chart[0].1;
            self.hbars(&chart, max, "k2", "Failure reasons by delivery events");
        }
        self.out.push_str(
            "</figure><div class=\"tw\"><table id=\"t-reason\"><thead><tr><th>reason</th><th>events</th><th>share</th><th class=\"t\">action</th><th class=\"t\">what to do</th></tr></thead><tbody>",
        );
        for (k, n) in &rows {
            let action = c
                .actions
                .iter()
                .filter(|((r, _), _)| r == k)
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.1.as_str().cmp(a.0.1.as_str())))
                .map(|((_, a), _)| *a);
            let reason = k.parse::<smtpcode::Reason>().ok();
            let _ = write!(
                self.out,
                "<tr><th title=\"{}\">{}</th><td>{n}</td><td>{}</td><td class=\"t\">{}</td><td class=\"t\">{}</td></tr>",
                esc(reason.map_or("", |r| r.info().summary()), 400),
                esc(k, CLIP),
                pct(*n, events),
                action.map_or("-", |a| a.as_str()),
                esc(action.map_or("", |a| a.info().summary()), 400),
            );
        }
        self.out.push_str("</tbody></table></div>");
    }

    fn hard_domains(&mut self, c: &Collector) {
        let mut rows: Vec<(&str, u64)> = c.hard.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let total: u64 = rows.iter().map(|r| r.1).sum::<u64>() + c.hard_other;
        self.out.push_str(
            "<h2 id=\"domains\">Recipient domains with the most hard bounces</h2><p class=\"muted\">Hard \
             bounces: permanent failures where the recipient address is at fault.</p><figure>",
        );
        if rows.is_empty() {
            self.out.push_str("<p class=\"muted\">No hard bounce.</p>");
        } else {
            let chart: Vec<(String, u64, String)> = rows
                .iter()
                .take(TOP_DOMAINS)
                .map(|(k, n)| (k.to_string(), *n, n.to_string()))
                .collect();
            self.hbars(&chart, rows[0].1, "k2", "Hard bounces by recipient domain");
        }
        self.out.push_str(
            "</figure><div class=\"tw\"><table id=\"t-hard-domains\"><thead><tr><th>domain</th><th>hard bounces</th><th>share of hard bounces</th><th>events to the domain</th><th>hard-bounce rate</th></tr></thead><tbody>",
        );
        for (k, n) in rows.iter().take(TOP_DOMAINS) {
            let to = c.summary.domain_count(k);
            let _ = write!(
                self.out,
                "<tr><th>{}</th><td>{n}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(k, CLIP),
                pct(*n, total),
                to.map_or("-".into(), |t| t.to_string()),
                to.map_or("-".into(), |t| pct(*n, t))
            );
        }
        let rest: u64 = rows.iter().skip(TOP_DOMAINS).map(|r| r.1).sum::<u64>() + c.hard_other;
        if rest > 0 {
            let _ = write!(
                self.out,
                "<tr><th>(other domains)</th><td>{rest}</td><td>{}</td><td></td><td></td></tr>",
                pct(rest, total)
            );
        }
        self.out.push_str("</tbody></table></div>");
    }

    fn suppression(&mut self, c: &Collector, meta: &Meta<'_>) {
        let _ = write!(
            self.out,
            "<h2 id=\"suppression\">Suppression list</h2><p><b id=\"suppress-size\">{}</b> \
             addresses hard-bounced and should no longer be mailed. \
             <code>smtpcode {} --suppress --format csv</code> writes the list for an import.</p>",
            c.suppress.len(),
            esc(meta.command, 20)
        );
    }

    fn summary_tables(&mut self, s: &Deliveries) {
        self.out.push_str(
            "<h2 id=\"summary\">Summary</h2><p class=\"muted\">The counts of <code>--summary</code>: \
             delivery events by status, bounce, reason (above), provider and recipient domain.</p>",
        );
        let totals: Vec<String> = s
            .totals
            .iter()
            .map(|(k, n)| format!("<tr><th>{}</th><td>{n}</td></tr>", esc(k, CLIP)))
            .chain([format!("<tr><th>events</th><td>{}</td></tr>", s.events())])
            .collect();
        let _ = write!(
            self.out,
            "<div class=\"grid\"><div><h3>Totals</h3><div class=\"tw\"><table id=\"t-totals\"><tbody>{}</tbody></table></div></div>",
            totals.concat()
        );
        for (title, id) in [
            ("Status", "status"),
            ("Bounce", "bounce"),
            ("Provider", "provider"),
            ("Recipient domain", "domain"),
        ] {
            let rows = s.section(id);
            let _ = write!(
                self.out,
                "<div><h3>{title}</h3><div class=\"tw\"><table id=\"t-{id}\"><thead><tr><th>{id}</th><th>events</th><th>share</th></tr></thead><tbody>"
            );
            for (k, n) in rows.iter().take(TOP_DOMAINS) {
                let _ = write!(
                    self.out,
                    "<tr><th>{}</th><td>{n}</td><td>{}</td></tr>",
                    esc(k, CLIP),
                    pct(*n, s.events())
                );
            }
            if rows.len() > TOP_DOMAINS {
                let rest: u64 = rows[TOP_DOMAINS..].iter().map(|r| r.1).sum();
                let _ = write!(
                    self.out,
                    "<tr><th>({} more)</th><td>{rest}</td><td>{}</td></tr>",
                    rows.len() - TOP_DOMAINS,
                    pct(rest, s.events())
                );
            }
            self.out.push_str("</tbody></table></div></div>");
        }
        self.out.push_str("</div>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_nest() {
        for pair in WIDTHS.windows(2) {
            assert_eq!(pair[1] % pair[0], 0, "{pair:?}");
        }
        // 2026-03-09 was a Monday.
        let t = LogTime::parse("2026-03-11T13:20:00").unwrap();
        let h = hour_of(&t).unwrap();
        assert_eq!(label(bucket(h, 168), 168, true), "week of 2026-03-09");
        assert_eq!(label(bucket(h, 24), 24, true), "2026-03-11");
        assert_eq!(label(bucket(h, 6), 6, true), "2026-03-11 12:00");
        assert_eq!(nice_ceil(0.0), 1.0);
        assert_eq!(nice_ceil(7.0), 10.0);
        assert_eq!(nice_ceil(180.0), 200.0);
        assert_eq!(nice_ceil(200.0), 200.0);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("<script>a&b\"'</script>", 100),
            "&lt;script&gt;a&amp;b&quot;&#39;&lt;/script&gt;"
        );
        assert_eq!(esc("a\u{1b}[2Jb", 100), "a [2Jb");
    }

    #[test]
    fn buckets_widen_and_keep_every_count() {
        let mut c = Collector::new();
        let cl = smtpcode::classify("550 5.1.1 user unknown");
        let mut n = 0;
        // One event per day over 30 years: more days than MAX_STORED.
        for y in 1990..2020 {
            for m in 1..=12 {
                for d in 1..=10 {
                    let t = LogTime::parse(&format!("{y}-{m:02}-{d:02}T10:00")).unwrap();
                    c.add("bounced", &cl, Some("a@x.example"), Some(t));
                    n += 1;
                }
            }
        }
        assert!(c.volume.len() <= MAX_STORED);
        assert!(c.width > 0);
        let sum: u64 = c.volume.values().flatten().sum();
        assert_eq!(sum, n);
        let page = render(
            &c,
            &Meta {
                command: "logs",
                inputs: &[],
                note: None,
                timed: true,
            },
        );
        assert!(page.matches("<tr><th>").count() > 10);
        assert!(page.len() < 2 << 20);
    }
}
