"""The image operations several stages share: the normalised blur and the copy shrunk to a long side."""

from __future__ import annotations

import numpy as np

from stillmotion.imageops import normalised_blur


def _holes() -> np.ndarray:
    """A 64 x 96 weight: known on the left two thirds except a scatter of holes, nothing on the right third."""
    rng = np.random.default_rng(3)
    weight = rng.random((64, 96)) > 0.3
    weight[:, 64:] = False
    return weight


def test_the_normalised_blur_of_a_constant_with_holes_is_that_constant():
    weight = _holes()
    values = np.where(weight, np.float32(0.7), np.float32(5.0))  # what lies in the holes must not count
    out = normalised_blur(values, weight, sigma_px=2.0, empty=np.nan)
    assert out.dtype == np.float32 and out.shape == weight.shape
    np.testing.assert_allclose(out[:, :60], 0.7, rtol=1e-5)


def test_pixels_with_no_weight_near_take_the_empty_value_or_the_prior():
    weight = _holes()
    values = np.where(weight, np.float32(0.7), np.float32(5.0))
    far = np.s_[:, 80:]  # 16 px and more from any weight: beyond 4 sigma
    assert np.isnan(normalised_blur(values, weight, sigma_px=2.0, empty=np.nan)[far]).all()
    assert (normalised_blur(values, weight, sigma_px=2.0, empty=1.0)[far] == 1.0).all()
    with_prior = normalised_blur(values, weight, sigma_px=2.0, prior=0.2, prior_weight=1e-3)
    np.testing.assert_allclose(with_prior[far], 0.2, rtol=1e-5)
    np.testing.assert_allclose(with_prior[:, :60], 0.7, atol=2e-3)  # the prior only tips where weight is scarce
    assert (normalised_blur(values, weight, sigma_px=2.0, min_weight=1e-6)[far] == 0.0).all()  # fades to 0


def test_the_normalised_blur_of_colours_is_that_of_each_channel():
    weight = _holes().astype(np.float32) * np.float32(0.5)
    colours = np.random.default_rng(4).random((64, 96, 3), dtype=np.float32)
    out = normalised_blur(colours, weight, sigma_px=3.0, empty=np.nan)
    for c in range(3):
        np.testing.assert_array_equal(out[:, :, c], normalised_blur(colours[:, :, c], weight, sigma_px=3.0, empty=np.nan))


def test_the_shrunk_copy_has_its_long_side_at_most_the_limit_and_keeps_the_aspect():
    from stillmotion.imageops import shrunk, shrunk_size

    assert shrunk_size((1080, 1920, 3), 480) == ((480, 270), 0.25)
    assert shrunk_size((300, 200), 480) == ((200, 300), 1.0)  # never enlarged
    assert shrunk_size((4000, 20), 400, min_side=8) == ((8, 400), 0.1)  # a thin strip keeps min_side
    image = np.full((64, 96, 3), 0.25, np.float32)
    small = shrunk(image, 48)
    assert small.shape == (32, 48, 3) and np.allclose(small, 0.25)
