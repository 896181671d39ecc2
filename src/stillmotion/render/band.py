"""Where a camera move can uncover background: the disocclusion band beside each depth discontinuity.

A pixel on the near side of a depth edge belongs to the band when it lies within the edge's parallax
(``gain`` * inverse-depth jump, in pixels) of the edge, and the surface it belongs to stands that far in
front of what lies around it. Tested at doubling radii r with square windows: a window of radius r holds
pixels at distances r/2..r, so the test is made against r/2. The band errs on the wide side, which costs
nothing visible (it stays hidden behind the photo's surface).

Windows up to 64 px are filtered at full resolution (OpenCV's morphology); larger ones, which a 1080p
shot needs (it reaches 200-500 px), on a max/min pyramid: the window statistics come from the level whose
cells are about r/8 pixels wide, over the cells that contain the pixel's own window, so their cost no
longer grows with the reach. The enlarged window mostly widens the band (a larger jump, a farther
surface); where it brings in a larger jump, the test that the pixel's own surface stands half that jump
in front gets stricter and can drop band pixels (measured on a 1080p photo: up to about 0.1 % of them,
next to a larger edge).
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from numba import njit

#: Windows up to this radius are filtered at full resolution.
FULL_RESOLUTION_RADIUS = 64
#: Above it, the pyramid level is chosen so that a window spans about this many cells each way.
CELLS_PER_RADIUS = 8


def excess(step: np.ndarray) -> np.ndarray:
    """How much a depth step exceeds the typical step around it: a slope has uniform steps (no excess),
    a discontinuity is a step far above its neighbours' median."""
    return step - cv2.medianBlur(step.astype(np.float32), 5)


def square_filter(a: np.ndarray, radius: int, *, largest: bool) -> np.ndarray:
    """The largest (or smallest) value of ``a`` in the (2 radius + 1)^2 square around each pixel, the
    square clipped at the image's border (OpenCV's morphology; the band keeps its windows small)."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * radius + 1, 2 * radius + 1))
    return cv2.dilate(a, kernel) if largest else cv2.erode(a, kernel)


def _pool(a: np.ndarray, *, largest: bool) -> np.ndarray:
    """2x2 max (or min) pooling; an odd last row or column pools with itself."""
    h, w = a.shape
    if h % 2 or w % 2:
        a = np.pad(a, ((0, h % 2), (0, w % 2)), mode="edge")
    pick = np.maximum if largest else np.minimum
    return pick(pick(a[0::2, 0::2], a[0::2, 1::2]), pick(a[1::2, 0::2], a[1::2, 1::2]))


@njit(cache=True, nogil=True)
def _test(q, gap, far, level, radius, gain, band):  # pragma: no cover - numba
    """band |= pixels whose window (statistics of cells of 2**level pixels: ``gap``, the largest edge jump
    in px, ``far``, the smallest inverse depth) holds an edge whose parallax reaches them and a surface
    far enough behind them."""
    height, width = q.shape
    half = 0.5 * radius
    for y in range(height):
        cy = y >> level
        for x in range(width):
            cx = x >> level  # a shift: a division by the cell size cost more than the whole test
            g = gap[cy, cx]
            if g > 0.0 and g + 1.0 > half and (q[y, x] - far[cy, cx]) * gain > 0.5 * g:
                band[y, x] = True


def disocclusion_band(q: np.ndarray, *, gain: float, reach: int, tear_px: float) -> np.ndarray:
    """bool (H, W): the near side of each depth discontinuity (a step above ``tear_px`` of parallax and
    well above the local slope), as far from it as the discontinuity's parallax reaches (at most
    ``reach`` pixels)."""
    small = np.ones((3, 3), np.uint8)
    step = q - cv2.erode(q, small)  # drop to the farthest neighbour: > 0 on the near side of an edge
    edge_gap = np.where(excess(step) * gain > tear_px, step * gain, 0.0).astype(np.float32)
    band = edge_gap > 0
    if not band.any():
        return band
    q = np.ascontiguousarray(q, dtype=np.float32)
    gaps, fars = [edge_gap], [q]  # the pyramid: level L has cells of 2**L pixels
    gap, far, done = edge_gap, q, 0  # full-resolution windows of radius ``done``
    radius = 2
    while radius <= 2 * reach:
        if radius <= FULL_RESOLUTION_RADIUS:
            # a square of radius r is one of radius r - done around each point of one of radius done
            # (also where the border clips them), so each window grows from the last one
            level = 0
            gap = square_filter(gap, radius - done, largest=True)  # the largest jump of an edge in the window
            far = square_filter(far, radius - done, largest=False)  # the farthest surface in the window
            done = radius
        else:
            level = int(math.log2(radius // CELLS_PER_RADIUS))
            cells = -(-radius // (1 << level))  # the cells that hold the window of any pixel of the centre cell
            while len(gaps) <= level:
                gaps.append(_pool(gaps[-1], largest=True))
                fars.append(_pool(fars[-1], largest=False))
            gap = square_filter(gaps[level], cells, largest=True)
            far = square_filter(fars[level], cells, largest=False)
        _test(q, np.ascontiguousarray(gap), np.ascontiguousarray(far), level, radius, gain, band)
        radius *= 2
    return band
