//! `classify_arrow` and `parse_bounces_arrow`: whole Arrow columns in, one Arrow record batch
//! out, through the Arrow PyCapsule interface (so any producer works: pyarrow, Polars, arro3,
//! nanoarrow, DuckDB...; and pyarrow is not needed to call them).
//!
//! The input is imported without copying (pyo3-arrow reads `__arrow_c_array__` or
//! `__arrow_c_stream__`; the arrays point into the producer's buffers) and checked once
//! (offsets and views within their buffers, see [`Texts::new`]). The rows are cut into
//! pieces of [`PIECE`] rows, classified with the GIL released, on the calling thread alone or
//! on a rayon pool; each piece fills column builders of its own, which are appended to the
//! result's builders in input order as soon as the pieces before them are done (at most
//! [`WINDOW`] pieces wait), so the memory of a call is the result plus a few pieces. The
//! calling thread meanwhile lets Python handle signals (Ctrl-C stops the call).
//!
//! The result ([`PyArrowBatch`]) exports itself with `__arrow_c_array__` (a struct array, as a
//! record batch is exported), `__arrow_c_stream__` (a stream of that one batch) and
//! `__arrow_c_schema__`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use arrow_array::builder::{
    BooleanBuilder, Int8Builder, Int16Builder, Int64Builder, StringBuilder, UInt16Builder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::{Int8Type, Int16Type};
use arrow_array::{
    Array, ArrayRef, BinaryArray, BinaryViewArray, DictionaryArray, LargeBinaryArray,
    PrimitiveArray, RecordBatch, StringArray, StructArray, make_array,
};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyList, PyString, PyTuple};
use pyo3_arrow::ffi::{
    ArrayIterator, to_array_pycapsules, to_schema_pycapsule, to_stream_pycapsule,
};
use pyo3_arrow::{PyArray, PyChunkedArray};
use smtpcode::bounce::{DsnAction, Format, Kind};
use smtpcode::{Action, Basis, Bounce, Classification, Command, Outcome, Reason};

use crate::enums::PyEnum;
use crate::errors;
use crate::many::With;

/// Rows per piece: the unit of work a thread takes (a few milliseconds of classification).
const PIECE: usize = 2048;

/// Messages per piece of `parse_bounces_arrow` (a message costs far more than a reply).
const BOUNCE_PIECE: usize = 64;

/// The most finished pieces that may wait for an earlier one before a thread takes no more:
/// bounds the memory of a call beyond its result.
const WINDOW: usize = 16;

/// Rows the calling thread classifies between two looks at Python's signals when it works
/// alone.
const SIGNALS_EVERY: usize = 32 * PIECE;

/// How long the calling thread sleeps between two looks at Python's signals while the pool
/// works.
const SIGNALS_PERIOD: Duration = Duration::from_millis(20);

/// What the input columns may hold, for error messages.
const TEXT_TYPES: &str = "string, large_string, string_view, binary, large_binary, \
                          binary_view, null, or a dictionary of one of them";

/// What the input argument may be, for error messages.
const INPUTS: &str = "an Arrow array or chunked array (an object with __arrow_c_array__ or \
                      __arrow_c_stream__: pyarrow, Polars, arro3, nanoarrow...), or a list of \
                      such chunks";

// ------------------------------------------------------------------------------------------
// Errors that happen with the GIL released.

/// Why a call stopped, found with the GIL released (turned into a Python error after).
enum Stop {
    /// A row of a binary column is not UTF-8 text.
    NotUtf8 { row: usize, valid_up_to: usize },
    /// The result does not fit one Arrow column (a string column's 2 GiB).
    TooLarge(ArrowError),
    /// Python raised during the call (Ctrl-C).
    Python(PyErr),
}

impl Stop {
    fn into_py(self, what: &str) -> PyErr {
        match self {
            Stop::NotUtf8 { row, valid_up_to } => errors::SmtpCodeError::new_err(format!(
                "{what}: row {row} of the binary column is not valid UTF-8 (the bytes from \
                 {valid_up_to} on); replies must be UTF-8 text"
            )),
            Stop::TooLarge(e) => errors::SmtpCodeError::new_err(format!(
                "{what}: the result does not fit one Arrow record batch ({e}); pass fewer rows \
                 at a time"
            )),
            Stop::Python(e) => e,
        }
    }
}

impl From<ArrowError> for Stop {
    fn from(e: ArrowError) -> Self {
        Stop::TooLarge(e)
    }
}

