"""Reading mask images (moving region, frozen areas): white (>= 128) means selected.

Greyscale, RGB and palette images use their brightness; an image with a non-opaque alpha channel uses
its alpha (a layer painted over a transparent background). The EXIF orientation is applied, as for photos.
"""

from __future__ import annotations

import os

import numpy as np

from ..errors import InputError
from ..io.image import read_mask_image


def read_mask(path: str | os.PathLike, *, size: tuple[int, int], what: str = "mask") -> np.ndarray:
    """A bool (H, W) mask; ``size`` is the photo's (width, height), which the mask must match."""
    level = read_mask_image(path, what=what)
    height, width = level.shape
    if (width, height) != tuple(size):
        raise InputError(f"{what} {path} is {width}x{height} but the photo is {size[0]}x{size[1]}; paint it on the photo itself")
    return level >= 0.5
