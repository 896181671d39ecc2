"""The compiled kernels of the finishing stage, in their own module so that importing
:mod:`stillmotion.grade` (the command line does, to parse ``--grade``) does not import numba: the spine's
:func:`stillmotion.api.animate` imports numba on a worker thread while the photo is decoded."""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True, inline="always")
def _lookup(value, table):  # pragma: no cover - compiled
    """``table`` (samples on [0, 1]) read piecewise-linearly at ``value`` clamped to [0, 1]."""
    n = table.shape[0] - 1
    v = min(max(value, 0.0), 1.0) * n
    i = min(int(v), n - 1)
    f = v - i
    return table[i] + f * (table[i + 1] - table[i])


@numba.njit(cache=True, nogil=True)
def curve(values, table):  # pragma: no cover - compiled
    """Piecewise-linear lookup of ``table`` (samples on [0, 1]) for every value, clamped to [0, 1]."""
    flat = values.reshape(-1)
    out = np.empty_like(flat)
    for k in range(flat.shape[0]):
        out[k] = _lookup(flat[k], table)
    return out.reshape(values.shape)


@numba.njit(cache=True, nogil=True)
def apply_lut_numba(pixels, table, lo, scale, tetrahedral):  # pragma: no cover - compiled
    n = table.shape[0]
    out = np.empty_like(pixels)
    for p in range(pixels.shape[0]):
        vr = min(max((pixels[p, 0] - lo[0]) * scale[0], 0.0), 1.0) * (n - 1)
        vg = min(max((pixels[p, 1] - lo[1]) * scale[1], 0.0), 1.0) * (n - 1)
        vb = min(max((pixels[p, 2] - lo[2]) * scale[2], 0.0), 1.0) * (n - 1)
        r0 = min(int(vr), n - 2)
        g0 = min(int(vg), n - 2)
        b0 = min(int(vb), n - 2)
        fr, fg, fb = vr - r0, vg - g0, vb - b0
        for c in range(3):
            c000 = table[b0, g0, r0, c]
            c111 = table[b0 + 1, g0 + 1, r0 + 1, c]
            if tetrahedral:
                if fr >= fg:
                    if fg >= fb:  # r > g > b
                        a, ab, f1, f2, f3 = table[b0, g0, r0 + 1, c], table[b0, g0 + 1, r0 + 1, c], fr, fg, fb
                    elif fr >= fb:  # r > b > g
                        a, ab, f1, f2, f3 = table[b0, g0, r0 + 1, c], table[b0 + 1, g0, r0 + 1, c], fr, fb, fg
                    else:  # b > r > g
                        a, ab, f1, f2, f3 = table[b0 + 1, g0, r0, c], table[b0 + 1, g0, r0 + 1, c], fb, fr, fg
                else:
                    if fr >= fb:  # g > r > b
                        a, ab, f1, f2, f3 = table[b0, g0 + 1, r0, c], table[b0, g0 + 1, r0 + 1, c], fg, fr, fb
                    elif fg >= fb:  # g > b > r
                        a, ab, f1, f2, f3 = table[b0, g0 + 1, r0, c], table[b0 + 1, g0 + 1, r0, c], fg, fb, fr
                    else:  # b > g > r
                        a, ab, f1, f2, f3 = table[b0 + 1, g0, r0, c], table[b0 + 1, g0 + 1, r0, c], fb, fg, fr
                out[p, c] = c000 + f1 * (a - c000) + f2 * (ab - a) + f3 * (c111 - ab)
            else:
                c100 = table[b0, g0, r0 + 1, c]
                c010 = table[b0, g0 + 1, r0, c]
                c110 = table[b0, g0 + 1, r0 + 1, c]
                c001 = table[b0 + 1, g0, r0, c]
                c101 = table[b0 + 1, g0, r0 + 1, c]
                c011 = table[b0 + 1, g0 + 1, r0, c]
                y0 = (c000 * (1 - fr) + c100 * fr) * (1 - fg) + (c010 * (1 - fr) + c110 * fr) * fg
                y1 = (c001 * (1 - fr) + c101 * fr) * (1 - fg) + (c011 * (1 - fr) + c111 * fr) * fg
                out[p, c] = y0 * (1 - fb) + y1 * fb
    return out


@numba.njit(cache=True, nogil=True)
def tile_ranges(values, block):  # pragma: no cover - compiled
    """The smallest and largest of ``values`` (H, W) in each ``block`` x ``block`` tile (the last row and
    column of tiles may be smaller): two float32 arrays of ceil(H / block) x ceil(W / block)."""
    h, w = values.shape
    bh, bw = (h + block - 1) // block, (w + block - 1) // block
    lo = np.full((bh, bw), np.inf, np.float32)
    hi = np.full((bh, bw), -np.inf, np.float32)
    for y in range(h):
        by = y // block
        for bx in range(bw):
            row_lo, row_hi = lo[by, bx], hi[by, bx]
            for x in range(bx * block, min(w, bx * block + block)):
                v = values[y, x]
                row_lo = min(row_lo, v)
                row_hi = max(row_hi, v)
            lo[by, bx], hi[by, bx] = row_lo, row_hi
    return lo, hi


