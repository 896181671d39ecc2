"""The draw list of a photo's pixel-grid mesh: flat regions become a few large quads (a quadtree).

The mesh has one vertex per source pixel. Drawing every 1x1 quad of a 1080p photo means four million
tiny triangles a frame, yet most of a photo's depth is smooth: wherever the inverse depth of a square
block departs from the plane through its corners by at most ``tolerance`` (a fraction of a pixel of
parallax over the shot), the block is drawn as one quad of two triangles. Blocks merge hierarchically (2x2 blocks of
merged 2x2 blocks, ...) up to ``2**max_level`` pixels a side, as in a restricted quadtree.

A merged block's edge runs straight from corner to corner, while the smaller quads beside it share only
part of that edge: their vertices on it are moved onto the straight edge (coarsest blocks first), so
neighbours meet without T-junction cracks. Inverse depth is affine in screen space along a 3-D line, so a
vertex whose inverse depth is interpolated along the edge lies exactly on the 3-D edge, and stays on it
from every viewpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

#: Merged blocks are at most 2**MAX_LEVEL source pixels a side.
MAX_LEVEL = 4


@dataclass(frozen=True)
class Mesh:
    """What the rasteriser draws (see :func:`stillmotion.render.rasterize.rasterize_mesh`)."""

    quads: np.ndarray  # (n, 4) int32: top row, left column, size in pixels, triangle bits
    vertices: np.ndarray  # (m,) int32 flat indices (row * width + column) of the vertices the quads use
    #: (n, 4) int32: each quad's corners (i, j), (i, j + s), (i + s, j), (i + s, j + s) as positions in
    #: ``vertices``, so that the rasteriser reads the few vertices it draws side by side
    corners: np.ndarray

    def gather(self, grid: np.ndarray) -> np.ndarray:
        """The entries of ``grid`` (H, W, C), one per pixel of the mesh's grid, at ``vertices``: (m, C)."""
        return np.ascontiguousarray(grid.reshape(-1, grid.shape[-1])[self.vertices])


@njit(cache=True, nogil=True)
def _flat_blocks(q, child, size, tolerance):  # pragma: no cover - numba
    """Blocks of ``size`` x ``size`` quads whose four children are whole (``child``) and whose vertices lie
    within ``tolerance`` of the two triangles through the block's corners (the quad that will be drawn)."""
    hb, wb = child.shape[0] // 2, child.shape[1] // 2
    out = np.zeros((hb, wb), np.uint8)
    inv = 1.0 / size
    for bi in range(hb):
        for bj in range(wb):
            ci, cj = 2 * bi, 2 * bj
            if not (child[ci, cj] and child[ci, cj + 1] and child[ci + 1, cj] and child[ci + 1, cj + 1]):
                continue
            i0, j0 = bi * size, bj * size
            a = q[i0, j0]
            b = q[i0, j0 + size]
            c = q[i0 + size, j0]
            d = q[i0 + size, j0 + size]
            ok = True
            for r in range(size + 1):
                fy = r * inv
                for s in range(size + 1):
                    fx = s * inv
                    if fx + fy <= 1.0:  # triangle a, b, c
                        plane = a + fx * (b - a) + fy * (c - a)
                    else:  # triangle b, d, c
                        plane = d + (1.0 - fx) * (c - d) + (1.0 - fy) * (b - d)
                    if abs(q[i0 + r, j0 + s] - plane) > tolerance:
                        ok = False
                        break
                if not ok:
                    break
            if ok:
                out[bi, bj] = 1
    return out


@njit(cache=True, nogil=True)
def _straighten_edges(q, leaf, size):  # pragma: no cover - numba
    """Move the inner vertices of each ``leaf`` block's four edges onto the straight corner-to-corner
    edge (linear inverse depth along it)."""
    inv = 1.0 / size
    for bi in range(leaf.shape[0]):
        for bj in range(leaf.shape[1]):
            if not leaf[bi, bj]:
                continue
            i0, j0 = bi * size, bj * size
            i1, j1 = i0 + size, j0 + size
            a, b, c, d = q[i0, j0], q[i0, j1], q[i1, j0], q[i1, j1]
            for t in range(1, size):
                f = t * inv
                q[i0, j0 + t] = a + f * (b - a)
                q[i1, j0 + t] = c + f * (d - c)
                q[i0 + t, j0] = a + f * (c - a)
                q[i0 + t, j1] = b + f * (d - b)


@njit(cache=True, nogil=True, inline="always")
def _push(quads, n, used, i, j, size, k):
    """Append quad (i, j, size, k) to the draw list and mark its corners used; returns the new length."""
    quads[n, 0], quads[n, 1], quads[n, 2], quads[n, 3] = i, j, size, k
    used[i, j] = used[i, j + size] = used[i + size, j] = used[i + size, j + size] = 1
    return n + 1


