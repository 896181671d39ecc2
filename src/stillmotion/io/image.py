"""Reading and writing photos as float32 RGB in [0, 1] (see :mod:`stillmotion.types`).

Reading is done in three steps so that nothing big is allocated for a hostile file: the header is parsed
(PIL, or tifffile for TIFF) and the claimed size checked against ``max_pixels``; then the pixels are decoded
with the decoder that keeps their precision (PIL for 8-bit data, OpenCV for 16-bit PNG because PIL
truncates 16-bit colour to 8 bits, tifffile for 16-bit and float TIFF); then the EXIF orientation is applied
and the array converted to the float contract. Alpha is composited over white, except in masks, where a
transparent layer's alpha is the mask (:func:`read_mask_image`).

Writing (:func:`write_image`) is 8 bits per channel unless asked for 16, which PNG and TIFF keep;
:func:`photo_bits` tells from a photo's header whether an image made from it needs them.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import threading
import warnings
from pathlib import Path

import numpy as np

from ..errors import InputError, OutputError
from ._checks import check_input_file, check_output_name, check_pixels, read_head
from .atomic import atomic_output, check_output

log = logging.getLogger(__name__)

#: Photos larger than this are refused (decompression bombs); 200 MP is beyond any camera we know.
MAX_PIXELS = 200_000_000

_EXIF_ORIENTATION = 0x0112
_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")

_heif_registered = False
_pil_limit_lock = threading.Lock()


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


def read_image(path: str | os.PathLike, *, max_pixels: int = MAX_PIXELS, what: str = "photo") -> np.ndarray:
    """Read a photo with its EXIF orientation applied, as float32 (H, W, 3) RGB in [0, 1].

    8/16-bit PNG, JPEG, WebP, BMP, TIFF (8/16-bit unsigned integer or float; grey, RGB, CMYK or palette),
    and HEIC/HEIF when pillow-heif is installed. CMYK is converted as PIL converts it (its colour profile
    is not used). Greyscale is repeated into three channels; alpha is composited over white. Float data
    is taken as already in [0, 1] and clipped (with a warning when it is not). A file whose header claims
    more than ``max_pixels`` pixels is refused before decoding. Every failure is an :class:`InputError`.
    """
    path = check_input_file(path, what)
    return _to_float_rgb(_read_upright(path, max_pixels, what), path)


def read_mask_image(path: str | os.PathLike, *, what: str = "mask", max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Read a mask drawn as an image, as float32 (H, W) in [0, 1] where 1 (white, opaque) is selected.

    A file with a real alpha channel (somewhere not opaque) is a layer painted over a transparent background:
    its alpha is the mask, whatever colour is under it. Otherwise the mask is the brightness (Rec. 601 luma,
    as PIL's "L"). Formats, size check and EXIF orientation are those of :func:`read_image`; thresholding is
    left to the caller. Every failure is an :class:`InputError` naming the file as ``what``.
    """
    path = check_input_file(path, what)
    level = _to_unit_float(_as_channels(_read_upright(path, max_pixels, what), path, what), path, what)
    channels = level.shape[2]
    if channels in (2, 4) and level[:, :, -1].min() < 1.0:
        return np.ascontiguousarray(level[:, :, -1])
    if channels < 3:
        return np.ascontiguousarray(level[:, :, 0])
    return level[:, :, :3] @ np.array([0.299, 0.587, 0.114], np.float32)


def _read_upright(path: Path, max_pixels: int, what: str) -> np.ndarray:
    """The decoded samples of ``path`` (any dtype, alpha not applied) with the EXIF orientation applied."""
    if read_head(path, 4) in _TIFF_MAGIC:
        array, orientation = _read_tiff(path, max_pixels, what)
    else:
        array, orientation = _read_with_pil(path, max_pixels, what)
    return apply_orientation(array, orientation)


