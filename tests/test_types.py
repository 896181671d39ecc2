"""The data contracts of stillmotion.types hold for what a caller builds by hand."""

from __future__ import annotations

import numpy as np
import pytest

from stillmotion.errors import InputError
from stillmotion.types import Depth, DepthKind


def test_depth_kind_is_the_enum_whatever_case_its_name_is_given_in():
    values = np.ones((4, 5), np.float32)
    assert Depth(values, "METRIC").kind is DepthKind.METRIC  # was kept as the string, rendered as inverse
    assert Depth(values, "Disparity").kind is DepthKind.DISPARITY
    assert Depth(values, DepthKind.INVERSE).kind is DepthKind.INVERSE
    for bad in ("bogus", None, 3):
        with pytest.raises(InputError, match="unknown depth kind.*metric, inverse, disparity"):
            Depth(values, bad)


def test_depth_values_become_a_float32_2d_array():
    depth = Depth([[1, 2], [3, 4]], "inverse")  # a list raised AttributeError
    assert isinstance(depth.values, np.ndarray) and depth.values.dtype == np.float32
    np.testing.assert_array_equal(depth.values, [[1, 2], [3, 4]])
    for bad, message in ((np.ones((2, 3, 1)), r"2-D \(H, W\), got shape \(2, 3, 1\)"),
                         ([["a", "b"]], "array of numbers"), (None, "2-D")):  # fmt: skip
        with pytest.raises(InputError, match=message):
            Depth(bad, "inverse")
    with pytest.raises(InputError, match="valid mask"):
        Depth(np.ones((2, 3)), "inverse", np.ones((3, 2), bool))


def test_nan_and_infinite_depth_values_are_unknown():
    values = np.linspace(1, 2, 20, dtype=np.float32).reshape(4, 5)
    values[1, 2], values[3, 0] = np.nan, np.inf
    depth = Depth(values, "inverse")
    assert depth.valid is not None and int((~depth.valid).sum()) == 2 and not depth.valid[1, 2]
    assert np.isfinite(depth.values).all() and depth.values[1, 2] == 0  # stored as read_depth stores them
    marked = np.ones((4, 5), bool)
    marked[0, 0] = False
    assert int((~Depth(values, "inverse", marked).valid).sum()) == 3
    assert Depth(np.ones((4, 5)), "inverse").valid is None
    with pytest.raises(InputError, match="no known value"):
        Depth(np.full((4, 5), np.nan), "inverse")
    with pytest.raises(InputError, match="no known value"):
        Depth(np.ones((4, 5)), "inverse", np.zeros((4, 5), bool))
