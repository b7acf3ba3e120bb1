//! The records of a parsed bounce message: `BounceReport`, `BounceRecipient` and
//! `OriginalMessage` (`smtpcode::bounce::Report`, `Recipient` and `Original`).
//!
//! Like the other records they are frozen, hashable, comparable, picklable (`__reduce__`
//! gives the class and its constructor arguments) and have `to_dict()`. They hold the core
//! crate's values, converted once when the report is built; they decide nothing. The
//! dicts of `to_dict()` are the core's serde form (`dsn_action`, `diagnostic_type`,
//! `diagnostic`, the classification nested under `classification`), checked against the
//! golden JSON of `tests/data/bounces/`.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyIterator, PyList, PyString, PyTuple, PyType};
use smtpcode::bounce::{DsnAction, Format, Kind, Original, Recipient, Report};
use smtpcode::{Command, EnhancedCode};

use crate::enums::{self, PyEnum};
use crate::errors;
use crate::records::{PyClassification, opt_member, repr_str};

/// `repr` of an optional string: `None` or the quoted string.
fn repr_opt(py: Python<'_>, s: Option<&str>) -> String {
    s.map_or_else(|| "None".into(), |s| repr_str(py, s))
}

/// The headers of the original message (`smtpcode::bounce::Original`), when a bounce
/// includes the message or its headers.
#[pyclass(module = "smtpcode", name = "OriginalMessage", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyOriginalMessage {
    message_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    subject: Option<String>,
}

impl From<Original> for PyOriginalMessage {
    fn from(o: Original) -> Self {
        PyOriginalMessage {
            message_id: o.message_id,
            from: o.from,
            to: o.to,
            subject: o.subject,
        }
    }
}

#[pymethods]
impl PyOriginalMessage {
    /// Builds a record from its fields.
    #[new]
    #[pyo3(signature = (message_id, from_, to, subject))]
    fn new(
        message_id: Option<&Bound<'_, PyAny>>,
        from_: Option<&Bound<'_, PyAny>>,
        to: Option<&Bound<'_, PyAny>>,
        subject: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        const W: &str = "OriginalMessage()";
        Ok(PyOriginalMessage {
            message_id: errors::opt_string_arg(message_id, W)?,
            from: errors::opt_string_arg(from_, W)?,
            to: errors::opt_string_arg(to, W)?,
            subject: errors::opt_string_arg(subject, W)?,
        })
    }

    /// `Message-ID`.
    #[getter]
    fn message_id(&self) -> Option<&str> {
        self.message_id.as_deref()
    }
    /// `From` (the attribute has a trailing underscore: `from` is a Python keyword).
    #[getter]
    fn from_(&self) -> Option<&str> {
        self.from.as_deref()
    }
    /// `To`.
    #[getter]
    fn to(&self) -> Option<&str> {
        self.to.as_deref()
    }
    /// `Subject`, decoded.
    #[getter]
    fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// The fields as a dict (keys `message_id`, `from`, `to`, `subject`); `json.dumps`
    /// accepts it.
    pub(crate) fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("message_id", self.message_id())?;
        d.set_item("from", self.from_())?;
        d.set_item("to", self.to())?;
        d.set_item("subject", self.subject())?;
        Ok(d)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyType>, Py<PyAny>)> {
        let o = slf.get();
        let args = (o.message_id(), o.from_(), o.to(), o.subject());
        Ok((slf.get_type(), args.into_py_any(slf.py())?))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "OriginalMessage(message_id={}, from_={}, to={}, subject={})",
            repr_opt(py, self.message_id()),
            repr_opt(py, self.from_()),
            repr_opt(py, self.to()),
            repr_opt(py, self.subject()),
        )
    }
}

/// One recipient of a bounce (`smtpcode::bounce::Recipient`): the RFC 3464 fields and the
/// classification of its diagnostic.
#[pyclass(module = "smtpcode", name = "BounceRecipient", frozen, eq, hash)]
pub struct PyBounceRecipient {
    recipient: String,
    original_recipient: Option<String>,
    dsn_action: Option<DsnAction>,
    status: Option<EnhancedCode>,
    remote_mta: Option<String>,
    diagnostic_type: Option<String>,
    /// Shared by the recipients that a notice gives one reason for, as in the core.
    diagnostic: Option<Arc<str>>,
    command: Option<Command>,
    classification: Py<PyClassification>,
}

