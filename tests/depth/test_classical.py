from __future__ import annotations

import cv2
import numpy as np

from stillmotion.depth import estimate
from stillmotion.types import DepthKind

from .conftest import textured


def test_output_contract_on_a_real_photo():
    from skimage import data

    image = data.coffee().astype(np.float32) / 255.0
    depth = estimate(image, backend="classical")
    assert depth.kind == DepthKind.INVERSE
    assert depth.shape == image.shape[:2]
    assert depth.values.dtype == np.float32
    assert np.isfinite(depth.values).all()
    assert depth.values.min() >= 0.0 and depth.values.max() <= 1.0
    assert depth.values.std() > 0.05  # not a flat map


def test_sharp_subject_on_blurred_background_is_nearer():
    h, w = 240, 320
    background = cv2.GaussianBlur(textured(h, w, 1), (0, 0), 6)
    sharp = textured(h, w, 2)
    yy, xx = np.mgrid[0:h, 0:w]
    disc = (xx - 160) ** 2 + (yy - 90) ** 2 < 50**2  # high in the frame: the layout cue says "far"
    image = np.where(disc[..., None], sharp, background).astype(np.float32)
    inv = estimate(image, backend="classical").values
    ring = ((xx - 160) ** 2 + (yy - 90) ** 2 > 70**2) & ((xx - 160) ** 2 + (yy - 90) ** 2 < 95**2)
    assert inv[disc].mean() > inv[ring].mean() + 0.1


def test_sky_is_farthest_and_ground_nearest_at_the_bottom():
    h, w = 200, 300
    image = textured(h, w, 3) * 0.5 + 0.2
    image[:70] = (0.45, 0.65, 0.95)  # clear blue sky
    inv = estimate(image, backend="classical").values
    assert inv[:60].mean() < inv[80:140].mean() < inv[150:].mean()


def test_depth_edges_sit_on_image_edges():
    h, w = 240, 360
    image = cv2.GaussianBlur(textured(h, w, 4), (0, 0), 1) * 0.3 + 0.35
    image[60:240, 120:240] = (0.9, 0.1, 0.1)  # a red object standing on the bottom edge, centred
    inv = estimate(image, backend="classical").values
    row = inv[150]
    left_step = int(np.argmax(np.abs(np.diff(row[90:150])))) + 90
    right_step = int(np.argmax(np.abs(np.diff(row[210:270])))) + 210
    assert abs(left_step - 119.5) <= 3 and abs(right_step - 239.5) <= 3
    assert row[130:230].mean() > row[20:100].mean() + 0.05  # the object stands in front


def test_letterbox_bars_are_far_and_ignored():
    from skimage import data

    photo = data.astronaut().astype(np.float32) / 255.0
    padded = np.zeros((512, 512 + 2 * 100, 3), np.float32)
    padded[:, 100:612] = photo
    inv = estimate(padded, backend="classical").values
    assert inv[:, :100].max() == 0.0 and inv[:, 612:].max() == 0.0
    inner = estimate(photo, backend="classical").values
    assert np.corrcoef(inv[:, 100:612].ravel(), inner.ravel())[0, 1] > 0.99


def test_an_upright_object_is_about_as_near_at_its_top_as_where_it_stands():
    h, w = 240, 320
    image = cv2.GaussianBlur(textured(h, w, 5), (0, 0), 1) * 0.3 + 0.35  # a grey wall and floor
    image[30:240, 140:180] = (0.85, 0.15, 0.1)  # a red post standing on the bottom edge, up to near the top
    inv = estimate(image, backend="classical").values
    top, foot = inv[40:60, 145:175].mean(), inv[200:230, 145:175].mean()
    wall = np.concatenate([inv[40:60, 40:100], inv[40:60, 220:280]], axis=1).mean()
    assert top > wall + 0.3  # the row ramp alone would put the post's top as far as the wall beside it
    assert top > 0.6 * foot


def test_the_gradient_does_not_depend_on_where_its_arrays_lie_in_memory():
    """The same photo gives the same depth in every run: OpenCV's magnitude gave results one ulp apart
    depending on where its arrays lay in memory, which the heap decides, and the classical estimate
    differed from run to run (the astronaut: two variants)."""
    from stillmotion.depth.defocus import gradient_magnitude

    gray = textured(96, 128)[..., 1].copy()
    kept, results = [], set()
    for k in range(24):
        kept.append(np.empty(16 * (k % 4) + 8, np.uint8))  # small blocks move where the next arrays land
        results.add(gradient_magnitude(gray).tobytes())
    assert len(results) == 1
