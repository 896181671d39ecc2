"""Scene-layout cue: sky, horizon and a ground plane.

Most photos are taken by a roughly level camera standing on the ground: below the horizon the ground
plane's inverse depth grows linearly with the image row (for a flat ground seen by a pinhole camera,
``1/z = (y - y_horizon) * h_cam / (f * H)``), and what lies above the horizon (sky, far walls, mountains)
is far. The horizon is where detected sky ends; without sky it defaults to a quarter of the height
(indoor and table-top scenes see the ground almost up to the top).

Sky detection: pixels connected to the top border that are bright, smooth (low gradient) and blue-grey
or white. A region must reach the top border to count.
"""

from __future__ import annotations

import cv2
import numpy as np

from .defocus import gradient_magnitude

#: Horizon (fraction of the height from the top) when no sky is found.
DEFAULT_HORIZON_FRAC = 0.25
#: Sky must be seen over at least this fraction of the columns to place the horizon.
MIN_SKY_WIDTH_FRAC = 1 / 3


def sky_mask(image: np.ndarray) -> np.ndarray:
    """Bool (H, W): sky pixels of a small float32 RGB image (connected to the top border)."""
    h, w = image.shape[:2]
    hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV)  # H in degrees, S and V in [0, 1]
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    grad = gradient_magnitude(gray)
    grad = cv2.GaussianBlur(grad, (0, 0), 1.5)
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    bluish = (hue > 180) & (hue < 260) & (sat > 0.12)
    whitish = (sat < 0.18) & (val > 0.55)
    candidate = (bluish | whitish) & (val > 0.35) & (grad < 0.12)
    candidate = cv2.morphologyEx(candidate.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    count, labels = cv2.connectedComponents(candidate, connectivity=4)
    top_labels = np.unique(labels[0][candidate[0] > 0])
    sky = np.isin(labels, top_labels[top_labels > 0])
    if sky.mean() < 0.02:  # a few bright pixels at the top are not a sky
        return np.zeros((h, w), bool)
    return sky


def horizon_row(sky: np.ndarray) -> float:
    """The horizon's row (float, may be fractional): where the sky ends, else the default. A patch of sky
    seen over less than ``MIN_SKY_WIDTH_FRAC`` of the width (a window, a white wall taken for sky) says
    little about where the ground meets it, so the default is used then too."""
    h, w = sky.shape
    cols = sky.any(axis=0)
    if cols.mean() < MIN_SKY_WIDTH_FRAC:
        return DEFAULT_HORIZON_FRAC * h
    # lowest sky row per column, over the columns that have sky; the median is robust to trees and roofs
    bottoms = h - 1 - np.argmax(sky[::-1, :], axis=0)
    return float(np.clip(np.median(bottoms[cols]) + 1, 0.05 * h, 0.9 * h))


def ground_ramp(h: int, w: int, horizon: float) -> np.ndarray:
    """Inverse depth of a level ground plane seen from a level camera, 0 at the horizon, 1 at the bottom;
    above the horizon a faint residual slope keeps higher things slightly farther."""
    rows = np.arange(h, dtype=np.float32)
    below = np.clip((rows - horizon) / max(h - 1 - horizon, 1.0), 0.0, 1.0)
    residual = 0.08 * rows / max(h - 1, 1)
    return np.broadcast_to((0.92 * below + residual)[:, None], (h, w)).astype(np.float32)
