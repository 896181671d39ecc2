import numpy as np
import pytest

from stillmotion.cinemagraph.field import (
    along_banks,
    FieldOptions,
    border_fade,
    build_field,
    interpolate_hints,
    islands,
    smooth_in_region,
)
from stillmotion.cinemagraph.hints import Anchor, Hint, MotionHints
from stillmotion.cinemagraph.materials import MATERIALS
from stillmotion.errors import InputError


def _grey(h=60, w=90):
    rng = np.random.default_rng(0)
    return (0.4 + 0.1 * rng.random((h, w, 3))).astype(np.float32)


def test_interpolation_reproduces_each_arrow_near_it():
    hints = MotionHints((Hint(10, 10, 30, 0), Hint(80, 50, 0, -20)))
    vel = interpolate_hints((60, 90), hints, sigma_px=8.0)
    np.testing.assert_allclose(vel[10, 10], (30, 0), atol=0.5)
    np.testing.assert_allclose(vel[50, 80], (0, -20), atol=0.5)
    # far from both (but nearer the first), no decay to zero: normalised weights
    assert vel[0, 0, 0] > 29


def test_interpolation_passes_through_close_arrows():
    # arrows closer than the spreading width (a slow one upstream, faster ones downstream, as on the
    # mountain stream): a plain Gaussian-weighted mean blurs them together (the slow arrow came out twice
    # as fast as asked); the field must still pass through each arrow and stay within their speeds
    hints = MotionHints((Hint(40, 10, 0, 8), Hint(30, 30, -6, 14), Hint(50, 30, -4, 28), Hint(40, 50, -10, 40)))
    vel = interpolate_hints((60, 90), hints, sigma_px=25.0)
    for h in hints.hints:
        np.testing.assert_allclose(vel[int(h.y), int(h.x)], (h.dx, h.dy), atol=0.6)
    speed = np.hypot(vel[..., 0], vel[..., 1])
    assert speed.max() <= np.hypot(10, 40) + 1e-3
    assert vel[0, 0, 1] > 0 and vel[-1, -1, 1] > 0  # far away, the nearest arrows still decide


def test_field_units_speed_and_region():
    image = _grey()
    region = np.zeros((60, 90), bool)
    region[10:50, 20:70] = True
    hints = MotionHints((Hint(45, 30, 24, 0),))
    field = build_field(image, region, fps=24, hints=hints, options=FieldOptions(smooth_radius_diag=0))
    assert np.all(field[~region] == 0)
    # 24 px/s at 24 fps: 1 px per frame in the middle of the region
    np.testing.assert_allclose(field[30, 45], (1.0, 0.0), atol=1e-3)
    faster = build_field(image, region, fps=12, hints=hints, speed=2.0, options=FieldOptions(smooth_radius_diag=0))
    np.testing.assert_allclose(faster[30, 45], (4.0, 0.0), atol=1e-3)


def test_fade_at_the_region_border_but_not_at_the_photo_edge():
    region = np.zeros((40, 60), bool)
    region[:, 20:] = True  # touches the photo's top, bottom and right edges
    fade = border_fade(region, fade_px=6.0)
    assert fade[20, 20] < 0.1 and fade[20, 23] < fade[20, 25] < 1.0 and fade[20, 30] == 1.0
    assert fade[0, 40] == 1.0 and fade[39, 59] == 1.0  # photo edges are not borders
    assert np.all(fade[:, :20] == 0)


def test_zero_at_anchors_and_in_frozen_areas():
    image = _grey()
    region = np.ones((60, 90), bool)
    region[:, 70:] = False  # frozen
    hints = MotionHints((Hint(30, 30, 20, 10),), (Anchor(40, 20),))
    field = build_field(image, region, fps=10, hints=hints)
    assert np.all(field[20, 40] == 0)
    assert np.hypot(*field[20, 45]) < np.hypot(*field[20, 60]) < np.hypot(*field[50, 10]) + 1e-6
    assert np.all(field[:, 70:] == 0)


def test_material_presets_point_the_right_way():
    image = _grey()
    region = np.ones((60, 90), bool)
    mean = {name: build_field(image, region, fps=24, material=m)[20:40, 30:60].reshape(-1, 2).mean(0) for name, m in MATERIALS.items()}
    assert mean["water"][1] > abs(mean["water"][0])
    assert mean["waterfall"][1] > 2 * mean["water"][1]
    assert mean["clouds"][0] > abs(mean["clouds"][1])
    assert -mean["smoke"][1] > abs(mean["smoke"][0])


