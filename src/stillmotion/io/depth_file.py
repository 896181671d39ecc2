"""Depth maps from and to files: 16-bit PNG, float TIFF, NPY, PFM."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import numpy as np

from ..errors import InputError, OutputError
from ..types import Depth, DepthKind
from .atomic import atomic_output

log = logging.getLogger(__name__)

DEPTH_EXTENSIONS = (".png", ".tif", ".tiff", ".npy", ".pfm")


def _read_pfm(path: Path) -> np.ndarray:
    with open(path, "rb") as fh:
        header = fh.readline().strip()
        if header not in (b"Pf", b"PF"):
            raise InputError(f"depth file {path} is not a PFM file (header {header[:8]!r})")
        dims = fh.readline()
        while dims.startswith(b"#"):
            dims = fh.readline()
        match = re.match(rb"^\s*(\d+)\s+(\d+)\s*$", dims)
        if not match:
            raise InputError(f"depth file {path}: malformed PFM size line")
        width, height = int(match.group(1)), int(match.group(2))
        scale = float(fh.readline().strip())
        endian = "<" if scale < 0 else ">"
        channels = 3 if header == b"PF" else 1
        data = np.frombuffer(fh.read(), dtype=f"{endian}f4")
    if data.size < width * height * channels:
        raise InputError(f"depth file {path}: PFM data is truncated")
    data = data[: width * height * channels].reshape(height, width, channels)[:, :, 0]
    return np.flipud(data).astype(np.float32)


def _load_array(path: Path) -> np.ndarray:
    ext = path.suffix.lower()
    try:
        if ext == ".npy":
            array = np.load(path, allow_pickle=False)
        elif ext == ".pfm":
            array = _read_pfm(path)
        elif ext in (".tif", ".tiff"):
            import tifffile

            array = tifffile.imread(path)
        elif ext == ".png":
            import cv2

            array = cv2.imread(str(path), cv2.IMREAD_UNCHANGED | cv2.IMREAD_ANYDEPTH)
            if array is None:
                raise InputError(f"cannot read depth file {path}: not a PNG or corrupt")
        else:
            raise InputError(f"unsupported depth file extension {ext!r}; use one of {', '.join(DEPTH_EXTENSIONS)}")
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoder failure is a corrupt input
        raise InputError(f"cannot read depth file {path}: {exc}") from None
    array = np.asarray(array)
    if array.ndim == 3:
        array = array[:, :, 0]
    if array.ndim != 2 or array.size == 0:
        raise InputError(f"depth file {path} must hold a 2-D map, got shape {array.shape}")
    if not np.issubdtype(array.dtype, np.number):
        raise InputError(f"depth file {path} holds {array.dtype} values, expected numbers")
    return array.astype(np.float32)


def read_depth(path: str | os.PathLike, kind: DepthKind | str) -> Depth:
    """Read a depth map; ``kind`` says what its numbers mean.

    Non-finite values, and zeros in disparity and metric maps, are marked invalid (unknown). A map with
    no valid value, or a constant one, is refused.
    """
    path = Path(path)
    try:
        kind = DepthKind(kind)
    except ValueError:
        raise InputError(f"unknown depth kind {kind!r}; choose disparity, inverse or metric") from None
    if not path.exists():
        raise InputError(f"depth file not found: {path}")
    values = _load_array(path)
    valid = np.isfinite(values)
    if kind in (DepthKind.DISPARITY, DepthKind.METRIC):
        valid &= values > 0
    if kind == DepthKind.INVERSE:
        valid &= values >= 0
    if not valid.any():
        raise InputError(f"depth file {path} has no valid value (all NaN, infinite or unknown)")
    if valid.mean() < 0.05:
        raise InputError(f"depth file {path}: only {valid.mean():.1%} of its values are valid")
    known = values[valid]
    if float(known.max() - known.min()) <= 1e-12 * max(1.0, abs(float(known.max()))):
        raise InputError(f"depth file {path} is constant: it holds no depth information")
    levels = len(np.unique(known[:: max(1, known.size // 200_000)]))
    if levels <= 256 and known.size > 4 * 256:
        log.warning("depth file %s has only %d distinct levels (an 8-bit map?): parallax may show steps; "
                    "prefer a 16-bit PNG, TIFF or NPY", path, levels)
    values = np.where(valid, values, 0.0).astype(np.float32)
    return Depth(values, kind, None if valid.all() else valid)


def write_depth(path: str | os.PathLike, depth: np.ndarray, *, inputs: tuple = ()) -> None:
    """Write an inverse-depth map (larger = nearer): ``.npy``/``.tif`` as float32, ``.png`` as 16-bit
    normalised (near = bright)."""
    path = Path(path)
    ext = path.suffix.lower()
    depth = np.asarray(depth, dtype=np.float32)
    with atomic_output(path, inputs=inputs) as tmp:
        if ext == ".npy":
            with open(tmp, "wb") as fh:
                np.save(fh, depth)
        elif ext in (".tif", ".tiff"):
            import tifffile

            tifffile.imwrite(tmp, depth)
        elif ext == ".png":
            import cv2

            lo, hi = float(np.nanmin(depth)), float(np.nanmax(depth))
            norm = (depth - lo) / (hi - lo) if hi > lo else np.zeros_like(depth)
            if not cv2.imwrite(str(tmp), (np.clip(norm, 0, 1) * 65535 + 0.5).astype(np.uint16)):
                raise OutputError(f"cannot write {path}")
        else:
            raise OutputError(f"unsupported depth output extension {ext!r}; use .npy, .tif or .png")
