//! The record classes: `Classification`, `Reply`, `CodeInfo` and `EnhancedInfo`.
//!
//! Every record is frozen, hashable, comparable, picklable (`__reduce__` gives the class and
//! its constructor arguments) and has `to_dict()` with the keys of the command's JSON. They
//! hold the core crate's values and convert them on attribute access; they decide nothing.

use std::borrow::Cow;

use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple, PyType};
use smtpcode::{
    Action, Basis, Bounce, Class, Command, EnhancedCode, Outcome, Provider, Reason, ReplyCode,
};

use crate::enums::PyEnum;
use crate::errors;

/// Python's `repr` of a string (single quotes, Python escapes).
pub(crate) fn repr_str(py: Python<'_>, s: &str) -> String {
    PyString::new(py, s)
        .repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| format!("{s:?}"))
}

/// An optional enum value as its Python member, or `None`.
pub(crate) fn opt_member<E: PyEnum>(py: Python<'_>, v: Option<E>) -> PyResult<Option<Py<PyAny>>> {
    v.map(|v| v.to_py(py)).transpose()
}

/// The keys of [`PyClassification::to_dict`], in order: the fields of the command's JSON.
const CLASSIFICATION_FIELDS: [&str; 17] = [
    "code",
    "enhanced",
    "outcome",
    "outcome_inferred",
    "bounce",
    "reason",
    "action",
    "retry",
    "provider",
    "provider_code",
    "command",
    "basis",
    "rule",
    "explanation",
    "fix",
    "nonstandard_code",
    "class_mismatch",
];

/// The classification of one reply (`smtpcode::Classification`), as returned by
/// `classify`. The strings are the core crate's static strings, or owned ones when the
/// record was built from Python values (unpickling, `Classification(**d)`).
#[pyclass(module = "smtpcode", name = "Classification", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyClassification {
    code: Option<ReplyCode>,
    enhanced: Option<EnhancedCode>,
    outcome: Outcome,
    outcome_inferred: bool,
    bounce: Bounce,
    reason: Reason,
    action: Action,
    retry: Option<bool>,
    provider: Option<Provider>,
    provider_code: Option<Cow<'static, str>>,
    command: Option<Command>,
    basis: Basis,
    rule: Cow<'static, str>,
    explanation: Cow<'static, str>,
    fix: Cow<'static, str>,
    nonstandard_code: bool,
    class_mismatch: bool,
}

impl From<smtpcode::Classification> for PyClassification {
    fn from(c: smtpcode::Classification) -> Self {
        PyClassification {
            code: c.code(),
            enhanced: c.enhanced(),
            outcome: c.outcome(),
            outcome_inferred: c.outcome_inferred(),
            bounce: c.bounce(),
            reason: c.reason(),
            action: c.action(),
            retry: c.retry(),
            provider: c.provider(),
            provider_code: c.provider_code().map(Cow::Borrowed),
            command: c.command(),
            basis: c.basis(),
            rule: Cow::Borrowed(c.rule()),
            explanation: Cow::Borrowed(c.explanation()),
            fix: Cow::Borrowed(c.fix()),
            nonstandard_code: c.is_nonstandard_code(),
            class_mismatch: c.class_mismatch(),
        }
    }
}

