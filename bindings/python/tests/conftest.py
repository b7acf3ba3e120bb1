"""Shared helpers: where the repository's data lives, and reading the golden files.

The golden files (``tests/data/*.tsv``) and the code tables (``crates/smtpcode/data/*.tsv``)
are read at test time, never copied: the Rust and C suites read the same files. The format is
described in ``tests/data/README.md``.
"""

import os
import re
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

#: The repository root: $SMTPCODE_REPO, or three levels above this directory.
REPO = Path(os.environ.get("SMTPCODE_REPO") or Path(__file__).resolve().parents[3])
GOLDEN = REPO / "tests" / "data"
TABLES = REPO / "crates" / "smtpcode" / "data"
CLASSIFY_FILES = ("classify.tsv", "providers.tsv", "phrases.tsv")

_ESCAPES = {"t": b"\t", "n": b"\n", "r": b"\r", "0": b"\0", "\\": b"\\"}
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|.)")


def unescape(s: str) -> bytes:
    """Undoes the escapes of the golden files: \\t \\n \\r \\0 \\\\ and \\xHH (a raw byte)."""
    out = bytearray()
    pos = 0
    for m in _ESCAPE.finditer(s):
        out += s[pos : m.start()].encode("utf-8")
        e = m.group(1)
        if e[0] == "x" and len(e) == 3:
            out.append(int(e[1:], 16))
        elif e in _ESCAPES:
            out += _ESCAPES[e]
        else:
            raise ValueError("unknown escape \\%s in %r" % (e, s))
        pos = m.end()
    out += s[pos:].encode("utf-8")
    return bytes(out)


def opt(s: str) -> Optional[str]:
    """'-' is 'none' in the expected columns."""
    return None if s == "-" else s


Row = Tuple[str, int, Dict[str, str]]


def read_tsv(path: Path, comments: bool = True) -> List[Row]:
    """(file name, line number, {column: field}) per row; '#' lines (when ``comments``) and
    blank lines are skipped; the first remaining line is the header."""
    rows: List[Row] = []
    header: Optional[List[str]] = None
    with open(path, encoding="utf-8", newline="") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line or (comments and line.startswith("#")):
                continue
            fields = line.split("\t")
            if header is None:
                header = fields
                continue
            assert len(fields) == len(header), "%s:%d: %d fields, header has %d" % (
                path.name,
                n,
                len(fields),
                len(header),
            )
            rows.append((path.name, n, dict(zip(header, fields))))
    return rows


def golden_rows(files: Tuple[str, ...]) -> List[Row]:
    """The rows of those golden files that exist."""
    rows: List[Row] = []
    for name in files:
        if (GOLDEN / name).exists():
            rows.extend(read_tsv(GOLDEN / name))
    return rows


def row_id(row: Row) -> str:
    return "%s:%d" % (row[0], row[1])


@pytest.fixture(scope="session")
def corpus_lines() -> List[str]:
    """A few hundred real diagnostic lines, when the shared corpus is beside the repository;
    otherwise lines made from the golden files."""
    corpus = REPO.parent / "shared" / "corpus" / "sisimai-dev.tsv"
    if corpus.exists():
        return [r[2]["input"] for r in read_tsv(corpus, comments=False)]
    return [r[2]["input"] for r in golden_rows(CLASSIFY_FILES)]
