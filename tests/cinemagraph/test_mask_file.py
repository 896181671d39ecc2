"""read_mask: the mask files of ``loop`` and ``animate --loop-mask``."""

from __future__ import annotations

import numpy as np
import tifffile
from PIL import Image, PngImagePlugin

from stillmotion.cinemagraph.mask_file import read_mask


def _painted(h=30, w=40):
    level = np.zeros((h, w), np.float32)
    level[5:20, 10:30] = 1.0
    return level


def test_float_tiff_mask_in_unit_range_is_read(tmp_path):
    """Float masks hold 0..1; they were scaled as if 0..255 and came out empty."""
    level = _painted()
    tifffile.imwrite(tmp_path / "m.tif", level * 0.9)
    np.testing.assert_array_equal(read_mask(tmp_path / "m.tif", size=(40, 30)), level > 0)


def test_mask_with_megabytes_of_xmp_is_read(tmp_path):
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", "x" * 3_000_000, zip=True)
    level = _painted()
    Image.fromarray((level * 255).astype(np.uint8)).save(tmp_path / "m.png", pnginfo=info)
    np.testing.assert_array_equal(read_mask(tmp_path / "m.png", size=(40, 30)), level > 0)