#[pymethods]
impl PyClassification {
    /// Builds a record from its fields, as `to_dict()` gives them (enums as members or
    /// snake_case strings): `Classification(**c.to_dict())` equals `c`.
    #[new]
    #[pyo3(signature = (code, enhanced, outcome, outcome_inferred, bounce, reason, action, retry,
        provider, provider_code, command, basis, rule, explanation, fix, nonstandard_code,
        class_mismatch))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        code: Option<&Bound<'_, PyAny>>,
        enhanced: Option<&Bound<'_, PyAny>>,
        outcome: &Bound<'_, PyAny>,
        outcome_inferred: &Bound<'_, PyAny>,
        bounce: &Bound<'_, PyAny>,
        reason: &Bound<'_, PyAny>,
        action: &Bound<'_, PyAny>,
        retry: Option<&Bound<'_, PyAny>>,
        provider: Option<&Bound<'_, PyAny>>,
        provider_code: Option<&Bound<'_, PyAny>>,
        command: Option<&Bound<'_, PyAny>>,
        basis: &Bound<'_, PyAny>,
        rule: &Bound<'_, PyAny>,
        explanation: &Bound<'_, PyAny>,
        fix: &Bound<'_, PyAny>,
        nonstandard_code: &Bound<'_, PyAny>,
        class_mismatch: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        const W: &str = "Classification()";
        Ok(PyClassification {
            code: errors::opt_code_arg(code, W)?,
            enhanced: errors::opt_enhanced_arg(enhanced, W)?,
            outcome: Outcome::from_py(outcome, "outcome")?,
            outcome_inferred: errors::bool_arg(outcome_inferred, W)?,
            bounce: Bounce::from_py(bounce, "bounce")?,
            reason: Reason::from_py(reason, "reason")?,
            action: Action::from_py(action, "action")?,
            retry: retry.map(|r| errors::bool_arg(r, W)).transpose()?,
            provider: errors::opt_string_arg(provider, W)?
                .map(|p| p.parse::<Provider>().map_err(errors::unknown_name))
                .transpose()?,
            provider_code: errors::opt_string_arg(provider_code, W)?.map(Cow::Owned),
            command: crate::enums::optional(command, "command")?,
            basis: Basis::from_py(basis, "basis")?,
            rule: Cow::Owned(errors::string_arg(rule, W)?),
            explanation: Cow::Owned(errors::string_arg(explanation, W)?),
            fix: Cow::Owned(errors::string_arg(fix, W)?),
            nonstandard_code: errors::bool_arg(nonstandard_code, W)?,
            class_mismatch: errors::bool_arg(class_mismatch, W)?,
        })
    }

    /// The basic reply code, if the input has one.
    #[getter]
    fn code(&self) -> Option<u16> {
        self.code.map(ReplyCode::as_u16)
    }
    /// The enhanced status code (`"5.1.1"`), if the input has one.
    #[getter]
    fn enhanced(&self) -> Option<String> {
        self.enhanced.map(|e| e.to_string())
    }
    /// Success, intermediate, transient, permanent or unknown.
    #[getter]
    fn outcome(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.outcome.to_py(py)
    }
    /// True when the input had no code and the outcome was inferred from the reason.
    #[getter]
    fn outcome_inferred(&self) -> bool {
        self.outcome_inferred
    }
    /// None, soft, hard, block or unknown.
    #[getter]
    fn bounce(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.bounce.to_py(py)
    }
    /// Why.
    #[getter]
    fn reason(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.reason.to_py(py)
    }
    /// The recommended next step.
    #[getter]
    fn action(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.action.to_py(py)
    }
    /// Can the same message succeed if sent again later? None when the input tells
    /// nothing (outcome unknown: no code and no known phrase).
    #[getter]
    fn retry(&self) -> Option<bool> {
        self.retry
    }
    /// The provider that wrote the reply (`"gmail"`), when recognized.
    #[getter]
    fn provider(&self) -> Option<&'static str> {
        self.provider.map(Provider::name)
    }
    /// The provider's own code (`"TSS04"`), when the reply carries one.
    #[getter]
    fn provider_code(&self) -> Option<&str> {
        self.provider_code.as_deref()
    }
    /// The SMTP command the reply answered, as given or as the text says.
    #[getter]
    fn command(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        opt_member(py, self.command)
    }
    /// What decided the reason.
    #[getter]
    fn basis(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.basis.to_py(py)
    }
    /// The id of the rule or table row that decided.
    #[getter]
    fn rule(&self) -> &str {
        &self.rule
    }
    /// A human explanation of this result.
    #[getter]
    fn explanation(&self) -> &str {
        &self.explanation
    }
    /// How to fix it.
    #[getter]
    fn fix(&self) -> &str {
        &self.fix
    }
    /// The reply code's second digit is outside RFC 5321's grammar (570, 571).
    #[getter]
    fn nonstandard_code(&self) -> bool {
        self.nonstandard_code
    }
    /// The enhanced code's class disagrees with the reply code (`550 4.4.7`).
    #[getter]
    fn class_mismatch(&self) -> bool {
        self.class_mismatch
    }
    /// True when the outcome is a failure (transient or permanent).
    #[getter]
    fn is_failure(&self) -> bool {
        self.outcome.is_failure()
    }

    /// The fields as a dict of plain values (enums as their snake_case strings), with the
    /// keys of the command's JSON output; `json.dumps` accepts it.
    pub(crate) fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (key, value) in CLASSIFICATION_FIELDS.iter().zip(self.values(py)?) {
            d.set_item(PyString::intern(py, key), value)?;
        }
        Ok(d)
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyType>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let args = PyTuple::new(py, slf.get().values(py)?)?;
        Ok((slf.get_type(), args))
    }

    pub(crate) fn __repr__(&self, py: Python<'_>) -> String {
        let mut parts: Vec<String> = Vec::new();
        let opt = |v: Option<String>| v.unwrap_or_else(|| "None".into());
        parts.push(format!("code={}", opt(self.code().map(|c| c.to_string()))));
        parts.push(format!(
            "enhanced={}",
            opt(self.enhanced().map(|e| repr_str(py, &e)))
        ));
        parts.push(format!("outcome={}", repr_str(py, self.outcome.as_str())));
        if self.outcome_inferred {
            parts.push("outcome_inferred=True".into());
        }
        parts.push(format!("bounce={}", repr_str(py, self.bounce.as_str())));
        parts.push(format!("reason={}", repr_str(py, self.reason.as_str())));
        parts.push(format!("action={}", repr_str(py, self.action.as_str())));
        parts.push(format!(
            "retry={}",
            match self.retry {
                Some(true) => "True",
                Some(false) => "False",
                None => "None",
            }
        ));
        if let Some(p) = self.provider {
            parts.push(format!("provider={}", repr_str(py, p.name())));
        }
        if let Some(pc) = &self.provider_code {
            parts.push(format!("provider_code={}", repr_str(py, pc)));
        }
        if let Some(c) = self.command {
            parts.push(format!("command={}", repr_str(py, c.as_str())));
        }
        parts.push(format!("basis={}", repr_str(py, self.basis.as_str())));
        parts.push(format!("rule={}", repr_str(py, &self.rule)));
        if self.nonstandard_code {
            parts.push("nonstandard_code=True".into());
        }
        if self.class_mismatch {
            parts.push("class_mismatch=True".into());
        }
        format!("Classification({})", parts.join(", "))
    }
}

