"""When each pixel of a loop crossfades from the forward half to the backward half.

A global crossfade (weight ``t / N`` everywhere) mixes two unrelated textures over the whole region in the
middle of the loop: a double exposure of foam and ripples. Instead, each pixel x crossfades around its own
time ``tau(x) * N``, over ``ramp * N`` frames, so at any time most pixels show one half only.

``tau`` follows where each half is sound. The forward half at x, frame t, shows material that came from
upstream (``-M`` integrated over t steps); it is stretched or holed once that material came from where the
field is much slower (the faded border of the region, where nothing flows in) or from beyond the photo:
call that frame ``t_f(x)``. The backward half (moved by ``-M`` over ``N - t`` steps) is sound while its
material, traced downstream over ``N - t`` steps, does not reach such places: for ``t > N - t_b(x)``.
Each pixel crossfades in the middle of the window ``[N - t_b(x), t_f(x)]`` where both halves are sound,
``tau N = (N - t_b + t_f) / 2``: near the upstream border of the region (short ``t_f``) it switches early to
the backward half, near the downstream border late; in between the switch travels along with the flow.
``tau`` is kept within ``[ramp / 2, 1 - ramp / 2]``, so frame 0 is the forward half alone and frame N
would be the backward half alone: the loop stays seamless. Computed once, on a coarse grid (the field is
smooth), then smoothed.
"""

from __future__ import annotations

import cv2
import numpy as np

from .integrate import euler_step, pixel_grid

#: the schedule is computed on a grid at most this many pixels on its long side
_COARSE_SIDE = 192
#: particles are traced over at most this many loop lengths
HORIZON_LOOPS = 4
#: a half is unsound where its material came from where the field is slower than this fraction of the
#: field at the pixel itself (stretched by about the inverse)
SLOW_FRACTION = 0.5


def _sound_frames(field: np.ndarray, steps: int) -> np.ndarray:
    """For each pixel, the number of steps of ``field`` after which the particle starting there reaches a
    place where the field is slower than ``SLOW_FRACTION`` of its speed at the start, or leaves the grid
    (``steps`` when it never does)."""
    h, w = field.shape[:2]
    speed = np.hypot(field[:, :, 0], field[:, :, 1]).astype(np.float32)
    xs, ys = pixel_grid((h, w))
    limit = speed * np.float32(SLOW_FRACTION)
    frames = np.full((h, w), float(steps), np.float32)
    alive = speed > 0
    disp = np.zeros_like(field)
    for k in range(1, steps + 1):
        disp = euler_step(disp, field, (xs, ys))
        here = cv2.remap(speed, xs + disp[:, :, 0], ys + disp[:, :, 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        ended = alive & (here < limit)
        frames[ended] = k
        alive &= ~ended
        if not alive.any():
            break
    return frames


def crossfade_times(field: np.ndarray, frame_count: int, *, ramp: float) -> np.ndarray:
    """``tau`` (H, W) float32: the fraction of the loop at which each pixel crossfades (see module doc).

    ``field`` (H, W, 2) is the motion in pixels per frame; ``ramp`` the fraction of the loop each pixel's
    crossfade takes (in (0, 1]).
    """
    h, w = field.shape[:2]
    n = frame_count
    scale = min(1.0, _COARSE_SIDE / max(h, w))
    size = (max(2, round(w * scale)), max(2, round(h * scale)))
    factor = np.array([size[0] / w, size[1] / h], np.float32)
    coarse = cv2.resize(field, size, interpolation=cv2.INTER_AREA) * factor
    # traced beyond the loop's length, so that where both halves stay sound the whole loop (long reaches of
    # a slow flow) the crossfade still travels with the flow instead of happening everywhere at once
    horizon = HORIZON_LOOPS * n
    forward_sound = _sound_frames(-coarse, horizon)  # the forward half's material, traced upstream
    backward_sound = _sound_frames(coarse, horizon)  # the backward half's, traced downstream
    tau = (n - backward_sound + forward_sound) / (2.0 * n)
    tau = cv2.GaussianBlur(tau, (0, 0), 1.5)
    tau = np.clip(tau, ramp / 2, 1.0 - ramp / 2).astype(np.float32)
    return cv2.resize(tau, (w, h), interpolation=cv2.INTER_LINEAR)
