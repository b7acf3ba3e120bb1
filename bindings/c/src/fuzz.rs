//! The driver of the `capi` fuzz target (`fuzz/fuzz_targets/capi.rs`, feature `fuzz`): it calls
//! every function of the C API through the C ABI with what the fuzzer gives, and checks the
//! contract of the header: statuses, out-parameters written only on success, offsets inside
//! the input, static NUL-terminated strings. It lives here because calling the C ABI takes
//! `unsafe`, which only this crate may use.

use std::ffi::{CStr, c_char};
use std::mem::MaybeUninit;

use crate::*;

/// A string the library returned: not NULL, NUL-terminated, UTF-8.
fn check_str(p: *const c_char) -> &'static str {
    assert!(!p.is_null());
    // SAFETY: the library returns static NUL-terminated strings.
    unsafe { CStr::from_ptr(p) }.to_str().expect("UTF-8 text")
}

/// A string that may be NULL.
fn check_opt_str(p: *const c_char) {
    if !p.is_null() {
        check_str(p);
    }
}

/// Calls `f` with an out-parameter filled with `0xA5` bytes; returns the status and, on
/// success, the value. On failure the bytes must be untouched.
fn call<T>(f: impl FnOnce(*mut T) -> smtpcode_status) -> (smtpcode_status, Option<T>) {
    let mut out = MaybeUninit::<T>::uninit();
    let size = std::mem::size_of::<T>();
    // SAFETY: writing `size` bytes into the `T`-sized buffer.
    unsafe { std::ptr::write_bytes(out.as_mut_ptr().cast::<u8>(), 0xA5, size) };
    let status = f(out.as_mut_ptr());
    if status == smtpcode_status::Ok {
        // SAFETY: the library wrote a whole `T` on success.
        (status, Some(unsafe { out.assume_init() }))
    } else {
        // SAFETY: the buffer was filled above; reading it as bytes.
        let bytes = unsafe { std::slice::from_raw_parts(out.as_ptr().cast::<u8>(), size) };
        assert!(
            bytes.iter().all(|&b| b == 0xA5),
            "an out-parameter was written on failure"
        );
        (status, None)
    }
}

fn word(data: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    for (i, x) in b.iter_mut().enumerate() {
        *x = data.get(at + i).copied().unwrap_or(0);
    }
    u32::from_le_bytes(b)
}

/// Runs one fuzz input through the C API.
pub fn drive(data: &[u8]) {
    let (head, text) = data.split_at(data.len().min(12));
    let (w0, w1, w2) = (word(head, 0), word(head, 4), word(head, 8));
    let buf = text.as_ptr().cast::<c_char>();

    // Classification, with a command in range, out of range, or none.
    let command = match w0 % 4 {
        0 => SMTPCODE_NO_COMMAND,
        1 => w1,
        _ => w1 % 8,
    };
    // SAFETY: `buf` points to `text.len()` bytes; the out-parameter is valid.
    let (status, c) = call(|out| unsafe { smtpcode_classify(buf, text.len(), command, out) });
    match status {
        smtpcode_status::Ok => {
            let c = c.unwrap();
            for s in [c.rule, c.explanation, c.fix] {
                check_str(s);
            }
            check_opt_str(c.provider);
            check_opt_str(c.provider_code);
            check_str(smtpcode_outcome_str(c.outcome as u32));
            check_str(smtpcode_reason_str(c.reason as u32));
            check_str(smtpcode_bounce_str(c.bounce as u32));
            check_str(smtpcode_action_str(c.action as u32));
            check_str(smtpcode_basis_str(c.basis as u32));
            // The same answer as the Rust call.
            let ctx = match smtpcode::Command::from_index(command as usize) {
                Some(cmd) if command != SMTPCODE_NO_COMMAND => {
                    smtpcode::Context::new().command(cmd)
                }
                _ => smtpcode::Context::new(),
            };
            let r = smtpcode::classify_with(text, ctx);
            assert_eq!(check_str(c.rule), r.rule());
            assert_eq!(
                check_str(smtpcode_reason_str(c.reason as u32)),
                r.reason().as_str()
            );
        }
        smtpcode_status::InvalidArgument => assert!(command != SMTPCODE_NO_COMMAND && command >= 8),
        other => panic!("smtpcode_classify: {other:?}"),
    }
    // NULL out-parameter, NULL input with a length.
    // SAFETY: NULL pointers are part of the contract.
    unsafe {
        assert_eq!(
            smtpcode_classify(buf, text.len(), SMTPCODE_NO_COMMAND, std::ptr::null_mut()),
            smtpcode_status::NullArgument
        );
        let (s, _) = call(|out| smtpcode_classify(std::ptr::null(), 1 + text.len(), 0, out));
        assert_eq!(s, smtpcode_status::NullArgument);
    }

    // Parsing: offsets inside the input.
    // SAFETY: as above.
    let (status, r) = call(|out| unsafe { smtpcode_parse(buf, text.len(), out) });
    match status {
        smtpcode_status::Ok => {
            let r = r.unwrap();
            assert!(r.text_offset + r.text_len <= text.len());
            assert!(r.prefix_offset + r.prefix_len <= text.len());
            assert!(r.code != 0 || r.has_enhanced);
        }
        smtpcode_status::EmptyInput | smtpcode_status::NoCode => {}
        other => panic!("smtpcode_parse: {other:?}"),
    }

    // The tables, with any numbers.
    // SAFETY: valid out-parameters.
    unsafe {
        if let (smtpcode_status::Ok, Some(i)) = call(|out| smtpcode_lookup(w1, out)) {
            assert_eq!(u32::from(i.code), w1);
            check_str(i.meaning);
        }
        if let (smtpcode_status::Ok, Some(i)) =
            call(|out| smtpcode_lookup_enhanced(w1 % 1024, w2 % 1024, out))
        {
            let code = check_str(i.code);
            assert_eq!(code, format!("X.{}.{}", w1 % 1024, w2 % 1024));
        }
        if let (smtpcode_status::Ok, Some(_)) = call(|out| smtpcode_lookup_enhanced(w1, w2, out)) {
            assert!(w1 < 1000 && w2 < 1000);
        }
        let index = w2 as usize % 512;
        let (s, _) = call(|out| smtpcode_code_at(index, out));
        assert_eq!(s == smtpcode_status::Ok, index < smtpcode_code_count());
        let (s, _) = call(|out| smtpcode_enhanced_at(index, out));
        assert_eq!(s == smtpcode_status::Ok, index < smtpcode_enhanced_count());
        let (s, p) = call(|out| smtpcode_provider_at(index, out));
        assert_eq!(s == smtpcode_status::Ok, index < smtpcode_provider_count());
        if let Some(p) = p {
            check_str(p.name);
        }
    }
    for f in [
        smtpcode_outcome_str,
        smtpcode_bounce_str,
        smtpcode_reason_str,
        smtpcode_action_str,
        smtpcode_command_str,
        smtpcode_basis_str,
        smtpcode_code_status_str,
        smtpcode_status_str,
    ] {
        check_opt_str(f(w1));
        check_opt_str(f(w2 % 64));
    }
}
