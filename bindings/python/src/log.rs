//! Mail logs for Python (`smtpcode.read_log`, `smtpcode.suppression_list`): the native
//! half. `_LogReader` turns batches of lines into event tuples with the GIL released (the
//! core crate's `smtpcode::log::LogReader`); `_LogFile` reads a log file's lines, gzip and
//! zstd decompressed, in bounded memory; `_suppression_list` is the core's suppression
//! list over the fields of events. The frozen records (`LogEvent`, `Suppression`) and the
//! iteration are in `smtpcode/_log.py`; every decision is the core crate's.

use std::io::{BufRead, BufReader, Read};
use std::sync::Mutex;

use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};
use smtpcode::log::{Bounced, Event, LogReader, LogTime, Mta, Status, SuppressionList};
use smtpcode::{Bounce, Reason};

use crate::classifier::PyClassifier;
use crate::errors;
use crate::records::PyClassification;

/// The longest line kept whole, the command's; the rest of a longer line is dropped, its
/// events are marked truncated and a problem says so.
const MAX_LINE: usize = smtpcode_cli::lines::MAX_LINE;

/// Reads log lines into events, keeping the joins between lines (one per log).
#[pyclass(module = "smtpcode._smtpcode", name = "_LogReader")]
pub struct PyLogReader {
    inner: LogReader,
}

/// `(year, month, day, hour, minute, second, microsecond, utc offset in seconds or None)`.
type TimeParts = (i16, i8, i8, i8, i8, i8, i32, Option<i32>);

fn time_parts(t: &LogTime) -> TimeParts {
    let c = t.civil();
    (
        c.year(),
        c.month(),
        c.day(),
        c.hour(),
        c.minute(),
        c.second(),
        c.subsec_nanosecond() / 1000,
        t.offset().map(|o| o.seconds()),
    )
}

/// The fields of an event, in the order of `LogEvent`'s after `file` and `line`.
fn event_tuple<'py>(py: Python<'py>, e: Event) -> PyResult<Bound<'py, PyTuple>> {
    let c: PyClassification = e.classification.into();
    let items: Vec<Py<PyAny>> = vec![
        e.mta.as_str().into_py_any(py)?,
        e.time.into_py_any(py)?,
        e.timestamp.as_ref().map(time_parts).into_py_any(py)?,
        e.host.into_py_any(py)?,
        e.program.into_py_any(py)?,
        e.queue_id.into_py_any(py)?,
        e.recipient.into_py_any(py)?,
        e.original_recipient.into_py_any(py)?,
        e.sender.into_py_any(py)?,
        e.relay.into_py_any(py)?,
        e.helo.into_py_any(py)?,
        e.status.as_str().into_py_any(py)?,
        e.probe.into_py_any(py)?,
        e.dsn.into_py_any(py)?,
        e.text.into_py_any(py)?,
        e.truncated.into_py_any(py)?,
        e.cause.map(|r| r.as_str()).into_py_any(py)?,
        c.into_py_any(py)?,
    ];
    PyTuple::new(py, items)
}

#[pymethods]
impl PyLogReader {
    /// A reader: `log_format` forces a format (`"postfix"`...), `year` is the year of
    /// traditional syslog times, `classifier` a `smtpcode.Classifier` (a user's rules).
    #[new]
    #[pyo3(signature = (log_format = None, year = None, classifier = None))]
    fn new(
        log_format: Option<&str>,
        year: Option<i16>,
        classifier: Option<PyRef<'_, PyClassifier>>,
    ) -> PyResult<Self> {
        let mut r = LogReader::new();
        if let Some(f) = log_format {
            let m: Mta = f.parse().map_err(errors::unknown_name)?;
            r = r.format(m);
        }
        if let Some(y) = year {
            r = r.year(y);
        }
        if let Some(c) = classifier {
            r = r.classifier(c.classifier().clone());
        }
        Ok(PyLogReader { inner: r })
    }

    /// A new file of the same log begins (CSV headers are forgotten, joins kept).
    fn new_input(&mut self) {
        self.inner.new_input();
    }

    /// Reads `lines` (bytes, without line endings), numbered from `first`: a list of
    /// `(line number, problem or None, [event tuples])` for the lines that gave events or
    /// have a problem. A line longer than 1 MiB is read up to there: its events are marked
    /// truncated and the problem says so. The lines are read with the GIL released.
    fn read_lines<'py>(
        &mut self,
        py: Python<'py>,
        lines: Vec<Vec<u8>>,
        first: u64,
    ) -> PyResult<Bound<'py, PyList>> {
        let reader = &mut self.inner;
        let results: Vec<(u64, Option<String>, Vec<Event>)> = py.detach(|| {
            let mut out = Vec::new();
            for (i, line) in lines.iter().enumerate() {
                let cut = line.len() > MAX_LINE;
                let mut ev = Vec::new();
                let info = reader.read_line(&line[..line.len().min(MAX_LINE)], &mut ev);
                let mut problem = info.problem;
                if cut {
                    for e in &mut ev {
                        e.truncated = true;
                    }
                    let note = format!(
                        "line longer than {} MiB: read its first MiB",
                        MAX_LINE >> 20
                    );
                    problem = Some(match problem {
                        Some(p) => format!("{note}; {p}"),
                        None => note,
                    });
                }
                if !ev.is_empty() || problem.is_some() {
                    out.push((first + i as u64, problem, ev));
                }
            }
            out
        });
        let list = PyList::empty(py);
        for (n, problem, ev) in results {
            let events = PyList::empty(py);
            for e in ev {
                events.append(event_tuple(py, e)?)?;
            }
            list.append((n, problem, events))?;
        }
        Ok(list)
    }
}

