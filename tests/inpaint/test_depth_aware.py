"""Depth-aware filling: background side only, depth filled too."""

from __future__ import annotations

import numpy as np
import pytest

from stillmotion.errors import InputError
from stillmotion.inpaint import inpaint, inpaint_rgbd
from stillmotion.inpaint.depth_aware import background_depth, depth_constraints
from stillmotion.types import Depth, DepthKind

RED = np.array([0.95, 0.05, 0.05], np.float32)


def _reddish(pixels):
    return (pixels[:, 0] > 0.6) & (pixels[:, 1] < 0.3) & (pixels[:, 2] < 0.3)


def test_background_depth_comes_from_the_far_side(layered_scene):
    _, inverse, hole = layered_scene
    filled, gap = background_depth(inverse, hole)
    assert np.allclose(filled[hole], 0.2, atol=1e-4)
    assert np.array_equal(filled[~hole], inverse[~hole])
    assert gap[hole].max() == pytest.approx(0.8, abs=1e-4)


def test_background_depth_interpolates_a_slanted_surface():
    inverse = np.tile(np.linspace(0.1, 0.5, 256, dtype=np.float32), (32, 1))
    hole = np.zeros(inverse.shape, bool)
    hole[10:20, 120:126] = True
    filled, _ = background_depth(inverse, hole)
    assert np.abs(filled[hole] - inverse[hole]).max() < 0.003


def test_foreground_next_to_the_hole_is_excluded(layered_scene):
    _, inverse, hole = layered_scene
    filled, exclude, limit = depth_constraints(inverse, hole, reach_px=8)
    assert exclude[20:76, 52:60].all()  # the block's edge beside the hole
    assert not exclude[:, 72:].any()  # background on the other side stays a source
    assert np.all(limit[hole] < 1.0)


@pytest.mark.parametrize("backend", ["patch", "telea"])
def test_fill_never_copies_the_foreground(layered_scene, backend):
    image, inverse, hole = layered_scene
    filled, depth = inpaint_rgbd(image, hole, inverse, backend=backend)
    assert not _reddish(filled[hole]).any()
    assert np.allclose(depth[hole], 0.2, atol=1e-4)
    assert np.array_equal(filled[~hole], image[~hole])


def test_without_depth_the_foreground_leaks(layered_scene):
    # the scene is a real trap: a fill that ignores depth does copy the red block into the hole
    image, _, hole = layered_scene
    assert _reddish(inpaint(image, hole, backend="telea")[hole]).mean() > 0.05


def test_patch_fill_continues_the_background_texture(layered_scene):
    image, inverse, hole = layered_scene
    from .conftest import stripes

    truth = stripes(96, 128)
    filled = inpaint(image, hole, depth=inverse)
    assert float(np.mean((filled[hole] - truth[hole]) ** 2)) < 0.03


def test_depth_object_in_and_out():
    disparity = np.full((40, 50), 4.0, np.float32)
    disparity[10:30, 10:25] = 12.0
    valid = np.ones_like(disparity, bool)
    valid[0:3, 40:45] = False
    disparity[~valid] = 0.0
    image = np.random.default_rng(0).random((40, 50, 3)).astype(np.float32)
    hole = np.zeros((40, 50), bool)
    hole[10:30, 25:30] = True
    out, depth = inpaint_rgbd(image, hole, Depth(disparity, DepthKind.DISPARITY, valid), backend="telea")
    assert isinstance(depth, Depth) and depth.kind == DepthKind.DISPARITY and depth.valid is None
    assert np.allclose(depth.values[hole], 4.0)
    assert np.allclose(depth.values[0:3, 40:45], 4.0)  # unknown values filled from their surroundings
    metric = Depth(np.where(disparity > 0, 1.0 / np.maximum(disparity, 1e-6), 0).astype(np.float32), DepthKind.METRIC, valid)
    _, depth_m = inpaint_rgbd(image, hole, metric, backend="telea")
    assert depth_m.kind == DepthKind.METRIC and np.allclose(depth_m.values[hole], 0.25, atol=1e-5)


@pytest.mark.parametrize("backend", ["patch", "telea"])
def test_renderer_background_fill_hides_the_foreground(layered_scene, backend):
    # the renderer's call: the hole is the near side of the edge (foreground pixels), to be replaced by
    # what lies behind them; nothing red may remain in it
    from stillmotion.inpaint import fill_behind

    image, inverse, _ = layered_scene
    band = np.zeros(inverse.shape, bool)
    band[20:76, 48:60] = True
    q_back = np.full(inverse.shape, 0.2, np.float32)
    out = fill_behind(image, band, inverse_depth=inverse, background_depth=q_back, backend=backend)
    assert not _reddish(out[band]).any()
    assert np.array_equal(out[~band], image[~band])


def test_a_near_side_behind_the_closest_holes_background_stays_context():
    from stillmotion.inpaint.depth_aware import nearer_than_closest_hole

    # a hole (columns 10-19) whose background lies at 0.4, beside a hill (0.3, columns 20-39) and a
    # post (0.8, columns 40-49) that are both the near side of some edge
    q = np.full((8, 60), 0.1, np.float32)
    q[:, 20:40], q[:, 40:50] = 0.3, 0.8
    hole = np.zeros(q.shape, bool)
    hole[:, 10:20] = True
    limit = np.where(hole, 0.4, np.inf).astype(np.float32)
    candidates = np.zeros(q.shape, bool)
    candidates[:, 5:50] = True
    out = nearer_than_closest_hole(q, hole, limit, candidates)
    assert out[:, 40:50].all()  # the post stands before the hole's background: excluded
    assert not out[:, :40].any()  # the hill behind it stays, and so does the sky (nothing in the hole)


def test_an_h_w_1_depth_is_taken_and_an_empty_mask_returns_new_arrays(layered_scene):
    image, inverse, hole = layered_scene
    # an (H, W, 1) depth was refused as "depth is 128x96 but the photo is 128x96"
    out, depth = inpaint_rgbd(image, hole, inverse[:, :, None], backend="telea")
    expected = inpaint_rgbd(image, hole, inverse, backend="telea")
    np.testing.assert_array_equal(out, expected[0])
    np.testing.assert_array_equal(depth, expected[1])
    with pytest.raises(InputError, match=r"depth has shape \(96, 128, 2\); expected the photo's \(H, W\) = \(96, 128\)"):
        inpaint_rgbd(image, hole, np.dstack([inverse, inverse]))
    empty = np.zeros_like(hole)
    out, depth = inpaint_rgbd(image, empty, inverse)
    assert out is not image and depth is not inverse  # the caller's own depth array came back
    np.testing.assert_array_equal(depth, inverse)
