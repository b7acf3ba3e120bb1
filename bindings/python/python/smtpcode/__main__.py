"""The ``smtpcode`` command: ``python -m smtpcode ...``, and the ``smtpcode`` script that
``pip install`` puts on the PATH.

Both run the Rust command's own code, compiled into the native module (``smtpcode_cli::run``),
so they print what the ``smtpcode`` binary prints and exit with its status.
"""

import os
import signal
import sys
from typing import List, Optional

from ._smtpcode import _cli

__all__ = ["main"]


def main(argv: Optional[List[str]] = None) -> int:
    """Runs ``smtpcode`` with ``argv`` (default: the command line) and returns its exit status."""
    args = sys.argv[1:] if argv is None else argv
    # The command writes to the file descriptors itself: nothing of Python's may come after.
    sys.stdout.flush()
    sys.stderr.flush()
    # Ctrl-C stops the command as it stops the binary (Python would only set a flag that
    # nothing reads while the command runs).
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    return _cli([os.fsencode("smtpcode")] + [os.fsencode(a) for a in args])


if __name__ == "__main__":
    sys.exit(main())
