import numpy as np

from stillmotion.flow.preview import flow_to_colour


def test_colour_code():
    flow = np.zeros((1, 5, 2), np.float32)
    flow[0, 1] = (4, 0)  # right
    flow[0, 2] = (-4, 0)  # left
    flow[0, 3] = (2, 0)  # right, half as fast
    flow[0, 4] = (1e10, 0)  # unknown
    rgb = flow_to_colour(flow)
    assert rgb.shape == (1, 5, 3) and rgb.dtype == np.float32
    np.testing.assert_allclose(rgb[0, 0], 1.0)  # no motion: white
    assert np.abs(rgb[0, 1] - rgb[0, 2]).max() > 0.5  # opposite directions: different hues
    # same direction, half the speed: the same hue, less saturated (between white and the full colour)
    np.testing.assert_allclose(rgb[0, 3], 0.5 * (1.0 + rgb[0, 1]), atol=1e-5)
    np.testing.assert_allclose(rgb[0, 4], 0.0)  # unknown: black
    # Middlebury code: rightward motion is red-ish, leftward cyan-ish
    assert rgb[0, 1, 0] > rgb[0, 1, 2] and rgb[0, 2, 2] > rgb[0, 2, 0]
