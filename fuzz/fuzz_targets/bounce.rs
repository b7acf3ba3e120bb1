//! `smtpcode::bounce::parse` on any bytes: no panic, the limits hold, and a cut is reported.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smtpcode::bounce::{self, MAX_RECIPIENTS};

fuzz_target!(|data: &[u8]| {
    let Ok(report) = bounce::parse(data) else {
        return;
    };
    assert!(report.recipients.len() <= MAX_RECIPIENTS);
    if report.truncated {
        assert!(!report.problems.is_empty());
    }
    for r in &report.recipients {
        assert!(!r.classification.rule().is_empty());
    }
    // The same message, as if only its start had been kept: the cut is reported.
    let whole = data.len() + 1000;
    if let Ok(r) = bounce::parse_head(data, whole) {
        assert!(r.truncated && !r.problems.is_empty());
    }
});
