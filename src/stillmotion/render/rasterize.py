"""Depth-buffered rasterisation of a photo's mesh, in numba.

The scene is a grid mesh: one vertex per source pixel (a 3-D point), drawn from a list of quads
(:mod:`stillmotion.render.mesh`): 1x1 quads where the depth is uneven, larger ones where it is flat.
Triangles that span a depth discontinuity were left out of the list, so the surface tears at depth edges
instead of stretching into a rubber sheet. For every output pixel the nearest triangle wins (z-buffer)
and we record *where in the source* that pixel comes from (u, v); the colour is looked up afterwards
with one bilinear ``cv2.remap``. Shared triangle edges are inclusive on both sides, so surfaces have no
cracks.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: Triangles whose screen bounding box is wider than this (pixels) are dropped as degenerate.
MAX_TRIANGLE_PX = 256
#: Pixel centres this close outside a triangle still count as inside (rounding of projected vertices).
SNAP = 1e-3
#: Barycentric tolerance of the inside test: edges are inclusive on both sides.
INSIDE_EPS = -1e-5


@njit(cache=True, nogil=True, _nrt=False, fastmath=True)
def _project(points, rot, trans, fx, fy, cx, cy, near, projected):  # pragma: no cover - numba
    """Screen x, y and w = 1/z of every vertex, side by side in ``projected`` (w = -1 behind the near
    plane)."""
    r00, r01, r02 = rot[0, 0], rot[0, 1], rot[0, 2]
    r10, r11, r12 = rot[1, 0], rot[1, 1], rot[1, 2]
    r20, r21, r22 = rot[2, 0], rot[2, 1], rot[2, 2]
    t0, t1, t2 = trans[0], trans[1], trans[2]
    for n in range(points.shape[0]):
        px = points[n, 0] - t0
        py = points[n, 1] - t1
        pz = points[n, 2] - t2
        # camera_from_world = R^T (p - t); rot holds R^T
        xc = r00 * px + r01 * py + r02 * pz
        yc = r10 * px + r11 * py + r12 * pz
        zc = r20 * px + r21 * py + r22 * pz
        inv = 1.0 / max(zc, near)  # near > 0: a vertex in the camera's own plane does not divide by zero
        ahead = zc > near
        projected[n, 0] = fx * xc * inv + cx if ahead else 0.0
        projected[n, 1] = fy * yc * inv + cy if ahead else 0.0
        projected[n, 2] = inv if ahead else -1.0


@njit(cache=True, nogil=True, _nrt=False, fastmath=True, inline="always")
def _triangle(x0, y0, w0, u0, v0, x1, y1, w1, u1, v1, x2, y2, w2, u2, v2, wscale, wbuf, out_u, out_v, behind, cover):
    """Fill the pixel centres of one triangle (z-buffered on w = 1/z, larger = nearer); ``behind``: only
    the pixels that ``cover`` leaves at 0.

    Barycentrics are affine in the pixel position, so they are stepped along each row. Depth and source
    coordinates are interpolated affinely: over the few output pixels a triangle spans, perspective
    correction changes nothing visible.
    """
    height, width = wbuf.shape
    xmin = max(0, int(math.ceil(min(x0, min(x1, x2)) - SNAP)))
    xmax = min(width - 1, int(math.floor(max(x0, max(x1, x2)) + SNAP)))
    if xmax < xmin:
        return
    ymin = max(0, int(math.ceil(min(y0, min(y1, y2)) - SNAP)))
    ymax = min(height - 1, int(math.floor(max(y0, max(y1, y2)) + SNAP)))
    if ymax < ymin:
        return
    ex1, ey1 = x1 - x0, y1 - y0
    ex2, ey2 = x2 - x0, y2 - y0
    area = ex1 * ey2 - ex2 * ey1
    if area > -1e-9 and area < 1e-9:
        return
    inv_area = 1.0 / area
    # b1 = (px * ey2 - py * ex2) / area, b2 = (ex1 * py - ey1 * px) / area, relative to vertex 0
    step1 = ey2 * inv_area
    step2 = -ey1 * inv_area
    dw1, dw2 = (w1 - w0) * wscale, (w2 - w0) * wscale
    du1, du2 = u1 - u0, u2 - u0
    dv1, dv2 = v1 - v0, v2 - v0
    w0s = w0 * wscale
    for py in range(ymin, ymax + 1):
        ry = py - y0
        rx = xmin - x0
        b1 = (rx * ey2 - ry * ex2) * inv_area
        b2 = (ex1 * ry - ey1 * rx) * inv_area
        for px in range(xmin, xmax + 1):
            if b1 >= INSIDE_EPS and b2 >= INSIDE_EPS and 1.0 - b1 - b2 >= INSIDE_EPS:
                w = w0s + b1 * dw1 + b2 * dw2
                if w > wbuf[py, px] and not (behind and cover[py, px]):
                    wbuf[py, px] = w
                    out_u[py, px] = u0 + b1 * du1 + b2 * du2
                    out_v[py, px] = v0 + b1 * dv1 + b2 * dv2
            b1 += step1
            b2 += step2


@njit(cache=True, nogil=True, _nrt=False, fastmath=True, inline="always")
def _covered(xa, ya, xb, yb, xc, yc, xd, yd, cover):
    """Whether every pixel centre in the quad's bounding box is set in ``cover``."""
    height, width = cover.shape
    xmin = max(0, int(math.ceil(min(min(xa, xb), min(xc, xd)) - SNAP)))
    xmax = min(width - 1, int(math.floor(max(max(xa, xb), max(xc, xd)) + SNAP)))
    ymin = max(0, int(math.ceil(min(min(ya, yb), min(yc, yd)) - SNAP)))
    ymax = min(height - 1, int(math.floor(max(max(ya, yb), max(yc, yd)) + SNAP)))
    for py in range(ymin, ymax + 1):
        for px in range(xmin, xmax + 1):
            if cover[py, px] == 0:
                return False
    return True


