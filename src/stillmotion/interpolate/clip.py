"""Interpolating a whole clip as a stream: frames in, more (or re-timed) frames out, two frames in memory."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from ..errors import InputError
from ..types import Image, ProgressCallback, no_progress
from . import Interpolator
from .timeline import split_time

log = logging.getLogger(__name__)


def interpolate_clip(
    frames: Iterable[Image],
    times: Iterable[float],
    interpolator: Interpolator,
    *,
    total: int = 0,
    progress: ProgressCallback = no_progress,
) -> Iterator[Image]:
    """Yield the frame at each of ``times`` (increasing, in input-frame units) from the ``frames`` stream."""
    source = iter(frames)
    index = 0
    try:
        current = next(source)
    except StopIteration:
        raise InputError("the input has no frames") from None
    following = None
    done = 0
    for time in times:
        k, t = split_time(time)
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
        if t == 0:
            yield current
        else:
            yield interpolator.interpolate(current, following, [t])[0]
        done += 1
        progress(done, total)
