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
use std::sync::Arc;

use pyo3::prelude::*;
use smtpcode::bounce::{DsnAction, Format, Kind, Original, Recipient, Report};
use smtpcode::{Command, EnhancedCode};

use crate::fields::{Shared, py_record};
use crate::records::PyClassification;

py_record! {
    /// The headers of the original message (`smtpcode::bounce::Original`), when a bounce
    /// includes the message or its headers.
    pub struct PyOriginalMessage ("OriginalMessage") from Original as o {
        /// `Message-ID`.
        message_id: Option<String> = o.message_id, always;
        /// `From` (the attribute has a trailing underscore: `from` is a Python keyword).
        from_ as "from": Option<String> = o.from, always;
        /// `To`.
        to: Option<String> = o.to, always;
        /// `Subject`, decoded.
        subject: Option<String> = o.subject, always;
    }
    methods {}
}

py_record! {
    /// One recipient of a bounce (`smtpcode::bounce::Recipient`): the RFC 3464 fields and the
    /// classification of its diagnostic. The diagnostic text and the classification are
    /// shared by the recipients that a notice gives one reason for, as in the core.
    pub struct PyBounceRecipient ("BounceRecipient") {
        /// The final recipient: the address the reporting MTA tried (`Final-Recipient`).
        recipient: String, always;
        /// The original recipient (`Original-Recipient`, an `X-Original-To`...), when given.
        original_recipient: Option<String>, set;
        /// What happened (the RFC 3464 `Action`); for plain-text bounces, as the wording says.
        dsn_action: Option<DsnAction>, set;
        /// The status code (`Status`, such as `"5.1.1"`), or the enhanced code of the diagnostic.
        status: Option<EnhancedCode>, set;
        /// The remote MTA that gave the diagnostic (`Remote-MTA`, or the host a text names).
        remote_mta: Option<String>, set;
        /// The diagnostic type in lower case (`smtp`, `x-postfix`...), when the bounce gives one.
        diagnostic_type: Option<String>, set;
        /// The diagnostic text (`Diagnostic-Code`, or the text a plain-text bounce gives).
        diagnostic: Option<Arc<str>>, set;
        /// The SMTP command that got the reply, when the MTA says which.
        command: Option<Command>, set;
        /// The classification of the diagnostic, with the command as context.
        classification: Shared<PyClassification>, always;
    }
    methods {}
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
            classification: Shared(classification),
        })
    }
}

py_record! {
    /// What a bounce message says (`smtpcode::bounce::Report`), as returned by `parse_bounce`.
    pub struct PyBounceReport ("BounceReport") {
        /// The kind of message: a `BounceKind`.
        kind: Kind, always;
        /// Where the recipients and diagnostics were read from: a `BounceFormat`.
        format: Format, always;
        /// The MTA that wrote the report (`Reporting-MTA`), when given.
        reporting_mta: Option<String>, set;
        /// The bounce's own `From` (the attribute has a trailing underscore: `from` is a
        /// Python keyword).
        from_ as "from": Option<String>, set;
        /// The bounce's own `Subject`, decoded.
        subject: Option<String>, set;
        /// The feedback type of an ARF report (`abuse`, `fraud`, `opt-out`...).
        feedback_type: Option<String>, set;
        /// One `BounceRecipient` per recipient the message reports on, in order; may be empty.
        recipients: Vec<Shared<PyBounceRecipient>>, always;
        /// The original message's headers, when the bounce includes them.
        original: Option<Shared<PyOriginalMessage>>, set;
        /// True when a limit cut something (`BOUNCE_MAX_MESSAGE`, `BOUNCE_MAX_PART`...);
        /// `problems` says what.
        truncated: bool, set;
        /// What was wrong with the message (malformed MIME, undecodable parts...), if
        /// anything; the report is then partial.
        problems: Vec<String>, set;
    }
    methods {}
}

impl PyBounceReport {
    /// Converts the core crate's report.
    pub fn from_core(py: Python<'_>, r: Report) -> PyResult<Self> {
        let mut shared = HashMap::new();
        let recipients = r
            .recipients
            .into_iter()
            .map(|x| {
                Ok(Shared(Py::new(
                    py,
                    PyBounceRecipient::from_core(py, x, &mut shared)?,
                )?))
            })
            .collect::<PyResult<_>>()?;
        Ok(PyBounceReport {
            kind: r.kind,
            format: r.format,
            reporting_mta: r.reporting_mta,
            from_: r.from,
            subject: r.subject,
            feedback_type: r.feedback_type,
            recipients,
            original: r
                .original
                .map(|o| Py::new(py, PyOriginalMessage::from(o)).map(Shared))
                .transpose()?,
            truncated: r.truncated,
            problems: r.problems,
        })
    }
}
