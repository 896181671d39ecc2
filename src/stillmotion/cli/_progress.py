"""Progress bars on stderr for the CLI (library code only calls a callback)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from ..types import ProgressCallback, no_progress


@contextlib.contextmanager
def progress_bar(args, desc: str, unit: str = "frame") -> Iterator[ProgressCallback]:
    """Yield a ``progress(done, total)`` callback drawing a tqdm bar, or a no-op under ``--quiet``.

    The bar appears at the first report, so a run that fails during its checks prints only its error.
    """
    if getattr(args, "quiet", False):
        yield no_progress
        return
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(desc=desc, unit=unit, total=total, file=sys.stderr, leave=False, dynamic_ncols=True)
        if bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()
