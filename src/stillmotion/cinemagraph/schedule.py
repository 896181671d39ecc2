"""When each pixel of a loop crossfades from the forward half to the backward half.

A global crossfade (weight ``t / N`` everywhere) mixes two unrelated textures over the whole region in the
middle of the loop: a double exposure of foam and ripples. Instead, each pixel x crossfades around its own
time ``tau(x) * N``, over ``ramp * N`` frames, so at any time most pixels show one half only.

``tau`` follows where each half is sound. The forward half at x, frame t, shows material that came from
upstream (``-M`` integrated over t steps); it is stretched or holed once that material came from where the
field is much slower (the faded border of the region, where nothing flows in), from an island under which
the flow passes (no material there) or from beyond the photo, and squeezed (or, in a photo with
perspective, shows texture of the wrong scale) once it came from where the field is much faster: call
that frame ``t_f(x)``. The backward half (moved by ``-M`` over ``N - t`` steps) is sound while its
material, traced downstream over ``N - t`` steps, does not reach such places: for ``t > N - t_b(x)``.

Each pixel crossfades in the middle of the window ``[N - t_b(x), t_f(x)]`` where both halves are sound, at
``tau N = (N - t_b + t_f) / 2`` when that lies inside the window. Where it is empty, the crossfade still
stays inside the wider window in which each half has material at all (its material has not come from
beyond the region or the photo's edge, nor from where the field is more than 4x slower or faster): on the
mountain stream, the near water's backward half had flowed out past the photo's bottom edge while its
forward half came from the slower, farther water, and switching to the backward half at mid-loop showed a
straight seam where its material ended. Near the upstream border of the region
(short ``t_f``) it switches early to the backward half, near the downstream border late; in between the
switch travels along with the flow (particles are traced beyond one loop, so this holds on long reaches
too). Where the window is shorter than ``ramp``, the crossfade is shorter (down to ``min_ramp``). The
crossfade always lies within the loop, so frame 0 is the forward half alone and frame N would be the
backward half alone: the loop stays seamless. Computed once, per particle on a coarse grid (the field is
smooth), then smoothed.
"""

from __future__ import annotations

import cv2
import numba
import numpy as np

from ..imageops import shrunk_size
#: the schedule is computed on a grid at most this many pixels on its long side
_COARSE_SIDE = 256
#: particles are traced over at most this many loop lengths
HORIZON_LOOPS = 2
#: a half is unsound where its material came from where the field is slower than this fraction of the
#: field at the pixel itself (stretched by about the inverse), or faster than its inverse
SLOW_FRACTION = 0.75
#: ... and cannot show anything where its material came from beyond the region or the photo's edge, or from
#: where the field is slower than this fraction (or faster than its inverse): a smear, or no material
HARD_FRACTION = 0.25


@numba.njit(cache=True, nogil=True, fastmath=True, inline="always")
def _bilinear(grid, y, x, c):  # pragma: no cover - compiled
    h, w = grid.shape[0], grid.shape[1]
    y = min(max(y, 0.0), h - 1.0)
    x = min(max(x, 0.0), w - 1.0)
    i0 = min(int(y), h - 2) if h > 1 else 0
    j0 = min(int(x), w - 2) if w > 1 else 0
    i1 = min(i0 + 1, h - 1)
    j1 = min(j0 + 1, w - 1)
    fy = y - i0
    fx = x - j0
    top = grid[i0, j0, c] + fx * (grid[i0, j1, c] - grid[i0, j0, c])
    bottom = grid[i1, j0, c] + fx * (grid[i1, j1, c] - grid[i1, j0, c])
    return top + fy * (bottom - top)


@numba.njit(cache=True, nogil=True, fastmath=True)
def _trace(field, steps, fraction, hard_fraction, soft, hard):  # pragma: no cover - compiled
    # field[..., 0:2] the motion, field[..., 2] its speed, field[..., 3] 1 in the moving region; particles
    # follow the motion (Euler steps, the motion read at the nearest point of the grid beyond its edge).
    # soft: the step at which the speed where the particle is first falls below ``fraction`` or rises above
    # ``1 / fraction`` of the speed where it started; hard: the step at which it leaves the region (an
    # island under which the flow passes has no material to carry) or the grid, or the speed ratio passes
    # ``hard_fraction`` (``steps`` when it never does)
    h, w = soft.shape
    for y in range(h):
        for x in range(w):
            soft[y, x] = steps
            hard[y, x] = steps
            low = field[y, x, 2] * fraction
            high = field[y, x, 2] / fraction
            very_low = field[y, x, 2] * hard_fraction
            very_high = field[y, x, 2] / hard_fraction
            if low <= 0.0:
                continue
            py = np.float32(y)
            px = np.float32(x)
            for k in range(1, steps + 1):
                dx = _bilinear(field, py, px, 0)
                dy = _bilinear(field, py, px, 1)
                px += dx
                py += dy
                if px < 0.0 or py < 0.0 or px > w - 1.0 or py > h - 1.0 or _bilinear(field, py, px, 3) < 0.5:
                    soft[y, x] = min(soft[y, x], k)
                    hard[y, x] = k
                    break
                speed = _bilinear(field, py, px, 2)
                if speed < low or speed > high:
                    soft[y, x] = min(soft[y, x], k)
                if speed < very_low or speed > very_high:
                    hard[y, x] = k
                    break


