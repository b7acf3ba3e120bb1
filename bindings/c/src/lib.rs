//! # smtpcode-capi: the C library of smtpcode
//!
//! `libsmtpcode.a` / `libsmtpcode.so` and `include/smtpcode.h` (generated from this crate by
//! cbindgen). The functions only convert types between C and the core crate [`smtpcode`]: a C
//! caller gets exactly the answers a Rust caller gets.
//!
//! The contract, for C readers (also at the top of the header and in the README):
//!
//! * **Status.** Every function that can fail returns a `smtpcode_status`;
//!   `SMTPCODE_STATUS_OK` is 0. Out-parameters come last and are written only on success.
//! * **NULL.** Every pointer argument is checked. A NULL out-parameter gives
//!   `SMTPCODE_STATUS_NULL_ARGUMENT`; an input `buf` may be NULL only with `len == 0` (the
//!   empty input).
//! * **Input.** Text is `const char *buf, size_t len`: bytes, not NUL-terminated, not required
//!   to be UTF-8 (a reply, a whole bounce email). Enum-like inputs are plain integers and are
//!   range-checked.
//! * **Ownership.** Every string the library returns is NUL-terminated and never to be freed
//!   or modified. Those of classifications and tables are static: valid for the life of the
//!   program (also the texts of a user's rules). Those of a bounce report (recipients,
//!   diagnostics, headers, problems) belong to the report: valid until
//!   `smtpcode_bounce_report_free()`. The objects allocated for the caller are a
//!   `smtpcode_classifier` (a user's rules), freed with `smtpcode_classifier_free()`, and a
//!   `smtpcode_bounce_report`, freed with `smtpcode_bounce_report_free()`.
//! * **Threads.** Every function is reentrant and thread-safe; the library has no global
//!   mutable state (the text matcher is a read-only table compiled into the library).
//! * **Panics.** Each function runs behind a panic boundary: a bug that panics returns
//!   `SMTPCODE_STATUS_PANIC` (or NULL / 0) instead of unwinding into C or aborting.
//! * **ABI.** Before 1.0 the ABI may change with each minor version (0.x); patch releases keep
//!   it. The shared library's SONAME carries the ABI version (`libsmtpcode.so.0.1`).

#![allow(non_camel_case_types)]
#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

mod bounce;
mod classifier;
mod ffi;
#[cfg(feature = "fuzz")]
#[doc(hidden)]
pub mod fuzz;
mod types;

use std::ffi::c_char;

pub use bounce::{
    smtpcode_bounce_info, smtpcode_bounce_parse, smtpcode_bounce_recipient, smtpcode_bounce_report,
    smtpcode_bounce_report_free, smtpcode_bounce_report_info, smtpcode_bounce_report_problem,
    smtpcode_bounce_report_recipient, smtpcode_classifier_bounce_parse,
};
pub use classifier::{
    smtpcode_classifier, smtpcode_classifier_classify, smtpcode_classifier_free,
    smtpcode_classifier_new_from_file, smtpcode_classifier_new_from_text,
};
use ffi::{c_str_or_null, ffi_panic_boundary, input, non_null, try_status, write_out};
pub use types::{
    SMTPCODE_NO_COMMAND, SMTPCODE_NO_DSN_ACTION, SMTPCODE_NO_PROVIDER, SMTPCODE_NO_REASON,
    smtpcode_action, smtpcode_basis, smtpcode_bounce, smtpcode_bounce_format, smtpcode_bounce_kind,
    smtpcode_classification, smtpcode_code_info, smtpcode_code_status, smtpcode_command,
    smtpcode_dsn_action, smtpcode_enhanced_info, smtpcode_no_reply, smtpcode_outcome,
    smtpcode_provider_info, smtpcode_reason, smtpcode_reply, smtpcode_status,
};

