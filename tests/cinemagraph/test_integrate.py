import numpy as np

from stillmotion.cinemagraph.integrate import ascending_steps, descending_steps, integrate


def test_constant_field_integrates_to_t_times_v():
    field = np.zeros((20, 30, 2), np.float32)
    field[..., 0], field[..., 1] = 1.25, -0.5
    for t, disp in enumerate(ascending_steps(field, 6)):
        np.testing.assert_allclose(disp[..., 0], 1.25 * t, atol=1e-5)
        np.testing.assert_allclose(disp[..., 1], -0.5 * t, atol=1e-5)


def test_euler_follows_the_field_it_meets():
    # speed 1 px/step for x < 10, then 3 px/step: a particle at x=8 goes 8 -> 9 -> 10 -> 13 -> 16
    field = np.zeros((5, 40, 2), np.float32)
    field[:, :10, 0] = 1.0
    field[:, 10:, 0] = 3.0
    disp = integrate(field, 4)
    assert abs(disp[2, 8, 0] - 8.0) < 1e-4
    assert abs(disp[2, 8, 1]) < 1e-6


def test_descending_steps_match_direct_integration():
    rng = np.random.default_rng(1)
    field = (rng.standard_normal((16, 24, 2)) * 0.7).astype(np.float32)
    for n in (1, 2, 7, 16, 17):
        got = list(descending_steps(field, n))
        assert len(got) == n
        for i, disp in enumerate(got):
            np.testing.assert_allclose(disp, integrate(field, n - i), atol=1e-5)