/// Appends a string, or fails before a column's offsets would overflow (an Arrow `string`
/// column holds at most 2 GiB; arrow's builder would panic).
fn push_str(b: &mut StringBuilder, s: Option<&str>) -> Result<(), Stop> {
    match s {
        None => b.append_null(),
        Some(s) => {
            if b.values_slice().len() + s.len() > i32::MAX as usize {
                return Err(Stop::TooLarge(ArrowError::OffsetOverflowError(
                    b.values_slice().len() + s.len(),
                )));
            }
            b.append_value(s);
        }
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------
// The input.

/// One chunk of the input, read as bytes.
enum Texts {
    /// `string` or `binary` (32-bit offsets), read as binary.
    Small(BinaryArray),
    /// `large_string` or `large_binary`.
    Large(LargeBinaryArray),
    /// `string_view` or `binary_view`.
    View(BinaryViewArray),
    /// An array of the `null` type: every row is null.
    Nulls(usize),
    /// A dictionary: each row is the value its key names (null when the key or the value is
    /// null); the values are classified once.
    Dict {
        keys: Vec<usize>,
        valid: Option<arrow_buffer::NullBuffer>,
        values: Box<Texts>,
    },
}

impl Texts {
    /// Reads a chunk of one of the [`TEXT_TYPES`]. The buffers are checked (offsets and
    /// views within bounds, in order) by rebuilding the array data as binary, which
    /// validates it without looking at UTF-8; nothing is copied.
    fn new(array: &ArrayRef, what: &str) -> PyResult<Texts> {
        let malformed = |e: ArrowError| {
            errors::SmtpCodeError::new_err(format!(
                "{what}: the {} array given is malformed: {e}",
                type_label(array.data_type())
            ))
        };
        let as_type = |t: DataType| {
            array
                .to_data()
                .into_builder()
                .data_type(t)
                .build()
                .map(make_array)
                .map_err(malformed)
        };
        Ok(match array.data_type() {
            DataType::Utf8 | DataType::Binary => {
                Texts::Small(as_type(DataType::Binary)?.as_binary::<i32>().clone())
            }
            DataType::LargeUtf8 | DataType::LargeBinary => {
                Texts::Large(as_type(DataType::LargeBinary)?.as_binary::<i64>().clone())
            }
            DataType::Utf8View | DataType::BinaryView => {
                Texts::View(as_type(DataType::BinaryView)?.as_binary_view().clone())
            }
            DataType::Null => Texts::Nulls(array.len()),
            DataType::Dictionary(_, value_type) if text_type(value_type) => {
                array.to_data().validate_full().map_err(malformed)?;
                let dict = array.as_any_dictionary();
                let values = Texts::new(dict.values(), what)?;
                let keys = if dict.values().is_empty() {
                    // validate_full checked that every key is null.
                    vec![0; array.len()]
                } else {
                    dict.normalized_keys()
                };
                Texts::Dict {
                    keys,
                    valid: dict.keys().logical_nulls(),
                    values: Box::new(values),
                }
            }
            other => {
                return Err(wrong_type_named(
                    what,
                    &format!("a column of text ({TEXT_TYPES})"),
                    &type_label(other),
                ));
            }
        })
    }

    fn len(&self) -> usize {
        match self {
            Texts::Small(a) => a.len(),
            Texts::Large(a) => a.len(),
            Texts::View(a) => a.len(),
            Texts::Nulls(n) => *n,
            Texts::Dict { keys, .. } => keys.len(),
        }
    }

    /// The bytes of row `i`, or `None` when it is null. (Not for dictionaries.)
    fn get(&self, i: usize) -> Option<&[u8]> {
        match self {
            Texts::Small(a) => a.is_valid(i).then(|| a.value(i)),
            Texts::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Texts::View(a) => a.is_valid(i).then(|| a.value(i)),
            Texts::Nulls(_) => None,
            Texts::Dict {
                keys,
                valid,
                values,
            } => {
                if valid.as_ref().is_some_and(|v| v.is_null(i)) {
                    None
                } else {
                    values.get(keys[i])
                }
            }
        }
    }
}

fn text_type(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View
            | DataType::Binary
            | DataType::LargeBinary
            | DataType::BinaryView
    )
}

fn binary_type(t: &DataType) -> bool {
    match t {
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => true,
        DataType::Dictionary(_, v) => binary_type(v),
        _ => false,
    }
}

/// The chunks of the argument: an array (`__arrow_c_array__`), a chunked array or any array
/// stream (`__arrow_c_stream__`), or a list or tuple of those, whose types must agree.
fn import_chunks(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<(Vec<ArrayRef>, DataType)> {
    let py = obj.py();
    let one = |o: &Bound<'_, PyAny>, what: &str| -> PyResult<Option<(Vec<ArrayRef>, DataType)>> {
        let imported = |e: PyErr| {
            let err = errors::SmtpCodeError::new_err(format!(
                "{what}: the Arrow data of the {} could not be imported: {}",
                type_name(o),
                e.value(py)
            ));
            err.set_cause(py, Some(e));
            err
        };
        if o.hasattr(pyo3::intern!(py, "__arrow_c_array__"))? {
            let a: PyArray = o.extract().map_err(imported)?;
            let (array, field) = a.into_inner();
            return Ok(Some((vec![array], field.data_type().clone())));
        }
        if o.hasattr(pyo3::intern!(py, "__arrow_c_stream__"))? {
            let c: PyChunkedArray = o.extract().map_err(imported)?;
            let (chunks, field) = c.into_inner();
            return Ok(Some((chunks, field.data_type().clone())));
        }
        Ok(None)
    };
    if let Some(found) = one(obj, what)? {
        return Ok(found);
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut chunks = Vec::new();
        let mut first: Option<DataType> = None;
        for (k, item) in obj.try_iter()?.enumerate() {
            let item = item?;
            let Some((more, t)) = one(&item, &format!("{what} chunk {k}"))? else {
                let hint = if item.is_instance_of::<PyString>() {
                    " (for a list of replies, use classify_many(), or make an Arrow array of \
                     it first)"
                } else {
                    ""
                };
                return Err(errors::wrong_type(
                    &item,
                    &format!("{what} chunk {k}"),
                    &format!("{INPUTS}{hint}"),
                ));
            };
            match &first {
                None => first = Some(t),
                Some(t0) if *t0 != t => {
                    return Err(wrong_type_named(
                        what,
                        &format!("chunks of one type (chunk 0 is {})", type_label(t0)),
                        &format!("{} (chunk {k})", type_label(&t)),
                    ));
                }
                Some(_) => {}
            }
            chunks.extend(more);
        }
        let Some(t) = first else {
            return Err(errors::SmtpCodeError::new_err(format!(
                "{what}: an empty list has no Arrow type; pass an empty Arrow array instead"
            )));
        };
        return Ok((chunks, t));
    }
    Err(errors::wrong_type(obj, what, INPUTS))
}

/// An `InvalidTypeError` saying that `what` wanted `expected` and got `got` (an Arrow type).
fn wrong_type_named(what: &str, expected: &str, got: &str) -> PyErr {
    Python::attach(|py| match errors::invalid_type_error(py) {
        Ok(class) => PyErr::from_type(class.clone(), format!("{what} takes {expected}, not {got}")),
        Err(e) => e,
    })
}

/// An Arrow type as pyarrow writes it (`large_string`, `int64`, `struct<a: string>`...),
/// the names Python users know.
fn type_label(t: &DataType) -> String {
    use DataType as T;
    let fields = |fs: &arrow_schema::Fields| {
        fs.iter()
            .map(|f| format!("{}: {}", f.name(), type_label(f.data_type())))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match t {
        T::Null => "null".into(),
        T::Boolean => "bool".into(),
        T::Int8 => "int8".into(),
        T::Int16 => "int16".into(),
        T::Int32 => "int32".into(),
        T::Int64 => "int64".into(),
        T::UInt8 => "uint8".into(),
        T::UInt16 => "uint16".into(),
        T::UInt32 => "uint32".into(),
        T::UInt64 => "uint64".into(),
        T::Float16 => "halffloat".into(),
        T::Float32 => "float".into(),
        T::Float64 => "double".into(),
        T::Utf8 => "string".into(),
        T::LargeUtf8 => "large_string".into(),
        T::Utf8View => "string_view".into(),
        T::Binary => "binary".into(),
        T::LargeBinary => "large_binary".into(),
        T::BinaryView => "binary_view".into(),
        T::FixedSizeBinary(n) => format!("fixed_size_binary[{n}]"),
        T::List(f) => format!("list<{}>", type_label(f.data_type())),
        T::LargeList(f) => format!("large_list<{}>", type_label(f.data_type())),
        T::Struct(fs) => format!("struct<{}>", fields(fs)),
        T::Dictionary(k, v) => format!(
            "dictionary<values={}, indices={}>",
            type_label(v),
            type_label(k)
        ),
        other => other.to_string().to_lowercase(),
    }
}

/// The name of an object's type.
fn type_name(o: &Bound<'_, PyAny>) -> String {
    o.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// The input of a call: its chunks read as bytes, and the pieces of work.
struct Input {
    chunks: Vec<Texts>,
    /// Each chunk's first row in the whole input.
    starts: Vec<usize>,
    rows: usize,
    /// Rows must be checked for UTF-8 (a binary column of replies).
    check_utf8: bool,
}

impl Input {
    fn import(obj: &Bound<'_, PyAny>, what: &str, check_utf8: bool) -> PyResult<Input> {
        let (arrays, data_type) = import_chunks(obj, what)?;
        let accepted = text_type(&data_type)
            || data_type == DataType::Null
            || matches!(&data_type, DataType::Dictionary(_, v) if text_type(v));
        if !accepted {
            return Err(wrong_type_named(
                what,
                &format!("a column of text ({TEXT_TYPES})"),
                &type_label(&data_type),
            ));
        }
        let mut chunks = Vec::with_capacity(arrays.len());
        let mut starts = Vec::with_capacity(arrays.len());
        let mut rows = 0;
        for a in &arrays {
            if a.data_type() != &data_type {
                // A stream whose chunks do not have the type it declared.
                return Err(wrong_type_named(
                    what,
                    &format!("chunks of the stream's type {}", type_label(&data_type)),
                    &type_label(a.data_type()),
                ));
            }
            if a.is_empty() {
                // Nothing to read (and an empty array's buffers may be null or stale).
                continue;
            }
            starts.push(rows);
            rows += a.len();
            chunks.push(Texts::new(a, what)?);
        }
        Ok(Input {
            chunks,
            starts,
            rows,
            check_utf8: check_utf8 && binary_type(&data_type),
        })
    }

    /// The pieces of work: up to `size` rows of one chunk each, in input order.
    fn pieces(&self, size: usize) -> Vec<Piece> {
        let mut out = Vec::new();
        for (c, t) in self.chunks.iter().enumerate() {
            let mut at = 0;
            while at < t.len() {
                let end = (at + size).min(t.len());
                out.push(Piece {
                    chunk: c,
                    rows: at..end,
                });
                at = end;
            }
        }
        out
    }
}

/// Rows `rows` of chunk `chunk`.
struct Piece {
    chunk: usize,
    rows: Range<usize>,
}

// ------------------------------------------------------------------------------------------
// Running pieces, in order, on one thread or a pool.

/// A part of the result: column builders that pieces fill and that are appended in order.
trait Part: Send + Sized {
    /// Builders for about `rows` rows.
    fn with_capacity(rows: usize) -> Self;
    /// Appends what `other` holds.
    fn append(&mut self, other: Self) -> Result<(), Stop>;
}

/// What the threads share while the pool runs.
struct Shared<P> {
    /// The next piece to append to `out`.
    next: usize,
    /// Pieces done before the ones before them.
    waiting: BTreeMap<usize, P>,
    out: P,
    error: Option<Stop>,
}

/// Fills `out` with the pieces, in order: on the calling thread when `threads` is 1 or there
/// is little work, else on a pool of `threads` threads while the calling thread watches
/// Python's signals. The GIL is released throughout (taken back only to look at signals).
fn run<P: Part>(
    py: Python<'_>,
    pieces: &[Piece],
    threads: usize,
    rows: usize,
    fill: &(dyn Fn(&mut P, &Piece) -> Result<(), Stop> + Sync),
) -> Result<P, Stop> {
    // The pool classify_many uses; none when the system refuses threads (then the calling
    // thread does the work alone).
    let pool = if threads <= 1 || pieces.len() < 2 {
        None
    } else {
        crate::many::pool(threads)
    };
    let Some(pool) = pool else {
        let mut out = P::with_capacity(rows);
        let mut start = 0;
        let mut since = 0;
        for (k, piece) in pieces.iter().enumerate() {
            since += piece.rows.len();
            if since >= SIGNALS_EVERY || k + 1 == pieces.len() {
                // The pieces gathered since the last look at the signals, without the GIL.
                py.detach(|| pieces[start..=k].iter().try_for_each(|p| fill(&mut out, p)))?;
                py.check_signals().map_err(Stop::Python)?;
                start = k + 1;
                since = 0;
            }
        }
        return Ok(out);
    };
    let workers = pool.current_num_threads().min(pieces.len());
    let shared = Mutex::new(Shared {
        next: 0,
        waiting: BTreeMap::new(),
        out: P::with_capacity(rows),
        error: None,
    });
    let changed = Condvar::new();
    let claimed = AtomicUsize::new(0);
    let cancel = AtomicBool::new(false);
    let lock = || shared.lock().unwrap_or_else(PoisonError::into_inner);
    let work = || {
        loop {
            if cancel.load(Ordering::Relaxed) {
                return;
            }
            let k = claimed.fetch_add(1, Ordering::Relaxed);
            let Some(piece) = pieces.get(k) else { return };
            {
                // Wait while too many finished pieces wait for an earlier one.
                let mut s = lock();
                while k >= s.next + WINDOW && !cancel.load(Ordering::Relaxed) {
                    s = changed.wait(s).unwrap_or_else(PoisonError::into_inner);
                }
            }
            let mut part = P::with_capacity(piece.rows.len());
            let result = fill(&mut part, piece);
            let mut s = lock();
            match result {
                Err(e) => {
                    // Keep the error of the earliest piece (the first bad row).
                    if s.error.is_none() {
                        s.error = Some(e);
                    }
                    cancel.store(true, Ordering::Relaxed);
                }
                Ok(()) => {
                    s.waiting.insert(k, part);
                    loop {
                        let next = s.next;
                        let Some(p) = s.waiting.remove(&next) else {
                            break;
                        };
                        if let Err(e) = s.out.append(p) {
                            s.error.get_or_insert(e);
                            cancel.store(true, Ordering::Relaxed);
                            break;
                        }
                        s.next += 1;
                    }
                }
            }
            drop(s);
            changed.notify_all();
        }
    };
    py.detach(|| {
        pool.in_place_scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|_| work());
            }
            // The calling thread watches Python's signals until the pieces are done.
            let mut s = lock();
            while s.next < pieces.len() && s.error.is_none() {
                s = changed
                    .wait_timeout(s, SIGNALS_PERIOD)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
                if s.next < pieces.len() && s.error.is_none() {
                    drop(s);
                    if let Err(e) = Python::attach(|py| py.check_signals()) {
                        lock().error.get_or_insert(Stop::Python(e));
                        cancel.store(true, Ordering::Relaxed);
                        changed.notify_all();
                    }
                    s = lock();
                }
            }
            drop(s);
            // The workers stop at their next piece.
            cancel.store(true, Ordering::Relaxed);
            changed.notify_all();
        });
    });
    let s = shared.into_inner().unwrap_or_else(PoisonError::into_inner);
    match s.error {
        Some(e) => Err(e),
        None => Ok(s.out),
    }
}

