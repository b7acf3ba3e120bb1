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
    assert_eq!(c.has_retry, r.retry().is_some());
    assert_eq!(c.retry, r.retry() == Some(true));
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

// ---- Whole bounce emails -------------------------------------------------------------------

use common::hostile;

/// A string of a bounce report: NULL when `want` is `None`, else the bytes of `want` with
/// `len` as its length and a NUL after it.
#[track_caller]
fn owned_str(p: *const c_char, len: usize, want: Option<&str>) {
    match want {
        None => {
            assert!(p.is_null(), "want NULL, got a string");
            assert_eq!(len, 0);
        }
        Some(w) => {
            assert!(!p.is_null(), "NULL for {w:?}");
            assert_eq!(len, w.len(), "length of {w:?}");
            // SAFETY: the report holds `len` bytes and a NUL at `p`.
            let bytes = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len + 1) };
            assert_eq!(&bytes[..len], w.as_bytes());
            assert_eq!(bytes[len], 0, "no NUL after {w:?}");
        }
    }
}

/// Parses `raw` through the C API (with `classifier` when not NULL).
fn c_bounce(
    classifier: *const smtpcode_classifier,
    raw: &[u8],
) -> Result<*mut smtpcode_bounce_report, smtpcode_status> {
    let mut out: *mut smtpcode_bounce_report = std::ptr::null_mut();
    // SAFETY: a valid buffer and out-parameter; `classifier` is NULL or live.
    let st = unsafe {
        if classifier.is_null() {
            smtpcode_bounce_parse(raw.as_ptr().cast(), raw.len(), &mut out)
        } else {
            smtpcode_classifier_bounce_parse(classifier, raw.as_ptr().cast(), raw.len(), &mut out)
        }
    };
    if st == smtpcode_status::Ok {
        assert!(!out.is_null());
        Ok(out)
    } else {
        assert!(out.is_null(), "out written on failure");
        Err(st)
    }
}

