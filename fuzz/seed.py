#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets from the project's own test data (never from
../shared): every golden input for `classify`, `parse` and `capi`, every bounce fixture for
`bounce`. Run by `make fuzz`; the corpora (fuzz/corpus/, not in the repository) grow as the
fuzzers find new paths.

    python3 fuzz/seed.py
"""
import hashlib
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "c"))
from gen_cases import read_tsv, unescape  # the golden files' one reader for the C and fuzz sides


def put(target, data):
    d = os.path.join(ROOT, "fuzz", "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def main():
    data = os.path.join(ROOT, "tests", "data")
    n = 0
    for name in ["classify.tsv", "providers.tsv", "phrases.tsv", "parse.tsv", "user-rules-cases.tsv"]:
        _, rows = read_tsv(os.path.join(data, name))
        for line, row in rows:
            raw = unescape(row["input"], f"{name}:{line}")
            for target in ["classify", "parse", "capi"]:
                put(target, raw)
            n += 1
    bounces = os.path.join(data, "bounces")
    for name in sorted(os.listdir(bounces)):
        with open(os.path.join(bounces, name), "rb") as f:
            put("bounce", f.read())
        n += 1
    print(f"fuzz/seed.py: {n} seeds")


if __name__ == "__main__":
    main()
