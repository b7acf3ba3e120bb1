//! The C functions, called through their `extern "C"` signatures, give exactly what the core
//! crate gives: every field of every result, on every golden input of `tests/data/` with and
//! without each command, and every row of every table. Each string is read back as a C string
//! (up to its NUL), which checks that the byte after every exposed string is a NUL and that
//! the pointer is the core crate's own static string (no copy).
//!
//! (The C suite in tests/c checks the same golden cases from C; this test also covers the
//! fields the golden files do not list: rule, basis, explanation, fix, flags.)

#[path = "../../../crates/smtpcode/tests/common/mod.rs"]
mod common;

use std::ffi::{CStr, c_char};
use std::mem::MaybeUninit;

use smtpcode_capi::*;

/// The C string at `p`, which must be the static Rust string `want` itself.
#[track_caller]
fn same_str(p: *const c_char, want: &'static str) {
    assert!(!p.is_null(), "NULL for {want:?}");
    // SAFETY: the library returns static NUL-terminated strings.
    let got = unsafe { CStr::from_ptr(p) };
    assert_eq!(got.to_bytes(), want.as_bytes(), "content (or missing NUL)");
    assert_eq!(
        p.cast::<u8>(),
        want.as_ptr(),
        "not the core crate's own string"
    );
}

#[track_caller]
fn same_opt_str(p: *const c_char, want: Option<&'static str>) {
    match want {
        Some(w) => same_str(p, w),
        None => assert!(p.is_null(), "want NULL"),
    }
}

fn c_classify(input: &[u8], command: u32) -> smtpcode_classification {
    let mut out = MaybeUninit::uninit();
    // SAFETY: a valid buffer and a writable out-parameter.
    let st = unsafe {
        smtpcode_classify(
            input.as_ptr().cast(),
            input.len(),
            command,
            out.as_mut_ptr(),
        )
    };
    assert_eq!(st, smtpcode_status::Ok);
    // SAFETY: written on OK.
    unsafe { out.assume_init() }
}

fn enhanced_parts(e: Option<smtpcode::EnhancedCode>) -> (bool, u8, u16, u16) {
    e.map_or((false, 0, 0, 0), |e| {
        (true, e.class().digit(), e.subject(), e.detail())
    })
}

#[track_caller]
fn same_classification(c: &smtpcode_classification, r: &smtpcode::Classification) {
    assert_eq!(c.code, r.code().map_or(0, |x| x.as_u16()));
    assert_eq!(
        (
            c.has_enhanced,
            c.enhanced_class,
            c.enhanced_subject,
            c.enhanced_detail
        ),
        enhanced_parts(r.enhanced())
    );
    assert_eq!(c.outcome as usize, r.outcome() as usize);
    assert_eq!(c.outcome_inferred, r.outcome_inferred());
    assert_eq!(c.bounce as usize, r.bounce() as usize);
    assert_eq!(c.reason as usize, r.reason() as usize);
    assert_eq!(c.action as usize, r.action() as usize);
    assert_eq!(c.retry, r.retry());
    same_opt_str(c.provider, r.provider().map(|p| p.name()));
    assert_eq!(
        c.provider_index,
        r.provider()
            .map_or(SMTPCODE_NO_PROVIDER, |p| p.index() as u32)
    );
    same_opt_str(c.provider_code, r.provider_code());
    assert_eq!(
        c.command,
        r.command().map_or(SMTPCODE_NO_COMMAND, |x| x as u32)
    );
    assert_eq!(c.basis as usize, r.basis() as usize);
    same_str(c.rule, r.rule());
    same_str(c.explanation, r.explanation());
    same_str(c.fix, r.fix());
    assert_eq!(c.nonstandard_code, r.is_nonstandard_code());
    assert_eq!(c.class_mismatch, r.class_mismatch());
}