def check_image(path: str | os.PathLike, *, max_pixels: int = MAX_PIXELS) -> None:
    """Check now, from the header only, that :func:`read_image` can open ``path``: it exists, is an image
    of a supported format, and is not too large (a truncated file is found only when it is decoded).
    For checking every input of a long run (a story's photos) before its first frame."""
    path = check_input_file(path, "photo")
    if read_head(path, 4) in _TIFF_MAGIC:
        return
    img = _open_pil(path)
    with img:
        check_pixels(path, "photo", img.size[0], img.size[1], max_pixels)


def photo_bits(path: str | os.PathLike, *, what: str = "photo") -> int:
    """The bits per channel an image made from the photo file ``path`` keeps its precision with: 16 for a
    16-bit PNG, a TIFF of 16-bit or float samples and PIL's 16/32-bit modes (``I;16*``, ``I``, ``F``), 8 for
    everything else. Read from the header only (nothing is decoded); for :func:`write_image`'s ``bits``.
    A file that is not a readable image is an :class:`InputError`, as with :func:`read_image`."""
    path = check_input_file(path, what)
    if read_head(path, 4) in _TIFF_MAGIC:
        import tifffile

        try:
            with tifffile.TiffFile(path) as tif:
                dtype = tif.pages[0].dtype
        except Exception as exc:  # noqa: BLE001 - any parser failure is a corrupt input
            raise InputError(f"cannot read {what} {path}: corrupt TIFF ({exc})") from None
        return 16 if dtype is not None and dtype.itemsize > 1 else 8
    img = _open_pil(path, what)
    with img:
        wide = img.mode.startswith("I") or img.mode == "F" or (img.format == "PNG" and _is_16bit_png(img))
    return 16 if wide else 8


@contextlib.contextmanager
def no_pil_bomb_limit():
    """PIL's own bomb check (a warning, then an error at twice its limit) is replaced by ``max_pixels``.

    PIL's 1 MB limit on one decompressed PNG text chunk is raised to the 64 MB it allows a file's text in
    all: phones and editors write XMP metadata of several MB, and such a photo is not corrupt.
    """
    from PIL import Image, PngImagePlugin

    with _pil_limit_lock, warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        old, old_text = Image.MAX_IMAGE_PIXELS, PngImagePlugin.MAX_TEXT_CHUNK
        Image.MAX_IMAGE_PIXELS = None
        PngImagePlugin.MAX_TEXT_CHUNK = max(old_text, PngImagePlugin.MAX_TEXT_MEMORY)
        try:
            yield
        finally:
            Image.MAX_IMAGE_PIXELS, PngImagePlugin.MAX_TEXT_CHUNK = old, old_text


def _open_pil(path: Path, what: str = "photo"):
    from PIL import Image, UnidentifiedImageError

    _register_heif()
    try:
        with no_pil_bomb_limit():
            return Image.open(path)
    except UnidentifiedImageError:
        raise InputError(f"cannot read {what} {path}: not an image file of a supported format") from None
    except Exception as exc:  # noqa: BLE001 - a header the decoder chokes on is a corrupt input
        raise InputError(f"cannot read {what} {path}: corrupt image header ({exc})") from None


def _read_with_pil(path: Path, max_pixels: int, what: str) -> tuple[np.ndarray, int]:
    img = _open_pil(path, what)
    with img:
        check_pixels(path, what, img.size[0], img.size[1], max_pixels)
        if img.format == "PNG" and _is_16bit_png(img):
            orientation = _orientation(img.info.get("exif"))
            return _read_png16(path, what), orientation
        try:
            with no_pil_bomb_limit():
                img.load()
        except Exception as exc:  # noqa: BLE001 - truncated or corrupt pixel data
            raise InputError(f"cannot read {what} {path}: corrupt or truncated image data ({exc})") from None
        orientation = _orientation(img.getexif())
        icc = img.info.get("icc_profile")
        if icc and img.mode in ("RGB", "RGBA"):
            img = _to_srgb(img, icc, path, what)
        return _pil_array(img), orientation


