"""Soft silhouettes: the mixed pixels around a subject's outline go with the subject, not the background.

Hair, fur and blurred outlines do not end at one pixel: for a few pixels the photo mixes the subject's
colour with the background's. A depth estimate puts its edge somewhere inside that fringe, so the
outer part of it, strands of hair, a darker rim, is assigned to the background. When the camera moves
the subject slides away and those pixels stay behind on the wall as a dotted ghost of its outline, and
the background fill, which copies from just beyond the edge, spreads them further (the "specks" next
to the astronaut's hair). Depth-image-based rendering knows this as boundary noise, and its usual cure
is to widen the foreground's depth over the boundary before warping.

:func:`claim_fringe` widens it only where the colours say the pixel is mixed. Around each depth edge
it measures the subject's colour F (near-side pixels just inside the edge) and the background's colour
B (far-side pixels past the fringe), and gives each far-side pixel next to the subject its share of
the subject's colour, alpha = (I - B) . (F - B) / |F - B|^2, a one-pixel matting estimate. Pixels whose
part of the subject's colour, alpha |F - B|, would show on the wall (more than VISIBLE_MIX) join the
subject (they take its depth, the nearest within reach), one ring per step, for as many rings as the
fringe can be wide. A fixed share (alpha > 0.2) was not enough: dark hair against a light wall differs
from it by most of the colour range, and its pixels of under 20 % hair, left on the wall, drew a faint
dotted outline where the hair had been once it moved (``view --move 0.1,0,0``). The fringe then moves
with the subject as a soft rim, and what the camera uncovers behind it is filled from pure background.
The near half of the inverse depth's local range is the subject's own surface: of it only the rim next
to the far half is a candidate (a pixel left half-way up the edge's ramp), and it rises only to its
nearest neighbour's depth.
Lifting the subject's own pixels to the nearest depth around them cut a steep slope inside it (a helmet
ring's curve) into steps that tore, and the wall showed through the ring as a light echo of its rim.
And only pixels by a sharp colour edge: a defocused outline mixes its colours over many pixels with no
edge, and claiming them would cut the blur into a ragged, tearing outline (the renderer stretches such
ramps instead, :mod:`.soft_edges`).

Only for estimated depth, whose edges follow the photo's colours loosely; a measured map (disparity,
metric) is left as it is. The side colours are window means computed on a grid reduced by about half
the fringe's width, and read at the candidate pixels only: 0.07-0.11 CPU s on a 1080p photo.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .soft_edges import sharp_pixels

#: A far-side pixel joins the subject when the subject's part of its colour, alpha |F - B|, is more than
#: this (RGB distance, [0, 1]; about ten levels of 8 bits): left on the wall, it would show there
VISIBLE_MIX = 0.04
#: and its share alpha of the subject's colour at least this (below it, a high-contrast edge's noise).
MIN_ALPHA = 0.05
#: Colours are compared only where subject and background differ by more than this (RGB distance, [0, 1]).
MIN_CONTRAST = 0.08
#: A depth edge is an inverse-depth step of more than this fraction of the nearer side's value.
EDGE_STEP = 0.04
#: The fringe may be this many pixels wide per 1000 pixels of the photo's long side (at least 2).
FRINGE_PX_PER_1000 = 4.0


def fringe_width(shape: tuple[int, int]) -> int:
    """How many pixels past a depth edge :func:`claim_fringe` may reach for a photo of ``shape``."""
    return max(2, round(FRINGE_PX_PER_1000 * max(shape[:2]) / 1000))


def claim_fringe(q: np.ndarray, image: np.ndarray, *, width: int | None = None) -> np.ndarray:
    """A new inverse depth ``q`` (larger = nearer) where far-side pixels next to a depth edge whose colour
    is partly the near side's (see the module doc) take the near side's depth. ``image`` is float32 RGB of
    the same size; ``width`` the most rings claimed (default :func:`fringe_width`)."""
    q = np.ascontiguousarray(q, dtype=np.float32)
    width = fringe_width(q.shape) if width is None else int(width)
    if width < 1:
        return q
    box = np.ones((2 * width + 1, 2 * width + 1), np.uint8)
    nearest = cv2.dilate(q, box)  # the nearest surface within reach of each pixel
    img = np.asarray(image, dtype=np.float32)
    # candidates: beyond a depth edge, within reach of it, by a sharp colour edge (a blurred outline
    # mixes colours everywhere; its depth ramp stretches instead, see soft_edges), on the edge's far side
    # or the near side's rim (the rest of the near side is the subject's own surface: see the module doc)
    candidates = (nearest - q > EDGE_STEP * nearest) & sharp_pixels(img).view(bool)
    if not candidates.any():
        return q
    grid = _Grid.for_width(width)
    near = _near_side(q, grid)
    outline = cv2.dilate(1 - near, np.ones((3, 3), np.uint8)).view(bool)  # the far side and the near side's rim
    ys, xs = np.nonzero(candidates & outline)
    if not len(ys):
        return q
    subject, background = _side_colours(near, img, width, grid)
    (f, has_f), (b, has_b) = subject.at(ys, xs), background.at(ys, xs)
    along = f - b
    contrast = (along * along).sum(axis=1)
    alpha = ((img[ys, xs] - b) * along).sum(axis=1) / np.maximum(contrast, 1e-12)
    visible = (alpha > MIN_ALPHA) & (alpha * np.sqrt(contrast) > VISIBLE_MIX)
    chosen = visible & (contrast > MIN_CONTRAST**2) & has_f & has_b
    mixed = np.zeros(q.shape, np.uint8)
    mixed[ys[chosen], xs[chosen]] = 1
    # grow from the near side of the edges, one ring of mixed pixels at a time
    ring = np.ones((3, 3), np.uint8)
    front = (q - cv2.erode(q, ring) > EDGE_STEP * q).view(np.uint8)
    claimed = np.zeros_like(mixed)
    for _ in range(width):
        front = cv2.dilate(front, ring) & mixed & ~claimed
        if not front.any():
            break
        claimed |= front
    out = q.copy()
    taken = claimed.view(bool)
    lift = np.where(near.view(bool), cv2.dilate(q, ring), nearest)  # the rim: no step above its neighbours
    out[taken] = lift[taken]
    return out


@dataclass(frozen=True)
class _Grid:
    """The reduced grid that the near/far split and the side colours are computed on (both smooth):
    cells of ``factor`` pixels, square windows of ``radius`` pixels that span the rings read."""

    factor: int
    radius: int

    @classmethod
    def for_width(cls, width: int) -> _Grid:
        return cls(factor=max(1, width // 2), radius=3 * width + 1)

    def size(self, shape: tuple[int, ...]) -> tuple[int, int]:
        """(width, height) of the reduced grid of an image of ``shape`` (H, W, ...)."""
        h, w = shape[:2]
        return max(1, -(-w // self.factor)), max(1, -(-h // self.factor))

    @property
    def window(self) -> int:
        """The side of a window on the reduced grid."""
        return 2 * max(1, round(self.radius / self.factor)) + 1


class _LocalMean:
    """The mean colour of some pixels in a square window around each pixel, computed on a reduced grid
    (the means are smooth) and read at the pixels asked for."""

    def __init__(self, img: np.ndarray, weight: np.ndarray, grid: _Grid):
        size = grid.size(weight.shape)
        small_w = cv2.resize(weight, size, interpolation=cv2.INTER_AREA)
        small_i = cv2.resize(img * weight[:, :, None], size, interpolation=cv2.INTER_AREA)
        k = grid.window
        self.count = cv2.boxFilter(small_w, -1, (k, k), normalize=False)
        self.mean = cv2.boxFilter(small_i, -1, (k, k), normalize=False) / np.maximum(self.count, 1e-6)[:, :, None]
        self.factor = grid.factor

    def at(self, ys: np.ndarray, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mean colours (N, 3), whether the window held any such pixel (N,)) at the pixels (ys, xs)."""
        cell = (ys // self.factor, xs // self.factor)
        return self.mean[cell], self.count[cell] > 1e-3


def _near_side(q: np.ndarray, grid: _Grid) -> np.ndarray:
    """uint8 (H, W), 1 on the near side of the depth edges around each pixel: the inverse depth is split at
    the middle of its range in a window that spans the rings :func:`_side_colours` reads (on the reduced
    ``grid``: the split needs no precision)."""
    h, w = q.shape
    small = cv2.resize(q, grid.size(q.shape), interpolation=cv2.INTER_AREA)
    window = np.ones((grid.window,) * 2, np.uint8)
    middle = cv2.resize(0.5 * (cv2.dilate(small, window) + cv2.erode(small, window)), (w, h),
                        interpolation=cv2.INTER_LINEAR)  # fmt: skip
    return (q >= middle).view(np.uint8)


def _side_colours(near: np.ndarray, img: np.ndarray, width: int, grid: _Grid) -> tuple[_LocalMean, _LocalMean]:
    """(F, B): around every pixel, the mean colour of the ``near`` side of its depth edges (see
    :func:`_near_side`), from 2 to 2 ``width`` + 2 pixels inside them (past the mixed pixels), and of the
    far side past the fringe (``width`` + 1 to 3 ``width`` + 1 pixels out)."""
    far = 1 - near

    def band(mask: np.ndarray, inner: int, outer: int) -> np.ndarray:
        """Pixels of ``mask`` at least ``inner`` and less than ``outer`` pixels from its border."""
        kept = cv2.erode(mask, np.ones((2 * inner + 1,) * 2, np.uint8))
        deep = cv2.erode(mask, np.ones((2 * outer + 1,) * 2, np.uint8))
        return (kept & (1 - deep)).astype(np.float32)

    inside = _LocalMean(img, band(near, 2, 2 * width + 2), grid)
    beyond = _LocalMean(img, band(far, width + 1, 3 * width + 1), grid)
    return inside, beyond


__all__ = ["claim_fringe", "fringe_width"]