impl PyClassification {
    /// The field values in [`CLASSIFICATION_FIELDS`] order, enums as their snake_case
    /// strings.
    fn values(&self, py: Python<'_>) -> PyResult<[Py<PyAny>; 17]> {
        Ok([
            self.code().into_py_any(py)?,
            self.enhanced().into_py_any(py)?,
            self.outcome.as_str().into_py_any(py)?,
            self.outcome_inferred.into_py_any(py)?,
            self.bounce.as_str().into_py_any(py)?,
            self.reason.as_str().into_py_any(py)?,
            self.action.as_str().into_py_any(py)?,
            self.retry.into_py_any(py)?,
            self.provider().into_py_any(py)?,
            self.provider_code().into_py_any(py)?,
            self.command.map(Command::as_str).into_py_any(py)?,
            self.basis.as_str().into_py_any(py)?,
            self.rule().into_py_any(py)?,
            self.explanation().into_py_any(py)?,
            self.fix().into_py_any(py)?,
            self.nonstandard_code.into_py_any(py)?,
            self.class_mismatch.into_py_any(py)?,
        ])
    }
}

/// One reply as `parse` found it (`smtpcode::Reply`): the codes and the text around them.
#[pyclass(module = "smtpcode", name = "Reply", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyReply {
    code: Option<ReplyCode>,
    enhanced: Option<EnhancedCode>,
    text: String,
    prefix: String,
    multiline: bool,
    nonstandard_code: bool,
    class_mismatch: bool,
}

