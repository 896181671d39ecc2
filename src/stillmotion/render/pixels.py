"""One pass over a rendered frame that lists the few pixels the later passes touch: the holes no surface
covered (for crack filling) and the pixels beside a tear (for silhouette smoothing)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit


@dataclass(frozen=True)
class FramePixels:
    holes: np.ndarray  # (H, W) bool: no surface covered the pixel
    hole_pixels: tuple[np.ndarray, np.ndarray]  # rows and columns (int32) of ``holes``, in row order
    #: rows and columns (int32) of the rendered pixels beside a tear, in row order
    tear_pixels: tuple[np.ndarray, np.ndarray]


@njit(cache=True, nogil=True)
def _scan(map_u, map_v, weight, threshold, holes):  # pragma: no cover - numba
    """Write ``holes`` (weight <= 0), list its pixels and point their sources at (0, 0), and list both pixels
    of each rendered horizontal or vertical neighbour pair whose sources are farther apart than
    ``threshold``. Each row is tested in branch-free loops, so that they vectorise; then the few marked
    pixels are listed."""
    height, width = map_u.shape
    limit = np.float32(threshold)
    hole_ys, hole_xs = np.empty(height * width, np.int32), np.empty(height * width, np.int32)
    tear_ys, tear_xs = np.empty(height * width, np.int32), np.empty(height * width, np.int32)
    n_holes = n_tears = 0
    pair = np.zeros(width + 1, np.uint8)  # pair[x + 1]: (x, x + 1) straddles a tear; pair[0], pair[width]: 0
    down = np.zeros(width, np.uint8)  # down[x]: (y, x) and (y + 1, x) straddle a tear
    above = np.zeros(width, np.uint8)  # the previous row's ``down``
    mark = np.zeros(width, np.uint8)  # bit 0: beside a tear, bit 1: a hole
    for y in range(height):
        u, v, w, hole_row = map_u[y], map_v[y], weight[y], holes[y]
        for x in range(width - 1):
            both = (w[x] > 0.0) & (w[x + 1] > 0.0)
            apart = (abs(u[x + 1] - u[x]) > limit) | (abs(v[x + 1] - v[x]) > limit)
            pair[x + 1] = both & apart
        if y + 1 < height:
            u_below, v_below, w_below = map_u[y + 1], map_v[y + 1], weight[y + 1]
            for x in range(width):
                both = (w[x] > 0.0) & (w_below[x] > 0.0)
                apart = (abs(u_below[x] - u[x]) > limit) | (abs(v_below[x] - v[x]) > limit)
                down[x] = both & apart
        else:
            down[:] = 0
        for x in range(width):
            hole = np.uint8(w[x] <= 0.0)
            hole_row[x] = hole
            mark[x] = pair[x] | pair[x + 1] | down[x] | above[x] | (hole << 1)  # a hole is in no pair
        for x in range(width):
            if mark[x] & 2:
                hole_ys[n_holes], hole_xs[n_holes] = y, x
                n_holes += 1
                u[x] = v[x] = 0.0  # not drawn: a fixed source, not the last frame's (compared above already)
            elif mark[x]:
                tear_ys[n_tears], tear_xs[n_tears] = y, x
                n_tears += 1
        above, down = down, above  # every ``down[x]`` is rewritten in the next row
    return hole_ys[:n_holes], hole_xs[:n_holes], tear_ys[:n_tears], tear_xs[:n_tears]


def scan_frame(map_u: np.ndarray, map_v: np.ndarray, weight: np.ndarray, *, tear_px: float) -> FramePixels:
    """The holes of a rendered frame (``weight`` <= 0: no surface) and the rendered pixels beside a tear:
    neighbours whose source positions ``map_u``, ``map_v`` are more than ``tear_px`` apart. The holes'
    sources are set to (0, 0): the maps are scratch kept between frames, and a hole's sampled colour (the
    fills replace it) must not depend on which frame the thread rendered before."""
    holes = np.empty(weight.shape, bool)
    hole_ys, hole_xs, tear_ys, tear_xs = _scan(map_u, map_v, weight, tear_px, holes.view(np.uint8))
    # the lists are views of frame-sized buffers: copied, they keep only what they hold
    return FramePixels(holes, (hole_ys.copy(), hole_xs.copy()), (tear_ys.copy(), tear_xs.copy()))
