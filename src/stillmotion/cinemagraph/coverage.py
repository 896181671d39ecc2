"""One half of a loop frame after its splat: colours, holes, and how densely each target was covered.

:func:`finish_half` turns a splat's accumulation buffer into the moved image, its hole mask and a coverage
in [0, 1] (the bilinear splat density, saturating at ``full_coverage`` and squared, so stretched areas give
way quickly to the other half), and zeroes the buffer for the next frame, in one pass over it. Pinholes
(stretched areas, where targets are covered every other pixel) are then closed from the known pixels of
their 3x3 neighbourhood; larger holes stay holes, for the other half or the final
fill. The coverage varies slowly (it is smoothed before use), so it is returned at half size (2x2 means).

Specks are the pinholes' opposite: covered targets among holes, where the material was pulled apart 3x or
more (the rows of a faded border's slow material spread over the area it left, or lone sources
that each cover a 2x2 square). They are not an image of anything: a target with fewer than
``SPECK_FRACTION`` of its ``SPECK_WINDOW`` x ``SPECK_WINDOW`` neighbourhood covered becomes a hole too, so
that the other half, or the fill where it has nothing either, shows there. Before, a frame showed them as
dark and bright single pixels and blocky squares wherever the other half had a hole (the waterfall preset on
the mountain stream; upstream of the stream's rocks, where the backward half's material comes from under the
rock).
"""

from __future__ import annotations

import cv2
import numba
import numpy as np

#: a hole with at least this many known pixels among its 8 neighbours is a pinhole
PINHOLE_NEIGHBOURS = 5
#: a covered target with less than this share of its SPECK_WINDOW x SPECK_WINDOW neighbourhood covered is a
#: speck (lines 1 or 2 px thick with gaps of 3 px or more: 1/5 or 2/5 of the window; a lone 2x2 or 3x3 square:
#: 4/25 or 9/25; the straight rim of a covered area keeps 3/5)
SPECK_WINDOW = 5
SPECK_FRACTION = 0.5


@numba.njit(cache=True, nogil=True, fastmath=True, inline="always")
def _normalise_row(buf, y, min_coverage, inv_full, moved, holes, cover, hh, hw):  # pragma: no cover - compiled
    w = holes.shape[1]
    i = y >> 1
    for x in range(w):
        weight = buf[y, x, 3]
        density = buf[y, x, 4]
        if density <= min_coverage or weight <= 0.0:
            holes[y, x] = True
            moved[y, x, 0] = 0.0
            moved[y, x, 1] = 0.0
            moved[y, x, 2] = 0.0
        else:
            holes[y, x] = False
            inv = 1.0 / weight
            moved[y, x, 0] = buf[y, x, 0] * inv
            moved[y, x, 1] = buf[y, x, 1] * inv
            moved[y, x, 2] = buf[y, x, 2] * inv
        j = x >> 1
        if i < hh and j < hw:
            c = min(density * inv_full, 1.0)
            cover[i, j] += 0.25 * c * c
        for k in range(5):
            buf[y, x, k] = 0.0


@numba.njit(cache=True, nogil=True, fastmath=True)
def _close(moved, holes, ys, xs):  # pragma: no cover - compiled
    # each pinhole (ys[n], xs[n]) takes the mean colour of the known pixels around it. Only known pixels
    # are read and only holes written: closing in place is order-independent.
    h, w = holes.shape
    for n in range(ys.shape[0]):
        y = ys[n]
        x = xs[n]
        count = 0
        r = np.float32(0.0)
        g = np.float32(0.0)
        b = np.float32(0.0)
        for yy in range(max(y - 1, 0), min(y + 2, h)):
            for xx in range(max(x - 1, 0), min(x + 2, w)):
                if not holes[yy, xx]:
                    count += 1
                    r += moved[yy, xx, 0]
                    g += moved[yy, xx, 1]
                    b += moved[yy, xx, 2]
        inv = np.float32(1.0) / count
        moved[y, x, 0] = r * inv
        moved[y, x, 1] = g * inv
        moved[y, x, 2] = b * inv


@numba.njit(cache=True, nogil=True, fastmath=True)
def _finish(buf, min_coverage, inv_full, moved, holes, cover):  # pragma: no cover - compiled
    hh, hw = cover.shape
    for y in range(holes.shape[0]):
        _normalise_row(buf, y, min_coverage, inv_full, moved, holes, cover, hh, hw)


def finish_half(
    buf: np.ndarray,
    inside: np.ndarray,
    *,
    full_coverage: float,
    min_coverage: float = 1e-3,
    open_specks: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(moved image (H, W, 3), holes (H, W) bool, coverage (H // 2, W // 2) float32) from a splat buffer.

    ``buf`` (H, W, 5) is zeroed on the way (it is the caller's, reused every frame). Pinholes inside the
    region ``inside`` (bool H, W) are closed and, with ``open_specks``, specks inside it opened (see the
    module's docstring); outside it, holes are left as they are.
    The coverage is not yet smoothed and is not zero at the holes; an odd last row or column is left out.
    """
    h, w = buf.shape[:2]
    moved = np.empty((h, w, 3), np.float32)
    holes = np.empty((h, w), np.bool_)
    cover = np.zeros((max(h // 2, 1), max(w // 2, 1)), np.float32)
    _finish(buf, np.float32(min_coverage), np.float32(1.0 / full_coverage), moved, holes, cover)
    known = cv2.boxFilter((~holes).view(np.uint8), -1, (3, 3), normalize=False, borderType=cv2.BORDER_CONSTANT)
    ys, xs = np.nonzero(holes & inside & (known >= PINHOLE_NEIGHBOURS))
    if ys.size:
        _close(moved, holes, ys, xs)
        holes[ys, xs] = False
    if open_specks:
        # how many targets around each one are holes of the region (pixels outside it count as covered: a
        # thin strand of the region between still pixels is no speck); at most 25, so uint8 sums will do
        empty = holes & inside
        window = (SPECK_WINDOW, SPECK_WINDOW)
        count = cv2.boxFilter(empty.view(np.uint8), -1, window, normalize=False, borderType=cv2.BORDER_REPLICATE)
        holes |= (count > (1.0 - SPECK_FRACTION) * SPECK_WINDOW**2) & inside
    return moved, holes, cover
