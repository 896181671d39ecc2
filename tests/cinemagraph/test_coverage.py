import numpy as np

from stillmotion.cinemagraph.coverage import finish_half
from stillmotion.cinemagraph.splat import new_buffer, splat_into


def test_pinholes_are_closed_big_holes_stay_and_the_buffer_is_reset():
    rng = np.random.default_rng(0)
    h, w = 32, 48
    colour = rng.random((h, w, 3)).astype(np.float32)
    buf = new_buffer((h, w))
    # a stretch by 2 along x on the left half: every other target column gets nothing (pinholes)
    disp = np.zeros((h, w, 2), np.float32)
    xs = np.arange(w, dtype=np.float32)
    disp[:, : w // 4, 0] = xs[: w // 4]  # x -> 2x for x < w/4
    disp[:, w // 4 :, 0] = 200.0  # the rest leaves the frame: a big hole
    inside = np.ones((h, w), bool)
    splat_into(colour, disp, buf, sources=np.ones((h, w), bool))
    moved, holes, cover = finish_half(buf, inside, full_coverage=0.8)
    assert not buf.any()  # zeroed for the next frame
    assert cover.shape == (h // 2, w // 2)
    stretched = (slice(2, h - 2), slice(2, w // 2 - 2))
    assert not holes[stretched].any()  # the pinholes in the stretched part are closed...
    # ... with the mean of their six known neighbours (the even columns either side, three rows)
    for y, x in ((5, 7), (10, 13), (20, 3)):
        expected = np.concatenate([moved[y - 1 : y + 2, x - 1], moved[y - 1 : y + 2, x + 1]]).mean(axis=0)
        assert np.allclose(moved[y, x], expected, atol=1e-5)
    assert holes[:, w // 2 + 2 :].all()  # the big hole stays
    assert np.allclose(cover[:, : w // 8 - 1], 0.5) and cover[:, w // 4 + 1 :].max() == 0.0  # half covered; empty
