//! The native module of the `smtpcode` Python package, `smtpcode._smtpcode`.
//!
//! It converts types and nothing else: every answer comes from the core crate
//! (`crates/smtpcode`). The package's `__init__.py` re-exports what is public here, and
//! `smtpcode/_smtpcode.pyi` documents it. To add a function: write it here with
//! `#[pyfunction]`, register it in [`_smtpcode`], declare it in the stub and re-export it from
//! `__init__.py` (the tests check that the three agree).

#![warn(missing_docs)]

mod arrow;
mod bounce;
mod classifier;
mod enums;
mod errors;
mod fields;
mod input;
mod log;
mod many;
mod records;

use std::sync::OnceLock;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyInt, PyList, PyString, PyTuple};
use smtpcode::bounce::{DsnAction, Format, Kind};
use smtpcode::{
    Action, Basis, Bounce, Command, Context, EnhancedCode, InvalidReplyCode, Outcome, Reason,
    ReplyCode,
};

use bounce::{PyBounceRecipient, PyBounceReport, PyOriginalMessage};
use input::{Message, Reply};
use records::{PyClassification, PyCodeInfo, PyEnhancedInfo, PyReply};

/// Inputs at least this long are classified with the GIL released (for shorter ones,
/// releasing and taking it back costs more than the classification).
const DETACH_ABOVE: usize = 4096;

/// The most threads `classify_many` uses (by default, the available cores up to this many):
/// more would not make it faster, as the Python side of the work, on the calling thread,
/// sets the pace well before.
const MAX_THREADS: usize = 8;

/// The default number of threads of `classify_many`: the available cores, at most
/// [`MAX_THREADS`]. Asked once per process (the answer comes from system calls and cgroup
/// files, which cost more than classifying a few replies).
fn default_threads() -> usize {
    cores().min(MAX_THREADS)
}

/// The available cores, asked once per process.
pub(crate) fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// The `command=` argument as a classification context.
fn context(command: Option<&Bound<'_, PyAny>>) -> PyResult<Context> {
    Ok(match enums::optional::<Command>(command, "command")? {
        Some(c) => Context::new().command(c),
        None => Context::new(),
    })
}

