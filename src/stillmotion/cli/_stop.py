"""Stopping a run on SIGTERM or SIGHUP (``kill``, ``timeout``, a closed terminal) the way Ctrl-C does.

Python's default for these signals ends the process at once, which leaves the output's temporary file
behind. :func:`install` makes them raise :class:`Terminated` (a ``KeyboardInterrupt``) in the main thread
instead, so the writers remove what they were writing on the way out. An exception raised by a signal
handler is lost when the handler happens to run inside a finalizer or a C library's callback (numba's
compiler calls back into Python from llvmlite: Python goes on and prints "Exception ignored" with a
traceback), so the request is also remembered, :func:`check` (called with every progress report)
raises it again, and that lost exception is not printed: the run ends with its one-line error.
"""

from __future__ import annotations

import signal
import sys

_requested: list[int] = []


class Terminated(KeyboardInterrupt):
    """The run was asked to stop by ``signum``."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _handler(signum: int, frame) -> None:
    _requested.append(signum)
    raise Terminated(signum)


def install() -> None:
    """Handle SIGTERM and SIGHUP as described above (an ignored signal, under nohup, stays ignored)."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _handler)
    previous = sys.unraisablehook

    def quiet_if_stopping(unraisable) -> None:
        if not isinstance(unraisable.exc_value, Terminated):  # a lost stop is raised again by check()
            previous(unraisable)

    sys.unraisablehook = quiet_if_stopping


def check() -> None:
    """Raise :class:`Terminated` if a stop was requested (the handler's own exception may have been lost)."""
    if _requested:
        raise Terminated(_requested[0])
