"""Where a camera move can uncover background: the disocclusion band beside each depth discontinuity.

A pixel on the near side of a depth edge belongs to the band when it lies within the edge's parallax
(``gain`` * inverse-depth jump, in pixels) of the edge, and the surface it belongs to stands that far in
front of what lies around it. Tested at doubling radii r with square windows: a window of radius r holds
pixels at distances r/2..r, so the test is made against r/2. The band errs on the wide side, which costs
nothing visible (it stays hidden behind the photo's surface).

The window's largest jump and its farthest surface may belong to different edges, or the farthest
surface to no edge at all: beside the FILM portrait's shoulders the ground rises smoothly from a far hill
to the soft step onto the boy, so the ground at the step's foot stood "in front of" the hill and joined
the band; the fill, which may not copy from band pixels nor from surfaces nearer than their background,
then continued the dark hill under the shoulders. So a pixel must also stand on the near side of an edge
whose own jump reaches it: at least NEAR_SIDE of the way up from that edge's far side (looked for a soft
ramp's width away, so the ramp belongs to the band and the surface at its foot does not). NEAR_SIDE is a
quarter rather than half: at half, more of a ramp fell out of the band, and its edge in the background
layer tore open (more cracks on FILM), and the stereo benchmark's fill behind nested cones lost 0.2 dB.
It only ever removes pixels from the band; the near sides are kept as 16-bit codes of the inverse
depth's range (rounded down), whose windows cost a quarter of float32's.

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
#: An edge's far side is looked for this fraction of the image's long side away.
RAMP_FRACTION = 0.01
#: A pixel stands on an edge's near side at least this fraction of the way up from its far side.
NEAR_SIDE = 0.25
#: The 16-bit code of "no edge" in the near-side windows.
NONE = 65535


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
def _lowest(ys, xs, jumps, codes, least_jump, level, cells):  # pragma: no cover - numba
    """cells[y >> level, x >> level] = the lowest of ``codes`` over the edge pixels (ys, xs) whose jump
    (px) is above ``least_jump``; ``cells`` comes filled with NONE."""
    for i in range(ys.size):
        if jumps[i] > least_jump:
            cy, cx = ys[i] >> level, xs[i] >> level
            if codes[i] < cells[cy, cx]:
                cells[cy, cx] = codes[i]


@njit(cache=True, nogil=True)
def _test(q, gap, far, level, lowest, near_level, base, unit, radius, gain, band):  # pragma: no cover - numba
    """band |= pixels whose window (statistics of cells of 2**level pixels: ``gap``, the largest edge jump
    in px, ``far``, the smallest inverse depth) holds an edge whose parallax reaches them and a surface
    far enough behind them, and that stand on the near side of an edge that reaches them (at least as
    near as ``lowest``, the code of an inverse depth ``base + code * unit``, in cells of 2**near_level
    pixels)."""
    height, width = q.shape
    half = 0.5 * radius
    for y in range(height):
        cy, ny = y >> level, y >> near_level
        for x in range(width):
            if band[y, x]:
                continue
            cx = x >> level  # a shift: a division by the cell size cost more than the whole test
            g = gap[cy, cx]
            if g > 0.0 and g + 1.0 > half and (q[y, x] - far[cy, cx]) * gain > 0.5 * g:
                code = lowest[ny, x >> near_level]
                if code != NONE and q[y, x] >= base + code * unit:
                    band[y, x] = True


def ramp_radius(shape: tuple[int, int]) -> int:
    """How far (pixels) an edge's far side is looked for: about the width of an estimated depth's soft
    ramp at an edge, which grows with the image."""
    return max(1, round(RAMP_FRACTION * max(shape)))


class _NearSides:
    """The edge pixels (``ys``, ``xs``), their jumps (px) and the lowest inverse depth that stands on their
    near side, as 16-bit ``codes`` of the photo's range (``base + code * unit``, rounded down: the
    windows' minima are taken on them, which costs OpenCV a quarter of float32's).

    An estimated depth's edge is a soft ramp: its far side is the farthest surface a ramp's width away,
    its jump the whole drop to it, and its near side what stands NEAR_SIDE of the way up from there (so
    the ramp belongs to the band, the surface at its foot does not)."""

    def __init__(self, q: np.ndarray, edges: np.ndarray, gain: float):
        self.base = float(q.min())
        self.unit = max(float(q.max()) - self.base, 1e-12) / (NONE - 1)
        ys, xs = np.divmod(np.flatnonzero(edges), q.shape[1])  # (np.nonzero took four times as long)
        far_side = self._depth(square_filter(self._code(q), ramp_radius(q.shape), largest=False)[ys, xs])
        drop = q[ys, xs] - far_side
        self.jumps = (drop * gain).astype(np.float32)
        self.codes = self._code(far_side + NEAR_SIDE * drop)
        self.ys, self.xs = ys.astype(np.int32), xs.astype(np.int32)
        self.shape = q.shape

    def _code(self, a: np.ndarray) -> np.ndarray:
        """Codes of inverse depths within the photo's range (a cast truncates: rounded down)."""
        return ((a - np.float32(self.base)) * np.float32(1.0 / self.unit)).astype(np.uint16)

    def _depth(self, code: np.ndarray) -> np.ndarray:
        return (self.base + code * self.unit).astype(np.float32)

    def lowest(self, radius: int, level: int) -> np.ndarray:
        """Per cell of 2**level pixels, the lowest code of the edges whose jump reaches the nearest
        pixels (at r/2) of a window of ``radius`` around the cell (NONE where none does)."""
        h, w = self.shape
        cells = np.full((-(-h >> level), -(-w >> level)), NONE, np.uint16)
        _lowest(self.ys, self.xs, self.jumps, self.codes, 0.5 * radius - 1.0, level, cells)
        return square_filter(cells, -(-radius // (1 << level)), largest=False)


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
    near = _NearSides(q, band, gain)
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
        # the near sides on cells of about r/8 pixels (a window a little larger errs on the wide side)
        near_level = int(math.log2(max(radius // CELLS_PER_RADIUS, 1)))
        lowest = near.lowest(radius, near_level)
        _test(q, np.ascontiguousarray(gap), np.ascontiguousarray(far), level, lowest, near_level, near.base,
              near.unit, radius, gain, band)  # fmt: skip
        radius *= 2
    return band
