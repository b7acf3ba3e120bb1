//! `--report FILE.html` of `logs` and `bounce`: the page's tables hold the figures that
//! `--summary` prints for the same input, its text from the input is escaped, and its size
//! stays bounded whatever the input. (The page in a real browser: tests/report/run.sh.)

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

fn data(path: &str) -> String {
    format!("{}/../../tests/data/{path}", env!("CARGO_MANIFEST_DIR"))
}

/// A fresh temporary folder for one test.
fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("smtpcode-report-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The rows of the table `id` of the page: the text of each cell (`th` and `td`).
fn table(page: &str, id: &str) -> Vec<Vec<String>> {
    let start = page
        .find(&format!("<table id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no table {id}"));
    let end = start + page[start..].find("</table>").unwrap();
    let body = &page[start..end];
    let body = body.find("<tbody>").map_or(body, |i| &body[i..]);
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let mut cells = Vec::new();
            let mut rest = row;
            while let Some(i) = rest.find("<t") {
                let tag = &rest[i..];
                if !(tag.starts_with("<th") || tag.starts_with("<td")) {
                    rest = &rest[i + 2..];
                    continue;
                }
                let open = tag.find('>').unwrap() + 1;
                let close = tag.find("</t").unwrap();
                cells.push(unescape(&tag[open..close]));
                rest = &tag[close + 3..];
            }
            cells
        })
        .collect()
}

/// The page's figures for a section of the summary: key → (count, share in percent).
fn rows(page: &str, id: &str) -> BTreeMap<String, (u64, f64)> {
    table(page, id)
        .into_iter()
        .map(|r| {
            let share = r[2].trim_end_matches('%').parse::<f64>().unwrap_or(-1.0);
            (r[0].clone(), (r[1].parse().unwrap(), share))
        })
        .collect()
}

/// Checks the page's section against the summary's JSON (the page lists the first 20 rows
/// and counts the others as "(n more)").
fn agrees(page: &str, summary: &serde_json::Value, section: &str) {
    let want = summary[section].as_object().unwrap();
    let got = rows(page, &format!("t-{section}"));
    assert!(!got.is_empty(), "{section}: no rows");
    let mut listed = 0;
    let mut listed_count = 0;
    for (k, (n, share)) in &got {
        if k.ends_with(" more)") {
            continue;
        }
        let w = &want
            .get(k)
            .unwrap_or_else(|| panic!("{section}: {k} is not in the summary"));
        assert_eq!(*n, w["count"].as_u64().unwrap(), "{section}: {k}");
        let w_share = w["share"].as_f64().unwrap() * 100.0;
        assert!(
            (share - w_share).abs() <= 0.051,
            "{section}: {k}: {share} against {w_share}"
        );
        listed += 1;
        listed_count += n;
    }
    let total: u64 = want.values().map(|v| v["count"].as_u64().unwrap()).sum();
    if listed < want.len() {
        let more = got
            .iter()
            .find(|(k, _)| k.ends_with(" more)"))
            .expect("a row for the rest");
        assert_eq!(*more.0, format!("({} more)", want.len() - listed));
        assert_eq!(more.1.0, total - listed_count, "{section}: the rest");
    } else {
        assert_eq!(listed_count, total, "{section}");
    }
}

fn logs() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(data("logs"))
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .filter(|p| !p.ends_with(".tsv"))
        .collect();
    v.sort();
    v
}

