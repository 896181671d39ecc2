"""Quadratic motion for the flow-splatting interpolator (see :mod:`.flowsplat`): accelerations from the
neighbouring pairs' flows, and the splat of each pixel along its curved path to time t.

With times -1, 0, 1, 2 for frames k - 1 .. k + 2, a pixel of frame 0 moves along
``x(t) = x0 + v t + a t^2 / 2`` with ``F01 = v + a/2`` and ``F0,-1 = -v + a/2``, so ``a0 = F01 + F0,-1`` and
its displacement to time t is ``d0(t) = t F01 + (t^2 - t) / 2 * a0`` (frame 1's pixels likewise, with
``a1 = F10 + F12`` and 1 - t), at the working size.
"""

from __future__ import annotations

import numba
import numpy as np

from ..flow.consistency import backward_warp
from ..types import Flow, Image
from .splat import scatter_bilinear
from .weights import splat_weights

#: The neighbouring pair's flow is reliable where it passes the forward-backward check of
#: :mod:`.weights` with these tolerances (``|f + b|^2 <= rel * (|f|^2 + |b|^2) + abs``: about 2 px + 10 %,
#: looser than the pair's own check, which decides visibility) ...
ACCEL_REL_TOL = 0.01
ACCEL_ABS_TOL_PX2 = 4.0
#: ... and takes each pixel to one of the same colour (mean channel difference, colours in [0, 1]): a flow
#: that failed alike in both directions can still be consistent.
ACCEL_COLOUR_TOL = 0.12
#: A neighbour whose flow is reliable at fewer of the pixels than this is from another shot (a cut), or
#: its motion is beyond the flow: it is not used (Sintel's neighbours: 87-98 %; across a cut: ~5 %).
ACCEL_MIN_RELIABLE = 0.5


def _acceleration(frame: Image, own: Flow, neighbour: tuple[Image, Flow, Flow]) -> np.ndarray | None:
    """One frame's acceleration ``own + out`` from its flow to the pair's other frame (``own``) and a
    neighbour ``(frame, flow out to it, flow back)``, 0 where ``out`` is not reliable; None when too few
    pixels are. The test is the splatting weights' single pass (:func:`.weights.splat_weights`): with
    photometric gain 1 and an overwhelming inconsistency penalty, a reliable pixel is one whose weight
    ``exp(-colour difference)`` is at least ``exp(-ACCEL_COLOUR_TOL)``."""
    other, out, back = neighbour
    weight, _ = splat_weights(frame, other, out, back, photometric_gain=1.0, inconsistency_penalty=1e3,
                              relative_tol=ACCEL_REL_TOL, absolute_tol_px2=ACCEL_ABS_TOL_PX2)  # fmt: skip
    reliable = weight >= np.float32(np.exp(-ACCEL_COLOUR_TOL))
    if reliable.mean() < ACCEL_MIN_RELIABLE:
        return None
    return (own + out) * reliable[..., None]


def accelerations(small0: Image, small1: Image, fwd: Flow, bwd: Flow, ok0: np.ndarray, ok1: np.ndarray,
                  before: tuple[Image, Flow, Flow] | None,
                  after: tuple[Image, Flow, Flow] | None) -> tuple[np.ndarray, np.ndarray] | None:
    """Per-pixel accelerations ``(a0, a1)`` (H, W, 2; working-size pixels per frame interval squared) of
    the pair's frames ``small0``/``small1`` (working size) with flows ``fwd``/``bwd`` (consistent where
    ``ok0``/``ok1``), from the neighbouring pairs: ``before`` = (frame -1, F0,-1 at frame 0, F-1,0 at
    frame -1), ``after`` = (frame 2, F12 at frame 1, F21 at frame 2). A side without a usable neighbour
    (the clip's first or last pair, or a cut) takes the other side's acceleration along the pair's flow
    (constant acceleration), where the pair's own flows are consistent. None when neither side has one."""
    a0 = None if before is None else _acceleration(small0, fwd, before)
    a1 = None if after is None else _acceleration(small1, bwd, after)
    if a0 is None and a1 is None:
        return None
    if a0 is None:
        a0 = backward_warp(a1, fwd) * ok0[..., None]
    if a1 is None:
        a1 = backward_warp(a0, bwd) * ok1[..., None]
    return a0.astype(np.float32), a1.astype(np.float32)


