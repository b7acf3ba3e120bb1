//! The `smtpcode` command end to end: every input line gets one record, in order, whatever
//! the bytes; records carry the library's answers; errors are clear and leave nothing half
//! done.

mod common;
use common::smtpcode;

use std::io::Write;
use std::process::{Command, Stdio};

/// Real replies and garbage: bytes that are not UTF-8, NUL, a lone CR, tabs, an empty line,
/// white space only, digits that are not codes, text with no code.
const LINES: &[&[u8]] = &[
    b"550 5.1.1 <jane@example.com>: Recipient address rejected: User unknown",
    b"\xff\xfe\x00garbage \xc3\x28 550",
    b"",
    b"421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred - gsmtp",
    b"   \t  ",
    b"smtp; 552 5.2.2 Mailbox full\r",
    b"\x00\x00\x00",
    b"192.168.10.250 2026-11-29 12:00:01 size=5242880",
    b"host mx.example.com[192.0.2.1] said: 554 5.7.1 Service unavailable; Client host blocked using zen.spamhaus.org",
    b"hello world",
    b"250-mx.example.com\t250 2.0.0 Ok: queued as 4F2A1",
];

/// The library's answer for an input line as the command reads it (without its CR).
fn classify_line(line: &[u8]) -> smtpcode::Classification {
    smtpcode::classify(line.strip_suffix(b"\r").unwrap_or(line))
}

#[test]
fn a_million_lines_with_garbage_give_a_million_records_in_order() {
    const N: usize = 1_000_000;
    let mut input = Vec::new();
    for i in 0..N {
        input.extend_from_slice(LINES[i % LINES.len()]);
        input.push(b'\n');
    }
    let out = smtpcode(&["classify", "--format", "tsv"], &input);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("TSV output is UTF-8");
    let mut records = text.lines();
    assert!(
        records
            .next()
            .unwrap()
            .starts_with("line\tcode\tenhanced\t")
    );
    let expected: Vec<(String, String)> = LINES
        .iter()
        .map(|l| {
            let c = classify_line(l);
            (c.reason().to_string(), c.rule().to_string())
        })
        .collect();
    let mut n = 0;
    for (i, record) in records.enumerate() {
        let f: Vec<&str> = record.split('\t').collect();
        assert_eq!(f[0], (i + 1).to_string(), "record {i} is out of order");
        let (reason, rule) = &expected[i % LINES.len()];
        assert_eq!(
            (f[5], f[11]),
            (reason.as_str(), rule.as_str()),
            "line {}",
            i + 1
        );
        n += 1;
    }
    assert_eq!(n, N);
}

/// A file is read in blocks classified on all cores (4096 lines or 4 MiB each), standard
/// input line by line: the records are the same, in the same order, across block ends made
/// by the line count and by the bytes (lines cut at 1 MiB among them).
#[test]
fn a_file_in_blocks_gives_what_standard_input_gives() {
    let dir = Scratch::new("blocks");
    let mut input = Vec::new();
    for i in 0..10_000 {
        if i % 2_000 == 1_999 {
            // Five over-long lines: 7.5 MiB, over the byte size of a block.
            input.extend_from_slice(b"550 5.1.1 ");
            input.resize(input.len() + (3 << 19), b'x');
        } else {
            input.extend_from_slice(LINES[i % LINES.len()]);
        }
        input.push(b'\n');
    }
    let file = dir.path("lines.txt");
    std::fs::write(&file, &input).unwrap();
    for format in ["tsv", "json"] {
        let piped = smtpcode(&["classify", "--format", format], &input);
        let read = smtpcode(&["classify", "--format", format, &file], b"");
        assert!(piped.status.success() && read.status.success());
        assert_eq!(
            String::from_utf8_lossy(&read.stdout),
            String::from_utf8_lossy(&piped.stdout),
            "{format}"
        );
    }
    let read = smtpcode(&["classify", "--format", "tsv", &file], b"");
    let text = String::from_utf8(read.stdout).unwrap();
    let numbers: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|r| r.split('\t').next().unwrap())
        .collect();
    assert_eq!(numbers.len(), 10_000);
    assert!(
        numbers
            .iter()
            .enumerate()
            .all(|(i, n)| *n == (i + 1).to_string())
    );
    let summary = smtpcode(&["classify", "--summary", "--format", "json", &file], b"");
    let piped = smtpcode(&["classify", "--summary", "--format", "json"], &input);
    assert_eq!(summary.stdout, piped.stdout);
}

