"""The layered scene: the background layer's colour when a path's parallax reaches across the photo."""

from __future__ import annotations

import numpy as np

from stillmotion.render.scene import build_scene
from stillmotion.types import Intrinsics

SKY = np.array([0.35, 0.5, 0.9], np.float32)


def _terraced_valley(width=128, height=96, sky_rows=7):
    """A blue sky strip over three terraces of brown-green ground, each nearer than the one above it."""
    rng = np.random.default_rng(3)
    image = np.empty((height, width, 3), np.float32)
    image[:] = np.array([0.45, 0.4, 0.22], np.float32) + rng.normal(0, 0.04, (height, width, 1)).astype(np.float32)
    image[40:60] = np.array([0.3, 0.45, 0.2], np.float32) + rng.normal(0, 0.04, (20, width, 1)).astype(np.float32)
    image[:sky_rows] = SKY
    q = np.full((height, width), 0.9, np.float32)
    q[:60], q[:40], q[:sky_rows] = 0.5, 0.3, 0.1
    return np.clip(image, 0, 1), q


def test_a_band_over_nearly_the_whole_photo_keeps_the_photos_colours_behind_it():
    """A flight whose parallax reaches past every terrace puts all the ground in the band: only the sky
    strip was left to fill from, and the background layer behind the ground came out sky blue (the
    stream photo's grey-violet smudges under Deforum's 3D example). Behind the ground it now has the
    ground's colours."""
    image, q = _terraced_valley()
    h, w = q.shape
    scene = build_scene(image, q, Intrinsics.from_fov(w, h, 50.0), parallax_gain_px=2000.0, fill_backend="patch")
    assert len(scene.layers) >= 2
    behind = scene.atlas[:, w : 2 * w]
    ground = np.s_[12:, :]
    blue_excess = behind[..., 2] - 0.5 * (behind[..., 0] + behind[..., 1])
    photo_excess = image[..., 2] - 0.5 * (image[..., 0] + image[..., 1])
    assert blue_excess[ground].max() < photo_excess[ground].max() + 0.05
    np.testing.assert_allclose(behind[ground].mean(axis=(0, 1)), image[ground].mean(axis=(0, 1)), atol=0.03)