/// Classifies one SMTP reply or bounce diagnostic, in any form: a bare code ("550"),
/// a code and text, with an enhanced code, a multi-line reply, a DSN Diagnostic-Code value,
/// text in front of the code, or text with no code at all: a str, bytes, bytearray or
/// memoryview. Never raises for any of them.
///
/// ``command`` is the SMTP command the reply answered (a Command or its name, such as
/// "rcpt"), when the caller knows it.
#[pyfunction]
#[pyo3(signature = (reply, *, command = None))]
fn classify(
    py: Python<'_>,
    reply: &Bound<'_, PyAny>,
    command: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyClassification> {
    classify_in(py, &smtpcode::Classifier::new(), reply, command)
}

/// Classifies a session that ended with no reply from the server: ``failure`` (a NoReply or
/// its name: name_not_resolved, connection_refused, timed_out, connection_lost, tls_failed)
/// is what the client saw, ``detail`` the text it had about it (an error message: a str,
/// bytes, bytearray or memoryview). The reason is network_error (tls_required for a TLS
/// failure), from the detail's words when they say the same thing; the outcome is always
/// transient, since no server refused the message. ``command`` is the SMTP command under
/// way, when the caller knows it (a refused connection and a failed name lookup are always
/// ``connect``).
#[pyfunction]
#[pyo3(signature = (failure, detail = None, *, command = None))]
fn classify_no_reply(
    failure: &Bound<'_, PyAny>,
    detail: Option<&Bound<'_, PyAny>>,
    command: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyClassification> {
    classify_no_reply_in(&smtpcode::Classifier::new(), failure, detail, command)
}

/// `classify_no_reply()` with a classifier (the built-in rules, or a user's first).
pub(crate) fn classify_no_reply_in(
    classifier: &smtpcode::Classifier,
    failure: &Bound<'_, PyAny>,
    detail: Option<&Bound<'_, PyAny>>,
    command: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyClassification> {
    use enums::PyEnum;
    let failure = smtpcode::NoReply::from_py(failure, "failure")?;
    let ctx = context(command)?;
    let text = detail
        .filter(|d| !d.is_none())
        .map(|d| Reply::extract(d, "classify_no_reply()"))
        .transpose()?;
    let bytes = text.as_ref().map_or(&b""[..], |t| t.as_bytes());
    Ok(classifier.classify_no_reply(failure, bytes, ctx).into())
}

/// `classify()` with a classifier (the built-in rules, or a user's first).
pub(crate) fn classify_in(
    py: Python<'_>,
    classifier: &smtpcode::Classifier,
    reply: &Bound<'_, PyAny>,
    command: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyClassification> {
    let ctx = context(command)?;
    let text = Reply::extract(reply, "classify()")?;
    let bytes = text.as_bytes();
    let c = if bytes.len() >= DETACH_ABOVE {
        py.detach(|| classifier.classify_with(bytes, ctx))
    } else {
        classifier.classify_with(bytes, ctx)
    };
    Ok(c.into())
}

/// Classifies every reply of an iterable, in order, and returns a list. The GIL is
/// released while classifying, and large batches use up to ``threads`` threads (by default
/// the available cores; at most 8; ``threads=1`` stays on the calling thread): the calling
/// thread takes the items and makes the records while the others classify. Signals such as
/// Ctrl-C are handled between chunks of replies. Equal classifications in the list may be
/// one shared object (they are frozen).
#[pyfunction]
#[pyo3(signature = (replies, *, command = None, threads = None))]
fn classify_many<'py>(
    py: Python<'py>,
    replies: &Bound<'py, PyAny>,
    command: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    classify_many_in(py, smtpcode::Classifier::new(), replies, command, threads)
}

/// `classify_many()` with a classifier.
pub(crate) fn classify_many_in<'py>(
    py: Python<'py>,
    classifier: smtpcode::Classifier,
    replies: &Bound<'py, PyAny>,
    command: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let ctx = context(command)?;
    let threads = errors::threads_arg(threads, "classify_many()", default_threads(), MAX_THREADS)?;
    if replies.is_instance_of::<PyString>() || replies.is_instance_of::<PyBytes>() {
        return Err(errors::wrong_type(
            replies,
            "classify_many()",
            "an iterable of replies (use classify() for one reply)",
        ));
    }
    let iter = replies
        .try_iter()
        .map_err(|_| errors::wrong_type(replies, "classify_many()", "an iterable of replies"))?;
    let length = match replies.cast::<PyList>() {
        Ok(list) => Some(list.len()),
        Err(_) => replies.cast::<PyTuple>().ok().map(|t| t.len()),
    };
    many::classify_many(py, iter, &many::With { classifier, ctx }, threads, length)
}

/// Finds the reply code, the enhanced status code and the text. Raises ParseError when
/// the input is empty or has neither code.
#[pyfunction]
fn parse(py: Python<'_>, reply: &Bound<'_, PyAny>) -> PyResult<PyReply> {
    let text = Reply::extract(reply, "parse()")?;
    smtpcode::parse(text.as_bytes())
        .map(PyReply::from)
        .map_err(|e| errors::parse_error(py, e))
}

/// Parses a whole bounce message: its raw bytes (RFC 5322, CRLF or LF line ends, an mbox
/// "From " line allowed in front), or an ``email.message.Message`` (either policy), which is
/// serialized with its own policy by ``as_bytes()``. Reports the kind of message and, for
/// each recipient, the RFC 3464 fields and the classification of its diagnostic. The GIL is
/// released while parsing.
///
/// Raises BounceError when the input is empty or does not start with header fields, and
/// InvalidTypeError for any other type (a str included: encode it first). Malformed
/// messages give a partial report (``problems``), never an error; only the first
/// BOUNCE_MAX_MESSAGE bytes are read; past any limit ``truncated`` is set and ``problems`` says what was cut.
#[pyfunction]
fn parse_bounce(py: Python<'_>, message: &Bound<'_, PyAny>) -> PyResult<PyBounceReport> {
    parse_bounce_in(py, &smtpcode::Classifier::new(), message)
}

/// `parse_bounce()` with a classifier.
pub(crate) fn parse_bounce_in(
    py: Python<'_>,
    classifier: &smtpcode::Classifier,
    message: &Bound<'_, PyAny>,
) -> PyResult<PyBounceReport> {
    let message = Message::extract(message, "parse_bounce()")?;
    let bytes = message.as_bytes();
    let report = py
        .detach(|| classifier.parse_bounce(bytes))
        .map_err(|e| errors::bounce_error(py, e))?;
    PyBounceReport::from_core(py, report)
}

/// The table row for a code given as an `int` or a `str` of three digits: `None` when the
/// table has no row, an error when the value is not three digits.
pub(crate) fn lookup_code(
    code: &Bound<'_, PyAny>,
) -> PyResult<Option<&'static smtpcode::CodeInfo>> {
    let parsed = if code.is_instance_of::<PyBool>() {
        return Err(errors::wrong_type(code, "lookup()", "an int or a str"));
    } else if let Ok(n) = code.cast::<PyInt>() {
        match n.extract::<u16>() {
            Ok(n) => ReplyCode::from_u16(n),
            Err(_) => Err(InvalidReplyCode::NotThreeDigits(n.to_string())),
        }
    } else if let Ok(s) = code.cast::<PyString>() {
        s.to_string_lossy().parse::<ReplyCode>()
    } else {
        return Err(errors::wrong_type(code, "lookup()", "an int or a str"));
    };
    match parsed {
        Ok(c) => Ok(smtpcode::lookup(c.as_u16())),
        // Three digits outside 2xx-5xx: the table still has rows for some (101, 111).
        Err(InvalidReplyCode::OutOfRange(n)) => Ok(smtpcode::lookup(n)),
        Err(e) => Err(errors::invalid_code(e)),
    }
}

/// The table row of a basic reply code (550 or "550"); None when the table has no row.
/// Raises InvalidCodeError for a value that is not three digits.
#[pyfunction]
fn lookup(code: &Bound<'_, PyAny>) -> PyResult<Option<PyCodeInfo>> {
    Ok(lookup_code(code)?.map(PyCodeInfo))
}

/// The registry row of an enhanced status code ("5.1.1", any class); None when the
/// registry has no row. Raises InvalidCodeError for text that is not class.subject.detail.
///
/// The registry row of X.code.detail (subject and detail as ints, 0 to 999); None when the
/// registry has no row.
#[pyfunction]
#[pyo3(signature = (code, detail = None))]
fn lookup_enhanced(
    code: &Bound<'_, PyAny>,
    detail: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<PyEnhancedInfo>> {
    const WANT: &str = "a str such as \"5.1.1\", or two ints (subject, detail)";
    let info = match detail {
        None => {
            let Ok(s) = code.cast::<PyString>() else {
                return Err(errors::wrong_type(code, "lookup_enhanced()", WANT));
            };
            let e: EnhancedCode = s.to_string_lossy().parse().map_err(errors::invalid_code)?;
            e.info()
        }
        Some(detail) => {
            if [code, detail]
                .iter()
                .any(|o| o.is_instance_of::<PyBool>() || !o.is_instance_of::<PyInt>())
            {
                return Err(errors::wrong_type(code, "lookup_enhanced()", WANT));
            }
            smtpcode::lookup_enhanced(
                records::subject_or_detail(code, "lookup_enhanced()")?,
                records::subject_or_detail(detail, "lookup_enhanced()")?,
            )
        }
    };
    Ok(info.map(PyEnhancedInfo))
}

/// Every row of the basic reply code table, in numeric order.
#[pyfunction]
fn codes(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    PyTuple::new(py, smtpcode::codes().iter().map(PyCodeInfo))
}

/// Every row of the enhanced status code registry, in registry order.
#[pyfunction]
fn enhanced_codes(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    PyTuple::new(py, smtpcode::enhanced_codes().iter().map(PyEnhancedInfo))
}

/// Touches the text matcher's tables (compiled into the module; nothing is built at
/// run time) so that the first classification does not pay for their page faults.
/// Optional and cheap.
#[pyfunction]
fn warm_up(py: Python<'_>) {
    py.detach(smtpcode::warm_up);
}

/// The canonical name of `value` for the enum called `kind` (`"command"`, `"reason"`...), as
/// the core crate parses names: any case, `-` or a space for `_`, and the aliases of its data
/// (`helo`, `rcpt_to`); raises `UnknownNameError`. The Python enums use it to take what every
/// other face takes.
#[pyfunction]
fn _canonical_name(kind: &str, value: &str) -> PyResult<&'static str> {
    fn name<E: std::str::FromStr<Err = smtpcode::UnknownName>>(
        value: &str,
        f: impl Fn(E) -> &'static str,
    ) -> PyResult<&'static str> {
        value.parse::<E>().map(f).map_err(errors::unknown_name)
    }
    match kind {
        "outcome" => name(value, Outcome::as_str),
        "bounce" => name(value, Bounce::as_str),
        "reason" => name(value, Reason::as_str),
        "action" => name(value, Action::as_str),
        "command" => name(value, Command::as_str),
        "basis" => name(value, Basis::as_str),
        "bounce_kind" => name(value, Kind::as_str),
        "dsn_action" => name(value, DsnAction::as_str),
        "bounce_format" => name(value, Format::as_str),
        "log_status" => name(value, smtpcode::log::Status::as_str),
        "log_format" => name(value, smtpcode::log::Mta::as_str),
        "no_reply" => name(value, smtpcode::NoReply::as_str),
        _ => Err(errors::SmtpCodeError::new_err(format!(
            "no enum called {kind:?}"
        ))),
    }
}

