"""Depth-aware hole filling: which depth a revealed hole has, and which pixels it must not copy from.

A hole opened by a camera move lies behind a foreground edge: on one side the foreground that moved
over, on the other the background that continues underneath. Following 3D Photo Inpainting's idea of
filling from the background side of each depth edge:

1. :func:`background_depth` fills the hole's inverse depth from the background side: from each hole
   pixel, eight rays find the nearest known pixels; only those close to the farthest of them count
   (the background), averaged by inverse distance.
2. :func:`depth_constraints` marks the known foreground pixels around the hole (nearer than the
   background that borders it) as excluded, neither source nor context, and gives each hole pixel the
   largest inverse depth it may copy from, so texture comes only from surfaces at least as far.

Pure functions on arrays; inverse depth means larger = nearer.
"""

from __future__ import annotations


import cv2
import numba as nb
import numpy as np

_NONE = np.float32(-1e30)
_DIRECTIONS = np.array([(0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1)], np.int32)


@nb.njit(cache=True)
def _ray_hits(inv, hole, directions):
    """For every hole pixel and direction, the inverse depth and distance (in steps) of the first known
    pixel along the ray; distance 0 = the ray leaves the image first."""
    height, width = hole.shape
    n = directions.shape[0]
    value = np.zeros((n, height, width), np.float32)
    dist = np.zeros((n, height, width), np.int32)
    for k in range(n):
        dy = directions[k, 0]
        dx = directions[k, 1]
        # visit pixels so that p + d is finished before p
        for yi in range(height):
            y = (height - 1 - yi) if dy > 0 else yi
            for xi in range(width):
                x = (width - 1 - xi) if dx > 0 else xi
                if not hole[y, x]:
                    continue
                ny = y + dy
                nx = x + dx
                if ny < 0 or ny >= height or nx < 0 or nx >= width:
                    continue
                if not hole[ny, nx]:
                    value[k, y, x] = inv[ny, nx]
                    dist[k, y, x] = 1
                elif dist[k, ny, nx] > 0:
                    value[k, y, x] = value[k, ny, nx]
                    dist[k, y, x] = dist[k, ny, nx] + 1
    return value, dist


@nb.njit(cache=True)
def _combine(value, dist, hole, directions, share, tol_abs, smooth, filled, gap):
    height, width = hole.shape
    n = directions.shape[0]
    for y in range(height):
        for x in range(width):
            if not hole[y, x]:
                continue
            lo = np.inf
            hi = -np.inf
            for k in range(n):
                if dist[k, y, x] > 0:
                    v = value[k, y, x]
                    lo = min(lo, v)
                    hi = max(hi, v)
            if lo == np.inf:
                continue
            # one smooth surface around the hole: interpolate every side; a depth edge: the far side
            thr = hi if hi - lo <= smooth else lo + max(share * (hi - lo), tol_abs)
            acc = 0.0
            wsum = 0.0
            for k in range(n):
                d = dist[k, y, x]
                if d > 0 and value[k, y, x] <= thr:
                    length = d * (1.4142135 if directions[k, 0] != 0 and directions[k, 1] != 0 else 1.0)
                    w = 1.0 / length
                    acc += w * value[k, y, x]
                    wsum += w
            filled[y, x] = acc / wsum
            gap[y, x] = hi - lo


