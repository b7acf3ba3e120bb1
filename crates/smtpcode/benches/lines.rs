//! Throughput on one million distinct real-shaped lines, next to the way KumoMTA classifies:
//! a `regex::RegexSet` with one case-insensitive pattern per rule of ours (the same baseline
//! as `benches/classify.rs`), measured in the same run, so that the ratio means something on a
//! shared, noisy machine.
//!
//!     cargo bench -p smtpcode --bench lines [-- LINES_FILE]
//!
//! The workload is `../shared/corpus/make_lines.py ../shared/corpus/sisimai-dev.tsv 1000000
//! OUT` (corpus lines with fresh addresses, IPs, queue ids and long numbers per repetition):
//! the file given, else `$SMTPCODE_LINES`, else `target/lines-1m.txt`, written with that
//! script when it is missing. Each line is classified from its bytes; nothing is cached. Each
//! figure is the best of several passes over all the lines, one thread. Under `classify` come
//! its parts (finding the codes, the tokenizer alone, both with the matcher), and after the
//! baseline a byte automaton of the rules' words: what bounds the speed, in figures.

#[path = "../tests/common/reference.rs"]
mod reference;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const PASSES: usize = 3;

fn lines_file() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    if let Some(f) = std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        return f.into();
    }
    if let Some(f) = std::env::var_os("SMTPCODE_LINES") {
        return f.into();
    }
    let out = dir.join("../../target/lines-1m.txt");
    if !out.exists() {
        let corpus = dir.join("../../../shared/corpus");
        eprintln!(
            "writing {} with {}/make_lines.py",
            out.display(),
            corpus.display()
        );
        let ok = std::process::Command::new("python3")
            .arg(corpus.join("make_lines.py"))
            .arg(corpus.join("sisimai-dev.tsv"))
            .arg("1000000")
            .arg(&out)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "make_lines.py failed (is ../shared/corpus there?)");
    }
    out
}

/// The best time of `PASSES` passes of `f` over every line.
fn best(lines: &[&[u8]], f: impl Fn(&[u8]) -> usize) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..PASSES {
        let t = Instant::now();
        let mut sum = 0usize;
        for l in lines {
            sum = sum.wrapping_add(f(black_box(l)));
        }
        black_box(sum);
        best = best.min(t.elapsed());
    }
    best
}

fn main() {
    let path = lines_file();
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let lines: Vec<&[u8]> = text
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let n = lines.len() as f64;
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "{}: {} lines, {:.1} bytes per line; load average {}",
        path.display(),
        lines.len(),
        text.len() as f64 / n,
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    smtpcode::warm_up();
    let patterns: Vec<String> = smtpcode::rules()
        .iter()
        .map(|r| reference::to_regex(r.pattern()))
        .collect();
    let set = regex::bytes::RegexSetBuilder::new(patterns)
        .size_limit(1 << 30)
        .dfa_size_limit(1 << 30)
        .build()
        .expect("the baseline's patterns compile");

    // The whole answer goes through black_box: the compiler must not skip any field.
    let ours = best(&lines, |l| black_box(smtpcode::classify(l)).rule().len());
    let parse = best(&lines, |l| {
        black_box(smtpcode::parse(l)).map_or(0, |r| r.text().len())
    });
    // The parts of `classify`, for where the time goes: the tokenizer alone, and the tokenizer
    // with the matcher (every term found, no decision).
    let tokens = best(&lines, |l| smtpcode::__probe::count_tokens(black_box(l)));
    let terms = best(&lines, |l| smtpcode::__probe::scan_only(black_box(l)));
    // A matcher of another kind, for comparison: one Aho-Corasick DFA of every word of the
    // rules' patterns, read once over the bytes of each line, every occurrence found (the
    // fastest of its match kinds here; no verification, no decision, so not a classifier).
    // Its automaton is some 2.3 MiB: each byte is a load from memory that the caches do not
    // hold, where the tokenizer's tables are small.
    let mut vocabulary: Vec<String> = smtpcode::rules()
        .iter()
        .flat_map(|r| {
            r.pattern()
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() > 1)
                .map(str::to_lowercase)
        })
        .collect();
    vocabulary.sort();
    vocabulary.dedup();
    let words = aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .ascii_case_insensitive(true)
        .build(&vocabulary)
        .expect("the vocabulary compiles");
    let one_pass = best(&lines, |l| {
        words.find_overlapping_iter(black_box(l)).count()
    });
    let base = best(&lines, |l| {
        black_box(set.matches(l)).iter().next().unwrap_or(0)
    });
    let row = |name: &str, d: Duration| {
        let ns = d.as_nanos() as f64 / n;
        println!("{name:32} {ns:8.0} ns/line {:8.2} M lines/s", 1e3 / ns);
    };
    row("smtpcode::classify", ours);
    row("  parse (codes only)", parse);
    row("  tokenizer only", tokens);
    row("  parse, tokenizer and matcher", terms);
    row("baseline regex::RegexSet", base);
    row(
        &format!("words only: DFA of {} words", vocabulary.len()),
        one_pass,
    );
    println!(
        "classify / RegexSet: {:.2}x the baseline's speed",
        base.as_secs_f64() / ours.as_secs_f64()
    );
}
