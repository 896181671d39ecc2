"""Filling holes of a splatted image by push-pull (pull: average known pixels down an image pyramid;
push: fill each level's holes from the coarser level, in proportion to how little is known there)."""

from __future__ import annotations

import cv2
import numpy as np


def push_pull_fill(num: np.ndarray, den: np.ndarray, cover: np.ndarray, *, full_cover: float = 0.5) -> np.ndarray:
    """Normalise weighted sums ``num`` (H, W, C) / ``den`` (H, W); pixels whose coverage ``cover`` is below
    ``full_cover`` are blended with a smooth fill from their surroundings, fully so where nothing landed.
    Returns float32 (H, W, C)."""
    num = np.asarray(num, np.float32)
    den = np.asarray(den, np.float32)
    if not (den > 0).any():
        return np.zeros(num.shape, np.float32)
    conf = np.clip(np.asarray(cover, np.float32) / full_cover, 0.0, 1.0) * (den > 1e-12)
    colour = num / np.maximum(den, 1e-12)[..., None]
    return _push_pull(colour * conf[..., None], conf)


def _push_pull(premult: np.ndarray, conf: np.ndarray) -> np.ndarray:
    """``premult`` = colour * conf; returns the filled colour."""
    h, w = conf.shape
    own = premult / np.maximum(conf, 1e-6)[..., None]
    if conf.min() >= 1.0 or min(h, w) <= 2:
        return own
    small_p = cv2.pyrDown(premult)
    small_c = cv2.pyrDown(conf)
    if small_p.ndim == 2:
        small_p = small_p[..., None]
    colour = small_p / np.maximum(small_c, 1e-6)[..., None]  # confidence-weighted mean colour
    coarse_conf = np.clip(small_c * 4.0, 0.0, 1.0)  # a little known is enough to count as known below
    coarse = _push_pull(colour * coarse_conf[..., None], coarse_conf)
    up = cv2.pyrUp(coarse, dstsize=(w, h))
    if up.ndim == 2:
        up = up[..., None]
    a = conf[..., None]
    return a * own + (1.0 - a) * up
