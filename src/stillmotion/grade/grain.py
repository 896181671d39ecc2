"""Film grain: zero-mean, luminance-dependent, a new seeded pattern every frame.

Grain is strongest in the mid-tones and fades in deep shadows and clipped highlights (a developed
emulsion has few grains left to vary there). It is mostly monochrome with a little chroma, as colour
negative film shows, and clumps at ``grain_size_px``. Frame ``i`` of seed ``s`` always gets the same
pattern, so a render is reproducible while every frame differs from the last.
"""

from __future__ import annotations

import cv2
import numpy as np

from .colour import luma

#: Standard deviation of the grain at mid-grey for strength 1.
SIGMA_AT_FULL = 0.09
CHROMA_SHARE = 0.3


def grain_noise(shape: tuple[int, int], *, size_px: float, seed: int, frame_index: int) -> np.ndarray:
    """Unit-variance, zero-mean noise (H, W, 3) with grains of about ``size_px`` pixels."""
    h, w = shape
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, int(frame_index) & 0xFFFFFFFF, 0x6A41])
    size = max(float(size_px), 1.0)
    gh, gw = max(2, round(h / size)), max(2, round(w / size))
    noise = rng.standard_normal((gh, gw, 3), dtype=np.float32)
    noise *= np.float32(CHROMA_SHARE)
    noise += np.float32(1.0 - CHROMA_SHARE) * rng.standard_normal((gh, gw, 1), dtype=np.float32)
    if (gh, gw) != (h, w):
        noise = cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC)
    # Exactly zero mean and unit variance per channel: grain never shifts a frame's brightness (no flicker).
    mean, std = cv2.meanStdDev(noise)
    noise -= mean.reshape(1, 1, 3).astype(np.float32)
    noise *= (1.0 / np.maximum(std.reshape(1, 1, 3), 1e-6)).astype(np.float32)
    return noise


def grain_response(luma: np.ndarray) -> np.ndarray:
    """Grain amplitude against luma: 1 at mid-grey, falling to ~0.2 at black and 0 at white."""
    y = np.clip(luma, 0.0, 1.0).astype(np.float32, copy=False)
    shadow = np.float32(0.2) + np.float32(3.2) * y * (np.float32(1.0) - y)
    return shadow * np.minimum((np.float32(1.0) - y) * np.float32(8.0), np.float32(1.0))


def add_grain(
    image: np.ndarray, *, strength: float, size_px: float = 1.5, seed: int = 0, frame_index: int = 0
) -> np.ndarray:
    """Return ``image`` plus grain (not clipped, so it stays zero-mean; the pipeline clips at the end)."""
    if strength <= 0.0:
        return image
    noise = grain_noise(image.shape[:2], size_px=size_px, seed=seed, frame_index=frame_index)
    amp = np.float32(SIGMA_AT_FULL * strength) * grain_response(luma(image))
    noise *= amp[..., None]
    noise += image
    return noise
