import numpy as np

from stillmotion.render.cracks import CRACK_RADIUS, fill_cracks


def _step(width_of_gap: int):
    h, w = 20, 40
    image = np.zeros((h, w, 3), np.float32)
    inverse = np.zeros((h, w), np.float32)
    image[:, :20] = (1.0, 0.0, 0.0)  # near, red
    inverse[:, :20] = 2.0
    image[:, 20:] = (0.0, 0.0, 1.0)  # far, blue
    inverse[:, 20:] = 1.0
    holes = np.zeros((h, w), bool)
    holes[:, 20 : 20 + width_of_gap] = True
    image[holes] = 0.0
    inverse[holes] = 0.0
    return image, inverse, holes


def _fill(image, inverse, holes):
    """fill_cracks on the pixels of ``holes``; the mask of those left unfilled."""
    ys, xs = fill_cracks(image, inverse, np.nonzero(holes))
    remaining = np.zeros_like(holes)
    remaining[ys, xs] = True
    return remaining


def test_crack_takes_the_background_side():
    image, inverse, holes = _step(2)
    remaining = _fill(image, inverse, holes)
    assert not remaining.any()
    np.testing.assert_allclose(image[holes], np.tile([0.0, 0.0, 1.0], (holes.sum(), 1)), atol=1e-6)
    np.testing.assert_allclose(inverse[holes], 1.0)


def test_covered_pixels_are_untouched_and_wide_holes_are_left():
    image, inverse, holes = _step(3 * CRACK_RADIUS)
    before = image.copy()
    remaining = _fill(image, inverse, holes)
    np.testing.assert_array_equal(image[~holes], before[~holes])
    assert remaining.any() and not remaining[:, 20 : 20 + CRACK_RADIUS].any()
    assert (remaining == holes & (np.arange(40) >= 20 + CRACK_RADIUS) & (np.arange(40) < 20 + 2 * CRACK_RADIUS)).all()


def test_wide_holes_get_the_far_side_depth_everywhere():
    from stillmotion.render.renderer import _fill_holes

    image, inverse, holes = _step(12)
    image, inverse = _fill_holes(image, inverse, holes)
    assert (inverse[holes] > 0).all()
    np.testing.assert_allclose(inverse[holes], 1.0)  # the farther of the two sides
    assert np.isfinite(image).all()
