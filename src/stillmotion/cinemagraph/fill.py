"""Filling the holes a forward splat leaves: push-pull (normalised pyramid) interpolation.

Known pixels are averaged down an image pyramid with their validity as weight ("pull"); each level's
holes are then filled from the coarser level, upsampled ("push"). Holes are filled with a smooth blend of
the nearest known colours, from the scale at which enough of them exist; known pixels are untouched.
"""

from __future__ import annotations

import cv2
import numpy as np


def push_pull_fill(image: np.ndarray, holes: np.ndarray, *, max_levels: int = 12) -> np.ndarray:
    """Return ``image`` (H, W, C float32) with the pixels where ``holes`` is True filled."""
    if not holes.any():
        return image
    valid = (~holes).astype(np.float32)
    if not valid.any():
        return image
    levels = [(image * valid[:, :, None], valid)]
    for _ in range(max_levels):
        colour, weight = levels[-1]
        if min(weight.shape) < 2 or weight.min() > 0:
            break
        levels.append((cv2.pyrDown(colour), cv2.pyrDown(weight)))
    colour, weight = levels[-1]
    filled = colour / np.maximum(weight, 1e-8)[:, :, None]
    for colour, weight in reversed(levels[:-1]):
        up = cv2.pyrUp(filled, dstsize=(weight.shape[1], weight.shape[0]))
        if up.ndim == 2:
            up = up[:, :, None]
        w = np.clip(weight, 0.0, 1.0)[:, :, None]
        filled = np.where(w > 1e-8, colour / np.maximum(weight, 1e-8)[:, :, None], up)
        # partially covered pixels: blend their own mean with the coarser estimate
        filled = w * filled + (1.0 - w) * up
    out = image.copy()
    out[holes] = filled[holes]
    return out
