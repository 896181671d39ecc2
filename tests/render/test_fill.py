"""The background layer's colour: behind a subject's edge goes on what stands behind the subject there,
even where that is itself the near side of a farther edge (a hill before the sky)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from stillmotion.render.fill import as_soft_as_around
from stillmotion.render.scene import build_scene
from stillmotion.types import Intrinsics

SKY, HILL, BLOCK = (0.92, 0.94, 0.97), (0.22, 0.2, 0.16), (0.2, 0.3, 0.8)
RIDGE, LEFT, RIGHT = 50, 60, 100  # the hill's top row; the block's columns


def _block_before_a_hill(blur: float):
    """A pale sky (inverse depth 0.15) above a dark hill (0.3, from row RIDGE down), and a blue block
    (0.9) standing before both; the depth blurred by ``blur`` px like an estimate's soft edges."""
    h, w = 120, 160
    rng = np.random.default_rng(0)
    image = np.empty((h, w, 3), np.float32)
    image[:RIDGE], image[RIDGE:] = SKY, HILL
    image += rng.normal(0.0, 0.03, image.shape).astype(np.float32)
    q = np.full((h, w), 0.15, np.float32)
    q[RIDGE:] = 0.3
    image[20:, LEFT:RIGHT], q[20:, LEFT:RIGHT] = BLOCK, 0.9
    return np.clip(image, 0.0, 1.0), cv2.GaussianBlur(q, (0, 0), blur)


@pytest.mark.parametrize(("blur", "gain"), [(1.5, 80.0), (2.0, 120.0)])
def test_the_hill_goes_on_behind_a_block_standing_before_it(blur, gain):
    # the hill beside the block is itself the near side of the ridge (the sky behind it), so the widened
    # band kept it from the fill altogether: the block's background was sky down to its foot, and a
    # camera move opened pale wedges in the hill beside it
    image, q = _block_before_a_hill(blur)
    h, w = q.shape
    scene = build_scene(image, q, Intrinsics.from_fov(w, h, 55.0), parallax_gain_px=gain)
    behind = scene.atlas[:, w : 2 * w]  # the background layer's texture
    rows = slice(RIDGE + 20, h - 10)
    under_edges = np.concatenate([behind[rows, LEFT : LEFT + 10], behind[rows, RIGHT - 10 : RIGHT]], axis=1)
    assert (np.abs(under_edges - image[rows, LEFT : LEFT + 20]).max(axis=2) > 0.1).mean() > 0.9  # filled
    luma = under_edges.mean(axis=2)
    assert luma.mean() < 0.3 and (luma > 0.6).mean() < 0.02  # hill, not sky


def _patched_fill(background: np.ndarray):
    """``background`` (H, W, 3) with a band (rows 40-80, columns 60-100) filled by two blocks of different
    tone, seamed at column 80 as exemplar patches meet, and the subject's near side around the band (the
    rest of ``wide``) pure red."""
    filled = background.copy()
    band = np.zeros(background.shape[:2], bool)
    band[40:80, 60:100] = True
    wide = np.zeros_like(band)
    wide[30:90, 50:110] = True
    filled[~band & wide] = (1.0, 0.0, 0.0)  # the subject
    filled[40:80, 60:80] = 0.35
    filled[40:80, 80:100] = 0.55
    return filled, band, wide


def test_a_fill_in_a_defocused_background_is_as_soft_as_the_background():
    rng = np.random.default_rng(1)
    bokeh = cv2.GaussianBlur(rng.random((120, 160, 3)).astype(np.float32), (0, 0), 8) * 0.6 + 0.2
    filled, band, wide = _patched_fill(bokeh)
    out = as_soft_as_around(filled, band, wide)
    seam = np.abs(np.diff(out[45:75, 70:90].mean(axis=2), axis=1)).max()
    assert seam < 0.3 * 0.2  # the crisp seam between the two blocks is blurred away
    np.testing.assert_array_equal(out[~band], filled[~band])  # only the band changes
    inside = out[band]
    assert np.abs(inside[:, 0] - inside[:, 1]).max() < 0.05  # no red of the subject bleeds in


def test_a_fill_in_a_textured_background_keeps_its_texture():
    rng = np.random.default_rng(2)
    texture = rng.random((120, 160, 3)).astype(np.float32) * 0.6 + 0.2  # detail everywhere
    filled, band, wide = _patched_fill(texture)
    np.testing.assert_array_equal(as_soft_as_around(filled, band, wide), filled)