/// Runs the ``smtpcode`` command (the Rust binary's code) with these arguments, the first
/// being the program name; returns its exit status. For ``smtpcode/__main__.py``.
#[pyfunction]
fn _cli(py: Python<'_>, args: Vec<Vec<u8>>) -> u8 {
    use std::io::Write;
    let args: Vec<std::ffi::OsString> = args.into_iter().map(os_string).collect();
    py.detach(|| {
        let code = smtpcode_cli::run(args);
        // What the command left in Rust's stdout buffer (a last line without a newline).
        let _ = std::io::stdout().flush();
        // ExitCode keeps its number to itself; it compares, though.
        (0..=u8::MAX)
            .find(|&n| std::process::ExitCode::from(n) == code)
            .unwrap_or(1)
    })
}

/// An argument as the operating system gives it (`os.fsencode` on the Python side).
#[cfg(unix)]
fn os_string(bytes: Vec<u8>) -> std::ffi::OsString {
    std::os::unix::ffi::OsStringExt::from_vec(bytes)
}

/// An argument as the operating system gives it (`os.fsencode` on the Python side).
#[cfg(not(unix))]
fn os_string(bytes: Vec<u8>) -> std::ffi::OsString {
    String::from_utf8_lossy(&bytes).into_owned().into()
}

