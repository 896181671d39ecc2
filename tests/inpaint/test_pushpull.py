import numpy as np

from stillmotion.inpaint.pushpull import push_pull_fill


def test_known_pixels_stay_and_holes_take_the_surroundings():
    image = np.zeros((64, 80, 3), np.float32)
    image[:, :40] = (1.0, 0.0, 0.0)
    image[:, 40:] = (0.0, 0.0, 1.0)
    holes = np.zeros((64, 80), bool)
    holes[20:44, 30:50] = True
    filled = push_pull_fill(np.where(holes[..., None], 0.5, image).astype(np.float32), holes)
    np.testing.assert_array_equal(filled[~holes], image[~holes])
    assert filled[holes].min() >= 0 and filled[holes].max() <= 1
    assert filled[32, 31, 0] > filled[32, 31, 2] and filled[32, 48, 2] > filled[32, 48, 0]  # each side's colour
    np.testing.assert_allclose(filled[holes, 1], 0.0, atol=1e-6)  # no green appears from nowhere


def test_a_constant_image_is_filled_exactly():
    image = np.full((33, 47, 3), 0.25, np.float32)
    holes = np.zeros((33, 47), bool)
    holes[5:20, 10:30] = True
    filled = push_pull_fill(np.where(holes[..., None], 0.0, image).astype(np.float32), holes)
    np.testing.assert_allclose(filled, 0.25, atol=1e-5)
