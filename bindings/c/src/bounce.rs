//! Whole bounce messages: `smtpcode_bounce_parse()` reads a raw email into an opaque
//! `smtpcode_bounce_report`, read through accessors and freed once.
//!
//! The report owns a copy of every string it hands out, each followed by a NUL byte, built
//! once when the message is parsed: the accessors only copy pointers. A diagnostic that a
//! notice gives for many recipients (shared by the core crate) is copied once and shared by
//! them, so the report stays linear in the size of the message.

use std::collections::HashMap;
use std::ffi::c_char;
use std::sync::Arc;

use smtpcode::bounce::{BounceError, Report};

use crate::classifier::smtpcode_classifier;
use crate::ffi::{ffi_panic_boundary, input, non_null, try_status, write_out};
use crate::types::{
    SMTPCODE_NO_COMMAND, SMTPCODE_NO_DSN_ACTION, enhanced_parts, smtpcode_bounce_format,
    smtpcode_bounce_kind, smtpcode_classification, smtpcode_command, smtpcode_dsn_action,
    smtpcode_status,
};

/// What a bounce message says: made by `smtpcode_bounce_parse()` or
/// `smtpcode_classifier_bounce_parse()`, read with `smtpcode_bounce_report_info()`,
/// `smtpcode_bounce_report_recipient()` and `smtpcode_bounce_report_problem()`, freed with
/// `smtpcode_bounce_report_free()`. Opaque.
///
/// The report owns every string those functions give: each is UTF-8, NUL-terminated, and
/// valid until the report is freed (not after). Never free or modify one. A report is not
/// changed by reading it, so several threads may read one report at once; free it once,
/// when no thread uses it any more.
pub struct smtpcode_bounce_report {
    /// The report-level fields (pointers into `strings`).
    info: smtpcode_bounce_info,
    /// One entry per recipient, in the order of the message (pointers into `strings`).
    recipients: Box<[smtpcode_bounce_recipient]>,
    /// The problems, as pointer and length (into `strings`).
    problems: Box<[(*const c_char, usize)]>,
    /// Owns every string the pointers above point into: each is the string's bytes and a
    /// NUL. The heap blocks never move, whatever happens to this vector.
    _strings: Vec<Box<[u8]>>,
}

/// The report-level fields of a bounce report, filled by `smtpcode_bounce_report_info()`.
///
/// Every `const char *` field is NULL when the message does not give the value, or else a
/// UTF-8 string owned by the report: NUL-terminated, valid until the report is freed. Its
/// `_len` field is its length in bytes without the NUL (0 when NULL); the two differ from
/// `strlen()` only when a hostile message put a NUL byte inside a value.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct smtpcode_bounce_info {
    /// The kind of message.
    pub kind: smtpcode_bounce_kind,
    /// Where the recipients and diagnostics were read from.
    pub format: smtpcode_bounce_format,
    /// The MTA that wrote the report (`Reporting-MTA`), or NULL.
    pub reporting_mta: *const c_char,
    /// The length of `reporting_mta` in bytes.
    pub reporting_mta_len: usize,
    /// The bounce's own `From`, or NULL.
    pub from: *const c_char,
    /// The length of `from` in bytes.
    pub from_len: usize,
    /// The bounce's own `Subject`, decoded, or NULL.
    pub subject: *const c_char,
    /// The length of `subject` in bytes.
    pub subject_len: usize,
    /// The feedback type of an ARF report ("abuse", "fraud", "opt-out"...), or NULL.
    pub feedback_type: *const c_char,
    /// The length of `feedback_type` in bytes.
    pub feedback_type_len: usize,
    /// True when the bounce includes the original message or its headers (the four
    /// `original_` fields below; each may still be NULL).
    pub has_original: bool,
    /// The original message's `Message-ID`, or NULL.
    pub original_message_id: *const c_char,
    /// The length of `original_message_id` in bytes.
    pub original_message_id_len: usize,
    /// The original message's `From`, or NULL.
    pub original_from: *const c_char,
    /// The length of `original_from` in bytes.
    pub original_from_len: usize,
    /// The original message's `To`, or NULL.
    pub original_to: *const c_char,
    /// The length of `original_to` in bytes.
    pub original_to_len: usize,
    /// The original message's `Subject`, decoded, or NULL.
    pub original_subject: *const c_char,
    /// The length of `original_subject` in bytes.
    pub original_subject_len: usize,
    /// True when a limit cut something (4 MiB per message, 2 MiB per part, 50,000
    /// recipients...; see the README); a problem says what and how much.
    pub truncated: bool,
    /// The number of recipients (for `smtpcode_bounce_report_recipient()`); may be 0 (an
    /// auto-reply from an unknown address, a message that is not a bounce).
    pub recipient_count: usize,
    /// The number of problems (for `smtpcode_bounce_report_problem()`): what was wrong with
    /// the message (malformed MIME, undecodable parts...) and what the limits cut. The report
    /// is then partial: whatever could still be read.
    pub problem_count: usize,
}

