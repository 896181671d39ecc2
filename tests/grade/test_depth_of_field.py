import numpy as np
import pytest

from stillmotion.grade.bokeh import bokeh_kernel
from stillmotion.grade.colour import srgb_to_linear
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


def _red_cover(out: np.ndarray) -> np.ndarray:
    """How much of each pixel is the red square, in linear light (the background has no red)."""
    return srgb_to_linear(np.ascontiguousarray(out))[..., 0]


def test_blurred_near_edge_is_a_soft_ramp_that_covers_the_sharp_background_on_both_sides():
    # Focus on the textured far plane: the near square's edge spreads both ways, half inside (the
    # background hidden behind it shows through) and half outside, like a defocused object in a lens.
    image, depth = two_planes()
    out = depth_of_field(image, depth, focus=0.0, radius_px=12.0)
    row = _red_cover(out)[80, 130:200]  # across the square's right edge (at x = 160, index 30)
    assert np.abs(np.diff(row)).max() < 0.12  # a ramp, not a cut-out (it had a 0.4 step at the edge)
    assert row[0] > 0.97 and row[-1] < 0.01  # inside and far outside: the square, then the background
    assert 0.3 < row[30] < 0.7  # at the silhouette: half and half
    assert row[26] < 0.85  # 4 px inside: the hidden background shows (it was the square's colour alone)
    assert out[80, 156, 2] > 0.3  # ... and it is the background's blue, not a darker red
    assert np.all(np.diff(row[:45]) < 1e-3)  # falls steadily from inside to outside


def test_what_shows_through_a_blurred_edge_is_the_background_right_behind_it():
    # Green on the left of the frame, blue on the right: inside the square's left edge the hidden
    # background is green, inside its right edge blue (extended from next to each edge, not averaged).
    image, depth = two_planes()
    image[:, :120] = (0.0, 0.6, 0.0)
    image[:, 120:] = (0.0, 0.0, 0.6)
    image[50:110, 80:160] = (1.0, 0.05, 0.05)
    out = depth_of_field(image, depth, focus=0.0, radius_px=12.0)
    left, right = out[80, 83], out[80, 156]
    assert left[1] > 0.3 and left[2] < 0.1
    assert right[2] > 0.3 and right[1] < 0.1


@pytest.mark.parametrize("near", [0.35, 0.55, 0.8, 1.0])  # the square between slices and on one
def test_a_blurred_near_square_is_opaque_away_from_its_edge(near):
    # The background filled in behind a near object must not show through it (slices of one surface
    # composited over each other let through a part of what was behind).
    image, depth = two_planes()
    depth[50:110, 80:160] = near
    out = depth_of_field(image, depth, focus=0.0, radius_px=12.0)
    reach = int(np.ceil(12.0 * near)) + 4
    core = out[50 + reach : 110 - reach, 80 + reach : 160 - reach]
    np.testing.assert_allclose(core, np.broadcast_to(image[80, 120], core.shape), atol=2e-3)


def test_sharp_near_square_keeps_a_crisp_edge_with_no_background_over_it():
    image, depth = two_planes()
    out = depth_of_field(image, depth, focus=1.0, radius_px=12.0)
    np.testing.assert_allclose(out[50:110, 80:160], image[50:110, 80:160], atol=1e-4)  # up to its edge
    cover = _red_cover(out)[80, 150:175]
    assert cover[9] > 0.999 and cover[10] < 1e-3  # a one-pixel step at x = 160: no soft spill either way


@pytest.mark.parametrize("focus", [0.0, 0.3, 0.6, 1.0])
def test_a_flat_colour_stays_flat_whatever_the_depth(focus):
    # No dark or bright fringes where layers meet: one colour everywhere stays that colour.
    image, depth = two_planes()
    image[:] = (0.6, 0.45, 0.3)
    depth[:, :40] = np.linspace(0.0, 1.0, 40, dtype=np.float32)  # a slanted strip too
    out = depth_of_field(image, depth, focus=focus, radius_px=12.0, shape="hexagon")
    np.testing.assert_allclose(out, image, atol=2e-3)


def test_a_focus_pull_changes_each_pixel_continuously():
    # During a pull, pixels cross from slice to slice and from behind the focus plane to in front of it:
    # a tiny step of focus must make a tiny change everywhere (a pop would stay large however small it is).
    image, depth = two_planes()
    depth[:, :60] = np.linspace(0.0, 1.0, 60, dtype=np.float32)  # a slanted plane: every depth crosses
    for focus in np.linspace(0.02, 0.98, 25):
        a, b = (srgb_to_linear(depth_of_field(image, depth, focus=f, radius_px=12.0)) for f in (focus, focus + 1e-3))
        assert np.abs(b - a).max() < 0.02, focus  # about 0.008 at most (linear light)
