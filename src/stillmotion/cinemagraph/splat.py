"""Softmax splatting: forward-warp an image by a displacement field, resolving collisions by importance.

Each source pixel x adds ``exp(Z(x)) * b`` times its colour to the four target pixels around
``x + F(x)`` (bilinear weights b), and the same weight to a weight sum; dividing the two afterwards gives
a soft z-buffer (Niklaus & Liu, CVPR 2020, "Softmax Splatting for Video Frame Interpolation"). The plain
bilinear weights are summed too: how densely a target is covered, which tells holes and stretched areas
apart from well-covered ones.

The sums live in one packed float32 buffer (H, W, 5) = (R, G, B, weight, coverage), so that each target
touches one cache line.

Bilinear splatting blurs: a source that lands a fraction f of a pixel off the grid is shared out as
(1 - f, f), the tent filter of linear interpolation, which halves the power of a texture's finest detail at
f = 1/2 (a photo's pixel-scale detail loses 25-35 %, so every moved frame looked softer than the still
frame 0). Optionally each source is sharpened by its own offset before it is shared out (see
:func:`resampling_detail`): ``c + a(fx) * dxx + a(fy) * dyy`` with the source's negated second differences
``dxx``, ``dyy`` and ``a(f) = (1 / sqrt(1 - 2 f (1 - f)) - 1) / 2``, the 3-tap sharpening that undoes the
tent exactly at a period of 4 pixels and roughly around it. ``a(0) = 0``: a source on the grid lands
unchanged, so a still pixel stays bit-exact.
"""

from __future__ import annotations

import math

import numba
import numpy as np

#: log-importances below this are clipped, so weights stay far from float32 underflow
MIN_LOG_IMPORTANCE = -25.0
#: a stand-in source (``sources`` = 2: material mirrored beyond the photo's edge) counts this much toward
#: its targets' coverage, so that where the other half of a loop frame has real material, that wins
STAND_IN_COVERAGE = 0.004


@numba.njit(cache=True, nogil=True, fastmath=True, inline="always")
def _add(target, e, b, c0, c1, c2):  # pragma: no cover - compiled
    # target: the 5 sums of one target pixel (a view into the buffer)
    target[0] += e * c0
    target[1] += e * c1
    target[2] += e * c2
    target[3] += e
    target[4] += b


@numba.njit(cache=True, nogil=True, fastmath=True, inline="never")
def _add_clipped(buf, x0, y0, fx, fy, e, k, c0, c1, c2):  # pragma: no cover - compiled
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
                _add(buf[yy, xx], e * b, k * b, c0, c1, c2)


@numba.njit(cache=True, nogil=True, fastmath=True, inline="always")
def _sharpening(f):  # pragma: no cover - compiled
    # weight of the negated second difference that undoes the tent (1 - f, f) at a period of 4 pixels
    return np.float32(0.5) * (np.float32(1.0) / math.sqrt(np.float32(1.0) - np.float32(2.0) * f * (np.float32(1.0) - f)) - np.float32(1.0))


@numba.njit(cache=True, nogil=True, fastmath=True)
def _splat(colour, displacement, per_px, sources, detail, sharpen, oy, ox, buf):  # pragma: no cover - compiled
    # log-importance of a source: -per_px * |displacement|, clipped below; float32 arithmetic throughout.
    # With ``sharpen``, detail[y, x] holds the source's negated second differences along x (0:3) and y (3:6).
    # Source (y, x) starts at buffer pixel (y - oy, x - ox).
    h, w = buf.shape[0], buf.shape[1]
    sh, sw = displacement.shape[0], displacement.shape[1]
    one = np.float32(1.0)
    stand_in = np.float32(STAND_IN_COVERAGE)
    floor_log = np.float32(MIN_LOG_IMPORTANCE)
    for y in range(sh):
        for x in range(sw):
            if sources[y, x] == 0:
                continue
            k = one if sources[y, x] == 1 else stand_in
            ddx = displacement[y, x, 0]
            ddy = displacement[y, x, 1]
            tx = (x - ox) + ddx
            ty = (y - oy) + ddy
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
            if sharpen:
                ax = _sharpening(fx)
                ay = _sharpening(fy)
                c0 += ax * detail[y, x, 0] + ay * detail[y, x, 3]
                c1 += ax * detail[y, x, 1] + ay * detail[y, x, 4]
                c2 += ax * detail[y, x, 2] + ay * detail[y, x, 5]
            if x0 >= 0 and y0 >= 0 and x0 + 1 < w and y0 + 1 < h:  # the four targets are inside
                b = gx * gy
                _add(buf[y0, x0], e * b, k * b, c0, c1, c2)
                b = fx * gy
                _add(buf[y0, x0 + 1], e * b, k * b, c0, c1, c2)
                b = gx * fy
                _add(buf[y0 + 1, x0], e * b, k * b, c0, c1, c2)
                b = fx * fy
                _add(buf[y0 + 1, x0 + 1], e * b, k * b, c0, c1, c2)
                continue
            _add_clipped(buf, x0, y0, fx, fy, e, k, c0, c1, c2)


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


