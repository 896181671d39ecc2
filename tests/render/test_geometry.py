"""The renderer's maths: projection, identity, parallax of a plane, occlusion, cracks, tears."""

from __future__ import annotations

import numpy as np

from stillmotion.render.renderer import render
from stillmotion.render.scene import build_scene, unproject
from stillmotion.types import CameraState, Depth, DepthKind, Intrinsics


def _project(points: np.ndarray, intr: Intrinsics) -> np.ndarray:
    x = intr.fx * points[..., 0] / points[..., 2] + intr.cx
    y = intr.fy * points[..., 1] / points[..., 2] + intr.cy
    return np.stack([x, y], axis=-1)


def test_project_of_unproject_is_identity():
    intr = Intrinsics.from_fov(40, 30, 55.0)
    rng = np.random.default_rng(0)
    q = (0.2 + rng.random((30, 40))).astype(np.float32)
    uv = _project(unproject(q, intr).astype(np.float64), intr)
    xs, ys = np.meshgrid(np.arange(40), np.arange(30))
    assert np.allclose(uv[..., 0], xs, atol=1e-4)
    assert np.allclose(uv[..., 1], ys, atol=1e-4)
    assert np.allclose(unproject(q, intr)[..., 2], 1.0 / q, rtol=1e-6)


def test_identity_pose_reproduces_photo(texture):
    h, w = texture.shape[:2]
    intr = Intrinsics.from_fov(w, h, 55.0)
    rng = np.random.default_rng(1)
    q = (0.3 + 0.5 * rng.random((h, w))).astype(np.float32)
    scene = build_scene(texture, q, intr, parallax_gain_px=0.0)
    out = render(scene, CameraState(), intr)
    assert not out.holes.any()
    assert np.abs(out.image - texture).max() < 1e-4
    assert np.allclose(out.inverse_depth, q, rtol=1e-4)


def test_translating_over_a_fronto_parallel_plane_shifts_by_disparity(texture):
    h, w = texture.shape[:2]
    intr = Intrinsics.from_fov(w, h, 55.0)
    disparity = 5.0  # pixels for a baseline of 1
    q = np.full((h, w), disparity / intr.fx, np.float32)
    scene = build_scene(texture, q, intr, parallax_gain_px=intr.fx * 1.0)
    out = render(scene, CameraState(x=1.0), intr)
    # a left pixel (x, y) lands at (x - d, y): output column x shows source column x + d
    d = int(disparity)
    assert not out.holes[:, : w - d].any()
    assert np.abs(out.image[:, : w - d] - texture[:, d:]).max() < 1e-4


def test_nearer_surface_wins_and_edges_tear():
    h, w = 40, 60
    intr = Intrinsics.from_fov(w, h, 55.0)
    image = np.zeros((h, w, 3), np.float32)
    image[..., 2] = 1.0  # blue far wall
    q = np.full((h, w), 2.0 / intr.fx, np.float32)  # disparity 2
    box = (slice(10, 30), slice(20, 40))
    image[box] = (1.0, 0.0, 0.0)  # red near box
    q[box] = 12.0 / intr.fx  # disparity 12
    scene = build_scene(image, q, intr, parallax_gain_px=intr.fx * 1.0)
    out = render(scene, CameraState(x=1.0), intr)
    # the near box moved 12 px left and covers the wall there
    assert np.allclose(out.image[15:25, 9:27], (1.0, 0.0, 0.0), atol=1e-4)
    # what the box uncovered (its old right part, shifted by the wall's 2 px) is wall, not a red smear
    revealed = out.image[12:28, 30:36]
    assert revealed[..., 0].max() < 0.05, "foreground colour leaked into the revealed area"
    assert revealed[..., 2].min() > 0.9


def test_no_cracks_when_magnifying(texture):
    h, w = texture.shape[:2]
    intr = Intrinsics.from_fov(w, h, 55.0)
    q = np.linspace(0.4, 1.0, h, dtype=np.float32)[:, None].repeat(w, axis=1)  # a slanted ground plane
    scene = build_scene(texture, q, intr, parallax_gain_px=intr.fx * 0.3)
    out = render(scene, CameraState(z=0.3), Intrinsics(intr.fx * 1.6, intr.fy * 1.6, intr.cx, intr.cy, w, h))
    assert not out.holes.any()


