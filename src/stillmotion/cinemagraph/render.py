"""Rendering a seamless loop from a photo and its Eulerian motion field (Holynski et al., CVPR 2021).

Frame t of N (t = 0 .. N-1) blends two softmax splats of the photo:

- the forward half: the photo moved by ``F(0->t)`` (the field integrated over t steps), weight ``1 - a``;
- the backward half: the photo moved by the field integrated backward from the loop's end (``-M`` over
  ``N - t`` steps), weight ``a``.

The weight ``a`` rises from 0 to 1 at each pixel at its own time (:mod:`.schedule`: where the forward half
soon gets stretched or holed, e.g. next to the region's upstream border, early; in between, the switch
travels with the flow), so that mid-loop most pixels show one half only instead of a double exposure. At
t = 0 every pixel shows the photo itself, and at t = N every pixel would show the backward splat with zero
steps, the photo again: frame N would equal frame 0, so the clip loops without a seam.

Holes one half leaves (where material flowed away from the region's upstream border, from under an island
or in from outside the photo) are covered by the other half: the halves are weighed by ``a * coverage``,
where coverage is the half's smoothed splat density (0 in its holes, :mod:`.coverage`), so the other half's
real content fills one half's holes and stretched areas blend smoothly instead of in stripes
(:mod:`.compose`); the two are then blended keeping their local contrast (:mod:`.blend`). What neither half
covers is filled by push-pull interpolation from the region's own pixels, with the photo's fine texture on
top. Importance for the soft z-buffer: slower source pixels win collisions (``Z = -|F(x)| / travel_px``:
pixels that travelled less win), so material flowing into the slow border region slides under it instead
of piling up into a smear. Only the moving region's bounding box is computed; every pixel outside the
region is the photo's own value.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import cv2
import numpy as np

from ..errors import InputError
from ..io.image import to_uint8, unit_float
from ..types import ProgressCallback, no_progress
from .blend import blend_into
from .compose import add_filled, compose_halves
from .coverage import finish_half
from .beyond import extend_box
from .field import region_bbox
from ..inpaint.pushpull import push_pull_fill
from .integrate import ascending_steps, descending_steps, upsampled
from .schedule import crossfade_times
from .splat import STAND_IN_COVERAGE, new_buffer, resampling_detail, splat_into

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenderOptions:
    #: splat collisions: a source pixel's importance drops by a factor e for every this many pixels it
    #: has travelled, so material flowing into a slower part slides under it instead of smearing it
    travel_px: float = 2.0
    #: moving pixels this close to the photo's edge (and a flat frame there, plus the line after it) are not
    #: splatted: scanned and JPEG photos often have dark or grey border lines that would otherwise be dragged
    #: into the picture; the material beyond them is the mirror image of what lies inside (see .beyond)
    edge_px: int = 3
    #: blur (pixels) of each half's coverage before the two halves are blended
    coverage_sigma_px: float = 2.0
    #: splat density (sum of bilinear weights) from which a target pixel counts as fully covered
    full_coverage: float = 0.8
    #: distance (pixels) over which a half fades in from the rim of its holes
    hole_ramp_px: int = 6
    #: window (pixels) over which the blend of the two halves gets its local contrast back (see .blend)
    contrast_window_px: int = 9
    #: fraction of the loop over which each pixel crossfades from the forward to the backward half, at its
    #: own time (see .schedule); 1 is a global crossfade (every pixel over the whole loop)
    crossfade_ramp: float = 0.3
    #: ... down to this fraction where one half is sound only briefly (next to the region's upstream border)
    min_crossfade_ramp: float = 0.1
    #: holes neither half covers get the photo's texture finer than this blur (pixels) over their smooth
    #: fill (0: smooth fill only)
    fill_detail_sigma_px: float = 2.0
    #: each splatted pixel is sharpened by its own sub-pixel offset, undoing the blur of bilinear splatting
    #: (see .splat); off, every moved frame is softer than the still photo (frame 0)
    sharpen_splats: bool = True
    #: moving regions larger than this (pixels, long side of their box) are integrated at half size
    coarse_integration_above_px: int = 720


#: a target whose (unsmoothed, half-size) coverage is below this was reached by stand-ins only
THIN_COVER = (10 * STAND_IN_COVERAGE) ** 2


class _Half:
    """Buffers for one of the two splats of a frame (forward from the photo, backward from the loop's end)."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.buf = new_buffer(shape)
        self.no_ramp = np.full(shape, 255, np.uint8)

    def render(
        self, colour, displacement, *, region, travel_px, sources, offset, sharpening, sigma_px, full_coverage, ramp_px
    ):
        """The photo splatted by ``displacement``: (moved image, holes, smoothed coverage, hole ramp).

        ``colour``, ``displacement`` and ``sources`` cover the box grown beyond the photo's edges
        (:mod:`.beyond`); the buffers, ``region`` and the results cover the box itself, at ``offset`` in it.

        Pinholes are closed and specks opened (see .coverage); larger holes stay, for the other half or the
        final fill. The ramp (uint8, 255 * fraction of known pixels within ``ramp_px``) fades the half in from
        the rim of its holes inside the region (see .compose).
        """
        splat_into(
            colour, displacement, self.buf, travel_px=travel_px, sources=sources, detail=sharpening, offset=offset
        )
        moved, holes, cover = finish_half(self.buf, region, full_coverage=full_coverage)
        # targets only stand-ins reached (material mirrored beyond the photo's edge, see .beyond) count
        # as holes for the ramp, so that the other half's real material takes over smoothly there too
        thin = cv2.resize(
            (cover < THIN_COVER).view(np.uint8), (self.buf.shape[1], self.buf.shape[0]), interpolation=cv2.INTER_NEAREST
        ).view(bool)
        if sigma_px > 0:  # the coverage is at half size
            cover = cv2.GaussianBlur(cover, (0, 0), sigma_px / 2)
        cover = cv2.resize(cover, (self.buf.shape[1], self.buf.shape[0]), interpolation=cv2.INTER_LINEAR)
        ramp = self.no_ramp
        if ramp_px > 0:
            inner = (holes | thin) & region
            if inner.any():
                k = 2 * int(ramp_px) + 1
                ramp = cv2.blur((~inner).view(np.uint8) * np.uint8(255), (k, k))
        return moved, holes, cover, ramp


def _displacements(field: np.ndarray, count: int, *, coarse_above_px: int):
    """Forward ``F(0->t)`` and backward (``-M`` over ``count - t`` steps) displacements, t = 0 .. count-1.

    Boxes larger than ``coarse_above_px`` on their long side are integrated at half size and upsampled:
    the field is smooth (it was smoothed on a copy at most about 1000 px wide), so the displacements are too.
    """
    h, w = field.shape[:2]
    if max(h, w) <= coarse_above_px:
        return ascending_steps(field, count), descending_steps(-field, count)
    size = ((w + 1) // 2, (h + 1) // 2)
    scale = np.array([size[0] / w, size[1] / h], np.float32)
    small = cv2.resize(field, size, interpolation=cv2.INTER_AREA) * scale
    return (
        upsampled(ascending_steps(small, count), (h, w)),
        upsampled(descending_steps(-small, count), (h, w)),
    )


def _fill_holes(image: np.ndarray, holes: np.ndarray, *, detail: np.ndarray | None = None, cell_px: int = 16) -> None:
    """Fill ``holes`` of ``image`` in place by push-pull, on boxes around the holes only.

    Holes are grouped on a grid of ``cell_px`` cells (a cell with a hole, grown by one cell, is in a
    group); each group is filled on its own bounding box, so a few scattered holes do not cost a fill of
    the whole region. ``detail`` (H, W, 3), when given, is added at the holes: push-pull alone gives a
    smooth blur, which shows as a soft blob in the middle of a crisp texture.
    """
    h, w = holes.shape
    gh, gw = -(-h // cell_px), -(-w // cell_px)
    padded = np.zeros((gh * cell_px, gw * cell_px), np.uint8)
    padded[:h, :w] = holes.view(np.uint8)
    cells = padded.reshape(gh, cell_px, gw, cell_px).max(axis=(1, 3))
    cells = cv2.dilate(cells, np.ones((3, 3), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(cells, connectivity=8)
    for x, y, bw, bh, _ in stats[1:]:
        y0, y1 = y * cell_px, min(h, (y + bh) * cell_px)
        x0, x1 = x * cell_px, min(w, (x + bw) * cell_px)
        crop = np.ascontiguousarray(image[y0:y1, x0:x1])
        hole = holes[y0:y1, x0:x1]
        filled = push_pull_fill(crop, hole)
        if detail is not None:
            filled[hole] += detail[y0:y1, x0:x1][hole]
        image[y0:y1, x0:x1] = filled


def _detail(colour: np.ndarray, sigma_px: float) -> np.ndarray:
    """The photo's fine texture: its difference from a blurred copy (zero mean, a few pixels across)."""
    return colour - cv2.GaussianBlur(colour, (0, 0), sigma_px)


def loop_frames(
    image: np.ndarray,
    field: np.ndarray,
    region: np.ndarray,
    *,
    frame_count: int,
    as_uint8: bool = True,
    options: RenderOptions = RenderOptions(),
    progress: ProgressCallback = no_progress,
) -> Iterator[np.ndarray]:
    """Yield the ``frame_count`` frames of a seamless loop, one at a time.

    ``image`` float32 (H, W, 3) RGB in [0, 1] (8/16-bit integers are scaled to it); ``field`` float32
    (H, W, 2) pixels per frame; ``region`` bool (H, W), the only pixels that move and the only ones that may change (the field may be non-zero on
    islands enclosed by the region: material passes under them). The field must be zero at the edge of
    the region's bounding box grown by 2 pixels. Frames are uint8 (outside the
    region exactly ``to_uint8(image)``, so an 8-bit photo is reproduced bit for bit) or, with
    ``as_uint8=False``, float32 (outside the region exactly ``image``).
    """
    image = unit_float(image)
    h, w = image.shape[:2]
    if field.shape != (h, w, 2) or region.shape != (h, w):
        raise InputError(f"field {field.shape} and region {region.shape} must match the photo {image.shape[:2]}")
    if frame_count < 1:
        raise InputError(f"a loop needs at least one frame, got {frame_count}")
    region = region.astype(bool)
    base = to_uint8(image) if as_uint8 else image.astype(np.float32)
    box = region_bbox(region, margin=2)
    if box is None:  # nothing moves
        for t in range(frame_count):
            progress(t + 1, frame_count)
            yield base.copy()
        return
    y0, y1, x0, x1 = box
    n = frame_count
    colour = np.ascontiguousarray(image[y0:y1, x0:x1], dtype=np.float32)
    inside = np.ascontiguousarray(region[y0:y1, x0:x1])
    inside_u8 = inside.view(np.uint8)
    outside_u8 = (~inside).view(np.uint8)
    shape = (y1 - y0, x1 - x0)
    # the splats' sources: the box grown beyond the photo's edges with the region's mirror image, so that
    # material flows in across them (see .beyond); the photo's flat frame lines are never sources
    grown = extend_box(image, region, field, box, frame_count=n, min_edge_px=options.edge_px)
    oy, ox = grown.offset
    sources = grown.sources(region)
    colour_grown = grown.take(image).astype(np.float32)
    m = grown.take(field, motion=True).astype(np.float32)
    forward, backward = _displacements(m, n, coarse_above_px=options.coarse_integration_above_px)
    halves = (_Half(shape), _Half(shape))
    sharpening = resampling_detail(colour_grown, sources > 0) if options.sharpen_splats else None
    log.debug("loop: %d frames, %dx%d box (%dx%d with material beyond the photo's edges) of a %dx%d photo",
              n, x1 - x0, y1 - y0, m.shape[1], m.shape[0], w, h)  # fmt: skip

    def render_half(index: int, displacement: np.ndarray):
        return halves[index].render(
            colour_grown, displacement, region=inside, travel_px=options.travel_px, sources=sources,
            offset=grown.offset, sharpening=sharpening, sigma_px=options.coverage_sigma_px, full_coverage=options.full_coverage, ramp_px=options.hole_ramp_px,
        )  # fmt: skip

    # the two halves are independent: the backward half renders on a worker thread (numba and OpenCV
    # release the GIL), one frame ahead, so it also overlaps this frame's blending and encoding
    def backward_half(t: int):
        displacement = next(backward)
        return None if t == 0 else render_half(1, displacement)

    if options.crossfade_ramp < 1.0 and n > 2:
        ramp = max(options.crossfade_ramp, 2.0 / n)
        # timed on the box alone: the mirrored material beyond the photo's edge is a stand-in, shown only
        # where the other half has nothing (a mirror image shown at length would show its symmetry)
        m_box = np.ascontiguousarray(m[oy : oy + shape[0], ox : ox + shape[1]])
        start, rate = crossfade_times(m_box, inside, n, ramp=ramp, min_ramp=max(options.min_crossfade_ramp, 2.0 / n))
    else:  # a global crossfade
        start, rate = np.zeros(shape, np.float32), np.ones(shape, np.float32)
    # holes neither half covers (in the wake of islands, where water enters at the photo's edge) get the
    # photo's own fine texture over their smooth fill
    detail = _detail(colour, options.fill_detail_sigma_px) if options.fill_detail_sigma_px > 0 else None
    with ThreadPoolExecutor(max_workers=1) as pool:
        job = pool.submit(backward_half, 0)
        for t in range(n):
            frame = base.copy()
            crop = frame[y0:y1, x0:x1]
            if t == 0:  # the photo itself (the backward half has weight 0)
                moved, holes, _, _ = render_half(0, next(forward))
                job.result()
                if n > 1:
                    job = pool.submit(backward_half, 1)
                targets = holes & inside
                if targets.any():
                    moved = cv2.copyTo(colour, outside_u8, moved)
                    _fill_holes(moved, targets)
                crop[...] = cv2.copyTo(to_uint8(moved) if as_uint8 else moved, inside_u8, np.ascontiguousarray(crop))
            else:
                first = render_half(0, next(forward))
                second = job.result()
                if t + 1 < n:
                    job = pool.submit(backward_half, t + 1)
                mix, targets, holes_left = compose_halves(colour, inside, start, rate, first, second, phase=t / n)
                if holes_left:
                    _fill_holes(first[0], targets, detail=detail)
                    add_filled(mix, first[0], targets)
                blend_into(crop, inside, mix, window_px=options.contrast_window_px)
            progress(t + 1, n)
            yield frame
