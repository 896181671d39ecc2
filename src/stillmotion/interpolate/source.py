"""Reading a clip to interpolate as a stream of frames: a video file (ffmpeg) or a folder of images."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..io import read_image
from ..types import Image

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff", ".bmp")


@dataclass(frozen=True)
class ClipInfo:
    frame_count: int
    fps: float | None
    width: int
    height: int


def _frame_files(folder: Path) -> list[Path]:
    """The folder's frames in natural order: ``2.png`` before ``10.png`` (plain string order would scramble
    unpadded numbering), zero-padded names as before."""
    frames = [p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".")]
    return sorted(frames, key=_natural_key)


def _natural_key(path: Path) -> tuple:
    """Sort key splitting digits from the rest: ``frame10`` -> ('frame', 10, '')."""
    parts = re.split(r"(\d+)", path.name)
    return tuple((0, int(p), p) if p.isdigit() else (1, 0, p.lower()) for p in parts)


def probe_clip(path: str | os.PathLike) -> ClipInfo:
    """Frame count, rate (None for a folder) and size of a video or a folder of frames."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"input not found: {path}")
    if path.is_dir():
        files = _frame_files(path)
        if not files:
            raise InputError(f"no image frames in folder {path}")
        first = read_image(files[0], what="frame")
        return ClipInfo(len(files), None, first.shape[1], first.shape[0])
    import imageio_ffmpeg

    try:
        reader = imageio_ffmpeg.read_frames(str(path))
        meta = next(reader)
        reader.close()
        count, _secs = imageio_ffmpeg.count_frames_and_secs(str(path))
    except (RuntimeError, OSError, StopIteration, ValueError) as exc:
        raise InputError(f"cannot read video {path}: {str(exc).strip().splitlines()[-1] if str(exc) else exc}") from None
    width, height = meta["size"]
    return ClipInfo(int(count), float(meta.get("fps") or 0) or None, int(width), int(height))


def read_clip(path: str | os.PathLike) -> Iterator[Image]:
    """Frames of a video or folder (sorted by name) as float32 RGB images, one at a time."""
    path = Path(path)
    if path.is_dir():
        for file in _frame_files(path):
            yield read_image(file, what="frame")
        return
    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(str(path), pix_fmt="rgb24")
    try:
        meta = next(reader)
        width, height = meta["size"]
        for raw in reader:
            frame = np.frombuffer(raw, np.uint8).reshape(height, width, 3).astype(np.float32)
            frame *= np.float32(1.0 / 255.0)  # in place: one pass fewer than a division into a new array
            yield frame
    except RuntimeError as exc:
        raise InputError(f"cannot read video {path}: {exc}") from None
    finally:
        reader.close()
