//! The record classes: `Classification`, `Reply`, `CodeInfo` and `EnhancedInfo`.
//!
//! Every record is frozen, hashable, comparable, picklable (`__reduce__` gives the class and
//! its constructor arguments) and has `to_dict()` with the keys of the command's JSON. They
//! hold the core crate's values and convert them on attribute access; they decide nothing.

use std::borrow::Cow;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyType};
use smtpcode::{
    Action, Basis, Bounce, Class, Command, EnhancedCode, Outcome, Provider, Reason, ReplyCode,
};

use crate::enums::PyEnum;
use crate::errors;
use crate::fields::py_record;
pub(crate) use crate::fields::repr_str;

/// An optional enum value as its Python member, or `None`.
pub(crate) fn opt_member<E: PyEnum>(py: Python<'_>, v: Option<E>) -> PyResult<Option<Py<PyAny>>> {
    v.map(|v| v.to_py(py)).transpose()
}

py_record! {
    /// The classification of one reply (`smtpcode::Classification`), as returned by
    /// `classify`. The strings are the core crate's static strings, or owned ones when the
    /// record was built from Python values (unpickling, `Classification(**d)`).
    #[derive(Clone)]
    pub struct PyClassification ("Classification") from smtpcode::Classification as c {
        /// The basic reply code, if the input has one.
        code: Option<ReplyCode> = c.code(), always;
        /// The enhanced status code (`"5.1.1"`), if the input has one.
        enhanced: Option<EnhancedCode> = c.enhanced(), always;
        /// Success, intermediate, transient, permanent or unknown.
        outcome: Outcome = c.outcome(), always;
        /// True when the input had no code and the outcome was inferred from the reason.
        outcome_inferred: bool = c.outcome_inferred(), set;
        /// None, soft, hard, block or unknown.
        bounce: Bounce = c.bounce(), always;
        /// Why.
        reason: Reason = c.reason(), always;
        /// The recommended next step.
        action: Action = c.action(), always;
        /// Can the same message succeed if sent again later? None when the input tells
        /// nothing (outcome unknown: no code and no known phrase).
        retry: Option<bool> = c.retry(), always;
        /// The provider that wrote the reply (`"gmail"`), when recognized.
        provider: Option<Provider> = c.provider(), set;
        /// The provider's own code (`"TSS04"`), when the reply carries one.
        provider_code: Option<Cow<'static, str>> = c.provider_code().map(Cow::Borrowed), set;
        /// The SMTP command the reply answered, as given or as the text says.
        command: Option<Command> = c.command(), set;
        /// What decided the reason.
        basis: Basis = c.basis(), always;
        /// The id of the rule or table row that decided.
        rule: Cow<'static, str> = Cow::Borrowed(c.rule()), always;
        /// A human explanation of this result.
        explanation: Cow<'static, str> = Cow::Borrowed(c.explanation()), hidden;
        /// How to fix it.
        fix: Cow<'static, str> = Cow::Borrowed(c.fix()), hidden;
        /// The reply code's second digit is outside RFC 5321's grammar (570, 571).
        nonstandard_code: bool = c.is_nonstandard_code(), set;
        /// The enhanced code's class disagrees with the reply code (`550 4.4.7`).
        class_mismatch: bool = c.class_mismatch(), set;
    }
    methods {
        /// True when the outcome is a failure (transient or permanent).
        #[getter]
        fn is_failure(&self) -> bool {
            self.outcome.is_failure()
        }
    }
}

py_record! {
    /// One reply as `parse` found it (`smtpcode::Reply`): the codes and the text around them.
    #[derive(Clone)]
    pub struct PyReply ("Reply") from smtpcode::Reply<'_> as r {
        /// The basic reply code, if there is one.
        code: Option<ReplyCode> = r.code(), always;
        /// The enhanced status code (`"5.1.1"`), if there is one.
        enhanced: Option<EnhancedCode> = r.enhanced(), always;
        /// The text after the code(s), trimmed (bytes input is decoded as UTF-8, invalid
        /// sequences replaced).
        text: String = r.text_lossy().into_owned(), always;
        /// Whatever stands in front of the code (a reporting MTA's words), trimmed; often empty.
        prefix: String = String::from_utf8_lossy(r.prefix()).into_owned(), always;
        /// True when the code is followed by `-`, as on the lines of a multi-line reply.
        multiline: bool = r.is_multiline(), always;
        /// True when the code's second digit is above 5 (570, 571).
        nonstandard_code: bool = r.is_nonstandard_code(), hidden;
        /// True when the enhanced code's class differs from the reply code's first digit.
        class_mismatch: bool = r.class_mismatch(), hidden;
    }
    methods {}
}

