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


@numba.njit(cache=True, nogil=True)
def _splat_into(colour, displacement, log_importance, sources, acc, weight, coverage):  # pragma: no cover
    h, w = displacement.shape[0], displacement.shape[1]
    channels = colour.shape[2]
    for y in range(h):
        for x in range(w):
            if not sources[y, x]:
                continue
            tx = x + displacement[y, x, 0]
            ty = y + displacement[y, x, 1]
            if not (tx > -1.0 and ty > -1.0 and tx < w and ty < h):
                continue
            x0 = int(math.floor(tx))
            y0 = int(math.floor(ty))
            fx = tx - x0
            fy = ty - y0
            e = math.exp(log_importance[y, x])
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
    log_importance: np.ndarray,
    sources: np.ndarray | None = None,
) -> None:
    """Accumulate a softmax splat of ``colour`` (H, W, C float32) moved by ``displacement`` (H, W, 2).

    ``acc`` (H, W, C), ``weight`` and ``coverage`` (H, W) float32 are the caller's accumulation buffers,
    updated in place; the inputs are not modified. ``log_importance`` is clipped at
    ``MIN_LOG_IMPORTANCE``. ``sources`` (bool H x W) limits which pixels are
    splatted (default: all). Targets outside the frame are dropped.
    """
    h, w = displacement.shape[:2]
    src = np.ones((h, w), np.bool_) if sources is None else np.ascontiguousarray(sources, np.bool_)
    _splat_into(
        np.ascontiguousarray(colour, np.float32),
        np.ascontiguousarray(displacement, np.float32),
        np.maximum(log_importance, np.float32(MIN_LOG_IMPORTANCE)).astype(np.float32),
        src,
        acc,
        weight,
        coverage,
    )


#: log-importances below this are clipped, so weights stay far from float32 underflow
MIN_LOG_IMPORTANCE = -25.0


def normalise(
    acc: np.ndarray, weight: np.ndarray, coverage: np.ndarray, *, min_coverage: float = 1e-3
) -> tuple[np.ndarray, np.ndarray]:
    """``acc / weight`` where the target is covered; returns (image, hole mask).

    Holes are decided by the plain bilinear coverage, not by the importance-scaled weight (which may be
    tiny where only low-importance pixels landed).
    """
    holes = (coverage <= min_coverage) | (weight <= 0.0)
    out = acc / np.maximum(weight, np.float32(1e-30))[:, :, None]
    out[holes] = 0.0
    return out, holes


def softmax_splat(
    colour: np.ndarray, displacement: np.ndarray, *, log_importance: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """One softmax splat: returns (warped image, hole mask)."""
    h, w = displacement.shape[:2]
    acc = np.zeros((h, w, colour.shape[2]), np.float32)
    weight = np.zeros((h, w), np.float32)
    coverage = np.zeros((h, w), np.float32)
    z = np.zeros((h, w), np.float32) if log_importance is None else log_importance
    splat_into(colour, displacement, acc, weight, coverage, log_importance=z)
    return normalise(acc, weight, coverage)
