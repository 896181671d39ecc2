"""A subject's soft fringe goes with the subject: no ghost of its outline stays behind on the wall."""

from __future__ import annotations

import cv2
import numpy as np

from stillmotion.render.fringe import claim_fringe
from stillmotion.render.renderer import render
from stillmotion.render.scene import build_scene
from stillmotion.types import CameraState, Intrinsics

WALL, SUBJECT = np.array([0.85, 0.85, 0.8], np.float32), np.array([0.8, 0.35, 0.1], np.float32)
Q_FAR, Q_NEAR = 0.2, 1.0


def _disk_with_fringe(blur_px: float = 0.0, *, shares=(0.7, 0.45, 0.2), subject=SUBJECT):
    """A 96x128 photo: a ``subject``-coloured (orange) disk on a light wall, its outline a fringe of mixed
    colours, one pixel of each of the subject's ``shares`` (70, 45, 20 %), that the depth leaves on the
    wall, as estimates do."""
    h, w = 96, 128
    yy, xx = np.mgrid[0:h, 0:w]
    radius = np.hypot(yy - 48, xx - 64)
    rings = [radius <= 24 + i for i in range(len(shares) + 1)]
    alpha = np.select(rings, [1.0, *shares], 0.0).astype(np.float32)
    if blur_px:
        alpha = cv2.GaussianBlur((radius <= 24).astype(np.float32), (0, 0), blur_px)
    image = alpha[:, :, None] * subject + (1 - alpha[:, :, None]) * WALL
    q = np.where(radius <= 24, Q_NEAR, Q_FAR).astype(np.float32)
    return image.astype(np.float32), q, radius


def test_the_mixed_pixels_outside_a_depth_edge_join_the_subject():
    image, q, radius = _disk_with_fringe()
    claimed = claim_fringe(q, image, width=4)
    fringe = (radius > 24) & (radius <= 26)  # at least 45 % subject
    assert (claimed[fringe] == Q_NEAR).mean() > 0.95
    # pure wall is never taken, and the subject keeps its own depth
    assert (claimed[radius > 28] == Q_FAR).all()
    assert (claimed[radius <= 24] == Q_NEAR).all()


def test_a_blurred_outline_is_left_to_its_ramp():
    # defocus mixes colours over many pixels with no sharp edge: claiming it would cut the blur into
    # a ragged outline that tears; the renderer stretches such ramps instead
    image, q, radius = _disk_with_fringe(blur_px=6.0)
    np.testing.assert_array_equal(claim_fringe(q, image, width=4), q)


def test_a_photo_without_depth_edges_is_unchanged():
    image, _, _ = _disk_with_fringe()
    q = np.linspace(0.2, 1.0, 96 * 128, dtype=np.float32).reshape(96, 128)
    np.testing.assert_array_equal(claim_fringe(q, image), q)


def test_after_a_move_the_wall_beside_the_subject_shows_no_ghost_of_its_outline():
    image, q, radius = _disk_with_fringe()
    h, w = q.shape
    intr = Intrinsics.from_fov(w, h, 55.0)
    q_scene = claim_fringe(q, image, width=4)
    scene = build_scene(image, q_scene, intr, parallax_gain_px=intr.fx * 0.1)
    # the disk slides left by fx * 0.1 * (1.0 - 0.2) ~ 10 px more than the wall: its right outline's
    # old place is now wall, seen through the gap the move opened
    out = render(scene, CameraState(x=0.1), intr).image
    wall_shift = intr.fx * 0.1 * Q_FAR
    yy, xx = np.mgrid[0:h, 0:w]
    old_outline = np.hypot(yy - 48, xx + wall_shift - 64)
    right = (old_outline > 24.5) & (old_outline <= 26.5) & (xx + wall_shift > 64 + 12) & (np.abs(yy - 48) < 14)
    assert right.sum() > 10
    distance_to_wall = np.linalg.norm(out[right] - WALL, axis=1)
    assert distance_to_wall.max() < 0.12, distance_to_wall.max()


def test_a_faint_fringe_of_dark_hair_goes_with_the_subject():
    # dark hair on a light wall: 8 % of its colour is already 24 levels of 8 bits off the wall. Pixels of
    # 15 and 8 % hair left on the wall drew a faint outline where the astronaut's hair had been
    hair = np.array([0.25, 0.2, 0.05], np.float32)
    image, q, radius = _disk_with_fringe(shares=(0.45, 0.15, 0.08), subject=hair)
    claimed = claim_fringe(q, image, width=4)
    np.testing.assert_array_equal(claimed[(radius > 24) & (radius <= 27)], Q_NEAR)
    assert (claimed[radius > 28] == Q_FAR).all()


def test_the_walls_own_grain_beside_a_subject_stays_on_the_wall():
    # a wall with a little grain (1 % noise) by the disk's outline: none of it joins the subject
    image, q, radius = _disk_with_fringe(shares=())
    grain = np.random.default_rng(0).normal(0.0, 0.01, image.shape).astype(np.float32)
    image = np.where((radius > 24)[:, :, None], image + grain, image)
    claimed = claim_fringe(q, image, width=4)
    assert (claimed[radius > 25] == Q_FAR).all()


def _ring_on_a_wall():
    """A 96x128 photo: a lavender ring around a dark centre on a light wall. The ring's depth is a steep
    but continuous slope (0.5 at its rim up to 0.6 at the centre), with a sharp colour edge inside it."""
    h, w = 96, 128
    yy, xx = np.mgrid[0:h, 0:w]
    radius = np.hypot(yy - 48, xx - 64)
    ring, centre = np.array([0.55, 0.5, 0.65], np.float32), np.array([0.02, 0.02, 0.02], np.float32)
    image = np.where((radius <= 22)[:, :, None], centre, np.where((radius <= 30)[:, :, None], ring, WALL))
    q = np.where(radius <= 22, 0.6, np.where(radius <= 30, 0.6 - 0.1 * (radius - 22) / 8, Q_FAR))
    return image.astype(np.float32), q.astype(np.float32)


def test_a_slope_inside_the_subject_is_not_cut_into_steps():
    # the ring's slope is the subject's own surface, not a fringe beyond its edge: lifting its farther
    # pixels to the nearest depth around them cut it into steps that tore, and the wall showed through
    # the ring as a light echo of its rim (the astronaut's helmet ring in dolly_zoom)
    image, q = _ring_on_a_wall()
    h, w = q.shape
    intr = Intrinsics.from_fov(w, h, 55.0)
    scene = build_scene(image, claim_fringe(q, image, width=4), intr, parallax_gain_px=intr.fx * 0.3, estimated=True)
    shown = render(scene, CameraState(x=0.3), intr).inverse_depth
    subject, wall = shown > 0.4, shown < 0.3
    # wall seen between two parts of the subject along a row, each within 10 px of it
    reach = 10
    pad = np.pad(subject, ((0, 0), (reach, reach)))
    before = np.zeros_like(subject)
    after = np.zeros_like(subject)
    for d in range(1, reach + 1):
        before |= pad[:, reach - d : reach - d + w]
        after |= pad[:, reach + d : reach + d + w]
    assert not (wall & before & after).any(), int((wall & before & after).sum())