// ------------------------------------------------------------------------------------------
// The classification columns.

/// The builders of the classification columns.
struct Columns {
    code: UInt16Builder,
    enhanced: StringBuilder,
    outcome: Int8Builder,
    bounce: Int8Builder,
    reason: Int16Builder,
    action: Int8Builder,
    command: Int8Builder,
    provider: Int16Builder,
    provider_code: StringBuilder,
    retry: BooleanBuilder,
    outcome_inferred: BooleanBuilder,
    basis: Int8Builder,
    rule: StringBuilder,
}

/// Appends an enhanced code as text (`5.1.1`), written by hand: `format!` costs more than
/// the rest of a row's columns together.
fn push_enhanced(b: &mut StringBuilder, e: Option<smtpcode::EnhancedCode>) {
    let Some(e) = e else {
        b.append_null();
        return;
    };
    let mut text = [0u8; 13];
    text[0] = b'0' + e.class().digit();
    let mut len = 1;
    for n in [e.subject(), e.detail()] {
        text[len] = b'.';
        len += 1;
        let mut digits = [0u8; 5];
        let mut k = digits.len();
        let mut n = n;
        loop {
            k -= 1;
            digits[k] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let d = &digits[k..];
        text[len..len + d.len()].copy_from_slice(d);
        len += d.len();
    }
    // Digits and dots only: always UTF-8.
    b.append_value(std::str::from_utf8(&text[..len]).unwrap_or_default());
}

/// The position of an enum value as a dictionary key.
fn key8<E: PyEnum>(v: E) -> i8 {
    v.index() as i8
}

impl Columns {
    /// Appends one classification, or a row of nulls.
    fn push(&mut self, c: Option<&Classification>) -> Result<(), Stop> {
        let Some(c) = c else {
            self.code.append_null();
            self.enhanced.append_null();
            self.outcome.append_null();
            self.bounce.append_null();
            self.reason.append_null();
            self.action.append_null();
            self.command.append_null();
            self.provider.append_null();
            self.provider_code.append_null();
            self.retry.append_null();
            self.outcome_inferred.append_null();
            self.basis.append_null();
            self.rule.append_null();
            return Ok(());
        };
        self.code.append_option(c.code().map(|x| x.as_u16()));
        push_enhanced(&mut self.enhanced, c.enhanced());
        self.outcome.append_value(key8(c.outcome()));
        self.bounce.append_value(key8(c.bounce()));
        self.reason.append_value(c.reason().index() as i16);
        self.action.append_value(key8(c.action()));
        self.command.append_option(c.command().map(key8));
        self.provider
            .append_option(c.provider().map(|p| p.index() as i16));
        push_str(&mut self.provider_code, c.provider_code())?;
        self.retry.append_option(c.retry());
        self.outcome_inferred.append_value(c.outcome_inferred());
        self.basis.append_value(key8(c.basis()));
        push_str(&mut self.rule, Some(c.rule()))
    }

    /// The columns, with their names, in order.
    fn finish(mut self) -> Result<Vec<(&'static str, ArrayRef)>, ArrowError> {
        let providers: Vec<&str> = smtpcode::providers().map(|p| p.name()).collect();
        Ok(vec![
            ("code", Arc::new(self.code.finish()) as ArrayRef),
            ("enhanced", Arc::new(self.enhanced.finish())),
            ("outcome", dict8::<Outcome>(self.outcome.finish())?),
            ("bounce", dict8::<Bounce>(self.bounce.finish())?),
            (
                "reason",
                dict16(self.reason.finish(), Reason::ALL.iter().map(|r| r.as_str()))?,
            ),
            ("action", dict8::<Action>(self.action.finish())?),
            ("command", dict8::<Command>(self.command.finish())?),
            ("provider", dict16(self.provider.finish(), providers)?),
            ("provider_code", Arc::new(self.provider_code.finish())),
            ("retry", Arc::new(self.retry.finish())),
            ("outcome_inferred", Arc::new(self.outcome_inferred.finish())),
            ("basis", dict8::<Basis>(self.basis.finish())?),
            ("rule", Arc::new(self.rule.finish())),
        ])
    }

    /// Appends the rows of `other`.
    fn append_parts(&mut self, mut other: Columns) -> Result<(), Stop> {
        self.code.append_array(&other.code.finish());
        self.enhanced.append_array(&other.enhanced.finish())?;
        self.outcome.append_array(&other.outcome.finish());
        self.bounce.append_array(&other.bounce.finish());
        self.reason.append_array(&other.reason.finish());
        self.action.append_array(&other.action.finish());
        self.command.append_array(&other.command.finish());
        self.provider.append_array(&other.provider.finish());
        self.provider_code
            .append_array(&other.provider_code.finish())?;
        self.retry.append_array(&other.retry.finish());
        self.outcome_inferred
            .append_array(&other.outcome_inferred.finish());
        self.basis.append_array(&other.basis.finish());
        self.rule.append_array(&other.rule.finish())?;
        Ok(())
    }
}

impl Part for Columns {
    fn with_capacity(rows: usize) -> Self {
        Columns {
            code: UInt16Builder::with_capacity(rows),
            enhanced: StringBuilder::with_capacity(rows, rows * 5),
            outcome: Int8Builder::with_capacity(rows),
            bounce: Int8Builder::with_capacity(rows),
            reason: Int16Builder::with_capacity(rows),
            action: Int8Builder::with_capacity(rows),
            command: Int8Builder::with_capacity(rows),
            provider: Int16Builder::with_capacity(rows),
            provider_code: StringBuilder::with_capacity(rows, rows),
            retry: BooleanBuilder::with_capacity(rows),
            outcome_inferred: BooleanBuilder::with_capacity(rows),
            basis: Int8Builder::with_capacity(rows),
            rule: StringBuilder::with_capacity(rows, rows * 16),
        }
    }

    fn append(&mut self, other: Self) -> Result<(), Stop> {
        self.append_parts(other)
    }
}

/// A dictionary column over the names of `E`, keys `i8`.
fn dict8<E: PyEnum>(keys: PrimitiveArray<Int8Type>) -> Result<ArrayRef, ArrowError> {
    let values = StringArray::from_iter_values(E::ALL.iter().map(|v| v.name()));
    Ok(Arc::new(DictionaryArray::<Int8Type>::try_new(
        keys,
        Arc::new(values),
    )?))
}

/// A dictionary column over `names`, keys `i16`.
fn dict16<'a>(
    keys: PrimitiveArray<Int16Type>,
    names: impl IntoIterator<Item = &'a str>,
) -> Result<ArrayRef, ArrowError> {
    let values = StringArray::from_iter_values(names);
    Ok(Arc::new(DictionaryArray::<Int16Type>::try_new(
        keys,
        Arc::new(values),
    )?))
}

