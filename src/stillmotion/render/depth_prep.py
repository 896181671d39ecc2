"""Turn a :class:`~stillmotion.types.Depth` into the renderer's scene depth.

The renderer works with ``z`` (distance along the optical axis) and its inverse ``q = 1/z``:
- disparity d (pixels, baseline 1): ``z = focal_px / d``; metric: ``z`` as given;
- relative inverse depth (unknown scale and shift): normalised robustly so that the nearest surfaces
  sit at z = 1 and the farthest at z = 1 / FAR_Q.
Unknown values are filled from the farther (background) side, never left at infinity.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..types import Depth, DepthKind

#: Inverse depth of the farthest surface of a relative depth map (nearest = 1): a 1:8 depth range.
FAR_Q = 0.125


def fill_from_background(q: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Fill ``q`` (inverse depth) where not ``valid`` with the farthest value bordering each unknown region.

    Unknown pixels are usually occlusions, background uncovered beside a nearer object, so the farther
    side is the right guess. The minimum is spread through the unknown pixels until it settles.
    """
    if valid.all():
        return q
    big = np.float32(np.finfo(np.float32).max)
    work = np.where(valid, q, big).astype(np.float32)
    unknown = ~valid
    kernel = np.ones((3, 3), np.uint8)
    for _ in range(2 * sum(q.shape)):
        grown = cv2.erode(work, kernel)
        changed = unknown & (grown < work)
        if not changed.any():
            break
        work[changed] = grown[changed]
    work[work >= big] = np.min(q[valid]) if valid.any() else 1.0
    return work


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
    """Scene inverse depth ``q = 1/z`` (float32, all finite and > 0) for the photo's camera."""
    values = depth.values.astype(np.float32)
    valid = depth.valid if depth.valid is not None else np.isfinite(values)
    if depth.kind == DepthKind.DISPARITY:
        q = np.where(valid, values, 0.0) / np.float32(focal_px)
        valid = valid & (q > 0)
    elif depth.kind == DepthKind.METRIC:
        valid = valid & (values > 0)
        q = np.where(valid, 1.0 / np.where(valid, values, 1.0), 0.0).astype(np.float32)
    else:
        known = values[valid]
        lo, hi = np.percentile(known, [0.5, 99.5])
        if hi - lo <= 1e-9:
            lo, hi = float(known.min()), float(known.max()) + 1e-6
        norm = np.clip((values - lo) / (hi - lo), 0.0, 1.0)
        q = (FAR_Q + (1.0 - FAR_Q) * norm).astype(np.float32)
    q = fill_from_background(q.astype(np.float32), valid)
    return np.maximum(q, np.float32(1e-6))


def sharpen_depth_edges(q: np.ndarray, *, radius: int = 2, threshold: float = 0.04) -> np.ndarray:
    """Snap the soft ramps that estimators leave at depth edges onto the near or far side.

    Where the inverse depth varies by more than ``threshold`` (relative) inside a (2r+1)^2 window, each
    pixel takes the window's nearest or farthest value, whichever it is closer to: the ramp becomes a
    step the renderer can tear, so silhouettes stay crisp instead of smearing.
    """
    kernel = np.ones((2 * radius + 1, 2 * radius + 1), np.uint8)
    hi = cv2.dilate(q, kernel)
    lo = cv2.erode(q, kernel)
    edge = (hi - lo) > threshold * hi
    snapped = np.where(q - lo < hi - q, lo, hi)
    return np.where(edge, snapped, q).astype(np.float32)
