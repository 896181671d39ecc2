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

#: Neighbouring pixels whose source positions are farther apart than this (pixels) straddle a tear; on a
#: continuous surface they are about one pixel apart (times the minification).
TEAR_SPREAD_PX = 2.5


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


def smooth_silhouettes(image: np.ndarray, tear_pixels: tuple[np.ndarray, np.ndarray], weight: np.ndarray) -> None:
    """Soften torn edges of ``image`` (float32 or uint8, RGB) in place: the pixels ``tear_pixels`` (rows,
    columns; :func:`stillmotion.render.pixels.scan_frame` lists them, at TEAR_SPREAD_PX) take the mean of
    their neighbourhood; ``weight`` > 0 where a surface was rendered (holes: 0, their colour is not used)."""
    ys, xs = tear_pixels
    _box_where(image, ys, xs, weight, 0.5 if image.dtype == np.uint8 else 0.0)  # uint8 stores truncate
