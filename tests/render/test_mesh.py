"""The quadtree draw list: flat depth merges into large quads without cracks or lost tears."""

from __future__ import annotations

import numpy as np

from stillmotion.render.mesh import build_mesh
from stillmotion.render.rasterize import rasterize_mesh
from stillmotion.render.renderer import frame_intrinsics, render
from stillmotion.render.scene import build_scene, unproject
from stillmotion.types import CameraState, Intrinsics


def _whole(q: np.ndarray) -> np.ndarray:
    return np.full((q.shape[0] - 1, q.shape[1] - 1), 3, np.uint8)


def _covered_quads(quads: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """How many times each 1x1 quad of the grid is drawn by the list."""
    count = np.zeros(shape, np.int32)
    for i, j, s, _ in quads:
        count[i : i + s, j : j + s] += 1
    return count


def _draw(q_mesh, mesh, intr, rot, trans, cam, wbuf, map_u, map_v, *, u_offset=0.0, cover=None):
    """Rasterise the mesh of ``q_mesh`` seen by ``cam`` from (``rot`` = R^T, ``trans``); ``cover``: only
    through its holes."""
    points = mesh.gather(unproject(q_mesh, intr))
    behind = cover is not None
    rasterize_mesh(points, mesh.corners, mesh.quads, np.ascontiguousarray(rot), np.ascontiguousarray(trans),
                   cam.fx, cam.fy, cam.cx, cam.cy, 0.01, u_offset, 1.0, wbuf, map_u, map_v, behind,
                   cover if behind else np.zeros((1, 1), np.uint8), np.empty_like(points))  # fmt: skip


def test_a_plane_merges_into_the_largest_quads_and_covers_every_quad_once():
    h, w = 65, 97
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    q = (0.5 + 0.002 * xs + 0.001 * ys).astype(np.float32)  # a slanted plane: affine inverse depth
    q_mesh, mesh = build_mesh(q, _whole(q), tolerance=1e-5, max_level=4)
    sizes = mesh.quads[:, 2]
    assert (sizes == 16).sum() == (64 // 16) * (96 // 16)  # every whole 16x16 tile merged
    assert np.array_equal(_covered_quads(mesh.quads, (h - 1, w - 1)), np.ones((h - 1, w - 1), np.int32))
    assert np.allclose(q_mesh, q, atol=1e-6)  # a plane needs no vertex moved
    used = np.zeros(h * w, bool)
    used[mesh.vertices] = True
    assert used.sum() < 0.1 * h * w  # mostly block corners


def test_corners_name_the_vertices_of_each_quad():
    rng = np.random.default_rng(5)
    h, w = 40, 57
    q = (0.5 + 0.05 * rng.random((h, w))).astype(np.float32)
    q[:, :30] = 0.4  # a flat part merges into large quads
    keep = rng.choice(np.array([0, 1, 2, 3], np.uint8), size=(h - 1, w - 1), p=[0.05, 0.05, 0.05, 0.85])
    _, mesh = build_mesh(q, keep, tolerance=1e-3)
    i, j, s = (mesh.quads[:, c] for c in range(3))
    expected = np.stack([i * w + j, i * w + j + s, (i + s) * w + j, (i + s) * w + j + s], axis=1)
    assert set(np.unique(s)) > {1}
    assert np.array_equal(mesh.vertices[mesh.corners], expected)
    grid = rng.random((h, w, 3)).astype(np.float32)
    assert np.array_equal(mesh.gather(grid)[mesh.corners[:, 3]], grid[i + s, j + s])


def test_torn_quads_never_merge():
    q = np.full((33, 33), 0.5, np.float32)
    keep = _whole(q)
    keep[10, 12] = 1  # the lower-right triangle of this quad is torn away
    keep[20, 5] = 0
    _, mesh = build_mesh(q, keep, tolerance=1e-3)
    drawn = {(i, j): (s, k) for i, j, s, k in mesh.quads}
    assert drawn[(10, 12)] == (1, 1) and (20, 5) not in drawn
    count = _covered_quads(mesh.quads, keep.shape)
    assert count[20, 5] == 0 and np.all(count[keep > 0] == 1)


def test_rough_and_flat_regions_meet_without_cracks(texture):
    """Flat halves become big quads, a bumpy strip stays 1x1: the T-junctions between them must not open
    when the camera moves and magnifies."""
    h, w = texture.shape[:2]
    intr = Intrinsics.from_fov(w, h, 55.0)
    rng = np.random.default_rng(3)
    q = np.linspace(0.4, 0.8, w, dtype=np.float32)[None, :].repeat(h, axis=0)
    q[:, w // 3 : w // 3 + 7] += 0.004 * rng.random((h, 7), dtype=np.float32)  # below the tear threshold
    scene = build_scene(texture, q, intr, parallax_gain_px=intr.fx * 0.05, background=False)
    sizes = scene.layers[0].mesh.quads[:, 2]
    assert (sizes > 2).any() and (sizes == 1).any()
    for state in (CameraState(x=0.05, z=0.1), CameraState(ry_deg=3.0, rz_deg=10.0, z=0.05)):
        out = render(scene, state, Intrinsics(intr.fx * 1.5, intr.fy * 1.5, intr.cx, intr.cy, w, h))
        inner = out.holes[8:-8, 8:-8]
        assert not inner.any(), f"{int(inner.sum())} uncovered pixels inside the surface"


def test_t_junctions_close_even_with_a_coarse_tolerance():
    """With a coarse tolerance, big quads border small ones whose vertices on the shared edge must sit
    exactly on the straight edge, or a camera move opens cracks along it. The mesh is untorn, so any
    uncovered pixel inside the moved surface is a crack."""
    h, w = 49, 257
    intr = Intrinsics.from_fov(w, h, 55.0)
    rng = np.random.default_rng(5)
    q = (0.5 + 0.02 * rng.random((h, w))).astype(np.float32)  # within the tolerance: big quads
    q[:, 129:] += (0.06 * rng.random((h, w - 129))).astype(np.float32)  # beyond it: 1x1 quads
    q_mesh, mesh = build_mesh(q, _whole(q), tolerance=0.03)
    assert set(np.unique(mesh.quads[:, 2])) >= {1, 16}
    for i, j, s, _ in mesh.quads[mesh.quads[:, 2] > 1]:
        for edge in (q_mesh[i, j : j + s + 1], q_mesh[i : i + s + 1, j + s]):
            assert np.allclose(edge, np.linspace(edge[0], edge[-1], s + 1), atol=1e-6)
    # a sideways move: bumps of 0.02 in inverse depth move 1.6 px against each other
    trans = np.array([0.324, 0.0, 0.0])
    wbuf, map_u, map_v = (np.zeros((h, w), np.float32) for _ in range(3))
    _draw(q_mesh, mesh, intr, np.eye(3), trans, intr, wbuf, map_u, map_v)
    inside = wbuf[1:-1, 2:200]  # everything moved left by 40-45 px
    assert (inside > 0).all(), f"{int((inside <= 0).sum())} cracked pixels"


def test_merged_mesh_renders_like_the_full_grid(texture):
    h, w = texture.shape[:2]
    intr = Intrinsics.from_fov(w, h, 55.0)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    q = (0.5 + 0.3 * np.sin(xs / 40.0) * np.cos(ys / 50.0)).astype(np.float32)  # smooth, curved
    state = CameraState(x=0.3, y=-0.1, ry_deg=2.0)
    cam = frame_intrinsics(intr, state)
    pose = state.world_from_camera()
    results = []
    for level in (0, 4):
        q_mesh, mesh = build_mesh(q, _whole(q), tolerance=2e-3, max_level=level)
        wbuf, map_u, map_v = (np.zeros((h, w), np.float32) for _ in range(3))
        _draw(q_mesh, mesh, intr, pose[:3, :3].T, pose[:3, 3], cam, wbuf, map_u, map_v)
        results.append((len(mesh.quads), wbuf, map_u, map_v))
    (n_full, w_full, u_full, v_full), (n_merged, w_merged, u_merged, v_merged) = results
    assert n_merged < 0.5 * n_full
    both = (w_full > 0) & (w_merged > 0)
    assert both.mean() > 0.5 and ((w_merged > 0) == (w_full > 0)).mean() > 0.99  # the same coverage
    # the source position of every pixel moves by a fraction of a pixel at most
    assert np.abs(u_full - u_merged)[both].max() < 0.35 and np.abs(v_full - v_merged)[both].max() < 0.35


def test_a_layer_behind_draws_only_through_the_holes():
    h, w = 20, 30
    intr = Intrinsics.from_fov(w, h, 55.0)
    q = np.full((h, w), 0.5, np.float32)
    q_mesh, mesh = build_mesh(q, _whole(q), tolerance=1e-4)
    wbuf, map_u, map_v = (np.zeros((h, w), np.float32) for _ in range(3))
    wbuf[:, : w // 2] = 0.1  # something farther already covers the left half
    cover = (wbuf > 0).view(np.uint8)
    _draw(q_mesh, mesh, intr, np.eye(3), np.zeros(3), intr, wbuf, map_u, map_v, u_offset=100.0, cover=cover)
    assert np.all(wbuf[:, : w // 2] == np.float32(0.1)) and np.all(map_u[:, : w // 2] == 0)
    assert np.allclose(wbuf[:, w // 2 :], 0.5) and np.allclose(map_u[:, w // 2 :], np.arange(w // 2, w) + 100.0)


def test_a_frame_does_not_depend_on_the_frames_rendered_before():
    """The renderer keeps scratch space between frames; what it shows must not."""
    h, w = 40, 60
    intr = Intrinsics.from_fov(w, h, 55.0)
    rng = np.random.default_rng(11)
    image = rng.random((h, w, 3)).astype(np.float32)
    q = np.full((h, w), 2.0 / intr.fx, np.float32)
    q[10:30, 20:40] = 12.0 / intr.fx  # a near box: tears, holes and anti-aliased silhouettes
    scene = build_scene(image, q, intr, parallax_gain_px=intr.fx * 1.0)
    target = CameraState(x=1.0, y=0.3)
    fresh = render(build_scene(image, q, intr, parallax_gain_px=intr.fx * 1.0), target, intr, dtype=np.uint8).image
    render(scene, CameraState(x=-1.0), intr, dtype=np.uint8)
    assert np.array_equal(render(scene, target, intr, dtype=np.uint8).image, fresh)


def test_silhouette_smoothing_takes_no_colour_from_holes():
    from stillmotion.render.antialias import TEAR_SPREAD_PX, smooth_silhouettes
    from stillmotion.render.pixels import scan_frame

    h, w = 9, 9
    map_u = np.tile(np.arange(w, dtype=np.float32), (h, 1))
    map_u[:, 5:] += 10.0  # a tear between columns 4 and 5
    map_v = np.tile(np.arange(h, dtype=np.float32)[:, None], (1, w))
    weight = np.ones((h, w), np.float32)
    weight[:, 6:] = 0.0  # a hole right of the torn-off column 5
    results = []
    for junk in (0.0, 1.0):
        image = np.full((h, w, 3), 0.5, np.float32)
        image[:, 6:] = junk  # whatever the holes hold before they are filled
        smooth_silhouettes(image, scan_frame(map_u, map_v, weight, tear_px=TEAR_SPREAD_PX).tear_pixels, weight)
        results.append(image[:, :6].copy())
    assert np.array_equal(results[0], results[1])
    assert np.allclose(results[0], 0.5)


def test_ripples_are_flattened_but_steps_kept():
    from stillmotion.render.depth_prep import RIPPLE_CLIP, smooth_ripples

    rng = np.random.default_rng(4)
    h, w = 64, 96
    q = np.linspace(0.3, 0.35, h, dtype=np.float32)[:, None].repeat(w, axis=1)  # a gently sloping ground
    q[:, 48:] += 0.2  # a real step
    tolerance = 1e-3
    rippled = q + (tolerance * rng.standard_normal((h, w))).astype(np.float32)  # texture copied into depth
    smoothed = smooth_ripples(rippled, tolerance=tolerance)
    assert np.abs(smoothed - rippled).max() <= RIPPLE_CLIP * tolerance + 1e-7  # nothing moves far
    inner = (slice(4, -4), np.r_[4:44, 52:92])
    rms = lambda a: float(np.sqrt(np.mean(a[inner] ** 2)))  # noqa: E731
    assert rms(smoothed - q) < 0.5 * rms(rippled - q)
    step = smoothed[:, 49].mean() - smoothed[:, 46].mean()
    assert step > 0.19  # the step stays a step


def test_only_the_coarsest_merged_block_moves_vertices():
    """Blocks inside a merged block are not drawn, so they must not straighten (move) the vertices
    inside it either: on a plane nothing moves, and on a gently curved surface only the edges of the
    drawn quads are straight."""
    h, w = 65, 65
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    q = (0.5 + 1e-5 * (xs - 32.0) ** 2).astype(np.float32)  # curved far below the tolerance
    q_mesh, mesh = build_mesh(q, _whole(q), tolerance=1e-2, max_level=4)
    assert set(np.unique(mesh.quads[:, 2])) == {16}
    drawn_edges = np.zeros(q.shape, bool)
    for i, j, s, _ in mesh.quads:
        drawn_edges[i, j : j + s + 1] = drawn_edges[i + s, j : j + s + 1] = True
        drawn_edges[i : i + s + 1, j] = drawn_edges[i : i + s + 1, j + s] = True
    assert np.array_equal(q_mesh[~drawn_edges], q[~drawn_edges])  # interior vertices untouched
