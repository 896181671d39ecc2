"""Turn a :class:`~stillmotion.types.Depth` into the renderer's scene depth.

The renderer works with ``z`` (distance along the optical axis) and its inverse ``q = 1/z``:
- disparity d (pixels, baseline 1): ``z = focal_px / d``; metric: ``z`` as given;
- relative inverse depth (unknown scale and shift): normalised robustly so that the nearest surfaces
  sit at z = 1 and the farthest at z = 1 / FAR_Q.
Unknown values are filled from the farther (background) side, never left at infinity.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ..io.depth_fill import fill_invalid
from ..types import Depth, DepthKind

#: Inverse depth of the farthest surface of a relative depth map (nearest = 1): a 1:8 depth range.
FAR_Q = 0.125
#: Pixels sampled (on a regular grid) for the robust range of a relative depth map.
PERCENTILE_SAMPLES = 500_000
#: Absolute depth (disparity, metric): no pixel is taken nearer than this times the 99.9th percentile of the
#: inverse depth (isolated spikes of a sensor map would otherwise set the whole shot's scale).
SPIKE_FACTOR = 1.5


def grow_fill(q: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Fill unknown pixels of ``q`` from the nearest known ones (growing one pixel per step; where fronts
    arrive together the farther value wins): a local extension of the surrounding surfaces."""
    big = np.float32(np.finfo(np.float32).max)
    work = np.where(known, q, big).astype(np.float32)
    unknown = ~known
    kernel = np.ones((3, 3), np.uint8)
    for _ in range(sum(q.shape)):
        if not unknown.any():
            break
        grown = cv2.erode(work, kernel)
        arrived = unknown & (grown < big)
        if not arrived.any():
            break
        work[arrived] = grown[arrived]
        unknown &= ~arrived
    work[unknown] = float(q[known].min()) if known.any() else 1.0
    return work


def inverse_depth(depth: Depth, *, focal_px: float) -> np.ndarray:
    """Scene inverse depth ``q = 1/z`` (float32, all finite and > 0) for the photo's camera.
    Unknown values are first filled from the farther side (:func:`stillmotion.io.fill_invalid`)."""
    values = fill_invalid(depth).values.astype(np.float32)
    step = max(1, int(math.sqrt(values.size / PERCENTILE_SAMPLES)))
    if depth.kind in (DepthKind.DISPARITY, DepthKind.METRIC):
        if depth.kind == DepthKind.DISPARITY:
            q = values / np.float32(focal_px)
        else:
            q = 1.0 / np.maximum(values, np.float32(1e-12))
        # a few spikes (sensor noise in a phone or LiDAR map: 9 pixels at 1 cm before a scene at 1-20 m)
        # set the path's clearance and the parallax: nothing may be nearer than SPIKE_FACTOR times the
        # nearest 0.1 % of the photo
        limit = SPIKE_FACTOR * float(np.percentile(q[::step, ::step], 99.9))
        if limit > 0:
            np.minimum(q, np.float32(limit), out=q)
    else:
        # the range from a regular subsample of at most ~0.5 Mpx: the same percentiles to a fraction of a
        # per cent of the range, at a quarter of the cost for 1080p (~30 ms of the shot's set-up)
        lo, hi = (float(v) for v in np.percentile(values[::step, ::step], [0.5, 99.5]))
        if hi - lo <= 1e-9:
            lo, hi = float(values.min()), float(values.max()) + 1e-6
        # in place on the copy above, in float32 (Python floats keep it so): ~20 ms for a 1080p map
        # instead of ~110 ms through float64 temporaries
        q = values
        q -= np.float32(lo)
        q *= np.float32((1.0 - FAR_Q) / (hi - lo))
        np.clip(q, 0.0, 1.0 - FAR_Q, out=q)
        q += np.float32(FAR_Q)
    return np.maximum(q.astype(np.float32, copy=False), np.float32(1e-6))


