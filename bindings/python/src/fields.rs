//! Records from one field list. [`py_record!`] takes a record's fields once, each with its
//! docstring, its conversion from the core value and its place in `repr`, and writes the
//! class: the constructor (`Record(**r.to_dict()) == r` for a record without nested ones),
//! the getters, `to_dict()` (the keys and plain values of the command's JSON), pickling and
//! `__repr__`. [`Field`] says how each type of field converts to and from Python.

use std::borrow::Cow;
use std::sync::Arc;

use pyo3::IntoPyObjectExt;
use pyo3::PyClass;
use pyo3::prelude::*;
use smtpcode::log::LogTime;
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
    /// The value in `to_dict()` (enums as their snake_case names, nested records as dicts).
    fn plain(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.get(py)
    }
    /// The value in pickles (the constructor's argument): `plain`, but records nested in
    /// a record stay objects.
    fn pickle(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.plain(py)
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

/// Text, however the record holds it: a `str` in Python.
macro_rules! text_field {
    ($($ty:ty),+) => {$(
        impl Field for $ty {
            fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                AsRef::<str>::as_ref(self).into_py_any(py)
            }
            fn arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
                errors::string_arg(obj, what).map(<$ty>::from)
            }
            fn repr(&self, py: Python<'_>) -> String {
                repr_str(py, self.as_ref())
            }
        }
    )+};
}
text_field!(String, Arc<str>, Cow<'static, str>);

/// A count or a line number.
impl Field for u64 {
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.into_py_any(py)
    }
    fn arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        if obj.is_instance_of::<pyo3::types::PyBool>() {
            return Err(errors::wrong_type(obj, what, "an int"));
        }
        let Ok(n) = obj.cast::<pyo3::types::PyInt>() else {
            return Err(errors::wrong_type(obj, what, "an int"));
        };
        n.extract().map_err(|_| {
            errors::SmtpCodeError::new_err(format!("{what}: {n} is not a count (0 to 2**64-1)"))
        })
    }
    fn repr(&self, _: Python<'_>) -> String {
        self.to_string()
    }
}

/// `datetime.datetime`, `datetime.timezone` and `datetime.timedelta`, imported once (the limited API has no
/// native datetime types).
#[allow(clippy::type_complexity)]
static DATETIME: pyo3::sync::PyOnceLock<(Py<PyAny>, Py<PyAny>, Py<PyAny>)> =
    pyo3::sync::PyOnceLock::new();

/// A log time: a `datetime` as an attribute (aware when the log gives an offset; `None`
/// when Python's `datetime` cannot hold it: a year before 1, an offset of a day or more),
/// its ISO 8601 text (the command's) in dicts and pickles.
impl Field for LogTime {
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let (datetime, timezone, timedelta) = DATETIME.get_or_try_init(py, || -> PyResult<_> {
            let m = py.import("datetime")?;
            let class = |name| m.getattr(name).map(Bound::unbind);
            Ok((class("datetime")?, class("timezone")?, class("timedelta")?))
        })?;
        let c = self.civil();
        let tz = match self.offset() {
            None => py.None(),
            Some(o) => {
                let delta = timedelta.call1(py, (0, o.seconds()))?;
                match timezone.call1(py, (delta,)) {
                    Ok(tz) => tz,
                    Err(_) => return Ok(py.None()),
                }
            }
        };
        let args = (
            c.year(),
            c.month(),
            c.day(),
            c.hour(),
            c.minute(),
            c.second(),
            c.subsec_nanosecond() / 1000,
            tz,
        );
        Ok(datetime.call1(py, args).unwrap_or_else(|_| py.None()))
    }
    fn plain(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.to_string().into_py_any(py)
    }
    fn arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        let text = if obj.is_instance_of::<pyo3::types::PyString>() {
            errors::string_arg(obj, what)?
        } else if obj.hasattr("isoformat")? && obj.hasattr("hour")? {
            obj.call_method0("isoformat")?.extract::<String>()?
        } else {
            return Err(errors::wrong_type(
                obj,
                what,
                "a datetime or an ISO 8601 str",
            ));
        };
        LogTime::parse(&text).ok_or_else(|| {
            errors::SmtpCodeError::new_err(format!("{what}: {text:?} is not an ISO 8601 time"))
        })
    }
    fn repr(&self, py: Python<'_>) -> String {
        repr_str(py, &self.to_string())
    }
}

