import cv2
import numpy as np
import pytest

from stillmotion.render.band import square_filter


@pytest.mark.parametrize("radius", [3, 100])
@pytest.mark.parametrize("largest", [True, False])
def test_square_filter_matches_opencv_morphology(radius, largest):
    a = np.random.default_rng(radius).random((90, 300), dtype=np.float32)
    kernel = np.ones((2 * radius + 1, 2 * radius + 1), np.uint8)
    expected = cv2.dilate(a, kernel) if largest else cv2.erode(a, kernel)
    np.testing.assert_array_equal(square_filter(a, radius, largest=largest), expected)
