"""classify_many over one million distinct lines (issue 13), not a test.

    python bindings/python/bench/many.py [LINES_FILE]

The workload is ``../shared/corpus/make_lines.py ../shared/corpus/sisimai-dev.tsv 1000000 OUT``
(the file given, else ``target/lines-1m.txt``, the one ``cargo bench -p smtpcode --bench lines``
writes). Prints replies per second for ``classify_many`` with one thread and with every core,
and for a loop calling ``classify`` per line, each the best of three runs over all the lines,
with the load average at the time.
"""

import os
import sys
import time
from pathlib import Path

import smtpcode

REPO = Path(__file__).resolve().parents[3]


def best(run, n):
    times = []
    for _ in range(3):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return n / min(times)


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "target" / "lines-1m.txt"
    if not path.exists():
        print("no %s: run `cargo bench -p smtpcode --bench lines` first, or give a file" % path)
        return 2
    lines = path.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
    n = len(lines)
    smtpcode.warm_up()
    cores = os.cpu_count() or 1
    print("%s: %d lines; %d cores; load average %s" % (path, n, cores, " ".join(
        "%.2f" % x for x in os.getloadavg())))
    one = best(lambda: smtpcode.classify_many(lines, threads=1), n)
    every = best(lambda: smtpcode.classify_many(lines), n)
    loop = best(lambda: [smtpcode.classify(line) for line in lines], n)
    print("%-40s %10.2f M replies/s" % ("classify_many(threads=1)", one / 1e6))
    print("%-40s %10.2f M replies/s" % ("classify_many() (%d threads)" % min(cores, 8), every / 1e6))
    print("%-40s %10.2f M replies/s" % ("[classify(x) for x in lines]", loop / 1e6))
    return 0


if __name__ == "__main__":
    sys.exit(main())
