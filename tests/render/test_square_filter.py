import numpy as np
import pytest

from stillmotion.render.band import square_filter


def _brute_force(a: np.ndarray, radius: int, largest: bool) -> np.ndarray:
    """The extremum over each pixel's square window, clipped at the border, pixel by pixel."""
    h, w = a.shape
    pick = np.max if largest else np.min
    out = np.empty_like(a)
    for y in range(h):
        for x in range(w):
            out[y, x] = pick(a[max(0, y - radius) : y + radius + 1, max(0, x - radius) : x + radius + 1])
    return out


@pytest.mark.parametrize("radius", [3, 40])
@pytest.mark.parametrize("largest", [True, False])
def test_square_filter_is_the_clipped_window_extremum(radius, largest):
    a = np.random.default_rng(radius).random((45, 100), dtype=np.float32)
    np.testing.assert_array_equal(square_filter(a, radius, largest=largest), _brute_force(a, radius, largest))
