"""Mail logs: ``read_log`` yields one frozen ``LogEvent`` per delivery event of a Postfix,
Exim, Sendmail, OpenSMTPD, KumoMTA, PowerMTA or Exchange log, and ``suppression_list``
gives the addresses to stop sending to. The reading, the joins between lines and the
classification are the Rust core crate's (``smtpcode::log``), and so are the records
(``LogEvent``, ``Suppression``) and ``suppression_list``; this module reads the sources in
batches and iterates.

>>> import smtpcode
>>> events = list(smtpcode.read_log([
...     "Dec  4 21:30:21 mx1 postfix/smtp[4711]: 4F2A1B3C9D: to=<jo@example.net>, "
...     "relay=mx.example.net[203.0.113.25]:25, dsn=5.1.1, status=bounced (host "
...     "mx.example.net[203.0.113.25] said: 550 5.1.1 User unknown (in reply to RCPT TO command))",
... ]))
>>> events[0].status, events[0].recipient, events[0].classification.reason
(<LogStatus.BOUNCED: 'bounced'>, 'jo@example.net', <Reason.MAILBOX_UNKNOWN: 'mailbox_unknown'>)
"""

import os
import warnings
from typing import Any, Iterable, Iterator, List, Optional, Tuple, Union

from . import _smtpcode
from ._enums import LogFormat

__all__ = ["LogEvent", "Suppression", "LogWarning", "read_log", "suppression_list"]

#: Lines handed to the native reader at once (read with the GIL released).
_BATCH = 2048


class LogWarning(UserWarning):
    """A line that looks like a record of a known log format but cannot be read as one (a
    JSON record cut short, a CSV row before its header); the message names the source and
    the line. The other lines are still read."""


LogEvent = _smtpcode.LogEvent
Suppression = _smtpcode.Suppression
suppression_list = _smtpcode.suppression_list


#: What ``read_log`` reads: a path, or an iterable of lines (a list, a file object).
Source = Union[str, "os.PathLike[str]", Iterable[Union[str, bytes]]]


def _open(source: Source) -> Iterator[Tuple[str, List[bytes]]]:
    """The source's name and its lines in batches, as bytes without line endings. The file
    is opened and the source's type checked now; the lines are read as the batches are."""
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        return _file_batches(name, _smtpcode._LogFile(name))
    if isinstance(source, (bytes, bytearray, memoryview)):
        raise _smtpcode.InvalidTypeError(
            "read_log() takes a path, a file or an iterable of lines, not %s "
            "(wrap one line in a list)" % type(source).__name__
        )
    given = getattr(source, "name", None)
    name = given if isinstance(given, str) else ("<file>" if hasattr(source, "read") else "<lines>")
    try:
        it = iter(source)
    except TypeError:
        raise _smtpcode.InvalidTypeError(
            "read_log() takes a path, a file or an iterable of str or bytes lines, not %s"
            % type(source).__name__
        ) from None
    return _line_batches(name, it)


def _file_batches(name: str, f: "_smtpcode._LogFile") -> Iterator[Tuple[str, List[bytes]]]:
    done = 0
    while True:
        try:
            lines = f.read_lines(_BATCH)
        except OSError as e:
            raise OSError("%s: after line %d: %s" % (name, done, e)) from e
        if not lines:
            return
        done += len(lines)
        yield name, lines


def _line_batches(name: str, it: Iterator[Any]) -> Iterator[Tuple[str, List[bytes]]]:
    batch: List[bytes] = []
    for line in it:
        if isinstance(line, str):
            b = line.encode("utf-8", "surrogateescape")
        elif isinstance(line, (bytes, bytearray, memoryview)):
            b = bytes(line)
        else:
            raise _smtpcode.InvalidTypeError(
                "read_log(): a line must be str or bytes, not %s" % type(line).__name__
            )
        if b.endswith(b"\n"):
            b = b[:-1]
            if b.endswith(b"\r"):
                b = b[:-1]
        batch.append(b)
        if len(batch) >= _BATCH:
            yield name, batch
            batch = []
    if batch:
        yield name, batch


def read_log(
    source: Source,
    *,
    log_format: Union[LogFormat, str, None] = None,
    year: Optional[int] = None,
    classifier: Optional["_smtpcode.Classifier"] = None,
) -> Iterator[LogEvent]:
    """Yields the delivery events of a mail log, in order: ``source`` is a path (plain,
    gzip or zstd), a file object, or an iterable of lines (``str`` or ``bytes``). Lines that
    are no delivery give nothing. ``log_format`` reads every line as that format;
    ``year`` is the year of traditional syslog times (which have none); ``classifier`` a
    ``smtpcode.Classifier`` with a user's rules. Lines that look like a record of a known
    format but cannot be read are reported with ``LogWarning``; a file that cannot be read
    raises ``OSError`` (when it is opened, here; when it turns out corrupt, from the
    iteration, after the events of the lines before). Memory stays bounded: lines are read
    in batches of a few thousand."""
    fmt = None if log_format is None else str(log_format)
    reader = _smtpcode._LogReader(fmt, year, classifier)
    return _events(reader, _open(source))


def _events(
    reader: "_smtpcode._LogReader", batches: Iterator[Tuple[str, List[bytes]]]
) -> Iterator[LogEvent]:
    first = 1
    for name, lines in batches:
        for n, problem, events in reader.read_lines(name, lines, first):
            if problem is not None:
                warnings.warn(LogWarning("%s:%d: %s" % (name, n, problem)), stacklevel=2)
            yield from events
        first += len(lines)
