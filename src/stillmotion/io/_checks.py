"""Checks shared by the readers and writers: an input file exists and is readable, its size is sane;
a run's outputs do not overwrite one another."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError, OutputError


def check_input_file(path: str | os.PathLike, what: str) -> Path:
    """``path`` as a Path, or InputError saying why ``what`` (``"photo"``, ``"depth file"``) cannot be read."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{what} not found: {path}")
    if path.is_dir():
        raise InputError(f"{what} {path} is a directory, expected a file")
    if not path.is_file():
        raise InputError(f"{what} {path} is not a regular file")
    try:
        with open(path, "rb") as fh:
            head = fh.read(1)
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if not head:
        raise InputError(f"{what} {path} is empty (0 bytes)")
    return path


def check_pixels(path: Path, what: str, width: int, height: int, max_pixels: int) -> None:
    """Refuse a size read from a file header before anything is decoded (decompression bombs)."""
    if width <= 0 or height <= 0:
        raise InputError(f"{what} {path} claims an empty size {width}x{height}")
    if width * height > max_pixels:
        raise InputError(
            f"{what} {path} claims {width}x{height} = {width * height / 1e6:.0f} megapixels, more than the "
            f"{max_pixels / 1e6:.0f} allowed (corrupt header or decompression bomb?)"
        )


def read_head(path: Path, size: int = 16) -> bytes:
    """The first ``size`` bytes of ``path`` (for format sniffing)."""
    with open(path, "rb") as fh:
        return fh.read(size)


def check_separate_outputs(*outputs: tuple[str, str | os.PathLike | None]) -> None:
    """Refuse two outputs of one run, given as ``(option name, path)``, that are the same file or of which
    one lies inside the other (a preview inside a folder of frames): the second would silently replace
    the first. ``None`` paths are skipped."""
    given = [(name, Path(os.path.expanduser(os.fspath(path))).resolve()) for name, path in outputs if path is not None]
    for i, (first_name, first) in enumerate(given):
        for second_name, second in given[i + 1 :]:
            if first == second or first in second.parents or second in first.parents:
                raise OutputError(f"{first_name} and {second_name} would overwrite each other ({first}, {second}); "
                                  "give them separate paths")  # fmt: skip


def check_output_name(path: str | os.PathLike, extensions) -> None:
    """Refuse an output named ``-`` (standard output, which no writer supports: it made a folder named
    ``-``) or only an extension of ``extensions`` (``-o .mp4`` made a hidden folder ``.mp4/`` of PNGs)."""
    text = os.fspath(path)
    if text == "-":
        raise OutputError("output '-' (standard output) is not supported: give a file name")
    name = os.path.basename(text)
    if name.startswith(".") and name.lower() in extensions:
        raise OutputError(f"output {text} is only an extension: give a name, e.g. out{name}")
