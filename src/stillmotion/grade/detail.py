"""Detail enhancement: an unsharp mask on luma only (colour edges do not fringe)."""

from __future__ import annotations

import cv2
import numpy as np

from .colour import luma


def sharpen(image: np.ndarray, *, amount: float, radius_px: float = 1.2) -> np.ndarray:
    """Add ``amount`` times the luma detail above a Gaussian of ``radius_px`` to every channel."""
    if amount <= 0.0:
        return image
    y = luma(image).astype(np.float32)
    detail = y - cv2.GaussianBlur(y, (0, 0), max(radius_px, 0.3))
    # soft-limit large steps so strong edges do not ring
    detail = np.float32(0.08) * np.tanh(detail / np.float32(0.08))
    return np.clip(image + np.float32(amount) * detail[..., None], 0.0, 1.0).astype(np.float32)
