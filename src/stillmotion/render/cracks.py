"""Fill thin uncovered gaps of a rendered frame from their background side.

Small depth steps tear the mesh (so silhouettes stay crisp) without being wide enough to get a background
layer; when the camera moves they open as cracks one or two pixels wide. Each crack pixel takes the
colour of the farthest surface seen within a small window around it (the side that the nearer surface
uncovered), averaged over the window's pixels at that depth, so a crack never borrows the foreground's
colour. Only the hole pixels are visited, which keeps the cost proportional to the cracks, not to the
frame. Wider holes are left for the caller's general fill. The renderer then blends each filled pixel
with its neighbours (both sides of the seam), as it does a torn edge's own pixels, and it leaves seams
narrower than three pixels to this fill even where a background layer lies behind them
(:func:`stillmotion.render.renderer.render`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Half-size of the window searched around a hole pixel (pixels).
CRACK_RADIUS = 3
#: Window pixels whose inverse depth is within this fraction of the farthest one count as "background".
BACKGROUND_TOLERANCE = 0.05


@njit(cache=True, nogil=True)
def _fill_from_background(image, inverse, ys, xs, radius, tolerance, filled):  # pragma: no cover - numba
    h, w = inverse.shape
    for k in range(ys.shape[0]):
        y, x = ys[k], xs[k]
        far = np.inf
        for j in range(max(0, y - radius), min(h, y + radius + 1)):
            for i in range(max(0, x - radius), min(w, x + radius + 1)):
                q = inverse[j, i]
                if q > 0.0 and q < far:
                    far = q
        if far == np.inf:
            continue
        limit = far * (1.0 + tolerance)
        r = g = b = wsum = 0.0
        for j in range(max(0, y - radius), min(h, y + radius + 1)):
            for i in range(max(0, x - radius), min(w, x + radius + 1)):
                q = inverse[j, i]
                if q > 0.0 and q <= limit:
                    d2 = (j - y) * (j - y) + (i - x) * (i - x)
                    weight = 1.0 / (1.0 + d2)
                    r += weight * image[j, i, 0]
                    g += weight * image[j, i, 1]
                    b += weight * image[j, i, 2]
                    wsum += weight
        filled[k, 0] = r / wsum
        filled[k, 1] = g / wsum
        filled[k, 2] = b / wsum
        filled[k, 3] = far


def fill_cracks(image: np.ndarray, inverse: np.ndarray, hole_pixels: tuple[np.ndarray, np.ndarray], *,
                radius: int = CRACK_RADIUS) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Fill, in place, the holes ``hole_pixels`` (rows, columns) of ``image`` (float32 or uint8 RGB) and
    ``inverse`` (its inverse depth, 0 in holes) that have a covered pixel within ``radius``; returns the
    rows and columns of the holes still unfilled."""
    ys, xs = hole_pixels
    filled = np.full((ys.shape[0], 4), np.nan, np.float32)
    _fill_from_background(image, inverse, ys, xs, radius, BACKGROUND_TOLERANCE, filled)
    done = ~np.isnan(filled[:, 3])
    colours = filled[done, :3]
    image[ys[done], xs[done]] = colours + 0.5 if image.dtype == np.uint8 else colours  # uint8 stores truncate
    inverse[ys[done], xs[done]] = filled[done, 3]
    return ys[~done], xs[~done]