def sharpen_depth_edges(q: np.ndarray, *, radius: int | None = None, threshold: float = 0.04,
                        image: np.ndarray | None = None) -> np.ndarray:
    """Snap the soft ramps that estimators leave at depth edges onto the near or far side.

    Where the inverse depth varies by more than ``threshold`` (relative) inside a (2r+1)^2 window, and
    that is most of its variation in a window three times as wide (a narrow ramp), each pixel takes the
    window's nearest or farthest value: the ramp becomes a step the renderer can tear, so silhouettes
    stay crisp instead of smearing. Wide ramps (a blurred rim) are left alone: snapping them in small
    windows would cut them into a staircase of small steps, each torn into a sliver.

    Without ``image`` a pixel goes to whichever value it is closer to. With the photo (float32 RGB, same
    size), it goes to the side whose colour it resembles: an estimated depth edge often sits a pixel or
    two off the colour edge, and pixels of the subject left on the far side stay behind on the
    background as specks when the camera moves.

    ``radius`` defaults to 1 pixel per 800 of the map's long side (at least 1).
    """
    if radius is None:
        radius = max(1, round(max(q.shape[:2]) / 800))
    kernel = np.ones((2 * radius + 1, 2 * radius + 1), np.uint8)
    hi = cv2.dilate(q, kernel)
    lo = cv2.erode(q, kernel)
    wide = np.ones((6 * radius + 3,) * 2, np.uint8)
    narrow = (hi - lo) >= NARROW_RAMP * (cv2.dilate(q, wide) - cv2.erode(q, wide))
    edge = ((hi - lo) > threshold * hi) & narrow
    near = q - lo >= hi - q
    if image is not None and edge.any():
        near = _nearer_by_colour(image, q, near, edge, radius=radius)
    snapped = np.where(near, hi, lo)
    return np.where(edge, snapped, q).astype(np.float32)


#: A ramp is narrow when its (2r+1)^2 window holds at least this share of the range of a window three
#: times as wide.
NARROW_RAMP = 0.75

#: Colour snapping decides only where the near and far sides differ by more than this (RGB distance
#: in [0, 1] units); elsewhere the depth value decides.
SNAP_MIN_CONTRAST = 0.08


def _nearer_by_colour(image: np.ndarray, q: np.ndarray, near: np.ndarray, edge: np.ndarray, *,
                      radius: int) -> np.ndarray:
    """``near`` with the ``edge`` pixels reassigned to the side of the edge whose mean colour, within
    (2 R + 1)^2 pixels (R = 2 radius + 1), is closer to their own. The sides are split at the middle of
    the inverse depth's range over a window wide enough to span the edge from every pixel of that area.
    The window sums are unnormalised box filters (float32 is exact enough for a sum of a few hundred pixels),
    read at the edge pixels."""
    reach = 2 * radius + 1
    wide = np.ones((2 * (reach + radius) + 1,) * 2, np.uint8)
    side = (q >= 0.5 * (cv2.dilate(q, wide) + cv2.erode(q, wide))).astype(np.float32)
    img = np.asarray(image, np.float32)
    ys, xs = np.nonzero(edge)
    h, w = q.shape
    # each window clipped at the photo's border: box sums with zeros outside, and the in-photo pixel count
    y0, y1 = np.maximum(ys - reach, 0), np.minimum(ys + reach + 1, h)
    x0, x1 = np.maximum(xs - reach, 0), np.minimum(xs + reach + 1, w)
    size = (2 * reach + 1, 2 * reach + 1)

    def window_sum(values: np.ndarray) -> np.ndarray:
        total = cv2.boxFilter(values, -1, size, normalize=False, borderType=cv2.BORDER_CONSTANT)
        return total[ys, xs].astype(np.float64)

    count_n = window_sum(side)
    count_f = (y1 - y0) * (x1 - x0) - count_n
    sum_n = window_sum(img * side[:, :, None])
    sum_f = window_sum(img) - sum_n
    mean_n = sum_n / np.maximum(count_n, 1.0)[:, None]
    mean_f = sum_f / np.maximum(count_f, 1.0)[:, None]
    own = img[ys, xs]
    d_n = ((own - mean_n) ** 2).sum(axis=1)
    d_f = ((own - mean_f) ** 2).sum(axis=1)
    contrast = ((mean_n - mean_f) ** 2).sum(axis=1)
    decide = (count_n > 0) & (count_f > 0) & (contrast > SNAP_MIN_CONTRAST**2)
    out = near.copy()
    out[ys[decide], xs[decide]] = d_n[decide] < d_f[decide]
    return out


#: Ripples are smoothed by at most this many times the merge tolerance (see :func:`smooth_ripples`).
RIPPLE_CLIP = 2.0


def smooth_ripples(q: np.ndarray, *, tolerance: float) -> np.ndarray:
    """Flatten the fine ripples that monocular estimates copy from texture into depth, changing no pixel
    by more than ``RIPPLE_CLIP * tolerance``.

    ``tolerance`` is the inverse-depth error the mesh may make (a fraction of a pixel of parallax over the
    shot). A bilateral filter whose range is a few tolerances smooths ripples of that size and leaves real
    steps alone; clipping the change keeps every surface within a pixel of where the depth put it. A
    ground plane then stops swimming with its texture as the camera moves, and its flat blocks can be
    drawn as large quads (half the triangles at 1080p).
    """
    q = np.ascontiguousarray(q, dtype=np.float32)
    limit = np.float32(RIPPLE_CLIP * tolerance)
    smoothed = cv2.bilateralFilter(q, 7, float(4.0 * tolerance), 2.0)
    return (q + np.clip(smoothed - q, -limit, limit)).astype(np.float32)