/// A record batch of named columns (nullable), `rows` long even without columns.
fn batch(columns: Vec<(&'static str, ArrayRef)>) -> Result<RecordBatch, ArrowError> {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
        .collect();
    let schema: SchemaRef = Arc::new(Schema::new(fields));
    RecordBatch::try_new(schema, columns.into_iter().map(|(_, a)| a).collect())
}

/// The classification of one row (`None` for a null).
fn one(
    with: &With,
    bytes: Option<&[u8]>,
    row: usize,
    check: bool,
) -> Result<Option<Classification>, Stop> {
    bytes
        .map(|b| {
            with.classify_checked(b, check)
                .map_err(|valid_up_to| Stop::NotUtf8 { row, valid_up_to })
        })
        .transpose()
}

/// A dictionary value's classification: `None` for a null, `Err(valid_up_to)` for bytes
/// that are not UTF-8 where they must be (reported for the first row that uses the value).
type Classified = Option<Result<Classification, usize>>;

/// Classifies a dictionary's values once (they are few next to the rows).
fn classify_values(values: &Texts, with: &With, check: bool) -> Vec<Classified> {
    (0..values.len())
        .map(|i| values.get(i).map(|b| with.classify_checked(b, check)))
        .collect()
}

/// `classify_arrow()` with a classifier.
pub(crate) fn classify_arrow_in(
    py: Python<'_>,
    classifier: &smtpcode::Classifier,
    values: &Bound<'_, PyAny>,
    command: Option<&Bound<'_, PyAny>>,
    threads: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyArrowBatch> {
    const WHAT: &str = "classify_arrow()";
    let ctx = crate::context(command)?;
    let threads = errors::threads_arg(threads, WHAT, crate::cores(), crate::cores())?;
    let input = Input::import(values, WHAT, true)?;
    let with = With {
        classifier: classifier.clone(),
        ctx,
    };
    // Dictionaries: their values are classified once, here, without the GIL.
    let dict_values: Vec<Option<Vec<Classified>>> = py.detach(|| {
        input
            .chunks
            .iter()
            .map(|t| match t {
                Texts::Dict { values, .. } => {
                    Some(classify_values(values, &with, input.check_utf8))
                }
                _ => None,
            })
            .collect()
    });
    let pieces = input.pieces(PIECE);
    let fill = |out: &mut Columns, piece: &Piece| -> Result<(), Stop> {
        let texts = &input.chunks[piece.chunk];
        let start = input.starts[piece.chunk];
        match (texts, &dict_values[piece.chunk]) {
            (Texts::Dict { keys, valid, .. }, Some(classified)) => {
                for i in piece.rows.clone() {
                    let c = if valid.as_ref().is_some_and(|v| v.is_null(i)) {
                        None
                    } else {
                        classified.get(keys[i]).and_then(Option::as_ref)
                    };
                    match c {
                        None => out.push(None)?,
                        Some(Ok(c)) => out.push(Some(c))?,
                        Some(Err(valid_up_to)) => {
                            return Err(Stop::NotUtf8 {
                                row: start + i,
                                valid_up_to: *valid_up_to,
                            });
                        }
                    }
                }
            }
            _ => {
                for i in piece.rows.clone() {
                    let c = one(&with, texts.get(i), start + i, input.check_utf8)?;
                    out.push(c.as_ref())?;
                }
            }
        }
        Ok(())
    };
    let columns =
        run::<Columns>(py, &pieces, threads, input.rows, &fill).map_err(|e| e.into_py(WHAT))?;
    let batch = columns
        .finish()
        .and_then(batch)
        .map_err(|e| Stop::TooLarge(e).into_py(WHAT))?;
    Ok(PyArrowBatch { batch })
}

// ------------------------------------------------------------------------------------------
// Bounce messages.

/// The builders of `parse_bounces_arrow`'s columns.
struct BounceColumns {
    message: Int64Builder,
    kind: Int8Builder,
    format: Int8Builder,
    error: StringBuilder,
    truncated: BooleanBuilder,
    recipient: StringBuilder,
    original_recipient: StringBuilder,
    dsn_action: Int8Builder,
    status: StringBuilder,
    remote_mta: StringBuilder,
    diagnostic_type: StringBuilder,
    diagnostic: StringBuilder,
    original_message_id: StringBuilder,
    classification: Columns,
}

impl Part for BounceColumns {
    fn with_capacity(rows: usize) -> Self {
        BounceColumns {
            message: Int64Builder::with_capacity(rows),
            kind: Int8Builder::with_capacity(rows),
            format: Int8Builder::with_capacity(rows),
            error: StringBuilder::new(),
            truncated: BooleanBuilder::with_capacity(rows),
            recipient: StringBuilder::with_capacity(rows, rows * 24),
            original_recipient: StringBuilder::new(),
            dsn_action: Int8Builder::with_capacity(rows),
            status: StringBuilder::with_capacity(rows, rows * 5),
            remote_mta: StringBuilder::new(),
            diagnostic_type: StringBuilder::new(),
            diagnostic: StringBuilder::new(),
            original_message_id: StringBuilder::new(),
            classification: Columns::with_capacity(rows),
        }
    }

    fn append(&mut self, mut o: Self) -> Result<(), Stop> {
        self.message.append_array(&o.message.finish());
        self.kind.append_array(&o.kind.finish());
        self.format.append_array(&o.format.finish());
        self.error.append_array(&o.error.finish())?;
        self.truncated.append_array(&o.truncated.finish());
        self.recipient.append_array(&o.recipient.finish())?;
        self.original_recipient
            .append_array(&o.original_recipient.finish())?;
        self.dsn_action.append_array(&o.dsn_action.finish());
        self.status.append_array(&o.status.finish())?;
        self.remote_mta.append_array(&o.remote_mta.finish())?;
        self.diagnostic_type
            .append_array(&o.diagnostic_type.finish())?;
        self.diagnostic.append_array(&o.diagnostic.finish())?;
        self.original_message_id
            .append_array(&o.original_message_id.finish())?;
        self.classification.append_parts(o.classification)
    }
}

impl BounceColumns {
    /// The report-wide columns of one row.
    fn push_message(
        &mut self,
        index: usize,
        report: Option<&smtpcode::bounce::Report>,
        error: Option<&str>,
    ) -> Result<(), Stop> {
        self.message.append_value(index as i64);
        self.kind.append_option(report.map(|r| key8(r.kind)));
        self.format.append_option(report.map(|r| key8(r.format)));
        push_str(&mut self.error, error)?;
        self.truncated.append_option(report.map(|r| r.truncated));
        push_str(
            &mut self.original_message_id,
            report
                .and_then(|r| r.original.as_ref())
                .and_then(|o| o.message_id.as_deref()),
        )
    }

    /// The recipient columns of one row (all null for a message without recipients).
    fn push_recipient(&mut self, r: Option<&smtpcode::bounce::Recipient>) -> Result<(), Stop> {
        push_str(&mut self.recipient, r.map(|r| r.recipient.as_str()))?;
        push_str(
            &mut self.original_recipient,
            r.and_then(|r| r.original_recipient.as_deref()),
        )?;
        self.dsn_action
            .append_option(r.and_then(|r| r.action).map(key8));
        push_enhanced(&mut self.status, r.and_then(|r| r.status));
        push_str(
            &mut self.remote_mta,
            r.and_then(|r| r.remote_mta.as_deref()),
        )?;
        let d = r.and_then(|r| r.diagnostic.as_ref());
        push_str(&mut self.diagnostic_type, d.and_then(|d| d.kind.as_deref()))?;
        push_str(&mut self.diagnostic, d.map(|d| &*d.text))?;
        self.classification.push(r.map(|r| &r.classification))
    }

    /// The rows of one message.
    fn push(
        &mut self,
        index: usize,
        bytes: Option<&[u8]>,
        classifier: &smtpcode::Classifier,
    ) -> Result<(), Stop> {
        let Some(bytes) = bytes else {
            self.push_message(index, None, None)?;
            return self.push_recipient(None);
        };
        match classifier.parse_bounce(bytes) {
            Err(e) => {
                self.push_message(index, None, Some(&e.to_string()))?;
                self.push_recipient(None)
            }
            Ok(report) if report.recipients.is_empty() => {
                self.push_message(index, Some(&report), None)?;
                self.push_recipient(None)
            }
            Ok(report) => {
                for r in &report.recipients {
                    self.push_message(index, Some(&report), None)?;
                    self.push_recipient(Some(r))?;
                }
                Ok(())
            }
        }
    }

    fn finish(mut self) -> Result<Vec<(&'static str, ArrayRef)>, ArrowError> {
        let mut columns = vec![
            ("message", Arc::new(self.message.finish()) as ArrayRef),
            ("kind", dict8::<Kind>(self.kind.finish())?),
            ("format", dict8::<Format>(self.format.finish())?),
            ("error", Arc::new(self.error.finish())),
            ("truncated", Arc::new(self.truncated.finish())),
            ("recipient", Arc::new(self.recipient.finish())),
            (
                "original_recipient",
                Arc::new(self.original_recipient.finish()),
            ),
            ("dsn_action", dict8::<DsnAction>(self.dsn_action.finish())?),
            ("status", Arc::new(self.status.finish())),
            ("remote_mta", Arc::new(self.remote_mta.finish())),
            ("diagnostic_type", Arc::new(self.diagnostic_type.finish())),
            ("diagnostic", Arc::new(self.diagnostic.finish())),
            (
                "original_message_id",
                Arc::new(self.original_message_id.finish()),
            ),
        ];
        columns.extend(self.classification.finish()?);
        Ok(columns)
    }
}

/// `parse_bounces_arrow()` with a classifier.
pub(crate) fn parse_bounces_arrow_in(
    py: Python<'_>,
    classifier: &smtpcode::Classifier,
    values: &Bound<'_, PyAny>,
    threads: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyArrowBatch> {
    const WHAT: &str = "parse_bounces_arrow()";
    let threads = errors::threads_arg(threads, WHAT, crate::cores(), crate::cores())?;
    // Messages are bytes: a binary column is read as it is, UTF-8 or not.
    let input = Input::import(values, WHAT, false)?;
    let pieces = input.pieces(BOUNCE_PIECE);
    let fill = |out: &mut BounceColumns, piece: &Piece| -> Result<(), Stop> {
        let texts = &input.chunks[piece.chunk];
        let start = input.starts[piece.chunk];
        for i in piece.rows.clone() {
            out.push(start + i, texts.get(i), classifier)?;
        }
        Ok(())
    };
    let columns = run::<BounceColumns>(py, &pieces, threads, input.rows, &fill)
        .map_err(|e| e.into_py(WHAT))?;
    let batch = columns
        .finish()
        .and_then(batch)
        .map_err(|e| Stop::TooLarge(e).into_py(WHAT))?;
    Ok(PyArrowBatch { batch })
}

// ------------------------------------------------------------------------------------------
// The result.

/// An Arrow record batch made by `classify_arrow` or `parse_bounces_arrow`. Read it with any
/// Arrow library through the PyCapsule interface: `pyarrow.record_batch(b)`,
/// `pyarrow.table(b)`, `polars.from_arrow(b)`, `polars.DataFrame(b)`, `duckdb.sql("... FROM
/// b")`, `nanoarrow.Array(b)`...; or `b.to_pyarrow()`. Immutable.
#[pyclass(frozen, module = "smtpcode", name = "ArrowBatch")]
pub struct PyArrowBatch {
    batch: RecordBatch,
}

impl PyArrowBatch {
    fn struct_field(&self) -> Field {
        Field::new_struct("", self.batch.schema_ref().fields().clone(), false)
    }
}

#[pymethods]
impl PyArrowBatch {
    /// The number of rows.
    #[getter]
    fn num_rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// The number of columns.
    #[getter]
    fn num_columns(&self) -> usize {
        self.batch.num_columns()
    }

    /// The names of the columns, in order.
    #[getter]
    fn column_names<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(
            py,
            self.batch.schema_ref().fields().iter().map(|f| f.name()),
        )
    }

    /// The batch as a `pyarrow.RecordBatch` (needs pyarrow 14 or later).
    fn to_pyarrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        py.import("pyarrow")?.getattr("record_batch")?.call1((slf,))
    }

    /// The schema, as an Arrow C schema capsule (PyCapsule interface).
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        Ok(to_schema_pycapsule(py, self.batch.schema_ref().as_ref())?)
    }

    /// The batch as an Arrow C struct array (PyCapsule interface), cast to
    /// `requested_schema` when the types allow it.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let array: ArrayRef = Arc::new(StructArray::from(self.batch.clone()));
        Ok(to_array_pycapsules(
            py,
            Arc::new(self.struct_field()),
            &array,
            requested_schema,
        )?)
    }

    /// The batch as an Arrow C stream of one batch (PyCapsule interface).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let array: ArrayRef = Arc::new(StructArray::from(self.batch.clone()));
        let reader = ArrayIterator::new(vec![Ok(array)], Arc::new(self.struct_field()));
        Ok(to_stream_pycapsule(py, Box::new(reader), requested_schema)?)
    }

    fn __len__(&self) -> usize {
        self.batch.num_rows()
    }

    fn __repr__(&self) -> String {
        let cols: Vec<String> = self
            .batch
            .schema_ref()
            .fields()
            .iter()
            .map(|f| format!("{}: {}", f.name(), f.data_type()))
            .collect();
        format!(
            "<smtpcode.ArrowBatch: {} rows; {}>",
            self.batch.num_rows(),
            cols.join(", ")
        )
    }
}

