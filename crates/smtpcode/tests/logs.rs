//! The mail log test data (`tests/data/logs/`): every event of every file, as
//! `tests/data/logs/expected.tsv` lists it, and the kinds of lines of each file as
//! `tests/data/logs/files.tsv` counts them. The CLI and Python suites read the same files.
//!
//! With `SMTPCODE_BLESS=1` both files are rewritten from the current results (for new test
//! data: write the log lines, bless, then review every value by hand).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use smtpcode::log::{Event, LineKind, LogReader};

/// The year given to traditional syslog times, which have none.
const YEAR: i16 = 2025;

fn logs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/logs")
}

fn bless() -> bool {
    std::env::var_os("SMTPCODE_BLESS").is_some_and(|v| v == "1")
}

/// The log files, in name order (the `.tsv` files are the expectations).
fn log_files() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(logs_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".tsv") && !n.ends_with(".md"))
        .collect();
    v.sort();
    v
}

const EVENT_HEADER: &str = "file\tline\tmta\tstatus\tprobe\tqueue_id\trecipient\toriginal_recipient\tsender\trelay\thelo\tdsn\tcode\tenhanced\toutcome\tbounce\treason\tcommand\tcause\ttimestamp\ttruncated";

fn dash(s: Option<&str>) -> String {
    match s {
        Some(s) => s.replace('\t', " "),
        None => "-".to_string(),
    }
}

fn event_row(file: &str, line: usize, e: &Event) -> String {
    let c = &e.classification;
    [
        file.to_string(),
        line.to_string(),
        e.mta.to_string(),
        e.status.to_string(),
        e.probe.to_string(),
        dash(e.queue_id.as_deref()),
        dash(e.recipient.as_deref()),
        dash(e.original_recipient.as_deref()),
        dash(e.sender.as_deref()),
        dash(e.relay.as_deref()),
        dash(e.helo.as_deref()),
        dash(e.dsn.as_deref()),
        dash(c.code().map(|c| c.as_u16().to_string()).as_deref()),
        dash(c.enhanced().map(|c| c.to_string()).as_deref()),
        c.outcome().to_string(),
        c.bounce().to_string(),
        c.reason().to_string(),
        dash(c.command().map(|c| c.as_str())),
        dash(e.cause.map(|c| c.as_str())),
        dash(e.timestamp.map(|t| t.to_string()).as_deref()),
        e.truncated.to_string(),
    ]
    .join("\t")
}

/// Every event row and every file's counts, from the current code.
fn actual() -> (String, String) {
    let mut events = format!(
        "# Every delivery event of the files of this folder, in order (traditional syslog times \
         read in {YEAR}).\n# Written by `SMTPCODE_BLESS=1 cargo test -p smtpcode --test logs` \
         and reviewed by hand; read by the Rust, CLI and Python suites.\n{EVENT_HEADER}\n"
    );
    let mut files = String::from(
        "# The lines of each file of this folder by kind, the events they give and the \
         problems reported.\nfile\tlines\tdelivery\tother\tunrecognized\tempty\tevents\tproblems\n",
    );
    for name in log_files() {
        let data = std::fs::read(logs_dir().join(&name)).unwrap();
        let mut reader = LogReader::new().year(YEAR);
        let mut counts = [0usize; 4];
        let (mut lines, mut n_events, mut problems) = (0, 0, 0);
        for (i, line) in data.split(|&b| b == b'\n').enumerate() {
            if i == data.split(|&b| b == b'\n').count() - 1 && line.is_empty() {
                break;
            }
            lines += 1;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let mut ev = Vec::new();
            let info = reader.read_line(line, &mut ev);
            counts[LineKind::ALL.iter().position(|k| *k == info.kind).unwrap()] += 1;
            problems += usize::from(info.problem.is_some());
            for e in &ev {
                n_events += 1;
                writeln!(events, "{}", event_row(&name, i + 1, e)).unwrap();
            }
        }
        writeln!(
            files,
            "{name}\t{lines}\t{}\t{}\t{}\t{}\t{n_events}\t{problems}",
            counts[0], counts[1], counts[2], counts[3]
        )
        .unwrap();
    }
    (events, files)
}

#[test]
fn every_event_of_the_test_logs() {
    let (events, files) = actual();
    let dir = logs_dir();
    if bless() {
        std::fs::write(dir.join("expected.tsv"), &events).unwrap();
        std::fs::write(dir.join("files.tsv"), &files).unwrap();
        return;
    }
    for (name, got) in [("expected.tsv", events), ("files.tsv", files)] {
        let want = std::fs::read_to_string(dir.join(name)).unwrap();
        let (want, got): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
        for (i, (w, g)) in want.iter().zip(&got).enumerate() {
            assert_eq!(
                g,
                w,
                "{name}: row {} differs (first: got, second: expected)",
                i + 1
            );
        }
        assert_eq!(got.len(), want.len(), "{name}: number of rows");
    }
}
