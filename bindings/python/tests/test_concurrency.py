"""Classifications cross process boundaries (pickling through a multiprocessing pool) and
classify from several threads at once gives the same answers."""

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from typing import List

import pytest

import smtpcode


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_multiprocessing_pool(corpus_lines: List[str], method: str) -> None:
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip("no %s start method here" % method)
    lines = corpus_lines[:300]
    expected = [smtpcode.classify(line) for line in lines]
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(2) as pool:
        got = pool.map(smtpcode.classify, lines, chunksize=25)
        batches = pool.map(smtpcode.classify_many, [lines[:150], lines[150:]])
    assert got == expected
    assert batches[0] + batches[1] == expected
    assert all(type(c) is smtpcode.Classification for c in got)


def test_threads(corpus_lines: List[str]) -> None:
    lines = corpus_lines * 4
    expected = [smtpcode.classify(line) for line in lines]

    def work(k: int) -> List[smtpcode.Classification]:
        if k % 2:
            return smtpcode.classify_many(lines, threads=2)
        return [smtpcode.classify(line) for line in lines]

    with ThreadPoolExecutor(max_workers=4) as ex:
        results = list(ex.map(work, range(8)))
    for r in results:
        assert r == expected
