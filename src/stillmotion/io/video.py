"""Streaming clip writers: frames go to the encoder one by one, the clip is never held in memory.

Output kind by path: ``.mp4`` (H.264, yuv420p, faststart), ``.webm`` (VP9), ``.gif`` (palette-optimised,
looping), and a path ending in ``/`` or without extension: a directory of numbered PNG frames.
Everything is written under a temporary name and renamed when the clip is complete.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..errors import OutputError
from ..types import EncodeOptions
from .atomic import atomic_output
from .image import to_uint8

log = logging.getLogger(__name__)

VIDEO_EXTENSIONS = (".mp4", ".webm", ".gif")


def output_kind(path: str | os.PathLike) -> str:
    """``"mp4"``, ``"webm"``, ``"gif"`` or ``"frames"`` (PNG directory); raises for anything else."""
    text = os.fspath(path)
    if text.endswith(("/", os.sep)):
        return "frames"
    suffix = Path(text).suffix.lower()
    if suffix == "":
        return "frames"
    if suffix in VIDEO_EXTENSIONS:
        return suffix[1:]
    raise OutputError(
        f"unsupported output extension {suffix!r} for {text}; use .mp4, .webm, .gif or a directory (ending in /)"
    )


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def ffmpeg_args(kind: str, *, fps: float, width: int, height: int, options: EncodeOptions) -> list[str]:
    """The ffmpeg command reading raw RGB frames on stdin and encoding ``kind``; output path last."""
    base = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", f"{fps:g}", "-i", "pipe:0",
    ]  # fmt: skip
    if kind == "mp4":
        codec = [
            "-c:v", "libx264", "-preset", options.preset, "-crf", str(options.crf),
            "-pix_fmt", "yuv420p", "-movflags", "+faststart",
        ]  # fmt: skip
    elif kind == "webm":
        codec = [
            "-c:v", "libvpx-vp9", "-b:v", "0", "-crf", str(options.crf + 14), "-deadline", "good",
            "-cpu-used", "4", "-row-mt", "1", "-pix_fmt", "yuv420p",
        ]  # fmt: skip
    elif kind == "gif":
        codec = [
            "-filter_complex", "[0:v]split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=sierra2_4a",
            "-loop", "0",
        ]  # fmt: skip
    else:
        raise OutputError(f"not a video kind: {kind}")
    return base + codec


class ClipWriter:
    """Write frames (float32 RGB [0, 1] or uint8) to a clip; use through :func:`open_writer`."""

    def __init__(self, kind: str, target: Path, *, fps: float, width: int, height: int, options: EncodeOptions):
        self.kind = kind
        self.target = target
        self.width, self.height = width, height
        self.count = 0
        self._proc: subprocess.Popen | None = None
        if kind != "frames":
            if kind in ("mp4", "webm") and (width % 2 or height % 2):
                raise OutputError(f"{kind} needs even frame sizes, got {width}x{height}")
            args = ffmpeg_args(kind, fps=fps, width=width, height=height, options=options) + [str(target)]
            self._proc = subprocess.Popen(args, stdin=subprocess.PIPE, stderr=subprocess.PIPE)

    def write(self, frame: np.ndarray) -> None:
        if frame.shape[:2] != (self.height, self.width):
            raise ValueError(f"frame is {frame.shape[1]}x{frame.shape[0]}, the clip is {self.width}x{self.height}")
        data = frame if frame.dtype == np.uint8 else to_uint8(frame)
        if self.kind == "frames":
            import cv2

            name = self.target / f"{self.count:04d}.png"
            if not cv2.imwrite(str(name), np.ascontiguousarray(data[:, :, ::-1])):
                raise OutputError(f"cannot write frame {name}")
        else:
            assert self._proc is not None and self._proc.stdin is not None
            try:
                self._proc.stdin.write(np.ascontiguousarray(data).tobytes())
            except BrokenPipeError:
                raise OutputError(f"the encoder stopped: {self._stderr()}") from None
        self.count += 1

    def _stderr(self) -> str:
        if self._proc is None or self._proc.stderr is None:
            return ""
        lines = self._proc.stderr.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else "ffmpeg error"

    def close(self, *, success: bool) -> None:
        if self._proc is None:
            return
        proc, self._proc = self._proc, None
        if not success:
            proc.kill()
            proc.wait()
            return
        assert proc.stdin is not None and proc.stderr is not None
        try:
            proc.stdin.close()
        except BrokenPipeError:
            pass
        err = proc.stderr.read().decode(errors="replace").strip()
        if proc.wait() != 0:
            raise OutputError(f"encoding {self.kind} failed: {err.splitlines()[-1] if err else 'ffmpeg error'}")


@contextlib.contextmanager
def open_writer(
    path: str | os.PathLike,
    *,
    fps: float,
    width: int,
    height: int,
    options: EncodeOptions | None = None,
    inputs: tuple = (),
) -> Iterator[ClipWriter]:
    """Open a streaming clip writer for ``path``; the file appears only if the block succeeds."""
    kind = output_kind(path)
    options = options or EncodeOptions()
    target_path = Path(os.fspath(path).rstrip("/" + os.sep) or ".")
    with atomic_output(target_path, directory=kind == "frames", inputs=inputs) as tmp:
        writer = ClipWriter(kind, tmp, fps=fps, width=width, height=height, options=options)
        try:
            yield writer
        except BaseException:
            writer.close(success=False)
            raise
        writer.close(success=True)
        if writer.count == 0:
            raise OutputError("no frame was written")
