"""Snapping estimated depth ramps onto the side of the edge the colour belongs to."""

import numpy as np

from stillmotion.render.depth_prep import sharpen_depth_edges


def _subject_and_wall(offset: int):
    """A red subject (columns < 20) before a white wall; the depth's edge, a 3-px ramp, starts
    ``offset`` columns inside the subject (as an estimated edge that missed the colour edge)."""
    h, w = 16, 40
    image = np.ones((h, w, 3), np.float32)
    image[:, :20] = (0.9, 0.2, 0.1)
    q = np.full((h, w), 0.2, np.float32)
    edge = 20 - offset
    q[:, :edge] = 1.0
    q[:, edge : edge + 3] = np.linspace(0.8, 0.4, 3, dtype=np.float32)
    return image, q


def test_colour_puts_subject_pixels_on_the_near_side():
    image, q = _subject_and_wall(offset=3)
    snapped = sharpen_depth_edges(q, radius=2, image=image)
    assert np.all(snapped[:, :20] >= np.float32(0.8))  # every red pixel is on the subject's side
    assert np.all(snapped[:, 20:] == np.float32(0.2))  # every wall pixel as far as the wall
    by_depth = sharpen_depth_edges(q, radius=2)
    assert np.all(by_depth[:, 19] == np.float32(0.2))  # by depth alone, the subject's edge stays on the wall


def test_no_colour_contrast_falls_back_to_depth():
    image, q = _subject_and_wall(offset=2)
    grey = np.full_like(image, 0.5)
    assert np.array_equal(sharpen_depth_edges(q, radius=2, image=grey), sharpen_depth_edges(q, radius=2))


def test_flat_depth_is_untouched():
    image, _ = _subject_and_wall(offset=0)
    q = np.linspace(0.5, 0.52, 40, dtype=np.float32)[None].repeat(16, axis=0)
    assert np.array_equal(sharpen_depth_edges(q, radius=2, image=image), q)


def test_a_wide_ramp_is_not_cut_into_a_staircase():
    q = np.full((16, 64), 0.2, np.float32)
    q[:, 40:] = 1.0
    q[:, 16:40] = np.linspace(0.2, 1.0, 26, dtype=np.float32)[1:-1]  # 24 px wide
    out = sharpen_depth_edges(q, radius=1)
    assert np.array_equal(out, q)
    narrow = np.full((16, 64), 0.2, np.float32)
    narrow[:, 33:] = 1.0
    narrow[:, 32] = 0.7
    snapped = sharpen_depth_edges(narrow, radius=1)
    assert set(np.unique(snapped).tolist()) == {np.float32(0.2), np.float32(1.0)}
