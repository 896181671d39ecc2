"""Snapping estimated depth ramps onto the side of the edge the colour belongs to."""

import numpy as np
import pytest

from stillmotion.render.depth_prep import sharpen_depth_edges
from stillmotion.types import Depth, DepthKind


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


@pytest.mark.parametrize("kind", [DepthKind.METRIC, DepthKind.DISPARITY])
def test_a_few_spikes_in_an_absolute_map_do_not_set_the_scale(texture, kind):
    # 9 noisy pixels (1 cm before a scene at 1-20 m) stopped zoom_in ("behind the photo's surface") and gave
    # pan_left 2400 px of parallax
    from stillmotion.api import AnimateConfig, animate_frames
    from stillmotion.render.depth_prep import SPIKE_FACTOR, inverse_depth

    import cv2

    texture = cv2.resize(texture, (128, 96))  # the 9 spikes are under 0.1 % of the photo
    h, w = texture.shape[:2]
    metric = np.linspace(1.0, 20.0, h * w, dtype=np.float32).reshape(h, w)
    values = metric if kind == DepthKind.METRIC else 40.0 / metric
    values = values.copy()
    values[:3, :3] = 0.01 if kind == DepthKind.METRIC else 4000.0
    q = inverse_depth(Depth(values, kind), focal_px=50.0)
    clean = inverse_depth(Depth(np.where(values == values[0, 0], values[3, 3], values), kind), focal_px=50.0)
    assert q.max() <= SPIKE_FACTOR * clean.max() * 1.001
    assert np.array_equal(q[3:, 3:], clean[3:, 3:])  # the rest of the map is untouched
    frames = list(animate_frames(texture, Depth(values, kind), AnimateConfig(motion="zoom_in", duration_s=0.25, fps=8)))
    assert len(frames) == 2
