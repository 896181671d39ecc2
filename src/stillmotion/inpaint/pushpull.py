"""Smooth hole filling by push-pull (normalised pyramid) interpolation: the holes a forward splat leaves
(cinemagraph loops), wide uncovered regions of a warped frame (the classical Deforum repair).

Known pixels are averaged down an image pyramid with their validity as weight ("pull"); each level's
holes are then filled from the coarser level, upsampled ("push"). Holes are filled with a smooth blend of
the nearest known colours, from the scale at which enough of them exist; known pixels are untouched.
Full-resolution work is limited to one pyrDown and one pyrUp; the arithmetic runs from half size down.
"""

from __future__ import annotations

import cv2
import numpy as np


def _push_pull(colour: np.ndarray, weight: np.ndarray, max_levels: int) -> np.ndarray:
    """Normalised colour (h, w, C) everywhere, from weighted sums ``colour`` and weights ``weight``."""
    levels = [(colour, weight)]
    for _ in range(max_levels):
        c, w = levels[-1]
        if min(w.shape) < 4 or w.min() > 1e-3:
            break
        levels.append((cv2.pyrDown(c), cv2.pyrDown(w)))
    c, w = levels[-1]
    filled = c / np.maximum(w, 1e-8)[:, :, None]
    for c, w in reversed(levels[:-1]):
        up = cv2.pyrUp(filled, dstsize=(w.shape[1], w.shape[0]))
        a = np.minimum(w, 1.0)[:, :, None]
        filled = c / np.maximum(w, 1e-8)[:, :, None] * a + up * (1.0 - a)
    return filled


def push_pull_fill(image: np.ndarray, holes: np.ndarray, *, max_levels: int = 12, inplace: bool = False) -> np.ndarray:
    """Return ``image`` (H, W, 3 float32) with the pixels where ``holes`` is True filled.

    A new array unless ``inplace`` (then ``image`` itself, which must be zero at the holes, is filled).
    """
    if not holes.any():
        return image
    valid = (~holes).astype(np.float32)
    if not valid.any():
        return image
    h, w = holes.shape
    if inplace:
        colour = cv2.pyrDown(image)
    else:
        colour = cv2.pyrDown(image * valid[:, :, None])
    weight = cv2.pyrDown(valid)
    coarse = _push_pull(colour, weight, max_levels)
    up = cv2.pyrUp(coarse, dstsize=(w, h))
    out = image if inplace else image.copy()
    out = cv2.copyTo(up, np.ascontiguousarray(holes).view(np.uint8), out)
    return out
