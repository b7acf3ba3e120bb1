//! `smtpcode.Classifier`: the built-in rules with a user's rules read first.

use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use crate::bounce::PyBounceReport;
use crate::errors;
use crate::records::PyClassification;

/// A classifier with a user's rules (a rule file, in the language of the crate's
/// `data/README.md`) read before the built-in ones. Immutable; share it between threads,
/// pickle it to send it to other processes.
#[pyclass(frozen, module = "smtpcode", name = "Classifier")]
pub struct PyClassifier {
    inner: smtpcode::Classifier,
}

impl PyClassifier {
    /// The core crate's classifier.
    pub(crate) fn classifier(&self) -> &smtpcode::Classifier {
        &self.inner
    }

    /// A classifier with the rules `read` gives (the GIL released while they compile).
    fn with_rules(
        py: Python<'_>,
        read: impl FnOnce() -> Result<smtpcode::Rules, smtpcode::RulesError> + Send,
    ) -> PyResult<Self> {
        let rules = py.detach(read).map_err(|e| errors::rules_error(py, e))?;
        Ok(PyClassifier {
            inner: smtpcode::Classifier::with_rules(rules),
        })
    }
}

#[pymethods]
impl PyClassifier {
    /// `Classifier(rules)` reads the rule file at the path `rules` (a `str` or an
    /// `os.PathLike`); `Classifier(text=...)` reads rules from a string; `Classifier()` has
    /// the built-in rules only. Raises `RulesError` when the file cannot be read or a line is
    /// wrong.
    #[new]
    #[pyo3(signature = (rules = None, *, text = None))]
    fn new(
        py: Python<'_>,
        rules: Option<&Bound<'_, PyAny>>,
        text: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        match (rules, text) {
            (Some(_), Some(_)) => Err(errors::SmtpCodeError::new_err(
                "Classifier() takes a rule file or text=, not both",
            )),
            (None, None) => Ok(PyClassifier {
                inner: smtpcode::Classifier::new(),
            }),
            (None, Some(text)) => {
                let text = errors::str_arg(text, "Classifier() text")?;
                PyClassifier::with_rules(py, || smtpcode::Rules::parse(&text))
            }
            (Some(path), None) => {
                let os = py.import("os")?;
                let path = os.call_method1("fspath", (path,)).map_err(|_| {
                    errors::wrong_type(path, "Classifier()", "a path (str or os.PathLike)")
                })?;
                let path: std::path::PathBuf = path.extract().map_err(|_| {
                    errors::wrong_type(&path, "Classifier()", "a path (str or os.PathLike)")
                })?;
                PyClassifier::with_rules(py, || smtpcode::Rules::load(&path))
            }
        }
    }

    /// Classifies one reply (see `smtpcode.classify`).
    #[pyo3(signature = (reply, *, command = None))]
    fn classify(
        &self,
        py: Python<'_>,
        reply: &Bound<'_, PyAny>,
        command: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyClassification> {
        crate::classify_in(py, &self.inner, reply, command)
    }

    /// Classifies a session that ended with no reply (see `smtpcode.classify_no_reply`).
    #[pyo3(signature = (failure, detail = None, *, command = None))]
    fn classify_no_reply(
        &self,
        failure: &Bound<'_, PyAny>,
        detail: Option<&Bound<'_, PyAny>>,
        command: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyClassification> {
        crate::classify_no_reply_in(&self.inner, failure, detail, command)
    }

    /// Classifies every reply of an iterable (see `smtpcode.classify_many`).
    #[pyo3(signature = (replies, *, command = None, threads = None))]
    fn classify_many<'py>(
        &self,
        py: Python<'py>,
        replies: &Bound<'py, PyAny>,
        command: Option<&Bound<'py, PyAny>>,
        threads: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        crate::classify_many_in(py, self.inner.clone(), replies, command, threads)
    }

    /// Parses a bounce message (see `smtpcode.parse_bounce`), classifying its recipients'
    /// diagnostics with these rules.
    fn parse_bounce(&self, py: Python<'_>, message: &Bound<'_, PyAny>) -> PyResult<PyBounceReport> {
        crate::parse_bounce_in(py, &self.inner, message)
    }

    /// Classifies every row of an Arrow column with these rules (see
    /// `smtpcode.classify_arrow`).
    #[pyo3(signature = (values, *, command = None, threads = None))]
    fn classify_arrow(
        &self,
        py: Python<'_>,
        values: &Bound<'_, PyAny>,
        command: Option<&Bound<'_, PyAny>>,
        threads: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<crate::arrow::PyArrowBatch> {
        crate::arrow::classify_arrow_in(py, &self.inner, values, command, threads)
    }

    /// Parses every row of an Arrow column of bounce messages with these rules (see
    /// `smtpcode.parse_bounces_arrow`).
    #[pyo3(signature = (values, *, threads = None))]
    fn parse_bounces_arrow(
        &self,
        py: Python<'_>,
        values: &Bound<'_, PyAny>,
        threads: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<crate::arrow::PyArrowBatch> {
        crate::arrow::parse_bounces_arrow_in(py, &self.inner, values, threads)
    }

    /// The ids of the user's rules, one per alternative (`||`) of each rule, in the order
    /// they are tried (an empty tuple without rules).
    #[getter]
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let ids: Vec<&str> = self
            .inner
            .user_rules()
            .map(|r| r.rules().iter().map(|x| x.id()).collect())
            .unwrap_or_default();
        PyTuple::new(py, ids)
    }

    /// The rule file's name (`"<text>"` for rules given as text), or `None`.
    #[getter]
    fn origin(&self) -> Option<&str> {
        self.inner.user_rules().map(smtpcode::Rules::origin)
    }

    fn __repr__(&self) -> String {
        match self.inner.user_rules() {
            None => "Classifier()".into(),
            Some(r) => format!(
                "<Classifier: {} rules from {}>",
                r.rules().len(),
                r.origin()
            ),
        }
    }

    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let make = py
            .import("smtpcode._smtpcode")?
            .getattr("_classifier_from_text")?;
        let args = match self.inner.user_rules() {
            None => PyTuple::new(py, [None::<&str>, None])?,
            Some(r) => PyTuple::new(py, [Some(r.text()), Some(r.origin())])?,
        };
        Ok((make, args))
    }
}

/// Rebuilds a pickled `Classifier` (its rule text and name, or nothing).
#[pyfunction]
pub fn _classifier_from_text(
    py: Python<'_>,
    text: Option<String>,
    origin: Option<String>,
) -> PyResult<PyClassifier> {
    match text {
        None => Ok(PyClassifier {
            inner: smtpcode::Classifier::new(),
        }),
        Some(text) => PyClassifier::with_rules(py, || {
            smtpcode::Rules::parse_named(&text, origin.as_deref().unwrap_or("<text>"))
        }),
    }
}
