//! A classifier with a user's rules: an opaque handle, created from a rule file or its text,
//! used from any thread, freed once.

use std::ffi::c_char;

use crate::ffi::{ffi_panic_boundary, input, non_null, try_status, write_out};
use crate::types::{smtpcode_classification, smtpcode_status};

/// A classifier that reads a user's rules before the built-in ones (see the rule language in
/// the crate's `data/README.md`). Opaque: create it with
/// `smtpcode_classifier_new_from_file()` or `smtpcode_classifier_new_from_text()`, free it
/// with `smtpcode_classifier_free()`. Immutable once created: one classifier may be used by
/// any number of threads at once.
pub struct smtpcode_classifier {
    pub(crate) inner: smtpcode::Classifier,
}

/// Writes the message of a load error into the caller's buffer, NUL-terminated and cut to
/// fit (nothing when `error` is NULL or `error_len` is 0).
///
/// # Safety
///
/// `error` must be NULL or point to `error_len` writable bytes.
unsafe fn write_error(error: *mut c_char, error_len: usize, message: &str) {
    if error.is_null() || error_len == 0 {
        return;
    }
    let n = message.len().min(error_len - 1);
    // SAFETY: `error` points to `error_len` writable bytes and `n < error_len`.
    unsafe {
        std::ptr::copy_nonoverlapping(message.as_ptr(), error.cast::<u8>(), n);
        error.add(n).write(0);
    }
}

/// Returns the new classifier through `out`, or the load error's status and message.
///
/// # Safety
///
/// `out` is NULL-checked; `error` as in [`write_error`].
unsafe fn finish(
    loaded: Result<smtpcode::Rules, smtpcode::RulesError>,
    error: *mut c_char,
    error_len: usize,
    out: *mut *mut smtpcode_classifier,
) -> smtpcode_status {
    match loaded {
        Ok(rules) => {
            let handle = Box::new(smtpcode_classifier {
                inner: smtpcode::Classifier::with_rules(rules),
            });
            // SAFETY: `out` is not NULL and the caller's contract says it is writable.
            unsafe { write_out(out, Box::into_raw(handle)) }
        }
        Err(e) => {
            // SAFETY: the caller's contract on `error` and `error_len`.
            unsafe { write_error(error, error_len, &e.to_string()) };
            smtpcode_status::BadRules
        }
    }
}

/// Loads a rule file (tab-separated, a header line with at least `id`, `pattern` and
/// `reason`; see the README) and creates a classifier that reads those rules before the
/// built-in ones, into `*out`.
///
/// `path`/`path_len`: the file's path as bytes, not NUL-terminated.
/// `error`/`error_len`: a buffer for the message of a failure, such as
/// `"rules.tsv:7: pattern: missing ) at 12"`; written (NUL-terminated, cut to fit) only when
/// the result is `SMTPCODE_STATUS_BAD_RULES`. May be NULL with `error_len == 0`.
/// `out`: written only when the result is `SMTPCODE_STATUS_OK`; free it with
/// `smtpcode_classifier_free()`.
///
/// Returns `SMTPCODE_STATUS_OK`, `SMTPCODE_STATUS_BAD_RULES` (the file cannot be read, or a
/// line is wrong), `SMTPCODE_STATUS_NULL_ARGUMENT` when `out` or `path` is NULL, or
/// `SMTPCODE_STATUS_INVALID_ARGUMENT` when the path is not valid on this system.
///
/// # Safety
///
/// `path` must point to `path_len` readable bytes; `error` must be NULL or point to
/// `error_len` writable bytes; `out` must be NULL or point to a writable pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn smtpcode_classifier_new_from_file(
    path: *const c_char,
    path_len: usize,
    error: *mut c_char,
    error_len: usize,
    out: *mut *mut smtpcode_classifier,
) -> smtpcode_status {
    ffi_panic_boundary! {
        let out = try_status!(non_null(out));
        if path.is_null() {
            return smtpcode_status::NullArgument;
        }
        // SAFETY: the caller's contract on `path` and `path_len`.
        let bytes = try_status!(unsafe { input(path, path_len) });
        let path = try_status!(path_of(bytes));
        // SAFETY: `out` is checked; the caller's contract on `error`.
        unsafe { finish(smtpcode::Rules::load(path), error, error_len, out) }
    }
}

