import numpy as np

from stillmotion.cinemagraph.splat import new_buffer, normalise, resampling_detail, splat_into


def _splat(colour, displacement, detail=None):
    buf = new_buffer(colour.shape[:2])
    splat_into(colour, displacement, buf, detail=detail)
    return normalise(buf)[0]


def test_sharpened_splat_keeps_pixels_on_the_grid_unchanged():
    rng = np.random.default_rng(0)
    colour = rng.random((12, 16, 3)).astype(np.float32)
    disp = np.zeros((12, 16, 2), np.float32)
    disp[..., 0] = 2.0  # a whole number of pixels: nothing to sharpen
    out = _splat(colour, disp, resampling_detail(colour))
    np.testing.assert_allclose(out[:, 2:], colour[:, :-2], atol=1e-6)


def test_sharpened_half_pixel_splat_restores_a_period_of_four():
    # a period-4 stripe pattern moved by half a pixel: bilinear splatting keeps 71 % of its amplitude,
    # the sharpened splat all of it
    x = np.arange(32, dtype=np.float32)
    stripes = 0.5 + 0.25 * np.cos(np.pi / 2 * x)
    colour = np.repeat(np.tile(stripes, (8, 1))[:, :, None], 3, axis=2)
    disp = np.zeros((8, 32, 2), np.float32)
    disp[..., 0] = 0.5
    plain = _splat(colour, disp)[:, 4:-4, 0]
    sharp = _splat(colour, disp, resampling_detail(colour))[:, 4:-4, 0]
    amplitude = lambda a: np.sqrt(2.0 * np.mean((a - a.mean()) ** 2))  # noqa: E731  (of a sampled sinusoid)
    assert abs(amplitude(plain) / 0.25 - 0.71) < 0.02
    assert abs(amplitude(sharp) / 0.25 - 1.0) < 0.02


def test_resampling_detail_ignores_pixels_that_are_not_splatted():
    colour = np.zeros((5, 5, 3), np.float32)
    colour[:, 3:] = 1.0  # a bright still area right of column 2
    sources = np.zeros((5, 5), bool)
    sources[:, :3] = True
    detail = resampling_detail(colour, sources)
    assert np.all(detail[:, :3] == 0.0)  # the flat moving area has no detail, whatever lies beside it
    assert np.all(detail[:, 3:] == 0.0)  # and pixels that are not splatted have none