/// One recipient of a bounce, filled by `smtpcode_bounce_report_recipient()`.
///
/// The `const char *` fields follow the rules of `smtpcode_bounce_info`: NULL when absent
/// (`recipient` never is), else owned by the report, NUL-terminated, valid until the report
/// is freed, with the length in bytes in the `_len` field. The strings of `classification`
/// are static, as with `smtpcode_classify()`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct smtpcode_bounce_recipient {
    /// The final recipient: the address the reporting MTA tried (`Final-Recipient`). Never
    /// NULL.
    pub recipient: *const c_char,
    /// The length of `recipient` in bytes.
    pub recipient_len: usize,
    /// The original recipient (`Original-Recipient`, an `X-Original-To`...), or NULL.
    pub original_recipient: *const c_char,
    /// The length of `original_recipient` in bytes.
    pub original_recipient_len: usize,
    /// What happened (RFC 3464 `Action`; for plain-text bounces, as the wording says): a
    /// `smtpcode_dsn_action` value, or `SMTPCODE_NO_DSN_ACTION`.
    pub dsn_action: u32,
    /// True when the recipient has a status code (`Status`, or the enhanced code of the
    /// diagnostic): the three fields below.
    pub has_status: bool,
    /// The status code's class: 2, 4 or 5 (0 when `has_status` is false).
    pub status_class: u8,
    /// The status code's subject, 0 to 999 (0 when `has_status` is false).
    pub status_subject: u16,
    /// The status code's detail, 0 to 999 (0 when `has_status` is false).
    pub status_detail: u16,
    /// The remote MTA that gave the diagnostic (`Remote-MTA`, or the host a text names), or
    /// NULL.
    pub remote_mta: *const c_char,
    /// The length of `remote_mta` in bytes.
    pub remote_mta_len: usize,
    /// The diagnostic type in lower case ("smtp", "x-postfix"...), or NULL.
    pub diagnostic_type: *const c_char,
    /// The length of `diagnostic_type` in bytes.
    pub diagnostic_type_len: usize,
    /// The diagnostic text (`Diagnostic-Code`, or the text a plain-text bounce gives), or
    /// NULL. Recipients that a notice gives one reason for share one string.
    pub diagnostic: *const c_char,
    /// The length of `diagnostic` in bytes.
    pub diagnostic_len: usize,
    /// The SMTP command that got the reply, when the MTA says which: a `smtpcode_command`
    /// value, or `SMTPCODE_NO_COMMAND`.
    pub command: u32,
    /// The classification of the diagnostic with the command as context: what
    /// `smtpcode_classify()` gives. For feedback reports, auto-replies and recipients
    /// without any diagnostic, status or action, the classification of nothing (outcome and
    /// bounce unknown). A recipient whose action is `failed` while its diagnostic is
    /// temporary or missing is a final failure (basis `SMTPCODE_BASIS_DSN_ACTION`).
    pub classification: smtpcode_classification,
}

