"""Reading mask images (moving region, frozen areas): white (>= 128) means selected.

Greyscale, RGB and palette images use their brightness; an image with a non-opaque alpha channel uses
its alpha (a layer painted over a transparent background). The EXIF orientation is applied, as for photos.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..errors import InputError


def read_mask(path: str | os.PathLike, *, size: tuple[int, int], what: str = "mask") -> np.ndarray:
    """A bool (H, W) mask; ``size`` is the photo's (width, height), which the mask must match."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{what} not found: {path}")
    try:
        with Image.open(path) as img:
            if img.size[0] * img.size[1] > 200_000_000:
                raise InputError(f"{what} {path} is absurdly large ({img.size[0]}x{img.size[1]})")
            img = ImageOps.exif_transpose(img)
            if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
                rgba = img.convert("RGBA")
                alpha = np.asarray(rgba)[:, :, 3]
                values = alpha if alpha.min() < 255 else np.asarray(rgba.convert("L"))
            elif img.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
                raw = np.asarray(img).astype(np.float64)
                values = raw / (65535.0 if raw.max() > 255 else 255.0) * 255.0
            else:
                values = np.asarray(img.convert("L"))
    except InputError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise InputError(f"cannot read {what} {path}: not a supported image or corrupt ({exc})") from None
    height, width = values.shape[:2]
    if (width, height) != tuple(size):
        raise InputError(f"{what} {path} is {width}x{height} but the photo is {size[0]}x{size[1]}; paint it on the photo itself")
    return values >= 128
