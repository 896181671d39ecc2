"""Quadratic motion for the flow-splatting interpolator (see :mod:`.flowsplat`): accelerations from the
neighbouring pairs' flows, and the splat of each pixel along its curved path to time t.

With times -1, 0, 1, 2 for frames k - 1 .. k + 2, a pixel of frame 0 moves along
``x(t) = x0 + v t + a t^2 / 2`` with ``F01 = v + a/2`` and ``F0,-1 = -v + a/2``, so ``a0 = F01 + F0,-1`` and
its displacement to time t is ``d0(t) = t F01 + (t^2 - t) / 2 * a0`` (frame 1's pixels likewise, with
``a1 = F10 + F12`` and 1 - t). All in compiled single passes at the working size.
"""

from __future__ import annotations

import cv2
import numba
import numpy as np

from ..types import Flow, Image
from .splat import scatter_bilinear

#: The neighbouring pair's flows must agree (forward-backward) within this many working-size pixels, plus
#: ``ACCEL_REL_TOL`` of the flow's length, for the acceleration to be used ...
ACCEL_ABS_TOL_PX = 2.0
ACCEL_REL_TOL = 0.1
#: ... and take each pixel to one of the same colour (mean channel difference, colours in [0, 1]): a flow
#: that failed alike in both directions can still be consistent.
ACCEL_COLOUR_TOL = 0.12
#: A neighbour whose flow is reliable at fewer of the pixels than this is from another shot (a cut), or
#: its motion is beyond the flow: it is not used (Sintel's neighbours: 87-98 %; across a cut: ~5 %).
ACCEL_MIN_RELIABLE = 0.5


@numba.njit(cache=True, nogil=True, inline="always")
def _bilinear(field, y, x, c):  # pragma: no cover - compiled
    """``field[y, x, c]`` at a fractional position, coordinates clamped to the field (replicated border)."""
    h, w = field.shape[:2]
    x = min(max(x, 0.0), w - 1.0)
    y = min(max(y, 0.0), h - 1.0)
    x0 = min(int(x), w - 2) if w > 1 else 0
    y0 = min(int(y), h - 2) if h > 1 else 0
    fx = x - x0
    fy = y - y0
    x1 = min(x0 + 1, w - 1)
    y1 = min(y0 + 1, h - 1)
    top = field[y0, x0, c] * (1.0 - fx) + field[y0, x1, c] * fx
    bottom = field[y1, x0, c] * (1.0 - fx) + field[y1, x1, c] * fx
    return top * (1.0 - fy) + bottom * fy


@numba.njit(cache=True, nogil=True)
def _accel_kernel(frame, other, own, out, back, abs_tol, rel_tol, colour_tol, accel):  # pragma: no cover
    """``accel = own + out`` where ``out`` (frame -> other) is reliable, else 0; returns the count of
    reliable pixels. Reliable: ``back`` (other -> frame) undoes ``out`` where it lands, and the colour
    there matches."""
    h, w = out.shape[:2]
    channels = frame.shape[2]
    reliable = 0
    for y in range(h):
        for x in range(w):
            u = out[y, x, 0]
            v = out[y, x, 1]
            ty = y + v
            tx = x + u
            ex = u + _bilinear(back, ty, tx, 0)
            ey = v + _bilinear(back, ty, tx, 1)
            ok = ex * ex + ey * ey < (abs_tol + rel_tol * np.sqrt(u * u + v * v)) ** 2
            if ok:
                diff = 0.0
                for c in range(channels):
                    diff += abs(_bilinear(other, ty, tx, c) - frame[y, x, c])
                ok = diff <= colour_tol * channels
            if ok:
                reliable += 1
                accel[y, x, 0] = own[y, x, 0] + u
                accel[y, x, 1] = own[y, x, 1] + v
            else:
                accel[y, x, 0] = 0.0
                accel[y, x, 1] = 0.0
    return reliable


def _acceleration(frame: Image, own: Flow, neighbour: tuple[Image, Flow, Flow]) -> np.ndarray | None:
    """One frame's acceleration from its flow to the pair's other frame (``own``) and a neighbour
    ``(frame, flow there, flow back)``; None when too few pixels are reliable."""
    other, out, back = neighbour
    accel = np.empty(out.shape, np.float32)
    f32 = np.float32
    reliable = _accel_kernel(np.ascontiguousarray(frame, f32), np.ascontiguousarray(other, f32),
                             np.ascontiguousarray(own, f32), np.ascontiguousarray(out, f32),
                             np.ascontiguousarray(back, f32), f32(ACCEL_ABS_TOL_PX), f32(ACCEL_REL_TOL),
                             f32(ACCEL_COLOUR_TOL), accel)  # fmt: skip
    return accel if reliable >= ACCEL_MIN_RELIABLE * out.shape[0] * out.shape[1] else None


def _along(field: np.ndarray, flow: Flow) -> np.ndarray:
    """``field`` (of the other frame) sampled where ``flow`` takes each pixel."""
    h, w = flow.shape[:2]
    xs = np.arange(w, dtype=np.float32)[None, :] + flow[..., 0]
    ys = np.arange(h, dtype=np.float32)[:, None] + flow[..., 1]
    return cv2.remap(field, xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


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
        a0 = _along(a1, fwd) * ok0[..., None]
    if a1 is None:
        a1 = _along(a0, bwd) * ok1[..., None]
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