@numba.njit(cache=True, nogil=True, fastmath=True)
def _splat_kernel(flow, accel, ok, flow_coef, accel_coef, weight, weight_scale, num, den, cover):  # pragma: no cover
    """Splat every pixel along ``d = flow_coef * flow + accel_coef * accel`` (bilinear), carrying
    ``(d, flow, ok)`` into ``num`` (H, W, 5)."""
    height, width = weight.shape
    carried = np.empty(5, np.float32)
    for y in range(height):
        for x in range(width):
            w = weight[y, x] * weight_scale
            if w <= 0.0:
                continue
            carried[0] = flow_coef * flow[y, x, 0] + accel_coef * accel[y, x, 0]
            carried[1] = flow_coef * flow[y, x, 1] + accel_coef * accel[y, x, 1]
            carried[2] = flow[y, x, 0]
            carried[3] = flow[y, x, 1]
            carried[4] = ok[y, x]
            scatter_bilinear(num, den, cover, x + carried[0], y + carried[1], w, carried)


def splat_curved(flow: Flow, accel: np.ndarray, ok: np.ndarray, weight: np.ndarray, *, s: float,
                 weight_scale: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Splat a frame's pixels to the time that is ``s`` of the way to the pair's other frame (s = t for
    frame 0, 1 - t for frame 1), along ``s * flow + (s^2 - s) / 2 * accel``. Returns ``num`` (H, W, 5:
    weighted sums of displacement, flow to the other frame and ``ok``), ``den`` and ``cover`` as
    :func:`~stillmotion.interpolate.splat.splat_accumulate`."""
    h, w = weight.shape
    num = np.zeros((h, w, 5), np.float32)
    den = np.zeros((h, w), np.float32)
    cover = np.zeros((h, w), np.float32)
    _splat_kernel(np.ascontiguousarray(flow, np.float32), np.ascontiguousarray(accel, np.float32),
                  np.ascontiguousarray(ok, np.float32), np.float32(s), np.float32(0.5 * (s * s - s)),
                  np.ascontiguousarray(weight, np.float32), np.float32(weight_scale), num, den, cover)  # fmt: skip
    return num, den, cover


@numba.njit(cache=True, nogil=True, inline="always")
def share_of_frame0(cover0, ok0, den0, cover1, ok1, den1, t, floor):  # pragma: no cover - compiled
    """Frame 0's share of the blend at one pixel from both splats' coverage, sums of ``ok`` and weights:
    ``(1 - t) * (seen0 + floor)`` against ``t * (seen1 + floor)``, ``seen`` = coverage by consistent pixels."""
    seen0 = min(cover0, 1.0) * ok0 / max(den0, 1e-12)
    seen1 = min(cover1, 1.0) * ok1 / max(den1, 1e-12)
    a = (1 - t) * (min(max(seen0, 0.0), 1.0) + floor)
    b = t * (min(max(seen1, 0.0), 1.0) + floor)
    return a / (a + b)


@numba.njit(cache=True, nogil=True, fastmath=True)
def combine_curved(num0, den0, cover0, num1, den1, cover1, t, floor, num, den, cover, share0):  # pragma: no cover
    """As :func:`~stillmotion.interpolate.flowsplat._combine_splats`, for :func:`splat_curved`'s sums: from
    time t a frame-0 pixel is ``-d0`` from frame 0 and ``F01 - d0`` from frame 1; a frame-1 pixel
    ``F10 - d1`` from frame 0 and ``-d1`` from frame 1."""
    h, w = den0.shape
    for y in range(h):
        for x in range(w):
            for c in range(2):
                num[y, x, c] = num1[y, x, 2 + c] - num1[y, x, c] - num0[y, x, c]
                num[y, x, 2 + c] = num0[y, x, 2 + c] - num0[y, x, c] - num1[y, x, c]
            den[y, x] = den0[y, x] + den1[y, x]
            cover[y, x] = (1 - t) * cover0[y, x] + t * cover1[y, x]
            share0[y, x] = share_of_frame0(cover0[y, x], num0[y, x, 4], den0[y, x], cover1[y, x], num1[y, x, 4],
                                           den1[y, x], t, floor)  # fmt: skip