impl From<smtpcode::Reply<'_>> for PyReply {
    fn from(r: smtpcode::Reply<'_>) -> Self {
        PyReply {
            code: r.code(),
            enhanced: r.enhanced(),
            text: r.text_lossy().into_owned(),
            prefix: String::from_utf8_lossy(r.prefix()).into_owned(),
            multiline: r.is_multiline(),
            nonstandard_code: r.is_nonstandard_code(),
            class_mismatch: r.class_mismatch(),
        }
    }
}

#[pymethods]
impl PyReply {
    /// Builds a record from its fields, as `to_dict()` gives them.
    #[new]
    #[pyo3(signature = (code, enhanced, text, prefix, multiline, nonstandard_code, class_mismatch))]
    fn new(
        code: Option<&Bound<'_, PyAny>>,
        enhanced: Option<&Bound<'_, PyAny>>,
        text: &Bound<'_, PyAny>,
        prefix: &Bound<'_, PyAny>,
        multiline: &Bound<'_, PyAny>,
        nonstandard_code: &Bound<'_, PyAny>,
        class_mismatch: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        const W: &str = "Reply()";
        Ok(PyReply {
            code: errors::opt_code_arg(code, W)?,
            enhanced: errors::opt_enhanced_arg(enhanced, W)?,
            text: errors::string_arg(text, W)?,
            prefix: errors::string_arg(prefix, W)?,
            multiline: errors::bool_arg(multiline, W)?,
            nonstandard_code: errors::bool_arg(nonstandard_code, W)?,
            class_mismatch: errors::bool_arg(class_mismatch, W)?,
        })
    }

    /// The basic reply code, if there is one.
    #[getter]
    fn code(&self) -> Option<u16> {
        self.code.map(ReplyCode::as_u16)
    }
    /// The enhanced status code (`"5.1.1"`), if there is one.
    #[getter]
    fn enhanced(&self) -> Option<String> {
        self.enhanced.map(|e| e.to_string())
    }
    /// The text after the code(s), trimmed (bytes input is decoded as UTF-8, invalid
    /// sequences replaced).
    #[getter]
    fn text(&self) -> &str {
        &self.text
    }
    /// Whatever stands in front of the code (a reporting MTA's words), trimmed; often empty.
    #[getter]
    fn prefix(&self) -> &str {
        &self.prefix
    }
    /// True when the code is followed by `-`, as on the lines of a multi-line reply.
    #[getter]
    fn multiline(&self) -> bool {
        self.multiline
    }
    /// True when the code's second digit is above 5 (570, 571).
    #[getter]
    fn nonstandard_code(&self) -> bool {
        self.nonstandard_code
    }
    /// True when the enhanced code's class differs from the reply code's first digit.
    #[getter]
    fn class_mismatch(&self) -> bool {
        self.class_mismatch
    }

    /// The fields as a dict; `json.dumps` accepts it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("code", self.code())?;
        d.set_item("enhanced", self.enhanced())?;
        d.set_item("text", &self.text)?;
        d.set_item("prefix", &self.prefix)?;
        d.set_item("multiline", self.multiline)?;
        d.set_item("nonstandard_code", self.nonstandard_code)?;
        d.set_item("class_mismatch", self.class_mismatch)?;
        Ok(d)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyType>, Py<PyAny>)> {
        let r = slf.get();
        let args = (
            r.code(),
            r.enhanced(),
            r.text.as_str(),
            r.prefix.as_str(),
            r.multiline,
            r.nonstandard_code,
            r.class_mismatch,
        );
        Ok((slf.get_type(), args.into_py_any(slf.py())?))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Reply(code={}, enhanced={}, text={}, prefix={}, multiline={})",
            self.code().map_or_else(|| "None".into(), |c| c.to_string()),
            self.enhanced()
                .map_or_else(|| "None".into(), |e| repr_str(py, &e)),
            repr_str(py, &self.text),
            repr_str(py, &self.prefix),
            if self.multiline { "True" } else { "False" }
        )
    }
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