/// `tail -F | smtpcode classify`: each line's record comes while the input is still open.
#[test]
fn a_pipe_is_answered_as_its_lines_arrive() {
    use std::io::BufRead;
    let (mut child, mut stdin, mut stdout) = common::streaming(&["classify", "--format", "tsv"]);
    let mut header = String::new();
    for (i, line) in LINES.iter().take(4).enumerate() {
        stdin.write_all(line).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
        if i == 0 {
            stdout.read_line(&mut header).unwrap();
            assert!(header.starts_with("line\t"), "{header}");
        }
        let mut rec = String::new();
        stdout.read_line(&mut rec).unwrap();
        let want = classify_line(line);
        assert!(rec.starts_with(&format!("{}\t", i + 1)), "{rec}");
        assert!(rec.contains(want.rule()), "{rec}");
    }
    drop(stdin);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    assert!(rest.is_empty(), "{rest}");
    assert!(child.wait().unwrap().success());
}

#[test]
fn json_records_say_what_a_line_lacked() {
    let mut input = b"550 5.1.1 User unknown\n\nno code here\n".to_vec();
    // Longer than the longest line kept whole (1 MiB): read to its end, flagged, and the
    // next line is still its own record.
    input.extend(std::iter::repeat_n(b'x', (1 << 20) + 10));
    input.extend_from_slice(b" 552 5.2.2 full\nlast line without newline 451 4.3.0");
    let out = smtpcode(&["classify", "--format", "json"], &input);
    assert!(out.status.success());
    let records: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 5);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r["line"], i + 1);
    }
    assert_eq!(records[0]["reason"], "mailbox_unknown");
    assert!(records[0].get("error").is_none());
    assert_eq!(records[1]["error"], "empty line");
    assert_eq!(records[2]["error"], "no reply code and no known phrase");
    assert_eq!(records[3]["truncated"], true);
    assert!(records[2].get("truncated").is_none());
    assert_eq!(records[4]["code"], 451);
}

#[test]
fn summary_counts_every_line() {
    let input: Vec<u8> = LINES.iter().flat_map(|l| [*l, b"\n"].concat()).collect();
    let out = smtpcode(&["classify", "--summary", "--format", "json"], &input);
    assert!(out.status.success());
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["lines"], LINES.len());
    let mut reasons = serde_json::Map::new();
    for l in LINES {
        let reason = classify_line(l).reason();
        let n = reasons.entry(reason.as_str()).or_insert(0.into());
        *n = (n.as_u64().unwrap() + 1).into();
    }
    assert_eq!(summary["reason"], serde_json::Value::Object(reasons));
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let out = smtpcode(&["classify", "/nonexistent/replies.txt"], b"");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot open /nonexistent/replies.txt"),
        "{err}"
    );
    let out = smtpcode(&["classify", "--command", "quit"], b"550\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("rcpt"));
}

#[test]
fn explain_gives_the_library_answer() {
    let reply = "552 5.2.2 Mailbox full";
    let out = smtpcode(&["explain", "--json", reply], b"");
    assert!(out.status.success());
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = smtpcode::classify(reply);
    assert_eq!(r["reason"], c.reason().as_str());
    assert_eq!(r["bounce"], c.bounce().as_str());
    assert_eq!(r["explanation"], c.explanation());
}

/// A scratch folder of the test's own, removed at the end.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("smtpcode-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const BOUNCE: &str = "From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail Returned to Sender\n\nThis is the mail system.\n\n<jane@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command)\n";

/// One unreadable input among several is reported with its name, the others are still read,
/// and the exit status says that something was not read (issue 11).
#[test]
fn an_unreadable_input_does_not_stop_the_run() {
    let dir = Scratch::new("unreadable");
    std::fs::write(dir.path("a.eml"), BOUNCE).unwrap();
    std::fs::write(dir.path("z.eml"), BOUNCE.replace("jane", "zoe")).unwrap();
    std::os::unix::fs::symlink("loop", dir.path("loop")).unwrap();
    let fifo = std::ffi::CString::new(dir.path("pipe")).unwrap();
    // A FIFO in a folder must be skipped, not opened (opening it would wait for a writer).
    assert!(
        Command::new("mkfifo")
            .arg(fifo.to_str().unwrap())
            .status()
            .unwrap()
            .success()
    );
    let out = smtpcode(
        &["bounce", "--format", "tsv", &dir.0.display().to_string()],
        b"",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stdout.contains("jane@example.com") && stdout.contains("zoe@example.com"),
        "{stdout}"
    );
    assert!(
        stderr.contains("loop") && stderr.contains("pipe"),
        "{stderr}"
    );
    // Named on the command line: a missing file, a symbolic link loop, a folder given to
    // classify; the file after them is still read.
    let replies = dir.path("replies.txt");
    std::fs::write(&replies, "552 5.2.2 Mailbox full\n").unwrap();
    let out = smtpcode(
        &[
            "classify",
            "--format",
            "tsv",
            "/nonexistent/a",
            &dir.path("loop"),
            &dir.0.display().to_string(),
            &replies,
        ],
        b"",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stdout.contains("mailbox_full"), "{stdout}");
    assert!(
        stderr.contains("/nonexistent/a")
            && stderr.contains("loop")
            && stderr.contains("3 inputs could not be read"),
        "{stderr}"
    );
    // No header before an error: the first line of the output is the first record's.
    let out = smtpcode(&["classify", "--format", "tsv", "/nonexistent/a"], b"");
    assert!(out.stdout.is_empty());
}