/// A row of the basic reply code table (`smtpcode::CodeInfo`), as returned by `lookup` and
/// `codes`. `CodeInfo(550)` is the row for 550.
#[pyclass(module = "smtpcode", name = "CodeInfo", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq)]
pub struct PyCodeInfo(pub &'static smtpcode::CodeInfo);

impl std::hash::Hash for PyCodeInfo {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.code().hash(state);
    }
}

#[pymethods]
impl PyCodeInfo {
    /// The row for `code`; `InvalidCodeError` when the table has no such code.
    #[new]
    fn new(code: &Bound<'_, PyAny>) -> PyResult<Self> {
        match crate::lookup_code(code)? {
            Some(info) => Ok(PyCodeInfo(info)),
            None => Err(errors::InvalidCodeError::new_err(format!(
                "{} is not in the reply code table",
                code.str()?
            ))),
        }
    }

    /// The code (101 and 111 are in the table although they are not SMTP replies).
    #[getter]
    fn code(&self) -> u16 {
        self.0.code()
    }
    /// Whether an RFC defines it: standard, extension, registry, nonstandard or not_smtp.
    #[getter]
    fn status(&self) -> &'static str {
        self.0.status().as_str()
    }
    /// Short name, such as "Mailbox unavailable".
    #[getter]
    fn name(&self) -> &'static str {
        self.0.name()
    }
    /// What the server says with it.
    #[getter]
    fn meaning(&self) -> &'static str {
        self.0.meaning()
    }
    /// When and why servers send it.
    #[getter]
    fn explanation(&self) -> &'static str {
        self.0.explanation()
    }
    /// What the sender should do.
    #[getter]
    fn fix(&self) -> &'static str {
        self.0.fix()
    }
    /// The reason the code alone implies, if it is specific enough to imply one.
    #[getter]
    fn reason(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        opt_member(py, self.0.reason())
    }
    /// Where the definition comes from (RFC and section).
    #[getter]
    fn source(&self) -> &'static str {
        self.0.source()
    }
    /// Caveats and corrections; may be empty.
    #[getter]
    fn note(&self) -> &'static str {
        self.0.note()
    }

    /// The fields as a dict (the keys of `smtpcode codes --json`); `json.dumps` accepts it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let i = self.0;
        let d = PyDict::new(py);
        d.set_item("code", i.code())?;
        d.set_item("status", i.status().as_str())?;
        d.set_item("name", i.name())?;
        d.set_item("meaning", i.meaning())?;
        d.set_item("explanation", i.explanation())?;
        d.set_item("fix", i.fix())?;
        d.set_item("reason", i.reason().map(Reason::as_str))?;
        d.set_item("source", i.source())?;
        d.set_item("note", i.note())?;
        Ok(d)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyType>, (u16,))> {
        Ok((slf.get_type(), (slf.get().0.code(),)))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "CodeInfo(code={}, name={}, status={}, reason={})",
            self.0.code(),
            repr_str(py, self.0.name()),
            repr_str(py, self.0.status().as_str()),
            self.0
                .reason()
                .map_or_else(|| "None".into(), |r| repr_str(py, r.as_str()))
        )
    }
}

/// A row of the IANA enhanced status code registry (`smtpcode::EnhancedInfo`), as returned
/// by `lookup_enhanced` and `enhanced_codes`. `EnhancedInfo(1, 1)` is the row for X.1.1.
#[pyclass(module = "smtpcode", name = "EnhancedInfo", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq)]
pub struct PyEnhancedInfo(pub &'static smtpcode::EnhancedInfo);

impl std::hash::Hash for PyEnhancedInfo {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.0.subject(), self.0.detail()).hash(state);
    }
}

