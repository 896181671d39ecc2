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


def _finish_splat(disp, inside, **options):
    h, w = disp.shape[:2]
    colour = np.random.default_rng(1).random((h, w, 3)).astype(np.float32)
    buf = new_buffer((h, w))
    splat_into(colour, disp, buf)
    return finish_half(buf, inside, full_coverage=0.8, **options)


def test_specks_among_holes_are_opened():
    # the slow material of a faded border pulled apart 3x: rows of covered targets with two empty rows
    # between them (the hole pixels have only 3 known neighbours: no pinholes). A frame showed them as rows of
    # single pixels over whatever the other half had there; they count as holes now
    h, w = 36, 24
    inside = np.ones((h, w), bool)
    ys = np.arange(h, dtype=np.float32)[:, None]
    disp = np.zeros((h, w, 2), np.float32)
    disp[..., 1] = 2.0 * ys  # y -> 3y
    _, holes, _ = _finish_splat(disp, inside)
    assert holes[3:-3, 3:-3].all()
    _, holes, _ = _finish_splat(disp, inside, open_specks=False)  # the rows, as the splat left them
    assert not holes[3:-3:3, 3:-3].any() and holes[4:-3:3, 3:-3].all()
    # a lone source far from the others: a 2x2 square among holes
    disp = np.full((h, w, 2), 500.0, np.float32)  # everything leaves the frame...
    disp[10, 10] = (0.5, 0.5)  # ... but one source, half a pixel off the grid
    _, holes, _ = _finish_splat(disp, inside)
    assert holes.all()


def test_dense_content_its_rim_and_thin_strands_of_the_region_are_no_specks():
    h, w = 36, 48
    disp = np.zeros((h, w, 2), np.float32)
    disp[:, w // 2 :, 0] = 500.0  # the right half leaves the frame: a big hole beside dense content
    inside = np.ones((h, w), bool)
    _, holes, _ = _finish_splat(disp, inside)
    assert not holes[:, : w // 2].any() and holes[:, w // 2 :].all()
    # a strand of the region 2 px wide between still pixels (outside it, where nothing lands)
    inside = np.zeros((h, w), bool)
    inside[:, 20:22] = True
    disp = np.zeros((h, w, 2), np.float32)
    disp[~inside] = 500.0
    _, holes, _ = _finish_splat(disp, inside)
    assert not holes[:, 20:22].any()
