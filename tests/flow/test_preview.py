import numpy as np
import pytest

from stillmotion.errors import InputError
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


@pytest.mark.parametrize("shape", [(4, 5, 3), (4, 5), (4, 5, 2, 1)])
def test_what_is_not_a_flow_is_refused(shape):
    with pytest.raises(InputError, match=r"flow must be \(H, W, 2\)"):  # an (H, W, 3) array was drawn
        flow_to_colour(np.zeros(shape, np.float32))
