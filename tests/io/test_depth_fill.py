"""fill_invalid: unknown depth is taken from the background side, never left unknown or infinitely far."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stillmotion.io import fill_invalid, read_depth
from stillmotion.types import Depth, DepthKind

ROOT = Path(__file__).resolve().parents[2]
DATA = next((p for p in (ROOT.parent / "shared" / "data", ROOT.parents[1] / "shared" / "data") if p.is_dir()), None)


def _occlusion_scene(kind):
    """Background at 10, a foreground box at 40 (disparity) with an unknown strip at its left edge."""
    near, far = (40.0, 10.0) if kind != DepthKind.METRIC else (2.0, 10.0)
    values = np.full((40, 60), far, np.float32)
    values[10:30, 30:50] = near
    valid = np.ones((40, 60), bool)
    valid[5:35, 24:30] = False  # beside the box: occluded background
    values[~valid] = 0.0
    return Depth(values, kind, valid)


@pytest.mark.parametrize("kind", [DepthKind.DISPARITY, DepthKind.INVERSE, DepthKind.METRIC])
def test_unknown_strip_beside_an_edge_gets_the_background(kind):
    depth = _occlusion_scene(kind)
    before = depth.values.copy()
    out = fill_invalid(depth)
    assert out.valid is None and out.kind == kind
    np.testing.assert_array_equal(out.values[depth.valid], depth.values[depth.valid])
    np.testing.assert_array_equal(out.values[~depth.valid], 10.0)  # background; never 0 (infinitely far)
    np.testing.assert_array_equal(depth.values, before)  # input untouched


def test_hole_inside_a_surface_takes_that_surface():
    values = np.full((40, 60), 10.0, np.float32)
    values[5:35, 10:50] = 40.0
    valid = np.ones_like(values, bool)
    valid[15:25, 25:35] = False  # a specular hole in the foreground object
    out = fill_invalid(Depth(np.where(valid, values, 0), DepthKind.DISPARITY, valid))
    np.testing.assert_array_equal(out.values[15:25, 25:35], 40.0)


def test_regions_without_known_lines_are_filled_in_later_passes():
    values = np.linspace(1, 2, 30 * 30, dtype=np.float32).reshape(30, 30)
    valid = np.ones((30, 30), bool)
    valid[:5, :] = False
    valid[:, :5] = False  # the corner (0, 0) has no known value on its row or its column
    out = fill_invalid(Depth(np.where(valid, values, 0), DepthKind.INVERSE, valid))
    assert np.isfinite(out.values).all()
    known = values[valid]
    assert out.values.min() >= known.min() and out.values.max() <= known.max()


def test_fully_known_depth_is_unchanged():
    d = Depth(np.random.default_rng(0).random((8, 9)).astype(np.float32) + 1, DepthKind.METRIC)
    assert fill_invalid(d) is d
    everything = Depth(d.values, d.kind, np.ones((8, 9), bool))
    out = fill_invalid(everything)
    assert out.valid is None and np.array_equal(out.values, d.values)


def test_middlebury_unknown_disparity_is_filled_from_the_far_side():
    path = (DATA or ROOT) / "middlebury_stereo_cones" / "gt_disp_left.tif"
    if not path.exists():
        pytest.skip("shared Middlebury data absent")
    depth = read_depth(path, "disparity")
    out = fill_invalid(depth)
    holes = ~depth.valid
    assert out.values.min() > 0  # nothing left at disparity 0 = infinitely far
    # background side: a filled value is at most the median of the known values around it, nearly always
    import cv2

    known = np.where(depth.valid, depth.values, np.nan)
    pad = 6
    padded = cv2.copyMakeBorder(known, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, (2 * pad + 1, 2 * pad + 1))[holes]
    flat = windows.reshape(len(windows), -1)
    some = np.isfinite(flat).any(axis=1)
    medians = np.full(len(flat), np.inf, np.float32)
    medians[some] = np.nanmedian(flat[some], axis=1)
    ok = out.values[holes] <= medians + 0.25
    assert ok.mean() > 0.98  # nearest-neighbour filling scores about 0.96, foreground-side filling 0.73
