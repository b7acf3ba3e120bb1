//! `smtpcode bounce` on messages written one after another without mbox separators (issue 15):
//! each message is found, or standard error says that one could not be told apart; the
//! project's bounces, one per file, give exactly the records they gave before.

mod common;
use common::{ok, smtpcode};

/// The bounce fixtures of tests/data/bounces, by name.
fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = format!("{}/../../tests/data/bounces", env!("CARGO_MANIFEST_DIR"));
    let mut v: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    v.sort();
    assert!(v.len() >= 14, "{dir}");
    v
}

/// The records of one run, without the fields that name where they come from.
fn records(out: &std::process::Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            let o = v.as_object_mut().unwrap();
            o.remove("file");
            o.remove("message");
            v
        })
        .collect()
}

#[test]
fn pasted_bounces_are_each_found() {
    let fixtures = fixtures();
    let mut pasted = Vec::new();
    let mut want = Vec::new();
    let mut counts = Vec::new();
    for (name, raw) in &fixtures {
        let out = ok(&["bounce", "--format", "json", name]);
        // One message per file: no message number, and nothing on standard error.
        assert!(
            out.stderr.is_empty(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("\"message\":"),
            "{name}"
        );
        let r = records(&out);
        counts.push(r.len());
        want.extend(r);
        pasted.extend_from_slice(raw);
        pasted.push(b'\n');
    }
    let out = smtpcode(&["bounce", "--format", "json"], &pasted);
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(records(&out), want, "the same records as file by file");
    // Numbered 1 to 14, each message its fixture's records.
    let numbers: Vec<u64> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["message"]
                .as_u64()
                .unwrap()
        })
        .collect();
    let expected: Vec<u64> = counts
        .iter()
        .enumerate()
        .flat_map(|(i, n)| std::iter::repeat_n(i as u64 + 1, *n))
        .collect();
    assert_eq!(numbers, expected);
    // The table and TSV say the message too.
    let table = String::from_utf8(smtpcode(&["bounce"], &pasted).stdout).unwrap();
    assert!(table.contains(&format!("-#{} ", fixtures.len())), "{table}");
}

/// Pasted without a blank line between them, a message's header cannot be told from
/// quoted headers: standard error says so for each, never silence.
#[test]
fn messages_that_cannot_be_told_apart_are_reported() {
    let fixtures = fixtures();
    let pasted: Vec<u8> = fixtures.iter().flat_map(|(_, raw)| raw.clone()).collect();
    let out = smtpcode(&["bounce", "--format", "json"], &pasted);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let found = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["message"].to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let warned = stderr
        .matches("looks like the header of another message")
        .count()
        + stderr
            .split("smtpcode: -: ")
            .filter_map(|s| s.strip_suffix(" more lines like that\n"))
            .map(|n| n.parse::<usize>().unwrap())
            .sum::<usize>();
    assert_eq!(
        found + warned,
        fixtures.len(),
        "{found} found, {warned} reported:\n{stderr}"
    );
    assert!(warned > 0);
}

/// A bounce that returns the original message (message/rfc822, text/rfc822-headers, a copy
/// in a plain-text body, quoted headers) stays one message.
#[test]
fn returned_headers_stay_in_their_bounce() {
    for (name, _) in fixtures() {
        let out = ok(&["bounce", "--format", "tsv", &name]);
        let text = String::from_utf8(out.stdout).unwrap();
        for row in text.lines().skip(1) {
            assert_eq!(row.split('\t').nth(1), Some(""), "{name}: {row}");
        }
    }
    // Twice the same bounce in an mbox: two messages, each with its own records.
    let (_, raw) = fixtures()
        .into_iter()
        .find(|(n, _)| n.ends_with("postfix-dsn.eml"))
        .unwrap();
    let mut mbox = b"From MAILER-DAEMON Thu Jul  2 12:05:05 2020\n".to_vec();
    mbox.extend_from_slice(&raw);
    mbox.extend_from_slice(b"\nFrom MAILER-DAEMON Thu Jul  2 12:05:06 2020\n");
    mbox.extend_from_slice(&raw);
    let out = smtpcode(&["bounce", "--format", "json"], &mbox);
    let r = records(&out);
    assert_eq!(r.len() % 2, 0);
    assert_eq!(r[..r.len() / 2], r[r.len() / 2..]);
}
