"""Depth maps from and to files: 16-bit (or 8-bit) PNG, float TIFF, NPY, PFM.

A file holds numbers; the caller says what they mean (:class:`~stillmotion.types.DepthKind`). Unknown
values (NaN, infinities, and zero or negative disparity / metric depth) become the invalid part of the
:class:`~stillmotion.types.Depth`; :func:`stillmotion.io.fill_invalid` fills them from the background side.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import numpy as np

from ..errors import InputError, OutputError
from ..types import Depth, DepthKind
from ._checks import check_input_file, check_pixels, read_head
from ._stream import python_stream
from .atomic import atomic_output
from .image import MAX_PIXELS, no_pil_bomb_limit, to_uint16, write_png

log = logging.getLogger(__name__)

DEPTH_EXTENSIONS = (".png", ".tif", ".tiff", ".npy", ".pfm")

#: A map with less than this fraction of valid values carries too little to fill the rest from.
MIN_VALID_FRACTION = 0.01

_PFM_TOKEN = re.compile(rb"\s*(?:#[^\n]*\n\s*)*(\S+)")


def read_depth(path: str | os.PathLike, kind: DepthKind | str, *, max_pixels: int = MAX_PIXELS) -> Depth:
    """Read a depth map; ``kind`` says what its numbers mean.

    Non-finite values are invalid; so are zero and negative values of disparity and metric maps
    (0 = unknown in Middlebury/KITTI disparity files). Inverse-depth maps (larger = nearer, any shift)
    keep every finite value. A map with (almost) no valid value is refused, and so is a constant inverse
    map: known only up to shift and scale, it holds no depth. A constant disparity or metric map is a
    plane facing the camera, and is kept. 8-bit PNGs are accepted with a warning (256 levels give coarse,
    terraced depth).
    """
    kind = DepthKind.parse(kind)
    path = check_input_file(path, "depth file")
    values = _load_array(path, max_pixels)
    valid = np.isfinite(values)
    if kind in (DepthKind.DISPARITY, DepthKind.METRIC):
        with np.errstate(invalid="ignore"):
            valid &= values > 0
    fraction = float(valid.mean())
    if fraction == 0.0:
        raise InputError(f"depth file {path} has no valid value (all NaN, infinite or unknown)")
    if fraction < MIN_VALID_FRACTION:
        raise InputError(f"depth file {path}: only {fraction:.2%} of its values are valid, too few to use")
    if kind == DepthKind.INVERSE:
        known = values[valid]
        lo, hi = float(known.min()), float(known.max())
        if hi - lo <= 1e-6 * max(abs(lo), abs(hi), 1e-30):
            raise InputError(f"depth file {path} is constant ({lo:g} everywhere it is known): it holds no depth")
    values = np.where(valid, values, 0.0).astype(np.float32)
    if fraction < 1.0:
        log.debug("depth file %s: %.1f%% of the values are unknown and will be filled", path, 100 * (1 - fraction))
    return Depth(values, kind, None if fraction == 1.0 else valid)


def _load_array(path: Path, max_pixels: int) -> np.ndarray:
    ext = path.suffix.lower()
    readers = {".npy": _read_npy, ".pfm": _read_pfm, ".tif": _read_tiff, ".tiff": _read_tiff, ".png": _read_png}
    reader = readers.get(ext)
    if reader is None:
        raise InputError(
            f"unsupported depth file extension {ext or '(none)'!r} for {path}; use one of {', '.join(DEPTH_EXTENSIONS)}"
        )
    try:
        array = reader(path, max_pixels)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoder failure is a corrupt input
        raise InputError(f"cannot read depth file {path}: corrupt or not a {ext[1:].upper()} file ({exc})") from None
    return _to_2d_float(np.asarray(array), path)


def _to_2d_float(array: np.ndarray, path: Path) -> np.ndarray:
    if array.ndim == 3 and array.shape[0] == 1:
        array = array[0]
    if array.ndim == 3:
        if array.shape[2] == 1:
            array = array[:, :, 0]
        elif array.shape[2] in (3, 4):
            first = array[:, :, :1]
            if not np.array_equal(np.broadcast_to(first, array[:, :, :3].shape), array[:, :, :3]):
                raise InputError(
                    f"depth file {path} has colour channels that differ: it looks like a colour-mapped picture of "
                    "depth, not depth values; give a single-channel map"
                )
            array = array[:, :, 0]
    if array.ndim != 2 or array.size == 0:
        raise InputError(f"depth file {path} must hold one 2-D map, got an array of shape {array.shape}")
    if array.dtype == np.bool_ or not np.issubdtype(array.dtype, np.number) or np.iscomplexobj(array):
        raise InputError(f"depth file {path} holds {array.dtype} values, expected real numbers")
    return array.astype(np.float32, copy=False)


def _read_npy(path: Path, max_pixels: int) -> np.ndarray:
    if read_head(path, 6) != b"\x93NUMPY":  # NumPy falls back to unpickling and says the file "contains pickled data"
        raise InputError(f"depth file {path} is not a NumPy .npy file (no .npy header)")
    try:
        header = np.load(path, mmap_mode="r", allow_pickle=False)  # header only: nothing is read yet
    except ValueError as exc:
        raise InputError(f"cannot read depth file {path}: {exc}") from None
    shape = header.shape
    if len(shape) >= 2:
        check_pixels(path, "depth file", int(shape[1]), int(shape[0]), max_pixels)
    if header.size > 4 * max_pixels:
        raise InputError(f"depth file {path} holds {header.size} values, too many for a depth map")
    array = np.array(header)
    del header
    return array


def _read_pfm(path: Path, max_pixels: int) -> np.ndarray:
    """PFM: ``Pf`` (grey) or ``PF`` (colour), width height, scale (negative = little-endian), rows bottom-up."""
    with open(path, "rb") as fh:
        head = fh.read(512)
    tokens, pos = [], 0
    for _ in range(4):
        match = _PFM_TOKEN.match(head, pos)
        if not match:
            raise InputError(f"depth file {path}: malformed PFM header")
        tokens.append(match.group(1))
        pos = match.end()
    magic, width_text, height_text, scale_text = tokens
    if magic not in (b"Pf", b"PF"):
        raise InputError(f"depth file {path} is not a PFM file (it starts with {head[:8]!r})")
    try:
        width, height, scale = int(width_text), int(height_text), float(scale_text)
    except ValueError:
        raise InputError(f"depth file {path}: malformed PFM header") from None
    if scale == 0.0 or not np.isfinite(scale):
        raise InputError(f"depth file {path}: PFM scale must be a non-zero number, got {scale_text!r}")
    check_pixels(path, "depth file", width, height, max_pixels)
    offset = pos + 1  # exactly one whitespace byte ends the header
    channels = 3 if magic == b"PF" else 1
    count = width * height * channels
    dtype = np.dtype("<f4" if scale < 0 else ">f4")
    if path.stat().st_size - offset < count * 4:
        raise InputError(f"depth file {path}: PFM data is truncated ({width}x{height} claimed)")
    data = np.fromfile(path, dtype=dtype, count=count, offset=offset)
    data = data.reshape(height, width, channels)[:, :, 0]
    return np.flipud(data).astype(np.float32)


def _read_tiff(path: Path, max_pixels: int) -> np.ndarray:
    import tifffile

    with tifffile.TiffFile(path) as tif:
        page = tif.pages[0]
        sizes = dict(zip(page.axes, page.shape))
        check_pixels(path, "depth file", int(sizes.get("X", 0)), int(sizes.get("Y", 0)), max_pixels)
        try:
            array = page.asarray()
        except ValueError as exc:
            if "imagecodecs" not in str(exc):
                raise
            array = None
    if array is None:  # a compression only PIL decodes (LZW, ...)
        from PIL import Image

        with Image.open(path) as img:
            array = np.asarray(img)
    if "S" in page.axes and array.ndim == 3 and page.axes.index("S") == 0:
        array = np.moveaxis(array, 0, -1)
    return array


def _read_png(path: Path, max_pixels: int) -> np.ndarray:
    import cv2
    from PIL import Image, UnidentifiedImageError

    try:
        with no_pil_bomb_limit(), Image.open(path) as img:  # header: size check before decoding
            check_pixels(path, "depth file", img.size[0], img.size[1], max_pixels)
            if img.format != "PNG":
                raise InputError(f"depth file {path} is a {img.format} file, not a PNG")
        with no_pil_bomb_limit(), Image.open(path) as img:
            img.verify()  # CRCs up to IEND: libpng would print to stderr on a truncated file
    except UnidentifiedImageError:
        raise InputError(f"cannot read depth file {path}: not a PNG image") from None
    array = cv2.imdecode(np.fromfile(path, dtype=np.uint8), cv2.IMREAD_UNCHANGED)
    if array is None:
        raise InputError(f"cannot read depth file {path}: corrupt PNG")
    eight_bit = array.dtype == np.uint8
    if array.ndim == 3 and array.shape[2] >= 3:
        array = array[:, :, 2::-1]
    array = _to_2d_float(array, path)  # a colour-mapped picture is refused before it is warned about
    if eight_bit:
        log.warning("depth file %s is an 8-bit PNG: 256 levels give coarse, terraced depth; prefer 16-bit", path)
    return array


def write_depth(path: str | os.PathLike, depth: np.ndarray | Depth, *, inputs: tuple = ()) -> None:
    """Write an inverse-depth map (larger = nearer): ``.npy``/``.tif`` as float32, ``.png`` as 16-bit
    normalised (near = bright), ``.pfm`` as little-endian float32. A :class:`Depth` is written as its
    inverse depth (metric z as 1/z), its unknown values as NaN, which :func:`read_depth` reads as unknown
    (and a PNG as farthest)."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in (".npy", ".tif", ".tiff", ".png", ".pfm"):
        raise OutputError(f"unsupported depth output extension {ext!r}; use .npy, .tif, .png or .pfm")
    if isinstance(depth, Depth):  # it raised TypeError
        from ..depth.pipeline import as_inverse

        inverse = as_inverse(depth)
        depth = inverse if depth.valid is None else np.where(depth.valid, inverse, np.float32(np.nan))
    depth = np.asarray(depth, dtype=np.float32)
    if depth.ndim != 2:
        raise ValueError(f"write_depth expects a 2-D map, got shape {depth.shape}")
    with atomic_output(path, inputs=inputs) as tmp:
        if ext == ".npy":
            with python_stream(tmp) as fh:
                np.save(fh, depth)
        elif ext in (".tif", ".tiff"):
            import tifffile

            with python_stream(tmp) as fh:
                tifffile.imwrite(fh, depth)
        elif ext == ".pfm":
            with open(tmp, "wb") as fh:
                fh.write(b"Pf\n%d %d\n-1.0\n" % (depth.shape[1], depth.shape[0]))
                fh.write(np.flipud(depth).astype("<f4").tobytes())
        else:
            finite = depth[np.isfinite(depth)]
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
            norm = (depth - lo) / (hi - lo) if hi > lo else np.zeros_like(depth)
            write_png(tmp, to_uint16(norm))  # NaN as 0, infinities saturated
