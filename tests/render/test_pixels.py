"""The one pass that lists a rendered frame's holes and the pixels beside its tears."""

from __future__ import annotations

import numpy as np

from stillmotion.render.pixels import scan_frame


def _reference(map_u, map_v, weight, tear_px):
    """The same lists from whole-frame NumPy: pairs of rendered neighbours whose sources are far apart."""
    rendered = weight > 0
    apart_x = (np.abs(np.diff(map_u, axis=1)) > tear_px) | (np.abs(np.diff(map_v, axis=1)) > tear_px)
    apart_y = (np.abs(np.diff(map_u, axis=0)) > tear_px) | (np.abs(np.diff(map_v, axis=0)) > tear_px)
    pair_x = apart_x & rendered[:, 1:] & rendered[:, :-1]
    pair_y = apart_y & rendered[1:] & rendered[:-1]
    tear = np.zeros(weight.shape, bool)
    tear[:, 1:] |= pair_x
    tear[:, :-1] |= pair_x
    tear[1:] |= pair_y
    tear[:-1] |= pair_y
    return ~rendered, np.nonzero(~rendered), np.nonzero(tear)


def test_scan_lists_the_holes_and_both_sides_of_every_tear():
    rng = np.random.default_rng(7)
    for h, w in ((37, 53), (1, 9), (8, 1)):
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        map_u = xs + rng.normal(0, 1.2, (h, w)).astype(np.float32)  # some neighbours jump, most do not
        map_v = ys + np.where(rng.random((h, w)) < 0.05, 9.0, 0.0).astype(np.float32)
        weight = np.where(rng.random((h, w)) < 0.1, 0.0, 1.0).astype(np.float32)
        found = scan_frame(map_u, map_v, weight, tear_px=2.5)
        holes, hole_pixels, tear_pixels = _reference(map_u, map_v, weight, 2.5)
        assert np.array_equal(found.holes, holes)
        for got, expected in zip(found.hole_pixels + found.tear_pixels, hole_pixels + tear_pixels):
            assert np.array_equal(got, expected)
        assert found.tear_pixels[0].size > 0 or h * w < 20
