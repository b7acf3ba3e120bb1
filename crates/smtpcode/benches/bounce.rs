//! Bounce emails parsed per second, single thread, over the shared corpus of real bounces
//! (`../shared/corpus/bounces/*.eml` beside the repository, or the directory named by
//! `SMTPCODE_BOUNCES`). Run with `cargo bench -p smtpcode --bench bounce`.
//!
//! Prints emails per second and megabytes per second for `smtpcode::bounce::parse` (MIME,
//! report, recipients, and the classification of every diagnostic).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn corpus_dir() -> PathBuf {
    match std::env::var_os("SMTPCODE_BOUNCES") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/bounces"),
    }
}

fn main() {
    // `cargo test --benches` runs bench binaries with `--test`: nothing to measure then.
    if std::env::args().any(|a| a == "--test") {
        return;
    }
    let dir = corpus_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("bounce bench skipped: no corpus at {}", dir.display());
        return;
    };
    let mut mails: Vec<Vec<u8>> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .filter_map(|p| std::fs::read(p).ok())
        .collect();
    mails.sort();
    if mails.is_empty() {
        println!("bounce bench skipped: no .eml files in {}", dir.display());
        return;
    }
    let bytes: usize = mails.iter().map(Vec::len).sum();
    smtpcode::warm_up();
    let mut recipients = 0usize;
    for m in &mails {
        recipients += smtpcode::bounce::parse(m).map_or(0, |r| r.recipients.len());
    }
    // Best of five runs of at least one second each.
    let mut best = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        let mut n = 0usize;
        while start.elapsed() < Duration::from_secs(1) {
            for m in &mails {
                black_box(smtpcode::bounce::parse(black_box(m)).ok());
            }
            n += 1;
        }
        best = best.min(start.elapsed().as_secs_f64() / n as f64);
    }
    let per_sec = mails.len() as f64 / best;
    println!(
        "bounce/parse: {} emails ({:.1} MiB, {} recipients): {:.0} emails/s, {:.1} MiB/s, {:.1} µs/email (single thread)",
        mails.len(),
        bytes as f64 / (1 << 20) as f64,
        recipients,
        per_sec,
        bytes as f64 / (1 << 20) as f64 / best,
        best / mails.len() as f64 * 1e6,
    );
}