/// Every input of the golden files (classify, providers, phrases and parse).
fn golden_inputs() -> Vec<Vec<u8>> {
    let mut inputs = Vec::new();
    for file in ["classify.tsv", "providers.tsv", "phrases.tsv", "parse.tsv"] {
        let path = common::data_dir().join(file);
        if path.exists() {
            for (_, row) in common::read_tsv(&path) {
                inputs.push(common::unescape(&row["input"]));
            }
        }
    }
    assert!(!inputs.is_empty(), "no golden inputs in tests/data");
    inputs
}

#[test]
fn classify_equals_rust_for_every_golden_input_and_command() {
    let mut commands = vec![(SMTPCODE_NO_COMMAND, smtpcode::Context::new())];
    for (i, &cmd) in smtpcode::Command::ALL.iter().enumerate() {
        commands.push((i as u32, smtpcode::Context::new().command(cmd)));
    }
    let mut n = 0;
    for input in golden_inputs() {
        for &(c_command, context) in &commands {
            let c = c_classify(&input, c_command);
            let r = smtpcode::classify_with(&input[..], context);
            same_classification(&c, &r);
            n += 1;
        }
    }
    assert!(n > 0);
}

#[test]
fn parse_equals_rust_for_every_golden_input() {
    for input in golden_inputs() {
        let mut out = MaybeUninit::<smtpcode_reply>::uninit();
        // SAFETY: a valid buffer and a writable out-parameter.
        let st = unsafe { smtpcode_parse(input.as_ptr().cast(), input.len(), out.as_mut_ptr()) };
        match smtpcode::parse(&input[..]) {
            Ok(r) => {
                assert_eq!(st, smtpcode_status::Ok);
                // SAFETY: written on OK.
                let c = unsafe { out.assume_init() };
                assert_eq!(c.code, r.code().map_or(0, |x| x.as_u16()));
                assert_eq!(
                    (
                        c.has_enhanced,
                        c.enhanced_class,
                        c.enhanced_subject,
                        c.enhanced_detail
                    ),
                    enhanced_parts(r.enhanced())
                );
                assert_eq!(&input[c.text_offset..c.text_offset + c.text_len], r.text());
                assert_eq!(
                    &input[c.prefix_offset..c.prefix_offset + c.prefix_len],
                    r.prefix()
                );
                assert_eq!(c.multiline, r.is_multiline());
                assert_eq!(c.nonstandard_code, r.is_nonstandard_code());
                assert_eq!(c.class_mismatch, r.class_mismatch());
            }
            Err(smtpcode::ParseError::Empty) => assert_eq!(st, smtpcode_status::EmptyInput),
            Err(_) => assert_eq!(st, smtpcode_status::NoCode),
        }
    }
}

#[test]
fn code_table_rows_equal_rust() {
    let rows = smtpcode::codes();
    assert_eq!(smtpcode_code_count(), rows.len());
    for (i, row) in rows.iter().enumerate() {
        let mut out = MaybeUninit::uninit();
        // SAFETY: a writable out-parameter.
        assert_eq!(
            unsafe { smtpcode_code_at(i, out.as_mut_ptr()) },
            smtpcode_status::Ok
        );
        // SAFETY: written on OK.
        let c: smtpcode_code_info = unsafe { out.assume_init() };
        assert_eq!(c.code, row.code());
        assert_eq!(c.status as usize, row.status() as usize);
        same_str(c.name, row.name());
        same_str(c.meaning, row.meaning());
        same_str(c.explanation, row.explanation());
        same_str(c.fix, row.fix());
        assert_eq!(
            c.reason,
            row.reason().map_or(SMTPCODE_NO_REASON, |r| r as u32)
        );
        same_str(c.source, row.source());
        same_str(c.note, row.note());

        let mut again = MaybeUninit::uninit();
        // SAFETY: a writable out-parameter.
        let st = unsafe { smtpcode_lookup(u32::from(row.code()), again.as_mut_ptr()) };
        assert_eq!(st, smtpcode_status::Ok);
        // SAFETY: written on OK.
        assert_eq!(unsafe { again.assume_init() }.name, c.name);
    }
}

