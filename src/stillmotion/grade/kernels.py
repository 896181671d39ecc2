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
def composite_over(acc, layer, y0, x0):  # pragma: no cover - compiled
    """``acc`` (premultiplied RGBA) seen behind ``layer``, whose top-left corner is at (y0, x0), in place."""
    for y in range(layer.shape[0]):
        for x in range(layer.shape[1]):
            keep = np.float32(1.0) - layer[y, x, 3]
            for c in range(4):
                acc[y0 + y, x0 + x, c] = acc[y0 + y, x0 + x, c] * keep + layer[y, x, c]


@numba.njit(cache=True, nogil=True)
def unpremultiply(acc, table):  # pragma: no cover - compiled
    """RGB of premultiplied RGBA ``acc`` (alpha floored at 1e-6), through the curve ``table`` as
    :func:`curve` applies it."""
    h, w = acc.shape[0], acc.shape[1]
    out = np.empty((h, w, 3), np.float32)
    for y in range(h):
        for x in range(w):
            a = max(acc[y, x, 3], np.float32(1e-6))
            for c in range(3):
                out[y, x, c] = _lookup(acc[y, x, c] / a, table)
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
