"""The patch backend: exemplar synthesis ranked by cosine similarity of patch embeddings."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data

from stillmotion.errors import InputError
from stillmotion.inpaint import inpaint
from stillmotion.inpaint.descriptor import cosine_similarity, patch_embedding, pixel_features

from .conftest import stripes


def _square_hole(shape, top, left, size):
    hole = np.zeros(shape, bool)
    hole[top : top + size, left : left + size] = True
    return hole


def _tiled(period=16, reps=(6, 4), seed=0):
    rng = np.random.default_rng(seed)
    tile = rng.random((period, period, 3)).astype(np.float32)
    return np.tile(tile, reps + (1,))


def _ranked(feats, y, x, radius=3):
    ref = patch_embedding(feats, y, x, radius)
    h, w = feats.shape[:2]
    scores = {}
    for sy in range(radius, h - radius):
        for sx in range(radius, w - radius):
            if abs(sy - y) + abs(sx - x) > 0:
                scores[(sy, sx)] = cosine_similarity(ref, patch_embedding(feats, sy, sx, radius))
    return sorted(scores, key=scores.get, reverse=True), scores


def test_embedding_cosine_ranks_the_exact_copies_first():
    image = _tiled()  # 96 x 64, an exact copy of every patch every 16 pixels
    feats = pixel_features(image, np.ones(image.shape[:2], bool))
    ref = patch_embedding(feats, 40, 40, 3)
    assert cosine_similarity(ref, ref) == pytest.approx(1.0, abs=1e-6)
    order, scores = _ranked(feats, 40, 40)
    assert all((sy - 40) % 16 == 0 and (sx - 40) % 16 == 0 for sy, sx in order[:4])
    assert scores[order[0]] == pytest.approx(1.0, abs=1e-5)


def test_light_counts_in_the_ranking():
    bright = _tiled(reps=(4, 2))
    image = np.concatenate([bright, bright * 0.6], axis=1)  # right half: the same texture, darker
    feats = pixel_features(image, np.ones(image.shape[:2], bool))
    order, scores = _ranked(feats, 24, 10)
    darker_twin = (24, 10 + 32)
    assert order[0][1] < 32  # an exact bright copy wins
    assert scores[order[0]] > scores[darker_twin]


def test_texture_is_continued_where_diffusion_blurs():
    truth = stripes(96, 128, period=8)
    hole = _square_hole(truth.shape[:2], 32, 48, 28)
    damaged = truth.copy()
    damaged[hole] = 0.0
    patch = inpaint(damaged, hole, backend="patch")
    telea = inpaint(damaged, hole, backend="telea")
    err_patch = float(np.mean((patch[hole] - truth[hole]) ** 2))
    err_telea = float(np.mean((telea[hole] - truth[hole]) ** 2))
    assert err_patch < 0.25 * err_telea
    # the fill is made of the texture's two colours, not of averages
    distance_to_palette = np.minimum(
        np.abs(patch[hole] - truth[0, 0]).max(axis=1), np.abs(patch[hole] - truth[0, 4]).max(axis=1)
    )
    assert np.mean(distance_to_palette < 0.1) > 0.8


def test_known_pixels_are_kept_and_runs_repeat_exactly():
    image = data.coffee()[::3, ::3].astype(np.float32) / 255.0
    hole = _square_hole(image.shape[:2], 60, 80, 30)
    first = inpaint(image, hole)
    second = inpaint(image, hole)
    assert np.array_equal(first[~hole], image[~hole])
    assert np.array_equal(first, second)
    assert np.isfinite(first).all() and first.min() >= 0.0 and first.max() <= 1.0
    assert not np.array_equal(inpaint(image, hole, seed=3), first)


@pytest.mark.parametrize("shape", [(120, 160), (300, 400)])  # one level, and a pyramid
def test_the_fill_does_not_depend_on_what_the_hole_held(shape):
    """The texture channel near the hole was measured over the hole's old values: a photo with white or
    black there gave another fill."""
    h, w = shape
    image = (data.astronaut()[:h, :w] / 255.0).astype(np.float32)
    hole = np.zeros((h, w), bool)
    hole[h // 3 : h // 2, w // 3 : w // 2] = True
    fills = []
    for value in (0.0, 1.0):
        given = image.copy()
        given[hole] = value
        fills.append(inpaint(given, hole, backend="patch"))
    assert np.array_equal(fills[0], fills[1])


def test_large_hole_in_a_smooth_region_takes_the_region_colour():
    image = data.astronaut().astype(np.float32) / 255.0
    hole = _square_hole(image.shape[:2], 395, 90, 60)  # in the orange suit
    ring = _square_hole(image.shape[:2], 383, 78, 84) & ~hole
    ring[:, 140:] = False  # the blue mission badge starts to the right
    out = inpaint(image, hole)
    assert np.abs(out[hole].mean(axis=0) - image[ring].mean(axis=0)).max() < 0.08
    # and it is texture, not a flat colour
    assert out[hole].std(axis=0).mean() > 0.3 * image[ring].std(axis=0).mean()


def test_bad_patch_size_is_refused():
    with pytest.raises(InputError, match="patch_size"):
        inpaint(stripes(), _square_hole((96, 128), 10, 10, 5), patch_size=4)


def test_hole_on_the_border_is_outpainted():
    truth = stripes(64, 96, period=8)
    hole = np.zeros(truth.shape[:2], bool)
    hole[:, 80:] = True
    out = inpaint(truth * ~hole[:, :, None], hole)
    assert float(np.mean((out[hole] - truth[hole]) ** 2)) < 0.02


def test_fine_texture_is_kept_where_a_coarse_level_sees_flat_grey():
    # top: fine grain around mid grey; bottom: flat mid grey; halved a few times both look the same
    rng = np.random.default_rng(0)
    image = np.full((384, 512, 3), 0.5, np.float32)
    image[:192] = np.clip(0.5 + 0.25 * rng.standard_normal((192, 512, 1)), 0, 1)
    hole = _square_hole(image.shape[:2], 60, 200, 70)
    out = inpaint(image, hole)
    assert out[hole].std() > 0.6 * image[:192][~hole[:192]].std()


def test_sources_stay_within_reach():
    from stillmotion.inpaint import patchmatch as pm
    from stillmotion.inpaint.descriptor import pixel_features

    image = data.coffee()[::4, ::4].astype(np.float32) / 255.0
    h, w = image.shape[:2]
    hole = _square_hole((h, w), 40, 60, 16)
    known = ~hole
    feats = pixel_features(image, known)
    target = np.zeros((h, w), bool)
    target[30:66, 50:86] = True
    src_ok = np.zeros((h, w), bool)
    src_ok[3:-3, 3:-3] = True
    src_ok &= ~_square_hole((h, w), 37, 57, 22)
    depth = np.zeros((h, w), np.float32)
    limit = np.full((h, w), np.inf, np.float32)
    weight = np.ones((h, w), np.float32)
    sources = np.argwhere(src_ok).astype(np.int32)
    nnf = pm.random_field(target, sources, limit, depth, 0, src_ok, 12)
    cost = pm.field_cost(feats, weight, target, src_ok, depth, limit, nnf, radius=3, stride=1, bias=1.5, reach=12)
    pm.search(feats, weight, target, src_ok, depth, limit, nnf, cost, radius=3, stride=1, bias=1.5, iterations=3,
              search_radius=12, reach=12)
    ys, xs = np.nonzero(target)
    assert (cost[ys, xs] < pm.BIG_COST).all()
    assert np.abs(nnf[ys, xs, 0] - ys).max() <= 12 and np.abs(nnf[ys, xs, 1] - xs).max() <= 12
    assert src_ok[nnf[ys, xs, 0], nnf[ys, xs, 1]].all()


def test_an_option_a_backend_does_not_take_is_named():
    """``inpaint(image, mask, bogus=1)`` was "TypeError: PatchOptions.__init__() got an unexpected keyword
    argument", and ``backend="telea", patch_size=9`` a TypeError from OpenCVInpainter."""
    from stillmotion.errors import InputError
    from stillmotion.inpaint import inpaint

    image = np.random.default_rng(0).random((32, 32, 3)).astype(np.float32)
    mask = np.zeros((32, 32), bool)
    mask[10:16, 10:16] = True
    with pytest.raises(InputError, match="the inpaint backend 'patch' does not take bogus; its options: patch_size"):
        inpaint(image, mask, bogus=1)
    with pytest.raises(InputError, match="the inpaint backend 'telea' does not take patch_size; its options: radius_px"):
        inpaint(image, mask, backend="telea", patch_size=9)
    assert inpaint(image, mask, backend="ns", radius_px=3).shape == image.shape