#[test]
fn enhanced_registry_rows_equal_rust() {
    let rows = smtpcode::enhanced_codes();
    assert_eq!(smtpcode_enhanced_count(), rows.len());
    for (i, row) in rows.iter().enumerate() {
        let mut out = MaybeUninit::uninit();
        // SAFETY: a writable out-parameter.
        assert_eq!(
            unsafe { smtpcode_enhanced_at(i, out.as_mut_ptr()) },
            smtpcode_status::Ok
        );
        // SAFETY: written on OK.
        let c: smtpcode_enhanced_info = unsafe { out.assume_init() };
        assert_eq!((c.subject, c.detail), (row.subject(), row.detail()));
        same_str(c.code, row.code());
        same_str(c.title, row.title());
        same_str(c.meaning, row.meaning());
        same_str(c.basic_codes, row.basic_codes());
        same_str(c.source, row.source());
        assert_eq!(
            c.reason,
            row.reason().map_or(SMTPCODE_NO_REASON, |r| r as u32)
        );
        for class in [
            smtpcode::Class::Success,
            smtpcode::Class::PersistentTransientFailure,
            smtpcode::Class::PermanentFailure,
        ] {
            assert_eq!(
                c.classes & (1 << class.digit()) != 0,
                row.allows_class(class)
            );
        }
        let mut again = MaybeUninit::uninit();
        // SAFETY: a writable out-parameter.
        let st = unsafe {
            smtpcode_lookup_enhanced(
                u32::from(row.subject()),
                u32::from(row.detail()),
                again.as_mut_ptr(),
            )
        };
        assert_eq!(st, smtpcode_status::Ok);
        // SAFETY: written on OK.
        assert_eq!(unsafe { again.assume_init() }.code, c.code);
    }
}

#[test]
fn provider_rows_equal_rust() {
    assert_eq!(smtpcode_provider_count(), smtpcode::providers().len());
    for p in smtpcode::providers() {
        let mut out = MaybeUninit::uninit();
        // SAFETY: a writable out-parameter.
        assert_eq!(
            unsafe { smtpcode_provider_at(p.index(), out.as_mut_ptr()) },
            smtpcode_status::Ok
        );
        // SAFETY: written on OK.
        let c: smtpcode_provider_info = unsafe { out.assume_init() };
        assert_eq!(c.index as usize, p.index());
        same_str(c.name, p.name());
        same_str(c.display_name, p.display_name());
        same_str(c.source, p.info().source());
    }
}

#[test]
fn enum_names_equal_rust() {
    fn check<T: Copy>(
        all: &[T],
        name: extern "C" fn(u32) -> *const c_char,
        as_str: fn(T) -> &'static str,
    ) {
        for (i, &v) in all.iter().enumerate() {
            same_str(name(i as u32), as_str(v));
        }
        assert!(name(all.len() as u32).is_null());
        assert!(name(u32::MAX).is_null());
    }
    check(
        smtpcode::Outcome::ALL,
        smtpcode_outcome_str,
        smtpcode::Outcome::as_str,
    );
    check(
        smtpcode::Bounce::ALL,
        smtpcode_bounce_str,
        smtpcode::Bounce::as_str,
    );
    check(
        smtpcode::Reason::ALL,
        smtpcode_reason_str,
        smtpcode::Reason::as_str,
    );
    check(
        smtpcode::Action::ALL,
        smtpcode_action_str,
        smtpcode::Action::as_str,
    );
    check(
        smtpcode::Command::ALL,
        smtpcode_command_str,
        smtpcode::Command::as_str,
    );
    check(
        smtpcode::Basis::ALL,
        smtpcode_basis_str,
        smtpcode::Basis::as_str,
    );
    check(
        smtpcode::CodeStatus::ALL,
        smtpcode_code_status_str,
        smtpcode::CodeStatus::as_str,
    );
}

#[test]
fn version_is_the_crate_version() {
    // SAFETY: a static NUL-terminated string.
    let v = unsafe { CStr::from_ptr(smtpcode_version()) };
    assert_eq!(v.to_str(), Ok(env!("CARGO_PKG_VERSION")));
}
