"""Weighing the two halves of a loop frame against each other and mixing them, pixel by pixel, in one pass.

A half's weight at a pixel is its loop weight (``1 - alpha`` forward, ``alpha`` backward, from the
pixel's crossfade time, see :mod:`.schedule`) times its
smoothed coverage (0 at its holes, at least ``MIN_COVER`` elsewhere) times its hole ramp (it fades in from
the rim of its holes inside the region, so where one half's content ends the other takes over smoothly).
Outside the region both halves show the still photo; inside, each half shows the other's colours at its
holes. The pass writes the mix, and sums the half-size statistics the contrast-preserving blend needs
(:mod:`.blend`): each half's luma, the backward half's share, the mix's colour. Pixels neither half covers
are left out and reported; once the caller has filled them, :func:`add_filled` puts them in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

#: smallest weight of a covered pixel (the smoothed coverage can fall to ~0 next to holes; far below the
#: coverage of a stand-in, see .splat, so that a stand-in still yields to the other half at its smallest
#: loop weight)
MIN_COVER = 1e-8
#: smallest loop weight of a half: where a pixel has crossfaded completely, the other half still covers the
#: holes of the one it shows (instead of the blurry fill)
MIN_LOOP_WEIGHT = 1e-3


@numba.njit(cache=True, nogil=True, fastmath=True, inline="always")
def _luma(r, g, b):  # pragma: no cover - compiled
    return 0.299 * r + 0.587 * g + 0.114 * b


@numba.njit(cache=True, nogil=True, fastmath=True, inline="always")
def _weight(hole, cover, ramp, y, x, a):  # pragma: no cover - compiled
    if hole:
        return 0.0
    r = min(max(ramp[y, x] * (2.0 / 255.0) - 1.0, 0.0), 1.0)
    return max(cover[y, x] * r, MIN_COVER) * max(a, MIN_LOOP_WEIGHT)


@numba.njit(cache=True, nogil=True, fastmath=True)
def _compose(colour, inside, start, rate, phase, first, holes1, cover1, ramp1, second, holes2, cover2, ramp2,
             mix, luma1, luma2, share, mix_half, targets):  # pragma: no cover - compiled
    h, w = inside.shape
    hh, hw = luma1.shape
    count = 0
    for y in range(h):
        i = y >> 1
        for x in range(w):
            j = x >> 1
            targets[y, x] = False
            if not inside[y, x]:
                r1 = colour[y, x, 0]
                g1 = colour[y, x, 1]
                b1 = colour[y, x, 2]
                first[y, x, 0] = r1
                first[y, x, 1] = g1
                first[y, x, 2] = b1
                r2, g2, b2, s = r1, g1, b1, 0.0
            else:
                a = min(max((phase - start[y, x]) * rate[y, x], np.float32(0.0)), np.float32(1.0))
                c1 = _weight(holes1[y, x], cover1, ramp1, y, x, 1.0 - a)
                c2 = _weight(holes2[y, x], cover2, ramp2, y, x, a)
                total = c1 + c2
                if total <= 0.0:  # neither half: filled later (see add_filled)
                    targets[y, x] = True
                    count += 1
                    for k in range(3):
                        mix[y, x, k] = 0.0
                    continue
                if c1 > 0.0:
                    r1 = first[y, x, 0]
                    g1 = first[y, x, 1]
                    b1 = first[y, x, 2]
                else:
                    r1 = second[y, x, 0]
                    g1 = second[y, x, 1]
                    b1 = second[y, x, 2]
                    first[y, x, 0] = r1
                    first[y, x, 1] = g1
                    first[y, x, 2] = b1
                if c2 > 0.0:
                    r2 = second[y, x, 0]
                    g2 = second[y, x, 1]
                    b2 = second[y, x, 2]
                else:
                    r2, g2, b2 = r1, g1, b1
                s = c2 / total
            r = r1 + s * (r2 - r1)
            g = g1 + s * (g2 - g1)
            b = b1 + s * (b2 - b1)
            mix[y, x, 0] = r
            mix[y, x, 1] = g
            mix[y, x, 2] = b
            if i < hh and j < hw:
                luma1[i, j] += 0.25 * _luma(r1, g1, b1)
                luma2[i, j] += 0.25 * _luma(r2, g2, b2)
                share[i, j] += 0.25 * s
                mix_half[i, j, 0] += 0.25 * r
                mix_half[i, j, 1] += 0.25 * g
                mix_half[i, j, 2] += 0.25 * b
    return count


@numba.njit(cache=True, nogil=True, fastmath=True)
def _add_filled(filled, ys, xs, mix, luma1, luma2, mix_half):  # pragma: no cover - compiled
    hh, hw = luma1.shape
    for n in range(ys.shape[0]):
        y = ys[n]
        x = xs[n]
        r = filled[y, x, 0]
        g = filled[y, x, 1]
        b = filled[y, x, 2]
        mix[y, x, 0] = r
        mix[y, x, 1] = g
        mix[y, x, 2] = b
        i = y >> 1
        j = x >> 1
        if i < hh and j < hw:
            lum = 0.25 * _luma(r, g, b)
            luma1[i, j] += lum
            luma2[i, j] += lum
            mix_half[i, j, 0] += 0.25 * r
            mix_half[i, j, 1] += 0.25 * g
            mix_half[i, j, 2] += 0.25 * b


@dataclass
class Mix:
    """The two halves mixed (``image``, full size) and the half-size statistics of the mix."""

    image: np.ndarray
    luma1: np.ndarray
    luma2: np.ndarray
    share: np.ndarray
    image_half: np.ndarray


def compose_halves(
    colour: np.ndarray,
    inside: np.ndarray,
    start: np.ndarray,
    rate: np.ndarray,
    first: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    second: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    *,
    phase: float,
) -> tuple[Mix, np.ndarray, int]:
    """Weigh and mix the halves; ``first`` and ``second`` are (moved image, holes, coverage, ramp).

    ``colour`` is the still photo. The backward half's loop weight at a pixel is
    ``clip((phase - start) * rate, 0, 1)``: ``phase`` is t / N, ``start`` and ``rate`` (H, W) float32 when
    and how fast the pixel crossfades (see .schedule; start = 0 and rate = 1 is a global crossfade). a coverage is
    the smoothed coverage of :mod:`.coverage`, at full size; a ramp is uint8, 255 * the fraction of known
    pixels around (255 where the half has no hole nearby). ``first``'s image is updated in place: the
    still photo outside the region, the other half's colours at its holes, so it can serve the fill.
    Returns the mix, the pixels neither half covers, and their count.
    """
    h, w = inside.shape
    hh, hw = max(h // 2, 1), max(w // 2, 1)
    mix = Mix(
        np.empty((h, w, 3), np.float32), np.zeros((hh, hw), np.float32), np.zeros((hh, hw), np.float32),
        np.zeros((hh, hw), np.float32), np.zeros((hh, hw, 3), np.float32),
    )  # fmt: skip
    targets = np.empty((h, w), np.bool_)
    count = _compose(
        colour, inside, start, rate, np.float32(phase), *first, *second,
        mix.image, mix.luma1, mix.luma2, mix.share, mix.image_half, targets,
    )  # fmt: skip
    return mix, targets, int(count)


def add_filled(mix: Mix, filled: np.ndarray, targets: np.ndarray) -> None:
    """Put the filled pixels ``targets`` of ``filled`` (H, W, 3) into the mix and its statistics."""
    ys, xs = np.nonzero(targets)
    _add_filled(filled, ys, xs, mix.image, mix.luma1, mix.luma2, mix.image_half)