/// The path of the bytes: any bytes on Unix, UTF-8 elsewhere.
fn path_of(bytes: &[u8]) -> Result<std::path::PathBuf, smtpcode_status> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(std::ffi::OsStr::from_bytes(bytes).into())
    }
    #[cfg(not(unix))]
    {
        std::str::from_utf8(bytes)
            .map(Into::into)
            .map_err(|_| smtpcode_status::InvalidArgument)
    }
}

/// Like `smtpcode_classifier_new_from_file()`, from the text of a rule file held in memory.
/// A text that is not UTF-8 is refused with `SMTPCODE_STATUS_BAD_RULES`.
///
/// # Safety
///
/// `buf` must be NULL or point to `len` readable bytes; `error` must be NULL or point to
/// `error_len` writable bytes; `out` must be NULL or point to a writable pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn smtpcode_classifier_new_from_text(
    buf: *const c_char,
    len: usize,
    error: *mut c_char,
    error_len: usize,
    out: *mut *mut smtpcode_classifier,
) -> smtpcode_status {
    ffi_panic_boundary! {
        let out = try_status!(non_null(out));
        // SAFETY: the caller's contract on `buf` and `len`.
        let bytes = try_status!(unsafe { input(buf, len) });
        let loaded = match std::str::from_utf8(bytes) {
            Ok(text) => smtpcode::Rules::parse(text),
            Err(e) => Err(smtpcode::RulesError {
                origin: "<text>".into(),
                line: 0,
                message: format!("the rules are not UTF-8: {e}"),
            }),
        };
        // SAFETY: `out` is checked; the caller's contract on `error`.
        unsafe { finish(loaded, error, error_len, out) }
    }
}

/// Frees a classifier made by `smtpcode_classifier_new_from_file()` or
/// `smtpcode_classifier_new_from_text()`. NULL is accepted and ignored. The classifier must
/// not be in use by another thread, nor used again. Strings of earlier classifications stay
/// valid (they live as long as the program).
///
/// # Safety
///
/// `classifier` must be NULL or a pointer returned by a `smtpcode_classifier_new_*`
/// function that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn smtpcode_classifier_free(classifier: *mut smtpcode_classifier) {
    ffi_panic_boundary! {
        if !classifier.is_null() {
            // SAFETY: the caller's contract: a live pointer from Box::into_raw.
            drop(unsafe { Box::from_raw(classifier) });
        }
    }
}

/// Classifies one reply like `smtpcode_classify()`, with the classifier's rules read before
/// the built-in ones, into `*out`. Same arguments, results and guarantees (allocates
/// nothing, linear in `len`), plus `classifier`; thread-safe on a shared classifier.
///
/// Returns `SMTPCODE_STATUS_NULL_ARGUMENT` when `classifier` or `out` is NULL.
///
/// # Safety
///
/// `classifier` must be NULL or a live classifier; `buf` must be NULL or point to `len`
/// readable bytes; `out` must be NULL or point to a writable `smtpcode_classification`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn smtpcode_classifier_classify(
    classifier: *const smtpcode_classifier,
    buf: *const c_char,
    len: usize,
    command: u32,
    out: *mut smtpcode_classification,
) -> smtpcode_status {
    ffi_panic_boundary! {
        // SAFETY: the caller's contract: NULL or a live classifier, shared read-only.
        let classifier = try_status!(unsafe { classifier_ref(classifier) });
        // SAFETY: the caller's contract on `buf`, `len` and `out`.
        unsafe { crate::classify_into(classifier, buf, len, command, out) }
    }
}

