"""match_depth: resampling to the photo's size, aspect refusal, masks, disparity scaling."""

from __future__ import annotations

import numpy as np
import pytest

from stillmotion.errors import InputError
from stillmotion.io import match_depth
from stillmotion.types import Depth, DepthKind


def _plane(h, w):
    """A linear ramp sampled at pixel centres of an image spanning [0, 1] x [0, 1]."""
    y = (np.arange(h) + 0.5) / h
    x = (np.arange(w) + 0.5) / w
    return (2.0 + 3.0 * x[None, :] + 1.0 * y[:, None]).astype(np.float32)


def test_same_size_is_returned_unchanged():
    d = Depth(_plane(30, 40), DepthKind.INVERSE)
    assert match_depth(d, (30, 40)) is d


@pytest.mark.parametrize(("src", "dst"), [((60, 80), (30, 40)), ((30, 40), (90, 120)), ((75, 100), (150, 201))])
def test_a_linear_ramp_is_resampled_exactly_inside(src, dst):
    d = Depth(_plane(*src), DepthKind.METRIC)
    out = match_depth(d, dst)
    assert out.shape == dst and out.values.dtype == np.float32 and out.kind == DepthKind.METRIC
    expected = _plane(*dst)
    inner = (slice(2, -2), slice(2, -2))  # borders clamp
    np.testing.assert_allclose(out.values[inner], expected[inner], atol=0.02)


def test_other_aspect_is_refused_with_both_sizes():
    d = Depth(_plane(30, 40), DepthKind.INVERSE)
    with pytest.raises(InputError, match="40x30.*64x64"):
        match_depth(d, (64, 64))


def test_disparity_scales_with_the_width():
    d = Depth(np.full((30, 40), 10.0, np.float32) + _plane(30, 40) * 0, DepthKind.DISPARITY)
    up = match_depth(d, (60, 80))
    np.testing.assert_allclose(up.values, 20.0, rtol=1e-6)
    down = match_depth(d, (15, 20))
    np.testing.assert_allclose(down.values, 5.0, rtol=1e-6)
    inverse = match_depth(Depth(d.values, DepthKind.INVERSE), (60, 80))
    np.testing.assert_allclose(inverse.values, 10.0, rtol=1e-6)


@pytest.mark.parametrize("dst", [(60, 80), (15, 20), (45, 60)])
def test_valid_values_are_never_blended_with_unknown_ones(dst):
    values = np.full((30, 40), 5.0, np.float32)
    valid = np.ones((30, 40), bool)
    valid[:, 17:26] = False
    valid[3:9, 3:7] = False
    values[~valid] = 0.0  # what read_depth stores at unknown pixels
    out = match_depth(Depth(values, DepthKind.METRIC, valid), dst)
    assert out.valid is not None and out.valid.shape == dst
    np.testing.assert_allclose(out.values[out.valid], 5.0, rtol=1e-5)  # no 0 mixed in at the edges
    assert abs(out.valid.mean() - valid.mean()) < 0.06
    h, w = dst
    assert not out.valid[h // 2, int(w * 21.5 / 40)] and out.valid[h // 2, int(w * 12 / 40)]


def test_mask_follows_the_picture():
    values = np.arange(40 * 40, dtype=np.float32).reshape(40, 40) + 1
    valid = np.zeros((40, 40), bool)
    valid[:, :20] = True
    out = match_depth(Depth(values, DepthKind.METRIC, valid), (80, 80))
    assert out.valid[:, :38].all() and not out.valid[:, 42:].any()