def _to_srgb(img, icc: bytes, path: Path, what: str):
    """Convert pixels tagged with a colour profile other than sRGB (Display P3 from phones, Adobe RGB)
    to sRGB, the contract's encoding; an unreadable profile is ignored with a warning."""
    import io

    from PIL import ImageCms

    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        name = (ImageCms.getProfileDescription(source) or "").strip()
        if "srgb" in name.lower().replace(" ", "") or name.lower().startswith("srgb"):
            return img
        converted = ImageCms.profileToProfile(
            img,
            source,
            ImageCms.createProfile("sRGB"),
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            outputMode=img.mode,
        )
    except Exception as exc:  # noqa: BLE001 - a broken profile must not lose the photo
        log.warning("%s %s: colour profile ignored (%s); pixels taken as sRGB", what, path, exc)
        return img
    log.debug("%s %s: converted from colour profile %r to sRGB", what, path, name)
    return converted


def _is_16bit_png(img) -> bool:
    rawmodes = [tile.args[0] if isinstance(tile.args, tuple) else tile.args for tile in img.tile]
    return any(isinstance(raw, str) and "16" in raw for raw in rawmodes)


def _read_png16(path: Path, what: str) -> np.ndarray:
    """16-bit PNG through OpenCV (PIL would truncate colour to 8 bits); BGR(A) -> RGB(A)."""
    import cv2
    from PIL import Image

    try:  # libpng prints to stderr on a truncated file: check the chunk CRCs up to IEND first
        with no_pil_bomb_limit(), Image.open(path) as img:
            img.verify()
    except Exception as exc:  # noqa: BLE001
        raise InputError(f"cannot read {what} {path}: corrupt or truncated PNG ({exc})") from None
    array = cv2.imdecode(np.fromfile(path, dtype=np.uint8), cv2.IMREAD_UNCHANGED)
    if array is None:
        raise InputError(f"cannot read {what} {path}: corrupt 16-bit PNG")
    if array.ndim == 3 and array.shape[2] >= 3:
        array = np.concatenate([array[:, :, 2::-1], array[:, :, 3:]], axis=2)
    return array


def _pil_array(img) -> np.ndarray:
    mode = img.mode
    if mode in ("L", "RGB", "RGBA", "LA", "F") or mode.startswith("I;16"):
        return np.asarray(img)
    if mode == "I":  # 32-bit integer greyscale: read as a 16-bit range
        return np.asarray(img).astype(np.float32) / 65535.0
    if mode == "P" and ("transparency" in img.info or img.palette.mode == "RGBA"):
        return np.asarray(img.convert("RGBA"))
    if mode == "PA":
        return np.asarray(img.convert("RGBA"))
    if mode == "RGBa":
        return np.asarray(img.convert("RGBA"))
    if mode == "La":
        return np.asarray(img.convert("LA"))
    return np.asarray(img.convert("RGB"))  # 1, P, CMYK, YCbCr, LAB, HSV