/// The strings of a report being built: every string is copied once, with a NUL after it.
#[derive(Default)]
struct Strings {
    blocks: Vec<Box<[u8]>>,
    /// Diagnostics shared by several recipients, by the address of their shared text (kept
    /// alive here, so that the address cannot be reused by another text meanwhile).
    shared: HashMap<*const u8, (Arc<str>, *const c_char, usize)>,
}

impl Strings {
    /// Keeps `s` (moving its buffer when it can) and returns its C pointer and length.
    fn keep(&mut self, s: String) -> (*const c_char, usize) {
        let len = s.len();
        let mut bytes = s.into_bytes();
        bytes.push(0);
        let block = bytes.into_boxed_slice();
        let ptr = block.as_ptr().cast::<c_char>();
        self.blocks.push(block);
        (ptr, len)
    }

    /// [`Strings::keep`] for an optional string: NULL and 0 for `None`.
    fn keep_opt(&mut self, s: Option<String>) -> (*const c_char, usize) {
        s.map_or((std::ptr::null(), 0), |s| self.keep(s))
    }

    /// Keeps a shared text once, however many recipients share it.
    fn keep_shared(&mut self, text: Arc<str>) -> (*const c_char, usize) {
        let key = text.as_ptr();
        if let Some(&(_, ptr, len)) = self.shared.get(&key) {
            return (ptr, len);
        }
        let (ptr, len) = self.keep(String::from(&*text));
        self.shared.insert(key, (text, ptr, len));
        (ptr, len)
    }
}

impl smtpcode_bounce_report {
    /// Converts a report of the core crate, taking its strings.
    fn new(report: Report) -> Box<Self> {
        let mut strings = Strings::default();
        let (reporting_mta, reporting_mta_len) = strings.keep_opt(report.reporting_mta);
        let (from, from_len) = strings.keep_opt(report.from);
        let (subject, subject_len) = strings.keep_opt(report.subject);
        let (feedback_type, feedback_type_len) = strings.keep_opt(report.feedback_type);
        let has_original = report.original.is_some();
        let original = report.original.unwrap_or_default();
        let (original_message_id, original_message_id_len) = strings.keep_opt(original.message_id);
        let (original_from, original_from_len) = strings.keep_opt(original.from);
        let (original_to, original_to_len) = strings.keep_opt(original.to);
        let (original_subject, original_subject_len) = strings.keep_opt(original.subject);
        let recipients: Box<[smtpcode_bounce_recipient]> = report
            .recipients
            .into_iter()
            .map(|r| {
                let classification = smtpcode_classification::from(&r.classification);
                let (recipient, recipient_len) = strings.keep(r.recipient);
                let (original_recipient, original_recipient_len) =
                    strings.keep_opt(r.original_recipient);
                let (has_status, status_class, status_subject, status_detail) =
                    enhanced_parts(r.status);
                let (remote_mta, remote_mta_len) = strings.keep_opt(r.remote_mta);
                let (kind, text) = match r.diagnostic {
                    Some(d) => (d.kind, Some(d.text)),
                    None => (None, None),
                };
                let (diagnostic_type, diagnostic_type_len) = strings.keep_opt(kind);
                let (diagnostic, diagnostic_len) =
                    text.map_or((std::ptr::null(), 0), |t| strings.keep_shared(t));
                smtpcode_bounce_recipient {
                    recipient,
                    recipient_len,
                    original_recipient,
                    original_recipient_len,
                    dsn_action: r.action.map_or(SMTPCODE_NO_DSN_ACTION, |a| {
                        smtpcode_dsn_action::from(a) as u32
                    }),
                    has_status,
                    status_class,
                    status_subject,
                    status_detail,
                    remote_mta,
                    remote_mta_len,
                    diagnostic_type,
                    diagnostic_type_len,
                    diagnostic,
                    diagnostic_len,
                    command: r
                        .command
                        .map_or(SMTPCODE_NO_COMMAND, |c| smtpcode_command::from(c) as u32),
                    classification,
                }
            })
            .collect();
        let problems: Box<[(*const c_char, usize)]> = report
            .problems
            .into_iter()
            .map(|p| strings.keep(p))
            .collect();
        let info = smtpcode_bounce_info {
            kind: report.kind.into(),
            format: report.format.into(),
            reporting_mta,
            reporting_mta_len,
            from,
            from_len,
            subject,
            subject_len,
            feedback_type,
            feedback_type_len,
            has_original,
            original_message_id,
            original_message_id_len,
            original_from,
            original_from_len,
            original_to,
            original_to_len,
            original_subject,
            original_subject_len,
            truncated: report.truncated,
            recipient_count: recipients.len(),
            problem_count: problems.len(),
        };
        Box::new(smtpcode_bounce_report {
            info,
            recipients,
            problems,
            _strings: strings.blocks,
        })
    }
}

