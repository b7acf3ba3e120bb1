//! Classification throughput on the corpus lines, next to a baseline measured in the same run.
//!
//! The lines are the `input` column of `../shared/corpus/sisimai-dev.tsv` (read at run time,
//! never copied into the repository); without the corpus, the golden cases of `tests/data/`.
//! The baseline is the usual way to build such a classifier: a `regex::RegexSet` holding one
//! case-insensitive pattern per rule phrase, asked which patterns match (as KumoMTA's bounce
//! classifier does), so ratios mean something on a shared, noisy machine.
//!
//!     cargo bench -p smtpcode --bench classify

use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

#[path = "../tests/common/reference.rs"]
mod reference;

fn corpus_lines() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = dir.join("../../../shared/corpus/sisimai-dev.tsv");
    let (text, column) = match std::fs::read_to_string(&corpus) {
        Ok(t) => (t, "input"),
        Err(_) => {
            eprintln!("corpus not found at {}; using tests/data", corpus.display());
            let mut all = String::new();
            for f in ["classify.tsv", "providers.tsv", "phrases.tsv"] {
                let t = std::fs::read_to_string(dir.join("../../tests/data").join(f)).unwrap();
                all.push_str(&t);
            }
            (all, "input")
        }
    };
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = header.iter().position(|h| *h == column).unwrap();
    lines
        .filter(|l| !l.starts_with("input\t"))
        .filter_map(|l| l.split('\t').nth(col).map(|s| s.as_bytes().to_vec()))
        .collect()
}

fn baseline() -> regex::bytes::RegexSet {
    let patterns: Vec<String> = smtpcode::rules()
        .iter()
        .map(|r| reference::to_regex(r.pattern()))
        .collect();
    regex::bytes::RegexSetBuilder::new(patterns)
        .size_limit(1 << 30)
        .dfa_size_limit(1 << 30)
        .build()
        .unwrap()
}

fn throughput(c: &mut Criterion) {
    let lines = corpus_lines();
    let bytes: usize = lines.iter().map(Vec::len).sum();
    eprintln!(
        "{} lines, {:.1} bytes per line on average",
        lines.len(),
        bytes as f64 / lines.len() as f64
    );
    smtpcode::warm_up();
    let set = baseline();
    let mut g = c.benchmark_group("corpus");
    g.throughput(Throughput::Elements(lines.len() as u64));
    g.bench_function("smtpcode_classify", |b| {
        b.iter(|| {
            for l in &lines {
                black_box(smtpcode::classify(black_box(&l[..])));
            }
        })
    });
    g.bench_function("smtpcode_parse", |b| {
        b.iter(|| {
            for l in &lines {
                let _ = black_box(smtpcode::parse(black_box(&l[..])));
            }
        })
    });
    g.bench_function("baseline_regexset", |b| {
        b.iter(|| {
            for l in &lines {
                black_box(set.matches(black_box(&l[..])).iter().next());
            }
        })
    });
    g.finish();
}

/// Long adversarial lines: near-misses of many phrases. Time per byte stays flat as the
/// line grows (linear time).
fn adversarial(c: &mut Criterion) {
    smtpcode::warm_up();
    let mut g = c.benchmark_group("adversarial");
    g.sample_size(20);
    for kib in [16usize, 256, 1024] {
        let unit = "550-5.7.1 user unknow mailbox ful relay acces spamhau gsmt [tss0 ib60 ";
        let mut line = unit.repeat(kib * 1024 / unit.len() + 1);
        line.truncate(kib * 1024);
        g.throughput(Throughput::Bytes(line.len() as u64));
        g.bench_with_input(
            BenchmarkId::new("near_misses", format!("{kib}KiB")),
            &line,
            |b, line| b.iter(|| black_box(smtpcode::classify(black_box(line.as_bytes())))),
        );
        let broken = line.replace(' ', "\r\n");
        g.bench_with_input(
            BenchmarkId::new("near_misses_crlf", format!("{kib}KiB")),
            &broken,
            |b, line| b.iter(|| black_box(smtpcode::classify(black_box(line.as_bytes())))),
        );
    }
    g.finish();
}

criterion_group!(benches, throughput, adversarial);
criterion_main!(benches);
