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


def _sparse_reference(w_across, w_down, values, fixed):
    """The same harmonic system solved by SciPy's sparse LU: the graph Laplacian of the grid, values held
    on the fixed pixels."""
    import scipy.sparse as sparse
    import scipy.sparse.linalg as sparse_linalg

    h, w = values.shape
    index = np.arange(h * w).reshape(h, w)
    i = np.concatenate([index[:, :-1].ravel(), index[:-1].ravel()])
    j = np.concatenate([index[:, 1:].ravel(), index[1:].ravel()])
    weight = np.concatenate([w_across.ravel(), w_down.ravel()])
    adjacency = sparse.coo_matrix((weight, (i, j)), shape=(h * w, h * w)).tocsr()
    adjacency = adjacency + adjacency.T
    laplacian = (sparse.diags(np.asarray(adjacency.sum(axis=1)).ravel()) - adjacency).tocsr()
    known, free = fixed.ravel(), ~fixed.ravel()
    out = values.ravel().astype(np.float64)
    rhs = -(laplacian[free][:, known] @ out[known])
    out[free] = sparse_linalg.spsolve(laplacian[free][:, free].tocsc(), rhs)
    return out.reshape(h, w)


def test_the_block_solver_matches_a_sparse_solve_of_the_same_system():
    from stillmotion.depth.border_layout import _solve_grid

    rng = np.random.default_rng(3)
    for h, w in ((9, 14), (17, 6), (30, 40)):
        values = rng.random((h, w))
        fixed = rng.random((h, w)) < 0.15
        fixed[[0, -1]] = True
        fixed[:, [0, -1]] = True
        # weights over four decades, as colour edges make them
        w_across, w_down = 10.0 ** rng.uniform(-4, 0, (h, w - 1)), 10.0 ** rng.uniform(-4, 0, (h - 1, w))
        ours = _solve_grid(w_across, w_down, values, fixed)
        assert np.allclose(ours, _sparse_reference(w_across, w_down, values, fixed), atol=1e-5)
        assert np.array_equal(ours[fixed], values[fixed].astype(np.float32))


def test_sealed_anchors_do_not_spread_into_what_surrounds_them():
    """A held object whose colour barely differs from what is around it: unsealed, its value spreads over
    the surroundings and fades towards the borders (a halo); sealed at its outline, they keep the layout."""
    h, w = 100, 160
    image = 0.3 + 0.1 * textured(h, w, 3)  # grain everywhere: the outline is no stronger an edge than it
    image[20:100, 60:90] -= 0.02  # a person, hardly darker than the hill behind
    ramp = ground_ramp(h, w, 10.0)
    anchors = np.full((h, w), np.nan, np.float32)
    anchors[20:100, 60:90] = 1.0
    person = np.isfinite(anchors)
    beside = np.s_[30:70, 95:110]
    halo = border_layout(image, ramp, anchors=anchors)[beside] - ramp[beside]
    sealed = border_layout(image, ramp, anchors=anchors, seal=(person, ~person))
    assert halo.mean() > 0.2  # the failure this guards against
    assert np.abs(sealed[beside] - ramp[beside]).mean() < 0.05  # was 0.4 just beside the outline
    assert np.abs(sealed[25:95, 65:85] - 1.0).max() < 1e-3
