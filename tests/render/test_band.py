"""The disocclusion band: the pyramid for large windows agrees with full-resolution windows; the band
holds an edge's near side, not the surface at its foot that a slope leads down to something farther."""

from __future__ import annotations

import cv2
import numpy as np

from stillmotion.render.band import NEAR_SIDE, disocclusion_band, excess, ramp_radius, square_filter
from stillmotion.render.scene import build_scene
from stillmotion.types import Intrinsics


def _direct(q: np.ndarray, *, gain: float, reach: int, tear_px: float) -> np.ndarray:
    """The band with every window filtered at full resolution."""
    step = q - cv2.erode(q, np.ones((3, 3), np.uint8))
    edge_gap = np.where(excess(step) * gain > tear_px, step * gain, 0.0).astype(np.float32)
    band = edge_gap > 0
    far_side = square_filter(q, ramp_radius(q.shape), largest=False)
    jump = np.where(band, (q - far_side) * gain, 0.0)
    near_side = np.where(band, far_side + NEAR_SIDE * (q - far_side), np.inf).astype(np.float32)
    radius = 2
    while radius <= 2 * reach:
        gap = square_filter(edge_gap, radius, largest=True)
        drop = (q - square_filter(q, radius, largest=False)) * gain
        lowest = square_filter(np.where(jump > 0.5 * radius - 1.0, near_side, np.inf).astype(np.float32), radius,
                               largest=False)  # fmt: skip
        band |= (gap + 1.0 > 0.5 * radius) & (drop > 0.5 * gap) & (gap > 0) & (q >= lowest)
        radius *= 2
    return band


def _scene(h: int = 300, w: int = 400) -> np.ndarray:
    rng = np.random.default_rng(2)
    q = np.linspace(0.2, 0.5, h, dtype=np.float32)[:, None].repeat(w, axis=1)  # a ground plane
    for _ in range(6):  # boxes at several depths
        y, x = rng.integers(0, h - 60), rng.integers(0, w - 80)
        q[y : y + rng.integers(20, 60), x : x + rng.integers(20, 80)] = rng.uniform(0.6, 1.0)
    return q


def test_small_reach_matches_full_resolution_exactly():
    q = _scene()
    np.testing.assert_array_equal(disocclusion_band(q, gain=60.0, reach=30, tear_px=1.0),
                                  _direct(q, gain=60.0, reach=30, tear_px=1.0))  # fmt: skip


def test_large_reach_keeps_the_full_resolution_band():
    q = _scene()
    fast = disocclusion_band(q, gain=400.0, reach=200, tear_px=1.0)
    exact = _direct(q, gain=400.0, reach=200, tear_px=1.0)
    assert exact.sum() > 0.1 * q.size  # a wide band: the pyramid levels were used
    assert (exact & ~fast).sum() <= 1e-4 * exact.sum()  # hardly a pixel lost
    assert (fast & ~exact).sum() <= 0.05 * exact.sum()  # and only a little wider


def test_no_discontinuity_no_band():
    q = np.linspace(0.2, 0.9, 200, dtype=np.float32)[:, None].repeat(300, axis=1)
    assert not disocclusion_band(q, gain=500.0, reach=300, tear_px=1.0).any()


def _subject_on_ground_before_a_hill(h: int = 96, w: int = 128):
    """A subject standing on light ground that rises smoothly (no edge) from a far, dark hill: the FILM
    portrait's shoulders. Returns the photo, its inverse depth and the subject's columns."""
    rng = np.random.default_rng(5)
    rows = np.arange(h, dtype=np.float32)[:, None].repeat(w, axis=1)
    q = np.where(rows < 30, 0.1, 0.1 + 0.5 * (rows - 30) / (h - 31)).astype(np.float32)
    image = np.empty((h, w, 3), np.float32)
    image[:] = np.where(rows[:, :, None] < 30, 0.12, 0.8)  # dark hill, light ground
    image += rng.normal(0.0, 0.03, image.shape).astype(np.float32)  # texture for the patch fill
    left, right = 54, 74
    q[55:, left:right] = 1.0
    image[55:, left:right] = (0.7, 0.15, 0.1)
    return np.clip(image, 0.0, 1.0), q, (left, right)


def test_the_ground_beside_a_subject_is_no_band_and_fills_what_lies_behind_it():
    image, q, (left, right) = _subject_on_ground_before_a_hill()
    h, w = q.shape
    gain = 80.0
    band = disocclusion_band(q, gain=gain, reach=72, tear_px=1.0)
    beside = np.zeros(q.shape, bool)
    beside[60:78, left - 30 : left - 4] = beside[60:78, right + 4 : right + 30] = True
    # the ground beside the subject stands in front of the hill, but at the foot of the subject's edge
    assert not (band & beside).any()
    assert band[60:78, left : left + 8].all() and band[60:78, right - 8 : right].all()  # the near side is
    scene = build_scene(image, q, Intrinsics.from_fov(w, h, 55.0), parallax_gain_px=gain)
    behind = scene.atlas[:, w : 2 * w]  # the background layer's texture
    under_edges = np.concatenate([behind[60:78, left : left + 6], behind[60:78, right - 6 : right]], axis=1)
    assert under_edges.mean() > 0.6  # the light ground goes on under the subject's edges, not the dark hill