def _read_tiff(path: Path, max_pixels: int, what: str) -> tuple[np.ndarray, int]:
    """TIFF through tifffile (keeps 16-bit and float data); PIL for compressions tifffile cannot decode and
    for colour models other than grey and RGB that tifffile returns undecoded (palette, CIELab, YCbCr)."""
    import tifffile

    try:
        with tifffile.TiffFile(path) as tif:
            page = tif.pages[0]
            axes, shape = page.axes, page.shape
            sizes = dict(zip(axes, shape))
            check_pixels(path, what, int(sizes.get("X", 0)), int(sizes.get("Y", 0)), max_pixels)
            _check_tiff_samples(page, path, what)
            tag = page.tags.get("Orientation")
            orientation = int(tag.value) if tag is not None else 1
            colour = _tiff_colour(page, path, what)
            array = None
            if colour is not None:
                try:
                    array = page.asarray()
                except ValueError as exc:
                    if "imagecodecs" not in str(exc):
                        raise
                    log.debug("tifffile cannot decode %s (%s); using PIL", path, exc)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure is a corrupt input
        raise InputError(f"cannot read {what} {path}: corrupt TIFF ({exc})") from None
    if array is None:
        try:
            array, _ = _read_with_pil(path, max_pixels, what)
        except InputError:
            if colour is not None:  # only a compression PIL lacks too: its message says which
                raise
            model = getattr(page.photometric, "name", page.photometric)
            raise InputError(f"cannot read {what} {path}: its TIFF colour model {model} is not supported") from None
        return array, orientation
    array = np.asarray(array)
    if "S" in axes and array.ndim == 3 and axes.index("S") == 0:  # planar RGB: (S, Y, X) -> (Y, X, S)
        array = np.moveaxis(array, 0, -1)
    while array.ndim > 3:  # leading sample/plane axes of size 1
        array = array[0]
    if colour == "miniswhite":  # 0 is white: invert the grey channel, not an alpha after it
        array = _to_unit_float(array.reshape(array.shape[:2] + (-1,)), path, what)
        array[:, :, 0] = 1.0 - array[:, :, 0]
    elif colour == "cmyk":
        array = _cmyk_to_rgb(_to_unit_float(array, path, what))
    return array, orientation


def _check_tiff_samples(page, path: Path, what: str) -> None:
    """Refuse, from the header, integer samples other than 8 and 16-bit unsigned: signed or 32-bit integers
    (scientific data, label maps) have no agreed brightness scale, and dividing by the type's maximum turns
    them black."""
    dtype = page.dtype
    if dtype is not None and dtype.kind in "iuc" and dtype not in (np.uint8, np.uint16):
        raise InputError(
            f"{what} {path} is a TIFF of {dtype} samples, which have no brightness scale; "
            "save it with 8- or 16-bit unsigned integers or floats in [0, 1]"
        )


def _tiff_colour(page, path: Path, what: str) -> str | None:
    """How to turn what tifffile decodes into grey or RGB (plus alpha), from the PhotometricInterpretation
    tag: ``"as-is"``, ``"miniswhite"``, ``"cmyk"``, or None for models tifffile returns undecoded (palette
    indices, CIELab, YCbCr without JPEG) and PIL converts."""
    from tifffile import PHOTOMETRIC

    photometric = page.photometric
    if photometric in (PHOTOMETRIC.MINISBLACK, PHOTOMETRIC.RGB):
        return "as-is"
    if photometric == PHOTOMETRIC.YCBCR and page.compression in (6, 7, 33007, 34892):  # JPEG: decoded to RGB
        return "as-is"
    if photometric == PHOTOMETRIC.MINISWHITE:
        return "miniswhite"
    if photometric == PHOTOMETRIC.SEPARATED:
        inks = page.samplesperpixel - len(page.extrasamples)
        inkset = page.tags.valueof(332, 1)  # InkSet: 1 = CMYK (the default), 2 = other inks
        if inkset != 1 or inks != 4:
            raise InputError(
                f"{what} {path} is a TIFF separated into inks other than CMYK (InkSet {inkset}, {inks} inks); "
                "convert it to RGB"
            )
        return "cmyk"
    return None


def _cmyk_to_rgb(cmyk: np.ndarray) -> np.ndarray:
    """CMYK(+extra samples) in [0, 1] -> RGB(+extra samples), as PIL converts CMYK: ``(1 - C) (1 - K)``."""
    rgb = (1.0 - cmyk[..., :3]) * (1.0 - cmyk[..., 3:4])
    return np.concatenate([rgb, cmyk[..., 4:]], axis=-1)


def _orientation(exif) -> int:
    """The EXIF orientation (1..8) in a PIL Exif object or raw EXIF bytes; 1 when absent or unreadable."""
    if exif is None:
        return 1
    try:
        if isinstance(exif, (bytes, bytearray)):
            from PIL import Image

            parsed = Image.Exif()
            parsed.load(bytes(exif))
            exif = parsed
        value = int(exif.get(_EXIF_ORIENTATION, 1))
    except Exception:  # noqa: BLE001 - broken EXIF is ignored, the pixels are fine
        log.debug("unreadable EXIF data ignored")
        return 1
    return value if 1 <= value <= 8 else 1


