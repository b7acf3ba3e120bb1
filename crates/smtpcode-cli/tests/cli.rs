//! The `smtpcode` command end to end: every input line gets one record, in order, whatever
//! the bytes; records carry the library's answers; errors are clear and leave nothing half
//! done.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn smtpcode(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_smtpcode"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run smtpcode");
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    // Written from another thread: the command answers while it reads.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

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
