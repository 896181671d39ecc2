"""How fast a loop may flow: a material preset is slowed where its material would cross the region too soon.

Each pixel of a loop frame shows the photo moved forward from the loop's start or backward from its end
(:mod:`.render`), and switches from one to the other once per loop (:mod:`.schedule`). At frame t of N the
forward half shows the material that was t frames upstream, the backward half the material that will be
N - t frames downstream; each has material only while that place lies in the moving region. Where the
material crosses the region in T frames, both halves have it at once only during T - N frames, and never
when T < N: there a frame can only show holes, the faded border's material stretched into rows of specks
and lone 2x2 squares, and next to each other two halves that carried unrelated content a region apart (a
ragged tear). A material preset moves at a fraction of the photo's diagonal per second, the same on a river
that fills the frame and on the crema of a cup of coffee 160 x 91 px in a 600 x 400 photo: the smoke preset
carried that crema 86 px in a 4 s loop (T about 1.1 N), and the waterfall preset on the mountain stream's
water 170 px in 2 s (T about 1.3 N).

So along each streamline a preset's field is slowed by ``k = min(1, T / (MIN_TRANSIT_LOOPS * N))``, with T
measured at speed 1: particles are traced both ways on the schedule's coarse grid until they leave the
moving region (islands included: the flow passes under them) or the photo, or reach a part of the field 4x
slower or faster (the faded border). T is the same all along a streamline, and so is k: the field keeps its
paths and its compression (``div(k M) = k div M`` where k does not vary along M); where the region is long
enough, k = 1. The loop's length therefore sets how fast a preset may flow in a small region.
Explicit motion (arrows, a reference video, and ``speed`` above 1 on top of a slowed preset) is the user's
and is not slowed; a warning says when half of the region's material crosses it in fewer than
``WARN_TRANSIT_LOOPS`` loops.
"""

from __future__ import annotations

import logging
import math

import cv2
import numpy as np

from ..imageops import normalised_blur
from .schedule import HARD_FRACTION, coarse_copy, sound_frames

log = logging.getLogger(__name__)

#: a material preset's material takes at least this many loops to cross the moving region (fewer: tears
#: where the two halves of a frame have no material at once; see the module's docstring)
MIN_TRANSIT_LOOPS = 2.0
#: a warning is logged when half of the region's material crosses it in fewer loops than this
WARN_TRANSIT_LOOPS = 1.5
#: the slowing factor is smoothed over this many pixels of the coarse grid
_SMOOTH_PX = 1.5
#: a pixel of the coarse grid is measured against the fastest field within this window around it
_AROUND_PX = 7


def transit_frames(field: np.ndarray, *, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """(T, measured) on the coarse grid of :func:`.schedule.coarse_copy`: T (float32) the frames the
    material at each pixel takes to cross the region where ``field`` (H, W, 2, pixels per frame) is not zero
    (up to ``steps`` each way, upstream and downstream); ``measured`` (bool) the pixels of that region
    where T means that. Pixels much slower than the field around them (the faded border, an anchor) are
    left out: their particles run at once into the faster field and stop there."""
    coarse, share = coarse_copy(field, np.any(field != 0, axis=2))
    _, upstream = sound_frames(-coarse, share, steps)
    _, downstream = sound_frames(coarse, share, steps)
    speed = np.hypot(coarse[:, :, 0], coarse[:, :, 1])
    around = cv2.dilate(speed, np.ones((_AROUND_PX, _AROUND_PX), np.uint8))
    return upstream + downstream, (share >= 0.5) & (speed >= HARD_FRACTION * around)


def pace(field: np.ndarray, *, frame_count: int, speed: float = 1.0, fit: bool = True) -> np.ndarray:
    """The motion of a loop of ``frame_count`` frames, given its field (H, W, 2) in pixels per frame.

    With ``fit`` (the field is a material preset's motion times ``speed``), the field is slowed along every
    streamline whose material would cross the moving region in fewer than ``MIN_TRANSIT_LOOPS`` loops at
    speed 1; ``speed`` still multiplies the result. Without it (arrows, a video) the field is kept as it is.
    Either way a warning is logged when half of the region's material crosses it in fewer than
    ``WARN_TRANSIT_LOOPS`` loops. Returns a new array when the field is slowed, else ``field`` itself.
    """
    n = frame_count
    if n < 1 or speed <= 0 or not np.any(field):
        return field
    base = field / np.float32(speed) if fit else field
    loops = MIN_TRANSIT_LOOPS if fit else WARN_TRANSIT_LOOPS
    transit, measured = transit_frames(base, steps=math.ceil(loops * n))
    if not measured.any():  # a region smaller than a pixel of the coarse grid
        return field
    if fit:
        # smoothed over the measured pixels only, so that the others take their neighbours' values; 1 far from any
        factor = normalised_blur(np.minimum(1.0, transit / np.float32(MIN_TRANSIT_LOOPS * n)), measured,
                                 sigma_px=_SMOOTH_PX, empty=1.0)  # fmt: skip
        if factor[measured].min() < 0.999:  # (a blur of ones is not exactly one)
            h, w = field.shape[:2]
            field = field * cv2.resize(factor, (w, h), interpolation=cv2.INTER_LINEAR)[:, :, None]
            low, mid = np.percentile(factor[measured], [10, 50])
            say = log.info if low < 0.995 else log.debug  # slowed only at a few pixels: not worth a line
            say(
                "material slowed to %.0f%% of its preset speed (%.0f%% where the region is shortest) so that it "
                "takes at least %g loops to cross the moving region", 100 * mid, 100 * low, MIN_TRANSIT_LOOPS,
            )  # fmt: skip
        transit = transit / (np.maximum(factor, 1e-6) * np.float32(speed))
    crossing = float(np.median(transit[measured])) / n
    if crossing < WARN_TRANSIT_LOOPS:
        log.warning(
            "the material crosses half of the moving region in %.2g loops (fewer than %g): expect tears and "
            "specks where it has no material from either end of the loop; lower the flow's speed or the loop's "
            "length (loop: --speed, --duration; animate: --flow-speed, --duration)", crossing, WARN_TRANSIT_LOOPS,
        )  # fmt: skip
    return field