impl PyEnhancedInfo {
    /// The classes (2, 4, 5) the code is meaningful with (as `u16`: a `Vec<u8>` would become
    /// `bytes` in Python).
    fn classes(&self) -> Vec<u16> {
        [
            Class::Success,
            Class::PersistentTransientFailure,
            Class::PermanentFailure,
        ]
        .into_iter()
        .filter(|&c| self.0.allows_class(c))
        .map(|c| u16::from(c.digit()))
        .collect()
    }
}

/// The subject or the detail of an enhanced status code: an int from 0 to 999 (RFC 3463 §2);
/// anything else is an error of this package.
pub(crate) fn subject_or_detail(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<u16> {
    let n = errors::int_arg(obj, what, 999, |v| {
        errors::InvalidCodeError::new_err(format!(
            "{v} is not a subject or detail of an enhanced status code: they are 0 to 999 (RFC 3463 §2)"
        ))
    })?;
    Ok(n as u16)
}

#[pymethods]
impl PyEnhancedInfo {
    /// The row for `X.subject.detail`; `InvalidCodeError` when the registry has no such code.
    #[new]
    fn new(subject: &Bound<'_, PyAny>, detail: &Bound<'_, PyAny>) -> PyResult<Self> {
        let subject = subject_or_detail(subject, "EnhancedInfo()")?;
        let detail = subject_or_detail(detail, "EnhancedInfo()")?;
        match smtpcode::lookup_enhanced(subject, detail) {
            Some(info) => Ok(PyEnhancedInfo(info)),
            None => Err(errors::InvalidCodeError::new_err(format!(
                "X.{subject}.{detail} is not in the enhanced status code registry"
            ))),
        }
    }

    /// The code as the registry writes it, such as `"X.1.1"`.
    #[getter]
    fn code(&self) -> &'static str {
        self.0.code()
    }
    /// The subject (the middle number).
    #[getter]
    fn subject(&self) -> u16 {
        self.0.subject()
    }
    /// The detail (the last number).
    #[getter]
    fn detail(&self) -> u16 {
        self.0.detail()
    }
    /// The registry's title, such as "Bad destination mailbox address".
    #[getter]
    fn title(&self) -> &'static str {
        self.0.title()
    }
    /// What it means, in plain words.
    #[getter]
    fn meaning(&self) -> &'static str {
        self.0.meaning()
    }
    /// The basic codes the registry associates with it, as written there.
    #[getter]
    fn basic_codes(&self) -> &'static str {
        self.0.basic_codes()
    }
    /// The reason this code implies, if it is specific enough to imply one.
    #[getter]
    fn reason(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        opt_member(py, self.0.reason())
    }
    /// The classes the code is meaningful with, a tuple of 2, 4 and 5.
    #[getter(classes)]
    fn py_classes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.classes())
    }
    /// RFC and section that defines it.
    #[getter]
    fn source(&self) -> &'static str {
        self.0.source()
    }

    /// The fields as a dict; `json.dumps` accepts it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let i = self.0;
        let d = PyDict::new(py);
        d.set_item("code", i.code())?;
        d.set_item("subject", i.subject())?;
        d.set_item("detail", i.detail())?;
        d.set_item("title", i.title())?;
        d.set_item("meaning", i.meaning())?;
        d.set_item("basic_codes", i.basic_codes())?;
        d.set_item("reason", i.reason().map(Reason::as_str))?;
        d.set_item("classes", self.classes())?;
        d.set_item("source", i.source())?;
        Ok(d)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyType>, (u16, u16))> {
        let i = slf.get().0;
        Ok((slf.get_type(), (i.subject(), i.detail())))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "EnhancedInfo(code={}, title={}, reason={})",
            repr_str(py, self.0.code()),
            repr_str(py, self.0.title()),
            self.0
                .reason()
                .map_or_else(|| "None".into(), |r| repr_str(py, r.as_str()))
        )
    }
}
