"""Filling holes of a splatted image by push-pull (pull: average known pixels down an image pyramid;
push: fill each level's holes from the coarser level, in proportion to how little is known there).

The per-level arithmetic (normalising the splatted sums, confidence, blending with the coarser level) runs
in compiled single passes; the pyramid steps are OpenCV's ``pyrDown``/``pyrUp``.
"""

from __future__ import annotations

import cv2
import numba
import numpy as np


@numba.njit(cache=True, nogil=True, fastmath=True)
def _normalise(num, den, cover, full_cover, colour, premult, conf):  # pragma: no cover - compiled
    """colour = num / den; conf = clip(cover / full_cover, 0, 1) where den > 0; premult = colour * conf.
    Returns the smallest conf."""
    h, w, channels = num.shape
    lowest = 1.0
    for y in range(h):
        for x in range(w):
            d = den[y, x]
            if d > 1e-12:
                a = min(max(cover[y, x] / full_cover, 0.0), 1.0)
                inv = 1.0 / d
            else:
                a = 0.0
                inv = 0.0
            conf[y, x] = a
            lowest = min(lowest, a)
            for c in range(channels):
                v = num[y, x, c] * inv
                colour[y, x, c] = v
                premult[y, x, c] = v * a
    return lowest


@numba.njit(cache=True, nogil=True, fastmath=True)
def _combine(colour, conf, up, out):  # pragma: no cover - compiled
    h, w, channels = colour.shape
    for y in range(h):
        for x in range(w):
            a = conf[y, x]
            for c in range(channels):
                out[y, x, c] = a * colour[y, x, c] + (1.0 - a) * up[y, x, c]


def push_pull_fill(num: np.ndarray, den: np.ndarray, cover: np.ndarray, *, full_cover: float = 0.5) -> np.ndarray:
    """Normalise weighted sums ``num`` (H, W, C) / ``den`` (H, W); pixels whose coverage ``cover`` is below
    ``full_cover`` are blended with a smooth fill from their surroundings, fully so where nothing landed.
    Returns float32 (H, W, C)."""
    num = np.ascontiguousarray(num, np.float32)
    if num.ndim == 2:
        num = num[..., None]
    den = np.ascontiguousarray(den, np.float32)
    if not (den > 0).any():
        return np.zeros(num.shape, np.float32)
    return _fill(num, den, np.ascontiguousarray(cover, np.float32), float(full_cover))


def _fill(num: np.ndarray, den: np.ndarray, cover: np.ndarray, full_cover: float) -> np.ndarray:
    h, w, channels = num.shape
    colour = np.empty_like(num)
    premult = np.empty_like(num)
    conf = np.empty((h, w), np.float32)
    lowest = _normalise(num, den, cover, np.float32(full_cover), colour, premult, conf)
    if lowest >= 1.0 or min(h, w) <= 2:
        return colour
    small_p = cv2.pyrDown(premult)
    small_c = cv2.pyrDown(conf)
    if small_p.ndim == 2:
        small_p = small_p[..., None]
    # at the coarser level the premultiplied sums are normalised by their confidence, and a little known
    # is enough to count as known (full cover at 1/4)
    coarse = _fill(np.ascontiguousarray(small_p), small_c, small_c, 0.25)
    up = cv2.pyrUp(coarse, dstsize=(w, h))
    if up.ndim == 2:
        up = up[..., None]
    out = np.empty_like(num)
    _combine(colour, conf, np.ascontiguousarray(up), out)
    return out
