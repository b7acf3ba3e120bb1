//! Hostile bounce emails of 2 MB, one of each shape of `tests/common/hostile.rs`: the time to
//! parse each (the best of five runs, one thread) and the peak of heap memory during the parse
//! (dhat). Run with `cargo bench -p smtpcode --bench hostile`.
//!
//! The baseline, measured in the same run: a benign bounce of the same size (an RFC 3464
//! report for one recipient with a 2 MB original message attached). The ratio says how much
//! more a hostile shape costs per byte than an ordinary bounce; the targets are under a second
//! and under 64 MiB for each shape.

#[path = "../tests/common/hostile.rs"]
mod hostile;

use std::hint::black_box;
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

const SIZE: usize = 2_000_000;

/// A benign bounce of about `SIZE` bytes: one recipient, and a large original attached.
fn benign() -> Vec<u8> {
    let mut s = String::from(
        "From: MAILER-DAEMON@mx.example.org\nTo: sender@example.org\nSubject: Undelivered Mail Returned to Sender\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nYour message could not be delivered.\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; jane@example.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <jane@example.com>: User unknown\n\n--b\nContent-Type: message/rfc822\n\nFrom: sender@example.org\nTo: jane@example.com\nSubject: figures\n\n",
    );
    while s.len() < SIZE {
        s.push_str("The quarterly figures are attached below, as promised in the meeting.\n");
    }
    s.push_str("--b--\n");
    s.into_bytes()
}

/// The best of five parses, and the peak of heap memory of one.
fn measure(raw: &[u8]) -> (Duration, usize, usize) {
    let mut best = Duration::MAX;
    let mut recipients = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let r = black_box(smtpcode::bounce::parse(black_box(raw)).expect("a message"));
        best = best.min(t.elapsed());
        recipients = r.recipients.len();
    }
    let peak = {
        let _profiler = dhat::Profiler::builder().testing().build();
        black_box(smtpcode::bounce::parse(raw).expect("a message"));
        dhat::HeapStats::get().max_bytes
    };
    (best, peak, recipients)
}

fn main() {
    // `cargo test --benches` runs bench binaries with `--test`: nothing to measure then.
    if std::env::args().any(|a| a == "--test") {
        return;
    }
    let base = benign();
    let (base_time, base_peak, _) = measure(&base);
    println!(
        "{:22} {:>9} {:>10} {:>8} {:>10} {:>11}",
        "shape", "bytes", "time", "x benign", "peak MiB", "recipients"
    );
    let row = |name: &str, raw: &[u8], (t, peak, n): (Duration, usize, usize)| {
        println!(
            "{name:22} {:>9} {:>8.1}ms {:>8.2} {:>10.1} {:>11}",
            raw.len(),
            t.as_secs_f64() * 1e3,
            t.as_secs_f64() / base_time.as_secs_f64(),
            peak as f64 / (1 << 20) as f64,
            n
        );
    };
    row("benign (baseline)", &base, (base_time, base_peak, 1));
    let mut worst = (Duration::ZERO, 0usize);
    for shape in hostile::SHAPES {
        let raw = (shape.make)(shape.n_for_size(SIZE));
        let m = measure(&raw);
        worst = (worst.0.max(m.0), worst.1.max(m.1));
        row(shape.name, &raw, m);
    }
    println!(
        "worst: {:.1} ms (target < 1000 ms), {:.1} MiB (target < 64 MiB)",
        worst.0.as_secs_f64() * 1e3,
        worst.1 as f64 / (1 << 20) as f64
    );
}
