import numpy as np

from stillmotion.interpolate.fill import push_pull_fill
from stillmotion.interpolate.splat import forward_warp, splat_accumulate


def test_integer_shift_moves_pixels_exactly():
    rng = np.random.default_rng(1)
    img = rng.random((20, 30, 3)).astype(np.float32)
    flow = np.zeros((20, 30, 2), np.float32)
    flow[..., 0] = 4.0
    flow[..., 1] = -2.0
    out, den = forward_warp(img, flow)
    np.testing.assert_allclose(out[0:18, 4:], img[2:20, 0:26], atol=1e-6)
    assert (den[:, :4] == 0).all() and (den[18:, :] == 0).all()  # nothing lands there


def test_higher_weight_wins_a_collision():
    img = np.zeros((1, 4, 1), np.float32)
    img[0, 0] = 1.0  # bright pixel moves right by 2 onto the dark pixel at x = 2
    flow = np.zeros((1, 4, 2), np.float32)
    flow[0, 0, 0] = 2.0
    weight = np.array([[np.exp(0.0), 1.0, np.exp(-8.0), 1.0]], np.float32)
    num, den, cover = splat_accumulate(img, flow, weight)
    assert num[0, 2, 0] / den[0, 2] > 0.99
    assert cover[0, 2] == 2.0 and cover[0, 0] == 0.0


def test_push_pull_fills_holes_from_surroundings_and_keeps_covered_pixels():
    num = np.zeros((32, 32, 3), np.float32)
    num[:, :16] = 0.2
    num[:, 16:] = 0.8
    den = np.ones((32, 32), np.float32)
    cover = np.ones((32, 32), np.float32)
    num[10:14, 5:9] = 0
    den[10:14, 5:9] = 0
    cover[10:14, 5:9] = 0
    out = push_pull_fill(num, den, cover)
    np.testing.assert_allclose(out[20:, 20:], 0.8, atol=1e-6)
    assert np.abs(out[10:14, 5:9] - 0.2).max() < 0.05  # the hole sits in the 0.2 half
