//! `smtpcode logs` end to end, on the test logs of `tests/data/logs/` (their events are
//! listed in `expected.tsv`), compressed, from a stream, and on hostile input; and
//! `--summary` / `--suppress` for `smtpcode bounce`.

mod common;
use common::smtpcode;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Read, Write};
use std::process::Output;
use std::time::{Duration, Instant};

fn logs_dir() -> String {
    format!("{}/../../tests/data/logs", env!("CARGO_MANIFEST_DIR"))
}

fn log(name: &str) -> String {
    format!("{}/{name}", logs_dir())
}

/// The rows of a TSV file of `tests/data/logs/` (comments skipped) as maps by column.
fn tsv(name: &str) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(log(name)).unwrap();
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split('\t'))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn json_lines(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8(out.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A JSON value as the expected.tsv writes it (`-` for null).
fn cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "-".into(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn every_event_of_the_test_logs_as_json() {
    let expected = tsv("expected.tsv");
    let files: BTreeSet<String> = expected.iter().map(|r| r["file"].clone()).collect();
    assert!(files.len() >= 9, "{files:?}");
    for file in files {
        let want: Vec<_> = expected.iter().filter(|r| r["file"] == file).collect();
        let out = smtpcode(
            &["logs", "--format", "json", "--year", "2025", &log(&file)],
            b"",
        );
        assert!(
            out.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = json_lines(&out.stdout);
        assert_eq!(got.len(), want.len(), "{file}: number of events");
        for (g, w) in got.iter().zip(want) {
            assert_eq!(g["line"].to_string(), w["line"], "{file}");
            assert_eq!(g["kind"], "delivery");
            assert!(cell(&g["file"]).ends_with(&file));
            for col in [
                "mta",
                "status",
                "probe",
                "queue_id",
                "recipient",
                "original_recipient",
                "sender",
                "relay",
                "helo",
                "dsn",
                "code",
                "enhanced",
                "outcome",
                "bounce",
                "reason",
                "command",
                "cause",
                "timestamp",
                "truncated",
            ] {
                assert_eq!(cell(&g[col]), w[col], "{file}:{} {col}", w["line"]);
            }
        }
    }
}

#[test]
fn all_marks_the_lines_that_are_no_delivery() {
    for row in tsv("files.tsv") {
        let file = &row["file"];
        let out = smtpcode(&["logs", "--all", "--format", "tsv", &log(file)], b"");
        let text = String::from_utf8(out.stdout).unwrap();
        let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
        let mut lines = BTreeSet::new();
        let mut header = text.lines();
        assert!(header.next().unwrap().starts_with("file\tline\tkind\t"));
        for l in header {
            let f: Vec<&str> = l.split('\t').collect();
            lines.insert(f[1].parse::<usize>().unwrap());
            if f[2] != "delivery" {
                *kinds.entry(f[2].to_string()).or_default() += 1;
            }
        }
        // Every line of the file is printed, in order, each line's events once.
        let n: usize = row["lines"].parse().unwrap();
        assert_eq!(lines, (1..=n).collect(), "{file}");
        for k in ["other", "unrecognized", "empty"] {
            assert_eq!(
                kinds.get(k).copied().unwrap_or(0).to_string(),
                row[k],
                "{file} {k}"
            );
        }
    }
}

#[test]
fn summary_counts_events_and_skipped_lines() {
    let files = tsv("files.tsv");
    let paths: Vec<String> = files.iter().map(|r| log(&r["file"])).collect();
    let mut args = vec!["logs", "--summary", "--format", "json"];
    args.extend(paths.iter().map(String::as_str));
    let out = smtpcode(&args, b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sum = |col: &str| -> u64 { files.iter().map(|r| r[col].parse::<u64>().unwrap()).sum() };
    assert_eq!(s["lines"], sum("lines"));
    assert_eq!(s["events"], sum("events"));
    assert_eq!(s["other_lines"], sum("other"));
    assert_eq!(s["unrecognized_lines"], sum("unrecognized"));
    // Skipped lines are never counted as bounces.
    let expected = tsv("expected.tsv");
    let count = |col: &str, v: &str| expected.iter().filter(|r| r[col] == v).count() as u64;
    for st in ["sent", "deferred", "bounced", "expired", "rejected"] {
        assert_eq!(s["status"][st]["count"], count("status", st), "{st}");
    }
    for b in ["none", "soft", "hard", "block"] {
        assert_eq!(s["bounce"][b]["count"], count("bounce", b), "{b}");
    }
    assert_eq!(s["reason"]["expired"]["count"], count("reason", "expired"));
    let shares: f64 = s["status"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v["share"].as_f64().unwrap())
        .sum();
    assert!((shares - 1.0).abs() < 1e-3, "{shares}");
    assert_eq!(s["domain"]["corp.example"]["count"], 10);
}

#[test]
fn suppress_lists_each_hard_bounced_address_once() {
    let expected = tsv("expected.tsv");
    let mut want: BTreeMap<String, u64> = BTreeMap::new();
    for r in &expected {
        if r["bounce"] == "hard" && r["status"] != "rejected" && r["recipient"] != "-" {
            *want.entry(r["recipient"].to_lowercase()).or_default() += 1;
        }
    }
    assert!(want.len() >= 8, "{want:?}");
    let files: BTreeSet<String> = expected.iter().map(|r| log(&r["file"])).collect();
    let mut args = vec!["logs", "--suppress", "--format", "csv"];
    args.extend(files.iter().map(String::as_str));
    let out = smtpcode(&args, b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut rdr = csv::Reader::from_reader(&out.stdout[..]);
    assert_eq!(
        rdr.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "address",
            "count",
            "last_time",
            "reason",
            "code",
            "enhanced",
            "text"
        ]
    );
    let mut got = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        assert!(!rec[3].is_empty());
        got.insert(rec[0].to_string(), rec[1].parse::<u64>().unwrap());
    }
    assert_eq!(got, want);
}

#[test]
fn gzip_and_zstd_give_the_same_records() {
    let plain = std::fs::read(log("postfix.log")).unwrap();
    let dir = std::env::temp_dir().join(format!("smtpcode-logs-z-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gz = dir.join("maillog.1.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&plain).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let zst = dir.join("maillog.2.zst");
    std::fs::write(&zst, zstd::encode_all(&plain[..], 3).unwrap()).unwrap();
    let want = smtpcode(&["logs", "--format", "tsv", &log("postfix.log")], b"");
    let strip = |o: &Output| -> Vec<String> {
        // Without the file name column.
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| l.split_once('\t').unwrap().1.to_string())
            .collect()
    };
    for p in [&gz, &zst] {
        let got = smtpcode(&["logs", "--format", "tsv", p.to_str().unwrap()], b"");
        assert!(got.status.success());
        assert_eq!(strip(&got), strip(&want), "{}", p.display());
    }
    // Compressed standard input too.
    let got = smtpcode(
        &["logs", "--format", "tsv", "-"],
        &std::fs::read(&gz).unwrap(),
    );
    assert_eq!(strip(&got), strip(&want));
    // A corrupt .gz: what could be read is kept, the error names the file, the status says so.
    let mut bad = std::fs::read(&gz).unwrap();
    let n = bad.len();
    for b in &mut bad[n / 2..n - 8] {
        *b ^= 0x5a;
    }
    let corrupt = dir.join("corrupt.gz");
    std::fs::write(&corrupt, &bad).unwrap();
    let out = smtpcode(
        &[
            "logs",
            "--format",
            "tsv",
            corrupt.to_str().unwrap(),
            &log("exim-mainlog"),
        ],
        b"",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("corrupt.gz"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("exim-mainlog"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hostile_input_keeps_every_good_event_in_order() {
    let good = "Mar  9 06:25:03 relay1 postfix/smtp[20441]: 7A3F02C41B: to=<k@mail.example.se>, relay=mx1[203.0.113.40]:25, dsn=5.1.1, status=bounced (host mx1[203.0.113.40] said: 550 5.1.1 User unknown (in reply to RCPT TO command))\n";
    let mut input = Vec::new();
    input.extend_from_slice(good.as_bytes());
    input.extend_from_slice(b"\x00\x00garbage\xff\xfe\n");
    input.extend_from_slice(good.replace("k@", "nul\0@").as_bytes());
    input.extend_from_slice(&vec![b'x'; 3 << 20]);
    input.push(b'\n');
    input.extend_from_slice(
        br#"{"type":"Bounce","id":"1","recipient":"a@b.example","response":{"code":5"#,
    );
    input.push(b'\n');
    input.extend_from_slice(b"b,2025-05-12 08:00:05+0000,o@x.example,r@y.example,5.1.1 (bad destination mailbox address)\n");
    let bad_utf8 = good
        .replacen("k@", "\u{1}@", 1)
        .replace('\u{1}', "\u{fffd}");
    let bad_utf8 = bad_utf8.as_bytes().to_vec();
    let at = bad_utf8
        .windows(3)
        .position(|w| w == "\u{fffd}".as_bytes())
        .unwrap();
    let mut bad_utf8 = bad_utf8;
    bad_utf8.splice(at..at + 3, [0xc3, 0x28]);
    input.extend_from_slice(&bad_utf8);
    // The last line has no newline.
    input.extend_from_slice(good.trim_end().replace("k@", "last@").as_bytes());
    let out = smtpcode(&["logs", "--format", "json", "-"], &input);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let got = json_lines(&out.stdout);
    let lines: Vec<u64> = got.iter().map(|g| g["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [1, 3, 7, 8], "{stderr}");
    assert_eq!(got[3]["recipient"], "last@mail.example.se");
    assert!(got.iter().all(|g| g["reason"] == "mailbox_unknown"));
    // Each problem names the input and the line; the exit status says lines were unreadable.
    assert!(stderr.contains("-:4: line longer than 1 MiB"), "{stderr}");
    assert!(stderr.contains("-:5: not a whole JSON record"), "{stderr}");
    assert!(
        stderr.contains("-:6: PowerMTA accounting row before any header row"),
        "{stderr}"
    );
    assert!(!out.status.success());
    // A missing file among several: the others are read, the status says it.
    let out = smtpcode(
        &[
            "logs",
            "--format",
            "tsv",
            "/nonexistent/maillog",
            &log("exim-syslog.log"),
        ],
        b"",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/maillog"));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
}

#[test]
fn a_stream_is_printed_as_its_lines_arrive() {
    let (mut child, mut stdin, mut stdout) = common::streaming(&["logs", "--format", "tsv", "-"]);
    let mut header = String::new();
    for i in 0..3 {
        let line = format!(
            "Mar  9 06:25:0{i} relay1 postfix/smtp[1]: ABCDE{i}: to=<u{i}@x.example>, relay=x[192.0.2.1]:25, dsn=2.0.0, status=sent (250 ok)\n"
        );
        stdin.write_all(line.as_bytes()).unwrap();
        stdin.flush().unwrap();
        // The record comes while standard input is still open.
        let start = Instant::now();
        if i == 0 {
            stdout.read_line(&mut header).unwrap();
            assert!(header.starts_with("file\t"));
        }
        let mut rec = String::new();
        stdout.read_line(&mut rec).unwrap();
        assert!(rec.contains(&format!("u{i}@x.example")), "{rec}");
        assert!(start.elapsed() < Duration::from_secs(20));
    }
    drop(stdin);
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let line = "Mar  9 06:25:03 relay1 postfix/smtp[1]: ABCDE1: to=<u@x.example>, relay=x[192.0.2.1]:25, dsn=5.1.1, status=bounced (host x said: 550 5.1.1 User unknown)\n";
    let input = line.repeat(100_000);
    for args in [
        &["logs", "--format", "json", "-"][..],
        &["logs", "--format", "table", "-"],
        &["logs", "--format", "csv", "-"],
        &["logs", "--all", "-"],
    ] {
        common::closed_pipe_ends_quietly(args, input.as_bytes());
    }
}

#[test]
fn since_and_until_select_by_time() {
    let out = smtpcode(
        &[
            "logs",
            "--format",
            "json",
            "--since",
            "2025-04-17 09:20",
            "--until",
            "2025-04-21",
            &log("exim-mainlog"),
        ],
        b"",
    );
    let got = json_lines(&out.stdout);
    let times: Vec<String> = got.iter().map(|g| cell(&g["time"])).collect();
    assert!(!times.is_empty());
    assert!(
        times
            .iter()
            .all(|t| t.as_str() >= "2025-04-17 09:20" && t.as_str() < "2025-04-21"),
        "{times:?}"
    );
    let all = tsv("expected.tsv")
        .into_iter()
        .filter(|r| {
            r["file"] == "exim-mainlog"
                && r["timestamp"].as_str() >= "2025-04-17T09:20"
                && r["timestamp"].as_str() < "2025-04-21"
        })
        .count();
    assert_eq!(got.len(), all);
    // Syslog times have no year: without --year they cannot be compared, and it is said.
    let out = smtpcode(&["logs", "--since", "2025-03-10", &log("postfix.log")], b"");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--year"));
    let out = smtpcode(
        &[
            "logs",
            "--format",
            "json",
            "--year",
            "2025",
            "--since",
            "2025-03-14",
            &log("postfix.log"),
        ],
        b"",
    );
    assert!(
        json_lines(&out.stdout)
            .iter()
            .all(|g| cell(&g["time"]).starts_with("Mar 14"))
    );
    let out = smtpcode(&["logs", "--since", "yesterday", "-"], b"");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a time"));
}

#[test]
fn a_forced_format_reads_bare_lines() {
    let out = smtpcode(
        &["logs", "--log-format", "postfix", "--format", "json", "-"],
        b"0D9633D: to=<jos@example.com>, relay=mail1.example.net[192.0.2.11]:25, dsn=5.1.1, status=bounced (host mail1 said: 550 5.1.1 no such user (in reply to RCPT TO command))\n",
    );
    let got = json_lines(&out.stdout);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["reason"], "mailbox_unknown");
    let out = smtpcode(&["logs", "--log-format", "qmail", "-"], b"");
    assert!(String::from_utf8_lossy(&out.stderr).contains("postfix, exim"));
}

#[test]
fn bounce_messages_have_a_summary_and_a_suppression_list() {
    let dir = format!("{}/../../tests/data/bounces", env!("CARGO_MANIFEST_DIR"));
    let records = smtpcode(&["bounce", "--format", "json", &dir], b"");
    let recs = json_lines(&records.stdout);
    let mut want: BTreeMap<String, u64> = BTreeMap::new();
    for r in &recs {
        if r["bounce"] == "hard" {
            if let Some(a) = r["recipient"].as_str() {
                *want.entry(a.to_lowercase()).or_default() += 1;
            }
        }
    }
    assert!(!want.is_empty());
    let out = smtpcode(&["bounce", "--suppress", "--format", "json", &dir], b"");
    let got: BTreeMap<String, u64> = json_lines(&out.stdout)
        .iter()
        .map(|s| {
            (
                s["address"].as_str().unwrap().to_string(),
                s["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, want);
    let out = smtpcode(&["bounce", "--summary", "--format", "json", &dir], b"");
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["events"], recs.len() as u64);
    let hard = recs.iter().filter(|r| r["bounce"] == "hard").count() as u64;
    assert_eq!(s["bounce"]["hard"]["count"], hard);
}