/// The native module.
#[pymodule(gil_used = false)]
fn _smtpcode(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;

    m.add_function(wrap_pyfunction!(classify, m)?)?;
    m.add_function(wrap_pyfunction!(classify_many, m)?)?;
    m.add_function(wrap_pyfunction!(parse, m)?)?;
    m.add_function(wrap_pyfunction!(lookup, m)?)?;
    m.add_function(wrap_pyfunction!(lookup_enhanced, m)?)?;
    m.add_function(wrap_pyfunction!(codes, m)?)?;
    m.add_function(wrap_pyfunction!(enhanced_codes, m)?)?;
    m.add_function(wrap_pyfunction!(warm_up, m)?)?;
    m.add_function(wrap_pyfunction!(parse_bounce, m)?)?;
    m.add_function(wrap_pyfunction!(arrow::classify_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(arrow::parse_bounces_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(arrow::_classify_rust_loop, m)?)?;
    m.add_class::<arrow::PyArrowBatch>()?;
    m.add_function(wrap_pyfunction!(_cli, m)?)?;

    m.add_function(wrap_pyfunction!(classifier::_classifier_from_text, m)?)?;
    m.add_function(wrap_pyfunction!(_canonical_name, m)?)?;
    m.add_function(wrap_pyfunction!(classify_no_reply, m)?)?;
    m.add_function(wrap_pyfunction!(log::suppression_list, m)?)?;
    m.add_class::<log::PyLogReader>()?;
    m.add_class::<log::PyLogFile>()?;
    m.add_class::<log::PyLogEvent>()?;
    m.add_class::<log::PySuppression>()?;
    m.add_class::<classifier::PyClassifier>()?;
    m.add_class::<PyClassification>()?;
    m.add_class::<PyReply>()?;
    m.add_class::<PyCodeInfo>()?;
    m.add_class::<PyEnhancedInfo>()?;
    m.add_class::<PyBounceReport>()?;
    m.add_class::<PyBounceRecipient>()?;
    m.add_class::<PyOriginalMessage>()?;

    m.add("SmtpCodeError", py.get_type::<errors::SmtpCodeError>())?;
    m.add("ParseError", py.get_type::<errors::ParseError>())?;
    m.add(
        "InvalidCodeError",
        py.get_type::<errors::InvalidCodeError>(),
    )?;
    m.add(
        "UnknownNameError",
        py.get_type::<errors::UnknownNameError>(),
    )?;
    m.add("InvalidTypeError", errors::invalid_type_error(py)?)?;
    m.add("BounceError", py.get_type::<errors::BounceError>())?;
    m.add("RulesError", py.get_type::<errors::RulesError>())?;
    m.add("BOUNCE_MAX_MESSAGE", smtpcode::bounce::MAX_MESSAGE)?;
    m.add("BOUNCE_MAX_PART", smtpcode::bounce::MAX_PART)?;
    m.add("BOUNCE_MAX_PARTS", smtpcode::bounce::MAX_PARTS)?;
    m.add("BOUNCE_MAX_HEADER", smtpcode::bounce::MAX_HEADER)?;
    m.add("BOUNCE_MAX_RECIPIENTS", smtpcode::bounce::MAX_RECIPIENTS)?;
    m.add("BOUNCE_MAX_JOINED", smtpcode::bounce::MAX_JOINED)?;

    m.add("OUTCOME_NAMES", enums::names::<Outcome>(py)?)?;
    m.add("BOUNCE_NAMES", enums::names::<Bounce>(py)?)?;
    m.add("REASON_NAMES", enums::names::<Reason>(py)?)?;
    m.add("ACTION_NAMES", enums::names::<Action>(py)?)?;
    m.add("COMMAND_NAMES", enums::names::<Command>(py)?)?;
    m.add("BASIS_NAMES", enums::names::<Basis>(py)?)?;
    m.add("BOUNCE_KIND_NAMES", enums::names::<Kind>(py)?)?;
    m.add("DSN_ACTION_NAMES", enums::names::<DsnAction>(py)?)?;
    m.add("BOUNCE_FORMAT_NAMES", enums::names::<Format>(py)?)?;
    m.add(
        "LOG_STATUS_NAMES",
        enums::names::<smtpcode::log::Status>(py)?,
    )?;
    m.add("LOG_FORMAT_NAMES", enums::names::<smtpcode::log::Mta>(py)?)?;
    m.add("NO_REPLY_NAMES", enums::names::<smtpcode::NoReply>(py)?)?;
    Ok(())
}