/// Every field of the C report equals the Rust report; frees the C report.
#[track_caller]
fn same_report(report: *mut smtpcode_bounce_report, want: &smtpcode::bounce::Report) {
    let mut info = MaybeUninit::<smtpcode_bounce_info>::uninit();
    // SAFETY: a live report and a writable out-parameter.
    let st = unsafe { smtpcode_bounce_report_info(report, info.as_mut_ptr()) };
    assert_eq!(st, smtpcode_status::Ok);
    // SAFETY: written on OK.
    let info = unsafe { info.assume_init() };
    assert_eq!(info.kind as usize, want.kind as usize);
    assert_eq!(info.format as usize, want.format as usize);
    same_str(
        smtpcode_bounce_kind_str(info.kind as u32),
        want.kind.as_str(),
    );
    same_str(
        smtpcode_bounce_format_str(info.format as u32),
        want.format.as_str(),
    );
    owned_str(
        info.reporting_mta,
        info.reporting_mta_len,
        want.reporting_mta.as_deref(),
    );
    owned_str(info.from, info.from_len, want.from.as_deref());
    owned_str(info.subject, info.subject_len, want.subject.as_deref());
    owned_str(
        info.feedback_type,
        info.feedback_type_len,
        want.feedback_type.as_deref(),
    );
    assert_eq!(info.has_original, want.original.is_some());
    let original = want.original.clone().unwrap_or_default();
    owned_str(
        info.original_message_id,
        info.original_message_id_len,
        original.message_id.as_deref(),
    );
    owned_str(
        info.original_from,
        info.original_from_len,
        original.from.as_deref(),
    );
    owned_str(
        info.original_to,
        info.original_to_len,
        original.to.as_deref(),
    );
    owned_str(
        info.original_subject,
        info.original_subject_len,
        original.subject.as_deref(),
    );
    assert_eq!(info.truncated, want.truncated);
    assert_eq!(info.recipient_count, want.recipients.len());
    assert_eq!(info.problem_count, want.problems.len());

    for (i, r) in want.recipients.iter().enumerate() {
        let mut out = MaybeUninit::<smtpcode_bounce_recipient>::uninit();
        // SAFETY: as above.
        let st = unsafe { smtpcode_bounce_report_recipient(report, i, out.as_mut_ptr()) };
        assert_eq!(st, smtpcode_status::Ok);
        // SAFETY: written on OK.
        let c = unsafe { out.assume_init() };
        owned_str(c.recipient, c.recipient_len, Some(&r.recipient));
        owned_str(
            c.original_recipient,
            c.original_recipient_len,
            r.original_recipient.as_deref(),
        );
        assert_eq!(
            c.dsn_action,
            r.action.map_or(SMTPCODE_NO_DSN_ACTION, |a| a as u32)
        );
        if let Some(a) = r.action {
            same_str(smtpcode_dsn_action_str(c.dsn_action), a.as_str());
        }
        assert_eq!(
            (
                c.has_status,
                c.status_class,
                c.status_subject,
                c.status_detail
            ),
            enhanced_parts(r.status)
        );
        owned_str(c.remote_mta, c.remote_mta_len, r.remote_mta.as_deref());
        let diag = r.diagnostic.as_ref();
        owned_str(
            c.diagnostic_type,
            c.diagnostic_type_len,
            diag.and_then(|d| d.kind.as_deref()),
        );
        owned_str(c.diagnostic, c.diagnostic_len, diag.map(|d| &*d.text));
        assert_eq!(
            c.command,
            r.command.map_or(SMTPCODE_NO_COMMAND, |x| x as u32)
        );
        same_classification(&c.classification, &r.classification);
    }
    for (i, p) in want.problems.iter().enumerate() {
        let mut text: *const c_char = std::ptr::null();
        let mut len = 0usize;
        // SAFETY: as above.
        let st = unsafe { smtpcode_bounce_report_problem(report, i, &mut text, &mut len) };
        assert_eq!(st, smtpcode_status::Ok);
        owned_str(text, len, Some(p));
    }
    // Past the end: NOT_FOUND, nothing written.
    let mut r = MaybeUninit::<smtpcode_bounce_recipient>::uninit();
    let (mut text, mut len) = (std::ptr::null::<c_char>(), 7usize);
    // SAFETY: as above.
    unsafe {
        let n = want.recipients.len();
        assert_eq!(
            smtpcode_bounce_report_recipient(report, n, r.as_mut_ptr()),
            smtpcode_status::NotFound
        );
        let n = want.problems.len();
        assert_eq!(
            smtpcode_bounce_report_problem(report, n, &mut text, &mut len),
            smtpcode_status::NotFound
        );
        assert!(text.is_null() && len == 7);
        smtpcode_bounce_report_free(report);
    }
}

/// The bounce fixtures of `tests/data/bounces`.
fn bounce_fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = common::data_dir().join("bounces");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no bounce fixtures");
    files
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

#[test]
fn bounce_parse_equals_rust_for_every_fixture() {
    for (name, raw) in bounce_fixtures() {
        let want = smtpcode::bounce::parse(&raw).unwrap_or_else(|e| panic!("{name}: {e}"));
        let report = c_bounce(std::ptr::null(), &raw).unwrap_or_else(|s| panic!("{name}: {s:?}"));
        same_report(report, &want);
    }
}

