"""Streaming clip writers: frames go to the encoder one by one, the clip is never held in memory.

Output kind by path: ``.mp4`` (H.264, yuv420p, faststart), ``.webm`` (VP9), ``.gif`` (palette-optimised,
looping), and a path ending in ``/`` or without extension: a directory of numbered PNG frames.
Everything is written under a temporary name and renamed when the clip is complete.

A GIF needs one palette for the whole clip, so its frames first stream into an uncompressed file beside
the output (raw RGB in NUT: W*H*3 bytes a frame on disk, no encoding cost); on close, ffmpeg derives the
palette from that file and then maps the frames onto it. Nothing holds the clip in memory (a one-pass
``split,palettegen`` graph would buffer every frame inside ffmpeg) and it is as fast as that one pass
(a lossless FFV1 stage measured about twice slower). The frames are dithered onto the palette with an
ordered (Bayer) pattern: error diffusion (``sierra2_4a``, the first choice) reshuffles its noise over
the whole frame whenever the picture changes a little, so a camera move shimmered, and that noise
defeats GIF's compression. On the astronaut's 512x512 ``static`` clip: 4.8 s and 10.7 MB with error
diffusion, 0.8 s and 5.6 MB with Bayer, the frame-to-frame change 2.50 levels against 0.87 (the
undithered clip's own: 0.87).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..errors import OutputError
from ..types import EncodeOptions
from ._checks import check_output_name
from .atomic import FULL_DISK, atomic_output, check_output
from .image import to_uint8, write_png

log = logging.getLogger(__name__)

VIDEO_EXTENSIONS = (".mp4", ".webm", ".gif")
#: Fastest gif frame rate: delays of 2/100 s; browsers play delays of 1/100 s or less at about 1/10 s.
MAX_GIF_FPS = 50.0


def output_kind(path: str | os.PathLike) -> str:
    """``"mp4"``, ``"webm"``, ``"gif"`` or ``"frames"`` (PNG directory); raises for anything else."""
    text = os.fspath(path)
    check_output_name(text, VIDEO_EXTENSIONS)
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


@functools.lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """The ffmpeg binary: ``IMAGEIO_FFMPEG_EXE`` when set, else the one imageio-ffmpeg's wheel ships, taken
    as it is, else imageio-ffmpeg's own search (conda's, the system's). That search checks a binary by
    running ``ffmpeg -version``: ~0.08 s of CPU at the start of every clip, while the shot is planned; the
    shipped binary is checked by the encoder's own start instead."""
    import imageio_ffmpeg

    explicit = os.environ.get("IMAGEIO_FFMPEG_EXE")
    if explicit:
        return explicit
    shipped = [p for p in (Path(imageio_ffmpeg.__file__).parent / "binaries").glob("ffmpeg*")
               if p.is_file() and os.access(p, os.X_OK)]  # fmt: skip
    return str(shipped[0]) if len(shipped) == 1 else imageio_ffmpeg.get_ffmpeg_exe()


def ffmpeg_args(kind: str, *, fps: float, width: int, height: int, options: EncodeOptions) -> list[str]:
    """The ffmpeg command reading raw RGB frames on stdin and encoding ``kind``; output path last.

    For ``"gif"`` this is the first stage: raw RGB into a NUT file (see the module doc).
    """
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
        codec = ["-c:v", "rawvideo", "-pix_fmt", "rgb24", "-f", "nut"]
    else:
        raise OutputError(f"not a video kind: {kind}")
    extra = [str(item) for pair in options.extra.items() for item in pair]
    return base + codec + extra


def _keep_bits(bits: int) -> str:
    """An ffmpeg filter keeping the top ``bits`` of each 8-bit RGB channel."""
    mask = (0xFF << (8 - bits)) & 0xFF
    return ":".join(f"{c}='bitand(val,{mask})'" for c in "rgb")


#: Bits per channel the palette is chosen from, and the frames are mapped from. ffmpeg's palette
#: histogram and its colour lookups slow down with the number of distinct colours, and a rendered frame
#: has many: on the astronaut's 512x512 clip the two passes took 2.9 s and 1.7 s at 8 bits, 0.2 s and
#: 0.9 s like this, for 0.2 dB of PSNR (against the rendered frames; 0.5 dB after a 1-pixel blur), on a
#: picture whose 256 colours are dithered anyway.
PALETTE_BITS, MAPPED_BITS = 6, 7


def _gif_palette_args(stage: Path, palette: Path) -> list[str]:
    return [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", str(stage),
        "-vf", f"lutrgb={_keep_bits(PALETTE_BITS)},palettegen=stats_mode=full", "-frames:v", "1", "-update", "1",
        str(palette),
    ]  # fmt: skip


def _gif_map_args(stage: Path, palette: Path, fps: float, target: Path) -> list[str]:
    mapping = f"[0:v]lutrgb={_keep_bits(MAPPED_BITS)}[frames];[frames][1:v]paletteuse=dither=bayer:bayer_scale=3"
    return [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", str(stage), "-i", str(palette),
        "-lavfi", mapping, "-r", f"{fps:g}", "-loop", "0", "-f", "gif", str(target),
    ]  # fmt: skip


