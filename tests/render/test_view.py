"""``view``: what a move reveals beyond the photo's edge is a continuation of the photo, built once."""

from __future__ import annotations

import numpy as np

from stillmotion.api import render_view
from stillmotion.render.view import prepare_view, revealed_sides, view_scene
from stillmotion.types import CameraState, Depth, DepthKind


def _diagonal(height: int, width: int, period: float = 24.0) -> np.ndarray:
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    t = (0.5 + 0.5 * np.cos(2 * np.pi * (x + y) / period))[:, :, None]
    return (t * np.float32((0.9, 0.7, 0.2)) + (1 - t) * np.float32((0.1, 0.3, 0.6))).astype(np.float32)


def test_the_strip_beyond_the_edge_continues_diagonal_stripes():
    # a flat wall of diagonal stripes, 12 px of disparity: the right view shows 12 px the photo never saw
    h, w, d = 64, 96, 12
    world = _diagonal(h, w + d)
    photo, truth = world[:, :w], world[:, d:]
    view = render_view(photo, Depth(np.full((h, w), float(d), np.float32), DepthKind.DISPARITY), move=(1.0, 0.0, 0.0))
    assert np.abs(view[:, : w - d - 2] - truth[:, : w - d - 2]).max() < 0.02
    strip = np.abs(view[:, w - d :] - truth[:, w - d :]).mean()
    rows = np.abs(np.repeat(photo[:, -1:], d, axis=1) - truth[:, w - d :]).mean()  # each row's edge colour
    assert strip < 0.6 * rows  # the stripes go on along the diagonal, not along the rows


def test_the_scene_is_extended_only_where_the_views_reveal_something():
    h, w = 48, 64
    image = _diagonal(h, w)
    depth = Depth(np.full((h, w), 6.0, np.float32), DepthKind.DISPARITY)
    right = [CameraState(1.0, 0.0, 0.0)]
    q, intr, _ = prepare_view(image, depth, right, fov_deg=55.0)
    assert revealed_sides(q, intr, right, 8) == (0, 0, 0, 8)
    assert revealed_sides(q, intr, [CameraState()], 8) == (0, 0, 0, 0)
    scene, q_out, intr_out = view_scene(image, depth, right, fov_deg=55.0, border="fill")
    # 6 px of disparity: a margin of at least 6 px, on the right only; q and the camera stay the photo's
    assert scene.shape[0] == h and w + 6 <= scene.shape[1] <= w + 12
    assert np.array_equal(scene.atlas[:, :w], image) and q_out.shape == (h, w) and intr_out == intr
    still, _, _ = view_scene(image, depth, [CameraState()], fov_deg=55.0, border="fill")
    assert still.shape == (h, w)


def test_nan_depth_values_are_filled_as_unknown():
    """A NaN in a depth built by hand (valid=None) ended in "the camera turns away from the photo"."""
    h, w = 48, 64
    image = _diagonal(h, w)
    values = np.linspace(0.2, 1.0, h * w, dtype=np.float32).reshape(h, w)
    holed = values.copy()
    holed[20:23, 30:33] = np.nan
    known = values.copy()
    known[20:23, 30:33] = values[19, 30:33]  # the fill from the farthest side (here: above)
    view = render_view(image, Depth(holed, "inverse"), move=(0.02, 0.0, 0.0))
    assert np.isfinite(view).all()
    np.testing.assert_array_equal(view, render_view(image, Depth(known, "inverse"), move=(0.02, 0.0, 0.0)))
