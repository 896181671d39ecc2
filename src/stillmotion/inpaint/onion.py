"""Onion-peel start of the patch backend's coarsest level: the hole is filled ring by ring from its rim
inwards (or, for a border, outwards), each ring copying the centre pixels of the patches that best match
what is already known.

Used where nothing sensible can be guessed in advance: outpainting a margin. A mirrored start copies
the mirror image (a figure near the edge reappears upside down in the sky), a smooth start draws the
search towards the blandest texture of the photo. Peeling compares every ring only with known and
already-filled pixels (the unfilled ones weigh nothing), so the margin grows as a continuation of what
borders it (Criminisi-style fill order, with a PatchMatch field instead of an exhaustive search).

Pure array function; the caller passes the level's embeddings as a callable of the current image.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from . import patchmatch as pm

_NEIGHBOURS = ((0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1))


def onion_peel(
    image: np.ndarray,
    hole: np.ndarray,
    exclude: np.ndarray,
    *,
    features: Callable[[np.ndarray, np.ndarray], np.ndarray],
    src_ok: np.ndarray,
    src_depth: np.ndarray,
    limit: np.ndarray,
    radius: int,
    bias: float,
    ring_px: int = 1,
    sweeps: int = 3,
    seed: int = 0,
    reach: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Fill ``hole`` ring by ring; returns ``(image, nnf)``: the field of each hole pixel points at the
    patch whose centre it copied (other pixels' entries are arbitrary allowed sources).

    ``image`` holds a rough guess inside the hole (e.g. a smooth fill) that only shapes the derivatives
    of the pixels beside it; ``ring_px`` is the thickness of one ring in pixels; ``reach`` > 0 limits the
    sources to that many pixels (each axis) from the target.
    """
    h, w = hole.shape
    current = image.astype(np.float32, copy=True)
    depth = cv2.distanceTransform(hole.astype(np.uint8), cv2.DIST_L2, 3)
    ring_of = np.ceil(depth / float(ring_px)).astype(np.int32)
    sources = np.argwhere(src_ok).astype(np.int32)
    nnf = pm.random_field(hole, sources, limit, src_depth, seed, src_ok, reach)
    filled = ~hole & ~exclude
    for k in range(1, int(ring_of.max(initial=0)) + 1):
        ring = hole & (ring_of == k)
        if not ring.any():
            continue
        weight = filled.astype(np.float32)
        feat = features(current, filled)
        cost = pm.field_cost(feat, weight, ring, src_ok, src_depth, limit, nnf, radius=radius, stride=1, bias=bias, reach=reach)
        if k > 1:  # also try continuing the field of the ring before (coherent growth)
            grown = _grow_field(nnf, ring, hole & (ring_of == k - 1))
            grown_cost = pm.field_cost(feat, weight, ring, src_ok, src_depth, limit, grown, radius=radius, stride=1,
                                       bias=bias, reach=reach)  # fmt: skip
            better = ring & (grown_cost < cost)
            nnf[better] = grown[better]
            cost[better] = grown_cost[better]
        pm.search(feat, weight, ring, src_ok, src_depth, limit, nnf, cost, radius=radius, stride=1, bias=bias,
                  iterations=sweeps, search_radius=max(h, w) // 2 if reach <= 0 else reach, seed=seed * 7919 + 101 * k,
                  reach=reach)  # fmt: skip
        ys, xs = np.nonzero(ring)
        current[ys, xs] = image[nnf[ys, xs, 0], nnf[ys, xs, 1]]
        filled |= ring
    return current, nnf


def _grow_field(nnf: np.ndarray, ring: np.ndarray, before: np.ndarray) -> np.ndarray:
    """A field for ``ring`` that continues a neighbouring ``before`` pixel's source, shifted by the step."""
    h, w = ring.shape
    grown = nnf.copy()
    done = np.zeros_like(ring)
    for dy, dx in _NEIGHBOURS:
        # the neighbour (y + dy, x + dx) of a ring pixel (y, x) lies in the ring before
        beside = np.zeros_like(ring)
        beside[max(0, -dy) : h - max(0, dy), max(0, -dx) : w - max(0, dx)] = before[
            max(0, dy) : h - max(0, -dy), max(0, dx) : w - max(0, -dx)
        ]
        take = ring & beside & ~done
        ys, xs = np.nonzero(take)
        grown[ys, xs, 0] = np.clip(nnf[ys + dy, xs + dx, 0] - dy, 0, h - 1)
        grown[ys, xs, 1] = np.clip(nnf[ys + dy, xs + dx, 1] - dx, 0, w - 1)
        done |= take
    return grown
