//! The exception classes. All of them subclass `ValueError` through `SmtpCodeError`, so
//! `except ValueError` catches every error the package raises; `InvalidTypeError` is also a
//! `TypeError`. Every class reports `__module__ == "smtpcode"`.

use pyo3::create_exception;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

create_exception!(
    smtpcode,
    SmtpCodeError,
    PyValueError,
    "Base class of every error smtpcode raises (a ValueError)."
);
create_exception!(
    smtpcode,
    ParseError,
    SmtpCodeError,
    "parse() found no reply in the input: it is empty, or holds neither a reply code nor an \
     enhanced status code. The attribute `kind` is \"empty\" or \"no_code\"."
);
create_exception!(
    smtpcode,
    BounceError,
    SmtpCodeError,
    "parse_bounce() could not read the input as an email message: it is empty, or does not \
     start with header fields, or the email package could not turn an email.message.Message \
     into bytes. The attribute `kind` is \"empty\", \"not_a_message\" or \"not_serializable\"."
);
create_exception!(
    smtpcode,
    RulesError,
    SmtpCodeError,
    "Classifier() could not load the rules: the file cannot be read, or a line is wrong. The \
     message says where and what (\"rules.tsv:7: pattern: missing ) at 12\"); the attributes \
     `origin` (the file, or \"<text>\"), `line` (0 for the file as a whole) and `detail` (what is \
     wrong) hold the parts."
);
create_exception!(
    smtpcode,
    InvalidCodeError,
    SmtpCodeError,
    "A value that is not a reply code (three digits) or not an enhanced status code \
     (class.subject.detail)."
);
create_exception!(
    smtpcode,
    UnknownNameError,
    SmtpCodeError,
    "A name that is not one of the known values of an enum (a command, reason, provider...)."
);

const INVALID_TYPE_DOC: &str = "An argument of the wrong type (an int where a reply is \
expected, say). Both a SmtpCodeError (so a ValueError) and a TypeError.";

static INVALID_TYPE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The class `InvalidTypeError(SmtpCodeError, TypeError)`, created on first use (a class with
/// two bases cannot be declared with `create_exception!`).
pub fn invalid_type_error(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    INVALID_TYPE_ERROR
        .get_or_try_init(py, || {
            let bases = PyTuple::new(
                py,
                [py.get_type::<SmtpCodeError>(), py.get_type::<PyTypeError>()],
            )?;
            let dict = PyDict::new(py);
            dict.set_item("__module__", "smtpcode")?;
            dict.set_item("__doc__", INVALID_TYPE_DOC)?;
            let class = py
                .get_type::<PyType>()
                .call1(("InvalidTypeError", bases, dict))?;
            Ok(class.cast_into::<PyType>()?.unbind())
        })
        .map(|t| t.bind(py))
}

/// An `InvalidTypeError` saying that `what` wanted `expected` and got `obj`'s type.
pub fn wrong_type(obj: &Bound<'_, PyAny>, what: &str, expected: &str) -> PyErr {
    let py = obj.py();
    let got = obj
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into());
    match invalid_type_error(py) {
        Ok(class) => PyErr::from_type(class.clone(), format!("{what} takes {expected}, not {got}")),
        Err(e) => e,
    }
}

/// An `InvalidCodeError` with the core crate's message.
pub fn invalid_code(e: impl std::fmt::Display) -> PyErr {
    InvalidCodeError::new_err(e.to_string())
}

/// An `UnknownNameError` with the core crate's message.
pub fn unknown_name(e: smtpcode::UnknownName) -> PyErr {
    UnknownNameError::new_err(e.to_string())
}

/// A `ParseError` with the core crate's message and a `kind` attribute.
pub fn parse_error(py: Python<'_>, e: smtpcode::ParseError) -> PyErr {
    let kind = match e {
        smtpcode::ParseError::Empty => "empty",
        smtpcode::ParseError::NoCode => "no_code",
        _ => "other",
    };
    let err = ParseError::new_err(e.to_string());
    if let Err(set) = err.value(py).setattr("kind", kind) {
        return set;
    }
    err
}

/// A `RulesError` with the core crate's message and its parts as attributes.
pub fn rules_error(py: Python<'_>, e: smtpcode::RulesError) -> PyErr {
    let err = RulesError::new_err(e.to_string());
    let value = err.value(py);
    let set = value
        .setattr("origin", e.origin.as_str())
        .and_then(|()| value.setattr("line", e.line))
        .and_then(|()| value.setattr("detail", e.message.as_str()));
    match set {
        Ok(()) => err,
        Err(set) => set,
    }
}

