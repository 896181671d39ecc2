"""Variance-preserving blending of the two halves of a loop frame.

Averaging two unrelated textures with weights w and 1 - w lowers their contrast by
``sqrt(w^2 + (1 - w)^2)`` (down to 0.71 at w = 1/2): a plain cross-fade makes the middle of a loop look
washed out and ghosted, and the loop's ends, where one half dominates, look crisper. As in
histogram-preserving blending for texture synthesis (Heitz & Neyret, HPG 2018), the blend's deviation from
its local mean is scaled back up to the halves' own local contrast. The gain is measured, not assumed:
where the halves agree (correlated textures, still areas) the blend already has their contrast and the
gain stays 1.
"""

from __future__ import annotations

import cv2
import numpy as np



def _local_variance(luma: np.ndarray, ksize: int) -> np.ndarray:
    mean = cv2.blur(luma, (ksize, ksize))
    return np.maximum(cv2.blur(luma * luma, (ksize, ksize)) - mean * mean, 0.0)


def _half(luma: np.ndarray) -> np.ndarray:
    h, w = luma.shape
    return cv2.resize(luma, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)


def variance_preserving_blend(
    first: np.ndarray, second: np.ndarray, weight_second: np.ndarray, *, window_px: int = 9, max_gain: float = 1.6
) -> np.ndarray:
    """Blend two (H, W, 3) float32 images, ``weight_second`` (H, W) in [0, 1], keeping local contrast.

    Returns a new array. The contrast gain is measured on half-size luma (it varies slowly).
    """
    w2 = weight_second.astype(np.float32)
    blend = second - first
    blend *= w2[:, :, None]
    blend += first
    ksize = max(3, (window_px // 2) | 1)
    y1 = _half(cv2.cvtColor(first, cv2.COLOR_RGB2GRAY))
    y2 = _half(cv2.cvtColor(second, cv2.COLOR_RGB2GRAY))
    w = _half(w2)
    yb = y1 + w * (y2 - y1)  # luma is linear: the blend's luma without converting the blend
    target = (1.0 - w) * _local_variance(y1, ksize) + w * _local_variance(y2, ksize)
    eps = np.float32(1e-5)
    gain = np.sqrt((target + eps) / (_local_variance(yb, ksize) + eps))
    gain = np.clip(gain, 1.0, max_gain)
    gain = cv2.resize(gain, (blend.shape[1], blend.shape[0]), interpolation=cv2.INTER_LINEAR)
    wk = max(3, window_px | 1)
    mean = cv2.blur(blend, (wk, wk))
    blend -= mean
    blend *= gain[:, :, None]
    blend += mean
    return blend
