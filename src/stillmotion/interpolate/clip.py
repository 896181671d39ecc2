"""Interpolating a whole clip as a stream: frames in, more (or re-timed) frames out.

Output times are grouped by the pair of input frames they fall between, so the flows of a pair are
estimated once whatever the number of new frames in it. Pairs are independent, so up to ``workers`` of
them are interpolated at once in threads (OpenCV and the numba kernels release the GIL) while the calling
thread reads input frames and hands finished ones on in order (to an encoder, which runs in its own
process). Memory stays bounded: at most ``workers + 1`` pairs are in flight.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from ..errors import InputError
from ..types import Image, ProgressCallback, no_progress
from . import Interpolator
from .timeline import split_time

log = logging.getLogger(__name__)


def default_workers() -> int:
    """Pairs interpolated at once: one per core, at most 4 (memory), 2 on a 2-core machine."""
    return max(1, min(4, os.cpu_count() or 1))


def _pair_jobs(frames: Iterable[Image], times: Iterable[float]) -> Iterator[tuple[Image, Image | None, list[float]]]:
    """``(frame k, frame k + 1 or None, [t, ...])`` for each run of output times inside pair k, in order
    (t = 0 means frame k itself)."""
    source = iter(frames)
    index = 0
    try:
        current = next(source)
    except StopIteration:
        raise InputError("the input has no frames") from None
    following = None
    group_k, group = None, []
    for time in times:
        k, t = split_time(time)
        if group and k != group_k:
            yield current, following, group
            group = []
        while index < k or (t > 0 and following is None):
            if following is None:
                following = next(source, None)
                if following is None:
                    raise InputError(f"the input ended after {index + 1} frames, before time {time:g}")
                if following.shape != current.shape:
                    raise InputError(f"frame {index + 1} is {following.shape[1]}x{following.shape[0]}, "
                                     f"frame 0 is {current.shape[1]}x{current.shape[0]}: frames differ in size")  # fmt: skip
            if index < k:
                current, following, index = following, None, index + 1
        group_k = k
        group.append(t)
    if group:
        yield current, following, group


def _run_pair(interpolator: Interpolator, current: Image, following: Image | None, ts: list[float]) -> list[Image]:
    new = [t for t in ts if t > 0]
    made = iter(interpolator.interpolate(current, following, new) if new else [])
    return [current if t == 0 else next(made) for t in ts]


def interpolate_clip(
    frames: Iterable[Image],
    times: Iterable[float],
    interpolator: Interpolator,
    *,
    total: int = 0,
    progress: ProgressCallback = no_progress,
    workers: int | None = None,
) -> Iterator[Image]:
    """Yield the frame at each of ``times`` (increasing, in input-frame units) from the ``frames`` stream.

    ``workers`` pairs are interpolated at once (default :func:`default_workers`; 1 when the interpolator
    is not ``thread_safe``). Input frames are yielded as they are (not copied).
    """
    if workers is None:
        workers = default_workers()
    if not getattr(interpolator, "thread_safe", False):
        workers = 1
    done = 0
    if workers <= 1:
        for current, following, ts in _pair_jobs(frames, times):
            for frame in _run_pair(interpolator, current, following, ts):
                yield frame
                done += 1
                progress(done, total)
        return
    pending: deque[Future] = deque()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="stillmotion-interp") as pool:
        try:
            for job in _pair_jobs(frames, times):
                pending.append(pool.submit(_run_pair, interpolator, *job))
                while len(pending) > workers or (pending and pending[0].done()):
                    for frame in pending.popleft().result():
                        yield frame
                        done += 1
                        progress(done, total)
            while pending:
                for frame in pending.popleft().result():
                    yield frame
                    done += 1
                    progress(done, total)
        finally:
            for future in pending:
                future.cancel()