#[test]
fn bounce_parse_with_user_rules_equals_rust() {
    let path = common::data_dir().join("user-rules.tsv");
    let rules = smtpcode::Rules::load(&path).unwrap();
    let rust = smtpcode::Classifier::with_rules(rules);
    let path = path.to_str().unwrap();
    let mut c: *mut smtpcode_classifier = std::ptr::null_mut();
    // SAFETY: a valid path and out-parameter; no error buffer.
    let st = unsafe {
        smtpcode_classifier_new_from_file(
            path.as_ptr().cast(),
            path.len(),
            std::ptr::null_mut(),
            0,
            &mut c,
        )
    };
    assert_eq!(st, smtpcode_status::Ok);
    let mut inputs = bounce_fixtures();
    // A DSN whose diagnostic is each input of the user-rule cases: the user's rule decides.
    let cases = common::read_tsv(&common::data_dir().join("user-rules-cases.tsv"));
    let mut decided_by_user = 0;
    for (line, row) in &cases {
        let diagnostic = String::from_utf8_lossy(&common::unescape(&row["input"])).into_owned();
        let raw = dsn(&diagnostic.replace(['\r', '\n'], " "));
        let want = rust.parse_bounce(&raw).unwrap();
        if want.recipients.first().map(|r| r.classification.rule()) == Some(row["rule"].as_str()) {
            decided_by_user += 1;
        }
        inputs.push((format!("user-rules-cases.tsv:{line}"), raw));
    }
    assert!(decided_by_user > 0, "no user rule decided a bounce");
    let reports: Vec<_> = inputs
        .iter()
        .map(|(name, raw)| c_bounce(c, raw).unwrap_or_else(|s| panic!("{name}: {s:?}")))
        .collect();
    // The reports do not depend on the classifier: it is freed before they are read.
    // SAFETY: a live classifier, freed once.
    unsafe { smtpcode_classifier_free(c) };
    for ((name, raw), report) in inputs.iter().zip(reports) {
        let want = rust
            .parse_bounce(raw)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        same_report(report, &want);
    }
}

/// An RFC 3464 report for one recipient with `diagnostic` as its Diagnostic-Code.
fn dsn(diagnostic: &str) -> Vec<u8> {
    format!(
        "From: MAILER-DAEMON@mx.example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\
         --b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n\
         Final-Recipient: rfc822; jo@acme.example\r\nAction: failed\r\nStatus: 5.0.0\r\n\
         Diagnostic-Code: smtp; {diagnostic}\r\n--b--\r\n"
    )
    .into_bytes()
}

#[test]
fn bounce_parse_equals_rust_on_hostile_shapes() {
    // Every hostile shape, small and large; a few go past a limit (truncated, problems).
    let mut with_problems = 0;
    for shape in hostile::SHAPES {
        for n in [1, 50, 3000, 60_000] {
            let raw = (shape.make)(n.min(shape.max_n));
            let want = smtpcode::bounce::parse(&raw).unwrap();
            with_problems += usize::from(!want.problems.is_empty());
            let report = c_bounce(std::ptr::null(), &raw).unwrap();
            same_report(report, &want);
        }
    }
    assert!(with_problems > 0, "no shape reached a limit");
}

#[test]
fn bounce_nul_bytes_inside_values_are_kept_with_their_length() {
    let raw = b"From: MAILER-DAEMON@x\r\nSubject: Undelivered\r\n\
        Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
        --b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n\
        Final-Recipient: rfc822; jane@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\
        Diagnostic-Code: smtp; 550 5.1.1 user\0 unknown\r\n--b--\r\n";
    let want = smtpcode::bounce::parse(raw).unwrap();
    let text = &want.recipients[0].diagnostic.as_ref().unwrap().text;
    assert!(text.contains('\0'), "the fixture keeps its NUL: {text:?}");
    same_report(c_bounce(std::ptr::null(), raw).unwrap(), &want);
}

#[test]
fn bounce_shared_diagnostics_are_one_string() {
    // Every recipient gets the notice's words: one string in the report, not one per recipient.
    let raw = hostile::bare_addresses(2000);
    let want = smtpcode::bounce::parse(&raw).unwrap();
    assert_eq!(want.recipients.len(), 2000);
    let report = c_bounce(std::ptr::null(), &raw).unwrap();
    let mut pointers = std::collections::HashSet::new();
    for i in 0..want.recipients.len() {
        let mut out = MaybeUninit::<smtpcode_bounce_recipient>::uninit();
        // SAFETY: a live report and a writable out-parameter.
        assert_eq!(
            unsafe { smtpcode_bounce_report_recipient(report, i, out.as_mut_ptr()) },
            smtpcode_status::Ok
        );
        // SAFETY: written on OK.
        pointers.insert(unsafe { out.assume_init() }.diagnostic);
    }
    let mut shared: Vec<*const u8> = want
        .recipients
        .iter()
        .filter_map(|r| r.diagnostic.as_ref().map(|d| d.text.as_ptr()))
        .collect();
    shared.sort();
    shared.dedup();
    assert!(shared.len() < 10, "the fixture shares its diagnostic");
    assert_eq!(pointers.len(), shared.len());
    // SAFETY: a live report, freed once.
    unsafe { smtpcode_bounce_report_free(report) };
}

