//! Records from one field list. [`py_record!`] takes a record's fields once, each with its
//! docstring, its conversion from the core value and its place in `repr`, and writes the
//! class: the constructor (`Record(**r.to_dict()) == r`), the getters, `to_dict()` (the keys
//! and plain values of the command's JSON), pickling and `__repr__`. [`Field`] says how each
//! type of field converts to and from Python.

use std::borrow::Cow;

use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use smtpcode::{EnhancedCode, Provider, ReplyCode};

use crate::enums::PyEnum;
use crate::errors;

/// Python's `repr` of a string (single quotes, Python escapes).
pub(crate) fn repr_str(py: Python<'_>, s: &str) -> String {
    pyo3::types::PyString::new(py, s)
        .repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| format!("{s:?}"))
}

/// A field of a record, as Python sees it.
pub(crate) trait Field: Sized {
    /// The attribute's value (enums as their members).
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>>;
    /// The value in `to_dict()` and pickles (enums as their snake_case names).
    fn plain(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.get(py)
    }
    /// The field from a constructor argument; `what` names the argument in errors.
    fn arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self>;
    /// The value as `repr` writes it.
    fn repr(&self, py: Python<'_>) -> String;
    /// False for an absent value (`None`, `False`), which `repr` leaves out where the
    /// record says so.
    fn is_set(&self) -> bool {
        true
    }
}

impl Field for bool {
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.into_py_any(py)
    }
    fn arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        errors::bool_arg(obj, what)
    }
    fn repr(&self, _: Python<'_>) -> String {
        if *self { "True" } else { "False" }.into()
    }
    fn is_set(&self) -> bool {
        *self
    }
}

impl Field for Cow<'static, str> {
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.as_ref().into_py_any(py)
    }
    fn arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        errors::string_arg(obj, what).map(Cow::Owned)
    }
    fn repr(&self, py: Python<'_>) -> String {
        repr_str(py, self)
    }
}

impl Field for String {
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.as_str().into_py_any(py)
    }
    fn arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        errors::string_arg(obj, what)
    }
    fn repr(&self, py: Python<'_>) -> String {
        repr_str(py, self)
    }
}

impl Field for ReplyCode {
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.as_u16().into_py_any(py)
    }
    fn arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        errors::opt_code_arg(Some(obj), what)?
            .ok_or_else(|| errors::SmtpCodeError::new_err(format!("{what}: a code is needed")))
    }
    fn repr(&self, _: Python<'_>) -> String {
        self.as_u16().to_string()
    }
}

impl Field for EnhancedCode {
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.to_string().into_py_any(py)
    }
    fn arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        errors::opt_enhanced_arg(Some(obj), what)?.ok_or_else(|| {
            errors::SmtpCodeError::new_err(format!("{what}: an enhanced code is needed"))
        })
    }
    fn repr(&self, py: Python<'_>) -> String {
        repr_str(py, &self.to_string())
    }
}

impl Field for Provider {
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.name().into_py_any(py)
    }
    fn arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        errors::str_arg(obj, what)?
            .parse()
            .map_err(errors::unknown_name)
    }
    fn repr(&self, py: Python<'_>) -> String {
        repr_str(py, self.name())
    }
}

/// The enums: their members as attributes, their names in dicts.
impl<E: PyEnum> Field for E {
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.to_py(py)
    }
    fn plain(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.name().into_py_any(py)
    }
    fn arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        E::from_py(obj, what)
    }
    fn repr(&self, py: Python<'_>) -> String {
        repr_str(py, self.name())
    }
}

/// An optional field: `None` in Python.
impl<T: Field> Field for Option<T> {
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match self {
            Some(v) => v.get(py),
            None => Ok(py.None()),
        }
    }
    fn plain(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match self {
            Some(v) => v.plain(py),
            None => Ok(py.None()),
        }
    }
    fn arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        if obj.is_none() {
            Ok(None)
        } else {
            T::arg(obj, what).map(Some)
        }
    }
    fn repr(&self, py: Python<'_>) -> String {
        self.as_ref().map_or_else(|| "None".into(), |v| v.repr(py))
    }
    fn is_set(&self) -> bool {
        self.is_some()
    }
}