def apply_orientation(array: np.ndarray, orientation: int) -> np.ndarray:
    """Turn an array stored with EXIF ``orientation`` (1..8) upright (as ``ImageOps.exif_transpose``)."""
    if orientation == 2:
        out = array[:, ::-1]
    elif orientation == 3:
        out = array[::-1, ::-1]
    elif orientation == 4:
        out = array[::-1]
    elif orientation == 5:
        out = np.swapaxes(array, 0, 1)
    elif orientation == 6:
        out = np.rot90(array, -1)
    elif orientation == 7:
        out = np.swapaxes(array, 0, 1)[::-1, ::-1]
    elif orientation == 8:
        out = np.rot90(array, 1)
    else:
        out = array
    return np.ascontiguousarray(out)


def _as_channels(array: np.ndarray, path: Path, what: str) -> np.ndarray:
    """Decoded samples as (H, W, C), or InputError when there are none or they are not an image's."""
    array = np.asarray(array)
    if array.size == 0:
        raise InputError(f"{what} {path} holds no pixels")
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim != 3:
        raise InputError(f"{what} {path} has an unsupported layout: array of shape {array.shape}")
    return array


def _to_float_rgb(array: np.ndarray, path: Path) -> np.ndarray:
    out = _to_unit_float(_as_channels(array, path, "photo"), path)
    if out.shape[2] > 4:
        log.warning("photo %s has %d channels; using the first three as RGB", path, out.shape[2])
        out = out[:, :, :3]
    return _rgb_over_white(out)


def _rgb_over_white(levels: np.ndarray) -> np.ndarray:
    """Levels (H, W, C) in [0, 1] with 1 to 4 channels as float32 (H, W, 3) RGB: colour + alpha (2 or 4
    channels) composited over white, grey repeated into three channels."""
    channels = levels.shape[2]
    if channels in (2, 4):
        colour, alpha = levels[:, :, : channels - 1], levels[:, :, channels - 1 :]
        levels = colour * alpha + (1.0 - alpha)
    if levels.shape[2] == 1:
        levels = np.repeat(levels, 3, axis=2)
    return np.ascontiguousarray(levels, dtype=np.float32)


def _to_unit_float(array: np.ndarray, path: Path, what: str = "photo") -> np.ndarray:
    if array.dtype == np.bool_:
        return array.astype(np.float32)
    if np.issubdtype(array.dtype, np.unsignedinteger):  # in place: no second 25 MB array for a 1080p photo
        out = array.astype(np.float32)
        return np.divide(out, np.float32(np.iinfo(array.dtype).max), out=out)
    if np.issubdtype(array.dtype, np.signedinteger):
        top = float(np.iinfo(array.dtype).max)
        return np.clip(array.astype(np.float32) / top, 0.0, 1.0)
    if np.issubdtype(array.dtype, np.floating):
        out = array.astype(np.float32)
        if not np.isfinite(out).all():
            log.warning("%s %s holds NaN or infinite values; they are read as 0", what, path)
            out = np.nan_to_num(out, nan=0.0, posinf=1.0, neginf=0.0)
        lo, hi = float(out.min()), float(out.max())
        if lo < -1e-3 or hi > 1.0 + 1e-3:
            log.warning("%s %s holds float values in [%g, %g]; clipped to [0, 1]", what, path, lo, hi)
        return np.clip(out, 0.0, 1.0)
    raise InputError(f"{what} {path} holds {array.dtype} values, expected integers or floats")


