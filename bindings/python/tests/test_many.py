"""classify_many: with more than one thread, the Python side (taking the items, making the
records) runs on the calling thread while other threads classify, chunk after chunk. Whatever
the size, the threads= value and the iterable, the answers are classify's, in order; a bad item
or an iterable that raises midway gives the error with nothing leaked; Ctrl-C stops a long
call."""

import _thread
import gc
import threading
import time
from typing import Iterator, List, Optional, Union

import pytest

import smtpcode

# Sizes around the pipeline's boundaries: blocks of 16 replies, a first chunk of 256, chunks
# doubling up to 2048 and halving toward the end of a list.
SIZES = [0, 1, 15, 16, 17, 255, 256, 257, 300, 511, 512, 513, 1000, 2047, 2048, 2049, 5000,
         9001]
THREADS = [None, 1, 2, 3, 8]


def _items(lines: List[str], n: int) -> List[str]:
    return (lines * (n // max(1, len(lines)) + 1))[:n]


def _classifications() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is smtpcode.Classification)


@pytest.mark.parametrize("threads", THREADS)
def test_every_size_in_order(corpus_lines: List[str], threads: Optional[int]) -> None:
    for n in SIZES:
        items = _items(corpus_lines, n)
        expected = [smtpcode.classify(i) for i in items]
        assert smtpcode.classify_many(items, threads=threads) == expected, n
        assert smtpcode.classify_many(tuple(items), threads=threads) == expected, n
        assert smtpcode.classify_many((i for i in items), threads=threads) == expected, n


def test_mixed_items(corpus_lines: List[str]) -> None:
    class Text(str):
        pass

    class Raw(bytes):
        pass

    items: List[Union[str, bytes]] = []
    for k, line in enumerate(_items(corpus_lines, 6000)):
        form = k % 5
        if form == 0:
            items.append(line.encode("utf-8"))
        elif form == 1:
            items.append(line + " \udcff\ud800")  # lone surrogates: surrogateescape bytes
        elif form == 2:
            items.append(Text(line))
        elif form == 3:
            items.append(Raw(line.encode("utf-8")))
        else:
            items.append(line)
    expected = [smtpcode.classify(i) for i in items]
    for threads in THREADS:
        assert smtpcode.classify_many(items, threads=threads) == expected
    with_cmd = smtpcode.classify_many(items, command="rcpt", threads=2)
    assert with_cmd == [smtpcode.classify(i, command="rcpt") for i in items]


@pytest.mark.parametrize("threads", THREADS)
def test_bad_item_midway(corpus_lines: List[str], threads: Optional[int]) -> None:
    before = _classifications()
    for bad in (0, 300, 4321, 8999):
        items: List[object] = list(_items(corpus_lines, 9000))
        items[bad] = 550
        with pytest.raises(smtpcode.InvalidTypeError, match=r"item %d\b" % bad):
            smtpcode.classify_many(items, threads=threads)  # type: ignore[arg-type]
    # The records made before the error went with the list that was never returned.
    assert _classifications() <= before


@pytest.mark.parametrize("threads", THREADS)
def test_iterable_raising_midway(corpus_lines: List[str], threads: Optional[int]) -> None:
    def replies(n: int) -> Iterator[str]:
        yield from _items(corpus_lines, n)
        raise RuntimeError("feed broke after %d" % n)

    before = _classifications()
    for n in (0, 10, 256, 3000):
        with pytest.raises(RuntimeError, match="feed broke after %d$" % n):
            smtpcode.classify_many(replies(n), threads=threads)
    assert _classifications() <= before


def test_iterable_running_python(corpus_lines: List[str]) -> None:
    """The iterable's own code runs on the calling thread between chunks, and can even call
    classify_many itself."""
    items = _items(corpus_lines, 5000)
    seen = []

    def replies() -> Iterator[str]:
        for k, line in enumerate(items):
            if k % 1000 == 0:
                seen.append(len(smtpcode.classify_many(items[:600], threads=2)))
            yield line

    expected = [smtpcode.classify(i) for i in items]
    assert smtpcode.classify_many(replies(), threads=2) == expected
    assert seen == [600] * 5


@pytest.mark.parametrize("threads", [1, 2])
def test_ctrl_c_stops_a_long_call(corpus_lines: List[str], threads: int) -> None:
    # The interrupt comes 10 ms into a call over 600,000 replies: it must stop the call then,
    # not when the call is done (it takes about six times as long as one over 100,000).
    items = _items(corpus_lines, 600_000)
    start = time.perf_counter()
    smtpcode.classify_many(items[:100_000], threads=threads)
    sixth = time.perf_counter() - start
    raised_after = None
    timer = threading.Timer(0.01, _thread.interrupt_main)
    # The garbage collector may run where the call checks for signals; the Python code of a
    # gc callback (hypothesis installs one) would then take the KeyboardInterrupt, which is
    # lost as an unraisable exception there.
    callbacks = gc.callbacks[:]
    gc.callbacks.clear()
    try:
        start = time.perf_counter()
        try:
            timer.start()
            smtpcode.classify_many(items, threads=threads)
        except KeyboardInterrupt:
            raised_after = time.perf_counter() - start
        timer.join()
        time.sleep(0.05)  # an interrupt that came too late is raised here
    except KeyboardInterrupt:
        pass
    finally:
        gc.callbacks[:] = callbacks
    assert raised_after is not None and raised_after < 3 * sixth, (raised_after, sixth)


def test_equal_answers_share_one_object(corpus_lines: List[str]) -> None:
    """The records are frozen, so equal answers within one call are one object (up to some
    thousands of distinct answers per call), each still equal to classify's answer."""
    items = _items(corpus_lines, 5000)
    expected = [smtpcode.classify(i) for i in items]
    for threads in THREADS:
        got = smtpcode.classify_many(items, threads=threads)
        assert got == expected
        assert len({id(c) for c in got}) == len(set(got)) < len(got) // 4
    first, second, other = smtpcode.classify_many(
        ["550 5.1.1 User unknown", "550 5.1.1 User unknown", "552 5.2.2 Mailbox full"]
    )
    assert first is second
    assert other != first
