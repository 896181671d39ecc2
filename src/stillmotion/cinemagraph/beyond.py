"""Material beyond the photo's edge: the moving region continued outside the picture as its mirror image.

Water that flows out of the frame leaves the backward half of a loop (the photo moved back from the loop's
end) without material next to that edge, and water that flows in leaves the forward half without any;
where the other half has none either (a corner where water enters across a bank and leaves at the photo's
edge) the frame had only a smooth, static fill. So the region's box is extended beyond every photo edge
the region reaches, by as far as the material can travel across that edge in one loop but never more than
the photo's size across that edge (the mirror image holds no more, and a fast loop would otherwise hold
gigabytes of it): colours and region are mirrored about the first clean line inside the edge, the field is
continued as it is at the edge (the flow goes on beyond the picture). Only the photo's own pixels are ever
shown; the extension only supplies material that moves in.

Scans and JPEGs often have a flat (grey, black) frame of a few lines and blended lines after it: those
lines are never mirrored or moved (:func:`edge_bands`), they are covered like any pixel of the region.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: a line along the photo's edge is part of a flat frame when its colours vary by less than this
#: (median absolute deviation, values in [0, 1])
FLAT_LINE = 2.0 / 255.0
#: lines after a flat frame that still carry some of its colour (the scan's or the JPEG's blur across it)
BLENDED_LINES = 2
#: a flat frame is searched for this far in from each edge (pixels)
MAX_FRAME_PX = 16


def _flat_lines(lines: np.ndarray) -> int:
    """How many of ``lines`` (K, L, 3), the first one at the photo's edge, are flat, counted from the edge."""
    count = 0
    for line in lines:
        if np.median(np.abs(line - np.median(line, axis=0))) >= FLAT_LINE:
            break
        count += 1
    return count


def edge_bands(image: np.ndarray, *, min_px: int) -> tuple[int, int, int, int]:
    """Lines (top, bottom, left, right) along the photo's edges that are never moved: at least ``min_px``,
    and a flat frame plus the ``BLENDED_LINES`` after it."""
    k = min(MAX_FRAME_PX, min(image.shape[:2]) // 4)
    sides = (image[:k], image[::-1][:k], image[:, :k].transpose(1, 0, 2), image[:, ::-1][:, :k].transpose(1, 0, 2))
    bands = []
    for lines in sides:
        flat = _flat_lines(lines)
        bands.append(max(min_px, flat + BLENDED_LINES if flat else 0))
    return tuple(bands)  # type: ignore[return-value]


@dataclass(frozen=True)
class Extended:
    """The region's box grown beyond the photo's edges: index maps from the grown box into the photo.

    ``rows`` / ``cols`` (int arrays) pick, for every line of the grown box, the photo line whose colours and
    region it shows (mirrored beyond the clean edge); ``field_rows`` / ``field_cols`` the line whose motion it
    has (the nearest line inside the photo). ``offset`` (dy, dx) is where the region's own box starts in it.
    """

    rows: np.ndarray
    cols: np.ndarray
    field_rows: np.ndarray
    field_cols: np.ndarray
    offset: tuple[int, int]
    #: bool masks of the rows / columns of the grown box that are mirror images
    mirrored_rows: np.ndarray
    mirrored_cols: np.ndarray

    def sources(self, region: np.ndarray) -> np.ndarray:
        """uint8 splat sources (see .splat): 1 on the region, 2 on its mirror image (a stand-in), 0 elsewhere."""
        src = self.take(region).astype(np.uint8)
        src[(self.mirrored_rows[:, None] | self.mirrored_cols[None, :]) & (src > 0)] = 2
        return src

    def take(self, array: np.ndarray, *, motion: bool = False) -> np.ndarray:
        rows, cols = (self.field_rows, self.field_cols) if motion else (self.rows, self.cols)
        return np.ascontiguousarray(array[rows][:, cols])


def _axis(lo: int, hi: int, size: int, band_lo: int, band_hi: int, pad_lo: int, pad_hi: int):
    """Index maps along one axis for the box [lo, hi) grown by the pads (see :class:`Extended`)."""
    pos = np.arange(lo - pad_lo, hi + pad_hi)
    first, last = band_lo, size - 1 - band_hi  # the clean lines
    mirrored = pos.copy()
    low, high = pos < first, pos > last
    mirrored[low] = 2 * first - pos[low]  # mirror about the first clean line (not repeated: no stripe)
    mirrored[high] = 2 * last - pos[high]
    mirrored = np.clip(mirrored, first, max(first, last))
    return mirrored, np.clip(pos, 0, size - 1), low | high


def extend_box(
    image: np.ndarray,
    region: np.ndarray,
    field: np.ndarray,
    box: tuple[int, int, int, int],
    *,
    frame_count: int,
    min_edge_px: int,
) -> Extended:
    """Grow ``box`` (y0, y1, x0, x1) beyond each photo edge that the region reaches (within its edge band
    and 2 pixels), by the distance the field carries material across that edge in ``frame_count`` steps,
    at most the photo's height (top, bottom) or width (left, right)."""
    h, w = region.shape
    y0, y1, x0, x1 = box
    top, bottom, left, right = edge_bands(image, min_px=min_edge_px)

    def pad(lines: tuple[slice, slice], component: int) -> int:
        """Pad beyond one edge: the farthest the motion across it carries material in one loop, at most the
        photo's size across the edge (beyond it the mirror image only repeats its last line)."""
        if not region[lines].any():
            return 0
        travel = frame_count * float(np.abs(field[lines][..., component]).max())
        return min(int(math.ceil(travel)) + 2, (w, h)[component]) if travel >= 1.0 else 0

    every = slice(None)
    pads = (
        pad((slice(0, top + 2), every), 1),
        pad((slice(h - bottom - 2, h), every), 1),
        pad((every, slice(0, left + 2)), 0),
        pad((every, slice(w - right - 2, w)), 0),
    )
    # a box that does not reach an edge is not grown there (its pad would only hold still pixels)
    pt = pads[0] if y0 == 0 else 0
    pb = pads[1] if y1 == h else 0
    pl = pads[2] if x0 == 0 else 0
    pr = pads[3] if x1 == w else 0
    rows, field_rows, mirrored_rows = _axis(y0, y1, h, top, bottom, pt, pb)
    cols, field_cols, mirrored_cols = _axis(x0, x1, w, left, right, pl, pr)
    return Extended(rows, cols, field_rows, field_cols, (pt, pl), mirrored_rows, mirrored_cols)