def unit_float(image: np.ndarray) -> np.ndarray:
    """Integer pixels (8-, 16-bit) as float32 in [0, 1], scaled as photos are read; float pixels as given
    (the contract's already). Other integer arrays (int64, int32, ...) are an :class:`InputError`: they have
    no agreed full scale (``np.asarray(photo, dtype=int)`` holds 0..255, and was read as near black)."""
    image = np.asarray(image)
    if np.issubdtype(image.dtype, np.floating):
        return image
    if image.dtype not in (np.uint8, np.uint16, np.bool_):
        raise InputError(f"pixels of type {image.dtype} have no agreed scale: give float in [0, 1], uint8 or uint16")
    return _to_unit_float(image, Path("array"), "array")


#: Float pixels beyond [1 - this, this] are not in [0, 1] with a little overshoot: an 8-bit picture made
#: float without dividing by 255 (white frames, silently).
MAX_UNIT_LEVEL = 1.5


def unit_pixels(image: np.ndarray, *, what: str = "the image") -> np.ndarray:
    """``image`` as float pixels (:func:`unit_float`), refused (:class:`InputError`) when it holds NaN or
    infinite values, which would come out of a filter as NaN or index outside a LUT, or float values far
    outside [0, 1] (``MAX_UNIT_LEVEL``). Two reductions (min, max): cheaper than a full boolean mask."""
    image = unit_float(image)
    if not image.size:
        return image
    low, high = float(image.min()), float(image.max())
    if not (math.isfinite(low) and math.isfinite(high)):
        raise InputError(f"{what} holds NaN or infinite values; expected numbers in [0, 1]")
    if high > MAX_UNIT_LEVEL or low < -MAX_UNIT_LEVEL + 1.0:
        raise InputError(f"{what} holds float pixels from {low:g} to {high:g}; float pixels are in [0, 1] "
                         "(divide 8-bit values by 255, or give the uint8 array)")  # fmt: skip
    return image


def image_array(image: np.ndarray, *, what: str = "the image", finite: bool = True) -> np.ndarray:
    """An image handed to a public function as an array, as the contract's float32 (H, W, 3) RGB: 8- and
    16-bit pixels scaled by :func:`unit_float`, grey (H, W) or (H, W, 1) repeated into three channels and
    RGBA composited over white, as :func:`read_image` does with such photos; float pixels as given (a
    float32 RGB array is returned as it is, not copied). Anything else is an :class:`InputError` naming
    ``what``, and so are NaN or infinite values unless ``finite`` is False."""
    array = None if image is None else np.asarray(image)
    if array is None or array.dtype.kind not in "buif" or not (
        array.ndim == 2 or (array.ndim == 3 and array.shape[2] in (1, 3, 4))
    ):
        got = f"shape {array.shape} of {array.dtype}" if array is not None else "None"
        raise InputError(f"{what} must be an RGB (H, W, 3), RGBA (H, W, 4) or grey (H, W) array, got {got}")
    levels = unit_pixels(array, what=what) if finite else unit_float(array)
    return _rgb_over_white(levels if levels.ndim == 3 else levels[:, :, None])


def to_uint8(image: np.ndarray) -> np.ndarray:
    """float [0, 1] -> uint8, rounded to nearest, values outside [0, 1] saturated, NaN -> 0.

    OpenCV's saturating conversion does this in one pass (about half the time of the NumPy expression
    at 1080p, which matters once per frame of every clip).
    """
    import cv2

    image = np.asarray(image)
    if image.dtype == np.uint8:
        return image
    src = image if image.dtype == np.float32 else image.astype(np.float32)
    return cv2.convertScaleAbs(np.maximum(src, np.float32(0.0)), alpha=255.0)


_WRITE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP", ".tif": "TIFF", ".tiff": "TIFF"}


def check_image_output(path: str | os.PathLike, *, inputs: tuple = ()) -> Path:
    """Check now, writing nothing, that :func:`write_image` could write ``path`` (a supported extension,
    an existing writable folder, not one of ``inputs``). Call it before long work."""
    _image_format(Path(path))
    return check_output(path, inputs=inputs)


def _image_format(path: Path) -> str:
    check_output_name(path, _WRITE_FORMATS)
    fmt = _WRITE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise OutputError(f"unsupported image extension {path.suffix!r} for {path}; use .png, .jpg, .webp or .tif")
    return fmt


