"""Sampling the atlas: bilinear by default; cubic and Lanczos keep fine texture without ringing."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from stillmotion.render.sampling import KERNELS, sample_atlas

SHARP = (cv2.INTER_CUBIC, cv2.INTER_LANCZOS4)


def _grid(h, w, *, shift_x=0.0):
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    return xs + np.float32(shift_x), ys


def _stripes(h, w, *, shift_x=0.0, frequency=0.27):
    """Vertical stripes of ``frequency`` cycles per pixel, sampled at x + shift_x (band-limited: the ideal
    sub-pixel shift is known exactly)."""
    xs, _ = _grid(h, w, shift_x=shift_x)
    grey = 0.5 + 0.3 * np.cos(2 * np.pi * frequency * xs.astype(np.float64))
    return np.repeat(grey[..., None], 3, axis=2).astype(np.float32)


@pytest.mark.parametrize("kernel", KERNELS)
def test_whole_pixel_positions_give_the_atlas_back(kernel):
    atlas = np.random.default_rng(1).random((20, 30, 3), dtype=np.float32)
    map_u, map_v = _grid(20, 30)
    np.testing.assert_allclose(sample_atlas(atlas, map_u, map_v, interpolation=kernel), atlas, atol=1e-6)


@pytest.mark.parametrize("kernel", SHARP)
@pytest.mark.parametrize("shift", [0.25, 0.5])
def test_sharp_kernels_keep_fine_stripes_shifted_by_part_of_a_pixel(kernel, shift):
    """Bilinear lowers the stripes' contrast (to cos(pi * 0.27) = 0.66 at half a pixel); cubic and
    Lanczos keep it, but for the crests that fall between two pixels, clamped to their range."""
    atlas = _stripes(16, 64)
    map_u, map_v = _grid(16, 64, shift_x=shift)
    ideal = _stripes(16, 64, shift_x=shift)[4:-4, 8:-8]

    def error(interpolation):
        out = sample_atlas(atlas, map_u, map_v, interpolation=interpolation)[4:-4, 8:-8]
        return float(np.sqrt(np.mean((out - ideal) ** 2)))

    assert error(kernel) < 0.5 * error(cv2.INTER_LINEAR), (error(kernel), error(cv2.INTER_LINEAR))


@pytest.mark.parametrize("kernel", SHARP)
@pytest.mark.parametrize("shift", [0.25, 0.5, 0.75])
def test_sharp_kernels_do_not_ring_at_a_hard_edge(kernel, shift):
    """A 0.2/0.8 step: plain Lanczos overshoots to about 0.13/0.87 beside it; the clamped samples stay in
    the step's range, and the edge is no softer than bilinear draws it."""
    atlas = np.where(np.arange(40)[None, :, None] < 20, 0.2, 0.8) * np.ones((8, 1, 3))
    atlas = atlas.astype(np.float32)
    map_u, map_v = _grid(8, 40, shift_x=shift)
    out = sample_atlas(atlas, map_u, map_v, interpolation=kernel)
    assert out.min() >= 0.2 - 1e-6 and out.max() <= 0.8 + 1e-6
    bilinear = sample_atlas(atlas, map_u, map_v)
    assert np.abs(np.diff(out[4, :, 0])).max() >= np.abs(np.diff(bilinear[4, :, 0])).max() - 1e-6


def test_an_unknown_kernel_is_refused():
    atlas = np.zeros((4, 4, 3), np.float32)
    with pytest.raises(ValueError, match="interpolation"):
        sample_atlas(atlas, *_grid(4, 4), interpolation=cv2.INTER_AREA)


def test_samples_beyond_the_edge_take_the_border_mode():
    # Deforum's 2D warps wrap (or reflect) the picture beyond its edge; the clamp must use the same pixels
    atlas = np.tile(np.linspace(0.1, 0.9, 8, dtype=np.float32), (4, 1))
    map_u = np.full((4, 1), -0.5, np.float32)  # between the last column (wrapped) and the first
    map_v = np.full((4, 1), 1.0, np.float32)
    for kernel in (cv2.INTER_CUBIC, cv2.INTER_LANCZOS4):
        wrapped = sample_atlas(atlas, map_u, map_v, interpolation=kernel, border=cv2.BORDER_WRAP)
        assert np.all((wrapped >= 0.1 - 1e-6) & (wrapped <= 0.9 + 1e-6))
        assert abs(float(wrapped.mean()) - 0.5) < 0.15, "half way between 0.9 and 0.1"
        replicated = sample_atlas(atlas, map_u, map_v, interpolation=kernel)
        np.testing.assert_allclose(replicated, 0.1, atol=1e-5)


def test_bounds_kept_by_the_caller_give_the_same_samples():
    """A shot's atlas (and Deforum's init image) keep their clamp instead of computing it every frame."""
    from stillmotion.render.sampling import pair_bounds

    atlas = np.random.default_rng(4).random((20, 30, 3)).astype(np.float32)
    map_u, map_v = _grid(20, 30)
    map_u, map_v = map_u + np.float32(0.37), map_v - np.float32(0.21)
    for border in (cv2.BORDER_REPLICATE, cv2.BORDER_WRAP):
        kept = pair_bounds(atlas, border=border)
        np.testing.assert_array_equal(
            sample_atlas(atlas, map_u, map_v, interpolation=cv2.INTER_LANCZOS4, border=border, bounds=kept),
            sample_atlas(atlas, map_u, map_v, interpolation=cv2.INTER_LANCZOS4, border=border))
        low, high = kept
        assert np.all(low <= atlas) and np.all(atlas <= high)
