"""``--border fill``: the margin a path reveals is outpainted once per shot instead of cropped away."""

from __future__ import annotations

import numpy as np
import pytest

from stillmotion.api import AnimateConfig, plan
from stillmotion.errors import InputError
from stillmotion.inpaint.outpaint import continue_colour, extend_photo, padded_fov_deg
from stillmotion.types import Depth, DepthKind, Intrinsics

from .conftest import stripes


def test_padding_keeps_the_focal_length():
    fov = padded_fov_deg(640, 480, 55.0, 40)
    assert fov > 55.0
    assert Intrinsics.from_fov(720, 560, fov).fx == pytest.approx(Intrinsics.from_fov(640, 480, 55.0).fx)


def test_extend_photo_keeps_the_photo_and_fills_the_margin():
    image = stripes(48, 64)
    q = np.tile(np.linspace(0.2, 1.0, 48, dtype=np.float32)[:, None], (1, 64))
    out, q_out = extend_photo(image, q, 10, trim_px=2)
    assert out.shape == (68, 84, 3) and q_out.shape == (68, 84)
    # the photo is kept, but for its outermost 2 pixels (re-synthesised: photos often have a frame line)
    assert np.array_equal(out[12:56, 12:72], image[2:-2, 2:-2]) and np.array_equal(q_out[12:56, 12:72], q[2:-2, 2:-2])
    assert np.isfinite(out).all() and out.min() >= 0 and out.max() <= 1
    assert q_out.min() > 0
    # the margin continues the stripes: their average colour (the structure, smooth) with their contrast
    # in lightness (the texture's grain), not a flat smear
    margin = np.ones((68, 84), bool)
    margin[12:56, 12:72] = False
    assert np.abs(out[margin].mean(axis=0) - image.mean(axis=(0, 1))).max() < 0.05
    luma = np.array([0.299, 0.587, 0.114], np.float32)
    assert (out[margin] @ luma).std() > 0.5 * (image @ luma).std()


def _scene(texture):
    h, w = texture.shape[:2]
    inv = np.linspace(0.1, 0.7, h, dtype=np.float32)[:, None].repeat(w, axis=1)
    inv[14:34, 22:42] = 1.0
    return texture, Depth(inv, DepthKind.INVERSE)


@pytest.mark.parametrize("motion", ["zoom_out", "pan_right"])
def test_fill_keeps_the_full_frame(texture, motion):
    image, depth = _scene(texture)
    crop = plan(image, depth, AnimateConfig(motion=motion, duration_s=0.5, fps=4, size="64x48"))
    fill = plan(image, depth, AnimateConfig(motion=motion, duration_s=0.5, fps=4, size="64x48", border="fill"))
    assert crop.crop > 1.02  # the spine crops in to hide what lies beyond the photo
    assert fill.crop < crop.crop - 0.02  # the filled border lets the frame stay wider
    for state in fill.states():
        result = fill.render(state)
        assert result.holes.mean() < 0.002 and np.isfinite(result.image).all()


def test_unknown_border_mode(texture):
    image, depth = _scene(texture)
    with pytest.raises(InputError, match="border"):
        plan(image, depth, AnimateConfig(motion="zoom_out", duration_s=0.5, fps=4, size="64x48", border="wrap"))


def test_a_frame_line_at_the_photo_edge_is_not_extended():
    image = stripes(48, 64)
    image[:2, :] = image[-2:, :] = image[:, :2] = image[:, -2:] = 0.39  # a grey scanner frame
    q = np.full((48, 64), 0.5, np.float32)
    out, _ = extend_photo(image, q, 8, trim_px=2)
    grey = np.all(np.abs(out - 0.39) < 0.03, axis=2)
    assert grey.mean() < 0.01


def test_a_figure_near_the_edge_is_not_mirrored_into_the_margin():
    rng = np.random.default_rng(1)
    image = (0.25 + 0.1 * rng.random((96, 128, 3))).astype(np.float32)  # a dark, grainy ground
    image[12:36, 50:78] = (0.95, 0.1, 0.1)  # a red figure a little below the top edge
    q = np.full((96, 128), 0.5, np.float32)
    out, _ = extend_photo(image, q, 20, trim_px=2)
    top = out[:20]  # the margin above the figure (a mirrored start would put the figure there again)
    red = (top[:, :, 0] > 0.6) & (top[:, :, 1] < 0.3)
    assert red.mean() < 0.02
    # and the margin is ground texture, not a flat smear
    assert top.std(axis=(0, 1)).mean() > 0.4 * image[40:, :].std(axis=(0, 1)).mean()


def test_margin_depth_continues_the_edge_smoothly():
    from stillmotion.inpaint.outpaint import continue_depth

    q = np.tile(np.linspace(0.2, 1.0, 64, dtype=np.float32)[None, :], (48, 1))
    q[:, 30:34] = 2.0  # a near post touching the top and bottom edges
    out = continue_depth(q, 16)
    assert np.array_equal(out[16:64, 16:80], q)
    # continuous at the edge, smoother farther out, never beyond the edge's range
    assert np.abs(out[15, 16:80] - q[0]).max() < 0.2
    assert out[0, 16:80].std() < out[15, 16:80].std()
    assert out.min() >= q.min() - 1e-6 and out.max() <= q.max() + 1e-6


def test_smooth_margin_continues_the_edge_and_then_fades_to_the_surroundings():
    # a photo of two flat halves (blue above, orange below) with a white line along rows 19-21
    image = np.empty((48, 64, 3), np.float32)
    image[:24], image[24:] = (0.1, 0.2, 0.8), (0.9, 0.5, 0.1)
    image[19:22] = 1.0
    pad = 16
    hole = np.ones((48 + 2 * pad, 64 + 2 * pad), bool)
    hole[pad:-pad, pad:-pad] = False
    padded = np.pad(image, ((pad, pad), (pad, pad), (0, 0)), mode="edge")
    out = continue_colour(padded, hole, fade_px=8.0)
    assert np.array_equal(out[~hole], padded[~hole])
    right = out[pad:-pad, -pad:]  # the right margin, rows of the photo
    # near the edge the line and the halves go on along their rows
    assert np.all(right[20, :2] > 0.8)
    assert np.abs(right[8, :4] - image[8, -1]).max() < 0.05 and np.abs(right[40, :4] - image[40, -1]).max() < 0.05
    # the farther out, the more of the surroundings: the line fades (a row copy would keep it white)
    assert right[20, -1].min() < 0.7


def test_the_margin_takes_no_shape_of_the_photo_but_its_grain():
    # a grey photo with fine noise and one high-contrast red square near the edge: the patch fill may copy
    # the square into the margin; the margin keeps the grey with its grain, and no red shape
    rng = np.random.default_rng(3)
    image = np.clip(0.5 + 0.04 * rng.standard_normal((64, 80, 1)), 0, 1).repeat(3, axis=2).astype(np.float32)
    image[26:38, 58:72] = (0.9, 0.05, 0.05)
    q = np.ones((64, 80), np.float32)
    out, _ = extend_photo(image, q, 12, trim_px=0)
    margin = np.ones(out.shape[:2], bool)
    margin[12:-12, 12:-12] = False
    rows_far = np.r_[0:12, 52:76]  # the margin beside the grey rows, away from the square's rows
    far = out[rows_far][margin[rows_far]]
    assert np.abs(far.mean(axis=0) - 0.5).max() < 0.05
    assert np.max(far[:, 0] - far[:, 1]) < 0.25  # no red copied there
    assert 0.3 * 0.04 < far[:, 1].std() < 3 * 0.04  # the grain goes on
