"""Softmax splatting: forward-warp an image by a displacement field, resolving collisions by importance.

Each source pixel x adds ``exp(Z(x)) * b`` times its colour to the four target pixels around
``x + F(x)`` (bilinear weights b), and the same weight to a weight buffer; dividing the two afterwards
gives a soft z-buffer (Niklaus & Liu, CVPR 2020, "Softmax Splatting for Video Frame Interpolation").
A third buffer sums the plain bilinear weights: how densely the target is covered, which tells holes
and stretched areas apart from well-covered ones.
"""

from __future__ import annotations

import math

import numba
import numpy as np

#: log-importances below this are clipped, so weights stay far from float32 underflow
MIN_LOG_IMPORTANCE = -25.0


@numba.njit(cache=True, nogil=True, fastmath=True)
def _splat_into(colour, displacement, log_importance, per_px, sources, acc, weight, coverage):  # pragma: no cover
    # log-importance of a source: log_importance[y, x] - per_px * |displacement|, clipped below
    h, w = displacement.shape[0], displacement.shape[1]
    channels = colour.shape[2]
    for y in range(h):
        for x in range(w):
            if not sources[y, x]:
                continue
            ddx = displacement[y, x, 0]
            ddy = displacement[y, x, 1]
            tx = x + ddx
            ty = y + ddy
            if not (tx > -1.0 and ty > -1.0 and tx < w and ty < h):
                continue
            z = log_importance[y, x]
            if per_px != 0.0:
                z -= per_px * math.sqrt(ddx * ddx + ddy * ddy)
            e = math.exp(max(z, MIN_LOG_IMPORTANCE))
            x0 = int(math.floor(tx))
            y0 = int(math.floor(ty))
            fx = tx - x0
            fy = ty - y0
            if x0 >= 0 and y0 >= 0 and x0 + 1 < w and y0 + 1 < h and channels == 3:
                # fast path: the four targets are inside the frame
                b00 = (1.0 - fx) * (1.0 - fy)
                b01 = fx * (1.0 - fy)
                b10 = (1.0 - fx) * fy
                b11 = fx * fy
                c0 = colour[y, x, 0]
                c1 = colour[y, x, 1]
                c2 = colour[y, x, 2]
                wb = e * b00
                acc[y0, x0, 0] += wb * c0
                acc[y0, x0, 1] += wb * c1
                acc[y0, x0, 2] += wb * c2
                weight[y0, x0] += wb
                coverage[y0, x0] += b00
                wb = e * b01
                acc[y0, x0 + 1, 0] += wb * c0
                acc[y0, x0 + 1, 1] += wb * c1
                acc[y0, x0 + 1, 2] += wb * c2
                weight[y0, x0 + 1] += wb
                coverage[y0, x0 + 1] += b01
                wb = e * b10
                acc[y0 + 1, x0, 0] += wb * c0
                acc[y0 + 1, x0, 1] += wb * c1
                acc[y0 + 1, x0, 2] += wb * c2
                weight[y0 + 1, x0] += wb
                coverage[y0 + 1, x0] += b10
                wb = e * b11
                acc[y0 + 1, x0 + 1, 0] += wb * c0
                acc[y0 + 1, x0 + 1, 1] += wb * c1
                acc[y0 + 1, x0 + 1, 2] += wb * c2
                weight[y0 + 1, x0 + 1] += wb
                coverage[y0 + 1, x0 + 1] += b11
                continue
            for dy in range(2):
                yy = y0 + dy
                if yy < 0 or yy >= h:
                    continue
                wy = fy if dy else 1.0 - fy
                for dx in range(2):
                    xx = x0 + dx
                    if xx < 0 or xx >= w:
                        continue
                    b = wy * (fx if dx else 1.0 - fx)
                    if b <= 0.0:
                        continue
                    wb = e * b
                    for c in range(channels):
                        acc[yy, xx, c] += wb * colour[y, x, c]
                    weight[yy, xx] += wb
                    coverage[yy, xx] += b


def splat_into(
    colour: np.ndarray,
    displacement: np.ndarray,
    acc: np.ndarray,
    weight: np.ndarray,
    coverage: np.ndarray,
    *,
    log_importance: np.ndarray | None = None,
    travel_px: float = 0.0,
    sources: np.ndarray | None = None,
) -> None:
    """Accumulate a softmax splat of ``colour`` (H, W, C float32) moved by ``displacement`` (H, W, 2).

    ``acc`` (H, W, C), ``weight`` and ``coverage`` (H, W) float32 are the caller's accumulation buffers,
    updated in place; the inputs are not modified.  ``sources`` (bool H x W) limits which pixels are
    splatted (default: all). Targets outside the frame are dropped. A source's log-importance is
    ``log_importance - |displacement| / travel_px`` (no travel term when ``travel_px`` is 0), clipped at
    ``MIN_LOG_IMPORTANCE``.
    """
    h, w = displacement.shape[:2]
    src = np.ones((h, w), np.bool_) if sources is None else np.ascontiguousarray(sources, np.bool_)
    z = np.zeros((h, w), np.float32) if log_importance is None else np.ascontiguousarray(log_importance, np.float32)
    _splat_into(
        np.ascontiguousarray(colour, np.float32),
        np.ascontiguousarray(displacement, np.float32),
        z,
        np.float32(1.0 / travel_px if travel_px > 0 else 0.0),
        src,
        acc,
        weight,
        coverage,
    )


@numba.njit(cache=True, nogil=True)
def _normalise(acc, weight, coverage, min_coverage, out, holes):  # pragma: no cover - compiled
    h, w = weight.shape
    channels = acc.shape[2]
    for y in range(h):
        for x in range(w):
            if coverage[y, x] <= min_coverage or weight[y, x] <= 0.0:
                holes[y, x] = True
                for c in range(channels):
                    out[y, x, c] = 0.0
            else:
                holes[y, x] = False
                inv = 1.0 / weight[y, x]
                for c in range(channels):
                    out[y, x, c] = acc[y, x, c] * inv


def normalise(
    acc: np.ndarray, weight: np.ndarray, coverage: np.ndarray, *, min_coverage: float = 1e-3
) -> tuple[np.ndarray, np.ndarray]:
    """``acc / weight`` where the target is covered; returns (image, hole mask), new arrays.

    Holes are decided by the plain bilinear coverage, not by the importance-scaled weight (which may be
    tiny where only low-importance pixels landed).
    """
    out = np.empty(acc.shape, np.float32)
    holes = np.empty(weight.shape, np.bool_)
    _normalise(acc, weight, coverage, np.float32(min_coverage), out, holes)
    return out, holes


def softmax_splat(
    colour: np.ndarray, displacement: np.ndarray, *, log_importance: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """One softmax splat: returns (warped image, hole mask)."""
    h, w = displacement.shape[:2]
    acc = np.zeros((h, w, colour.shape[2]), np.float32)
    weight = np.zeros((h, w), np.float32)
    coverage = np.zeros((h, w), np.float32)
    splat_into(colour, displacement, acc, weight, coverage, log_importance=log_importance)
    return normalise(acc, weight, coverage)