def background_depth(
    inverse_depth: np.ndarray, hole: np.ndarray, *, share: float = 0.25, smooth_share: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Fill the hole's inverse depth from its background side.

    Returns ``(filled, gap)``: the filled inverse depth (a new array; known pixels unchanged), and for
    each hole pixel the jump between the nearest and farthest surfaces around it (0 elsewhere).
    A ray hit counts as background when it is within ``share`` of that jump from the farthest one; when
    the jump is below ``smooth_share`` of the scene's inverse-depth range, every side counts (one smooth
    surface continues under the hole).
    """
    inv = np.ascontiguousarray(inverse_depth, dtype=np.float32)
    hole = np.ascontiguousarray(hole, dtype=np.bool_)
    known = inv[~hole]
    spread = float(np.percentile(known, 99) - np.percentile(known, 1)) if known.size else 1.0
    tol_abs = 0.01 * max(spread, 1e-6)
    value, dist = _ray_hits(inv, hole, _DIRECTIONS)
    filled = inv.copy()
    gap = np.zeros_like(inv)
    smooth = smooth_share * max(spread, 1e-6)
    _combine(value, dist, hole, _DIRECTIONS, np.float32(share), np.float32(tol_abs), np.float32(smooth), filled, gap)
    return filled, gap


def depth_constraints(
    inverse_depth: np.ndarray, hole: np.ndarray, *, reach_px: int = 12, share: float = 0.25
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Everything the depth-aware fill needs: ``(filled_depth, exclude, limit)``.

    ``filled_depth`` is :func:`background_depth`; ``limit`` (float32, per pixel) the largest inverse
    depth a hole pixel may copy from (its background depth plus a tolerance); ``exclude`` the known
    pixels within ``reach_px`` of the hole that are nearer than that limit: the foreground.
    """
    filled, gap = background_depth(inverse_depth, hole, share=share)
    known = filled[~hole]
    spread = float(np.percentile(known, 99) - np.percentile(known, 1)) if known.size else 1.0
    tolerance = np.maximum(share * gap, 0.02 * max(spread, 1e-6)).astype(np.float32)
    limit = np.where(hole, filled + tolerance, np.inf).astype(np.float32)
    return filled, foreground_near(filled, hole, limit, reach_px=reach_px), limit


def foreground_near(inverse_depth: np.ndarray, hole: np.ndarray, limit: np.ndarray, *, reach_px: int) -> np.ndarray:
    """Known pixels within ``reach_px`` of the hole that are nearer than the hole's limit there."""
    size = 2 * int(reach_px) + 1
    # cv2.dilate pads with -FLT_MAX, so "no hole nearby" is any value below the sentinel's half
    near_limit = cv2.dilate(np.where(hole, limit, _NONE).astype(np.float32), np.ones((size, size), np.uint8))
    return ~hole & (near_limit > _NONE / 2) & (inverse_depth > near_limit)


def nearer_than_closest_hole(inverse_depth: np.ndarray, hole: np.ndarray, limit: np.ndarray,
                             candidates: np.ndarray) -> np.ndarray:  # fmt: skip
    """The ``candidates`` outside the hole that are nearer than the ``limit`` of the hole pixel closest to
    them: foreground to the part of the hole they border. A candidate behind that limit is background
    there, whatever edge it is the near side of (the hill beside a hat, itself the near side of the
    hill's ridge against the sky)."""
    candidates = candidates & ~hole
    if not candidates.any():
        return candidates
    _, labels = cv2.distanceTransformWithLabels((~hole).astype(np.uint8), cv2.DIST_L2, 3,
                                                labelType=cv2.DIST_LABEL_PIXEL)  # fmt: skip
    # label n is the n-th hole pixel in raster order
    closest = np.empty(int(hole.sum()) + 1, np.float32)
    closest[0] = -np.inf
    closest[1:] = limit[hole]
    ys, xs = np.nonzero(candidates)
    out = np.zeros_like(candidates)
    out[ys, xs] = inverse_depth[ys, xs] > closest[labels[ys, xs]]
    return out


def from_inverse(inverse: np.ndarray, kind) -> np.ndarray:
    """Inverse depth (larger = nearer) back to a depth map of ``kind``: the inverse of
    :func:`stillmotion.depth.pipeline.as_inverse`."""
    from ..types import DepthKind

    kind = DepthKind.parse(kind)
    if kind == DepthKind.METRIC:
        return np.where(inverse > 0, 1.0 / np.maximum(inverse, 1e-12), 0.0).astype(np.float32)
    return inverse.astype(np.float32)


__all__ = ["background_depth", "depth_constraints", "from_inverse", "nearer_than_closest_hole"]