/// Classifies one SMTP reply or bounce diagnostic (`"550 5.1.1 <a@b.c>: User unknown"`, a
/// multi-line reply, a DSN `Diagnostic-Code` value, or text with no code at all) into `*out`.
///
/// `buf`/`len`: the reply as bytes; not NUL-terminated, need not be UTF-8. NULL with
/// `len == 0` is the empty input.
/// `command`: the SMTP command the reply answered (a `smtpcode_command` value), or
/// `SMTPCODE_NO_COMMAND`; without one, a command named in the text is used.
/// `out`: written only when the result is `SMTPCODE_STATUS_OK`.
///
/// Returns `SMTPCODE_STATUS_OK` for any input (text without a code is classified too),
/// `SMTPCODE_STATUS_NULL_ARGUMENT` when `out` is NULL or `buf` is NULL with `len > 0`, and
/// `SMTPCODE_STATUS_INVALID_ARGUMENT` when `command` is out of range.
///
/// The strings in `*out` are static: nothing to free. Allocates nothing; linear in `len`;
/// thread-safe.
///
/// # Safety
///
/// `buf` must be NULL or point to `len` readable bytes; `out` must be NULL or point to a
/// writable `smtpcode_classification`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn smtpcode_classify(
    buf: *const c_char,
    len: usize,
    command: u32,
    out: *mut smtpcode_classification,
) -> smtpcode_status {
    ffi_panic_boundary! {
        // SAFETY: the caller's contract on `buf`, `len` and `out`.
        unsafe { classify_into(&smtpcode::Classifier::new(), buf, len, command, out) }
    }
}

/// `smtpcode_classify()` with `classifier`'s rules (the built-in ones alone for
/// `Classifier::new()`, which allocates nothing).
///
/// # Safety
///
/// As `smtpcode_classify()`.
pub(crate) unsafe fn classify_into(
    classifier: &smtpcode::Classifier,
    buf: *const c_char,
    len: usize,
    command: u32,
    out: *mut smtpcode_classification,
) -> smtpcode_status {
    // SAFETY: the caller's contract on `buf`, `len` and `out`.
    unsafe {
        classify_out(buf, len, command, out, |b, c| {
            Ok(classifier.classify_with(b, c))
        })
    }
}

/// Checks the arguments every classifying function takes, classifies the input with `f`
/// and writes the result to `*out`.
///
/// # Safety
///
/// `buf` must be NULL or point to `len` readable bytes; `out` must be NULL or point to a
/// writable `smtpcode_classification`.
unsafe fn classify_out(
    buf: *const c_char,
    len: usize,
    command: u32,
    out: *mut smtpcode_classification,
    f: impl FnOnce(&[u8], smtpcode::Context) -> Result<smtpcode::Classification, smtpcode_status>,
) -> smtpcode_status {
    let out = try_status!(non_null(out));
    // SAFETY: the caller's contract on `buf` and `len`.
    let bytes = try_status!(unsafe { input(buf, len) });
    let context = try_status!(context(command));
    let c = try_status!(f(bytes, context));
    // SAFETY: `out` is not NULL and the caller's contract says it is writable.
    unsafe { write_out(out, smtpcode_classification::from(&c)) }
}

/// Classifies a session that ended with no reply from the server into `*out`: a name that
/// did not resolve, a refused connection, a timeout, a connection lost, a failed TLS
/// handshake. The reason is `network_error` (`tls_required` for a TLS failure), from the
/// detail's words when they say the same thing; the outcome is always transient
/// (`outcome_inferred` set), since no server refused the message.
///
/// `failure`: a `smtpcode_no_reply` value, what the client saw.
/// `buf`/`len`: the text the client had about it (an error message such as `strerror()`'s or
/// the TLS library's), as bytes; NULL with `len == 0` for none.
/// `command`: the SMTP command under way (a `smtpcode_command` value), or
/// `SMTPCODE_NO_COMMAND`; a refused connection and a failed name lookup are always
/// `SMTPCODE_COMMAND_CONNECT`.
/// `out`: written only when the result is `SMTPCODE_STATUS_OK`.
///
/// Returns `SMTPCODE_STATUS_OK`, `SMTPCODE_STATUS_NULL_ARGUMENT` when `out` is NULL or `buf`
/// is NULL with `len > 0`, and `SMTPCODE_STATUS_INVALID_ARGUMENT` when `failure` or `command`
/// is out of range. The strings in `*out` are static. Allocates nothing; linear in `len`;
/// thread-safe.
///
/// # Safety
///
/// `buf` must be NULL or point to `len` readable bytes; `out` must be NULL or point to a
/// writable `smtpcode_classification`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn smtpcode_classify_no_reply(
    failure: u32,
    buf: *const c_char,
    len: usize,
    command: u32,
    out: *mut smtpcode_classification,
) -> smtpcode_status {
    ffi_panic_boundary! {
        // SAFETY: the caller's contract on `buf`, `len` and `out`.
        unsafe { no_reply_into(&smtpcode::Classifier::new(), failure, buf, len, command, out) }
    }
}

