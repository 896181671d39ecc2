"""Letterbox and pillarbox bars: cut away in pairs, while a flat band on one side stays in the picture."""

from __future__ import annotations

import numpy as np

from stillmotion.depth.bars import content_box

from .conftest import textured


def _picture(h: int = 120, w: int = 160) -> np.ndarray:
    return textured(h, w, 7) * 0.6 + 0.2


def test_a_pair_of_bars_is_cut_away_even_when_not_quite_centred():
    picture = _picture()
    boxed = np.pad(picture, ((0, 0), (20, 23), (0, 0)))  # black pillarbox, one bar 3 px thicker
    assert content_box(boxed) == (0, 120, 20, 180)
    boxed = np.pad(picture, ((12, 12), (0, 0), (0, 0)), constant_values=1.0)  # white letterbox
    assert content_box(boxed) == (12, 132, 0, 160)


def test_a_flat_band_on_one_side_is_part_of_the_picture():
    """A clear sky over the subject (as in scikit-image's cameraman, whose top 33 rows are one grey) or a
    dark floor: no bar on the other side, so nothing is cut."""
    picture = _picture()
    picture[:30] = np.linspace(0.76, 0.77, 30, dtype=np.float32)[:, None, None]  # sky, a faint gradient
    assert content_box(picture) == (0, 120, 0, 160)
    black_left = np.pad(_picture(), ((0, 0), (25, 0), (0, 0)))
    assert content_box(black_left) == (0, 120, 0, 185)


def test_bands_of_different_colours_or_thicknesses_are_not_a_pair():
    picture = _picture()
    two_colours = np.pad(picture, ((0, 0), (20, 0), (0, 0)))
    two_colours = np.pad(two_colours, ((0, 0), (0, 20), (0, 0)), constant_values=1.0)  # black left, white right
    assert content_box(two_colours) == (0, 120, 0, 200)
    lopsided = np.pad(picture, ((0, 0), (40, 6), (0, 0)))
    assert content_box(lopsided) == (0, 120, 0, 206)


def test_a_flat_picture_is_not_bars_around_its_middle():
    """A blank card, or a pillarboxed flat frame: the bars' run reaches the search limit without meeting a
    picture, so nothing is cut (it was cut to its middle quarter, and a 64x48 card became 16x12)."""
    assert content_box(np.full((48, 64, 3), 0.4, np.float32)) == (0, 48, 0, 64)
    grey_in_black = np.pad(np.full((40, 40, 3), 0.5, np.float32), ((0, 0), (10, 10), (0, 0)))
    assert content_box(grey_in_black) == (0, 40, 10, 50)
