"""Rendering a seamless loop from a photo and its Eulerian motion field (Holynski et al., CVPR 2021).

Frame t of N (t = 0 .. N-1) blends two softmax splats of the photo:

- the photo moved forward by ``F(0->t)`` (the field integrated over t steps), weight ``1 - t/N``;
- the photo moved by the field integrated backward from the loop's end (``-M`` over ``N - t`` steps),
  weight ``t/N``.

At t = 0 only the photo itself counts and at t = N only the backward splat with zero steps, the photo
again: frame N would equal frame 0, so the clip loops without a seam. Holes one half leaves (where
material flowed away from the region's upstream border or in from outside the photo) are covered by the
other half: the halves are blended with weights ``alpha * coverage``, where coverage is the half's smoothed
splat density (0 in its holes), so the other half's real content fills one half's holes, and stretched
areas (half-covered pixel patterns, whose pinholes are closed locally) blend smoothly instead of in stripes.
What neither half covers is filled by push-pull interpolation from the region's own pixels. Importance for the soft z-buffer: slower source pixels
win collisions (``Z = -|F(x)| / travel_px``: pixels that travelled less win), so material flowing into the
slow border region slides under it instead of piling up into a smear. Only the moving region's bounding box is computed; every pixel outside the
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
from ..io.image import to_uint8
from ..types import ProgressCallback, no_progress
from .blend import variance_preserving_blend
from .field import region_bbox
from .fill import push_pull_fill
from .integrate import ascending_steps, descending_steps
from .splat import new_buffer, normalise, splat_into

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenderOptions:
    #: splat collisions: a source pixel's importance drops by a factor e for every this many pixels it
    #: has travelled, so material flowing into a slower part slides under it instead of smearing it
    travel_px: float = 2.0
    #: moving pixels this close to the photo's edge are not splatted (scanned and JPEG photos often have
    #: dark or smeared border rows that would otherwise be dragged into the picture)
    edge_px: int = 3
    #: blur (pixels) of each half's coverage before the two halves are blended
    coverage_sigma_px: float = 2.0
    #: splat density (sum of bilinear weights) from which a target pixel counts as fully covered
    full_coverage: float = 0.8
    #: distance (pixels) over which a half fades in from the rim of its holes
    hole_ramp_px: int = 6
    #: window (pixels) over which the blend of the two halves gets its local contrast back (see .blend)
    contrast_window_px: int = 9


def _sources(region: np.ndarray, box: tuple[int, int, int, int], shape: tuple[int, int], edge_px: int) -> np.ndarray:
    """Pixels of the box that are splatted: those of the region, except within ``edge_px`` of the photo's edge.

    Still pixels outside the region would only land on themselves, where the photo is composited anyway;
    leaving them out also keeps their colours out of the hole filling inside the region.
    """
    y0, y1, x0, x1 = box
    h, w = shape
    ys = np.arange(y0, y1)[:, None]
    xs = np.arange(x0, x1)[None, :]
    near_edge = (ys < edge_px) | (ys >= h - edge_px) | (xs < edge_px) | (xs >= w - edge_px)
    return region[y0:y1, x0:x1] & ~near_edge


class _Half:
    """Buffers for one of the two splats of a frame (forward from the photo, backward from the loop's end)."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.buf = new_buffer(shape)

    def render(self, colour, displacement, *, region, travel_px, sources, sigma_px, full_coverage, ramp_px) -> tuple[np.ndarray, np.ndarray]:
        """The photo splatted by ``displacement``, and its smoothed coverage in [0, 1] (0 at its holes).

        Pinholes (stretched areas, where targets are covered every other pixel) are closed from their 3x3
        neighbourhood; larger holes keep coverage 0 and colour 0, for the other half or the final fill.
        """
        self.buf.fill(0.0)
        splat_into(colour, displacement, self.buf, travel_px=travel_px, sources=sources)
        moved, holes = normalise(self.buf)  # zero at the holes
        known_u8 = (~holes).view(np.uint8) * np.uint8(255)
        near = cv2.blur(known_u8, (3, 3))  # 255 * fraction of known neighbours
        pinholes = np.nonzero(holes & (near > 115))  # most neighbours known; not the rim of a big hole
        if pinholes[0].size:
            near_colour = cv2.blur(moved, (3, 3))
            moved[pinholes] = near_colour[pinholes] * (np.float32(255.0) / near[pinholes].astype(np.float32))[:, None]
            holes[pinholes] = False
        # density >= full_coverage counts as fully covered: diverging flow spreads pixels (density < 1 in
        # moire patterns) without leaving holes, and those patterns must not show through the blend
        cover = np.minimum(self.buf[:, :, 4] * np.float32(1.0 / full_coverage), 1.0)
        cover *= cover  # stretched areas (density well below 1) give way quickly to the other half
        if sigma_px > 0:
            cover = cv2.GaussianBlur(cover, (0, 0), sigma_px)
        inner = holes & region
        if ramp_px > 0 and inner.any():
            # fade a half in over ramp_px from the rim of its holes in the region: where one half's content
            # ends (the photo's edge carried into the frame), the other half takes over smoothly
            k = 2 * int(ramp_px) + 1
            known = cv2.blur((~inner).view(np.uint8) * np.uint8(255), (k, k))  # 255 * fraction known
            cover *= np.clip(known.astype(np.float32) * np.float32(2.0 / 255.0) - 1.0, 0.0, 1.0)
        cover = np.maximum(cover, np.float32(1e-3))
        cover[holes] = 0.0
        return moved, cover


def _fill_holes(image: np.ndarray, holes: np.ndarray, targets: np.ndarray, *, margin: int = 16) -> None:
    """Fill ``holes`` of ``image`` in place by push-pull, near ``targets`` (the holes that matter) only.

    Each group of target holes is filled on its own bounding box grown by ``margin`` (a few scattered
    holes must not cost a fill of the whole region); many groups are filled together.
    """
    count, _, stats, _ = cv2.connectedComponentsWithStats(targets.astype(np.uint8), connectivity=8)
    h, w = holes.shape
    if count - 1 > 64:
        boxes = [region_bbox(targets, margin=margin)]
    else:
        boxes = []
        for x, y, bw, bh, _ in stats[1:]:
            boxes.append((max(0, y - margin), min(h, y + bh + margin), max(0, x - margin), min(w, x + bw + margin)))
    for y0, y1, x0, x1 in boxes:
        crop = np.ascontiguousarray(image[y0:y1, x0:x1])
        image[y0:y1, x0:x1] = push_pull_fill(crop, holes[y0:y1, x0:x1])


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

    ``image`` float32 (H, W, 3) RGB in [0, 1]; ``field`` float32 (H, W, 2) pixels per frame; ``region``
    bool (H, W), the only pixels that move and the only ones that may change (the field may be non-zero on
    islands enclosed by the region: material passes under them). The field must be zero at the edge of
    the region's bounding box grown by 2 pixels. Frames are uint8 (outside the
    region exactly ``to_uint8(image)``, so an 8-bit photo is reproduced bit for bit) or, with
    ``as_uint8=False``, float32 (outside the region exactly ``image``).
    """
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
    colour = np.ascontiguousarray(image[y0:y1, x0:x1], dtype=np.float32)
    m = np.ascontiguousarray(field[y0:y1, x0:x1], dtype=np.float32)
    inside = np.ascontiguousarray(region[y0:y1, x0:x1])
    inside_u8 = inside.view(np.uint8)
    outside_u8 = (~inside).view(np.uint8)
    sources = _sources(region, box, (h, w), options.edge_px)
    n = frame_count
    forward = ascending_steps(m, n)
    backward = descending_steps(-m, n)  # -M over N, N-1, ..., 1 steps
    halves = (_Half((y1 - y0, x1 - x0)), _Half((y1 - y0, x1 - x0)))
    log.debug("loop: %d frames, %dx%d box of a %dx%d photo", n, x1 - x0, y1 - y0, w, h)

    def render_half(index: int, displacement: np.ndarray, a: float) -> tuple[np.ndarray, np.ndarray]:
        moved, cover = halves[index].render(
            colour, displacement, region=inside, travel_px=options.travel_px, sources=sources,
            sigma_px=options.coverage_sigma_px, full_coverage=options.full_coverage, ramp_px=options.hole_ramp_px,
        )  # fmt: skip
        cover *= np.float32(a)
        return moved, cover

    # the two halves are independent: the backward half renders on a worker thread (numba and OpenCV
    # release the GIL), one frame ahead, so it also overlaps this frame's blending and encoding
    def backward_half(t: int):
        displacement = next(backward)
        return None if t == 0 else render_half(1, displacement, t / n)

    with ThreadPoolExecutor(max_workers=1) as pool:
        job = pool.submit(backward_half, 0)
        for t in range(n):
            alpha = t / n
            if t == 0:  # the photo itself (the backward half has weight 0)
                moved, cover = render_half(0, next(forward), 1.0)
                job.result()
                if n > 1:
                    job = pool.submit(backward_half, 1)
                targets = (cover <= 0.0) & inside
                if targets.any():
                    moved = cv2.copyTo(colour, outside_u8, moved)
                    _fill_holes(moved, targets, targets)
            else:
                first, c1 = render_half(0, next(forward), 1.0 - alpha)
                second, c2 = job.result()
                if t + 1 < n:
                    job = pool.submit(backward_half, t + 1)
                # outside the region both halves show the still photo, each half shows the other's colours
                # at its holes, and what neither covers is filled: the contrast measure then sees no zeros
                first = cv2.copyTo(colour, outside_u8, first)
                second = cv2.copyTo(colour, outside_u8, second)
                first = cv2.copyTo(second, (c1 <= 0.0).view(np.uint8), first)
                second = cv2.copyTo(first, (c2 <= 0.0).view(np.uint8), second)
                total = c1 + c2
                targets = (total <= 0.0) & inside
                if targets.any():
                    _fill_holes(first, targets, targets)
                    second = cv2.copyTo(first, targets.view(np.uint8), second)
                moved = variance_preserving_blend(
                    first, second, c2 / np.maximum(total, np.float32(1e-12)), window_px=options.contrast_window_px
                )
            frame = base.copy()
            crop = np.ascontiguousarray(frame[y0:y1, x0:x1])
            frame[y0:y1, x0:x1] = cv2.copyTo(to_uint8(moved) if as_uint8 else moved, inside_u8, crop)
            progress(t + 1, n)
            yield frame
