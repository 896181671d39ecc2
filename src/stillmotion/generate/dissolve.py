"""Join clips with cross-dissolves that overlap them, streaming: only the overlap is ever buffered.

Clip ``k`` has ``n_k`` frames and overlaps the previous clip by ``o_k`` frames (``o_0 = 0``), so the film
has ``sum(n_k) - sum(o_k)`` frames. During an overlap of ``o`` frames, output frame ``j`` (0-based) is
``(1 - a) * previous[n_prev - o + j] + a * next[j]`` with ``a = (j + 1) / (o + 1)``: the weights never
reach 0 or 1 inside the dissolve, so neither clip's own first or last frame is shown twice.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClipPlan:
    """How many frames a clip has and by how many frames it overlaps the clip before it."""

    frame_count: int
    overlap_in: int = 0


def clamp_overlaps(plans: list[ClipPlan]) -> list[ClipPlan]:
    """Make every overlap fit: at most one frame less than either neighbouring clip, minus what the
    previous clip already gives to its own dissolve in."""
    out: list[ClipPlan] = []
    for k, plan in enumerate(plans):
        overlap = 0
        if k > 0:
            prev_free = out[-1].frame_count - out[-1].overlap_in - 1
            overlap = max(0, min(plan.overlap_in, prev_free, plan.frame_count - 1))
        out.append(ClipPlan(plan.frame_count, overlap))
    return out


def film_length(plans: list[ClipPlan]) -> int:
    """Frames in the joined film."""
    return sum(p.frame_count for p in plans) - sum(p.overlap_in for p in plans)


def dissolve_weight(j: int, overlap: int) -> float:
    """Weight of the incoming clip at frame ``j`` of an ``overlap``-frame dissolve."""
    return (j + 1) / (overlap + 1)


def join_with_dissolves(clips: Iterable[Iterator[np.ndarray]], plans: list[ClipPlan]) -> Iterator[np.ndarray]:
    """Yield the frames of ``clips`` joined by cross-dissolves as ``plans`` say (use :func:`clamp_overlaps`).

    Each clip must yield exactly ``plans[k].frame_count`` frames of one common shape. A clip is pulled
    from only when its frames are needed, so clips may be generators that render lazily.
    """
    tail: deque[np.ndarray] = deque()
    for k, (clip, plan) in enumerate(zip(clips, plans, strict=True)):
        next_overlap = plans[k + 1].overlap_in if k + 1 < len(plans) else 0
        count = 0
        for frame in clip:
            if count < plan.overlap_in:
                a = np.float32(dissolve_weight(count, plan.overlap_in))
                previous = tail.popleft()
                frame_out = previous * (np.float32(1) - a) + frame * a
                yield frame_out.astype(np.float32, copy=False)
            elif count >= plan.frame_count - next_overlap:
                tail.append(frame)  # held back for the dissolve into the next clip
            else:
                yield frame
            count += 1
        if count != plan.frame_count:
            raise ValueError(f"clip {k} gave {count} frames, expected {plan.frame_count}")
    yield from tail
