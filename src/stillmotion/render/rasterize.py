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


def row_spans(keep: np.ndarray) -> np.ndarray:
    """(H-1, 2) int32 first and last column of each triangle row's kept blocks (-1, -2 when none), so
    the rasteriser projects only the vertices a layer uses."""
    any_kept = keep > 0
    has = any_kept.any(axis=1)
    first = np.where(has, any_kept.argmax(axis=1), -1)
    last = np.where(has, keep.shape[1] - 1 - any_kept[:, ::-1].argmax(axis=1), -2)
    return np.stack([first, last], axis=1).astype(np.int32)


@njit(cache=True, nogil=True, fastmath=True)
def rasterize_grid(points, keep, spans, rot, trans, fx, fy, cx, cy, near, u_offset, wscale, wbuf, out_u, out_v):
    """Draw the grid mesh of ``points`` (H, W, 3 world coordinates) into the depth buffer.

    ``keep`` (H-1, W-1) uint8: bit 0 keeps the block's upper-left triangle (i,j),(i,j+1),(i+1,j), bit 1
    the lower-right one (i,j+1),(i+1,j+1),(i+1,j); ``spans`` from :func:`row_spans`. ``rot`` is
    camera_from_world's rotation (R^T), ``trans`` the camera centre. ``wbuf`` holds 1/z of the nearest
    surface so far (0 = nothing yet): nearer wins. ``u_offset`` is added to the recorded source u (layers
    share one atlas); ``wscale`` < 1 pushes a layer back so that the layers in front win ties.
    """
    height, width = points.shape[0], points.shape[1]
    height_out, width_out = wbuf.shape
    ax = np.empty(width, np.float32)
    ay = np.empty(width, np.float32)
    aw = np.empty(width, np.float32)
    bx = np.empty(width, np.float32)
    by = np.empty(width, np.float32)
    bw = np.empty(width, np.float32)
    projected = -1  # the row currently held in (bx, by, bw)
    for i in range(height - 1):
        j0 = spans[i, 0]
        j1 = spans[i, 1]
        if j1 < j0:
            continue
        # a row projected as the lower row of the previous blocks is reused: it was projected over the
        # union of both rows' spans
        if projected == i:
            ax, bx = bx, ax
            ay, by = by, ay
            aw, bw = bw, aw
        else:
            _project_row(points, i, rot, trans, fx, fy, cx, cy, near, ax, ay, aw, j0, j1 + 2)
        lo, hi = j0, j1 + 2
        if i + 1 < height - 1 and spans[i + 1, 1] >= spans[i + 1, 0]:
            lo = min(lo, spans[i + 1, 0])
            hi = max(hi, spans[i + 1, 1] + 2)
        _project_row(points, i + 1, rot, trans, fx, fy, cx, cy, near, bx, by, bw, lo, hi)
        projected = i + 1
        v0 = float(i)
        v1 = float(i + 1)
        for j in range(j0, j1 + 1):
            k = keep[i, j]
            if k == 0:
                continue
            x00, y00, w00 = ax[j], ay[j], aw[j]
            x01, y01, w01 = ax[j + 1], ay[j + 1], aw[j + 1]
            x10, y10, w10 = bx[j], by[j], bw[j]
            x11, y11, w11 = bx[j + 1], by[j + 1], bw[j + 1]
            if w00 <= 0.0 or w01 <= 0.0 or w10 <= 0.0 or w11 <= 0.0:
                continue  # crosses the near plane
            # the block's pixel box: most blocks hold one pixel centre or none
            xmin = max(0, int(math.ceil(min(min(x00, x01), min(x10, x11)) - SNAP)))
            xmax = min(width_out - 1, int(math.floor(max(max(x00, x01), max(x10, x11)) + SNAP)))
            if xmax < xmin:
                continue
            ymin = max(0, int(math.ceil(min(min(y00, y01), min(y10, y11)) - SNAP)))
            ymax = min(height_out - 1, int(math.floor(max(max(y00, y01), max(y10, y11)) + SNAP)))
            if ymax < ymin or xmax - xmin > MAX_TRIANGLE_PX or ymax - ymin > MAX_TRIANGLE_PX:
                continue
            u0 = float(j) + u_offset
            u1 = u0 + 1.0
            if k & 1:
                _triangle(x00, y00, w00, u0, v0, x01, y01, w01, u1, v0, x10, y10, w10, u0, v1,
                          xmin, xmax, ymin, ymax, wscale, wbuf, out_u, out_v)  # fmt: skip
            if k & 2:
                _triangle(x01, y01, w01, u1, v0, x11, y11, w11, u1, v1, x10, y10, w10, u0, v1,
                          xmin, xmax, ymin, ymax, wscale, wbuf, out_u, out_v)  # fmt: skip
