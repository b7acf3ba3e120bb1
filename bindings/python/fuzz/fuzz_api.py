"""Fuzzes the Python face of smtpcode with atheris: every public function and record class,
called with what the fuzzer gives (str with lone surrogates, bytes, ints of any size, other
types). The contract: no crash of the interpreter, and no exception other than a
``smtpcode.SmtpCodeError`` (a ``ValueError``). Run by ``make fuzz-python``:

    python fuzz_api.py -max_total_time=1800 corpus/

atheris instruments the Python code it imports; the native module is exercised through it.
"""

import pickle
import sys

import atheris

with atheris.instrument_imports():
    import smtpcode

COMMANDS = [None, "rcpt", "data", "end_of_data", smtpcode.Command.MAIL, "RCPT", "quit", ""]


def value(fdp: atheris.FuzzedDataProvider) -> object:
    """A value of any of the types a caller might pass."""
    kind = fdp.ConsumeIntInRange(0, 9)
    if kind == 0:
        return fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 300))
    if kind == 1:
        return fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 300))
    if kind == 2:
        return fdp.ConsumeInt(fdp.ConsumeIntInRange(1, 12))
    if kind == 3:
        return fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 300))
    if kind == 4:
        return bytearray(fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 100)))
    if kind == 5:
        return memoryview(fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 100)))
    if kind == 6:
        return None
    if kind == 7:
        return fdp.ConsumeFloat()
    if kind == 8:
        return [fdp.ConsumeUnicode(20) for _ in range(fdp.ConsumeIntInRange(0, 5))]
    return fdp.ConsumeBool()


def check_record(r: object) -> None:
    """A record survives pickling, repr and to_dict."""
    assert pickle.loads(pickle.dumps(r)) == r
    repr(r)
    to_dict = getattr(r, "to_dict", None)
    if to_dict is not None:
        to_dict()


def one(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    which = fdp.ConsumeIntInRange(0, 11)
    try:
        if which == 0:
            check_record(smtpcode.classify(value(fdp), command=fdp.PickValueInList(COMMANDS)))
        elif which == 1:
            replies = [value(fdp) for _ in range(fdp.ConsumeIntInRange(0, 8))]
            out = smtpcode.classify_many(replies, threads=value(fdp) if fdp.ConsumeBool() else None)
            assert len(out) == len(replies)
        elif which == 2:
            check_record(smtpcode.parse(value(fdp)))
        elif which == 3:
            report = smtpcode.parse_bounce(value(fdp))
            check_record(report)
        elif which == 4:
            raw = b"From: MAILER-DAEMON@x\nSubject: Undelivered\n\n" + fdp.ConsumeBytes(4000)
            check_record(smtpcode.parse_bounce(raw))
        elif which == 5:
            info = smtpcode.lookup(value(fdp))
            if info is not None:
                check_record(info)
        elif which == 6:
            info = smtpcode.lookup_enhanced(value(fdp))
            if info is not None:
                check_record(info)
        elif which == 7:
            info = smtpcode.lookup_enhanced(value(fdp), value(fdp))
            if info is not None:
                check_record(info)
        elif which == 8:
            check_record(smtpcode.EnhancedInfo(value(fdp), value(fdp)))
        elif which == 9:
            check_record(smtpcode.CodeInfo(value(fdp)))
        elif which == 10:
            c = smtpcode.classify("550 5.1.1 user unknown")
            fields = c.to_dict()
            key = fdp.PickValueInList(sorted(fields))
            fields[key] = value(fdp)
            check_record(smtpcode.Classification(**fields))
        else:
            check_record(smtpcode.Reply(value(fdp), value(fdp), value(fdp), value(fdp), False, False, False))
    except smtpcode.SmtpCodeError:
        pass


def main() -> None:
    # Every Python function loaded (this harness's own branches included) gives coverage
    # feedback; the native code does not (it is not built with sanitizer coverage), so the
    # fuzzer steers by which calls and argument types it made.
    atheris.instrument_all()
    atheris.Setup(sys.argv, one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