/// `smtpcode_classify_no_reply()` with `classifier`'s rules.
///
/// # Safety
///
/// As `smtpcode_classify_no_reply()`.
pub(crate) unsafe fn no_reply_into(
    classifier: &smtpcode::Classifier,
    failure: u32,
    buf: *const c_char,
    len: usize,
    command: u32,
    out: *mut smtpcode_classification,
) -> smtpcode_status {
    let failure = enum_arg(failure, smtpcode::NoReply::from_index);
    // SAFETY: the caller's contract on `buf`, `len` and `out`.
    unsafe {
        classify_out(buf, len, command, out, |b, c| {
            Ok(classifier.classify_no_reply(failure?, b, c))
        })
    }
}

/// The classification context for a C command argument.
fn context(command: u32) -> Result<smtpcode::Context, smtpcode_status> {
    if command == SMTPCODE_NO_COMMAND {
        return Ok(smtpcode::Context::new());
    }
    enum_arg(command, smtpcode::Command::from_index).map(|c| smtpcode::Context::new().command(c))
}

/// The core enum value whose index is the C argument `n`, or
/// `SMTPCODE_STATUS_INVALID_ARGUMENT` when `n` is out of range.
fn enum_arg<T>(n: u32, from_index: fn(usize) -> Option<T>) -> Result<T, smtpcode_status> {
    usize::try_from(n)
        .ok()
        .and_then(from_index)
        .ok_or(smtpcode_status::InvalidArgument)
}

/// Finds the reply code, the enhanced status code and the text in one reply, in any form
/// `smtpcode_classify()` accepts, into `*out`. The text and the prefix are reported as
/// offsets into `buf`.
///
/// `buf`/`len`: the reply as bytes; not NUL-terminated, need not be UTF-8. NULL with
/// `len == 0` is the empty input.
/// `out`: written only when the result is `SMTPCODE_STATUS_OK`.
///
/// Returns `SMTPCODE_STATUS_OK`, `SMTPCODE_STATUS_EMPTY_INPUT` when the input is empty or only
/// white space, `SMTPCODE_STATUS_NO_CODE` when it has neither a reply code nor an enhanced
/// code, or `SMTPCODE_STATUS_NULL_ARGUMENT`. Allocates nothing; thread-safe.
///
/// # Safety
///
/// `buf` must be NULL or point to `len` readable bytes; `out` must be NULL or point to a
/// writable `smtpcode_reply`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn smtpcode_parse(
    buf: *const c_char,
    len: usize,
    out: *mut smtpcode_reply,
) -> smtpcode_status {
    ffi_panic_boundary! {
        let out = try_status!(non_null(out));
        // SAFETY: the caller's contract on `buf` and `len`.
        let bytes = try_status!(unsafe { input(buf, len) });
        let reply = match smtpcode::parse(bytes) {
            Ok(r) => r,
            Err(smtpcode::ParseError::Empty) => return smtpcode_status::EmptyInput,
            // NoCode, and any kind of error a later core version may add: nothing found.
            Err(_) => return smtpcode_status::NoCode,
        };
        // SAFETY: `out` is not NULL and the caller's contract says it is writable.
        unsafe { write_out(out, smtpcode_reply::new(&reply, bytes)) }
    }
}

/// Looks up a basic reply code (such as 550) in the code table, into `*out`.
///
/// Returns `SMTPCODE_STATUS_OK`, `SMTPCODE_STATUS_NOT_FOUND` when the table has no row for
/// `code` (any number outside it, such as 299 or 70000), or `SMTPCODE_STATUS_NULL_ARGUMENT`.
/// `*out` is written only on success; its strings are static. Thread-safe.
///
/// # Safety
///
/// `out` must be NULL or point to a writable `smtpcode_code_info`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn smtpcode_lookup(
    code: u32,
    out: *mut smtpcode_code_info,
) -> smtpcode_status {
    ffi_panic_boundary! {
        let out = try_status!(non_null(out));
        let row = u16::try_from(code).ok().and_then(smtpcode::lookup);
        let row = try_status!(row.ok_or(smtpcode_status::NotFound));
        // SAFETY: `out` is not NULL and the caller's contract says it is writable.
        unsafe { write_out(out, smtpcode_code_info::from(row)) }
    }
}