/// Python's `repr` of a tuple of items already written.
fn repr_tuple(items: Vec<String>) -> String {
    match items.len() {
        1 => format!("({},)", items[0]),
        _ => format!("({})", items.join(", ")),
    }
}

/// The items of an iterable argument (not a `str`), each checked by `item`.
fn items<T>(
    obj: &Bound<'_, PyAny>,
    what: &str,
    want: &str,
    item: impl Fn(&Bound<'_, PyAny>) -> Option<T>,
) -> PyResult<Vec<T>> {
    if obj.is_instance_of::<pyo3::types::PyString>() {
        return Err(errors::wrong_type(obj, what, want));
    }
    let iter = obj
        .try_iter()
        .map_err(|_| errors::wrong_type(obj, what, want))?;
    iter.map(|x| {
        let x = x?;
        item(&x).ok_or_else(|| errors::wrong_type(&x, what, want))
    })
    .collect()
}

/// A list of strings: a tuple as an attribute, a list in dicts.
impl Field for Vec<String> {
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        pyo3::types::PyTuple::new(py, self)?.into_py_any(py)
    }
    fn plain(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        pyo3::types::PyList::new(py, self)?.into_py_any(py)
    }
    fn arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        items(obj, what, "an iterable of str", |x| {
            x.is_instance_of::<pyo3::types::PyString>()
                .then(|| x.extract::<String>().ok())
                .flatten()
        })
    }
    fn repr(&self, py: Python<'_>) -> String {
        repr_tuple(self.iter().map(|s| repr_str(py, s)).collect())
    }
    fn is_set(&self) -> bool {
        !self.is_empty()
    }
}

/// A record class written by [`py_record!`] (its Python name is `PyClass::NAME`), as a field
/// of another record.
pub(crate) trait Record:
    PyClass<Frozen = pyo3::pyclass::boolean_struct::True> + Sync
{
    /// Its `to_dict()`.
    fn dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>>;
    /// Its `repr`.
    fn text(&self, py: Python<'_>) -> String;
}

/// A record held by another (one object, which records may share), compared and hashed by
/// its fields.
pub(crate) struct Shared<T: Record>(pub Py<T>);

impl<T: Record + PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

impl<T: Record + Eq> Eq for Shared<T> {}

impl<T: Record + std::hash::Hash> std::hash::Hash for Shared<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.get().hash(state);
    }
}

impl<T: Record> Field for Shared<T> {
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self.0.clone_ref(py).into_any())
    }
    fn plain(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self.0.get().dict(py)?.into_any().unbind())
    }
    fn pickle(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.get(py)
    }
    fn arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        obj.cast::<T>()
            .map(|o| Shared(o.clone().unbind()))
            .map_err(|_| errors::wrong_type(obj, what, &format!("a {}", <T as PyClass>::NAME)))
    }
    fn repr(&self, py: Python<'_>) -> String {
        self.0.get().text(py)
    }
}

