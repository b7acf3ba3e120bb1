"""The package's `smtpcode` command and `python -m smtpcode`: the Rust command's code run
from the native module, so the same output and exit status as the `smtpcode` binary.

The binary is $SMTPCODE_BIN (bindings/python/test.sh builds it from the same tree); the
script is the one `pip install` put beside this interpreter.
"""

import os
import pathlib
import shutil
import signal
import subprocess
import sys
from typing import List, Optional

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data"
BIN = os.environ.get("SMTPCODE_BIN")
SCRIPT = shutil.which("smtpcode", path=os.path.dirname(sys.executable))

pytestmark = pytest.mark.skipif(not BIN, reason="SMTPCODE_BIN is not set (bindings/python/test.sh sets it)")

REPLIES = (ROOT / "examples" / "replies.txt").read_bytes()

# (arguments, stdin): every subcommand, each format, input from stdin and from files, and
# errors (status 2 from clap, 1 for a missing file).
CASES = [
    (["classify"], REPLIES),
    (["classify", "--format", "json"], REPLIES),
    (["classify", "--format", "tsv", str(ROOT / "examples" / "replies.txt")], None),
    (["classify", "--summary"], REPLIES),
    (["classify", "--command", "rcpt", "--format", "json"], REPLIES),
    (["classify", "--format", "json"], b"550 5.1.1 caf\xe9 \xff\xfe unknown\n\n250 ok"),
    (["classify", "--rules", str(DATA / "user-rules.tsv"), "--format", "json"], REPLIES),
    (["explain", "550 5.1.1 <jane@example.com>: Recipient address rejected: User unknown"], None),
    (["explain", "--json", "421 4.7.0 [TSS04] Messages from 192.0.2.44 temporarily deferred"], None),
    (["codes", "--class", "5"], None),
    (["codes", "--enhanced", "--json"], None),
    (["reasons"], None),
    (["bounce", "--format", "json", str(DATA / "bounces")], None),
    (["bounce", str(DATA / "bounces" / "postfix-dsn.eml")], None),
    (["codes", "--format", "tsv"], None),
    (["reasons", "--format", "json"], None),
    (["explain", "--format", "csv", "552 5.2.2 Mailbox full"], None),
    (["classify", "--format", "json", str(ROOT / "examples" / "replies.txt"), "-"], b"550 5.1.1 unknown\n"),
    (["classify", "--summary", "--format", "tsv"], REPLIES),
    (["bounce", "--format", "json", "-"], b"\n".join(
        (DATA / "bounces" / name).read_bytes() for name in ("exim.eml", "qmail.eml", "postfix-dsn.eml"))),
    (["completions", "bash"], None),
    (["man", "classify"], None),
    (["--version"], None),
    (["--help"], None),
    (["classify", "/nonexistent/replies.txt"], None),
    (["no-such-subcommand"], None),
    (["classify", "--format", "xml"], b"550\n"),
]


def run(argv: List[str], stdin: Optional[bytes]) -> "subprocess.CompletedProcess[bytes]":
    return subprocess.run(argv, input=stdin if stdin is not None else b"", capture_output=True,
                          timeout=120, cwd=ROOT)


@pytest.mark.parametrize("args, stdin", CASES, ids=[" ".join(a)[:60] for a, _ in CASES])
def test_same_output_as_the_binary(args: List[str], stdin: Optional[bytes]) -> None:
    assert BIN
    want = run([BIN] + args, stdin)
    fronts = [[sys.executable, "-m", "smtpcode"]]
    if SCRIPT:
        fronts.append([SCRIPT])
    for front in fronts:
        got = run(front + args, stdin)
        assert (got.returncode, got.stdout, got.stderr) == (want.returncode, want.stdout, want.stderr), front


def test_the_script_is_installed() -> None:
    assert SCRIPT, "pip install gave no smtpcode script beside " + sys.executable


def test_a_closed_stdout_ends_quietly(tmp_path: pathlib.Path) -> None:
    # `smtpcode classify big.log | head -1`: status 0 and nothing on stderr, as the binary.
    big = tmp_path / "big.log"
    big.write_bytes(REPLIES * 20000)
    fronts = [[sys.executable, "-m", "smtpcode"]] + ([[SCRIPT]] if SCRIPT else [])
    for front in fronts:
        with open(big, "rb") as stdin, subprocess.Popen(
            front + ["classify", "--format", "tsv"], stdin=stdin, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, cwd=ROOT,
        ) as proc:
            assert proc.stdout is not None and proc.stderr is not None
            first = proc.stdout.readline()
            proc.stdout.close()  # what `head -1` does once it has its line
            err = proc.stderr.read()
            assert proc.wait(timeout=120) == 0, err
        assert first.startswith(b"line") and err == b""


def test_main_is_callable_from_python(capfd: pytest.CaptureFixture[str]) -> None:
    from smtpcode.__main__ import main

    before = signal.getsignal(signal.SIGINT)
    assert main(["explain", "550"]) == 0
    out, _ = capfd.readouterr()
    assert "550" in out
    assert main(["no-such-subcommand"]) == 2  # an error returns; it does not end the process
    assert main(["--version"]) == 0
    # The caller's Ctrl-C handler is back.
    assert signal.getsignal(signal.SIGINT) is before