/// The number of rows in the basic reply code table (for `smtpcode_code_at()`).
#[unsafe(no_mangle)]
pub extern "C" fn smtpcode_code_count() -> usize {
    ffi_panic_boundary! { smtpcode::codes().len() }
}

/// Row `index` (0 to `smtpcode_code_count() - 1`, in numeric order) of the basic reply code
/// table, into `*out`. Returns `SMTPCODE_STATUS_NOT_FOUND` past the end, which also ends a
/// loop such as `for (i = 0; smtpcode_code_at(i, &info) == SMTPCODE_STATUS_OK; i++)`.
///
/// # Safety
///
/// `out` must be NULL or point to a writable `smtpcode_code_info`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn smtpcode_code_at(
    index: usize,
    out: *mut smtpcode_code_info,
) -> smtpcode_status {
    ffi_panic_boundary! {
        let out = try_status!(non_null(out));
        let row = try_status!(smtpcode::codes().get(index).ok_or(smtpcode_status::NotFound));
        // SAFETY: `out` is not NULL and the caller's contract says it is writable.
        unsafe { write_out(out, smtpcode_code_info::from(row)) }
    }
}

/// Looks up the enhanced status code `X.subject.detail` (RFC 3463; `5.1.1` is subject 1,
/// detail 1) in the IANA registry, into `*out`. The registry does not depend on the class.
///
/// Returns `SMTPCODE_STATUS_OK`, `SMTPCODE_STATUS_NOT_FOUND` when the registry has no such
/// code, or `SMTPCODE_STATUS_NULL_ARGUMENT`. `*out` is written only on success. Thread-safe.
///
/// # Safety
///
/// `out` must be NULL or point to a writable `smtpcode_enhanced_info`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn smtpcode_lookup_enhanced(
    subject: u32,
    detail: u32,
    out: *mut smtpcode_enhanced_info,
) -> smtpcode_status {
    ffi_panic_boundary! {
        let out = try_status!(non_null(out));
        let row = match (u16::try_from(subject), u16::try_from(detail)) {
            (Ok(s), Ok(d)) => smtpcode::lookup_enhanced(s, d),
            _ => None,
        };
        let row = try_status!(row.ok_or(smtpcode_status::NotFound));
        // SAFETY: `out` is not NULL and the caller's contract says it is writable.
        unsafe { write_out(out, smtpcode_enhanced_info::from(row)) }
    }
}

/// The number of codes in the enhanced status code registry (for `smtpcode_enhanced_at()`).
#[unsafe(no_mangle)]
pub extern "C" fn smtpcode_enhanced_count() -> usize {
    ffi_panic_boundary! { smtpcode::enhanced_codes().len() }
}

/// Row `index` (0 to `smtpcode_enhanced_count() - 1`, in registry order) of the enhanced
/// status code registry, into `*out`. Returns `SMTPCODE_STATUS_NOT_FOUND` past the end.
///
/// # Safety
///
/// `out` must be NULL or point to a writable `smtpcode_enhanced_info`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn smtpcode_enhanced_at(
    index: usize,
    out: *mut smtpcode_enhanced_info,
) -> smtpcode_status {
    ffi_panic_boundary! {
        let out = try_status!(non_null(out));
        let row = smtpcode::enhanced_codes().get(index);
        let row = try_status!(row.ok_or(smtpcode_status::NotFound));
        // SAFETY: `out` is not NULL and the caller's contract says it is writable.
        unsafe { write_out(out, smtpcode_enhanced_info::from(row)) }
    }
}

/// The number of providers the classifier recognizes (for `smtpcode_provider_at()`).
#[unsafe(no_mangle)]
pub extern "C" fn smtpcode_provider_count() -> usize {
    ffi_panic_boundary! { smtpcode::providers().len() }
}