def write_png(path: str | os.PathLike, array: np.ndarray) -> None:
    """Write an OpenCV-ordered array (BGR, BGRA or grey; 8 or 16 bits) as PNG to ``path`` (no atomic
    rename: for temporary paths). Encoded in memory and written by Python, so that a full disk is an
    OSError (``cv2.imwrite`` returned False and libpng printed "Write Error" on stderr)."""
    import cv2

    ok, encoded = cv2.imencode(".png", np.ascontiguousarray(array))
    if not ok:
        raise OutputError(f"cannot encode {path} as PNG")
    with open(path, "wb") as fh:
        fh.write(encoded.data)


def to_uint16(image: np.ndarray) -> np.ndarray:
    """float [0, 1] -> uint16 as ``round(x * 65535)``, values outside [0, 1] saturated, NaN -> 0; uint8
    levels are widened exactly (x 257), uint16 returned as it is."""
    image = np.asarray(image)
    if image.dtype == np.uint16:
        return image
    if image.dtype == np.uint8:
        return image.astype(np.uint16) * np.uint16(257)
    levels = np.clip(np.nan_to_num(image, nan=0.0), 0.0, 1.0).astype(np.float32)  # clipped before the cast
    return np.rint(np.multiply(levels, np.float32(65535), out=levels), out=levels).astype(np.uint16)


#: The formats :func:`write_image` writes with 16 bits per channel when asked; the others hold 8.
SIXTEEN_BIT_FORMATS = ("PNG", "TIFF")


def write_image(path: str | os.PathLike, image: np.ndarray, *, inputs: tuple = (), bits: int = 8) -> None:
    """Write float32 RGB [0, 1], uint8 or uint16 to PNG/JPEG/WebP/TIFF by extension, atomically.

    ``bits=8`` (the default) writes 8 bits per channel (uint16 is scaled as :func:`unit_float` scales it,
    then rounded). ``bits=16`` writes PNG and TIFF with 16 bits per channel (``round(x * 65535)``, uint8
    widened exactly, uint16 as given: see :func:`photo_bits` for when a photo needs it); JPEG and WebP hold
    8 bits and are written with 8 whatever ``bits`` says."""
    from PIL import Image

    path = Path(path)
    fmt = _image_format(path)
    if bits not in (8, 16):
        raise ValueError(f"write_image writes 8 or 16 bits per channel, got bits={bits!r}")
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"write_image expects an (H, W, 3) RGB image, got shape {image.shape}")
    if image.dtype.kind in "iu" and image.dtype not in (np.uint8, np.uint16):  # no agreed brightness scale
        raise InputError(f"write_image takes float [0, 1], uint8 or uint16 pixels, got {image.dtype}")
    if bits == 16 and fmt in SIXTEEN_BIT_FORMATS:
        _write_16bit(path, to_uint16(image), fmt, inputs)
        return
    if bits == 16:
        log.debug("%s holds 8 bits per channel: %s written with 8", fmt, path)
    array = image if image.dtype == np.uint8 else to_uint8(unit_float(image))
    with atomic_output(path, inputs=inputs) as tmp:
        options = {"quality": 95} if fmt in ("JPEG", "WEBP") else {}
        Image.fromarray(np.ascontiguousarray(array)).save(tmp, format=fmt, **options)


def _write_16bit(path: Path, rgb16: np.ndarray, fmt: str, inputs: tuple) -> None:
    """16-bit RGB as PNG through OpenCV (PIL writes no 16-bit colour; OpenCV wants BGR), as TIFF through
    tifffile (RGB, uncompressed as PIL writes 8-bit TIFF)."""
    with atomic_output(path, inputs=inputs) as tmp:
        if fmt == "PNG":
            write_png(tmp, rgb16[:, :, ::-1])
        else:
            import tifffile

            tifffile.imwrite(tmp, np.ascontiguousarray(rgb16), photometric="rgb")