/// A log file's lines, decompressed when the file starts with the gzip or zstd magic.
#[pyclass(module = "smtpcode._smtpcode", name = "_LogFile")]
pub struct PyLogFile {
    /// In a mutex only to be shareable between threads; the methods take `&mut self`
    /// (PyO3 refuses a second borrow at a time), so it is never contended.
    reader: Mutex<Box<dyn BufRead + Send>>,
    done: bool,
}

#[pymethods]
impl PyLogFile {
    /// Opens `path`; raises `OSError` when it cannot be opened.
    #[new]
    fn new(path: std::path::PathBuf) -> PyResult<Self> {
        let mut raw = BufReader::with_capacity(256 * 1024, std::fs::File::open(&path)?);
        let head = raw.fill_buf()?;
        let reader: Box<dyn BufRead + Send> = if head.starts_with(&[0x1f, 0x8b]) {
            Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(raw)))
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Box::new(BufReader::new(zstd::stream::read::Decoder::with_buffer(
                raw,
            )?))
        } else {
            Box::new(raw)
        };
        Ok(PyLogFile {
            reader: Mutex::new(reader),
            done: false,
        })
    }

    /// Up to `n` more lines (bytes, without line endings; of a line longer than 1 MiB, one
    /// byte more than 1 MiB is kept, so that the reader sees it is too long): an empty list
    /// at the end. Raises `OSError` when the file cannot be read (a corrupt compressed file),
    /// after the lines read before the error.
    fn read_lines<'py>(&mut self, py: Python<'py>, n: usize) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        if self.done {
            return Ok(list);
        }
        let reader = self
            .reader
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (lines, end, err) = py.detach(|| {
            let keep = MAX_LINE as u64 + 1;
            let mut lines = Vec::with_capacity(n);
            let mut buf = Vec::new();
            for _ in 0..n {
                buf.clear();
                match reader.by_ref().take(keep).read_until(b'\n', &mut buf) {
                    Ok(0) => return (lines, true, None),
                    Ok(_) => {
                        if buf.last() != Some(&b'\n') && buf.len() as u64 == keep {
                            // Drop the rest of the over-long line.
                            if let Err(e) = skip_line(reader) {
                                lines.push(std::mem::take(&mut buf));
                                return (lines, true, Some(e));
                            }
                        }
                        let mut l = std::mem::take(&mut buf);
                        if l.last() == Some(&b'\n') {
                            l.pop();
                            if l.last() == Some(&b'\r') {
                                l.pop();
                            }
                        }
                        lines.push(l);
                    }
                    Err(e) => return (lines, true, Some(e)),
                }
            }
            (lines, false, None)
        });
        self.done = end;
        for l in lines {
            list.append(PyBytes::new(py, &l))?;
        }
        if let Some(e) = err {
            if list.is_empty() {
                return Err(e.into());
            }
            // The lines read before the error come first; the error with the next call.
            self.done = false;
            self.reader = Mutex::new(Box::new(Failed(Some(e))));
        }
        Ok(list)
    }
}

/// Reads and drops the rest of a line, up to and with its `\n`.
fn skip_line(reader: &mut dyn BufRead) -> std::io::Result<()> {
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(());
        }
        match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = chunk.len();
                reader.consume(n);
            }
        }
    }
}

/// A reader that gives one error, then the end.
struct Failed(Option<std::io::Error>);

impl Read for Failed {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

impl BufRead for Failed {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(&[]),
        }
    }
    fn consume(&mut self, _: usize) {}
}

/// One delivery's fields for the suppression list: `(recipient, status, bounce, reason,
/// code, enhanced, time, timestamp as ISO 8601, text)`.
type Fields = (
    Option<String>,
    Option<String>,
    String,
    String,
    Option<u16>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

/// The core crate's suppression list over the fields of deliveries: a list of
/// `(address, count, last_time, last_timestamp as ISO 8601, reason, code, enhanced, text)`,
/// sorted by address.
#[pyfunction]
pub fn _suppression_list<'py>(
    py: Python<'py>,
    deliveries: Vec<Fields>,
) -> PyResult<Bound<'py, PyList>> {
    let mut list = SuppressionList::new();
    for (recipient, status, bounce, reason, code, enhanced, time, ts, text) in &deliveries {
        let Some(recipient) = recipient else { continue };
        let status: Option<Status> = match status {
            Some(s) => Some(s.parse().map_err(errors::unknown_name)?),
            None => None,
        };
        let bounce: Bounce = bounce.parse().map_err(errors::unknown_name)?;
        let reason: Reason = reason.parse().map_err(errors::unknown_name)?;
        list.add_fields(Bounced {
            recipient,
            status,
            bounce,
            reason,
            code: *code,
            enhanced: enhanced.as_deref(),
            time: time.as_deref(),
            timestamp: ts.as_deref().and_then(LogTime::parse),
            text,
        });
    }
    let out = PyList::empty(py);
    for s in list.into_sorted() {
        out.append((
            s.address,
            s.count,
            s.last_time,
            s.last_timestamp.map(|t| time_parts(&t)),
            s.reason.as_str(),
            s.code,
            s.enhanced,
            s.text,
        ))?;
    }
    Ok(out)
}
