//! One `--format table|json|tsv|csv` on every subcommand, records from several files, and the
//! summaries in every format (issue 15).

mod common;
use common::{ok, smtpcode};

use std::process::Command;

fn text(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

/// Each JSON line, with its keys in the order of the line.
fn json_lines(out: &std::process::Output) -> Vec<(serde_json::Value, Vec<String>)> {
    text(out)
        .lines()
        .map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            // serde_json's map is sorted: the order is read from the line itself.
            let mut order: Vec<(usize, String)> = v
                .as_object()
                .unwrap()
                .keys()
                .map(|k| (l.find(&format!("\"{k}\":")).unwrap(), k.clone()))
                .collect();
            order.sort();
            (v, order.into_iter().map(|(_, k)| k).collect())
        })
        .collect()
}

/// `explain`, `codes` and `reasons` print the same rows in JSON, TSV and CSV: the TSV and CSV
/// header is the JSON record's keys, and each row its values.
#[test]
fn listings_have_one_record_in_every_format() {
    let cases: [&[&str]; 5] = [
        &["codes"],
        &["codes", "--class", "4"],
        &["codes", "--enhanced"],
        &["reasons"],
        &["explain", "550 5.1.1 <jane@example.com>: User unknown"],
    ];
    for args in cases {
        let with = |format: &str| {
            let mut a = args.to_vec();
            a.extend(["--format", format]);
            ok(&a)
        };
        let json = json_lines(&with("json"));
        assert!(!json.is_empty(), "{args:?}");
        let tsv = text(&with("tsv"));
        let mut rows = tsv.lines();
        let header: Vec<&str> = rows.next().unwrap().split('\t').collect();
        let tsv_rows: Vec<Vec<&str>> = rows.map(|l| l.split('\t').collect()).collect();
        assert_eq!(tsv_rows.len(), json.len(), "{args:?}");
        let csv_out = with("csv");
        let mut csv = csv::Reader::from_reader(&csv_out.stdout[..]);
        let csv_header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
        let csv_rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
        assert_eq!(csv_header, header, "{args:?}");
        assert_eq!(csv_rows.len(), json.len());
        for (((j, jk), t), c) in json.iter().zip(&tsv_rows).zip(&csv_rows) {
            // explain's TSV is classify's; the other listings' columns are the JSON keys.
            if args[0] != "explain" {
                assert_eq!(jk, &header, "{args:?}");
            }
            for (i, col) in header.iter().enumerate() {
                let want = match &j[*col] {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(s) => s.clone(),
                    v => v.to_string(),
                };
                assert_eq!(t[i], want, "{args:?} {col}");
                assert_eq!(&c[i], want, "{args:?} {col}");
            }
        }
    }
    // `--json` is `--format json`, and cannot be given with another format.
    for args in [&["explain", "552"][..], &["codes", "--enhanced"]] {
        let mut a = args.to_vec();
        a.push("--json");
        let mut b = args.to_vec();
        b.extend(["--format", "json"]);
        assert_eq!(ok(&a).stdout, ok(&b).stdout);
        let mut c = a.clone();
        c.extend(["--format", "tsv"]);
        assert_eq!(smtpcode(&c, b"").status.code(), Some(2));
    }
    // The table stays what it was: the card, the code table.
    assert!(text(&ok(&["explain", "550"])).contains("Explanation"));
    assert!(text(&ok(&["codes"])).starts_with("CODE STATUS"));
    assert!(
        text(&ok(&["reasons", "--format", "table"])).contains("mailbox_unknown  (recipient fault)")
    );
}

/// A scratch folder of the test's own, removed at the end.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("smtpcode-fmt-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn file(&self, name: &str, content: &str) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, content).unwrap();
        p.display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Several files: each record names its file, line numbers count in each file; one input
