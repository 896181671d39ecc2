"""Coherence transport: a structure that reaches the hole goes on in its own direction."""

from __future__ import annotations

import numpy as np

from stillmotion.inpaint.transport import coherence_fill, structure_direction

DARK, BRIGHT = (0.1, 0.2, 0.3), (0.9, 0.8, 0.6)


def _diagonal_edge(h=64, w=64):
    """Dark above the line y = x - 8, bright below it; the right third of the photo is the hole."""
    y, x = np.mgrid[0:h, 0:w]
    image = np.where((y > x - 8)[:, :, None], np.float32(BRIGHT), np.float32(DARK)).astype(np.float32)
    hole = np.zeros((h, w), bool)
    hole[:, 44:] = True
    return image, hole, y, x


def test_structure_direction_follows_a_diagonal_edge():
    image, hole, _, _ = _diagonal_edge()
    dx, dy, coherence = structure_direction(image, ~hole)
    # on the edge (y = x - 8), away from the hole: the direction is the diagonal, clean
    ys, xs = np.arange(20, 30), np.arange(28, 38)
    assert np.all(np.abs(np.abs(dx[ys, xs] * dy[ys, xs]) - 0.5) < 0.05)
    assert np.all(coherence[ys, xs] > 0.8)


def test_a_diagonal_edge_goes_on_along_the_diagonal_into_the_hole():
    image, hole, y, x = _diagonal_edge()
    filled = coherence_fill(image, hole)
    assert np.array_equal(filled[~hole], image[~hole])
    # well inside the hole and 4 px or more from the continued edge, each side keeps its own colour;
    # a fill along the rows (Telea, replication) would put the edge where each row met the hole
    far_side = hole & (x >= 48) & (np.abs(y - (x - 8)) >= 4) & (y < 60)
    wrong = np.abs(filled - image).max(axis=2)[far_side]
    assert np.mean(wrong < 0.2) > 0.9


def test_nothing_to_fill_returns_a_copy():
    image, _, _, _ = _diagonal_edge()
    out = coherence_fill(image, np.zeros(image.shape[:2], bool))
    assert np.array_equal(out, image) and out is not image