_NO_DETAIL = np.zeros((1, 1, 6), np.float32)


def new_buffer(shape: tuple[int, int]) -> np.ndarray:
    """A zeroed accumulation buffer (H, W, 5) for :func:`splat_into`."""
    return np.zeros((*shape, 5), np.float32)


def resampling_detail(colour: np.ndarray, sources: np.ndarray | None = None) -> np.ndarray:
    """(H, W, 6) float32: each pixel's negated second differences along x (channels 0:3) and y (3:6),
    ``2 c - left - right`` and ``2 c - up - down``, for :func:`splat_into` to undo the splat's blur.

    Only ``sources`` (bool H x W, default all) are neighbours: a source next to a pixel that is not splatted
    (a rock beside the water) or next to the array's edge uses its own colour there, so nothing of the
    still pixels leaks into the moving ones.
    """
    h, w = colour.shape[:2]
    src = np.ones((h, w), bool) if sources is None else sources.astype(bool)
    c = colour.astype(np.float32)
    padded = np.pad(c, ((1, 1), (1, 1), (0, 0)), mode="edge")
    known = np.pad(src, 1, constant_values=False)
    out = np.zeros((h, w, 6), np.float32)
    for axis, (before, after) in enumerate((((1, 0), (1, 2)), ((0, 1), (2, 1)))):
        for dy, dx in (before, after):
            neighbour = padded[dy : dy + h, dx : dx + w]
            ok = known[dy : dy + h, dx : dx + w][:, :, None]
            out[:, :, 3 * axis : 3 * axis + 3] += np.where(ok, c - neighbour, 0.0)
    out[~src] = 0.0
    return out


def splat_into(
    colour: np.ndarray,
    displacement: np.ndarray,
    buf: np.ndarray,
    *,
    travel_px: float = 0.0,
    sources: np.ndarray | None = None,
    detail: np.ndarray | None = None,
    offset: tuple[int, int] = (0, 0),
) -> None:
    """Accumulate a softmax splat of ``colour`` (H, W, 3 float32) moved by ``displacement`` (H, W, 2).

    ``buf`` (H, W, 5) is the caller's accumulation buffer (see :func:`new_buffer`), updated in place; the
    inputs are not modified. ``sources`` (H x W, bool or uint8) says which pixels are splatted (default:
    all): 0 not, 1 yes, 2 as a stand-in that counts only ``STAND_IN_COVERAGE`` toward coverage.
    Targets outside the frame are dropped. A source's log-importance is ``-|displacement| / travel_px``
    (0 when ``travel_px`` is 0: a plain average), clipped at ``MIN_LOG_IMPORTANCE``. ``detail``, from
    :func:`resampling_detail`, sharpens each source by its own sub-pixel offset, undoing the bilinear
    splat's blur (see the module's docstring); without it the splat is plain bilinear. The buffer may be
    smaller than the sources: its pixel (0, 0) is the sources' pixel ``offset`` (dy, dx); sources outside
    it bring in what they carry across its edge.
    """
    h, w = displacement.shape[:2]
    if colour.shape != (h, w, 3) or buf.ndim != 3 or buf.shape[2] != 5:
        raise ValueError(f"colour {colour.shape} must be ({h}, {w}, 3) and the buffer {buf.shape} (H, W, 5)")
    if detail is not None and detail.shape != (h, w, 6):
        raise ValueError(f"detail {detail.shape} must be ({h}, {w}, 6)")
    src = np.ones((h, w), np.uint8) if sources is None else np.ascontiguousarray(sources, np.uint8)
    _splat(
        np.ascontiguousarray(colour, np.float32),
        np.ascontiguousarray(displacement, np.float32),
        np.float32(1.0 / travel_px if travel_px > 0 else 0.0),
        src,
        _NO_DETAIL if detail is None else np.ascontiguousarray(detail, np.float32),
        detail is not None,
        int(offset[0]),
        int(offset[1]),
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
