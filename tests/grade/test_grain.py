import numpy as np

from stillmotion.grade.grain import add_grain, grain_noise, grain_response


def test_grain_is_seeded_per_frame():
    grey = np.full((120, 160, 3), 0.5, np.float32)
    a0 = add_grain(grey, strength=0.5, seed=7, frame_index=0)
    again = add_grain(grey, strength=0.5, seed=7, frame_index=0)
    a1 = add_grain(grey, strength=0.5, seed=7, frame_index=1)
    other_seed = add_grain(grey, strength=0.5, seed=8, frame_index=0)
    np.testing.assert_array_equal(a0, again)
    assert np.abs(a0 - a1).mean() > 0.01
    assert np.abs(a0 - other_seed).mean() > 0.01
    # consecutive frames are uncorrelated, not a shifted copy
    assert abs(np.corrcoef((a0 - 0.5).ravel(), (a1 - 0.5).ravel())[0, 1]) < 0.05


def test_grain_is_zero_mean_and_has_the_asked_size():
    grey = np.full((240, 320, 3), 0.5, np.float32)
    for size in (1.0, 2.5):
        out = add_grain(grey, strength=1.0, size_px=size, seed=1, frame_index=3)
        noise = out - grey
        assert abs(float(noise.mean())) < 1e-4
        assert 0.05 < float(noise.std()) < 0.15
    fine = grain_noise((240, 320), size_px=1.0, seed=0, frame_index=0)[..., 0]
    coarse = grain_noise((240, 320), size_px=3.0, seed=0, frame_index=0)[..., 0]
    neighbour = lambda n: np.corrcoef(n[:, :-1].ravel(), n[:, 1:].ravel())[0, 1]  # noqa: E731
    assert neighbour(coarse) > neighbour(fine) + 0.3


def test_grain_depends_on_luminance():
    levels = [np.full((100, 100, 3), v, np.float32) for v in (0.02, 0.5, 0.995)]
    spread = [float((add_grain(x, strength=1.0, seed=2) - x).std()) for x in levels]
    assert spread[1] > 2 * spread[0] and spread[1] > 4 * spread[2]
    assert grain_response(np.float32(0.5)) > grain_response(np.float32(0.05))


def test_zero_strength_is_identity():
    img = np.random.default_rng(0).random((10, 10, 3), dtype=np.float32)
    assert add_grain(img, strength=0.0) is img


def test_grain_is_the_normalised_noise_times_the_luma_response():
    from stillmotion.grade.colour import luma
    from stillmotion.grade.grain import SIGMA_AT_FULL

    rng = np.random.default_rng(3)
    image = rng.random((60, 80, 3), dtype=np.float32)
    out = add_grain(image, strength=0.7, size_px=1.5, seed=4, frame_index=2)
    noise = grain_noise((60, 80), size_px=1.5, seed=4, frame_index=2)
    expected = image + np.float32(SIGMA_AT_FULL * 0.7) * grain_response(luma(image))[..., None] * noise
    np.testing.assert_allclose(out, expected, atol=2e-6)
    assert abs(float(noise.mean())) < 1e-5 and abs(float(noise.std()) - 1.0) < 1e-3
    assert len(np.unique(noise)) > 10_000  # interpolated grains, not 256 levels


def test_a_black_and_white_grade_gets_grey_grain():
    """``--grade noir`` (saturation 0) came out with colour specks: R, G and B up to 42 levels apart, the
    grain's colour share added after the colours were taken out."""
    from stillmotion.grade import parse_grade
    from stillmotion.grade.pipeline import grade_frame

    rng = np.random.default_rng(2)
    photo = np.clip(0.5 + 0.2 * rng.standard_normal((96, 128, 3)), 0, 1).astype(np.float32)
    noir = grade_frame(photo, None, config=parse_grade("noir"), frame_index=3)
    assert float(np.abs(noir - noir[..., :1]).max()) < 1e-6, "every pixel grey"
    coloured = grade_frame(photo, None, config=parse_grade("grain=0.5"), frame_index=3)
    assert float(np.abs(coloured - coloured[..., :1]).max()) > 0.02, "a colour grade keeps its colour grain"
    half = add_grain(np.full((64, 64, 3), 0.5, np.float32), strength=1.0, seed=1, saturation=0.5)
    full = add_grain(np.full((64, 64, 3), 0.5, np.float32), strength=1.0, seed=1)
    spread = lambda g: float(np.abs(g - g.mean(axis=2, keepdims=True)).mean())  # noqa: E731
    assert 0.3 * spread(full) < spread(half) < 0.8 * spread(full)