impl PartialEq for PyBounceRecipient {
    fn eq(&self, other: &Self) -> bool {
        self.recipient == other.recipient
            && self.original_recipient == other.original_recipient
            && self.dsn_action == other.dsn_action
            && self.status == other.status
            && self.remote_mta == other.remote_mta
            && self.diagnostic_type == other.diagnostic_type
            && self.diagnostic == other.diagnostic
            && self.command == other.command
            && self.classification.get() == other.classification.get()
    }
}

impl Eq for PyBounceRecipient {}

impl Hash for PyBounceRecipient {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.recipient.hash(state);
        self.original_recipient.hash(state);
        self.dsn_action.hash(state);
        self.status.hash(state);
        self.remote_mta.hash(state);
        self.diagnostic_type.hash(state);
        self.diagnostic.hash(state);
        self.command.hash(state);
        self.classification.get().hash(state);
    }
}

impl PyBounceRecipient {
    /// Converts the core crate's recipient; equal classifications of one report share one
    /// object (`shared`), as the recipients that a notice gives one reason for share it.
    fn from_core(
        py: Python<'_>,
        r: Recipient,
        shared: &mut HashMap<crate::many::Key, Py<PyClassification>>,
    ) -> PyResult<Self> {
        let (diagnostic_type, diagnostic) = match r.diagnostic {
            Some(d) => (d.kind, Some(d.text)),
            None => (None, None),
        };
        let classification = match shared.entry(crate::many::Key(r.classification)) {
            Entry::Occupied(e) => e.get().clone_ref(py),
            Entry::Vacant(e) => e
                .insert(Py::new(py, PyClassification::from(r.classification))?)
                .clone_ref(py),
        };
        Ok(PyBounceRecipient {
            recipient: r.recipient,
            original_recipient: r.original_recipient,
            dsn_action: r.action,
            status: r.status,
            remote_mta: r.remote_mta,
            diagnostic_type,
            diagnostic,
            command: r.command,
            classification,
        })
    }
}

