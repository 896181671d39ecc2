"""Which output frames fall between which input frames: output times in input-frame units."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

from ..errors import InputError


def output_times(frame_count: int, *, factor: int | None = None, in_fps: float | None = None,
                 out_fps: float | None = None) -> Iterator[float]:  # fmt: skip
    """Times (in input frames, 0 .. frame_count - 1) of the output frames: ``factor`` K puts K - 1 new frames
    between each pair; ``out_fps`` resamples an ``in_fps`` clip to a new rate over the same duration."""
    if frame_count < 2:
        raise InputError(f"interpolation needs at least 2 frames, the input has {frame_count}")
    last = frame_count - 1
    if factor is not None:
        if factor < 1:
            raise InputError(f"--factor must be at least 1, got {factor}")
        for j in range(last * factor + 1):
            yield j / factor
        return
    if not in_fps or not out_fps or in_fps <= 0 or out_fps <= 0:
        raise InputError(f"--fps needs a positive input and output rate, got {in_fps} -> {out_fps}")
    step = in_fps / out_fps
    count = int(math.floor(last / step + 1e-9)) + 1
    for j in range(count):
        yield j * step


def check_output_time(time: float) -> None:
    """Raise :class:`InputError` unless ``time`` (in input frames) is a finite number, 0 or more."""
    if not math.isfinite(time):
        raise InputError(f"output times must be finite numbers of input frames, got {time}")
    if time < -1e-9:  # the tolerance of split_time's rounding
        raise InputError(f"output time {time:g} is before the first input frame (times count input frames from 0)")


def increasing_times(times: Iterable[float]) -> Iterator[float]:
    """``times`` as given, checked one by one as they are read: each by :func:`check_output_time`, and
    none below the one before it (a stream of frames cannot go back)."""
    previous = -math.inf
    for time in times:
        check_output_time(time)
        if time < previous:
            raise InputError(f"output times must increase: {time:g} comes after {previous:g}")
        previous = time
        yield time


def split_time(time: float) -> tuple[int, float]:
    """``(k, t)``: the pair (k, k + 1) and the fraction t in [0, 1) of the way from frame k; ``time`` is
    checked by :func:`check_output_time`."""
    check_output_time(time)
    k = int(math.floor(time + 1e-9))
    t = time - k
    return k, (0.0 if abs(t) < 1e-9 else t)
