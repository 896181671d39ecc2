"""Softmax splatting: forward-warp an image by a displacement field, resolving collisions by importance.

Each source pixel x adds ``exp(Z(x)) * b`` times its colour to the four target pixels around
``x + F(x)`` (bilinear weights b), and the same weight to a weight sum; dividing the two afterwards gives
a soft z-buffer (Niklaus & Liu, CVPR 2020, "Softmax Splatting for Video Frame Interpolation"). The plain
bilinear weights are summed too: how densely a target is covered, which tells holes and stretched areas
apart from well-covered ones.

The sums live in one packed float32 buffer (H, W, 5) = (R, G, B, weight, coverage), so that each target
touches one cache line.
"""

from __future__ import annotations

import math

import numba
import numpy as np

#: log-importances below this are clipped, so weights stay far from float32 underflow
MIN_LOG_IMPORTANCE = -25.0


@numba.njit(cache=True, nogil=True, fastmath=True, inline="always")
def _add(target, e, b, c0, c1, c2):  # pragma: no cover - compiled
    # target: the 5 sums of one target pixel (a view into the buffer)
    target[0] += e * c0
    target[1] += e * c1
    target[2] += e * c2
    target[3] += e
    target[4] += b


@numba.njit(cache=True, nogil=True, fastmath=True, inline="never")
def _add_clipped(buf, x0, y0, fx, fy, e, c0, c1, c2):  # pragma: no cover - compiled
    # a source whose four targets are not all inside the buffer: only those inside get their share
    h, w = buf.shape[0], buf.shape[1]
    for dy in range(2):
        yy = y0 + dy
        if yy < 0 or yy >= h:
            continue
        wy = fy if dy else 1.0 - fy
        for dx in range(2):
            xx = x0 + dx
            if xx < 0 or xx >= w:
                continue
            b = wy * (fx if dx else 1.0 - fx)
            if b > 0.0:
                _add(buf[yy, xx], e * b, b, c0, c1, c2)


@numba.njit(cache=True, nogil=True, fastmath=True)
def _splat(colour, displacement, per_px, sources, buf):  # pragma: no cover - compiled
    # log-importance of a source: -per_px * |displacement|, clipped below; float32 arithmetic throughout
    h, w = displacement.shape[0], displacement.shape[1]
    one = np.float32(1.0)
    floor_log = np.float32(MIN_LOG_IMPORTANCE)
    for y in range(h):
        for x in range(w):
            if not sources[y, x]:
                continue
            ddx = displacement[y, x, 0]
            ddy = displacement[y, x, 1]
            tx = x + ddx
            ty = y + ddy
            if not (tx > -1.0 and ty > -1.0 and tx < w and ty < h):
                continue
            e = one
            if per_px != 0.0:
                e = np.float32(math.exp(max(-per_px * math.sqrt(ddx * ddx + ddy * ddy), floor_log)))
            x0 = int(math.floor(tx))
            y0 = int(math.floor(ty))
            fx = np.float32(tx - x0)
            fy = np.float32(ty - y0)
            gx = one - fx
            gy = one - fy
            c0 = colour[y, x, 0]
            c1 = colour[y, x, 1]
            c2 = colour[y, x, 2]
            if x0 >= 0 and y0 >= 0 and x0 + 1 < w and y0 + 1 < h:  # the four targets are inside
                b = gx * gy
                _add(buf[y0, x0], e * b, b, c0, c1, c2)
                b = fx * gy
                _add(buf[y0, x0 + 1], e * b, b, c0, c1, c2)
                b = gx * fy
                _add(buf[y0 + 1, x0], e * b, b, c0, c1, c2)
                b = fx * fy
                _add(buf[y0 + 1, x0 + 1], e * b, b, c0, c1, c2)
                continue
            _add_clipped(buf, x0, y0, fx, fy, e, c0, c1, c2)


@numba.njit(cache=True, nogil=True, fastmath=True)
def _finish(buf, min_coverage, out, holes):  # pragma: no cover - compiled
    h, w = holes.shape
    for y in range(h):
        for x in range(w):
            if buf[y, x, 4] <= min_coverage or buf[y, x, 3] <= 0.0:
                holes[y, x] = True
                out[y, x, 0] = 0.0
                out[y, x, 1] = 0.0
                out[y, x, 2] = 0.0
            else:
                holes[y, x] = False
                inv = 1.0 / buf[y, x, 3]
                out[y, x, 0] = buf[y, x, 0] * inv
                out[y, x, 1] = buf[y, x, 1] * inv
                out[y, x, 2] = buf[y, x, 2] * inv


def new_buffer(shape: tuple[int, int]) -> np.ndarray:
    """A zeroed accumulation buffer (H, W, 5) for :func:`splat_into`."""
    return np.zeros((*shape, 5), np.float32)


def splat_into(
    colour: np.ndarray,
    displacement: np.ndarray,
    buf: np.ndarray,
    *,
    travel_px: float = 0.0,
    sources: np.ndarray | None = None,
) -> None:
    """Accumulate a softmax splat of ``colour`` (H, W, 3 float32) moved by ``displacement`` (H, W, 2).

    ``buf`` (H, W, 5) is the caller's accumulation buffer (see :func:`new_buffer`), updated in place; the
    inputs are not modified. ``sources`` (bool H x W) limits which pixels are splatted (default: all).
    Targets outside the frame are dropped. A source's log-importance is ``-|displacement| / travel_px``
    (0 when ``travel_px`` is 0: a plain average), clipped at ``MIN_LOG_IMPORTANCE``.
    """
    h, w = displacement.shape[:2]
    if colour.shape != (h, w, 3) or buf.shape != (h, w, 5):
        raise ValueError(f"colour {colour.shape} and buffer {buf.shape} must be ({h}, {w}, 3) and ({h}, {w}, 5)")
    src = np.ones((h, w), np.bool_) if sources is None else np.ascontiguousarray(sources, np.bool_)
    _splat(
        np.ascontiguousarray(colour, np.float32),
        np.ascontiguousarray(displacement, np.float32),
        np.float32(1.0 / travel_px if travel_px > 0 else 0.0),
        src,
        buf,
    )


def normalise(buf: np.ndarray, *, min_coverage: float = 1e-3) -> tuple[np.ndarray, np.ndarray]:
    """Colour sums / weight sums where a target is covered: (image (H, W, 3), hole mask), new arrays.

    Holes are decided by the plain bilinear coverage, not by the importance-scaled weight (which may be
    tiny where only low-importance pixels landed).
    """
    h, w = buf.shape[:2]
    out = np.empty((h, w, 3), np.float32)
    holes = np.empty((h, w), np.bool_)
    _finish(buf, np.float32(min_coverage), out, holes)
    return out, holes


def softmax_splat(colour: np.ndarray, displacement: np.ndarray, *, travel_px: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """One softmax splat: returns (warped image, hole mask)."""
    buf = new_buffer(displacement.shape[:2])
    splat_into(colour, displacement, buf, travel_px=travel_px)
    return normalise(buf)
