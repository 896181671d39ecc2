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


@numba.njit(cache=True, nogil=True, fastmath=True)
def _weights_kernel(image0, image1, fwd, bwd, gain, penalty, rel_tol, abs_tol, weight, carried):  # pragma: no cover
    h, w, channels = image0.shape
    top_x = np.float32(w - 1)
    top_y = np.float32(h - 1)
    zero = np.float32(0.0)
    scale = np.float32(gain / channels)
    for y in range(h):
        for x in range(w):
            fx = fwd[y, x, 0]
            fy = fwd[y, x, 1]
            px = np.float32(x) + fx
            py = np.float32(y) + fy
            inside = px >= zero and px <= top_x and py >= zero and py <= top_y
            cx = min(max(px, zero), top_x)
            cy = min(max(py, zero), top_y)
            # bilinear taps at (cx, cy), shared by the flow and the image
            x0 = min(int(cx), w - 2) if w > 1 else 0
            y0 = min(int(cy), h - 2) if h > 1 else 0
            x1 = min(x0 + 1, w - 1)
            y1 = min(y0 + 1, h - 1)
            ax = cx - np.float32(x0)
            ay = cy - np.float32(y0)
            w00 = (1 - ax) * (1 - ay)
            w01 = ax * (1 - ay)
            w10 = (1 - ax) * ay
            w11 = ax * ay
            bx = w00 * bwd[y0, x0, 0] + w01 * bwd[y0, x1, 0] + w10 * bwd[y1, x0, 0] + w11 * bwd[y1, x1, 0]
            by = w00 * bwd[y0, x0, 1] + w01 * bwd[y0, x1, 1] + w10 * bwd[y1, x0, 1] + w11 * bwd[y1, x1, 1]
            lx = fx + bx
            ly = fy + by
            ok = inside and (lx * lx + ly * ly <= rel_tol * (fx * fx + fy * fy + bx * bx + by * by) + abs_tol)
            error = zero
            for c in range(channels):
                v = w00 * image1[y0, x0, c] + w01 * image1[y0, x1, c] + w10 * image1[y1, x0, c] + w11 * image1[y1, x1, c]
                error += abs(image0[y, x, c] - v)
            z = -scale * error
            if not ok:
                z -= penalty
            weight[y, x] = math.exp(z)
            carried[y, x, 0] = fx
            carried[y, x, 1] = fy
            carried[y, x, 2] = np.float32(1.0) if ok else zero


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
        np.float32(photometric_gain), np.float32(inconsistency_penalty), np.float32(relative_tol),
        np.float32(absolute_tol_px2),
        weight, carried,
    )  # fmt: skip
    return weight, carried