/// The status of a message the core crate could not read.
fn bounce_status(e: &BounceError) -> smtpcode_status {
    match e {
        BounceError::Empty => smtpcode_status::EmptyInput,
        // NotAMessage, and any kind of error a later core version may add: not readable as a
        // message.
        _ => smtpcode_status::NotAMessage,
    }
}

/// Hands a parsed report to the caller through `out`.
///
/// # Safety
///
/// `out` must be NULL-checked already and point to a writable pointer.
unsafe fn finish(
    parsed: Result<Report, BounceError>,
    out: *mut *mut smtpcode_bounce_report,
) -> smtpcode_status {
    match parsed {
        Ok(report) => {
            let handle = Box::into_raw(smtpcode_bounce_report::new(report));
            // SAFETY: `out` is not NULL and the caller's contract says it is writable.
            unsafe { write_out(out, handle) }
        }
        Err(e) => bounce_status(&e),
    }
}

/// Parses a whole bounce email — an RFC 3464 delivery status notification, the plain-text
/// bounce of an MTA or provider, an ARF feedback report, an Amazon SES notification, an
/// auto-reply, or any other message — into a new report, `*out`: its kind and, for each
/// recipient, the RFC 3464 fields and the classification of the diagnostic (with the SMTP
/// command as context), the same as the Rust `smtpcode::bounce::parse`.
///
/// `buf`/`len`: the raw message (RFC 5322 bytes, CRLF or LF line ends, an mbox "From " line
/// allowed in front); not NUL-terminated, any bytes. Only the first 4 MiB are read (see the
/// README's limits); time and memory are linear in `len`.
/// `out`: written only when the result is `SMTPCODE_STATUS_OK`; read the report with the
/// `smtpcode_bounce_report_*` functions and free it with `smtpcode_bounce_report_free()`.
///
/// Returns `SMTPCODE_STATUS_OK` for every message, malformed ones included (the report is
/// then partial and says why in its problems); `SMTPCODE_STATUS_EMPTY_INPUT` when the input
/// is empty or only white space; `SMTPCODE_STATUS_NOT_A_MESSAGE` when it does not start with
/// header fields; `SMTPCODE_STATUS_NULL_ARGUMENT` when `out` is NULL or `buf` is NULL with
/// `len > 0`; `SMTPCODE_STATUS_INVALID_ARGUMENT` when `len` is above `PTRDIFF_MAX`.
/// Thread-safe; `buf` may be reused as soon as the call returns.
///
/// # Safety
///
/// `buf` must be NULL or point to `len` readable bytes; `out` must be NULL or point to a
/// writable pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn smtpcode_bounce_parse(
    buf: *const c_char,
    len: usize,
    out: *mut *mut smtpcode_bounce_report,
) -> smtpcode_status {
    ffi_panic_boundary! {
        // SAFETY: the caller's contract on `buf`, `len` and `out`.
        unsafe { parse_into(&smtpcode::Classifier::new(), buf, len, out) }
    }
}

