"""The public call's input handling: mask sizes, empty, full and soft masks, backend names."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from stillmotion.errors import InputError
from stillmotion.inpaint import BACKENDS, inpaint, prepare_mask

from .conftest import stripes


def test_registry_lists_the_backends():
    assert {"patch", "telea", "ns"} <= set(BACKENDS.names())
    assert all(entry.description for entry in BACKENDS.entries())


def test_unknown_backend_is_refused():
    with pytest.raises(InputError, match="choose one of: patch, telea, ns"):
        inpaint(stripes(), np.eye(96, 128, dtype=bool), backend="nope")


def test_mask_of_another_size_is_refused():
    with pytest.raises(InputError, match="mask is 64x48 but the photo is 128x96"):
        inpaint(stripes(), np.zeros((48, 64), bool))


def test_empty_mask_returns_the_photo_unchanged(caplog):
    image = stripes()
    with caplog.at_level(logging.WARNING):
        out = inpaint(image, np.zeros(image.shape[:2], bool))
    assert np.array_equal(out, image) and out is not image
    assert "mask is empty" in caplog.text


def test_full_mask_is_an_error():
    with pytest.raises(InputError, match="whole photo"):
        inpaint(stripes(), np.ones((96, 128), np.float32))


def test_soft_mask_is_thresholded_and_said(caplog):
    soft = np.zeros((10, 12), np.float32)
    soft[2:5, 3:6] = 0.7
    soft[6:8, 3:6] = 0.3
    with caplog.at_level(logging.WARNING):
        binary = prepare_mask(soft, (10, 12))
    assert binary.dtype == np.bool_
    assert binary.sum() == 9 and binary[2:5, 3:6].all()
    assert "thresholded at 0.5" in caplog.text


def test_integer_masks_use_their_full_scale(caplog):
    mask8 = np.zeros((10, 12), np.uint8)
    mask8[1:3, 1:3] = 255
    mask8[5, 5] = 100  # below half of 255: kept
    with caplog.at_level(logging.WARNING):
        binary = prepare_mask(mask8, (10, 12))
    assert binary.sum() == 4
    assert "thresholded" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert prepare_mask((mask8 == 255).astype(np.uint8), (10, 12)).sum() == 4
    assert "thresholded" not in caplog.text


def test_rgb_mask_and_nan_mask():
    rgb = np.zeros((10, 12, 3), np.float32)
    rgb[4:6, 4:6] = 1.0
    assert prepare_mask(rgb, (10, 12)).sum() == 4
    bad = np.zeros((10, 12), np.float32)
    bad[0, 0] = np.nan
    with pytest.raises(InputError, match="NaN"):
        prepare_mask(bad, (10, 12))


def test_8_bit_grey_and_rgba_photos_are_filled_as_float_rgb():
    """A uint8 photo came back as 0..255 floats."""
    image = stripes()
    as8 = np.round(image * 255).astype(np.uint8)
    mask = np.zeros(image.shape[:2], bool)
    mask[40:50, 60:70] = True
    expected = inpaint(as8 / np.float32(255), mask, backend="telea")
    for photo in (as8, np.dstack([as8, np.full(mask.shape, 255, np.uint8)])):
        filled = inpaint(photo, mask, backend="telea")
        assert filled.dtype == np.float32
        np.testing.assert_allclose(filled, expected, atol=1e-6)
    grey = inpaint(as8[:, :, 0], mask, backend="telea")
    assert grey.shape == image.shape and np.allclose(grey[:, :, 0], grey[:, :, 2])


def test_nan_outside_the_mask_is_refused_inside_it_is_filled():
    image = stripes()
    mask = np.zeros(image.shape[:2], bool)
    mask[40:50, 60:70] = True
    outside = image.copy()
    outside[5, 5, 1] = np.nan  # it came back as a NaN pixel
    with pytest.raises(InputError, match="NaN or infinite values outside the mask"):
        inpaint(outside, mask)
    inside = image.copy()
    inside[mask] = np.nan
    for backend in ("patch", "telea"):
        filled = inpaint(inside, mask, backend=backend)
        assert np.isfinite(filled).all()
        np.testing.assert_array_equal(filled[~mask], image[~mask])


@pytest.mark.parametrize("dtype, fill", [(np.int64, 255), (np.int32, 255), (np.uint16, 255), (np.uint16, 65535),
                                         (np.int64, 1), (np.uint32, 65535)])  # fmt: skip
def test_integer_masks_of_any_type_fill_at_1_255_or_65535(dtype, fill):
    """``np.where(m, 255, 0)`` is int64: its full scale was taken as int64's maximum, so nothing was filled."""
    mask = np.zeros((10, 12), dtype)
    mask[2:5, 3:6] = fill
    assert prepare_mask(mask, (10, 12)).sum() == 9


def test_an_int64_255_mask_is_filled():
    image = stripes()
    mask = np.zeros(image.shape[:2], bool)
    mask[40:50, 60:70] = True
    filled = inpaint(image, np.where(mask, 255, 0), backend="telea")
    np.testing.assert_array_equal(filled, inpaint(image, mask, backend="telea"))
    assert np.abs(filled - image)[mask].max() > 0.1
