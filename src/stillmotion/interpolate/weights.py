"""Splatting weights of a frame's pixels: photometric match and forward-backward consistency, in one pass.

For every pixel ``x`` of frame 0 with flow ``f = F01(x)``: frame 1 and the backward flow ``F10`` are
sampled bilinearly at ``x + f`` (coordinates clamped to the frame, as a replicated border); the pixel is
*consistent* when ``|f + F10(x + f)|^2 <= relative_tol * (|f|^2 + |F10(x + f)|^2) + absolute_tol_px2`` and
``x + f`` lies inside frame 1 (the test of :func:`stillmotion.flow.consistency.consistent_mask`); its
log-weight is ``-photometric_gain * mean_c |I0(x) - I1(x + f)| - inconsistency_penalty * (not consistent)``.
One compiled pass replaces two remaps, a channel mean, the consistency arithmetic and the exponential
(several full passes over the arrays each). Pure maths: arrays in, new arrays out.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from ..types import Flow, Image


@numba.njit(inline="always")
def _bilinear(array, px, py, c):  # pragma: no cover - compiled
    h, w = array.shape[:2]
    x0 = min(int(px), w - 2) if w > 1 else 0
    y0 = min(int(py), h - 2) if h > 1 else 0
    x1 = min(x0 + 1, w - 1)
    y1 = min(y0 + 1, h - 1)
    ax = px - x0
    ay = py - y0
    top = array[y0, x0, c] + ax * (array[y0, x1, c] - array[y0, x0, c])
    bottom = array[y1, x0, c] + ax * (array[y1, x1, c] - array[y1, x0, c])
    return top + ay * (bottom - top)


@numba.njit(cache=True, nogil=True, fastmath=True)
def _weights_kernel(image0, image1, fwd, bwd, gain, penalty, rel_tol, abs_tol, weight, carried):  # pragma: no cover
    h, w, channels = image0.shape
    for y in range(h):
        for x in range(w):
            fx = fwd[y, x, 0]
            fy = fwd[y, x, 1]
            px = x + fx
            py = y + fy
            inside = px >= 0.0 and px <= w - 1 and py >= 0.0 and py <= h - 1
            cx = min(max(px, 0.0), w - 1.0)
            cy = min(max(py, 0.0), h - 1.0)
            bx = _bilinear(bwd, cx, cy, 0)
            by = _bilinear(bwd, cx, cy, 1)
            lx = fx + bx
            ly = fy + by
            ok = inside and (lx * lx + ly * ly <= rel_tol * (fx * fx + fy * fy + bx * bx + by * by) + abs_tol)
            error = 0.0
            for c in range(channels):
                error += abs(image0[y, x, c] - _bilinear(image1, cx, cy, c))
            z = -gain * error / channels
            if not ok:
                z -= penalty
            weight[y, x] = math.exp(z)
            carried[y, x, 0] = fx
            carried[y, x, 1] = fy
            carried[y, x, 2] = 1.0 if ok else 0.0


def splat_weights(
    image0: Image,
    image1: Image,
    fwd: Flow,
    bwd: Flow,
    *,
    photometric_gain: float,
    inconsistency_penalty: float,
    relative_tol: float = 0.01,
    absolute_tol_px2: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """``(weight (H, W), carried (H, W, 3))`` for frame 0's pixels: ``exp(log-weight)`` and what they carry
    when splatted, ``(fwd_x, fwd_y, consistent 1/0)``. All arrays float32 at the flows' size."""
    h, w = fwd.shape[:2]
    weight = np.empty((h, w), np.float32)
    carried = np.empty((h, w, 3), np.float32)
    _weights_kernel(
        np.ascontiguousarray(image0, np.float32), np.ascontiguousarray(image1, np.float32),
        np.ascontiguousarray(fwd, np.float32), np.ascontiguousarray(bwd, np.float32),
        float(photometric_gain), float(inconsistency_penalty), float(relative_tol), float(absolute_tol_px2),
        weight, carried,
    )  # fmt: skip
    return weight, carried
