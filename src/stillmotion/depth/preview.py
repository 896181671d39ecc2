"""A picture of a depth map for people: the photo beside its colour-mapped inverse depth (near = bright)."""

from __future__ import annotations

import cv2
import numpy as np


def colorize(inverse_depth: np.ndarray) -> np.ndarray:
    """float32 RGB (H, W, 3) in [0, 1]: the inferno colour map of the normalised map, near = bright."""
    d = np.asarray(inverse_depth, np.float32)
    finite = np.isfinite(d)
    lo, hi = (np.percentile(d[finite], [0.5, 99.5]) if finite.any() else (0.0, 1.0))
    norm = np.clip((np.where(finite, d, lo) - lo) / max(float(hi - lo), 1e-9), 0, 1)
    bgr = cv2.applyColorMap((norm * 255).astype(np.uint8), cv2.COLORMAP_INFERNO)
    return (bgr[:, :, ::-1].astype(np.float32) / 255.0)


def side_by_side(image: np.ndarray, inverse_depth: np.ndarray, *, max_height: int = 720) -> np.ndarray:
    """The photo and its coloured depth side by side, at most ``max_height`` pixels high."""
    h, w = image.shape[:2]
    s = min(1.0, max_height / h)
    size = (max(1, round(w * s)), max(1, round(h * s)))
    left = cv2.resize(image.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    right = cv2.resize(colorize(inverse_depth), size, interpolation=cv2.INTER_AREA)
    return np.concatenate([left, right], axis=1)