#[test]
fn the_report_of_a_log_has_the_figures_of_the_summary() {
    let dir = tmp("logs");
    let html = dir.join("r.html");
    let files = logs();
    let mut args = vec!["logs", "--year", "2025", "--report", html.to_str().unwrap()];
    args.extend(files.iter().map(String::as_str));
    let report = common::ok(&args);
    assert!(report.stdout.is_empty(), "the page goes to the file only");
    let page = std::fs::read_to_string(&html).unwrap();
    let mut args = vec!["logs", "--year", "2025", "--summary", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let summary: serde_json::Value = serde_json::from_slice(&common::ok(&args).stdout).unwrap();
    let events = summary["events"].as_u64().unwrap();
    assert!(events > 50);
    for section in ["status", "bounce", "reason", "provider", "domain"] {
        agrees(&page, &summary, section);
    }
    let totals: BTreeMap<String, u64> = table(&page, "t-totals")
        .into_iter()
        .map(|r| (r[0].clone(), r[1].parse().unwrap()))
        .collect();
    for (k, v) in &totals {
        assert_eq!(summary[k].as_u64(), Some(*v), "total {k}");
    }
    assert_eq!(totals.len(), 7);
    // Every event dated (the year is given) is in the chart over time, once.
    let volume = table(&page, "t-volume");
    let all: u64 = volume
        .iter()
        .map(|r| r.last().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(all, events);
    for status in ["sent", "deferred", "bounced"] {
        assert!(page.contains(&format!("<th>{status}</th>")));
    }
    // The rate of all deliveries counts them all.
    let rate_all: u64 = table(&page, "t-rate-all")
        .iter()
        .map(|r| r[1].parse::<u64>().unwrap())
        .sum();
    assert_eq!(rate_all, events);
    // The suppression list's size is the length of --suppress.
    let mut args = vec!["logs", "--year", "2025", "--suppress", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let suppress = common::ok(&args)
        .stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    assert!(suppress > 0);
    assert!(page.contains(&format!("<b id=\"suppress-size\">{suppress}</b>")));
    // The hard-bounce domains add up to the summary's hard bounces.
    let hard: u64 = table(&page, "t-hard-domains")
        .iter()
        .map(|r| r[1].parse::<u64>().unwrap())
        .sum();
    assert_eq!(Some(hard), summary["bounce"]["hard"]["count"].as_u64());
    // Every reason row says what to do.
    for r in table(&page, "t-reason") {
        assert_eq!(r.len(), 5);
        assert_ne!(r[3], "-", "{r:?}");
    }
    // Self-contained: no script, nothing fetched.
    for bad in ["<script", "src=", "href=", "url(", "@import"] {
        assert!(!page.contains(bad), "{bad}");
    }
    // --summary and --report in one run print the same summary.
    let mut args = vec![
        "logs",
        "--year",
        "2025",
        "--summary",
        "--format",
        "json",
        "--report",
    ];
    let again = dir.join("again.html");
    args.push(again.to_str().unwrap());
    args.extend(files.iter().map(String::as_str));
    let both: serde_json::Value = serde_json::from_slice(&common::ok(&args).stdout).unwrap();
    assert_eq!(both, summary);
    assert_eq!(std::fs::read_to_string(&again).unwrap(), page);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_report_of_bounce_messages_has_the_figures_of_the_summary() {
    let dir = tmp("bounce");
    let html = dir.join("b.html");
    let bounces = data("bounces");
    common::ok(&["bounce", "--report", html.to_str().unwrap(), &bounces]);
    let page = std::fs::read_to_string(&html).unwrap();
    let summary: serde_json::Value = serde_json::from_slice(
        &common::ok(&["bounce", "--summary", "--format", "json", &bounces]).stdout,
    )
    .unwrap();
    for section in ["status", "bounce", "reason", "provider", "domain"] {
        agrees(&page, &summary, section);
    }
    assert!(page.contains("no chart over time"));
    assert!(!page.contains("<table id=\"t-volume\">"));
    let suppress = common::ok(&["bounce", "--suppress", "--format", "json", &bounces])
        .stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    assert!(page.contains(&format!("<b id=\"suppress-size\">{suppress}</b>")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn text_from_the_log_is_escaped_and_the_page_stays_small() {
    let dir = tmp("hostile");
    let log = dir.join("hostile.log");
    let mut text = String::new();
    // Many domains, every hour over 30 years, markup and control characters in the input.
    for i in 0..40_000u32 {
        let year = 1996 + i % 30;
        let (month, day, hour) = (1 + i % 12, 1 + i % 28, i % 24);
        let dom = if i % 2 == 0 {
            format!("d{i}.<script>alert(1)</script>.example")
        } else {
            format!("x{i}\u{1b}[2J\"'&.example")
        };
        text.push_str(&format!(
            "{year}-{month:02}-{day:02}T{hour:02}:00:00+00:00 relay postfix/smtp[1]: Q{i}: \
             to=<u{i}@{dom}>, relay=mx[192.0.2.1]:25, dsn=5.1.1, status=bounced \
             (host mx said: 550 5.1.1 <u{i}@{dom}> <img src=x onerror=alert(1)> User unknown)\n"
        ));
    }
    std::fs::write(&log, text).unwrap();
    let html = dir.join("h.html");
    common::ok(&[
        "logs",
        "--report",
        html.to_str().unwrap(),
        log.to_str().unwrap(),
    ]);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.len() < 2 << 20, "{} bytes", page.len());
    assert!(page.contains("&lt;script&gt;"));
    for bad in ["<script", "<img", "\u{1b}", "onerror=alert"] {
        assert!(
            !page.contains(bad) || bad == "onerror=alert" && !page.contains("<img"),
            "{bad}"
        );
    }
    // The 30 years are shown in at most 200 bars, and every event is counted.
    let volume = table(&page, "t-volume");
    assert!(volume.len() <= 200 && volume.len() > 10, "{}", volume.len());
    let all: u64 = volume
        .iter()
        .map(|r| r.last().unwrap().parse::<u64>().unwrap())
        .sum();
    let summary: serde_json::Value = serde_json::from_slice(
        &common::ok(&[
            "logs",
            "--summary",
            "--format",
            "json",
            log.to_str().unwrap(),
        ])
        .stdout,
    )
    .unwrap();
    assert!(all > 30_000);
    assert_eq!(Some(all), summary["events"].as_u64());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_report_that_cannot_be_written_fails_before_reading() {
    let out = Command::new(env!("CARGO_BIN_EXE_smtpcode"))
        .args(["logs", "--report", "/nonexistent/dir/r.html", "-"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write the report"));
}