/// keeps the output as it was unless -H asks for the file.
#[test]
fn classify_names_the_file_of_each_record() {
    let dir = Scratch::new("files");
    let a = dir.file("a.txt", "550 5.1.1 User unknown\nhello\n");
    let b = dir.file("b.txt", "421 4.7.0 Try again later\n");
    let out = ok(&["classify", "--format", "json", &a, &b]);
    let recs = json_lines(&out);
    let got: Vec<(String, u64)> = recs
        .iter()
        .map(|(r, _)| {
            (
                r["file"].as_str().unwrap().to_string(),
                r["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, vec![(a.clone(), 1), (a.clone(), 2), (b.clone(), 1)]);
    assert_eq!(recs[0].1[..2], ["file", "line"]);
    let tsv = text(&ok(&["classify", "--format", "tsv", &a, &b]));
    let lines: Vec<&str> = tsv.lines().collect();
    assert!(lines[0].starts_with("file\tline\tcode\t"), "{tsv}");
    assert!(lines[3].starts_with(&format!("{b}\t1\t421\t")), "{tsv}");
    let table = text(&ok(&["classify", &a, &b]));
    assert!(table.starts_with("FILE "), "{table}");
    assert!(table.lines().nth(3).unwrap().contains("b.txt"), "{table}");
    // One file, or standard input: no file field, as before; -H gives it.
    let one = json_lines(&ok(&["classify", "--format", "json", &a]));
    assert!(one[0].0.get("file").is_none());
    let stdin = smtpcode(&["classify", "-H", "--format", "tsv"], b"550\n");
    assert!(text(&stdin).starts_with("file\tline\t"));
    assert!(
        text(&stdin)
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("-\t1\t550")
    );
}

/// A missing file among several: its error on stderr, the others read, a failing status;
/// the error comes where the file is, never after a header of records not yet printed.
#[test]
fn a_missing_file_among_several_is_reported_in_its_place() {
    let dir = Scratch::new("missing");
    let a = dir.file("a.txt", "550 5.1.1 User unknown\n");
    let b = dir.file("b.txt", "421 4.7.0 Try again later\n");
    for format in ["table", "json", "tsv", "csv"] {
        // Standard output and standard error into one pipe, to see their order.
        let run = |files: &str| {
            Command::new("sh")
                .arg("-c")
                .arg(format!("\"$0\" classify --format {format} {files} 2>&1",))
                .arg(env!("CARGO_BIN_EXE_smtpcode"))
                .output()
                .unwrap()
        };
        let out = run(&format!("/nonexistent/x {a} {b}"));
        assert!(!out.status.success());
        let all = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = all.lines().collect();
        assert!(
            lines[0].contains("cannot open /nonexistent/x"),
            "{format}: {all}"
        );
        assert!(
            all.contains("5.1.1") && all.contains("4.7.0"),
            "{format}: {all}"
        );
        let out = run(&format!("{a} /nonexistent/x {b}"));
        let all = String::from_utf8(out.stdout).unwrap();
        let at = |s: &str| {
            all.find(s)
                .unwrap_or_else(|| panic!("{format}: {s} in {all}"))
        };
        assert!(at("5.1.1") < at("cannot open"), "{format}: {all}");
        assert!(at("cannot open") < at("4.7.0"), "{format}: {all}");
        // Only a missing file: nothing on standard output.
        let out = smtpcode(&["classify", "--format", format, "/nonexistent/x"], b"");
        assert!(out.stdout.is_empty(), "{format}");
        assert!(!out.status.success());
    }
}

/// Lines that are no reply (no code, no known phrase) are counted apart from the bounces;
/// the summary is printed in the format asked for.
#[test]
fn the_summary_counts_no_reply_apart_in_every_format() {
    let input = b"550 5.1.1 User unknown\nhello world\n\n421 4.7.0 Try again later\n   \n";
    let no_reply = input
        .split(|&b| b == b'\n')
        .take(5)
        .filter(|l| {
            let c = smtpcode::classify(l);
            c.bounce() == smtpcode::Bounce::Unknown && c.retry().is_none()
        })
        .count();
    assert_eq!(no_reply, 3);
    let json = smtpcode(&["classify", "--summary", "--format", "json"], input);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["lines"], 5);
    assert_eq!(v["no_reply"], no_reply);
    assert_eq!(v["bounce"]["unknown"], no_reply);
    // The soft bounces are the 421 alone.
    assert_eq!(v["bounce"]["soft"], 1);
    assert_eq!(v["bounce"]["hard"], 1);
    let tsv = text(&smtpcode(
        &["classify", "--summary", "--format", "tsv"],
        input,
    ));
    assert!(tsv.starts_with("section\tkey\tcount\tshare\n"), "{tsv}");
    assert!(tsv.contains("\ntotal\tno_reply\t3\t\n"), "{tsv}");
    assert!(tsv.contains("\nbounce\tunknown\t3\t0.6000\n"), "{tsv}");
    let csv = text(&smtpcode(
        &["classify", "--summary", "--format", "csv"],
        input,
    ));
    assert!(csv.contains("\nbounce,unknown,3,0.6000\n"), "{csv}");
    let table = text(&smtpcode(&["classify", "--summary"], input));
    assert!(table.contains("no reply: 3"), "{table}");
    // bounce --summary: a message without recipients has no reply to count as a bounce.
    let not_bounce =
        b"From: Nina <nina@example.com>\nTo: a@example.org\nSubject: Re: Lunch\n\nYes.\n";
    let out = smtpcode(&["bounce", "--summary", "--format", "json"], not_bounce);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["bounce"]["unknown"]["count"], 1, "{v}");
    for format in ["tsv", "csv", "table"] {
        let out = smtpcode(&["bounce", "--summary", "--format", format], not_bounce);
        assert!(text(&out).contains("unknown"), "{format}");
    }
}

/// The subcommands the completions and manual pages must name.
const SUBCOMMANDS: [&str; 8] = [
    "explain",
    "classify",
    "codes",
    "reasons",
    "bounce",
    "logs",
    "completions",
    "man",
];

#[test]
fn completions_for_each_shell_name_every_subcommand() {
    for shell in ["bash", "zsh", "fish"] {
        let script = text(&ok(&["completions", shell]));
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell}: {sub}");
        }
        assert!(
            script.contains("format") && script.contains("with-filename"),
            "{shell}"
        );
    }
    // The bash script is valid bash (when bash is here to say).
    let bash = text(&ok(&["completions", "bash"]));
    if let Ok(out) = Command::new("bash").args(["-n", "-c", &bash]).output() {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(
        smtpcode(&["completions", "tcsh"], b"").status.code(),
        Some(2)
    );
}

#[test]
fn the_manual_pages_are_roff_with_every_subcommand() {
    let page = text(&ok(&["man"]));
    assert!(page.contains("\n.TH smtpcode 1 "), "{page}");
    for sub in SUBCOMMANDS {
        assert!(page.contains(&format!("smtpcode\\-{sub}(1)")), "{sub}");
        let sub_page = text(&ok(&["man", sub]));
        assert!(
            sub_page.contains(&format!(".TH smtpcode\\-{sub} 1 "))
                || sub_page.contains(&format!(".TH smtpcode-{sub} 1 ")),
            "{sub_page}"
        );
        assert!(sub_page.contains(".SH SYNOPSIS"));
    }
    assert!(text(&ok(&["man", "classify"])).contains("with\\-filename"));
    let out = smtpcode(&["man", "nope"], b"");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no subcommand \"nope\""));
    // groff, when it is here, reads the pages without a warning.
    if Command::new("groff")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        for args in [&["man"][..], &["man", "bounce"]] {
            let mut child = Command::new("groff")
                .args(["-man", "-Tutf8", "-ww", "-z"])
                .stdin(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(&ok(args).stdout)
                .unwrap();
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success() && out.stderr.is_empty(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// `make install DESTDIR=... PREFIX=...` puts the command, its completions and its manual
/// pages where the shells and man look for them.
#[test]
fn make_install_puts_completions_and_man_pages_in_place() {
    if Command::new("make").arg("--version").output().is_err() {
        eprintln!("make is not installed: skipped");
        return;
    }
    let dir = Scratch::new("install");
    let root = format!("{}/../..", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("make")
        .args(["-s", "-C", &root, "install", "PREFIX=/usr"])
        .arg(format!("DESTDIR={}", dir.0.display()))
        .arg(format!("SMTPCODE_BIN={}", env!("CARGO_BIN_EXE_smtpcode")))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let usr = dir.0.join("usr");
    for (path, needle) in [
        ("bin/smtpcode", "".to_string()),
        (
            "share/bash-completion/completions/smtpcode",
            "classify".to_string(),
        ),
        (
            "share/zsh/site-functions/_smtpcode",
            "#compdef smtpcode".to_string(),
        ),
        (
            "share/fish/vendor_completions.d/smtpcode.fish",
            "complete -c smtpcode".to_string(),
        ),
        ("share/man/man1/smtpcode.1", ".TH smtpcode 1".to_string()),
        (
            "share/man/man1/smtpcode-bounce.1",
            ".SH SYNOPSIS".to_string(),
        ),
        (
            "share/man/man1/smtpcode-classify.1",
            ".SH SYNOPSIS".to_string(),
        ),
    ] {
        let bytes = std::fs::read(usr.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(!bytes.is_empty(), "{path}");
        assert!(String::from_utf8_lossy(&bytes).contains(&needle), "{path}");
    }
    let pages = std::fs::read_dir(usr.join("share/man/man1"))
        .unwrap()
        .count();
    assert_eq!(pages, 9, "smtpcode.1 and one page per subcommand");
}
