"""Estimated depth: soft ramps at blurred rims stretch, sharp edges tear."""

import numpy as np

from stillmotion.render.scene import tear_mask


def _ramp(width: int, *, sharp_photo: bool):
    """Columns: a far plane, a ramp ``width`` px wide up to a near plane, steepening towards it (as
    estimates of a blurred rim do, so its last steps stand out). The photo is either a soft
    gradient over the same ramp (a blurred rim) or a hard colour edge where the ramp is steepest."""
    h, w = 24, 64
    start = 20
    q = np.full((h, w), 0.2, np.float32)
    q[:, start + width :] = 1.0
    t = np.linspace(0.0, 1.0, width + 2, dtype=np.float32)[1:-1]
    q[:, start : start + width] = 0.2 + 0.8 * t**3
    image = np.zeros((h, w, 3), np.float32)
    if sharp_photo:
        image[:, start + width - 1 :] = 1.0
    else:
        image[:, :] = np.clip((np.arange(w) - start) / width, 0, 1)[None, :, None]
    return q, image


def _torn_columns(keep: np.ndarray) -> set[int]:
    return set(np.nonzero((keep != 3).any(axis=0))[0].tolist())


def test_a_wide_ramp_under_a_blurred_rim_stays_whole():
    q, image = _ramp(12, sharp_photo=False)
    gain = 40.0  # a 0.8 step moves 32 px: the ramp's kinks stretch far past TEAR_PX
    assert _torn_columns(tear_mask(q, gain=gain))  # without the photo the ramp's kinks tear
    assert not _torn_columns(tear_mask(q, gain=gain, image=image))


def test_a_wide_ramp_under_a_sharp_colour_edge_still_tears():
    q, image = _ramp(12, sharp_photo=True)
    torn = _torn_columns(tear_mask(q, gain=40.0, image=image))
    assert torn == _torn_columns(tear_mask(q, gain=40.0)) == {31}


def test_a_concentrated_step_tears_whatever_the_photo():
    q = np.full((24, 64), 0.2, np.float32)
    q[:, 30:] = 1.0
    flat = np.full((24, 64, 3), 0.5, np.float32)
    assert _torn_columns(tear_mask(q, gain=40.0, image=flat)) == _torn_columns(tear_mask(q, gain=40.0)) == {29}