#[pymethods]
impl PyBounceRecipient {
    /// Builds a record from its fields (enums as members or snake_case strings, the
    /// classification as a `Classification`).
    #[new]
    #[pyo3(signature = (recipient, original_recipient, dsn_action, status, remote_mta,
        diagnostic_type, diagnostic, command, classification))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        recipient: &Bound<'_, PyAny>,
        original_recipient: Option<&Bound<'_, PyAny>>,
        dsn_action: Option<&Bound<'_, PyAny>>,
        status: Option<&Bound<'_, PyAny>>,
        remote_mta: Option<&Bound<'_, PyAny>>,
        diagnostic_type: Option<&Bound<'_, PyAny>>,
        diagnostic: Option<&Bound<'_, PyAny>>,
        command: Option<&Bound<'_, PyAny>>,
        classification: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let Ok(classification) = classification.cast::<PyClassification>() else {
            return Err(errors::wrong_type(
                classification,
                "BounceRecipient()",
                "a Classification for classification",
            ));
        };
        const W: &str = "BounceRecipient()";
        Ok(PyBounceRecipient {
            recipient: errors::string_arg(recipient, W)?,
            original_recipient: errors::opt_string_arg(original_recipient, W)?,
            dsn_action: enums::optional(dsn_action, "dsn_action")?,
            status: errors::opt_enhanced_arg(status, W)?,
            remote_mta: errors::opt_string_arg(remote_mta, W)?,
            diagnostic_type: errors::opt_string_arg(diagnostic_type, W)?,
            diagnostic: errors::opt_string_arg(diagnostic, W)?.map(Arc::from),
            command: enums::optional(command, "command")?,
            classification: classification.clone().unbind(),
        })
    }

    /// The final recipient: the address the reporting MTA tried (`Final-Recipient`).
    #[getter]
    fn recipient(&self) -> &str {
        &self.recipient
    }
    /// The original recipient (`Original-Recipient`, an `X-Original-To`...), when given.
    #[getter]
    fn original_recipient(&self) -> Option<&str> {
        self.original_recipient.as_deref()
    }
    /// What happened (the RFC 3464 `Action`); for plain-text bounces, as the wording says.
    #[getter]
    fn dsn_action(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        opt_member(py, self.dsn_action)
    }
    /// The status code (`Status`, such as `"5.1.1"`), or the enhanced code of the diagnostic.
    #[getter]
    fn status(&self) -> Option<String> {
        self.status.map(|s| s.to_string())
    }
    /// The remote MTA that gave the diagnostic (`Remote-MTA`, or the host a text names).
    #[getter]
    fn remote_mta(&self) -> Option<&str> {
        self.remote_mta.as_deref()
    }
    /// The diagnostic type in lower case (`smtp`, `x-postfix`...), when the bounce gives one.
    #[getter]
    fn diagnostic_type(&self) -> Option<&str> {
        self.diagnostic_type.as_deref()
    }
    /// The diagnostic text (`Diagnostic-Code`, or the text a plain-text bounce gives).
    #[getter]
    fn diagnostic(&self) -> Option<&str> {
        self.diagnostic.as_deref()
    }
    /// The SMTP command that got the reply, when the MTA says which.
    #[getter]
    fn command(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        opt_member(py, self.command)
    }
    /// The classification of the diagnostic, with the command as context.
    #[getter]
    fn classification(&self, py: Python<'_>) -> Py<PyClassification> {
        self.classification.clone_ref(py)
    }

    /// The fields as a dict of plain values: the keys of `smtpcode bounce --format json`
    /// for the recipient's own fields, and the classification's `to_dict()` under
    /// `classification`; `json.dumps` accepts it.
    pub(crate) fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("recipient", &self.recipient)?;
        d.set_item("original_recipient", self.original_recipient())?;
        d.set_item("dsn_action", self.dsn_action.map(DsnAction::as_str))?;
        d.set_item("status", self.status())?;
        d.set_item("remote_mta", self.remote_mta())?;
        d.set_item("diagnostic_type", self.diagnostic_type())?;
        d.set_item("diagnostic", self.diagnostic())?;
        d.set_item("command", self.command.map(Command::as_str))?;
        d.set_item("classification", self.classification.get().to_dict(py)?)?;
        Ok(d)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyType>, Py<PyAny>)> {
        let py = slf.py();
        let r = slf.get();
        let args = (
            r.recipient.as_str(),
            r.original_recipient(),
            r.dsn_action.map(DsnAction::as_str),
            r.status(),
            r.remote_mta(),
            r.diagnostic_type(),
            r.diagnostic(),
            r.command.map(Command::as_str),
            r.classification.clone_ref(py),
        );
        Ok((slf.get_type(), args.into_py_any(py)?))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let mut parts = vec![format!("recipient={}", repr_str(py, &self.recipient))];
        if let Some(o) = &self.original_recipient {
            parts.push(format!("original_recipient={}", repr_str(py, o)));
        }
        if let Some(a) = self.dsn_action {
            parts.push(format!("dsn_action={}", repr_str(py, a.as_str())));
        }
        if let Some(s) = self.status {
            parts.push(format!("status={}", repr_str(py, &s.to_string())));
        }
        if let Some(m) = &self.remote_mta {
            parts.push(format!("remote_mta={}", repr_str(py, m)));
        }
        if let Some(c) = self.command {
            parts.push(format!("command={}", repr_str(py, c.as_str())));
        }
        if let Some(t) = &self.diagnostic_type {
            parts.push(format!("diagnostic_type={}", repr_str(py, t)));
        }
        if let Some(d) = &self.diagnostic {
            parts.push(format!("diagnostic={}", repr_str(py, d)));
        }
        parts.push(format!(
            "classification={}",
            self.classification.get().__repr__(py)
        ));
        format!("BounceRecipient({})", parts.join(", "))
    }
}

/// What a bounce message says (`smtpcode::bounce::Report`), as returned by `parse_bounce`.
#[pyclass(module = "smtpcode", name = "BounceReport", frozen, eq, hash)]
pub struct PyBounceReport {
    kind: Kind,
    format: Format,
    reporting_mta: Option<String>,
    from: Option<String>,
    subject: Option<String>,
    feedback_type: Option<String>,
    recipients: Vec<Py<PyBounceRecipient>>,
    original: Option<Py<PyOriginalMessage>>,
    truncated: bool,
    problems: Vec<String>,
}

impl PartialEq for PyBounceReport {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.format == other.format
            && self.reporting_mta == other.reporting_mta
            && self.from == other.from
            && self.subject == other.subject
            && self.feedback_type == other.feedback_type
            && self.recipients.len() == other.recipients.len()
            && self
                .recipients
                .iter()
                .zip(&other.recipients)
                .all(|(a, b)| a.get() == b.get())
            && self.original.as_ref().map(Py::get) == other.original.as_ref().map(Py::get)
            && self.truncated == other.truncated
            && self.problems == other.problems
    }
}

