"""Depth-buffered rasterisation of a photo's pixel-grid mesh, in numba.

The scene is a grid mesh: one vertex per source pixel (a 3-D point), two triangles per 2x2 block of
pixels. Triangles that span a depth discontinuity are left out (``keep``), so the surface tears at
depth edges instead of stretching into a rubber sheet. For every output pixel the nearest triangle wins
(z-buffer) and we record *where in the source* that pixel comes from (u, v); the colour is looked up
afterwards with one bilinear ``cv2.remap``. Shared triangle edges are inclusive on both sides, so
surfaces have no cracks.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: Triangles whose screen bounding box is wider than this (pixels) are dropped as degenerate.
MAX_TRIANGLE_PX = 256
#: Pixel centres this close outside a block still count as inside (rounding of projected vertices).
SNAP = 1e-3


@njit(cache=True, nogil=True, fastmath=True)
def _project_row(points, i, rot, trans, fx, fy, cx, cy, near, out_x, out_y, out_w, j0, j1):
    """Project row ``i`` (columns j0..j1-1): pixel position and w = 1/z (w = -1 behind the near plane)."""
    for j in range(j0, min(j1, points.shape[1])):
        px = points[i, j, 0] - trans[0]
        py = points[i, j, 1] - trans[1]
        pz = points[i, j, 2] - trans[2]
        # camera_from_world = R^T (p - t); rot holds R^T
        xc = rot[0, 0] * px + rot[0, 1] * py + rot[0, 2] * pz
        yc = rot[1, 0] * px + rot[1, 1] * py + rot[1, 2] * pz
        zc = rot[2, 0] * px + rot[2, 1] * py + rot[2, 2] * pz
        if zc > near:
            inv = 1.0 / zc
            out_x[j] = fx * xc * inv + cx
            out_y[j] = fy * yc * inv + cy
            out_w[j] = inv
        else:
            out_x[j] = 0.0
            out_y[j] = 0.0
            out_w[j] = -1.0


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _triangle(x0, y0, w0, u0, v0, x1, y1, w1, u1, v1, x2, y2, w2, u2, v2, xmin, xmax, ymin, ymax, wscale,
              wbuf, out_u, out_v):
    """Fill the pixel centres of one triangle inside the given pixel box.

    Depth is tested on w = 1/z (affine in screen space; larger = nearer). The source coordinates are
    interpolated affinely: triangles span about one output pixel, where perspective correction changes
    nothing visible.
    """
    area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)
    if area > -1e-9 and area < 1e-9:
        return
    inv_area = 1.0 / area
    eps = -1e-5
    for py in range(ymin, ymax + 1):
        fy = float(py)
        for px in range(xmin, xmax + 1):
            fx = float(px)
            b0 = ((x1 - fx) * (y2 - fy) - (x2 - fx) * (y1 - fy)) * inv_area
            b1 = ((x2 - fx) * (y0 - fy) - (x0 - fx) * (y2 - fy)) * inv_area
            b2 = 1.0 - b0 - b1
            if b0 < eps or b1 < eps or b2 < eps:
                continue
            w = (b0 * w0 + b1 * w1 + b2 * w2) * wscale
            if w > wbuf[py, px]:
                wbuf[py, px] = w
                out_u[py, px] = b0 * u0 + b1 * u1 + b2 * u2
                out_v[py, px] = b0 * v0 + b1 * v1 + b2 * v2


def merge_flat_blocks(q: np.ndarray, keep: np.ndarray, *, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Find 2x2-block regions of the grid flat enough to draw as two triangles instead of eight.

    A block (vertex rows 2bi..2bi+2, columns 2bj..2bj+2) merges when none of its triangles is torn and the
    inverse depth of its five inner vertices departs from the corners' interpolation by at most
    ``tolerance``. Returns (merged (Hb, Wb) uint8, q with the merged blocks' edge midpoints moved onto
    the corners' straight edges, so that neighbouring unmerged blocks share exactly the same edges: no
    T-junction cracks). Inverse depth is affine in screen space along a 3-D line, so the midpoint of a
    3-D edge seen from the photo's camera has the mean inverse depth of its ends.
    """
    hq, wq = keep.shape
    hb, wb = hq // 2, wq // 2
    q = q.astype(np.float32, copy=True)
    if hb == 0 or wb == 0:
        return np.zeros((hb, wb), np.uint8), q
    c00 = q[0 : 2 * hb : 2, 0 : 2 * wb : 2]
    c02 = q[0 : 2 * hb : 2, 2 : 2 * wb + 1 : 2]
    c20 = q[2 : 2 * hb + 1 : 2, 0 : 2 * wb : 2]
    c22 = q[2 : 2 * hb + 1 : 2, 2 : 2 * wb + 1 : 2]
    top = 0.5 * (c00 + c02)
    bottom = 0.5 * (c20 + c22)
    left = 0.5 * (c00 + c20)
    right = 0.5 * (c02 + c22)
    centre = 0.25 * (c00 + c02 + c20 + c22)
    dev = np.abs(q[0 : 2 * hb : 2, 1 : 2 * wb : 2] - top)
    dev = np.maximum(dev, np.abs(q[2 : 2 * hb + 1 : 2, 1 : 2 * wb : 2] - bottom))
    dev = np.maximum(dev, np.abs(q[1 : 2 * hb : 2, 0 : 2 * wb : 2] - left))
    dev = np.maximum(dev, np.abs(q[1 : 2 * hb : 2, 2 : 2 * wb + 1 : 2] - right))
    dev = np.maximum(dev, np.abs(q[1 : 2 * hb : 2, 1 : 2 * wb : 2] - centre))
    whole = keep[: 2 * hb, : 2 * wb].reshape(hb, 2, wb, 2).min(axis=(1, 3)) == 3
    merged = whole & (dev <= tolerance)
    # move the merged blocks' edge midpoints onto their straight edges
    view_top = q[0 : 2 * hb : 2, 1 : 2 * wb : 2]
    view_top[merged] = top[merged]
    view_bottom = q[2 : 2 * hb + 1 : 2, 1 : 2 * wb : 2]
    view_bottom[merged] = bottom[merged]
    view_left = q[1 : 2 * hb : 2, 0 : 2 * wb : 2]
    view_left[merged] = left[merged]
    view_right = q[1 : 2 * hb : 2, 2 : 2 * wb + 1 : 2]
    view_right[merged] = right[merged]
    return merged.astype(np.uint8), q


