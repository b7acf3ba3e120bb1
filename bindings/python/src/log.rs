//! Mail logs for Python (`smtpcode.read_log`, `smtpcode.suppression_list`): the native
//! half. The records `LogEvent` and `Suppression` (one field list each, the core's);
//! `_LogReader` turns batches of lines into events with the GIL released (the core crate's
//! `smtpcode::log::LogReader`); `_LogFile` reads a log file's lines, gzip and zstd
//! decompressed, in bounded memory; `suppression_list` is the core's suppression list over
//! events and bounce recipients. The iteration is in `smtpcode/_log.py`; every decision is the core
//! crate's.

use std::io::{BufRead, BufReader, Read};
use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};
use smtpcode::log::{
    Bounced, Event, LogReader, LogTime, Mta, Status, Suppression, SuppressionList,
};
use smtpcode::{Reason, ReplyCode};

use crate::bounce::PyBounceRecipient;
use crate::classifier::PyClassifier;
use crate::errors;
use crate::fields::{Shared, py_record};
use crate::records::PyClassification;
use smtpcode_cli::lines;

/// The longest line kept whole, the command's; the rest of a longer line is dropped, its
/// events are marked truncated and a problem says so.
const MAX_LINE: usize = smtpcode_cli::lines::MAX_LINE;

/// Reads log lines into events, keeping the joins between lines (one per log).
#[pyclass(module = "smtpcode._smtpcode", name = "_LogReader")]
pub struct PyLogReader {
    inner: LogReader,
}

py_record! {
    /// One delivery event of a mail log (`smtpcode::log::Event`): one recipient, one attempt
    /// (or one inbound refusal), with the source and line it was read from. `classification`
    /// is the reply's, with everything the line tells (the command answered, the log's
    /// status: `sent` is success whatever the text says, `expired` is `Reason.EXPIRED`).
    /// `to_dict()` has the keys of `smtpcode logs --format json` (the classification's at
    /// the top level).
    pub struct PyLogEvent ("LogEvent") {
        /// The source: a path, `"<file>"` or `"<lines>"`.
        file: String, always;
        /// The line number in the source, from 1.
        line: u64, always;
        /// The format of the line: a `LogFormat`.
        mta: Mta, always;
        /// The time as the line writes it.
        time: Option<String>, set;
        /// The time read, as a `datetime` (aware when the log gives an offset; `None` for
        /// traditional syslog times without `year=`, and for a time `datetime` cannot hold).
        timestamp: Option<LogTime>, hidden;
        /// The host that wrote the line (syslog's host name).
        host: Option<String>, hidden;
        /// The program that wrote the line (`postfix/smtp`).
        program: Option<String>, hidden;
        /// The queue or message id.
        queue_id: Option<String>, set;
        /// The recipient (after aliasing, where the MTA says).
        recipient: Option<String>, always;
        /// The original recipient, when it differs.
        original_recipient: Option<String>, hidden;
        /// The envelope sender (`""` is the null sender), from the line or joined by queue id.
        sender: Option<String>, hidden;
        /// The remote host: the relay a delivery went to, or the client an inbound refusal
        /// answered.
        relay: Option<String>, hidden;
        /// The client's HELO name, for an inbound refusal.
        helo: Option<String>, hidden;
        /// What the log says happened: a `LogStatus`.
        status: Status, always;
        /// A Postfix address-verification probe, not a delivery of a message.
        probe: bool, set;
        /// The enhanced status code the log gives in a field of its own (`dsn=`).
        dsn: Option<String>, hidden;
        /// The reply or reason, as the log writes it.
        text: String, hidden;
        /// The line was cut before its end.
        truncated: bool, set;
        /// For an expiry: the reason the text gives (why the message kept failing).
        cause: Option<Reason>, set;
        /// The reply's classification.
        classification: Shared<PyClassification>, always flatten;
    }
    methods {}
}

impl PyLogEvent {
    fn from_core(py: Python<'_>, file: &str, line: u64, e: Event) -> PyResult<Self> {
        Ok(PyLogEvent {
            file: file.to_owned(),
            line,
            mta: e.mta,
            time: e.time,
            timestamp: e.timestamp,
            host: e.host,
            program: e.program,
            queue_id: e.queue_id,
            recipient: e.recipient,
            original_recipient: e.original_recipient,
            sender: e.sender,
            relay: e.relay,
            helo: e.helo,
            status: e.status,
            probe: e.probe,
            dsn: e.dsn,
            text: e.text,
            truncated: e.truncated,
            cause: e.cause,
            classification: Shared(Py::new(py, PyClassification::from(e.classification))?),
        })
    }
}

