"""Nested depth edges: behind one part of a subject lies the part behind it, not the far background."""

from __future__ import annotations

import numpy as np

from stillmotion.render.band import disocclusion_band
from stillmotion.render.nested import NEAR_PX, behind_nested_edges
from stillmotion.render.renderer import render
from stillmotion.render.scene import TEAR_PX, build_scene
from stillmotion.types import CameraState, Intrinsics

BLUE, GREY, RED = (0.0, 0.0, 1.0), (0.5, 0.5, 0.5), (1.0, 0.0, 0.0)


def _hood_on_a_body(body=(12, 60), hood=(22, 36)):
    """A blue far wall (disparity 2), a grey body in front of it (8) and a red hood on the body (14);
    ``body`` and ``hood`` are their columns."""
    h, w = 48, 72
    intr = Intrinsics.from_fov(w, h, 55.0)
    image = np.empty((h, w, 3), np.float32)
    image[:] = BLUE
    disparity = np.full((h, w), 2.0, np.float32)
    image[6:42, body[0] : body[1]], disparity[6:42, body[0] : body[1]] = GREY, 8.0
    image[14:30, hood[0] : hood[1]], disparity[14:30, hood[0] : hood[1]] = RED, 14.0
    return image, disparity / np.float32(intr.fx), intr


def test_the_part_behind_a_nested_edge_is_what_lies_behind_it():
    image, q, intr = _hood_on_a_body()
    gain = intr.fx * 1.0
    band = disocclusion_band(q, gain=gain, reach=16, tear_px=TEAR_PX)
    q_back = np.where(band, q.min(), q).astype(np.float32)  # the far wall everywhere under the band
    ys, xs, depth, colour, _ = behind_nested_edges(image, q, band, q_back, step=TEAR_PX / gain, gain=gain)
    hood = (ys >= 14) & (ys < 30) & (xs >= 22) & (xs < 36)
    assert hood.sum() > 20
    # under the hood: the body's depth and colour, never the wall's
    np.testing.assert_allclose(depth[hood], 8.0 / intr.fx, rtol=1e-5)
    np.testing.assert_allclose(colour[hood], np.tile(GREY, (hood.sum(), 1)), atol=1e-5)
    # the body's own rim takes the wall's colour right beside the wall only, and keeps the estimate's
    # depth there; the rest of that band is the exemplar fill's
    rim = ~hood
    to_wall = np.minimum.reduce([ys - 6, 41 - ys, xs - 12, 59 - xs])
    assert rim.any() and to_wall[rim].max() <= NEAR_PX
    np.testing.assert_allclose(depth[rim], q_back[ys[rim], xs[rim]])
    np.testing.assert_allclose(colour[rim], np.tile(BLUE, (rim.sum(), 1)), atol=1e-5)


def _narrow_body_moved(hood, x):
    """The frame of a camera moved by ``x`` (baseline 1 apart) before :func:`_hood_on_a_body` with a
    narrow body (columns 20-43), whose whole width lies in the band of its own edges, so the smooth
    background estimate under the hood is the wall."""
    image, q, intr = _hood_on_a_body(body=(20, 44), hood=hood)
    scene = build_scene(image, q, intr, parallax_gain_px=intr.fx * 1.0)
    return render(scene, CameraState(x=x), intr).image


def test_a_camera_move_opens_the_gap_onto_the_body_not_the_wall():
    out = _narrow_body_moved((24, 36), 1.0)
    # the hood's right edge (column 35) moves 14 px left, the body behind it 8: output columns 22..27 of
    # the hood's rows now show what was behind the hood's right part
    gap = out[16:28, 23:27]
    np.testing.assert_allclose(gap, np.broadcast_to(GREY, gap.shape), atol=0.05)


