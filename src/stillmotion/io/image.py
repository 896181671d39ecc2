"""Reading and writing photos as float32 RGB in [0, 1] (see :mod:`stillmotion.types`)."""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

import numpy as np

from ..errors import InputError
from .atomic import atomic_output

log = logging.getLogger(__name__)

#: Photos larger than this are refused (decompression bombs); 200 MP is beyond any camera we know.
MAX_PIXELS = 200_000_000

_heif_registered = False


def _register_heif() -> None:
    global _heif_registered
    if _heif_registered:
        return
    _heif_registered = True
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:  # HEIC support is optional
        log.debug("pillow-heif not installed: HEIC photos cannot be read")


def _to_float_rgb(array: np.ndarray) -> np.ndarray:
    if array.dtype == np.uint8:
        out = array.astype(np.float32) / 255.0
    elif array.dtype == np.uint16:
        out = array.astype(np.float32) / 65535.0
    elif array.dtype in (np.int32, np.uint32):  # PIL mode "I" (16-bit greyscale PNGs)
        out = array.astype(np.float32) / (65535.0 if array.max() > 255 else 255.0)
    else:
        out = np.clip(array.astype(np.float32), 0.0, 1.0)
    if out.ndim == 2:
        out = np.repeat(out[:, :, None], 3, axis=2)
    if out.shape[2] == 4:  # composite over black? No: drop alpha, photos are opaque
        out = out[:, :, :3]
    if out.shape[2] == 2:
        out = np.repeat(out[:, :, :1], 3, axis=2)
    return np.ascontiguousarray(out[:, :, :3], dtype=np.float32)


def read_image(path: str | os.PathLike, *, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Read a photo with its EXIF orientation applied, as float32 (H, W, 3) RGB in [0, 1].

    8/16-bit PNG, JPEG, WebP, TIFF, BMP, and HEIC/HEIF when pillow-heif is installed.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path)
    if not path.exists():
        raise InputError(f"photo not found: {path}")
    if path.is_dir():
        raise InputError(f"photo is a directory, expected an image file: {path}")
    _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            old_limit = Image.MAX_IMAGE_PIXELS
            Image.MAX_IMAGE_PIXELS = None
            try:
                with Image.open(path) as img:
                    w, h = img.size
                    if w * h > max_pixels:
                        raise InputError(f"photo {path} is {w}x{h}, more than the {max_pixels} pixels allowed")
                    img = ImageOps.exif_transpose(img)
                    array = _pil_to_array(img)
            finally:
                Image.MAX_IMAGE_PIXELS = old_limit
    except InputError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise InputError(f"cannot read photo {path}: not a supported image or corrupt ({exc})") from None
    if array.size == 0:
        raise InputError(f"photo {path} is empty")
    return _to_float_rgb(array)


def _pil_to_array(img) -> np.ndarray:
    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L"):
        return np.asarray(img, dtype=np.uint16)
    if mode == "I":
        return np.asarray(img)
    if mode == "F":
        return np.asarray(img, dtype=np.float32)
    if mode in ("RGB", "L"):
        return np.asarray(img)
    if mode == "RGBA":
        return np.asarray(img)[:, :, :3]
    if mode.startswith("RGB") and ";16" in mode:
        return np.asarray(img)
    return np.asarray(img.convert("RGB"))


def to_uint8(image: np.ndarray) -> np.ndarray:
    """float [0, 1] -> uint8 with rounding."""
    return (np.clip(image, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def write_image(path: str | os.PathLike, image: np.ndarray, *, inputs: tuple = ()) -> None:
    """Write float32 RGB [0, 1] (or uint8) to PNG/JPEG/WebP/TIFF by extension, atomically."""
    from PIL import Image

    array = image if image.dtype == np.uint8 else to_uint8(image)
    path = Path(path)
    fmt = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP", ".tif": "TIFF", ".tiff": "TIFF"}.get(
        path.suffix.lower()
    )
    if fmt is None:
        from ..errors import OutputError

        raise OutputError(f"unsupported image extension {path.suffix!r} for {path}; use .png, .jpg, .webp or .tif")
    with atomic_output(path, inputs=inputs) as tmp:
        Image.fromarray(array).save(tmp, format=fmt, **({"quality": 95} if fmt == "JPEG" else {}))