/// An mbox is recognized however its bytes arrive (a pipe may deliver `Fr` first) and after
/// blank lines (issue 11).
#[test]
fn mbox_from_a_slow_pipe_and_after_blank_lines() {
    let mbox = format!(
        "\n\nFrom a@b Thu Jul  2 12:05:05 2020\n{BOUNCE}\nFrom a@b Thu Jul  2 12:05:06 2020\n{}",
        BOUNCE.replace("jane", "zoe")
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_smtpcode"))
        .args(["bounce", "--format", "tsv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        for chunk in mbox.as_bytes().chunks(2) {
            pipe.write_all(chunk).unwrap();
            pipe.flush().unwrap();
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let records: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(records.len(), 2, "{text}");
    assert_eq!((records[0][1], records[0][3]), ("1", "jane@example.com"));
    assert_eq!((records[1][1], records[1][3]), ("2", "zoe@example.com"));
}

/// What a bounce says cannot move the operator's terminal: escape sequences in a recipient
/// or a diagnostic are cleaned in the table and TSV, and escaped in JSON (issue 11).
#[test]
fn escape_sequences_do_not_reach_the_terminal() {
    let dsn = "From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; x\u{1b}]0;owned\u{7}\u{1b}[2J@example.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 \u{1b}[31mred\u{1b}[0m \u{202e}txt.exe\n--b--\n";
    for format in ["table", "tsv"] {
        let out = smtpcode(&["bounce", "--format", format], dsn.as_bytes());
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'),
            "{format}: {text:?}"
        );
        assert!(
            text.contains("red") && text.contains("txt.exe"),
            "{format}: {text:?}"
        );
    }
    let out = smtpcode(&["bounce", "--format", "json"], dsn.as_bytes());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains('\u{1b}') && text.contains("\\u001b[31mred"),
        "{text}"
    );
    let out = smtpcode(&["classify"], "550 \u{1b}]0;owned\u{7} no\n".as_bytes());
    assert!(!String::from_utf8(out.stdout).unwrap().contains('\u{1b}'));
}

/// A closed output ends the run quietly with status 0, in every format (issue 11: JSON
/// used to exit 1 with "Broken pipe").
#[test]
fn a_closed_pipe_ends_quietly() {
    let input = "550 5.1.1 User unknown\n".repeat(200_000);
    for format in ["json", "tsv", "table"] {
        common::closed_pipe_ends_quietly(&["classify", "--format", format], input.as_bytes());
    }
}

/// The repository's shared test data.
fn data(file: &str) -> String {
    format!("{}/../../tests/data/{file}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn user_rules_from_a_file() {
    let rules = data("user-rules.tsv");
    let cases = std::fs::read_to_string(data("user-rules-cases.tsv")).unwrap();
    let rows: Vec<Vec<&str>> = cases
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
        .collect();
    let input: String = rows.iter().map(|r| format!("{}\n", r[0])).collect();
    let out = smtpcode(
        &["--rules", &rules, "classify", "--format", "json"],
        input.as_bytes(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got.len(), rows.len());
    for (g, r) in got.iter().zip(&rows) {
        assert_eq!(
            (g["reason"].as_str(), g["rule"].as_str()),
            (Some(r[1]), Some(r[2])),
            "{}",
            r[0]
        );
    }
    // The option goes after the subcommand too, and `explain` uses the rules.
    let out = smtpcode(&["explain", "--json", "--rules", &rules, rows[0][0]], b"");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rule"], rows[0][2]);
}

#[test]
fn a_bad_rule_file_is_refused_with_its_line() {
    let dir = std::env::temp_dir().join(format!("smtpcode-cli-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.tsv");
    std::fs::write(
        &bad,
        "id\tpattern\treason\n# ok\nx\tuser (unknown\tpolicy\n",
    )
    .unwrap();
    let out = smtpcode(
        &["--rules", bad.to_str().unwrap(), "classify"],
        b"550 5.1.1 user unknown\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.tsv:3:") && err.contains("missing )"),
        "{err}"
    );
    let out = smtpcode(&["--rules", "/nonexistent/rules.tsv", "classify"], b"550\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/rules.tsv"));
    std::fs::remove_dir_all(&dir).unwrap();
}