def _check_clip_size(kind: str, *, fps: float, width: int, height: int) -> None:
    if not (fps > 0 and np.isfinite(fps)):
        raise OutputError(f"frame rate must be positive, got {fps}")
    if width <= 0 or height <= 0:
        raise OutputError(f"clip size must be positive, got {width}x{height}")
    if kind in ("mp4", "webm") and (width % 2 or height % 2):
        raise OutputError(f"{kind} (yuv420p) needs an even width and height, got {width}x{height}")
    if kind == "gif" and fps > MAX_GIF_FPS:
        raise OutputError(f"a gif plays at most {MAX_GIF_FPS:g} fps (its frame delays are in 1/100 s, and browsers "
                          f"slow shorter ones down), got {fps:g}; lower --fps or write .mp4 or .webm")  # fmt: skip


class ClipWriter:
    """Write frames (float32 RGB [0, 1] or uint8, (H, W, 3)) to a clip; use through :func:`open_writer`."""

    def __init__(self, kind: str, target: Path, *, fps: float, width: int, height: int, options: EncodeOptions):
        _check_clip_size(kind, fps=fps, width=width, height=height)
        self.kind = kind
        self.target = target
        self.fps = fps
        self.width, self.height = width, height
        self.count = 0
        self._proc: subprocess.Popen | None = None
        self._log = None
        self._stage = target.with_name(target.name + ".frames.nut") if kind == "gif" else None
        if kind != "frames":
            self._log = tempfile.TemporaryFile()  # a file, not a pipe: a chatty encoder cannot block
            args = ffmpeg_args(kind, fps=fps, width=width, height=height, options=options)
            args.append(str(self._stage or target))
            try:
                self._proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._log)
            except OSError as exc:
                self._log.close()
                raise OutputError(f"cannot start the encoder ffmpeg: {exc}") from None

    def write(self, frame: np.ndarray) -> None:
        frame = np.asarray(frame)
        if frame.ndim != 3 or frame.shape[2] != 3:
            raise ValueError(f"a frame must be (H, W, 3) RGB, got shape {frame.shape}")
        if frame.shape[:2] != (self.height, self.width):
            raise ValueError(f"frame is {frame.shape[1]}x{frame.shape[0]}, the clip is {self.width}x{self.height}")
        data = frame if frame.dtype == np.uint8 else to_uint8(frame)
        if self.kind == "frames":
            write_png(self.target / f"{self.count:04d}.png", data[:, :, ::-1])
        else:
            assert self._proc is not None and self._proc.stdin is not None
            try:
                self._proc.stdin.write(memoryview(np.ascontiguousarray(data)).cast("B"))  # no copy of the frame
            except (BrokenPipeError, OSError):
                self._proc.wait()
                raise self._failure("the encoder stopped", self._log_text()) from None
        self.count += 1

    def _log_text(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def _failure(self, what: str, log: str) -> Exception:
        """The error of an ffmpeg run that failed with ``log`` on stderr. A full disk (ffmpeg gives the errno's
        text, in any of its lines) is an OSError about the clip, which :func:`atomic_output` reports as
        ``cannot write OUT: No space left on device``; any other failure, ``WHAT: LAST LINE``."""
        for code in sorted(FULL_DISK):
            if os.strerror(code) in log:
                return OSError(code, os.strerror(code), str(self.target))
        lines = log.strip().splitlines()
        return OutputError(f"{what}: {lines[-1] if lines else 'ffmpeg error'}")

    def close(self, *, success: bool) -> None:
        """Finish the clip (``success``) or abandon it: stop the encoder, remove intermediate files."""
        proc, self._proc = self._proc, None
        try:
            if proc is None:
                return
            if not success:
                proc.kill()
                proc.wait()
                return
            assert proc.stdin is not None
            try:
                proc.stdin.close()
            except (BrokenPipeError, OSError):
                pass
            if proc.wait() != 0:
                raise self._failure(f"encoding {self.kind} failed", self._log_text())
            if self._stage is not None and success:
                self._finish_gif()
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None
            if self._stage is not None:
                self._stage.unlink(missing_ok=True)

    def _finish_gif(self) -> None:
        assert self._stage is not None
        palette = self._stage.with_name(self._stage.name + ".palette.png")
        try:
            for args in (_gif_palette_args(self._stage, palette), _gif_map_args(self._stage, palette, self.fps, self.target)):
                done = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                if done.returncode != 0:
                    raise self._failure("encoding gif failed", done.stderr.decode(errors="replace"))
        finally:
            palette.unlink(missing_ok=True)


def check_clip_output(path: str | os.PathLike, *, inputs: tuple = ()) -> str:
    """Check now, writing nothing, that :func:`open_writer` could write ``path``: a supported kind, an
    existing writable folder, not one of ``inputs``. Returns the kind. Call it before long work."""
    kind = output_kind(path)
    check_output(_target(path), directory=kind == "frames", inputs=inputs)
    return kind


def _target(path: str | os.PathLike) -> Path:
    return Path(os.fspath(path).rstrip("/" + os.sep) or ".")


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
    """Open a streaming clip writer for ``path``; the file appears only if the block succeeds.

    ``inputs`` are the run's input files: an output onto one of them is refused. mp4 and webm need an
    even width and height (yuv420p); an odd one is refused before anything is written. An exception in
    the block stops the encoder and removes every temporary file.
    """
    kind = output_kind(path)
    _check_clip_size(kind, fps=fps, width=width, height=height)
    options = options or EncodeOptions()
    with atomic_output(_target(path), directory=kind == "frames", inputs=inputs) as tmp:
        writer = ClipWriter(kind, tmp, fps=fps, width=width, height=height, options=options)
        try:
            yield writer
        except BaseException:
            writer.close(success=False)
            raise
        if writer.count == 0:
            writer.close(success=False)
            raise OutputError(f"no frame was written to {path}")
        writer.close(success=True)