/// Writes a record class from its field list:
///
/// ```ignore
/// py_record! {
///     /// The class docstring.
///     pub struct PyReply ("Reply") from smtpcode::Reply<'_> as r {
///         /// The attribute's docstring.
///         code: Option<ReplyCode> = r.code(), always;
///         ...
///     }
///     methods { /* more #[pymethods] */ }
/// }
/// ```
///
/// The class is a frozen pyclass of the module `smtpcode`, named `"Reply"`, compared and
/// hashed by its fields. `always` fields are always in `repr`, `set` ones only when not `None`/`False`, `hidden`
/// ones never (long texts).
macro_rules! py_record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident ($py:literal) from $core:ty as $c:ident {
            $( $(#[doc = $doc:literal])* $field:ident: $ty:ty = $from:expr, $show:ident; )+
        }
        methods { $($methods:tt)* }
    ) => {
        $(#[$meta])*
        #[pyclass(module = "smtpcode", name = $py, frozen, eq, hash)]
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $name {
            $( $field: $ty, )+
        }

        impl From<$core> for $name {
            fn from($c: $core) -> Self {
                $name { $( $field: $from, )+ }
            }
        }

        impl $name {
            /// The field values in order, as `to_dict()` and pickles give them.
            fn plain_values(&self, py: Python<'_>) -> PyResult<Vec<Py<PyAny>>> {
                use $crate::fields::Field;
                Ok(vec![ $( self.$field.plain(py)?, )+ ])
            }
        }

        #[pymethods]
        impl $name {
            /// Builds a record from its fields, as `to_dict()` gives them (enums as members
            /// or snake_case strings).
            #[new]
            #[pyo3(signature = ($($field),+))]
            #[allow(clippy::too_many_arguments)]
            fn new($($field: &Bound<'_, PyAny>),+) -> PyResult<Self> {
                use $crate::fields::Field;
                Ok($name {
                    $( $field: <$ty>::arg($field, concat!($py, "() argument ", stringify!($field)))?, )+
                })
            }

            $(
                $(#[doc = $doc])*
                #[getter]
                fn $field(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                    $crate::fields::Field::get(&self.$field, py)
                }
            )+

            /// The fields as a dict of plain values (enums as their snake_case strings),
            /// with the keys of the command's JSON; `json.dumps` accepts it.
            pub(crate) fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
                let d = pyo3::types::PyDict::new(py);
                let keys = [$(stringify!($field)),+];
                for (key, value) in keys.into_iter().zip(self.plain_values(py)?) {
                    d.set_item(pyo3::types::PyString::intern(py, key), value)?;
                }
                Ok(d)
            }

            fn __reduce__<'py>(
                slf: &Bound<'py, Self>,
            ) -> PyResult<(Bound<'py, pyo3::types::PyType>, Bound<'py, pyo3::types::PyTuple>)> {
                let py = slf.py();
                let args = pyo3::types::PyTuple::new(py, slf.get().plain_values(py)?)?;
                Ok((slf.get_type(), args))
            }

            pub(crate) fn __repr__(&self, py: Python<'_>) -> String {
                use $crate::fields::Field;
                let mut parts: Vec<String> = Vec::new();
                $(
                    let show = match stringify!($show) {
                        "always" => true,
                        "set" => self.$field.is_set(),
                        _ => false,
                    };
                    if show {
                        parts.push(format!("{}={}", stringify!($field), self.$field.repr(py)));
                    }
                )+
                format!("{}({})", $py, parts.join(", "))
            }

            $($methods)*
        }
    };
}
pub(crate) use py_record;