/// Classifies every row of an Arrow column of replies and returns an ``ArrowBatch`` with
/// one row per input row, in order.
///
/// ``values`` is any Arrow array or chunked array given through the Arrow PyCapsule
/// interface (``__arrow_c_array__`` or ``__arrow_c_stream__``: a pyarrow Array or
/// ChunkedArray, a Polars Series, an arro3 or nanoarrow array...), or a list of such chunks
/// of one type. Its type is string, large_string, string_view, binary, large_binary or
/// binary_view (binary rows must be UTF-8 text), null, or a dictionary of one of these
/// (each distinct value is classified once). The input is read in place, not copied.
///
/// The columns: ``code`` (uint16), ``enhanced`` (string, ``"5.1.1"``), ``outcome``,
/// ``bounce``, ``reason``, ``action``, ``command``, ``provider`` (dictionaries whose values
/// are the names of ``OUTCOME_NAMES``... and the provider ids), ``provider_code`` (string),
/// ``retry`` and ``outcome_inferred`` (bool), ``basis`` (dictionary), ``rule`` (string): the
/// fields of ``Classification``. A null row gives a row of nulls; ``retry`` is also null
/// where the outcome is unknown.
///
/// The GIL is released; the rows are classified on ``threads`` threads (by default the
/// available cores; ``threads=1`` stays on the calling thread), Ctrl-C stops the call.
/// ``command`` applies to every row; ``classifier`` gives user rules (as
/// ``Classifier.classify_arrow``).
///
/// Raises InvalidTypeError (a TypeError) for an object without the Arrow interface, a column
/// of another type or chunks of different types, and SmtpCodeError for a binary row that is
/// not UTF-8 (naming the row) or a malformed array.
#[pyfunction]
#[pyo3(signature = (values, *, command = None, threads = None, classifier = None))]
pub fn classify_arrow(
    py: Python<'_>,
    values: &Bound<'_, PyAny>,
    command: Option<&Bound<'_, PyAny>>,
    threads: Option<&Bound<'_, PyAny>>,
    classifier: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyArrowBatch> {
    match classifier_arg(classifier, "classify_arrow()")? {
        Some(c) => classify_arrow_in(py, c.get().classifier(), values, command, threads),
        None => classify_arrow_in(py, &smtpcode::Classifier::new(), values, command, threads),
    }
}

/// Parses every row of an Arrow column of raw bounce messages (binary, or text) and
/// returns an ``ArrowBatch`` with one row per recipient, in input order.
///
/// Every message gives at least one row, so none is lost: ``message`` (int64) is the index of
/// the row it came from; ``kind`` and ``format`` (dictionaries), ``truncated`` (bool) and
/// ``original_message_id`` describe the message; ``error`` holds why a message could not be
/// read (empty, not an email message), with the other columns null; a message without
/// recipients gives one row whose recipient columns are null; a null message gives a row of
/// nulls. The recipient columns: ``recipient``, ``original_recipient``, ``dsn_action``
/// (dictionary), ``status`` (string), ``remote_mta``, ``diagnostic_type``, ``diagnostic``,
/// then the columns of ``classify_arrow`` for its diagnostic. Input and threads as in
/// ``classify_arrow``.
#[pyfunction]
#[pyo3(signature = (values, *, threads = None, classifier = None))]
pub fn parse_bounces_arrow(
    py: Python<'_>,
    values: &Bound<'_, PyAny>,
    threads: Option<&Bound<'_, PyAny>>,
    classifier: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyArrowBatch> {
    match classifier_arg(classifier, "parse_bounces_arrow()")? {
        Some(c) => parse_bounces_arrow_in(py, c.get().classifier(), values, threads),
        None => parse_bounces_arrow_in(py, &smtpcode::Classifier::new(), values, threads),
    }
}

/// The `classifier=` argument: `None` or a `Classifier`.
fn classifier_arg<'a, 'py>(
    classifier: Option<&'a Bound<'py, PyAny>>,
    what: &str,
) -> PyResult<Option<&'a Bound<'py, crate::classifier::PyClassifier>>> {
    match classifier {
        None => Ok(None),
        Some(c) if c.is_none() => Ok(None),
        Some(c) => c
            .cast::<crate::classifier::PyClassifier>()
            .map(Some)
            .map_err(|_| {
                errors::wrong_type(c, &format!("{what} classifier"), "a smtpcode.Classifier")
            }),
    }
}

/// The benchmark's baseline: the seconds of the fastest of ``passes`` passes of the core
/// crate's classify over every row, on one thread, with no result built.
#[pyfunction]
#[pyo3(signature = (values, passes = 3))]
pub fn _classify_rust_loop(
    py: Python<'_>,
    values: &Bound<'_, PyAny>,
    passes: usize,
) -> PyResult<f64> {
    let input = Input::import(values, "_classify_rust_loop()", false)?;
    Ok(py.detach(|| {
        let mut best = f64::INFINITY;
        for _ in 0..passes.max(1) {
            let t = std::time::Instant::now();
            let mut sum = 0usize;
            for texts in &input.chunks {
                for i in 0..texts.len() {
                    if let Some(b) = texts.get(i) {
                        sum = sum.wrapping_add(smtpcode::classify(b).rule().len());
                    }
                }
            }
            std::hint::black_box(sum);
            best = best.min(t.elapsed().as_secs_f64());
        }
        best
    }))
}