def vertex_spans(keep: np.ndarray) -> np.ndarray:
    """(H, 2) int32 first and last vertex column each vertex row needs (-1, -2 when none), so the
    rasteriser projects only the vertices a layer uses. Blocks are two quads wide: spans are widened
    to whole blocks."""
    any_kept = keep > 0
    has = any_kept.any(axis=1)
    first = np.where(has, any_kept.argmax(axis=1), keep.shape[1] + 1)
    last = np.where(has, keep.shape[1] - 1 - any_kept[:, ::-1].argmax(axis=1), -1)
    first = (first // 2) * 2  # whole blocks
    last = np.minimum((last // 2) * 2 + 2, keep.shape[1])  # the block's right vertex column
    last = np.where(has, last, -1)
    hq = keep.shape[0]
    lo = np.full(hq + 1, keep.shape[1] + 1, np.int64)
    hi = np.full(hq + 1, -1, np.int64)
    # vertex row r serves quad rows r-1 and r; blocks span quad rows 2b and 2b+1 (vertex rows 2b..2b+2)
    block_first = np.minimum(first[0::2], np.append(first[1::2], keep.shape[1] + 1)[: len(first[0::2])])
    block_last = np.maximum(last[0::2], np.append(last[1::2], -1)[: len(last[0::2])])
    for offset in range(3):
        rows = np.arange(len(block_first)) * 2 + offset
        ok = rows <= hq
        np.minimum.at(lo, rows[ok], block_first[ok])
        np.maximum.at(hi, rows[ok], block_last[ok])
    lo = np.where(hi >= 0, lo, -1)
    hi = np.where(hi >= 0, hi, -2)
    return np.stack([lo, hi], axis=1).astype(np.int32)


@njit(cache=True, nogil=True, fastmath=True)
def _quad(xa, ya, wa, xb, yb, wb, xc, yc, wc, xd, yd, wd, u0, v0, u1, v1, k, wscale, wbuf, out_u, out_v):
    """Draw the quad a=(u0,v0) b=(u1,v0) c=(u0,v1) d=(u1,v1); bit 0 of k: triangle abc, bit 1: bdc."""
    if wa <= 0.0 or wb <= 0.0 or wc <= 0.0 or wd <= 0.0:
        return  # crosses the near plane
    height_out, width_out = wbuf.shape
    xmin = max(0, int(math.ceil(min(min(xa, xb), min(xc, xd)) - SNAP)))
    xmax = min(width_out - 1, int(math.floor(max(max(xa, xb), max(xc, xd)) + SNAP)))
    if xmax < xmin:
        return
    ymin = max(0, int(math.ceil(min(min(ya, yb), min(yc, yd)) - SNAP)))
    ymax = min(height_out - 1, int(math.floor(max(max(ya, yb), max(yc, yd)) + SNAP)))
    if ymax < ymin or xmax - xmin > MAX_TRIANGLE_PX or ymax - ymin > MAX_TRIANGLE_PX:
        return
    if k & 1:
        _triangle(xa, ya, wa, u0, v0, xb, yb, wb, u1, v0, xc, yc, wc, u0, v1,
                  xmin, xmax, ymin, ymax, wscale, wbuf, out_u, out_v)  # fmt: skip
    if k & 2:
        _triangle(xb, yb, wb, u1, v0, xd, yd, wd, u1, v1, xc, yc, wc, u0, v1,
                  xmin, xmax, ymin, ymax, wscale, wbuf, out_u, out_v)  # fmt: skip


@njit(cache=True, nogil=True, fastmath=True)
def rasterize_grid(points, keep, merged, spans, rot, trans, fx, fy, cx, cy, near, u_offset, wscale, wbuf, out_u,
                   out_v):  # fmt: skip
    """Draw the grid mesh of ``points`` (H, W, 3 world coordinates) into the depth buffer.

    ``keep`` (H-1, W-1) uint8: bit 0 keeps the block's upper-left triangle (i,j),(i,j+1),(i+1,j), bit 1
    the lower-right one (i,j+1),(i+1,j+1),(i+1,j). ``merged`` ((H-1)//2, (W-1)//2) uint8 marks flat 2x2
    blocks drawn as two triangles (:func:`merge_flat_blocks`); ``spans`` from :func:`vertex_spans`.
    ``rot`` is camera_from_world's rotation (R^T), ``trans`` the camera centre. ``wbuf`` holds 1/z of the
    nearest surface so far (0 = nothing yet): nearer wins. ``u_offset`` is added to the recorded source u
    (layers share one atlas); ``wscale`` < 1 pushes a layer back so that the layers in front win ties.
    """
    height, width = points.shape[0], points.shape[1]
    hq, wq = height - 1, width - 1
    hb, wb = merged.shape
    rx = np.empty((3, width), np.float32)
    ry = np.empty((3, width), np.float32)
    rw = np.empty((3, width), np.float32)
    for bi in range((hq + 1) // 2):
        i = 2 * bi
        last_row = min(i + 2, height - 1)
        if spans[i, 1] < spans[i, 0] and spans[last_row, 1] < spans[last_row, 0]:
            continue
        for r in range(3):
            if i + r < height and spans[i + r, 1] >= spans[i + r, 0]:
                _project_row(points, i + r, rot, trans, fx, fy, cx, cy, near, rx[r], ry[r], rw[r],
                             spans[i + r, 0], spans[i + r, 1] + 1)  # fmt: skip
        j0 = max(0, spans[i, 0])
        j1 = spans[i, 1]
        for bj in range(j0 // 2, (j1 + 1) // 2 + 1):
            j = 2 * bj
            if j >= wq:
                break
            if bi < hb and bj < wb and merged[bi, bj]:
                _quad(rx[0, j], ry[0, j], rw[0, j], rx[0, j + 2], ry[0, j + 2], rw[0, j + 2],
                      rx[2, j], ry[2, j], rw[2, j], rx[2, j + 2], ry[2, j + 2], rw[2, j + 2],
                      float(j) + u_offset, float(i), float(j + 2) + u_offset, float(i + 2), 3,
                      wscale, wbuf, out_u, out_v)  # fmt: skip
                continue
            for di in range(2):
                ii = i + di
                if ii >= hq:
                    break
                for dj in range(2):
                    jj = j + dj
                    if jj >= wq:
                        break
                    k = keep[ii, jj]
                    if k == 0:
                        continue
                    _quad(rx[di, jj], ry[di, jj], rw[di, jj], rx[di, jj + 1], ry[di, jj + 1], rw[di, jj + 1],
                          rx[di + 1, jj], ry[di + 1, jj], rw[di + 1, jj],
                          rx[di + 1, jj + 1], ry[di + 1, jj + 1], rw[di + 1, jj + 1],
                          float(jj) + u_offset, float(ii), float(jj + 1) + u_offset, float(ii + 1), k,
                          wscale, wbuf, out_u, out_v)  # fmt: skip
