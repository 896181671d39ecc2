"""One frame instead of a double exposure where the two frames, brought to time t, disagree strongly.

The flow-splatting interpolator (:mod:`.flowsplat`) samples both frames along the flows from time t and
blends them. Where the flows are right the two samples agree and the blend is sharp; where an object's
flow failed (small, fast, motion-blurred: found nowhere in the other frame) the two samples show
different things, and a blend shows both at half strength: a ghost at the object's old place, and a
second one at its new place. Averaging is the lower-error hedge when nothing says which sample is right,
but a person sees the double exposure; a solid object in one plausible place looks better. Here, at the
working size:

1. Both frames are sampled (bilinearly) along the flows from time t, at every other pixel of every other
   row; their disagreement is the mean channel difference, smoothed (Gaussian, ``sigma_px``). A region
   is where it exceeds ``low``, connected to a pixel where it exceeds ``high`` (hysteresis: a ghost's
   faint parts go with its strong ones).
2. Inside a region, a frame whose sample is a *duplicate* gives way to the other. A sample is a duplicate
   when the pixel it came from passed the forward-backward check (it is tracked), its own motion takes it
   to a point more than ``duplicate_px`` away at time t, and the flow from t there leads back to it: it
   is shown there already (the flow field at t, filled and blended between the two frames, copied it
   here too). This is the usual case next to a moving object: the band it uncovers comes from the frame
   that sees the background. A tracked pixel that is not shown where it belongs (its splat lost a
   collision) is no duplicate: taking it away at both ends would make the object vanish.
3. Where neither or both samples are duplicates, the nearer frame in time is taken (frame 0 at
   t = 0.5), but only where the flow from t is smooth (the motion's standard deviation over a small
   square below ``smooth_spread_px``): there the flow saw no moving object, so what differs moved unseen,
   and the same frame for every such region shows it once, solid, where that frame has it, not half at
   each end of its path. At a motion boundary the frames disagree about where the boundary lies, and the
   blend, the lower-error hedge, is kept (taking the nearer frame there too cost the Sintel rows of the
   fast clip flow 0.15-0.24 dB).

The frame's share in the blend is set to 1 or 0 over the regions, feathered (``feather_px``) into the
share around them; where the samples agree the blend is unchanged. Pure maths: arrays in, new arrays out.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numba
import numpy as np

from ..types import Flow, Image


@dataclass(frozen=True)
class ChooseConfig:
    #: disagreement (mean channel difference, colours in [0, 1], smoothed) that starts a region ...
    high: float = 0.15
    #: ... and that a region spreads through from there
    low: float = 0.12
    #: smoothing of the disagreement, in working-size pixels
    sigma_px: float = 2.0
    #: a tracked pixel whose motion ends further than this from where it was sampled is a duplicate there
    duplicate_px: float = 6.0
    #: the flow from t counts as smooth where the motion's standard deviation over a square of
    #: ``2 * spread_radius_px + 1`` pixels is below this (working-size pixels)
    smooth_spread_px: float = 1.5
    spread_radius_px: int = 12
    #: width of the soft edge between a region and the blend around it, in working-size pixels
    feather_px: float = 3.0


@numba.njit(cache=True, nogil=True, fastmath=True, inline="always")
def _taps(field, px, py):  # pragma: no cover - compiled
    """Bilinear taps (x0, y0, x1, y1, wx, wy) at (px, py), clamped to the field (a replicated border)."""
    h, w = field.shape[:2]
    cx = min(max(px, np.float32(0.0)), np.float32(w - 1))
    cy = min(max(py, np.float32(0.0)), np.float32(h - 1))
    x0 = min(int(cx), w - 2) if w > 1 else 0
    y0 = min(int(cy), h - 2) if h > 1 else 0
    return x0, y0, min(x0 + 1, w - 1), min(y0 + 1, h - 1), cx - np.float32(x0), cy - np.float32(y0)


@numba.njit(cache=True, nogil=True, fastmath=True, inline="always")
def _sample(field, c, x0, y0, x1, y1, wx, wy):  # pragma: no cover - compiled
    top = (1 - wx) * field[y0, x0, c] + wx * field[y0, x1, c]
    bottom = (1 - wx) * field[y1, x0, c] + wx * field[y1, x1, c]
    return (1 - wy) * top + wy * bottom


@numba.njit(cache=True, nogil=True, fastmath=True, inline="always")
def _is_duplicate(x, y, px, py, flow, accel, tracked, flows_t, c, s, accel_coef, limit2):  # pragma: no cover
    """Whether the source pixel at (px, py), sampled for (x, y) at time t, is a duplicate there: it passes
    the forward-backward check (``tracked``), its own displacement to time t (``s * flow + accel_coef *
    accel``) ends at a point e more than sqrt(limit2) px from (x, y), and the flow from t at e (channels
    c, c + 1 of ``flows_t``) leads back to it: it is shown at e already."""
    x0, y0, x1, y1, wx, wy = _taps(flow, px, py)
    top = (1 - wx) * tracked[y0, x0] + wx * tracked[y0, x1]
    bottom = (1 - wx) * tracked[y1, x0] + wx * tracked[y1, x1]
    if (1 - wy) * top + wy * bottom < 0.5:
        return False
    ex = px + s * _sample(flow, 0, x0, y0, x1, y1, wx, wy) + accel_coef * _sample(accel, 0, x0, y0, x1, y1, wx, wy)
    ey = py + s * _sample(flow, 1, x0, y0, x1, y1, wx, wy) + accel_coef * _sample(accel, 1, x0, y0, x1, y1, wx, wy)
    if (ex - x) * (ex - x) + (ey - y) * (ey - y) <= limit2:
        return False
    x0, y0, x1, y1, wx, wy = _taps(flows_t, ex, ey)
    bx = ex + _sample(flows_t, c, x0, y0, x1, y1, wx, wy) - px
    by = ey + _sample(flows_t, c + 1, x0, y0, x1, y1, wx, wy) - py
    return bx * bx + by * by <= limit2


@numba.njit(cache=True, nogil=True, fastmath=True)
def _disagreement_kernel(image0, image1, flows_t, step, diff):  # pragma: no cover - compiled
    """``diff`` (H/step, W/step) = mean channel difference of the two frames sampled along the flows from t,
    at every ``step``-th pixel of every ``step``-th row."""
    channels = image0.shape[2]
    scale = np.float32(1.0 / channels)
    for j in range(diff.shape[0]):
        y = j * step
        for i in range(diff.shape[1]):
            x = i * step
            ax0, ay0, ax1, ay1, awx, awy = _taps(image0, np.float32(x) + flows_t[y, x, 0], np.float32(y) + flows_t[y, x, 1])
            bx0, by0, bx1, by1, bwx, bwy = _taps(image1, np.float32(x) + flows_t[y, x, 2], np.float32(y) + flows_t[y, x, 3])
            total = np.float32(0.0)
            for c in range(channels):
                total += abs(_sample(image0, c, ax0, ay0, ax1, ay1, awx, awy) - _sample(image1, c, bx0, by0, bx1, by1, bwx, bwy))
            diff[j, i] = total * scale


@numba.njit(cache=True, nogil=True, fastmath=True)
def _preference_kernel(regions, flows_t, fwd, bwd, accel0, accel1, tracked0, tracked1, t, limit2, prefer):  # pragma: no cover
    """Inside ``regions``: ``prefer`` = 1 where only frame 1's sample is a duplicate (take frame 0), -1
    where only frame 0's is (take frame 1), else 0 (also outside)."""
    h, w = regions.shape
    s0 = np.float32(t)
    s1 = np.float32(1.0 - t)
    a0 = np.float32(0.5 * (t * t - t))
    a1 = np.float32(0.5 * (s1 * s1 - s1))
    for y in range(h):
        for x in range(w):
            prefer[y, x] = 0
            if not regions[y, x]:
                continue
            px0 = np.float32(x) + flows_t[y, x, 0]
            py0 = np.float32(y) + flows_t[y, x, 1]
            px1 = np.float32(x) + flows_t[y, x, 2]
            py1 = np.float32(y) + flows_t[y, x, 3]
            dup0 = _is_duplicate(x, y, px0, py0, fwd, accel0, tracked0, flows_t, 0, s0, a0, limit2)
            dup1 = _is_duplicate(x, y, px1, py1, bwd, accel1, tracked1, flows_t, 2, s1, a1, limit2)
            if dup1 and not dup0:
                prefer[y, x] = 1
            elif dup0 and not dup1:
                prefer[y, x] = -1


