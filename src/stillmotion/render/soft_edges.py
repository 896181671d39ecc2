"""Where an estimated depth edge should stretch instead of tearing.

A monocular estimate follows the photo's colour edges, so where the photo itself is soft (a hill's
blurred rim against the sky, bokeh behind a portrait) its depth changes along a wide ramp. Tearing such a
ramp where its slope happens to change opens thin slivers of background along the rim, and they read as
streaks. A real occluding edge is concentrated: the depth changes by most of its local range between two
neighbouring pixels, or the photo has a sharp edge there. Anywhere else the surface stays whole and the
blurred rim is stretched a little, which a blurred rim hides.
"""

from __future__ import annotations

import cv2
import numpy as np

#: A triangle's depth step counts as concentrated when it is at least this share of the inverse depth's
#: range around it (see :func:`concentrated`).
CONCENTRATION = 0.5
#: The photo has a sharp edge where a colour channel changes by more than this per pixel ([0, 1] units).
SHARP_GRADIENT = 0.1


def range_radius(shape: tuple[int, int]) -> int:
    """Half-width (pixels) of the window over which a step's local range is taken: wide enough to span
    the soft ramps an estimate upsampled from about 320 px leaves at its edges."""
    return max(3, round(max(shape) / 256))


def concentrated(q: np.ndarray, upper: np.ndarray, lower: np.ndarray, *, radius: int) -> tuple[np.ndarray, np.ndarray]:
    """For the mesh's two triangle sets (steps ``upper``, ``lower``, (H-1, W-1)): whether each step is
    at least CONCENTRATION of the range of ``q`` within ``radius`` pixels of the triangle."""
    kernel = np.ones((2 * radius + 1, 2 * radius + 1), np.uint8)
    spread = cv2.dilate(q, kernel) - cv2.erode(q, kernel)
    spread = cell_max(spread)
    return upper >= CONCENTRATION * spread, lower >= CONCENTRATION * spread


def sharp_pixels(image: np.ndarray) -> np.ndarray:
    """uint8 (H, W), 1 within a pixel of a sharp edge in ``image`` (float32 RGB in [0, 1]): where some
    colour channel spans more than 2 SHARP_GRADIENT over a 3x3 window (two pixel steps)."""
    image8 = cv2.convertScaleAbs(np.asarray(image, np.float32), alpha=255.0)
    spread = cv2.morphologyEx(image8, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    r, g, b = cv2.split(spread)
    sharp = (cv2.max(cv2.max(r, g), b) > round(2 * SHARP_GRADIENT * 255)).view(np.uint8)
    return cv2.dilate(sharp, np.ones((3, 3), np.uint8))


def sharp_cells(image: np.ndarray) -> np.ndarray:
    """(H-1, W-1) bool: mesh cells within a pixel of a sharp edge in ``image`` (see :func:`sharp_pixels`)."""
    return cell_max(sharp_pixels(image)).astype(bool)


def cell_max(a: np.ndarray) -> np.ndarray:
    """(H-1, W-1): the largest of each cell's four corner values."""
    return np.maximum(np.maximum(a[:-1, :-1], a[:-1, 1:]), np.maximum(a[1:, :-1], a[1:, 1:]))
