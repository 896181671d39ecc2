"""Occlusion step: how far a segmented foreground object is brought in front of what it hides.

Depth steps at occlusion boundaries are ratios, not offsets: an object at distance ``z`` in front of a
background at ``k * z`` differs from it in inverse depth by ``(1 / z) * (1 - 1 / k)``, which shrinks with
the distance. How far an object is, the ground says where the object stands on it: at the object's lowest
row (relative height in the visual field). So each object is brought forward by one step for all of it,
a fixed fraction (``ratio``) of the ground plane's inverse depth at its lowest row: an object standing
low in the frame (a person, a cup, a motorbike) steps forward clearly and as a whole, while a region that
ends high in the frame (a wall that the segmentation took for an object) moves less, which is what it
costs least to get wrong. One step per object keeps it rigid, as 3D Ken Burns flattens people to the
depth where they touch the ground.
"""

from __future__ import annotations

import cv2
import numpy as np


def occlusion_step(fg: np.ndarray, ground: np.ndarray, *, ratio: float) -> np.ndarray:
    """Inverse-depth step (H, W) float32 for a soft foreground ``fg`` in [0, 1], given the ground plane's
    inverse depth ``ground`` of the same size (1 = the nearest ground)."""
    h, w = fg.shape
    count, labels = cv2.connectedComponents((fg > 0.5).astype(np.uint8), connectivity=8)
    if count <= 1:
        return np.zeros((h, w), np.float32)
    lowest = np.zeros(count, np.int64)  # lowest row of each object
    np.maximum.at(lowest, labels.ravel(), np.broadcast_to(np.arange(h)[:, None], (h, w)).ravel())
    contact = ground.max(axis=1)[lowest].astype(np.float32)  # the ground where each object stands
    contact[0] = 0.0
    # the soft mask's feathered rim (below 0.5) belongs to the object it surrounds
    step = cv2.dilate(contact[labels], np.ones((5, 5), np.uint8))
    return (ratio * step * fg).astype(np.float32)
