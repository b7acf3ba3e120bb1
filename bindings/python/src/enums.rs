//! The enums. Python sees them as `enum.Enum` classes with `str` values (`smtpcode._enums`),
//! built at import time from the snake_case names this module exports (`REASON_NAMES`...),
//! so each name is written only once, in the core crate. This module maps a Rust value to its
//! Python member and a Python member (or its string) back to the Rust value.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyModule, PyTuple};
use smtpcode::bounce::{DsnAction, Format, Kind};
use smtpcode::log::{Mta, Status};
use smtpcode::{Action, Basis, Bounce, Command, NoReply, Outcome, Reason};

use crate::errors;

/// The members of each Python enum, in the order of the Rust `ALL` lists.
struct Members {
    outcome: Vec<Py<PyAny>>,
    bounce: Vec<Py<PyAny>>,
    reason: Vec<Py<PyAny>>,
    action: Vec<Py<PyAny>>,
    command: Vec<Py<PyAny>>,
    basis: Vec<Py<PyAny>>,
    bounce_kind: Vec<Py<PyAny>>,
    dsn_action: Vec<Py<PyAny>>,
    bounce_format: Vec<Py<PyAny>>,
    log_status: Vec<Py<PyAny>>,
    log_format: Vec<Py<PyAny>>,
    no_reply: Vec<Py<PyAny>>,
}

static MEMBERS: PyOnceLock<Members> = PyOnceLock::new();

fn members(py: Python<'_>) -> PyResult<&Members> {
    MEMBERS.get_or_try_init(py, || {
        let module = PyModule::import(py, "smtpcode._enums")?;
        let load = |class: &str, len: usize| -> PyResult<Vec<Py<PyAny>>> {
            let cls = module.getattr(class)?;
            let list: Vec<Py<PyAny>> = cls
                .try_iter()?
                .map(|m| m.map(Bound::unbind))
                .collect::<PyResult<_>>()?;
            if list.len() != len {
                return Err(errors::SmtpCodeError::new_err(format!(
                    "smtpcode._enums.{class} has {} members, the native module {len}",
                    list.len()
                )));
            }
            Ok(list)
        };
        Ok(Members {
            outcome: load("Outcome", Outcome::ALL.len())?,
            bounce: load("Bounce", Bounce::ALL.len())?,
            reason: load("Reason", Reason::ALL.len())?,
            action: load("Action", Action::ALL.len())?,
            command: load("Command", Command::ALL.len())?,
            basis: load("Basis", Basis::ALL.len())?,
            bounce_kind: load("BounceKind", Kind::ALL.len())?,
            dsn_action: load("DsnAction", DsnAction::ALL.len())?,
            bounce_format: load("BounceFormat", Format::ALL.len())?,
            log_status: load("LogStatus", Status::ALL.len())?,
            log_format: load("LogFormat", Mta::ALL.len())?,
            no_reply: load("NoReply", NoReply::ALL.len())?,
        })
    })
}

/// A core enum that has a Python counterpart.
pub trait PyEnum: Copy + 'static + core::str::FromStr<Err = smtpcode::UnknownName> {
    /// The Rust values, in order.
    const ALL: &'static [Self];
    /// Its position in [`Self::ALL`].
    fn index(self) -> usize;
    /// The snake_case name.
    fn name(self) -> &'static str;
    /// The Python members, in the same order.
    fn members(py: Python<'_>) -> PyResult<&[Py<PyAny>]>;

    /// The Python member for this value.
    fn to_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(Self::members(py)?[self.index()].clone_ref(py))
    }

    /// The value for a Python member or its snake_case string.
    fn from_py(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        errors::str_arg(obj, what)?
            .parse()
            .map_err(errors::unknown_name)
    }
}

macro_rules! py_enum {
    ($($ty:ident => $field:ident),+ $(,)?) => {$(
        impl PyEnum for $ty {
            const ALL: &'static [Self] = $ty::ALL;
            fn index(self) -> usize {
                self as usize
            }
            fn name(self) -> &'static str {
                self.as_str()
            }
            fn members(py: Python<'_>) -> PyResult<&[Py<PyAny>]> {
                Ok(&members(py)?.$field)
            }
        }
    )+};
}

py_enum! {
    Outcome => outcome,
    Bounce => bounce,
    Reason => reason,
    Action => action,
    Command => command,
    Basis => basis,
    Kind => bounce_kind,
    DsnAction => dsn_action,
    Format => bounce_format,
    Status => log_status,
    Mta => log_format,
    NoReply => no_reply,
}

/// The snake_case names of `E`, in order, as a tuple (the module constants `*_NAMES`).
pub fn names<E: PyEnum>(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    PyTuple::new(py, E::ALL.iter().map(|v| v.name()))
}

/// An optional enum argument: `None`, a member, or its string.
pub fn optional<E: PyEnum>(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<E>> {
    match obj {
        Some(o) if !o.is_none() => E::from_py(o, what).map(Some),
        _ => Ok(None),
    }
}
