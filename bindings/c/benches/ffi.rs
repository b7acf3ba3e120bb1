//! The cost of one classification through the C ABI against the same call in Rust, on the
//! `input` column of the shared corpus (read at run time; never copied into the repository):
//!
//!     cargo bench -p smtpcode-capi --bench ffi
//!
//! `SMTPCODE_CORPUS` names another TSV file with an `input` column; `SMTPCODE_BENCH_ROUNDS`
//! sets the number of rounds (default 300). Each round classifies every line once through
//! `smtpcode_classify` (called through a function pointer, so it cannot be inlined: a real C
//! ABI call with the conversion to the C struct) and once through `smtpcode::classify_with`,
//! in alternating order; the figures are the medians over the rounds. Before timing, every
//! line's C result is checked against the Rust result.

use std::ffi::{CStr, c_char};
use std::hint::black_box;
use std::time::Instant;

use smtpcode_capi::{
    SMTPCODE_NO_COMMAND, smtpcode_classification, smtpcode_classify, smtpcode_status,
};

type ClassifyFn = unsafe extern "C" fn(
    *const c_char,
    usize,
    u32,
    *mut smtpcode_classification,
) -> smtpcode_status;

fn corpus_path() -> String {
    std::env::var("SMTPCODE_CORPUS").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/corpus/sisimai-dev.tsv"
        )
        .to_string()
    })
}

/// The `input` column of a TSV file with a header row, as bytes.
fn read_inputs(path: &str) -> Option<Vec<Vec<u8>>> {
    let data = std::fs::read(path).ok()?;
    let mut lines = data.split(|&b| b == b'\n').filter(|l| !l.is_empty());
    let header = lines.next()?;
    let col = header.split(|&b| b == b'\t').position(|h| h == b"input")?;
    Some(
        lines
            .filter_map(|l| l.split(|&b| b == b'\t').nth(col).map(<[u8]>::to_vec))
            .collect(),
    )
}

fn c_classify(f: ClassifyFn, line: &[u8]) -> smtpcode_classification {
    let mut out = std::mem::MaybeUninit::<smtpcode_classification>::uninit();
    // SAFETY: `line` is a valid buffer of `line.len()` bytes and `out` is writable.
    let status = unsafe {
        f(
            line.as_ptr().cast(),
            line.len(),
            SMTPCODE_NO_COMMAND,
            out.as_mut_ptr(),
        )
    };
    assert_eq!(status, smtpcode_status::Ok);
    // SAFETY: OK means `out` was written.
    unsafe { out.assume_init() }
}

/// The C result says what the Rust result says.
fn check_same(line: &[u8], c: &smtpcode_classification, r: &smtpcode::Classification) {
    let s = |p: *const c_char| {
        // SAFETY: the library returns NULL or static NUL-terminated strings.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().expect("UTF-8"))
    };
    let same = c.code == r.code().map_or(0, |x| x.as_u16())
        && c.outcome as u32 == r.outcome() as u32
        && c.bounce as u32 == r.bounce() as u32
        && c.reason as u32 == r.reason() as u32
        && c.action as u32 == r.action() as u32
        && c.has_retry == r.retry().is_some()
        && c.retry == (r.retry() == Some(true))
        && s(c.provider) == r.provider().map(|p| p.name())
        && s(c.provider_code) == r.provider_code()
        && s(c.rule) == Some(r.rule())
        && s(c.explanation) == Some(r.explanation());
    assert!(
        same,
        "C and Rust disagree on {:?}",
        String::from_utf8_lossy(line)
    );
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let path = corpus_path();
    let path = std::fs::canonicalize(&path)
        .map(|p| p.display().to_string())
        .unwrap_or(path);
    let Some(lines) = read_inputs(&path) else {
        println!("ffi bench: no corpus at {path} (set SMTPCODE_CORPUS); nothing measured");
        return;
    };
    assert!(!lines.is_empty(), "{path}: no input lines");
    let rounds: usize = std::env::var("SMTPCODE_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);

    let f: ClassifyFn = black_box(smtpcode_classify);
    smtpcode::warm_up();
    for line in &lines {
        let c = c_classify(f, line);
        check_same(line, &c, &smtpcode::classify(&line[..]));
    }

    let calls = lines.len() as f64;
    let time_c = || {
        let t = Instant::now();
        for line in &lines {
            black_box(c_classify(f, black_box(line)));
        }
        t.elapsed().as_nanos() as f64 / calls
    };
    let time_rust = || {
        let t = Instant::now();
        for line in &lines {
            black_box(smtpcode::classify_with(
                black_box(&line[..]),
                smtpcode::Context::new(),
            ));
        }
        t.elapsed().as_nanos() as f64 / calls
    };
    // Warm the caches and the branch predictors, then measure in alternating order.
    for _ in 0..10 {
        time_c();
        time_rust();
    }
    let (mut c_ns, mut rust_ns) = (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
    for round in 0..rounds {
        if round % 2 == 0 {
            c_ns.push(time_c());
            rust_ns.push(time_rust());
        } else {
            rust_ns.push(time_rust());
            c_ns.push(time_c());
        }
    }
    let (c, rust) = (median(&mut c_ns), median(&mut rust_ns));
    println!(
        "ffi bench: {} lines x {rounds} rounds from {path}",
        lines.len()
    );
    println!("  C ABI (smtpcode_classify)      {c:>9.1} ns/call (median of rounds)");
    println!("  Rust (smtpcode::classify_with) {rust:>9.1} ns/call (median of rounds)");
    println!(
        "  ratio C/Rust                   {:>9.3} ({:+.1}%)",
        c / rust,
        (c / rust - 1.0) * 100.0
    );
}
