from __future__ import annotations

import numpy as np

from stillmotion.depth.border_layout import border_layout
from stillmotion.depth.layout import DEFAULT_HORIZON_FRAC, ground_ramp, horizon_row
from stillmotion.depth.occlusion import occlusion_step

from .conftest import textured


def test_a_homogeneous_picture_gets_the_row_ramp_back():
    h, w = 120, 160
    image = np.full((h, w, 3), 0.5, np.float32) + 0.01 * textured(h, w, 0)
    ramp = np.broadcast_to(np.linspace(0, 1, h, dtype=np.float32)[:, None], (h, w)).copy()
    out = border_layout(image, ramp)
    assert out.shape == (h, w) and out.dtype == np.float32
    assert np.abs(out - ramp).max() < 0.05


def test_objects_take_the_depth_of_what_they_touch():
    h, w = 120, 160
    image = np.full((h, w, 3), 0.5, np.float32)
    image[20:120, 30:60] = (0.9, 0.1, 0.1)  # a tall red post standing on the bottom edge
    image[0:50, 100:130] = (0.1, 0.1, 0.9)  # a blue banner hanging from the top edge
    ramp = ground_ramp(h, w, 30.0)
    out = border_layout(image, ramp)
    post, banner = out[25:45, 35:55], out[30:45, 105:125]
    assert post.mean() > ramp[25:45].mean() + 0.3  # the post's top is as near as its foot
    assert post.std() < 0.05  # one surface
    assert banner.mean() < ramp[30:45].mean()  # the banner is as far as the top edge it hangs from


def test_anchors_are_held_and_win_over_the_borders():
    h, w = 100, 100
    image = np.full((h, w, 3), 0.5, np.float32)
    image[10:40, 40:60] = (0.2, 0.8, 0.2)
    anchors = np.full((h, w), np.nan, np.float32)
    anchors[10:40, 40:60] = 0.9
    out = border_layout(image, ground_ramp(h, w, 25.0), anchors=anchors)
    assert abs(float(out[15:35, 45:55].mean()) - 0.9) < 0.02


def test_the_occlusion_step_is_one_per_object_and_larger_when_it_stands_lower():
    h, w = 100, 100
    ground = ground_ramp(h, w, 25.0)
    fg = np.zeros((h, w), np.float32)
    fg[50:95, 10:30] = 1.0  # stands low in the frame: near
    fg[10:40, 60:80] = 1.0  # ends high: far
    step = occlusion_step(fg, ground, ratio=0.25)
    low, high = step[55:90, 12:28], step[12:38, 62:78]
    assert low.std() < 1e-6 and high.std() < 1e-6
    assert abs(float(low.mean()) - 0.25 * ground[94, 0]) < 1e-6
    assert low.mean() > 2 * high.mean()
    assert step[0:5].max() == 0.0
    assert not occlusion_step(np.zeros((h, w), np.float32), ground, ratio=0.25).any()


def test_a_narrow_patch_of_sky_does_not_place_the_horizon():
    sky = np.zeros((100, 200), bool)
    sky[:40, 80:110] = True  # a window: 15 % of the columns
    assert horizon_row(sky) == DEFAULT_HORIZON_FRAC * 100
    sky[:40] = True  # sky over the whole width
    assert abs(horizon_row(sky) - 40) <= 1
