import numpy as np

from stillmotion.cinemagraph.schedule import crossfade_times


def _channel(h=40, w=160, v=1.0, fade=8):
    """A horizontal channel: the material flows right at v px/frame, fading to zero over ``fade`` px at
    its left (upstream) and right (downstream) ends."""
    region = np.zeros((h, w), bool)
    region[8:-8, :] = True
    xs = np.arange(w, dtype=np.float32)
    ramp = np.clip(np.minimum(xs, w - 1 - xs) / fade, 0.0, 1.0)
    field = np.zeros((h, w, 2), np.float32)
    field[:, :, 0] = v * ramp[None, :] * region
    return field, region


def _alpha(start, rate, phase):
    return np.clip((phase - start) * rate, 0.0, 1.0)


def test_every_pixel_starts_forward_and_ends_backward():
    field, region = _channel()
    start, rate = crossfade_times(field, region, 48, ramp=0.3, min_ramp=0.1)
    assert start.shape == rate.shape == region.shape
    assert np.all(_alpha(start, rate, 0.0) == 0.0)  # frame 0: the photo (forward half) only
    assert np.all(_alpha(start, rate, 1.0) >= 1.0 - 1e-4)  # frame N: the backward half only (seamless)
    assert np.all(1.0 / rate <= 0.3 + 1e-3) and np.all(1.0 / rate >= 0.1 - 1e-3)


def test_upstream_switches_earlier_and_the_switch_travels_with_the_flow():
    field, region = _channel(w=200, v=1.5)
    n = 48
    start, rate = crossfade_times(field, region, n, ramp=0.3, min_ramp=0.1)
    middle = start[20] + 0.5 / rate[20]  # time of each pixel's crossfade, along the channel's axis
    assert middle[15] < middle[100] < middle[185]  # upstream early, downstream late
    assert np.all(np.diff(middle[20:180]) >= -1e-3)  # never earlier downstream
    # at mid-loop most of the channel shows one half only (no global double exposure)
    a = _alpha(start, rate, 0.5)[region]
    assert np.mean((a > 0.05) & (a < 0.95)) < 0.5


def test_a_still_field_gives_a_global_crossfade_time():
    region = np.ones((20, 30), bool)
    start, rate = crossfade_times(np.zeros((20, 30, 2), np.float32), region, 24, ramp=0.3, min_ramp=0.1)
    mid = start + 0.5 / rate
    assert np.allclose(mid, 0.5, atol=1e-3)


def test_the_backward_half_is_not_shown_before_it_has_material():
    # the flow speeds up downstream and leaves the photo at its right edge: the forward half's material
    # soon comes from slower water (a texture of another scale), but the backward half's has flowed out
    # of the photo until late in the loop near that edge; having no material is worse, so the crossfade
    # waits for it (the old schedule switched the whole reach at mid-loop)
    h, w, n = 40, 160, 48
    region = np.zeros((h, w), bool)
    region[8:-8] = True
    field = np.zeros((h, w, 2), np.float32)
    field[:, :, 0] = (0.3 + 1.7 * np.arange(w, dtype=np.float32) / w)[None, :] * region
    start, rate = crossfade_times(field, region, n, ramp=0.3, min_ramp=0.1)
    for x in range(110, 151, 10):
        material_from = 1.0 - (w - 1 - x) / field[20, x, 0] / n  # phase from which it is in the photo
        assert start[20, x] + 0.5 / rate[20, x] >= material_from - 0.03, x