/// A `BounceError` with the core crate's message and a `kind` attribute.
pub fn bounce_error(py: Python<'_>, e: smtpcode::bounce::BounceError) -> PyErr {
    let kind = match e {
        smtpcode::bounce::BounceError::Empty => "empty",
        smtpcode::bounce::BounceError::NotAMessage => "not_a_message",
        _ => "other",
    };
    let err = BounceError::new_err(e.to_string());
    if let Err(set) = err.value(py).setattr("kind", kind) {
        return set;
    }
    err
}

/// An int argument from 0 to `max`: a bool or another type is an `InvalidTypeError`, a
/// value out of range (negative, too large) is `out_of_range(value)`, never a bare
/// `OverflowError`.
pub fn int_arg(
    obj: &Bound<'_, PyAny>,
    what: &str,
    max: u64,
    out_of_range: impl FnOnce(String) -> PyErr,
) -> PyResult<u64> {
    use pyo3::types::{PyBool, PyInt};
    if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
        return Err(wrong_type(obj, what, "an int"));
    }
    match obj.extract::<u64>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(out_of_range(obj.str()?.to_string())),
    }
}

/// The text of a `str` argument, or an error of this package when it is not a `str` or is
/// not valid Unicode (a lone surrogate cannot be read as text).
pub fn str_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<pyo3::pybacked::PyBackedStr> {
    let Ok(s) = obj.cast::<pyo3::types::PyString>() else {
        return Err(wrong_type(obj, what, "a str"));
    };
    s.extract().map_err(|_| {
        SmtpCodeError::new_err(format!(
            "{what}: {} is not valid Unicode text (it holds a lone surrogate)",
            s.repr().map(|r| r.to_string()).unwrap_or_default()
        ))
    })
}

/// A `str` argument as an owned `String` (see [`str_arg`]).
pub fn string_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    str_arg(obj, what).map(|s| s.to_string())
}

/// A `bool` argument: anything but `True` or `False` is an `InvalidTypeError`.
pub fn bool_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<bool> {
    match obj.cast::<pyo3::types::PyBool>() {
        Ok(b) => Ok(b.is_true()),
        Err(_) => Err(wrong_type(obj, what, "a bool")),
    }
}

/// An optional basic reply code argument (an int from 100 to 599, or `None`): another type is
/// an `InvalidTypeError`, another int an `InvalidCodeError`.
pub fn opt_code_arg(
    obj: Option<&Bound<'_, PyAny>>,
    what: &str,
) -> PyResult<Option<smtpcode::ReplyCode>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    let n = int_arg(obj, what, u64::from(u16::MAX), |v| {
        InvalidCodeError::new_err(format!("{what}: {v} is not a reply code"))
    })?;
    smtpcode::ReplyCode::from_u16(n as u16)
        .map(Some)
        .map_err(invalid_code)
}

/// An optional enhanced code argument (`"5.1.1"` or `None`).
pub fn opt_enhanced_arg(
    obj: Option<&Bound<'_, PyAny>>,
    what: &str,
) -> PyResult<Option<smtpcode::EnhancedCode>> {
    obj.filter(|o| !o.is_none())
        .map(|o| {
            str_arg(o, what)?
                .parse::<smtpcode::EnhancedCode>()
                .map_err(invalid_code)
        })
        .transpose()
}

/// A `threads=` argument: `default` for `None`, else an int of at least 1, at most `cap` (more
/// threads than that help nothing: a huge number means "all").
pub fn threads_arg(
    threads: Option<&Bound<'_, PyAny>>,
    what: &str,
    default: usize,
    cap: usize,
) -> PyResult<usize> {
    use pyo3::types::{PyBool, PyInt};
    let Some(n) = threads.filter(|n| !n.is_none()) else {
        return Ok(default);
    };
    if n.is_instance_of::<PyBool>() || !n.is_instance_of::<PyInt>() {
        return Err(wrong_type(n, &format!("{what} threads"), "an int"));
    }
    if !n.gt(0)? {
        return Err(SmtpCodeError::new_err(format!(
            "{what}: threads must be at least 1, not {}",
            n.str()?
        )));
    }
    Ok(n.extract::<usize>().unwrap_or(usize::MAX).min(cap))
}
