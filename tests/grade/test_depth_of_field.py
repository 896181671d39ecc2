import numpy as np
import pytest

from stillmotion.grade.bokeh import bokeh_kernel
from stillmotion.grade.depth_of_field import depth_of_field, slice_radii


def two_planes(h=160, w=240):
    """A bright red square (inverse depth 1, near) over a textured blue background (inverse depth 0)."""
    rng = np.random.default_rng(5)
    image = np.zeros((h, w, 3), np.float32)
    image[..., 2] = 0.25 + 0.5 * (rng.random((h, w)) > 0.5)
    image[50:110, 80:160] = (1.0, 0.05, 0.05)
    depth = np.zeros((h, w), np.float32)
    depth[50:110, 80:160] = 1.0
    return image, depth


def test_focus_plane_stays_sharp_and_background_blurs():
    image, depth = two_planes()
    out = depth_of_field(image, depth, focus=1.0, radius_px=10.0)
    np.testing.assert_allclose(out[50:110, 80:160], image[50:110, 80:160], atol=1e-4)
    far = (slice(0, 30), slice(0, 60))
    assert out[far][..., 2].std() < 0.4 * image[far][..., 2].std()  # the texture is blurred away


def test_sharp_foreground_does_not_bleed_into_blurred_background():
    image, depth = two_planes()
    out = depth_of_field(image, depth, focus=1.0, radius_px=12.0)
    outside = np.ones(depth.shape, bool)
    outside[50:110, 80:160] = False
    assert out[outside][:, 0].max() < 0.01  # no red outside the square, even right at its edge
    assert out[outside][:, 1].max() < 0.01


def test_blurred_foreground_spreads_over_sharp_background():
    image, depth = two_planes()
    out = depth_of_field(image, depth, focus=0.0, radius_px=12.0)
    np.testing.assert_allclose(out[:30], image[:30], atol=1e-4)  # far from the square: in focus, untouched
    assert out[46, 120, 0] > 0.2  # just above the square: red spreads over the background
    assert out[40, 120, 0] < out[46, 120, 0]


@pytest.mark.parametrize("shape", ["disc", "hexagon"])
def test_bokeh_kernel_shape(shape):
    k = bokeh_kernel(10.0, shape)
    assert k.shape == (21, 21) and abs(k.sum() - 1.0) < 1e-5
    inside = k > 0
    assert inside[10, 0] and inside[10, 20]  # reaches the radius along x
    if shape == "hexagon":
        assert not inside[0, 10]  # flat top: sqrt(3)/2 * r < r
        assert inside.sum() < bokeh_kernel(10.0, "disc").astype(bool).sum()
    else:
        assert inside[0, 10]


@pytest.mark.parametrize("radius", [5.0, 12.0])  # blurred at full size, and on a reduced copy
def test_a_single_bright_point_becomes_the_bokeh_shape(radius):
    image = np.zeros((121, 121, 3), np.float32)
    image[60, 60] = 1.0
    depth = np.zeros((121, 121), np.float32)
    out = depth_of_field(image, depth, focus=1.0, radius_px=radius, shape="hexagon")
    lit = out[..., 0] > 0.5 * out[..., 0].max()
    ys, xs = np.nonzero(lit)
    width, height = xs.max() - xs.min() + 1, ys.max() - ys.min() + 1
    assert 2 * radius - 3 <= width <= 2 * radius + 6
    assert height < width - 0.1 * radius  # hexagon with corners left and right: flatter top to bottom


def test_slice_radii_include_the_focus_plane():
    radii = slice_radii(-7.3, 3.2, max_slices=6)
    assert 0.0 in radii and radii[0] <= -7.3 and radii[-1] >= 3.2
    assert np.all(np.diff(radii) > 0)