/// Like `smtpcode_bounce_parse()`, with the classifier's rules read before the built-in ones
/// when the recipients' diagnostics are classified. Same arguments, results and guarantees,
/// plus `classifier`, which may be shared by any number of threads; the report does not
/// depend on the classifier once made (it may be freed first).
///
/// Returns `SMTPCODE_STATUS_NULL_ARGUMENT` when `classifier` or `out` is NULL.
///
/// # Safety
///
/// `classifier` must be NULL or a live classifier; `buf` must be NULL or point to `len`
/// readable bytes; `out` must be NULL or point to a writable pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn smtpcode_classifier_bounce_parse(
    classifier: *const smtpcode_classifier,
    buf: *const c_char,
    len: usize,
    out: *mut *mut smtpcode_bounce_report,
) -> smtpcode_status {
    ffi_panic_boundary! {
        // SAFETY: the caller's contract: NULL or a live classifier, shared read-only.
        let classifier = try_status!(unsafe { crate::classifier::classifier_ref(classifier) });
        // SAFETY: the caller's contract on `buf`, `len` and `out`.
        unsafe { parse_into(classifier, buf, len, out) }
    }
}

/// Parses `buf` with `classifier`'s rules into a new report written to `out`.
///
/// # Safety
///
/// As `smtpcode_bounce_parse()`.
unsafe fn parse_into(
    classifier: &smtpcode::Classifier,
    buf: *const c_char,
    len: usize,
    out: *mut *mut smtpcode_bounce_report,
) -> smtpcode_status {
    let out = try_status!(non_null(out));
    // SAFETY: the caller's contract on `buf` and `len`.
    let bytes = try_status!(unsafe { input(buf, len) });
    // SAFETY: `out` is checked and writable by the caller's contract.
    unsafe { finish(classifier.parse_bounce(bytes), out) }
}

/// Frees a report made by `smtpcode_bounce_parse()` or `smtpcode_classifier_bounce_parse()`,
/// and with it every string it gave. NULL is accepted and ignored. The report must not be in
/// use by another thread, nor used again. (The strings of the classifications stay valid:
/// they are static.)
///
/// # Safety
///
/// `report` must be NULL or a pointer returned by a bounce parse function that was not freed
/// yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn smtpcode_bounce_report_free(report: *mut smtpcode_bounce_report) {
    ffi_panic_boundary! {
        if !report.is_null() {
            // SAFETY: the caller's contract: a live pointer from Box::into_raw.
            drop(unsafe { Box::from_raw(report) });
        }
    }
}

/// The live report behind a pointer, or `SMTPCODE_STATUS_NULL_ARGUMENT`.
///
/// # Safety
///
/// `report` must be NULL or a live report, not freed while the reference is used.
unsafe fn report_ref<'a>(
    report: *const smtpcode_bounce_report,
) -> Result<&'a smtpcode_bounce_report, smtpcode_status> {
    // SAFETY: the caller's contract.
    unsafe { report.as_ref() }.ok_or(smtpcode_status::NullArgument)
}

/// The report-level fields of a bounce report, into `*out`: kind, format, reporting MTA,
/// the bounce's own From and Subject, the ARF feedback type, the original message's headers,
/// whether a limit cut something, and the numbers of recipients and problems. The strings
/// belong to the report (valid until it is freed).
///
/// Returns `SMTPCODE_STATUS_OK`, or `SMTPCODE_STATUS_NULL_ARGUMENT` when `report` or `out`
/// is NULL. Thread-safe.
///
/// # Safety
///
/// `report` must be NULL or a live report; `out` must be NULL or point to a writable
/// `smtpcode_bounce_info`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn smtpcode_bounce_report_info(
    report: *const smtpcode_bounce_report,
    out: *mut smtpcode_bounce_info,
) -> smtpcode_status {
    ffi_panic_boundary! {
        let out = try_status!(non_null(out));
        // SAFETY: the caller's contract on `report`.
        let report = try_status!(unsafe { report_ref(report) });
        // SAFETY: `out` is not NULL and the caller's contract says it is writable.
        unsafe { write_out(out, report.info) }
    }
}