@njit(cache=True, nogil=True)
def _emit(keep, levels, top, quads, used):  # pragma: no cover - numba
    """Write the draw list: the coarsest merged block that covers each place, else its 1x1 quads.
    Top-level tiles are visited row by row and each is walked depth first, so consecutive quads are near
    each other on screen. Returns the number of quads written."""
    hq, wq = keep.shape
    n = 0
    stack = np.empty((4 * (top + 2), 3), np.int64)
    tile = 1 << top
    th, tw = hq // tile, wq // tile
    for ti in range(th):
        for tj in range(tw):
            stack[0, 0], stack[0, 1], stack[0, 2] = top, ti, tj
            depth = 1
            while depth > 0:
                depth -= 1
                level, bi, bj = stack[depth, 0], stack[depth, 1], stack[depth, 2]
                size = 1 << level
                i, j = bi * size, bj * size
                if level == 0:
                    if keep[i, j]:
                        n = _push(quads, n, used, i, j, 1, keep[i, j])
                elif levels[level - 1][bi, bj]:
                    n = _push(quads, n, used, i, j, size, 3)
                else:
                    for ci in range(1, -1, -1):  # pushed in reverse: popped top-left first
                        for cj in range(1, -1, -1):
                            stack[depth, 0], stack[depth, 1], stack[depth, 2] = level - 1, 2 * bi + ci, 2 * bj + cj
                            depth += 1
    # the strips right of and below the whole tiles, quad by quad
    for i in range(hq):
        for j in range(tw * tile if i < th * tile else 0, wq):
            if keep[i, j]:
                n = _push(quads, n, used, i, j, 1, keep[i, j])
    return n


def build_mesh(q: np.ndarray, keep: np.ndarray, *, tolerance: float,
               max_level: int = MAX_LEVEL) -> tuple[np.ndarray, Mesh]:  # fmt: skip
    """The draw list for the grid mesh of inverse depth ``q`` (H, W) whose 1x1 quads keep the triangles
    ``keep`` (H-1, W-1) uint8 (bit 0: upper-left triangle, bit 1: lower-right; 0 = torn away).

    Returns (q with the merged blocks' edge vertices moved onto their straight edges, the mesh). Torn
    quads never merge, so tears stay exactly where ``keep`` puts them.
    """
    q_mesh = np.array(q, dtype=np.float32, copy=True)
    keep = np.ascontiguousarray(keep, dtype=np.uint8)
    hq, wq = keep.shape
    levels = []  # levels[L - 1]: merged blocks of 2**L quads a side
    child = (keep == 3).astype(np.uint8)
    for level in range(1, max_level + 1):
        if child.shape[0] < 2 or child.shape[1] < 2:
            break
        child = _flat_blocks(q_mesh, child, 1 << level, np.float32(tolerance))
        levels.append(child)
    top = len(levels)
    # a merged block is drawn (a leaf) unless a block above it is merged; straighten coarsest first
    inside = None  # blocks of the level being visited that lie inside a merged block above
    for level in range(top, 0, -1):
        merged = levels[level - 1]
        covered = np.zeros_like(merged)
        if inside is not None:
            covered[: 2 * inside.shape[0], : 2 * inside.shape[1]] = np.repeat(np.repeat(inside, 2, 0), 2, 1)
        leaf = merged & (1 - covered)
        inside = merged | covered  # for the level below: merged here or inside a block above
        levels[level - 1] = leaf  # from here on: the blocks drawn at this level
        _straighten_edges(q_mesh, leaf, 1 << level)
    quads = np.empty((hq * wq, 4), np.int32)
    used = np.zeros(q.shape, np.uint8)
    typed_levels = tuple(levels) if levels else (np.zeros((0, 0), np.uint8),)
    n = _emit(keep, typed_levels, top, quads, used)
    vertices = np.flatnonzero(used).astype(np.int32)
    quads = np.ascontiguousarray(quads[:n])
    return q_mesh, Mesh(quads, vertices, _corners(quads, used))


def _corners(quads: np.ndarray, used: np.ndarray) -> np.ndarray:
    """Each quad's four corners as positions among the ``used`` vertices (in flat order)."""
    width = used.shape[1]
    position = np.cumsum(used.ravel(), dtype=np.int32) - 1
    i, j, s = (quads[:, c].astype(np.int64) for c in range(3))
    a = i * width + j
    return position[np.stack([a, a + s, a + s * width, a + s * width + s], axis=1)]
