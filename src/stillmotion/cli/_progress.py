"""Progress bars on stderr for the CLI (library code only calls a callback)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from ..types import ProgressCallback, no_progress


@contextlib.contextmanager
def progress_bar(args, desc: str) -> Iterator[ProgressCallback]:
    """Yield a ``progress(done, total)`` callback drawing a tqdm bar, or a no-op under ``--quiet``."""
    if getattr(args, "quiet", False):
        yield no_progress
        return
    from tqdm import tqdm

    bar = tqdm(desc=desc, unit="frame", file=sys.stderr, leave=False, dynamic_ncols=True)

    def update(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
            bar.refresh()
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        bar.close()