py_record! {
    /// One address to stop sending to (`smtpcode::log::Suppression`): its hard bounces
    /// counted, and the last one's time, reason, codes and text.
    pub struct PySuppression ("Suppression") from Suppression as s {
        /// The address, in lower case.
        address: String = s.address, always;
        /// How many hard bounces it had.
        count: u64 = s.count, always;
        /// The time of the last one, as written.
        last_time: Option<String> = s.last_time, always;
        /// The time of the last one, as a `datetime` (see `LogEvent.timestamp`).
        last_timestamp: Option<LogTime> = s.last_timestamp, hidden;
        /// The reason of the last one: a `Reason`.
        reason: Reason = s.reason, always;
        /// Its reply code.
        code: Option<ReplyCode> = s.code.and_then(ReplyCode::new), always;
        /// Its enhanced status code.
        enhanced: Option<String> = s.enhanced, always;
        /// Its reply text.
        text: String = s.text, hidden;
    }
    methods {}
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

    /// Reads `lines` (bytes, without line endings) of the source `file`, numbered from
    /// `first`: a list of `(line number, problem or None, [LogEvent])` for the lines that
    /// gave events or have a problem. A line longer than 1 MiB is read up to there: its events are marked
    /// truncated and the problem says so. The lines are read with the GIL released.
    fn read_lines<'py>(
        &mut self,
        py: Python<'py>,
        file: &str,
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
                events.append(PyLogEvent::from_core(py, file, n, e)?)?;
            }
            list.append((n, problem, events))?;
        }
        Ok(list)
    }
}

/// A log file's lines, decompressed when the file starts with the gzip or zstd magic (the
/// command's reading: `smtpcode_cli::lines`).
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
        let raw = BufReader::with_capacity(256 * 1024, std::fs::File::open(&path)?);
        Ok(PyLogFile {
            reader: Mutex::new(Box::new(lines::Decoded::new(raw)?)),
            done: false,
        })
    }

    /// Up to `n` more lines (bytes, without line endings; a line longer than 1 MiB is cut
    /// there and one byte more is kept, so that the reader sees it is too long): an empty
    /// list at the end. Raises `OSError` when the file cannot be read (a corrupt compressed
    /// file), after the lines read before the error.
    fn read_lines<'py>(&mut self, py: Python<'py>, n: usize) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        if self.done {
            return Ok(list);
        }
        let reader = self
            .reader
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (got, end, err) = py.detach(|| {
            let mut got = Vec::with_capacity(n);
            let mut buf = Vec::new();
            for _ in 0..n {
                match lines::next_line(reader, &mut buf) {
                    Ok(Some(truncated)) => {
                        let mut l = buf.clone();
                        if truncated {
                            l.push(b' ');
                        }
                        got.push(l);
                    }
                    Ok(None) => return (got, true, None),
                    Err(e) => return (got, true, Some(e)),
                }
            }
            (got, false, None)
        });
        self.done = end;
        for l in got {
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

/// The addresses to stop sending to, sorted: each recipient of a hard bounce of outgoing
/// mail (inbound refusals do not count), once, with the count and the last bounce's time,
/// reason and text (the core crate's SuppressionList). Takes LogEvent records and the
/// BounceRecipient records of parse_bounce reports, in any iterable.
#[pyfunction]
pub fn suppression_list<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    const WHAT: &str = "suppression_list()";
    const WANT: &str = "an iterable of LogEvent or BounceRecipient";
    if events.is_instance_of::<pyo3::types::PyString>() {
        return Err(errors::wrong_type(events, WHAT, WANT));
    }
    let mut list = SuppressionList::new();
    let iter = events
        .try_iter()
        .map_err(|_| errors::wrong_type(events, WHAT, WANT))?;
    for item in iter {
        let item = item?;
        let (recipient, status, c, time, timestamp, text) = if let Ok(e) = item.cast::<PyLogEvent>()
        {
            let e = e.get();
            (
                e.recipient.as_deref(),
                Some(e.status),
                e.classification.0.get(),
                e.time.as_deref(),
                e.timestamp,
                &*e.text,
            )
        } else if let Ok(r) = item.cast::<PyBounceRecipient>() {
            let r = r.get();
            let text = r.diagnostic.as_deref().unwrap_or("");
            let c = r.classification.0.get();
            (Some(&*r.recipient), None, c, None, None, text)
        } else {
            return Err(errors::wrong_type(&item, WHAT, WANT));
        };
        let Some(recipient) = recipient else { continue };
        let enhanced = c.enhanced.map(|e| e.to_string());
        list.add_fields(Bounced {
            recipient,
            status,
            bounce: c.bounce,
            reason: c.reason,
            code: c.code.map(ReplyCode::as_u16),
            enhanced: enhanced.as_deref(),
            time,
            timestamp,
            text,
        });
    }
    PyList::new(py, list.into_sorted().into_iter().map(PySuppression::from))
}