def test_disparity_zero_is_unknown_and_filled_from_background():
    from stillmotion.render.depth_prep import inverse_depth

    values = np.full((20, 20), 4.0, np.float32)
    values[:, 10:] = 10.0
    values[5:15, 8:12] = 0.0  # unknown, straddling the edge
    depth = Depth(values, DepthKind.DISPARITY, values > 0)
    q = inverse_depth(depth, focal_px=100.0)
    assert np.isfinite(q).all() and (q > 0).all()
    # filled with the farther (smaller disparity) neighbour, never rendered infinitely far
    assert np.allclose(q[5:15, 8:12], 4.0 / 100.0)


def test_a_camera_in_the_plane_of_the_near_surface_draws_only_what_lies_ahead(texture):
    # a near box (z = 1) before a far wall (z = 4); the camera steps forward exactly onto the box's plane:
    # its vertices have z = 0 in the camera and are clipped, not divided by zero; the wall is still drawn
    h, w = texture.shape[:2]
    intr = Intrinsics.from_fov(w, h, 55.0)
    q = np.full((h, w), 0.25, np.float32)
    q[h // 3 : 2 * h // 3, w // 3 : 2 * w // 3] = 1.0
    scene = build_scene(texture, q, intr, parallax_gain_px=0.0)
    out = render(scene, CameraState(z=1.0), intr)
    assert np.isfinite(out.image).all()
    assert out.inverse_depth.max() < 0.5  # the box lies in the camera's plane: nothing of it is drawn
    assert (out.inverse_depth > 0).mean() > 0.5  # the wall ahead fills most of the frame


def test_a_torn_seam_shows_its_two_sides_not_what_lies_behind_the_far_one():
    """A subject on the ground in front of a wall: a seam one or two pixels wide along the subject's torn
    outline shows the subject and the ground around it, not the background layer (which holds what lies
    behind them: DAVIS showed tan dots of wall along the jeans over the gravel); a wider reveal does."""
    import dataclasses

    h, w = 60, 80
    intr = Intrinsics.from_fov(w, h, 55.0)
    image = np.empty((h, w, 3), np.float32)
    q = np.empty((h, w), np.float32)
    image[:20], q[:20] = (0.9, 0.9, 0.9), 0.1  # a wall, far
    image[20:], q[20:] = (0.5, 0.5, 0.5), 0.5  # grey ground in front of it
    image[30:50, 30:50], q[30:50, 30:50] = (0.0, 0.0, 1.0), 1.0  # a blue subject on the ground
    scene = build_scene(image, q, intr, parallax_gain_px=60.0)
    assert len(scene.layers) > 1
    atlas = scene.atlas.copy()
    atlas[:, w:] = (1.0, 0.0, 0.0)  # paint what the background layers show red
    scene = dataclasses.replace(scene, atlas=atlas)

    def red_pixels(dx: float) -> int:
        out = render(scene, CameraState(x=dx / (0.5 * intr.fx)), intr)  # the subject moves dx px over the ground
        near = out.image[26:54, 24:56]
        assert np.isfinite(out.image).all()
        return int((near[..., 0] - near[..., 1] > 0.05).sum())  # blue, grey and their mixtures: red = green

    assert [red_pixels(dx) for dx in (0.3, 0.6, 1.0)] == [0, 0, 0]  # seams: the two sides
    assert red_pixels(4.0) > 20  # a real reveal beside the subject: the background layer


def test_rows_under_letterbox_bars_are_not_filled_but_copy_the_nearest_seen_row(texture):
    # a shot framed for its bars may look past the photo's top under the top bar: filling that hole (an
    # inpainting of a quarter of the frame) made a 1024x1024 scope frame six times slower
    h, w = texture.shape[:2]
    intr = Intrinsics.from_fov(w, h, 55.0)
    disparity = 6.0
    q = np.full((h, w), disparity / intr.fx, np.float32)
    scene = build_scene(texture, q, intr, parallax_gain_px=intr.fx * 1.0)
    state = CameraState(y=-1.0)  # the camera rises: the top 6 rows look past the photo's top
    plain = render(scene, state, intr)
    assert plain.holes[:6].all() and not plain.holes[6:].any()
    seen = (8, h - 8)
    barred = render(scene, state, intr, seen_rows=seen)
    np.testing.assert_array_equal(barred.image[6:], plain.image[6:])  # the band, and the photo under the bars
    np.testing.assert_array_equal(barred.inverse_depth[6:], plain.inverse_depth[6:])
    np.testing.assert_array_equal(barred.image[:6], np.broadcast_to(barred.image[8], (6, w, 3)))
    np.testing.assert_array_equal(barred.inverse_depth[:6], np.broadcast_to(barred.inverse_depth[8], (6, w)))