def _regions(disagreement: np.ndarray, config: ChooseConfig) -> np.ndarray | None:
    """Pixels where the smoothed disagreement exceeds ``low``, connected to one where it exceeds
    ``high``; None when there are none."""
    strong = disagreement > config.high
    if not strong.any():
        return None
    if config.low >= config.high:
        return strong
    count, labels = cv2.connectedComponents((disagreement > config.low).astype(np.uint8), connectivity=8)
    keep = np.zeros(count, bool)
    keep[labels[strong]] = True
    keep[0] = False
    return keep[labels]


def _motion_spread(flows_t: np.ndarray, radius: int) -> np.ndarray:
    """Standard deviation (H, W) of the motion across the pair implied by the flows from t (to frame 1
    minus to frame 0) over a square of ``2 * radius + 1`` pixels, both components together."""
    motion = np.ascontiguousarray(flows_t[..., 2:4] - flows_t[..., 0:2])
    size = (2 * radius + 1, 2 * radius + 1)
    mean = cv2.blur(motion, size)
    return np.sqrt(np.maximum(cv2.blur(motion * motion, size) - mean * mean, 0.0).sum(axis=2))


def choose_frames(
    share0: np.ndarray,
    image0: Image,
    image1: Image,
    flows_t: np.ndarray,
    *,
    t: float,
    fwd: Flow,
    bwd: Flow,
    tracked0: np.ndarray,
    tracked1: np.ndarray,
    accel: tuple[np.ndarray, np.ndarray] | None = None,
    config: ChooseConfig | None = None,
) -> np.ndarray:
    """Frame 0's share (H, W) in the blend at time t, set to one frame where the frames disagree (see the
    module's doc). All arrays at the working size: ``image0``/``image1`` the frames, ``flows_t`` (H, W, 4)
    the flows from time t to frame 0 and to frame 1, ``fwd``/``bwd`` the pair's flows, ``tracked0``/
    ``tracked1`` (H, W) 1 where a frame's pixel passed the forward-backward check, ``accel`` the quadratic
    model's accelerations (None: straight lines). Returns a new float32 array."""
    config = config or ChooseConfig()
    share0 = np.asarray(share0, np.float32)
    h, w = share0.shape
    flows_t = np.ascontiguousarray(flows_t, np.float32)
    # on every other pixel of every other row (a quarter of the work): it is smoothed over several pixels
    diff = np.empty(((h + 1) // 2, (w + 1) // 2), np.float32)
    _disagreement_kernel(np.ascontiguousarray(image0, np.float32), np.ascontiguousarray(image1, np.float32), flows_t, 2, diff)
    disagreement = cv2.GaussianBlur(diff, (0, 0), config.sigma_px / 2)
    regions = _regions(cv2.resize(disagreement, (w, h), interpolation=cv2.INTER_LINEAR), config)
    if regions is None:
        return share0.copy()
    zero = np.zeros((h, w, 2), np.float32)
    a0, a1 = accel if accel is not None else (zero, zero)
    prefer = np.empty((h, w), np.int8)
    _preference_kernel(
        regions, flows_t, np.ascontiguousarray(fwd, np.float32), np.ascontiguousarray(bwd, np.float32),
        np.ascontiguousarray(a0, np.float32), np.ascontiguousarray(a1, np.float32),
        np.ascontiguousarray(tracked0, np.float32), np.ascontiguousarray(tracked1, np.float32), float(t),
        np.float32(config.duplicate_px**2), prefer,
    )  # fmt: skip
    # undecided pixels take the nearer frame only where the flow from t is smooth: there it saw no
    # moving object, so what differs moved unseen; at a motion boundary the blend hedges its position
    smooth_flow = _motion_spread(flows_t, config.spread_radius_px) < config.smooth_spread_px
    regions &= (prefer != 0) | smooth_flow
    if not regions.any():
        return share0.copy()
    nearer = np.float32(1.0 if t <= 0.5 else 0.0)
    target = np.where(prefer > 0, np.float32(1.0), np.where(prefer < 0, np.float32(0.0), nearer))
    inside = regions.astype(np.float32)
    # feathered: the chosen share inside, blending into the unchanged share over about feather_px around
    weight = cv2.GaussianBlur(inside, (0, 0), config.feather_px)
    chosen = cv2.GaussianBlur(inside * target, (0, 0), config.feather_px) / np.maximum(weight, 1e-6)
    alpha = np.minimum(2.0 * weight, 1.0)
    return (share0 + alpha * (chosen - share0)).astype(np.float32)