impl Eq for PyBounceReport {}

impl Hash for PyBounceReport {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.kind.hash(state);
        self.format.hash(state);
        self.reporting_mta.hash(state);
        self.from.hash(state);
        self.subject.hash(state);
        self.feedback_type.hash(state);
        self.recipients.len().hash(state);
        for r in &self.recipients {
            r.get().hash(state);
        }
        self.original.as_ref().map(Py::get).hash(state);
        self.truncated.hash(state);
        self.problems.hash(state);
    }
}

impl PyBounceReport {
    /// Converts the core crate's report.
    pub fn from_core(py: Python<'_>, r: Report) -> PyResult<Self> {
        let mut shared = HashMap::new();
        let recipients = r
            .recipients
            .into_iter()
            .map(|x| Py::new(py, PyBounceRecipient::from_core(py, x, &mut shared)?))
            .collect::<PyResult<_>>()?;
        Ok(PyBounceReport {
            kind: r.kind,
            format: r.format,
            reporting_mta: r.reporting_mta,
            from: r.from,
            subject: r.subject,
            feedback_type: r.feedback_type,
            recipients,
            original: r
                .original
                .map(|o| Py::new(py, PyOriginalMessage::from(o)))
                .transpose()?,
            truncated: r.truncated,
            problems: r.problems,
        })
    }
}