/// Recipient `index` (0 to `recipient_count - 1`, in the order of the message) of a bounce
/// report, into `*out`. The strings belong to the report (valid until it is freed).
///
/// Returns `SMTPCODE_STATUS_OK`, `SMTPCODE_STATUS_NOT_FOUND` past the last recipient (which
/// also ends a loop such as
/// `for (i = 0; smtpcode_bounce_report_recipient(report, i, &r) == SMTPCODE_STATUS_OK; i++)`),
/// or `SMTPCODE_STATUS_NULL_ARGUMENT` when `report` or `out` is NULL. Thread-safe.
///
/// # Safety
///
/// `report` must be NULL or a live report; `out` must be NULL or point to a writable
/// `smtpcode_bounce_recipient`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn smtpcode_bounce_report_recipient(
    report: *const smtpcode_bounce_report,
    index: usize,
    out: *mut smtpcode_bounce_recipient,
) -> smtpcode_status {
    ffi_panic_boundary! {
        let out = try_status!(non_null(out));
        // SAFETY: the caller's contract on `report`.
        let report = try_status!(unsafe { report_ref(report) });
        let r = try_status!(report.recipients.get(index).ok_or(smtpcode_status::NotFound));
        // SAFETY: `out` is not NULL and the caller's contract says it is writable.
        unsafe { write_out(out, *r) }
    }
}

/// Problem `index` (0 to `problem_count - 1`) of a bounce report: what was wrong with the
/// message, or what a limit cut and how much, in English ("multipart/report without parts
/// (boundary missing or not found); read as text"). `*out` gets the string (owned by the
/// report, NUL-terminated, valid until the report is freed) and `*out_len` its length in
/// bytes; both are written only on success.
///
/// Returns `SMTPCODE_STATUS_OK`, `SMTPCODE_STATUS_NOT_FOUND` past the last problem, or
/// `SMTPCODE_STATUS_NULL_ARGUMENT` when `report`, `out` or `out_len` is NULL. Thread-safe.
///
/// # Safety
///
/// `report` must be NULL or a live report; `out` and `out_len` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn smtpcode_bounce_report_problem(
    report: *const smtpcode_bounce_report,
    index: usize,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> smtpcode_status {
    ffi_panic_boundary! {
        let out = try_status!(non_null(out));
        let out_len = try_status!(non_null(out_len));
        // SAFETY: the caller's contract on `report`.
        let report = try_status!(unsafe { report_ref(report) });
        let &(text, len) = try_status!(report.problems.get(index).ok_or(smtpcode_status::NotFound));
        // SAFETY: both are not NULL and the caller's contract says they are writable.
        unsafe {
            write_out(out_len, len);
            write_out(out, text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_diagnostic_is_kept_once() {
        let mut strings = Strings::default();
        let text: Arc<str> = Arc::from("550 5.1.1 user unknown");
        let a = strings.keep_shared(Arc::clone(&text));
        let b = strings.keep_shared(Arc::clone(&text));
        assert_eq!(a, b);
        assert_eq!(strings.blocks.len(), 1);
        let other = strings.keep_shared(Arc::from("550 5.1.1 user unknown"));
        assert_ne!(
            other.0, a.0,
            "an equal text that is not shared is its own string"
        );
        // SAFETY: kept strings end with a NUL.
        let c = unsafe { std::ffi::CStr::from_ptr(a.0) };
        assert_eq!(c.to_bytes(), text.as_bytes());
        assert_eq!(a.1, text.len());
    }

    #[test]
    fn a_nul_inside_a_value_is_kept_with_its_length() {
        let mut strings = Strings::default();
        let (p, len) = strings.keep("a\0b".to_owned());
        assert_eq!(len, 3);
        // SAFETY: the block holds len + 1 bytes.
        let all = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len + 1) };
        assert_eq!(all, b"a\0b\0");
        assert_eq!(strings.keep_opt(None), (std::ptr::null(), 0));
    }
}
