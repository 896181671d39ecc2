"""Variance-preserving blending of the two halves of a loop frame.

Averaging two unrelated textures with weights w and 1 - w lowers their contrast by
``sqrt(w^2 + (1 - w)^2)`` (down to 0.71 at w = 1/2): a plain cross-fade makes the middle of a loop look
washed out and ghosted, and the loop's ends, where one half dominates, look crisper. As in
histogram-preserving blending for texture synthesis (Heitz & Neyret, HPG 2018), the mix's deviation from
its local mean is scaled back up to the halves' own local contrast. The gain is measured, not assumed:
where the halves agree (correlated textures, still areas) the mix already has their contrast and the
gain stays 1.

The gain and the local mean vary slowly: they are computed at half size with OpenCV, from the statistics
:mod:`.compose` gathers while mixing, upsampled, and applied in one pass straight into the frame (8-bit or
float), inside the moving region only.
"""

from __future__ import annotations

import cv2
import numba
import numpy as np

from .compose import Mix


@numba.njit(cache=True, nogil=True, fastmath=True)
def _apply(mix, gain, mean, inside, out, to_u8):  # pragma: no cover - compiled
    # out = mean + gain * (mix - mean) where inside; 8-bit output is rounded and saturated, float clipped
    h, w = inside.shape
    for y in range(h):
        for x in range(w):
            if not inside[y, x]:
                continue
            k = gain[y, x]
            for c in range(3):
                m = mean[y, x, c]
                v = min(max(m + k * (mix[y, x, c] - m), np.float32(0.0)), np.float32(1.0))
                if to_u8:
                    out[y, x, c] = np.uint8(v * np.float32(255.0) + np.float32(0.5))
                else:
                    out[y, x, c] = v


def _local_variance(luma: np.ndarray, ksize: int) -> np.ndarray:
    mean = cv2.blur(luma, (ksize, ksize))
    return np.maximum(cv2.blur(luma * luma, (ksize, ksize)) - mean * mean, 0.0)


def blend_into(out: np.ndarray, inside: np.ndarray, mix: Mix, *, window_px: int = 9, max_gain: float = 1.6) -> None:
    """Write the mix of the two halves, its local contrast restored, into ``out`` where ``inside``.

    ``out`` (H, W, 3) is uint8 (rounded) or float32 (clipped to [0, 1]); its other pixels are left as they
    are. ``window_px`` is the size of the neighbourhood whose contrast is kept.
    """
    ksize = max(3, (window_px // 2) | 1)  # the window, at half size
    share = mix.share
    mixed = mix.luma1 + share * (mix.luma2 - mix.luma1)  # luma is linear: the mix's luma
    target = (1.0 - share) * _local_variance(mix.luma1, ksize) + share * _local_variance(mix.luma2, ksize)
    eps = np.float32(1e-5)
    gain = np.sqrt((target + eps) / (_local_variance(mixed, ksize) + eps))
    gain = np.clip(gain, 1.0, max_gain).astype(np.float32)
    mean = cv2.blur(mix.image_half, (ksize, ksize))
    if min(inside.shape) < 2:  # too small to measure: a plain cross-fade
        gain[:] = 1.0
        mean[:] = 0.0
    size = (inside.shape[1], inside.shape[0])
    gain = cv2.resize(gain, size, interpolation=cv2.INTER_LINEAR)
    mean = cv2.resize(mean, size, interpolation=cv2.INTER_LINEAR)
    _apply(mix.image, gain, mean, inside, out, out.dtype == np.uint8)