def sound_frames(field: np.ndarray, region: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """For each pixel, (soft, hard): the number of steps of ``field`` after which the particle starting
    there first reaches a place where the field is slower than ``SLOW_FRACTION`` of its speed at the start
    (or faster than its inverse), and after which it leaves the ``region`` (float, 1 inside) or the grid or
    passes ``HARD_FRACTION`` (``steps`` when it never does)."""
    h, w = field.shape[:2]
    packed = np.empty((h, w, 4), np.float32)
    packed[:, :, :2] = field
    packed[:, :, 2] = np.hypot(field[:, :, 0], field[:, :, 1])
    packed[:, :, 3] = region
    soft = np.empty((h, w), np.float32)
    hard = np.empty((h, w), np.float32)
    _trace(packed, steps, np.float32(SLOW_FRACTION), np.float32(HARD_FRACTION), soft, hard)
    return soft, hard


def coarse_copy(field: np.ndarray, region: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The field (vectors rescaled: pixels of the coarse grid per frame) and the region (float, the share
    of each coarse pixel inside it) on a grid at most ``_COARSE_SIDE`` pixels on its long side."""
    h, w = field.shape[:2]
    size, _ = shrunk_size(field.shape, _COARSE_SIDE, min_side=2)
    factor = np.array([size[0] / w, size[1] / h], np.float32)
    coarse = cv2.resize(field, size, interpolation=cv2.INTER_AREA) * factor
    inside = cv2.resize(region.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    return coarse, inside


def crossfade_times(
    field: np.ndarray, region: np.ndarray, frame_count: int, *, ramp: float, min_ramp: float
) -> tuple[np.ndarray, np.ndarray]:
    """(start, rate) (H, W) float32: pixel x crossfades from ``start(x)`` (fraction of the loop) at
    ``rate(x)`` per loop, i.e. the backward half's weight is ``clip((t / N - start) * rate, 0, 1)``.

    ``field`` (H, W, 2) is the motion in pixels per frame, ``region`` (H, W) bool the pixels that move
    (the material the halves carry). Each crossfade takes ``ramp`` of the loop, less
    (down to ``min_ramp``) where the window in which both halves are sound is shorter (see module doc).
    """
    h, w = field.shape[:2]
    n = frame_count
    coarse, inside = coarse_copy(field, region)
    # traced beyond the loop's length, so that where both halves stay sound the whole loop (long reaches of
    # a slow flow) the crossfade still travels with the flow instead of happening everywhere at once
    horizon = HORIZON_LOOPS * n
    forward_soft, forward_hard = sound_frames(-coarse, inside, horizon)  # the forward half's material, upstream
    backward_soft, backward_hard = sound_frames(coarse, inside, horizon)  # the backward half's, downstream
    smooth = lambda a: cv2.GaussianBlur(a, (0, 0), 1.5)  # noqa: E731
    backward_soft, forward_soft = smooth(backward_soft / n), smooth(forward_soft / n)
    # both halves are sound from lo to hi, and show anything at all from lo_hard to hi_hard: the crossfade
    # is placed in the first window as far as the second allows (a smear or no material is worse than a
    # texture of a slightly different scale)
    lo, hi = np.maximum(1.0 - backward_soft, 0.0), np.minimum(forward_soft, 1.0)
    lo_hard, hi_hard = np.maximum(1.0 - smooth(backward_hard / n), 0.0), np.minimum(smooth(forward_hard / n), 1.0)
    width = np.clip(np.minimum(hi - lo, ramp), min_ramp, ramp)
    tau = (1.0 - backward_soft + forward_soft) / 2.0
    tau = np.minimum(np.maximum(tau, lo + width / 2), hi - width / 2)
    tau = np.minimum(np.maximum(tau, lo_hard + width / 2), hi_hard - width / 2)
    tau = np.clip(tau, width / 2, 1.0 - width / 2)  # frame 0 forward only, frame N backward only
    start = smooth((tau - width / 2).astype(np.float32))
    rate = smooth((1.0 / width).astype(np.float32))
    up = lambda a: cv2.resize(a, (w, h), interpolation=cv2.INTER_LINEAR)  # noqa: E731
    return up(start), up(rate)
