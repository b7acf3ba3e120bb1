//! Reply arguments (`str`, `bytes`, `bytearray` or `memoryview`) and message arguments (`bytes`, `bytearray`,
//! `memoryview` or `email.message.Message`), turned into the bytes the core crate reads.

use pyo3::exceptions::{PyException, PyUnicodeEncodeError};
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyMemoryView, PyString, PyType};

use crate::errors;

/// The text of one reply argument, kept alive while the core crate reads it (possibly with
/// the GIL released, on any thread: the type is `Send` and `Sync`; it must be dropped by a
/// thread attached to the interpreter, as the Python objects it holds are released then).
pub enum Reply {
    /// A `bytes` object, read in place (also the copy a `memoryview` makes of itself).
    Bytes(PyBackedBytes),
    /// A `str`, as UTF-8.
    Str(PyBackedStr),
    /// A `str` that is not valid Unicode (lone surrogates): its `surrogateescape` encoding,
    /// which gives back the original bytes of text decoded with that handler. Or a copy of a
    /// `bytearray` (whose contents could change while the GIL is released).
    Owned(Vec<u8>),
}

impl Reply {
    /// Accepts `str`, `bytes`, `bytearray` and `memoryview` (and their subclasses); anything
    /// else is an `InvalidTypeError` naming `what`.
    pub fn extract(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        Self::extract_or(obj, || what.to_owned())
    }

    /// Like [`Reply::extract`], with the name built only when there is an error.
    pub fn extract_or(obj: &Bound<'_, PyAny>, what: impl FnOnce() -> String) -> PyResult<Self> {
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(Reply::Bytes(PyBackedBytes::from(b.clone())));
        }
        if let Ok(s) = obj.cast::<PyString>() {
            return match PyBackedStr::try_from(s.clone()) {
                Ok(s) => Ok(Reply::Str(s)),
                Err(_) => Ok(Reply::Owned(escaped(s))),
            };
        }
        if let Ok(b) = obj.cast::<PyByteArray>() {
            return Ok(Reply::Owned(b.to_vec()));
        }
        if let Ok(m) = obj.cast::<PyMemoryView>() {
            // tobytes() reads any buffer layout (strided, multi-dimensional) in C order.
            let b = m.call_method0("tobytes")?.cast_into::<PyBytes>()?;
            return Ok(Reply::Bytes(PyBackedBytes::from(b)));
        }
        Err(errors::wrong_type(
            obj,
            &what(),
            "str, bytes, bytearray or memoryview",
        ))
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Reply::Bytes(b) => b,
            Reply::Str(s) => s.as_bytes(),
            Reply::Owned(v) => v,
        }
    }
}

/// A `str` with lone surrogates: `surrogateescape` first, then lossy.
fn escaped(s: &Bound<'_, PyString>) -> Vec<u8> {
    match s.call_method1("encode", ("utf-8", "surrogateescape")) {
        Ok(b) => match b.cast::<PyBytes>() {
            Ok(b) => b.as_bytes().to_vec(),
            Err(_) => s.to_string_lossy().into_owned().into_bytes(),
        },
        Err(_) => s.to_string_lossy().into_owned().into_bytes(),
    }
}

/// The `parse_bounce` argument: the bytes of a message, kept alive while the core crate reads
/// them with the GIL released.
pub enum Message<'py> {
    /// A `bytes` object (given, or made by `memoryview.tobytes()` or
    /// `email.message.Message.as_bytes()`), read in place.
    Bytes(Bound<'py, PyBytes>),
    /// A copy of a `bytearray` (which could change while the GIL is released).
    Owned(Vec<u8>),
}

/// What `parse_bounce` takes, for its error message.
const MESSAGE_TYPES: &str = "bytes, bytearray, memoryview or an email.message.Message";

static MESSAGE_CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();

impl<'py> Message<'py> {
    /// Accepts `bytes`, `bytearray`, `memoryview` and `email.message.Message` (and their
    /// subclasses); anything else is an `InvalidTypeError` naming `what`.
    pub fn extract(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Self> {
        let py = obj.py();
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(Message::Bytes(b.clone()));
        }
        if let Ok(b) = obj.cast::<PyByteArray>() {
            return Ok(Message::Owned(b.to_vec()));
        }
        if let Ok(m) = obj.cast::<PyMemoryView>() {
            return Ok(Message::Bytes(m.call_method0("tobytes")?.cast_into()?));
        }
        let class = MESSAGE_CLASS.import(py, "email.message", "Message")?;
        if obj.is_instance(class)? {
            return serialize(obj, what).map(Message::Bytes);
        }
        if obj.is_instance_of::<PyString>() {
            return Err(errors::wrong_type(
                obj,
                what,
                &format!(
                    "{MESSAGE_TYPES} (encode a str, or parse it with email.message_from_string)"
                ),
            ));
        }
        Err(errors::wrong_type(obj, what, MESSAGE_TYPES))
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Message::Bytes(b) => b.as_bytes(),
            Message::Owned(v) => v,
        }
    }
}

/// The bytes of an `email.message.Message`: `as_bytes()` with the message's own policy
/// (compat32, default, or any other), told not to fold lines again, so that the bytes stay
/// as close to the parsed source as the `email` package allows. A message that holds text
/// `as_bytes()` cannot encode (one built from a `str` with non-ASCII characters and no
/// charset) gives its `as_string()` in UTF-8 instead. Any other failure of the `email`
/// package (an `Exception`) is a `BounceError` whose cause is the original exception.
fn serialize<'py>(msg: &Bound<'py, PyAny>, what: &str) -> PyResult<Bound<'py, PyBytes>> {
    let py = msg.py();
    let result = (|| -> PyResult<Bound<'py, PyBytes>> {
        let kwargs = PyDict::new(py);
        let unfolded = PyDict::new(py);
        unfolded.set_item("max_line_length", py.None())?;
        let policy = msg
            .getattr("policy")?
            .call_method("clone", (), Some(&unfolded))?;
        kwargs.set_item("policy", &policy)?;
        match msg.call_method("as_bytes", (), Some(&kwargs)) {
            Ok(b) => Ok(b.cast_into()?),
            Err(e) if e.is_instance_of::<PyUnicodeEncodeError>(py) => {
                let text = msg.call_method("as_string", (), Some(&kwargs))?;
                Ok(text
                    .call_method1("encode", ("utf-8", "surrogateescape"))?
                    .cast_into()?)
            }
            Err(e) => Err(e),
        }
    })();
    result.map_err(|cause| {
        // KeyboardInterrupt, SystemExit... go through as they are.
        if !cause.is_instance_of::<PyException>(py) {
            return cause;
        }
        let err = errors::BounceError::new_err(format!(
            "{what}: the email.message.Message could not be turned into bytes: {cause}"
        ));
        err.set_cause(py, Some(cause));
        if let Err(set) = err.value(py).setattr("kind", "not_serializable") {
            return set;
        }
        err
    })
}