/// Provider `index` (0 to `smtpcode_provider_count() - 1`; the `provider_index` of a
/// classification) into `*out`. Returns `SMTPCODE_STATUS_NOT_FOUND` past the end.
///
/// # Safety
///
/// `out` must be NULL or point to a writable `smtpcode_provider_info`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn smtpcode_provider_at(
    index: usize,
    out: *mut smtpcode_provider_info,
) -> smtpcode_status {
    ffi_panic_boundary! {
        let out = try_status!(non_null(out));
        let p = smtpcode::Provider::from_index(index);
        let p = try_status!(p.ok_or(smtpcode_status::NotFound));
        // SAFETY: `out` is not NULL and the caller's contract says it is writable.
        unsafe { write_out(out, smtpcode_provider_info::from(p)) }
    }
}

/// The static name of an enum value, or NULL when `n` is out of range.
fn name_of<T>(
    n: u32,
    from_index: fn(usize) -> Option<T>,
    as_str: fn(T) -> &'static str,
) -> *const c_char {
    c_str_or_null(usize::try_from(n).ok().and_then(from_index).map(as_str))
}

/// The snake_case name of a `smtpcode_outcome` value ("permanent"), or NULL when `outcome`
/// is out of range. The string is static: do not free it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn smtpcode_outcome_str(outcome: u32) -> *const c_char {
    ffi_panic_boundary! { name_of(outcome, smtpcode::Outcome::from_index, smtpcode::Outcome::as_str) }
}

/// The snake_case name of a `smtpcode_bounce` value ("hard"), or NULL when `bounce` is out of
/// range. The string is static: do not free it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn smtpcode_bounce_str(bounce: u32) -> *const c_char {
    ffi_panic_boundary! { name_of(bounce, smtpcode::Bounce::from_index, smtpcode::Bounce::as_str) }
}

/// The snake_case name of a `smtpcode_reason` value ("mailbox_unknown"), or NULL when
/// `reason` is out of range (`SMTPCODE_NO_REASON` included). The string is static: do not
/// free it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn smtpcode_reason_str(reason: u32) -> *const c_char {
    ffi_panic_boundary! { name_of(reason, smtpcode::Reason::from_index, smtpcode::Reason::as_str) }
}

/// The snake_case name of a `smtpcode_action` value ("suppress"), or NULL when `action` is
/// out of range. The string is static: do not free it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn smtpcode_action_str(action: u32) -> *const c_char {
    ffi_panic_boundary! { name_of(action, smtpcode::Action::from_index, smtpcode::Action::as_str) }
}

/// The snake_case name of a `smtpcode_command` value ("rcpt"), or NULL when `command` is out
/// of range (`SMTPCODE_NO_COMMAND` included). The string is static: do not free it.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn smtpcode_command_str(command: u32) -> *const c_char {
    ffi_panic_boundary! { name_of(command, smtpcode::Command::from_index, smtpcode::Command::as_str) }
}

/// The snake_case name of a `smtpcode_basis` value ("enhanced_code"), or NULL when `basis` is
/// out of range. The string is static: do not free it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn smtpcode_basis_str(basis: u32) -> *const c_char {
    ffi_panic_boundary! { name_of(basis, smtpcode::Basis::from_index, smtpcode::Basis::as_str) }
}

/// The snake_case name of a `smtpcode_code_status` value ("standard"), or NULL when `status`
/// is out of range. The string is static: do not free it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn smtpcode_code_status_str(status: u32) -> *const c_char {
    ffi_panic_boundary! {
        name_of(status, smtpcode::CodeStatus::from_index, smtpcode::CodeStatus::as_str)
    }
}

/// The snake_case name of a `smtpcode_bounce_kind` value ("delivery_failure"), or NULL when
/// `kind` is out of range. The string is static: do not free it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn smtpcode_bounce_kind_str(kind: u32) -> *const c_char {
    ffi_panic_boundary! {
        name_of(kind, smtpcode::bounce::Kind::from_index, smtpcode::bounce::Kind::as_str)
    }
}

/// The snake_case name of a `smtpcode_bounce_format` value ("rfc3464"), or NULL when
/// `format` is out of range. The string is static: do not free it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn smtpcode_bounce_format_str(format: u32) -> *const c_char {
    ffi_panic_boundary! {
        name_of(format, smtpcode::bounce::Format::from_index, smtpcode::bounce::Format::as_str)
    }
}

/// The snake_case name of a `smtpcode_dsn_action` value ("failed"), or NULL when `action` is
/// out of range (`SMTPCODE_NO_DSN_ACTION` included). The string is static: do not free it.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn smtpcode_dsn_action_str(action: u32) -> *const c_char {
    ffi_panic_boundary! {
        name_of(
            action,
            smtpcode::bounce::DsnAction::from_index,
            smtpcode::bounce::DsnAction::as_str,
        )
    }
}