#[pymethods]
impl PyBounceReport {
    /// Builds a record from its fields (enums as members or snake_case strings, the
    /// recipients as `BounceRecipient` records, the original as an `OriginalMessage`).
    #[new]
    #[pyo3(signature = (kind, format, reporting_mta, from_, subject, feedback_type, recipients,
        original, truncated, problems))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        kind: &Bound<'_, PyAny>,
        format: &Bound<'_, PyAny>,
        reporting_mta: Option<&Bound<'_, PyAny>>,
        from_: Option<&Bound<'_, PyAny>>,
        subject: Option<&Bound<'_, PyAny>>,
        feedback_type: Option<&Bound<'_, PyAny>>,
        recipients: &Bound<'_, PyAny>,
        original: Option<&Bound<'_, PyAny>>,
        truncated: &Bound<'_, PyAny>,
        problems: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        const WHAT: &str = "BounceReport()";
        fn list<'py>(obj: &Bound<'py, PyAny>, want: &str) -> PyResult<Bound<'py, PyIterator>> {
            if obj.is_instance_of::<PyString>() {
                return Err(errors::wrong_type(obj, WHAT, want));
            }
            obj.try_iter()
                .map_err(|_| errors::wrong_type(obj, WHAT, want))
        }
        const RECIPIENTS: &str = "an iterable of BounceRecipient for recipients";
        let mut rs = Vec::new();
        for item in list(recipients, RECIPIENTS)? {
            let item = item?;
            match item.cast::<PyBounceRecipient>() {
                Ok(r) => rs.push(r.clone().unbind()),
                Err(_) => return Err(errors::wrong_type(&item, WHAT, RECIPIENTS)),
            }
        }
        const PROBLEMS: &str = "an iterable of str for problems";
        let mut ps = Vec::new();
        for item in list(problems, PROBLEMS)? {
            let item = item?;
            if !item.is_instance_of::<PyString>() {
                return Err(errors::wrong_type(&item, WHAT, PROBLEMS));
            }
            ps.push(errors::string_arg(&item, WHAT)?);
        }
        let original = match original {
            Some(o) if !o.is_none() => match o.cast::<PyOriginalMessage>() {
                Ok(o) => Some(o.clone().unbind()),
                Err(_) => {
                    return Err(errors::wrong_type(
                        o,
                        WHAT,
                        "an OriginalMessage or None for original",
                    ));
                }
            },
            _ => None,
        };
        Ok(PyBounceReport {
            kind: Kind::from_py(kind, "kind")?,
            format: Format::from_py(format, "format")?,
            reporting_mta: errors::opt_string_arg(reporting_mta, WHAT)?,
            from: errors::opt_string_arg(from_, WHAT)?,
            subject: errors::opt_string_arg(subject, WHAT)?,
            feedback_type: errors::opt_string_arg(feedback_type, WHAT)?,
            recipients: rs,
            original,
            truncated: errors::bool_arg(truncated, WHAT)?,
            problems: ps,
        })
    }

    /// The kind of message: a `BounceKind`.
    #[getter]
    fn kind(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.kind.to_py(py)
    }
    /// Where the recipients and diagnostics were read from: a `BounceFormat`.
    #[getter]
    fn format(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.format.to_py(py)
    }
    /// The MTA that wrote the report (`Reporting-MTA`), when given.
    #[getter]
    fn reporting_mta(&self) -> Option<&str> {
        self.reporting_mta.as_deref()
    }
    /// The bounce's own `From` (the attribute has a trailing underscore: `from` is a Python
    /// keyword).
    #[getter]
    fn from_(&self) -> Option<&str> {
        self.from.as_deref()
    }
    /// The bounce's own `Subject`, decoded.
    #[getter]
    fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }
    /// The feedback type of an ARF report (`abuse`, `fraud`, `opt-out`...).
    #[getter]
    fn feedback_type(&self) -> Option<&str> {
        self.feedback_type.as_deref()
    }
    /// One `BounceRecipient` per recipient the message reports on, in order; may be empty.
    #[getter]
    fn recipients<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.recipients.iter().map(|r| r.clone_ref(py)))
    }
    /// The original message's headers, when the bounce includes them.
    #[getter]
    fn original(&self, py: Python<'_>) -> Option<Py<PyOriginalMessage>> {
        self.original.as_ref().map(|o| o.clone_ref(py))
    }
    /// True when a limit cut something (`BOUNCE_MAX_MESSAGE`, `BOUNCE_MAX_PART`...);
    /// `problems` says what.
    #[getter]
    fn truncated(&self) -> bool {
        self.truncated
    }
    /// What was wrong with the message (malformed MIME, undecodable parts...), if anything;
    /// the report is then partial.
    #[getter]
    fn problems<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.problems)
    }

    /// The fields as a dict of plain values (enums as their snake_case strings, the
    /// recipients and the original as dicts, lists for tuples); `json.dumps` accepts it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("kind", self.kind.as_str())?;
        d.set_item("format", self.format.as_str())?;
        d.set_item("reporting_mta", self.reporting_mta())?;
        d.set_item("from", self.from_())?;
        d.set_item("subject", self.subject())?;
        d.set_item("feedback_type", self.feedback_type())?;
        let recipients = PyList::empty(py);
        for r in &self.recipients {
            recipients.append(r.get().to_dict(py)?)?;
        }
        d.set_item("recipients", recipients)?;
        match &self.original {
            Some(o) => d.set_item("original", o.get().to_dict(py)?)?,
            None => d.set_item("original", py.None())?,
        }
        d.set_item("truncated", self.truncated)?;
        d.set_item("problems", PyList::new(py, &self.problems)?)?;
        Ok(d)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyType>, Py<PyAny>)> {
        let py = slf.py();
        let r = slf.get();
        let args = (
            r.kind.as_str(),
            r.format.as_str(),
            r.reporting_mta(),
            r.from_(),
            r.subject(),
            r.feedback_type(),
            r.recipients(py)?,
            r.original(py),
            r.truncated,
            r.problems(py)?,
        );
        Ok((slf.get_type(), args.into_py_any(py)?))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let mut parts = vec![
            format!("kind={}", repr_str(py, self.kind.as_str())),
            format!("format={}", repr_str(py, self.format.as_str())),
        ];
        let recipients: Vec<String> = self
            .recipients
            .iter()
            .map(|r| r.get().__repr__(py))
            .collect();
        parts.push(match recipients.len() {
            1 => format!("recipients=({},)", recipients[0]),
            _ => format!("recipients=({})", recipients.join(", ")),
        });
        for (name, value) in [
            ("reporting_mta", &self.reporting_mta),
            ("from_", &self.from),
            ("subject", &self.subject),
            ("feedback_type", &self.feedback_type),
        ] {
            if let Some(v) = value {
                parts.push(format!("{name}={}", repr_str(py, v)));
            }
        }
        if let Some(o) = &self.original {
            parts.push(format!("original={}", o.get().__repr__(py)));
        }
        if self.truncated {
            parts.push("truncated=True".into());
        }
        if !self.problems.is_empty() {
            let ps: Vec<String> = self.problems.iter().map(|p| repr_str(py, p)).collect();
            parts.push(match ps.len() {
                1 => format!("problems=({},)", ps[0]),
                _ => format!("problems=({})", ps.join(", ")),
            });
        }
        format!("BounceReport({})", parts.join(", "))
    }
}