/// A list of records: a tuple as an attribute, a list of dicts in `to_dict()`.
impl<T: Record> Field for Vec<Shared<T>> {
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        pyo3::types::PyTuple::new(py, self.iter().map(|r| r.0.clone_ref(py)))?.into_py_any(py)
    }
    fn plain(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let list = pyo3::types::PyList::empty(py);
        for r in self {
            list.append(r.0.get().dict(py)?)?;
        }
        list.into_py_any(py)
    }
    fn pickle(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.get(py)
    }
    fn arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        let want = format!("an iterable of {}", <T as PyClass>::NAME);
        items(obj, what, &want, |x| {
            x.cast::<T>().ok().map(|o| Shared(o.clone().unbind()))
        })
    }
    fn repr(&self, py: Python<'_>) -> String {
        repr_tuple(self.iter().map(|r| r.0.get().text(py)).collect())
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
    fn pickle(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match self {
            Some(v) => v.pickle(py),
            None => Ok(py.None()),
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
/// hashed by its fields. `always` fields are always in `repr`, `set` ones only when set (not
/// `None`, `False` or empty), `hidden` ones never (long texts). `field as "key"` gives the
/// key of `to_dict()` when the attribute's name differs (`from_ as "from"`); `flatten` after
/// the `repr` choice puts a nested record's keys at the top level of `to_dict()`, as the
/// core's `#[serde(flatten)]` does. Without the
/// `from ... as ...` clause (and the `= expr` of each field), the conversion from the core
/// value is written by hand.
macro_rules! py_record {
    (@key $field:ident) => { stringify!($field) };
    (@key $field:ident $key:literal) => { $key };
    (@put $d:ident, $py:ident, $v:expr, $key:expr;) => {
        $d.set_item(pyo3::types::PyString::intern($py, $key), $v.plain($py)?)?;
    };
    (@put $d:ident, $py:ident, $v:expr, $key:expr; flatten) => {
        $d.update($v.plain($py)?.bind($py).cast::<pyo3::types::PyMapping>()?)?;
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident ($py:literal) from $core:ty as $c:ident {
            $( $(#[doc = $doc:literal])* $field:ident $(as $key:literal)?: $ty:ty = $from:expr, $show:ident $($flat:ident)?; )+
        }
        methods { $($methods:tt)* }
    ) => {
        impl From<$core> for $name {
            fn from($c: $core) -> Self {
                $name { $( $field: $from, )+ }
            }
        }

        $crate::fields::py_record! {
            $(#[$meta])*
            pub struct $name ($py) {
                $( $(#[doc = $doc])* $field $(as $key)?: $ty, $show $($flat)?; )+
            }
            methods { $($methods)* }
        }
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident ($py:literal) {
            $( $(#[doc = $doc:literal])* $field:ident $(as $key:literal)?: $ty:ty, $show:ident $($flat:ident)?; )+
        }
        methods { $($methods:tt)* }
    ) => {
        $(#[$meta])*
        #[pyclass(module = "smtpcode", name = $py, frozen, eq, hash)]
        #[derive(PartialEq, Eq, Hash)]
        pub struct $name {
            $( pub(crate) $field: $ty, )+
        }

        impl $crate::fields::Record for $name {
            fn dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
                self.to_dict(py)
            }
            fn text(&self, py: Python<'_>) -> String {
                self.__repr__(py)
            }
        }

        #[pymethods]
        impl $name {
            /// Builds a record from its fields, as `to_dict()` gives them (enums as members
            /// or snake_case strings, nested records as objects).
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

            /// The fields as a dict of plain values (enums as their snake_case strings,
            /// nested records as dicts), with the keys of the command's JSON; `json.dumps`
            /// accepts it.
            pub(crate) fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
                use $crate::fields::Field;
                let d = pyo3::types::PyDict::new(py);
                $(
                    $crate::fields::py_record!(
                        @put d, py, self.$field, $crate::fields::py_record!(@key $field $($key)?); $($flat)?
                    );
                )+
                Ok(d)
            }

            fn __reduce__<'py>(
                slf: &Bound<'py, Self>,
            ) -> PyResult<(Bound<'py, pyo3::types::PyType>, Bound<'py, pyo3::types::PyTuple>)> {
                use $crate::fields::Field;
                let py = slf.py();
                let r = slf.get();
                let args = pyo3::types::PyTuple::new(py, [ $( r.$field.pickle(py)?, )+ ])?;
                Ok((slf.get_type(), args))
            }

            /// A copy with the fields named changed (`copy.replace(record, field=value)`
            /// from Python 3.13).
            #[pyo3(signature = (**changes))]
            fn __replace__<'py>(
                slf: &Bound<'py, Self>,
                changes: Option<&Bound<'py, pyo3::types::PyDict>>,
            ) -> PyResult<Bound<'py, PyAny>> {
                use $crate::fields::Field;
                let py = slf.py();
                let r = slf.get();
                let args = pyo3::types::PyDict::new(py);
                $( args.set_item(stringify!($field), r.$field.pickle(py)?)?; )+
                if let Some(changes) = changes {
                    for (k, v) in changes.iter() {
                        if !args.contains(&k)? {
                            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                                "{}.__replace__() got an unexpected keyword argument {}", $py, k.repr()?
                            )));
                        }
                        args.set_item(k, v)?;
                    }
                }
                slf.get_type().call((), Some(&args))
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