/// `smtpcode_classify_no_reply()` with `classifier`'s rules: a user's rules decide before
/// the built-in ones. Same arguments, results and guarantees, plus `classifier`; thread-safe
/// on a shared classifier.
///
/// Returns `SMTPCODE_STATUS_NULL_ARGUMENT` when `classifier` or `out` is NULL.
///
/// # Safety
///
/// `classifier` must be NULL or a live classifier; `buf` must be NULL or point to `len`
/// readable bytes; `out` must be NULL or point to a writable `smtpcode_classification`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn smtpcode_classifier_classify_no_reply(
    classifier: *const smtpcode_classifier,
    failure: u32,
    buf: *const c_char,
    len: usize,
    command: u32,
    out: *mut smtpcode_classification,
) -> smtpcode_status {
    ffi_panic_boundary! {
        // SAFETY: the caller's contract: NULL or a live classifier, shared read-only.
        let classifier = try_status!(unsafe { classifier_ref(classifier) });
        // SAFETY: the caller's contract on `buf`, `len` and `out`.
        unsafe { crate::no_reply_into(classifier, failure, buf, len, command, out) }
    }
}

/// The core classifier behind a handle, or `SMTPCODE_STATUS_NULL_ARGUMENT`.
///
/// # Safety
///
/// `classifier` must be NULL or a live classifier, not freed while the reference is used.
pub(crate) unsafe fn classifier_ref<'a>(
    classifier: *const smtpcode_classifier,
) -> Result<&'a smtpcode::Classifier, smtpcode_status> {
    // SAFETY: the caller's contract.
    unsafe { classifier.as_ref() }
        .map(|c| &c.inner)
        .ok_or(smtpcode_status::NullArgument)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_classify_free() {
        let rules = b"id\tpattern\treason\nsite.hold\trecipient ~3 legal hold\tpolicy\n";
        let mut c: *mut smtpcode_classifier = std::ptr::null_mut();
        let mut err = [0 as c_char; 64];
        // SAFETY: valid buffers and out-pointer.
        unsafe {
            let s = smtpcode_classifier_new_from_text(
                rules.as_ptr().cast(),
                rules.len(),
                err.as_mut_ptr(),
                err.len(),
                &mut c,
            );
            assert_eq!(s, smtpcode_status::Ok);
            assert!(!c.is_null());
            let reply = b"550 5.7.1 recipient jo@acme.example is under legal hold";
            let mut out = std::mem::MaybeUninit::<smtpcode_classification>::uninit();
            let s = smtpcode_classifier_classify(
                c,
                reply.as_ptr().cast(),
                reply.len(),
                crate::SMTPCODE_NO_COMMAND,
                out.as_mut_ptr(),
            );
            assert_eq!(s, smtpcode_status::Ok);
            let out = out.assume_init();
            let rule = std::ffi::CStr::from_ptr(out.rule);
            assert_eq!(rule.to_str(), Ok("site.hold"));
            smtpcode_classifier_free(c);
            smtpcode_classifier_free(std::ptr::null_mut());
        }
    }

    #[test]
    fn a_bad_line_is_reported() {
        let rules = b"id\tpattern\treason\nx\tuser (unknown\tpolicy\n";
        let mut c: *mut smtpcode_classifier = std::ptr::null_mut();
        let mut err = [1 as c_char; 24];
        // SAFETY: valid buffers and out-pointer.
        unsafe {
            let s = smtpcode_classifier_new_from_text(
                rules.as_ptr().cast(),
                rules.len(),
                err.as_mut_ptr(),
                err.len(),
                &mut c,
            );
            assert_eq!(s, smtpcode_status::BadRules);
            assert!(c.is_null(), "out is written only on success");
            let msg = std::ffi::CStr::from_ptr(err.as_ptr()).to_str().unwrap();
            // Cut to fit the buffer, NUL included.
            assert_eq!(msg, "<text>:2: pattern: in \"");
        }
    }
}