def _red_subject_before_a_wall(right: int, *, edit=None):
    """A red subject (disparity 20, rows 8-39, columns 16 to ``right``) before a blue wall (1), changed by
    ``edit(image, disparity)``; returns what :func:`behind_nested_edges` gives for a move of baseline 1
    with the wall everywhere under the band, and the background estimate."""
    h, w = 48, 72
    intr = Intrinsics.from_fov(w, h, 55.0)
    image = np.empty((h, w, 3), np.float32)
    image[:] = BLUE
    disparity = np.full((h, w), 1.0, np.float32)
    image[8:40, 16:right], disparity[8:40, 16:right] = RED, 20.0
    if edit is not None:
        edit(image, disparity)
    q = disparity / np.float32(intr.fx)
    gain = intr.fx * 1.0
    band = disocclusion_band(q, gain=gain, reach=24, tear_px=TEAR_PX)
    q_back = np.where(band, q.min(), q).astype(np.float32)
    return behind_nested_edges(image, q, band, q_back, step=TEAR_PX / gain, gain=gain), q_back


def test_a_subject_sloping_away_at_its_silhouette_is_not_nested_behind_itself():
    # the subject's last two columns curve away (18.5): a step of more than a pixel of parallax, but the
    # subject's own surface, not a part of it behind another; pulling the layer forward to it would carry
    # red across the revealed wall
    def slope(image, disparity):
        disparity[8:40, 48:50] = 18.5

    (ys, xs, depth, colour, forward), q_back = _red_subject_before_a_wall(50, edit=slope)
    assert len(ys) > 0  # the rims beside the wall still take the wall's colour
    np.testing.assert_allclose(colour, np.tile(BLUE, (len(ys), 1)), atol=1e-5)
    np.testing.assert_allclose(depth, q_back[ys, xs])
    assert not forward.any()


def test_a_lone_intermediate_pixel_lends_neither_its_depth_nor_its_colour():
    # one pixel just inside the subject's right edge at an intermediate depth (14): a nested "surface" too
    # sparse to carry the layer forward, so the colour beyond it (the subject's) must not be painted at
    # the wall's depth either, where it would stay behind on the wall as a speck when the subject moves
    # (the astronaut's hair in a wide `view`)
    def speck(image, disparity):
        image[24, 38], disparity[24, 38] = GREY, 14.0

    (ys, xs, depth, colour, forward), q_back = _red_subject_before_a_wall(40, edit=speck)
    at_wall = np.isclose(depth, q_back[ys, xs])
    assert np.array_equal(at_wall, ~forward)
    assert at_wall.any()  # the rims beside the wall still take the wall's colour
    np.testing.assert_allclose(colour[at_wall], np.tile(BLUE, (at_wall.sum(), 1)), atol=0.3)


def test_a_nested_edge_on_a_sloping_body_at_high_parallax_is_found():
    # a red hood on a grey body whose disparity rises 1.2 px a column (more than a pixel of parallax
    # between neighbours, as an estimated surface has at a large parallax), the hood's right edge a ramp
    # two pixels wide: behind the hood's right part lies the body, not the wall (the astronaut's helmet
    # ring in dolly_zoom showed the wall through its inner edge)
    h, w = 48, 72
    intr = Intrinsics.from_fov(w, h, 55.0)
    image = np.empty((h, w, 3), np.float32)
    image[:] = BLUE
    disparity = np.full((h, w), 2.0, np.float32)
    body = 20.0 + 1.2 * (np.arange(w, dtype=np.float32) - 8.0)
    image[6:42, 8:64], disparity[6:42, 8:64] = GREY, body[8:64]
    image[14:30, 30:44], disparity[14:30, 30:44] = RED, body[30:44] + 20.0
    disparity[14:30, 44], disparity[14:30, 45] = body[44] + 13.0, body[45] + 6.0  # the ramp
    q = disparity / np.float32(intr.fx)
    gain = intr.fx * 1.0
    band = disocclusion_band(q, gain=gain, reach=32, tear_px=TEAR_PX)
    q_back = np.where(band, q.min(), q).astype(np.float32)
    ys, xs, depth, colour, _ = behind_nested_edges(image, q, band, q_back, step=TEAR_PX / gain, gain=gain)
    under = (ys >= 17) & (ys < 27) & (xs >= 38) & (xs < 44)
    assert under.sum() >= 40
    np.testing.assert_allclose(colour[under], np.tile(GREY, (under.sum(), 1)), atol=0.05)
    # the body's depth beside the hood (that of its columns 29..46), neither the hood's own nor the wall's
    assert np.all(depth[under] * intr.fx >= body[29] - 1.0)
    assert np.all(depth[under] * intr.fx <= body[46] + 1.0)