@njit(cache=True, nogil=True, _nrt=False, fastmath=True)
def rasterize_mesh(points, corners, quads, rot, trans, fx, fy, cx, cy, near, u_offset, wscale, wbuf, out_u,
                   out_v, behind, cover, projected):  # fmt: skip  # pragma: no cover - numba
    """Draw a mesh into the depth buffer.

    ``points`` (m, 3) float32 world coordinates of the mesh's vertices (:meth:`Mesh.gather
    <stillmotion.render.mesh.Mesh.gather>` of the layer's points); ``corners`` and ``quads`` from
    :class:`stillmotion.render.mesh.Mesh`. A quad (i, j, s, k) spans source pixels (i, j) to (i + s, j + s)
    as the triangles a b c (bit 0 of k) and b d c (bit 1), a = (i, j), b = (i, j + s), c = (i + s, j),
    d = (i + s, j + s); ``corners`` says which of ``points`` they are. ``rot`` is camera_from_world's
    rotation (R^T), ``trans`` the camera centre. ``wbuf`` holds 1/z of the nearest surface so far (0 =
    nothing yet): nearer wins. ``u_offset`` is added to the recorded source u (layers share one atlas);
    ``wscale`` < 1 pushes a layer back so that the layers in front win ties. ``behind``: draw only into the
    pixels where ``cover`` (uint8, the output's shape) is 0, i.e. through the holes of the layers drawn
    before; quads over covered pixels only are skipped after a look at their bounding box. ``projected``
    (m, 3) float32 is scratch space for the projected vertices (reused from frame to frame: fresh memory
    would cost a page fault per 4 kB).

    Compiled without numba's reference counting (``_nrt=False``; nothing here allocates): with it, every
    array handed to the inlined triangle routine took an atomic increment and decrement per triangle that
    LLVM's pruning left in the loop, a fifth of the time.
    """
    _project(points, rot, trans, fx, fy, cx, cy, near, projected)
    for n in range(quads.shape[0]):
        i, j, s, k = quads[n, 0], quads[n, 1], quads[n, 2], quads[n, 3]
        a, b, c, d = corners[n, 0], corners[n, 1], corners[n, 2], corners[n, 3]
        wa, wb, wc, wd = projected[a, 2], projected[b, 2], projected[c, 2], projected[d, 2]
        if wa <= 0.0 or wb <= 0.0 or wc <= 0.0 or wd <= 0.0:
            continue  # crosses the near plane
        xa, xb, xc, xd = projected[a, 0], projected[b, 0], projected[c, 0], projected[d, 0]
        ya, yb, yc, yd = projected[a, 1], projected[b, 1], projected[c, 1], projected[d, 1]
        if max(max(xa, xb), max(xc, xd)) - min(min(xa, xb), min(xc, xd)) > MAX_TRIANGLE_PX:
            continue
        if max(max(ya, yb), max(yc, yd)) - min(min(ya, yb), min(yc, yd)) > MAX_TRIANGLE_PX:
            continue
        if behind and _covered(xa, ya, xb, yb, xc, yc, xd, yd, cover):
            continue
        u0 = float(j) + u_offset
        u1 = float(j + s) + u_offset
        v0 = float(i)
        v1 = float(i + s)
        if k & 1:
            _triangle(xa, ya, wa, u0, v0, xb, yb, wb, u1, v0, xc, yc, wc, u0, v1, wscale, wbuf, out_u, out_v, behind, cover)
        if k & 2:
            _triangle(xb, yb, wb, u1, v0, xd, yd, wd, u1, v1, xc, yc, wc, u0, v1, wscale, wbuf, out_u, out_v, behind, cover)
