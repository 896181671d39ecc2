from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from stillmotion import depth as depth_stage
from stillmotion.errors import InputError

from .conftest import ROOT, textured


def test_registry_lists_auto_and_classical():
    names = depth_stage.backend_names()
    assert names[0] == "auto" and "classical" in names


def test_unknown_backend_is_an_input_error():
    with pytest.raises(InputError, match="unknown depth backend"):
        depth_stage.estimate(textured(32, 32), backend="nope")


def test_bad_image_is_an_input_error():
    for bad in (np.zeros((10, 10, 2), np.float32), None, np.zeros((1, 10, 3), np.float32)):
        with pytest.raises(InputError):
            depth_stage.estimate(bad, backend="classical")


def test_8_bit_and_grey_photos_are_scaled_as_the_reader_scales_them():
    """A uint8 array was estimated as 0..255 floats (another depth, and RuntimeWarnings)."""
    photo = textured(40, 56)
    as8 = np.round(photo * 255).astype(np.uint8)
    expected = depth_stage.estimate(as8.astype(np.float32) / 255).values
    np.testing.assert_allclose(depth_stage.estimate(as8).values, expected, atol=1e-6)
    grey = as8[:, :, 1]
    np.testing.assert_allclose(depth_stage.estimate(grey).values,
                               depth_stage.estimate(np.repeat(grey[:, :, None], 3, axis=2) / np.float32(255)).values,
                               atol=1e-6)  # fmt: skip


def test_a_nan_pixel_is_an_input_error_not_a_map_of_nans():
    photo = textured(40, 56)
    photo[10, 20, 1] = np.nan
    with pytest.raises(InputError, match="the image holds NaN or infinite values"):
        depth_stage.estimate(photo)


def test_auto_falls_back_to_classical_for_a_plain_photo(tmp_path):
    import cv2

    path = tmp_path / "plain.png"
    cv2.imwrite(str(path), (textured(40, 60) * 255).astype(np.uint8))
    assert depth_stage.resolve_backend("auto", source=path) in ("classical",)


def test_importing_depth_does_not_import_torch():
    code = "import sys, stillmotion.depth, stillmotion.cli.depth; print('torch' in sys.modules, 'transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}, check=True)
    assert out.stdout.strip() == "False False"
