"""Quadratic motion in clips: the frames around a pair tell how motion speeds up between them."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from stillmotion.interpolate import create_interpolator
from stillmotion.interpolate.clip import interpolate_clip
from stillmotion.interpolate.timeline import output_times

from .test_clip import _Counting


def _texture(h=120, w=240, seed=3):
    rng = np.random.default_rng(seed)
    noise = rng.random((h // 4, w // 4, 3)).astype(np.float32)
    return cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC).clip(0, 1)


def _moving(positions, h=72, w=96):
    """Frames of a texture translated to ``positions`` (x, in pixels; y moves at half that)."""
    big = _texture()
    frames = []
    for x in positions:
        m = np.float32([[1, 0, -(40 + x)], [0, 1, -(20 + 0.5 * x)]])
        frames.append(cv2.warpAffine(big, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT))
    return frames


def _psnr(a, b, margin=12):
    d = (np.clip(a, 0, 1) - b)[margin:-margin, margin:-margin]
    return 10 * np.log10(1.0 / np.mean(d**2))


def _half_rate_scores(positions):
    """The even frames as a clip, doubled; PSNR of each new odd frame, in the clip (quadratic) and from
    its two frames alone (straight lines)."""
    frames = _moving(positions)
    clip = frames[::2]
    interpolator = create_interpolator("splat", flow="dis")
    out = list(interpolate_clip(iter(clip), list(output_times(len(clip), factor=2)), interpolator, workers=1))
    in_clip = [_psnr(out[2 * k + 1], frames[2 * k + 1]) for k in range(len(clip) - 1)]
    two_frame = [_psnr(create_interpolator("splat", flow="dis").interpolate(clip[k], clip[k + 1], [0.5])[0],
                       frames[2 * k + 1]) for k in range(len(clip) - 1)]  # fmt: skip
    return np.array(in_clip), np.array(two_frame)


def test_accelerating_motion_is_followed_in_a_clip():
    accel = 0.25  # px per frame^2: the half-rate clip's middle frames are 0.5 px off a straight line
    positions = [1.0 * k + 0.5 * accel * k * k for k in range(9)]
    in_clip, two_frame = _half_rate_scores(positions)
    assert np.all(in_clip > two_frame + 3.0), (in_clip, two_frame)  # end pairs included (one-sided)


def test_uniform_motion_is_not_bent():
    positions = [3.0 * k for k in range(9)]
    in_clip, two_frame = _half_rate_scores(positions)
    assert np.all(in_clip > 45.0) and np.all(in_clip > two_frame - 1.5), (in_clip, two_frame)


def test_a_neighbour_from_another_shot_is_ignored():
    """A cut just before the pair: the frame before shows something else, so its flow (consistent or
    not) must not bend the pair's motion."""
    frames = _moving([3.0 * k for k in range(3)])
    other = _texture(seed=11)[:72, :96].copy()
    clip = [other, frames[0], frames[2]]
    out = list(interpolate_clip(iter(clip), [1.0, 1.5, 2.0], create_interpolator("splat", flow="dis"), workers=1))
    alone = create_interpolator("splat", flow="dis").interpolate(frames[0], frames[2], [0.5])[0]
    assert _psnr(out[1], frames[1]) > _psnr(alone, frames[1]) - 1.0


@pytest.mark.parametrize("workers", [1, 2])
def test_a_clip_gives_each_pair_its_neighbours_and_estimates_each_flow_once(workers):
    frames = _moving([2.0 * k for k in range(5)])
    for k, f in enumerate(frames):
        f[0, 0, 0] = k / 10  # tag
    inner = create_interpolator("splat", flow="dis")
    counting = _Counting(inner)
    out = list(interpolate_clip(iter(frames), list(output_times(5, factor=2)), counting, workers=workers))
    assert len(out) == 9
    def tag(value):
        return None if value is None else round(value, 2)

    by_pair = {tag(c[0]): tuple(map(tag, n)) for c, n in zip(counting.calls, counting.neighbours)}
    assert by_pair == {0.0: (None, 0.2), 0.1: (0.0, 0.3), 0.2: (0.1, 0.4), 0.3: (0.2, None)}
    assert inner.pair_flow.estimates == 4, "the neighbours' flows come from the cache"
