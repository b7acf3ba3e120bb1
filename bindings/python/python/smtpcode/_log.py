"""Mail logs: ``read_log`` yields one frozen ``LogEvent`` per delivery event of a Postfix,
Exim, Sendmail, OpenSMTPD, KumoMTA, PowerMTA or Exchange log, and ``suppression_list``
gives the addresses to stop sending to. The reading, the joins between lines and the
classification are the Rust core crate's (``smtpcode::log``); this module iterates and
builds records.

>>> import smtpcode
>>> events = list(smtpcode.read_log([
...     "Dec  4 21:30:21 mx1 postfix/smtp[4711]: 4F2A1B3C9D: to=<jo@example.net>, "
...     "relay=mx.example.net[203.0.113.25]:25, dsn=5.1.1, status=bounced (host "
...     "mx.example.net[203.0.113.25] said: 550 5.1.1 User unknown (in reply to RCPT TO command))",
... ]))
>>> events[0].status, events[0].recipient, events[0].classification.reason
(<LogStatus.BOUNCED: 'bounced'>, 'jo@example.net', <Reason.MAILBOX_UNKNOWN: 'mailbox_unknown'>)
"""

import dataclasses
import datetime
import os
import warnings
from typing import Any, Iterable, Iterator, List, Optional, Tuple, Union

from . import _smtpcode
from ._enums import LogFormat, LogStatus, Reason

__all__ = ["LogEvent", "Suppression", "LogWarning", "read_log", "suppression_list"]

#: Lines handed to the native reader at once (read with the GIL released).
_BATCH = 2048


class LogWarning(UserWarning):
    """A line that looks like a record of a known log format but cannot be read as one (a
    JSON record cut short, a CSV row before its header); the message names the source and
    the line. The other lines are still read."""


_TimeParts = Tuple[int, int, int, int, int, int, int, Optional[int]]


def _time(parts: Optional[_TimeParts]) -> Optional[datetime.datetime]:
    """A ``datetime`` of the core crate's time parts; ``None`` for a time Python's
    ``datetime`` cannot hold (a year before 1, an offset of a day or more)."""
    if parts is None:
        return None
    y, mo, d, h, mi, s, us, offset = parts
    try:
        tz = None if offset is None else datetime.timezone(datetime.timedelta(seconds=offset))
        return datetime.datetime(y, mo, d, h, mi, s, us, tzinfo=tz)
    except ValueError:
        return None


@dataclasses.dataclass(frozen=True)
class LogEvent:
    """One delivery event of a mail log: one recipient, one attempt (or one inbound
    refusal). Frozen, hashable and picklable. ``classification`` is the reply's, with
    everything the line tells (the command answered, the log's status: ``sent`` is success
    whatever the text says, ``expired`` is ``Reason.EXPIRED``)."""

    #: The source (a path, ``"<file>"``, ``"<lines>"``) and the line number (from 1).
    file: str
    line: int
    mta: LogFormat
    #: The time as the line writes it, and read (aware when the log gives an offset;
    #: ``None`` for traditional syslog times without ``year=``).
    time: Optional[str]
    timestamp: Optional[datetime.datetime]
    host: Optional[str]
    program: Optional[str]
    queue_id: Optional[str]
    recipient: Optional[str]
    original_recipient: Optional[str]
    #: The envelope sender (``""`` is the null sender), from the line or joined by queue id.
    sender: Optional[str]
    relay: Optional[str]
    helo: Optional[str]
    status: LogStatus
    #: A Postfix address-verification probe, not a delivery of a message.
    probe: bool
    dsn: Optional[str]
    text: str
    truncated: bool
    #: For an expiry: the reason the text gives (why the message kept failing).
    cause: Optional[Reason]
    classification: "_smtpcode.Classification"

    def to_dict(self) -> "dict[str, Any]":
        """Plain values for ``json.dumps``: the keys of ``smtpcode logs --format json``
        (the classification's keys at the top level)."""
        d: "dict[str, Any]" = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if f.name == "classification":
                d.update(v.to_dict())
                continue
            if isinstance(v, datetime.datetime):
                v = v.isoformat()
            elif isinstance(v, (LogFormat, LogStatus, Reason)):
                v = v.value
            d[f.name] = v
        return d


@dataclasses.dataclass(frozen=True)
class Suppression:
    """One address to stop sending to: its hard bounces counted, and the last one's time,
    reason, codes and text."""

    address: str
    count: int
    last_time: Optional[str]
    last_timestamp: Optional[datetime.datetime]
    reason: Reason
    code: Optional[int]
    enhanced: Optional[str]
    text: str


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
        for n, problem, events in reader.read_lines(lines, first):
            if problem is not None:
                warnings.warn(LogWarning("%s:%d: %s" % (name, n, problem)), stacklevel=2)
            for t in events:
                yield LogEvent(
                    file=name,
                    line=n,
                    mta=LogFormat(t[0]),
                    time=t[1],
                    timestamp=_time(t[2]),
                    host=t[3],
                    program=t[4],
                    queue_id=t[5],
                    recipient=t[6],
                    original_recipient=t[7],
                    sender=t[8],
                    relay=t[9],
                    helo=t[10],
                    status=LogStatus(t[11]),
                    probe=t[12],
                    dsn=t[13],
                    text=t[14],
                    truncated=t[15],
                    cause=None if t[16] is None else Reason(t[16]),
                    classification=t[17],
                )
        first += len(lines)


def suppression_list(
    events: Iterable[Union[LogEvent, "_smtpcode.BounceRecipient"]],
) -> List[Suppression]:
    """The addresses to stop sending to, sorted: each recipient of a hard bounce of outgoing
    mail (inbound refusals do not count), once, with the count and the last bounce's time,
    reason and text. Takes ``LogEvent`` records (also any object with their attributes, such
    as a ``BounceRecipient`` with ``status=None``)."""
    fields = []
    for e in events:
        c = e.classification
        ts = getattr(e, "timestamp", None)
        # A LogEvent's status; a BounceRecipient's status is its enhanced code, no log status.
        status = getattr(e, "status", None)
        status = status if isinstance(status, LogStatus) else None
        fields.append(
            (
                e.recipient,
                None if status is None else str(status),
                str(c.bounce),
                str(c.reason),
                c.code,
                c.enhanced,
                getattr(e, "time", None),
                None if ts is None else ts.isoformat(),
                getattr(e, "text", None) or getattr(e, "diagnostic", None) or "",
            )
        )
    return [
        Suppression(a, n, t, _time(ts), Reason(r), code, enh, text)
        for a, n, t, ts, r, code, enh, text in _smtpcode._suppression_list(fields)
    ]
