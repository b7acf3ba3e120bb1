//! Reply arguments: `str` or `bytes`, turned into the bytes the core crate reads.

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBytes, PyString};

use crate::errors;

/// The text of one reply argument, kept alive while the core crate reads it (possibly with
/// the GIL released: every variant is `Send`).
pub enum Reply<'py> {
    /// A `bytes` object, read in place.
    Bytes(Bound<'py, PyBytes>),
    /// A `str`, as UTF-8.
    Str(PyBackedStr),
    /// A `str` that is not valid Unicode (lone surrogates): its `surrogateescape` encoding,
    /// which gives back the original bytes of text decoded with that handler.
    Owned(Vec<u8>),
}

impl<'py> Reply<'py> {
    /// Accepts `str` and `bytes` (and their subclasses); anything else is an
    /// `InvalidTypeError` naming `what`.
    pub fn extract(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Self> {
        Self::extract_or(obj, || what.to_owned())
    }

    /// Like [`Reply::extract`], with the name built only when there is an error.
    pub fn extract_or(obj: &Bound<'py, PyAny>, what: impl FnOnce() -> String) -> PyResult<Self> {
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(Reply::Bytes(b.clone()));
        }
        if let Ok(s) = obj.cast::<PyString>() {
            return match PyBackedStr::try_from(s.clone()) {
                Ok(s) => Ok(Reply::Str(s)),
                Err(_) => Ok(Reply::Owned(escaped(s))),
            };
        }
        Err(errors::wrong_type(obj, &what(), "str or bytes"))
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Reply::Bytes(b) => b.as_bytes(),
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