def test_edge_aware_smoothing_follows_the_photo():
    h, w = 40, 80
    step = np.zeros((h, w, 2), np.float32)
    step[:, 40:, 0] = 1.0  # the motion changes where the photo changes
    photo = np.full((h, w, 3), 0.2, np.float32)
    photo[:, 40:] = 0.9
    flat = np.full((h, w, 3), 0.5, np.float32)
    region = np.ones((h, w), bool)
    guided = smooth_in_region(step, region, photo, radius_px=6, eps=1e-2)
    blind = smooth_in_region(step, region, flat, radius_px=6, eps=1e-2)
    err_guided = np.abs(guided[:, 34:46, 0] - step[:, 34:46, 0]).mean()
    err_blind = np.abs(blind[:, 34:46, 0] - step[:, 34:46, 0]).mean()
    assert err_guided < 0.25 * err_blind


def test_small_enclosed_islands_keep_the_flow():
    region = np.ones((50, 50), bool)
    region[20:25, 20:25] = False  # a rock
    region[:, 45:] = False  # the bank
    found = islands(region, max_fraction=0.05)
    assert found[22, 22] and not found[10, 47]
    field = build_field(_grey(50, 50), region, fps=1, hints=MotionHints((Hint(10, 10, 0, 2),)))
    assert field[22, 22, 1] > 1.0  # material passes under the rock
    assert np.all(field[:, 45:] == 0)


def test_bad_field_inputs():
    image = _grey()
    with pytest.raises(InputError, match="empty"):
        build_field(image, np.zeros((60, 90), bool), fps=24, hints=MotionHints((Hint(1, 1, 1, 1),)))
    with pytest.raises(InputError, match="no motion"):
        build_field(image, np.ones((60, 90), bool), fps=24)
    with pytest.raises(InputError, match="moving region is 10x10"):
        build_field(image, np.ones((10, 10), bool), fps=24, hints=MotionHints((Hint(1, 1, 1, 1),)))


@pytest.mark.parametrize(
    "hints, speed, message",
    [
        (MotionHints((Hint(90, 10, 1, 1),)), 1.0, r"hint at \(90, 10\) is outside the photo, which is 90x60"),
        (MotionHints((Hint(10, 10, 1, 1),), (Anchor(10, -1),)), 1.0, r"anchor at \(10, -1\) is outside the photo"),
        (MotionHints((Hint(10, 10, 5, 0),)), 1e4, "speed must be a factor in 0..20, got 10000"),
        (MotionHints((Hint(10, 10, 5, 0),)), float("nan"), "speed must be a factor in 0..20"),
    ],
)
def test_hints_outside_the_photo_too_long_arrows_and_huge_speeds_are_refused(hints, speed, message):
    # outside hints reached the field (an anchor off the photo's edge indexed out of it or wrapped round)
    with pytest.raises(InputError, match=message):
        build_field(_grey(), np.ones((60, 90), bool), fps=24, hints=hints, speed=speed)


def test_flow_along_a_bank_is_turned_parallel_to_it_but_an_inlet_is_not():
    # the water lies below row 40 (a straight bank); the photo's own edges are not banks
    h, w = 100, 120
    region = np.zeros((h, w), bool)
    region[40:] = True

    def flow(angle_deg):  # unit flow to the right, turned away from the bank (downwards) by angle_deg
        a = np.radians(angle_deg)
        v = np.zeros((h, w, 2), np.float32)
        v[..., 0], v[..., 1] = np.cos(a), np.sin(a)
        return v

    slanted = along_banks(flow(20.0), region, band_px=12, max_angle_deg=50.0)
    assert np.allclose(slanted[40:42, :, 1], 0.0, atol=0.03)  # next to the bank, up to the photo edges: along it
    assert np.all(np.diff(slanted[40:52, 60, 1]) > 0)  # turning back to the arrows' direction across the band
    assert np.allclose(np.hypot(slanted[..., 0], slanted[..., 1])[region], 1.0, atol=1e-4)  # speed kept
    assert np.allclose(slanted[60:], flow(20.0)[60:])  # beyond the band: unchanged
    inlet = along_banks(flow(80.0), region, band_px=12, max_angle_deg=50.0)
    assert np.allclose(inlet, flow(80.0))  # steep: water entering where the mask cuts the stream
