"""Progress bars on stderr for the CLI (library code only calls a callback)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from ..types import ProgressCallback
from . import _stop

#: Seconds between progress lines when stderr is not a terminal (a log file).
LOG_INTERVAL_S = 5.0


@contextlib.contextmanager
def progress_bar(args, desc: str, unit: str = "frame") -> Iterator[ProgressCallback]:
    """Yield a ``progress(done, total)`` callback drawing a tqdm bar (nothing under ``--quiet``); either
    way it stops the run if SIGTERM or SIGHUP came (:mod:`._stop`).

    The bar appears at the first report, so a run that fails during its checks prints only its error.
    Log messages written meanwhile go through tqdm, on their own line (into a log file they were glued to
    the bar's last state, which ends without a newline).
    """
    if getattr(args, "quiet", False):
        yield lambda done, total: _stop.check()
        return
    from tqdm import tqdm
    from tqdm.contrib.logging import logging_redirect_tqdm

    bar = None

    # on a terminal the bar redraws in place; into a log file every redraw is a new line, so a few suffice
    interval = 0.1 if sys.stderr.isatty() else LOG_INTERVAL_S

    def update(done: int, total: int) -> None:
        nonlocal bar
        _stop.check()  # a stop whose exception was lost in a finalizer is raised here (see _stop)
        if bar is None:
            bar = tqdm(desc=desc, unit=unit, total=total, file=sys.stderr, leave=False, dynamic_ncols=True,
                       mininterval=interval)  # fmt: skip
        if bar.total != total:
            bar.total = total
            bar.refresh()
        bar.update(done - bar.n)

    try:
        with logging_redirect_tqdm():
            yield update
    finally:
        if bar is not None:
            bar.close()