def test_a_nested_strip_does_not_stretch_over_the_wall_beside_the_subject():
    # the hood near the body's right edge: under the hood's right part the body goes on (at the body's
    # depth); under the body's last columns lies the wall. Joined in one layer, the two made a skirt that
    # a move stretched over the wall revealed beside the body (grey on blue); the wall shows there
    out = _narrow_body_moved((30, 40), 2.0)
    # the body's right edge (column 43) moves 16 px left, the wall 4: output columns 29..36 show the wall
    revealed = out[16:28, 29:37]
    np.testing.assert_allclose(revealed, np.broadcast_to(BLUE, revealed.shape), atol=0.05)


def _hood_nested(*, body=(12, 60), hood=(22, 36), gain_baselines=1.0):
    """:func:`behind_nested_edges` on :func:`_hood_on_a_body` for a path of ``gain_baselines`` baselines,
    with the wall everywhere under the band; also the photo's inverse depth and camera."""
    image, q, intr = _hood_on_a_body(body=body, hood=hood)
    gain = intr.fx * gain_baselines
    band = disocclusion_band(q, gain=gain, reach=16, tear_px=TEAR_PX)
    q_back = np.where(band, q.min(), q).astype(np.float32)
    return behind_nested_edges(image, q, band, q_back, step=TEAR_PX / gain, gain=gain), q_back, intr


def test_what_stays_at_the_walls_depth_takes_the_walls_colour_only():
    # a small parallax: the hood's edge opens a gap of under two pixels onto the body, so band pixels two
    # or three pixels inside the hood are not behind the body's reach, yet within NEAR_PX of it. Painted
    # with the body's grey at the wall's depth, they stayed on the wall when the hood moved (the dark
    # specks and brown arc left where the astronaut's hair was)
    (ys, xs, depth, colour, forward), q_back, _ = _hood_nested(gain_baselines=0.3)
    assert forward.any() and not forward.all()
    at_wall = ~forward
    np.testing.assert_allclose(depth[at_wall], q_back[ys[at_wall], xs[at_wall]])
    np.testing.assert_allclose(colour[at_wall], np.tile(BLUE, (at_wall.sum(), 1)), atol=1e-5)


def test_pixels_brought_forward_are_not_averaged_with_those_left_at_the_walls_depth():
    # the hood two columns from the body's right edge: under the hood's right part the body goes on, and
    # under the body's last columns the wall, within one smoothing box of each other. Averaged together,
    # the body's strip came forward only part of the way (a blotch of its colour floating before the wall
    # once the subject moved: the astronaut's suit) and the wall's rim took some of the body's grey
    (ys, xs, depth, colour, forward), q_back, intr = _hood_nested(body=(12, 58), hood=(22, 56))
    assert forward.any() and not forward.all()
    np.testing.assert_allclose(depth[forward] * intr.fx, 8.0, rtol=1e-5)  # the body's disparity
    at_wall = ~forward
    np.testing.assert_allclose(depth[at_wall], q_back[ys[at_wall], xs[at_wall]])
    np.testing.assert_allclose(colour[at_wall], np.tile(BLUE, (at_wall.sum(), 1)), atol=1e-5)