@numba.njit(cache=True, nogil=True)
def slice_layer(linear, pos, k, y0, y1, x0, x1):  # pragma: no cover - compiled
    """Slice ``k`` of a depth of field over the box [y0, y1) x [x0, x1): premultiplied RGBA whose alpha is
    each pixel's tent weight ``max(0, 1 - |pos - k|)`` (``pos`` the fractional slice index)."""
    out = np.empty((y1 - y0, x1 - x0, 4), np.float32)
    kf = np.float32(k)
    for y in range(y0, y1):
        for x in range(x0, x1):
            w = np.float32(1.0) - abs(pos[y, x] - kf)
            if w < 0.0:
                w = np.float32(0.0)
            for c in range(3):
                out[y - y0, x - x0, c] = linear[y, x, c] * w
            out[y - y0, x - x0, 3] = w
    return out


@numba.njit(cache=True, nogil=True)
def composite_over(acc, layer, y0, x0, cover=None):  # pragma: no cover - compiled
    """``acc`` (premultiplied RGBA) seen behind ``layer``, whose top-left corner is at (y0, x0), in place.
    Given ``cover`` (H, W), the layer's alpha is added to it: the coverage of all the layers composited so
    far, summed (a surface split between two slices sums to 1, never less). (numba compiles the call
    without ``cover`` apart, its test pruned.)"""
    for y in range(layer.shape[0]):
        for x in range(layer.shape[1]):
            a = layer[y, x, 3]
            keep = np.float32(1.0) - a
            for c in range(4):
                acc[y0 + y, x0 + x, c] = acc[y0 + y, x0 + x, c] * keep + layer[y, x, c]
            if cover is not None:
                cover[y0 + y, x0 + x] += a


@numba.njit(cache=True, nogil=True)
def _bilinear3(image, y, x):  # pragma: no cover - compiled
    """The 3 channels of ``image`` (h, w, 3) at the fractional pixel (y, x), clamped to its edges."""
    h, w = image.shape[0], image.shape[1]
    y = min(max(y, 0.0), h - 1.0)
    x = min(max(x, 0.0), w - 1.0)
    i, j = min(int(y), max(h - 2, 0)), min(int(x), max(w - 2, 0))
    i1, j1 = min(i + 1, h - 1), min(j + 1, w - 1)
    ty, tx = np.float32(y - i), np.float32(x - j)
    a, b = (np.float32(1.0) - ty) * (np.float32(1.0) - tx), (np.float32(1.0) - ty) * tx
    c, d = ty * (np.float32(1.0) - tx), ty * tx
    v0 = a * image[i, j, 0] + b * image[i, j1, 0] + c * image[i1, j, 0] + d * image[i1, j1, 0]
    v1 = a * image[i, j, 1] + b * image[i, j1, 1] + c * image[i1, j, 1] + d * image[i1, j1, 1]
    v2 = a * image[i, j, 2] + b * image[i, j1, 2] + c * image[i1, j, 2] + d * image[i1, j1, 2]
    return v0, v1, v2


@numba.njit(cache=True, nogil=True, inline="always")
def _unpremultiplied(acc, y, x, out, oy, ox, table):  # pragma: no cover - compiled
    """``out[oy, ox]`` = RGB of the premultiplied ``acc[y, x]`` (alpha floored at 1e-6) through ``table``."""
    a = max(acc[y, x, 3], np.float32(1e-6))
    for c in range(3):
        out[oy, ox, c] = _lookup(acc[y, x, c] / a, table)


#: A gap in a near pixel's coverage (see :func:`near_over_far`) below the first value is the slices'
#: approximation of a smooth surface; the hidden far field fades in until the second.
_GAP_FROM, _GAP_FULL = np.float32(0.05), np.float32(0.15)


