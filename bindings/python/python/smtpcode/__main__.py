"""The ``smtpcode`` command: ``python -m smtpcode ...``, and the ``smtpcode`` script that
``pip install`` puts on the PATH.

Both run the Rust command's own code, compiled into the native module (``smtpcode_cli::run``),
so they print what the ``smtpcode`` binary prints and exit with its status.
"""

import os
import signal
import sys
import threading
from typing import List, Optional

from ._smtpcode import _cli

__all__ = ["main"]


def main(argv: Optional[List[str]] = None) -> int:
    """Runs ``smtpcode`` with ``argv`` (default: the command line) and returns its exit status."""
    args = sys.argv[1:] if argv is None else argv
    # The command writes to the file descriptors itself: nothing of Python's may come after.
    sys.stdout.flush()
    sys.stderr.flush()
    # Ctrl-C stops the command as it stops the binary (Python's handler would only set a flag
    # that nothing reads while the command runs); the caller's handler comes back after.
    restore = None
    if hasattr(signal, "SIGINT") and threading.current_thread() is threading.main_thread():
        restore = signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        return _cli([os.fsencode("smtpcode")] + [os.fsencode(a) for a in args])
    finally:
        if restore is not None:
            signal.signal(signal.SIGINT, restore)


if __name__ == "__main__":
    sys.exit(main())
