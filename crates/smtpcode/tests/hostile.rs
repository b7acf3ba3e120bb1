//! Hostile bounce emails: the work and the memory of `bounce::parse` grow linearly with the
//! input, for every shape an attacker can grow (recipients, lines, parts, header length,
//! nesting), and what the limits cut is reported. Work is counted as bytes of text the parser
//! examines (`bounce::work_done`) and memory by dhat (bytes allocated in all, and at the
//! peak); never by the clock. One test in this file, because dhat counts every thread.
#![cfg(feature = "bounce")]

mod common;

use std::sync::Arc;

use common::hostile;
use smtpcode::bounce::{self, MAX_PART, MAX_RECIPIENTS};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// What one parse cost.
#[derive(Debug, Clone, Copy)]
struct Cost {
    work: u64,
    allocated: u64,
    peak: usize,
}

fn cost(raw: &[u8]) -> (Cost, bounce::Report) {
    let _profiler = dhat::Profiler::builder().testing().build();
    let work = bounce::work_done();
    let report = bounce::parse(raw).expect("a message");
    let stats = dhat::HeapStats::get();
    let cost = Cost {
        work: bounce::work_done() - work,
        allocated: stats.total_bytes,
        peak: stats.max_bytes,
    };
    (cost, report)
}

/// Quadrupling the input of each shape at most about quadruples the work, the bytes
/// allocated and the peak of memory. (A quadratic cost grows sixteen times.)
fn scales_linearly() {
    for shape in hostile::SHAPES {
        let name = shape.name;
        let n = shape.n_for_size(100_000).min(shape.max_n / 4);
        let small = (shape.make)(n);
        let big = (shape.make)(4 * n);
        let size = big.len() as f64 / small.len() as f64;
        let (a, _) = cost(&small);
        let (b, report) = cost(&big);
        let ratio = |x: f64, y: f64| y / x.max(1.0);
        let work = ratio(a.work as f64, b.work as f64);
        let allocated = ratio(a.allocated as f64, b.allocated as f64);
        let peak = ratio(a.peak as f64, b.peak as f64);
        eprintln!(
            "{name:20} n={n:6} input x{size:.2}: work x{work:.2}, allocated x{allocated:.2}, peak x{peak:.2} ({} recipients)",
            report.recipients.len()
        );
        let limit = 1.5 * size;
        assert!(
            work <= limit,
            "{name}: work grew x{work:.2} for input x{size:.2}: {a:?} -> {b:?}"
        );
        assert!(
            allocated <= limit,
            "{name}: allocation grew x{allocated:.2} for input x{size:.2}: {a:?} -> {b:?}"
        );
        assert!(
            peak <= limit,
            "{name}: peak memory grew x{peak:.2} for input x{size:.2}: {a:?} -> {b:?}"
        );
        // And in absolute terms: memory stays within a small multiple of the input.
        assert!(
            b.peak <= 40 * big.len() + (1 << 20),
            "{name}: peak {} bytes for {} bytes of input",
            b.peak,
            big.len()
        );
    }
}

/// Every recipient of a plain notice gets the notice as its diagnostic, shared, not copied.
fn shared_notice_is_not_copied() {
    let (_, r) = cost(&hostile::bare_addresses(20_000));
    assert_eq!(r.recipients.len(), 20_000);
    assert!(!r.truncated, "{:?}", r.problems);
    let first = &r.recipients[0].diagnostic.as_ref().unwrap().text;
    assert!(first.contains("could not be delivered"));
    for rec in &r.recipients {
        assert!(Arc::ptr_eq(first, &rec.diagnostic.as_ref().unwrap().text));
    }
}

/// An address named in running text takes its own line, not all the lines after it.
fn named_recipients_take_their_own_lines() {
    let (_, r) = cost(&hostile::the_user_lines(8_000));
    assert_eq!(r.recipients.len(), 8_000);
    for (i, rec) in r.recipients.iter().enumerate() {
        assert_eq!(
            &*rec.diagnostic.as_ref().unwrap().text,
            format!("the user u{i}@x.example")
        );
    }
}

/// A DSN of 20,000 recipients is read whole (it was cut at 16,055 by a silent part limit).
fn a_dsn_of_twenty_thousand_recipients() {
    let raw = hostile::dsn_fields(20_000);
    assert!(raw.len() < MAX_PART);
    let (_, r) = cost(&raw);
    assert_eq!(r.recipients.len(), 20_000);
    assert!(!r.truncated && r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(r.recipients[19_999].recipient, "u19999@x.example");
}

/// The number in a problem entry that follows `before`.
fn count_in(problems: &[String], before: &str) -> usize {
    let p = problems
        .iter()
        .find(|p| p.contains(before))
        .unwrap_or_else(|| panic!("no problem entry with {before:?} in {problems:?}"));
    let at = p.find(before).unwrap() + before.len();
    p[at..]
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| !w.is_empty())
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("no count after {before:?} in {p:?}"))
}

/// A delivery-status part past the part limit: the report says so and counts the recipients
/// it did not read; none is lost without being counted.
fn a_part_past_the_limit_is_reported() {
    let n = 25_000;
    let raw = hostile::dsn_recipients(n);
    assert!(raw.len() > MAX_PART && raw.len() < bounce::MAX_MESSAGE);
    let (_, r) = cost(&raw);
    assert!(r.truncated);
    let not_read = count_in(&r.problems, "bytes not read; ");
    assert_eq!(r.recipients.len() + not_read, n, "{:?}", r.problems);
}

/// More recipients than the limit: the first ones, and a problem entry with the count of
/// the others.
fn recipients_past_the_limit_are_counted() {
    for (name, raw) in [
        ("bare", hostile::bare_addresses(MAX_RECIPIENTS + 1_234)),
        ("arf", hostile::arf_rcpt_to(MAX_RECIPIENTS + 1_234)),
    ] {
        let (_, r) = cost(&raw);
        assert_eq!(r.recipients.len(), MAX_RECIPIENTS, "{name}");
        assert!(r.truncated, "{name}");
        assert_eq!(count_in(&r.problems, ""), 1_234, "{name}: {:?}", r.problems);
    }
    let (_, r) = cost(&hostile::x_failed_recipients(MAX_RECIPIENTS + 1_234));
    assert_eq!(r.recipients.len(), MAX_RECIPIENTS);
    assert!(r.truncated);
    assert_eq!(
        count_in(&r.problems, "X-Failed-Recipients lists "),
        MAX_RECIPIENTS + 1_234
    );
}

/// A message past the message limit, and one with too many parts.
fn message_and_parts_limits() {
    let mut raw = hostile::bare_addresses(10);
    let size = bounce::MAX_MESSAGE + 5_000;
    raw.resize(size, b'x');
    let (_, r) = cost(&raw);
    assert!(r.truncated);
    assert_eq!(count_in(&r.problems, "message of "), size);
    let (_, r) = cost(&hostile::parts(bounce::MAX_PARTS + 10));
    assert!(r.truncated);
    assert!(
        r.problems.iter().any(|p| p.contains("MIME parts")),
        "{:?}",
        r.problems
    );
}

#[test]
fn hostile_emails() {
    scales_linearly();
    shared_notice_is_not_copied();
    named_recipients_take_their_own_lines();
    a_dsn_of_twenty_thousand_recipients();
    a_part_past_the_limit_is_reported();
    recipients_past_the_limit_are_counted();
    message_and_parts_limits();
}