#[test]
fn bounce_errors_and_null_arguments() {
    let mut out: *mut smtpcode_bounce_report = std::ptr::null_mut();
    let text = b"hello, this is not an email";
    // SAFETY: NULL pointers and valid buffers, as the contract allows.
    unsafe {
        assert_eq!(
            smtpcode_bounce_parse(std::ptr::null(), 0, &mut out),
            smtpcode_status::EmptyInput
        );
        assert_eq!(
            smtpcode_bounce_parse(b" \r\n\t".as_ptr().cast(), 4, &mut out),
            smtpcode_status::EmptyInput
        );
        assert_eq!(
            smtpcode_bounce_parse(text.as_ptr().cast(), text.len(), &mut out),
            smtpcode_status::NotAMessage
        );
        assert_eq!(
            smtpcode_bounce_parse(std::ptr::null(), 3, &mut out),
            smtpcode_status::NullArgument
        );
        assert_eq!(
            smtpcode_bounce_parse(text.as_ptr().cast(), usize::MAX, &mut out),
            smtpcode_status::InvalidArgument
        );
        assert!(out.is_null());
        assert_eq!(
            smtpcode_bounce_parse(text.as_ptr().cast(), text.len(), std::ptr::null_mut()),
            smtpcode_status::NullArgument
        );
        assert_eq!(
            smtpcode_classifier_bounce_parse(
                std::ptr::null(),
                text.as_ptr().cast(),
                text.len(),
                &mut out
            ),
            smtpcode_status::NullArgument
        );
        let mut info = MaybeUninit::<smtpcode_bounce_info>::uninit();
        assert_eq!(
            smtpcode_bounce_report_info(std::ptr::null(), info.as_mut_ptr()),
            smtpcode_status::NullArgument
        );
        let mut r = MaybeUninit::<smtpcode_bounce_recipient>::uninit();
        assert_eq!(
            smtpcode_bounce_report_recipient(std::ptr::null(), 0, r.as_mut_ptr()),
            smtpcode_status::NullArgument
        );
        let (mut p, mut len) = (std::ptr::null::<c_char>(), 0usize);
        assert_eq!(
            smtpcode_bounce_report_problem(std::ptr::null(), 0, &mut p, &mut len),
            smtpcode_status::NullArgument
        );
        smtpcode_bounce_report_free(std::ptr::null_mut());

        let raw = dsn("550 5.1.1 user unknown");
        let report = c_bounce(std::ptr::null(), &raw).unwrap();
        assert_eq!(
            smtpcode_bounce_report_info(report, std::ptr::null_mut()),
            smtpcode_status::NullArgument
        );
        assert_eq!(
            smtpcode_bounce_report_recipient(report, 0, std::ptr::null_mut()),
            smtpcode_status::NullArgument
        );
        assert_eq!(
            smtpcode_bounce_report_problem(report, 0, std::ptr::null_mut(), &mut len),
            smtpcode_status::NullArgument
        );
        assert_eq!(
            smtpcode_bounce_report_problem(report, 0, &mut p, std::ptr::null_mut()),
            smtpcode_status::NullArgument
        );
        smtpcode_bounce_report_free(report);
    }
}

#[test]
fn bounce_enum_names_equal_rust() {
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
    use smtpcode::bounce::{DsnAction, Format, Kind};
    check(Kind::ALL, smtpcode_bounce_kind_str, Kind::as_str);
    check(Format::ALL, smtpcode_bounce_format_str, Format::as_str);
    check(DsnAction::ALL, smtpcode_dsn_action_str, DsnAction::as_str);
    assert!(smtpcode_dsn_action_str(SMTPCODE_NO_DSN_ACTION).is_null());
}