/// The snake_case name of a `smtpcode_no_reply` value ("connection_refused"), or NULL when
/// `failure` is out of range. The string is static: do not free it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn smtpcode_no_reply_str(failure: u32) -> *const c_char {
    ffi_panic_boundary! { name_of(failure, smtpcode::NoReply::from_index, smtpcode::NoReply::as_str) }
}

/// A short English description of a `smtpcode_status` value, for logs ("not found: ...").
/// Never NULL: a value that is not a status gives "unknown status". The string is static:
/// do not free it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn smtpcode_status_str(status: u32) -> *const c_char {
    ffi_panic_boundary! {
        let Some(status) = smtpcode_status::from_u32(status) else {
            return c"unknown status".as_ptr();
        };
        // Exhaustive: a new status does not compile until it has its words here.
        let text: &'static std::ffi::CStr = match status {
            smtpcode_status::Ok => c"ok",
            smtpcode_status::NullArgument => c"null argument: a required pointer is NULL",
            smtpcode_status::InvalidArgument => {
                c"invalid argument: an integer argument is out of range"
            }
            smtpcode_status::NotFound => c"not found: no such code or index in the table",
            smtpcode_status::EmptyInput => {
                c"empty input: the reply or message is empty or only white space"
            }
            smtpcode_status::NoCode => {
                c"no code: the reply has neither a reply code nor an enhanced status code"
            }
            smtpcode_status::Panic => {
                c"panic: an internal error in libsmtpcode (please report it)"
            }
            smtpcode_status::BadRules => {
                c"bad rules: the rule file could not be read or has a wrong line"
            }
            smtpcode_status::NotAMessage => {
                c"not a message: the input does not start with email header fields"
            }
        };
        text.as_ptr()
    }
}

/// The library's version, such as "0.1.0": the version of the code actually linked, to
/// compare with the header's `SMTPCODE_VERSION`. The string is static: do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn smtpcode_version() -> *const c_char {
    ffi_panic_boundary! {
        const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
        VERSION.as_ptr().cast()
    }
}

/// Touches the text matcher's tables (compiled into the library) so that the first
/// `smtpcode_classify()` call does not pay for their page faults. Optional and cheap; call it
/// at daemon start-up if the first request matters. Thread-safe. Returns `SMTPCODE_STATUS_OK`.
#[unsafe(no_mangle)]
pub extern "C" fn smtpcode_warm_up() -> smtpcode_status {
    ffi_panic_boundary! {
        smtpcode::warm_up();
        smtpcode_status::Ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_strings_cover_every_status() {
        let mut seen = std::collections::HashSet::new();
        for (i, &status) in smtpcode_status::ALL.iter().enumerate() {
            assert_eq!(status as usize, i, "the statuses are numbered 0, 1, 2...");
            let s = status as u32;
            // SAFETY: smtpcode_status_str never returns NULL.
            let text = unsafe { std::ffi::CStr::from_ptr(smtpcode_status_str(s)) };
            assert_ne!(text.to_str(), Ok("unknown status"), "status {s}");
            assert!(seen.insert(text), "status {s} has the words of another");
        }
        // The last variant is in ALL (a status added after it without joining ALL fails here).
        assert_eq!(
            smtpcode_status::ALL.last(),
            Some(&smtpcode_status::NotAMessage)
        );
        let past = smtpcode_status::ALL.len() as u32;
        for s in [past, 99, u32::MAX] {
            // SAFETY: as above.
            let text = unsafe { std::ffi::CStr::from_ptr(smtpcode_status_str(s)) };
            assert_eq!(text.to_str(), Ok("unknown status"));
        }
    }

    #[test]
    fn command_context() {
        assert_eq!(context(SMTPCODE_NO_COMMAND), Ok(smtpcode::Context::new()));
        assert_eq!(
            context(smtpcode_command::Rcpt as u32),
            Ok(smtpcode::Context::new().command(smtpcode::Command::Rcpt))
        );
        assert_eq!(
            context(smtpcode::Command::ALL.len() as u32),
            Err(smtpcode_status::InvalidArgument)
        );
    }
}
