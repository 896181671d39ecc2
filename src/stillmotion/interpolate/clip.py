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
from collections.abc import Iterable, Iterator

from ..ahead import map_ahead
from ..errors import InputError
from ..io.image import unit_float
from ..types import Image, ProgressCallback, no_progress
from . import Interpolator
from .timeline import increasing_times, split_time

log = logging.getLogger(__name__)


def default_workers() -> int:
    """Pairs interpolated at once: one per core, at most 4 (memory), 2 on a 2-core machine."""
    return max(1, min(4, os.cpu_count() or 1))


class _Frames:
    """The input stream with a short memory: ``get(i)`` returns frame i (or None past the end), reading
    ahead as needed; after ``forget(i)`` the frames before i are dropped and never kept again (times only
    increase). Frames are checked to have one size; 8- and 16-bit frames become float32 in [0, 1]."""

    def __init__(self, frames: Iterable[Image]) -> None:
        self._source = iter(frames)
        self._kept: dict[int, Image] = {}
        self.read = 0  # frames read so far
        self._ended = False
        self._shape = None
        self._low = 0

    def get(self, index: int) -> Image | None:
        while not self._ended and self.read <= index:
            frame = next(self._source, None)
            if frame is None:
                self._ended = True
                break
            frame = unit_float(frame)
            if self._shape is None:
                self._shape = frame.shape
            elif frame.shape != self._shape:
                raise InputError(f"frame {self.read} is {frame.shape[1]}x{frame.shape[0]}, "
                                 f"frame 0 is {self._shape[1]}x{self._shape[0]}: frames differ in size")  # fmt: skip
            if self.read >= self._low:
                self._kept[self.read] = frame
            self.read += 1
        return self._kept.get(index)

    def forget(self, index: int) -> None:
        self._low = max(self._low, index)
        for i in [i for i in self._kept if i < self._low]:
            del self._kept[i]


Job = tuple[Image | None, Image, Image | None, Image | None, list[float]]


def _pair_jobs(frames: Iterable[Image], times: Iterable[float]) -> Iterator[Job]:
    """``(frame k - 1, frame k, frame k + 1, frame k + 2, [t, ...])`` for each run of output times inside
    pair k, in order (t = 0 means frame k itself; neighbours that do not exist, or are not needed because
    no t > 0, are None)."""
    clip = _Frames(frames)
    if clip.get(0) is None:
        raise InputError("the input has no frames")
    group_k, group = None, []

    def job(k: int, ts: list[float]) -> Job:
        current = clip.get(k)
        if not any(t > 0 for t in ts):
            return None, current, None, None, ts
        return clip.get(k - 1), current, clip.get(k + 1), clip.get(k + 2), ts  # get(-1) is None

    for time in times:
        k, t = split_time(time)
        if group and k != group_k:
            yield job(group_k, group)
            group = []
        clip.forget(k - 1)
        if clip.get(k) is None or (t > 0 and clip.get(k + 1) is None):
            raise InputError(f"the input ended after {clip.read} frames, before time {time:g}")
        group_k = k
        group.append(t)
    if group:
        yield job(group_k, group)


def _run_pair(interpolator: Interpolator, before: Image | None, current: Image, following: Image | None,
              after: Image | None, ts: list[float]) -> list[Image]:
    new = [t for t in ts if t > 0]
    if not new:
        return [current] * len(ts)
    if getattr(interpolator, "uses_neighbours", False):
        made = iter(interpolator.interpolate(current, following, new, before=before, after=after))
    else:
        made = iter(interpolator.interpolate(current, following, new))
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
    is not ``thread_safe``). Frames are float in [0, 1], or 8- or 16-bit (taken as float32 in [0, 1], so
    every frame yielded is float); float input frames are yielded as they are (not copied).
    """
    if workers is None:
        workers = default_workers()
    if not getattr(interpolator, "thread_safe", False):
        workers = 1
    jobs = _pair_jobs(frames, increasing_times(times))
    if workers <= 1:
        outputs: Iterator = (_run_pair(interpolator, *job) for job in jobs)
    else:
        outputs = map_ahead(lambda job: _run_pair(interpolator, *job), jobs, workers=workers, depth=workers)
    done = 0
    for produced in outputs:
        for frame in produced:
            yield frame
            done += 1
            progress(done, total)
