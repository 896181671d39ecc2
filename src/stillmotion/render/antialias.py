"""Anti-aliasing of silhouettes, in numba.

The rasteriser decides coverage per pixel centre, so a moving silhouette would step from pixel to pixel
and crawl. Where two neighbouring output pixels come from far-apart places of the source (a tear: a
foreground edge over what lies behind it), both pixels take the average of their 3x3 neighbourhood: a
one-pixel soft edge that moves smoothly. Continuous surfaces are untouched, and holes (filled later)
lend no colour.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .pixels import nonzero_pixels

#: Neighbouring pixels whose source positions are farther apart than this (pixels) straddle a tear; on a
#: continuous surface they are about one pixel apart (times the minification).
TEAR_SPREAD_PX = 2.5


@njit(cache=True, nogil=True)
def _mark_tears(map_u, map_v, weight, threshold, mark):  # pragma: no cover - numba
    """Mark (write every pixel of ``mark``) both pixels of each rendered horizontal or vertical neighbour
    pair whose sources are farther apart than ``threshold``. Branch-free rows, so that they vectorise."""
    height, width = map_u.shape
    pair = np.zeros(width + 1, np.uint8)  # pair[x + 1]: (x, x + 1) straddles a tear; pair[0], pair[width]: 0
    down = np.zeros(width, np.uint8)  # down[x]: (y, x) and (y + 1, x) straddle a tear
    above = np.zeros(width, np.uint8)  # the previous row's ``down``
    for y in range(height):
        for x in range(width - 1):
            both = (weight[y, x] > 0.0) & (weight[y, x + 1] > 0.0)
            apart = (abs(map_u[y, x + 1] - map_u[y, x]) > threshold) | (abs(map_v[y, x + 1] - map_v[y, x]) > threshold)
            pair[x + 1] = both & apart
        for x in range(width):
            if y + 1 < height:
                both = (weight[y, x] > 0.0) & (weight[y + 1, x] > 0.0)
                apart = (abs(map_u[y + 1, x] - map_u[y, x]) > threshold) | (abs(map_v[y + 1, x] - map_v[y, x]) > threshold)
                down[x] = both & apart
            else:
                down[x] = 0
            mark[y, x] = pair[x] | pair[x + 1] | down[x] | above[x]
        above, down = down, above  # every ``down[x]`` is rewritten in the next row


@njit(cache=True, nogil=True)
def _box_where(image, ys, xs, weight, rounding):  # pragma: no cover - numba
    """Replace the pixels (ys, xs) by the mean of the rendered pixels of their 3x3 neighbourhood (holes
    hold no colour yet), every mean taken from the unmodified image; ``rounding`` 0.5 rounds for uint8."""
    height, width = weight.shape
    means = np.empty((ys.shape[0], 3), np.float32)
    for k in range(ys.shape[0]):
        y, x = ys[k], xs[k]
        n = 0
        r = g = b = 0.0
        for yy in range(max(y - 1, 0), min(y + 2, height)):
            for xx in range(max(x - 1, 0), min(x + 2, width)):
                if weight[yy, xx] > 0.0:
                    n += 1
                    r += image[yy, xx, 0]
                    g += image[yy, xx, 1]
                    b += image[yy, xx, 2]
        # n >= 1: a marked pixel is rendered itself
        means[k, 0], means[k, 1], means[k, 2] = r / n + rounding, g / n + rounding, b / n + rounding
    for k in range(ys.shape[0]):
        for c in range(3):
            image[ys[k], xs[k], c] = means[k, c]


def smooth_silhouettes(image: np.ndarray, map_u: np.ndarray, map_v: np.ndarray, weight: np.ndarray) -> None:
    """Soften torn edges of ``image`` (float32 or uint8, RGB) in place; ``weight`` > 0 where a surface was
    rendered (holes: 0, their colour is not used)."""
    mark = np.empty(map_u.shape, np.uint8)
    _mark_tears(map_u, map_v, weight, TEAR_SPREAD_PX, mark)
    ys, xs = nonzero_pixels(mark)
    _box_where(image, ys, xs, weight, 0.5 if image.dtype == np.uint8 else 0.0)  # uint8 stores truncate