@numba.njit(cache=True, nogil=True)
def near_over_far(far, near, cover, near_box, pos, k0, hidden_far, table):  # pragma: no cover - compiled
    """RGB of the near field over the far field, through the curve ``table`` as :func:`curve` applies it.

    ``far`` (H, W, 4) and ``near`` are premultiplied composites of the slices behind and in front of the
    focus plane, ``near`` and ``cover`` (the near slices' alphas summed, so min(cover, 1) is how much of
    a pixel the near field covers, and a surface split between two slices covers it whole) only over
    ``near_box`` = (y0, y1, x0, x1). ``pos`` is each pixel's fractional slice index and ``k0`` the focus
    slice's.

    The near field (renormalised by its own alpha) covers the far field. A pixel well in front of the
    focus plane (``pos - k0`` from 1 to 2 slices and more) has no far field of its own: where the near
    field's blur leaves part of it uncovered (its soft edge), that part shows what the near field
    hides, ``hidden_far`` (the far field's colour extended behind it: a reduced copy of the frame, read
    bilinearly; an empty array for none). Small gaps, and any gap at pixels nearer the focus plane, are
    the slices' approximation of a smooth surface, not an edge: those, and whatever else is missing,
    take the pixel's composite colour, as :func:`unpremultiply` fills it."""
    h, w = far.shape[0], far.shape[1]
    ny0, ny1, nx0, nx1 = near_box[0], near_box[1], near_box[2], near_box[3]
    fh, fw = hidden_far.shape[0], hidden_far.shape[1]
    show = fh > 0 and fw > 0
    ry, rx = fh / h, fw / w
    out = np.empty((h, w, 3), np.float32)
    eps = np.float32(1e-6)
    zero = np.float32(0.0)
    one = np.float32(1.0)
    for y in range(h):
        if y < ny0 or y >= ny1:
            for x in range(w):
                _unpremultiplied(far, y, x, out, y, x, table)
            continue
        for x in range(nx0):
            _unpremultiplied(far, y, x, out, y, x, table)
        for x in range(nx1, w):
            _unpremultiplied(far, y, x, out, y, x, table)
        for x in range(nx0, nx1):
            cov = cover[y - ny0, x - nx0]
            if cov <= zero:  # the far field alone
                _unpremultiplied(far, y, x, out, y, x, table)
                continue
            if cov >= one:  # the near field alone
                _unpremultiplied(near, y - ny0, x - nx0, out, y, x, table)
                continue
            af = far[y, x, 3]
            keep = one - cov
            alpha = cov + af * keep  # the near field (renormalised, times its coverage) over the far field
            gap = one - af - cov  # what both leave uncovered
            hidden = zero
            if show and gap > _GAP_FROM:
                fade = min((gap - _GAP_FROM) / (_GAP_FULL - _GAP_FROM), one)
                hidden = min(max(pos[y, x] - k0 - one, zero), one) * gap * fade
            # the rest of the pixel, 1 - alpha - hidden, takes the composite's colour: the weights grow by
            # (1 - hidden) / alpha, the near field's by 1 / its own alpha besides (one division for both)
            an = max(near[y - ny0, x - nx0, 3], eps)
            q = (one - hidden) / max(alpha * an, eps * eps)
            w_near, w_far = cov * q, keep * q * an
            if hidden > zero:
                r, g, b = _bilinear3(hidden_far, (y + 0.5) * ry - 0.5, (x + 0.5) * rx - 0.5)
                out[y, x, 0] = _lookup(near[y - ny0, x - nx0, 0] * w_near + far[y, x, 0] * w_far + r * hidden, table)
                out[y, x, 1] = _lookup(near[y - ny0, x - nx0, 1] * w_near + far[y, x, 1] * w_far + g * hidden, table)
                out[y, x, 2] = _lookup(near[y - ny0, x - nx0, 2] * w_near + far[y, x, 2] * w_far + b * hidden, table)
            else:
                for c in range(3):
                    out[y, x, c] = _lookup(near[y - ny0, x - nx0, c] * w_near + far[y, x, c] * w_far, table)
    return out


@numba.njit(cache=True, nogil=True)
def unpremultiply(acc, table):  # pragma: no cover - compiled
    """RGB of premultiplied RGBA ``acc`` (alpha floored at 1e-6), through the curve ``table`` as
    :func:`curve` applies it."""
    h, w = acc.shape[0], acc.shape[1]
    out = np.empty((h, w, 3), np.float32)
    for y in range(h):
        for x in range(w):
            _unpremultiplied(acc, y, x, out, y, x, table)
    return out


@numba.njit(cache=True, nogil=True, inline="always")
def _grain_amplitude(luma):  # pragma: no cover - compiled
    """Grain amplitude at one luma value: 1 at mid-grey, falling to ~0.2 at black and 0 at white."""
    v = min(max(luma, np.float32(0.0)), np.float32(1.0))
    shadow = np.float32(0.2) + np.float32(3.2) * v * (np.float32(1.0) - v)
    return shadow * min((np.float32(1.0) - v) * np.float32(8.0), np.float32(1.0))


@numba.njit(cache=True, nogil=True)
def grain_amplitudes(luma):  # pragma: no cover - compiled
    """:func:`_grain_amplitude` of every value of the float32 array ``luma``."""
    flat = luma.reshape(-1)
    out = np.empty_like(flat)
    for k in range(flat.shape[0]):
        out[k] = _grain_amplitude(flat[k])
    return out.reshape(luma.shape)


@numba.njit(cache=True, nogil=True)
def apply_grain(image, noise, mean, inv_std, weights, sigma):  # pragma: no cover - compiled
    """``image + sigma * amplitude(luma) * (noise - mean) * inv_std`` per channel, in one pass (the
    amplitude is :func:`_grain_amplitude`, as :func:`stillmotion.grade.grain.grain_response` reads it)."""
    h, w = image.shape[0], image.shape[1]
    out = np.empty_like(image)
    for y in range(h):
        for x in range(w):
            v = weights[0] * image[y, x, 0] + weights[1] * image[y, x, 1] + weights[2] * image[y, x, 2]
            amp = _grain_amplitude(v) * sigma
            for c in range(3):
                out[y, x, c] = image[y, x, c] + amp * (noise[y, x, c] - mean[c]) * inv_std[c]
    return out
