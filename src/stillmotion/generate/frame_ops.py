"""Deforum's per-frame touches before the repair pass: contrast, unsharp mask ("anti-blur"), noise.

All work on float32 RGB in [0, 1]; Deforum's units are converted: its noise is a standard deviation in
[-1, 1] sample space (half that in [0, 1]), its unsharp threshold is in 0-255 levels.
"""

from __future__ import annotations

import cv2
import numpy as np


def apply_contrast(image: np.ndarray, contrast: float) -> np.ndarray:
    """Deforum's contrast: a plain multiplication of the pixel values (1 = unchanged)."""
    if contrast == 1.0:
        return image
    return np.clip(image * np.float32(contrast), 0, 1)


def unsharp_mask(image: np.ndarray, *, kernel: int = 5, sigma: float = 1.0, amount: float = 0.0,
                 threshold: float = 0.0) -> np.ndarray:  # fmt: skip
    """``(1 + amount) * image - amount * blur(image)``, left unchanged where ``|image - blur|`` is
    below ``threshold`` (0-255 levels). ``kernel`` is made odd and positive as OpenCV requires."""
    if amount <= 0:
        return image
    k = max(1, int(round(kernel)))
    k += 1 - k % 2
    blurred = cv2.GaussianBlur(image, (k, k), max(float(sigma), 0.0))
    sharp = np.clip((1 + amount) * image - amount * blurred, 0, 1).astype(np.float32)
    if threshold > 0:
        flat = np.abs(image - blurred) < threshold / 255.0
        sharp = np.where(flat, image, sharp)
    return sharp


def add_noise(image: np.ndarray, amount: float, *, seed: int) -> np.ndarray:
    """Gaussian noise of Deforum's ``noise`` amount (standard deviation in [-1, 1] units)."""
    if amount <= 0:
        return image
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(image.shape, dtype=np.float32) * np.float32(amount / 2)
    return np.clip(image + noise, 0, 1)
