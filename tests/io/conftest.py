"""Shared helpers for the io tests."""

from __future__ import annotations

import contextlib
import resource
import signal
import struct
import zlib
from pathlib import Path

import pytest


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def write_bomb_png(path: Path, width: int, height: int) -> Path:
    """A tiny PNG whose header claims ``width`` x ``height`` RGB pixels (a decompression bomb's header)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
    data += _png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + _png_chunk(b"IEND", b"")
    path.write_bytes(data)
    return path


@pytest.fixture
def bomb_png():
    """``bomb_png(path, width, height)`` writes a PNG header claiming that size."""
    return write_bomb_png


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def matrix_icc_profile(description: str, red, green, blue, *, gamma: float = 2.2) -> bytes:
    """A minimal ICC v2 RGB display profile (colorants in D50 XYZ, one gamma curve), built byte by byte."""
    desc = description.encode("ascii") + b"\0"
    desc_tag = b"desc\0\0\0\0" + struct.pack(">I", len(desc)) + desc + b"\0" * 8 + b"\0\0\0" + b"\0" * 67
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"

    def xyz(v):
        return b"XYZ \0\0\0\0" + b"".join(_s15(c) for c in v)

    tags = [
        (b"desc", desc_tag),
        (b"wtpt", xyz((0.9642, 1.0, 0.8249))),
        (b"rXYZ", xyz(red)),
        (b"gXYZ", xyz(green)),
        (b"bXYZ", xyz(blue)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
        (b"cprt", b"text\0\0\0\0no copyright\0\0\0\0"),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for sig, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = struct.pack(">I", size) + b"\0" * 4 + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ "
    header += b"\0" * 12 + b"acsp" + b"\0" * 24 + struct.pack(">I", 0)
    header += _s15(0.9642) + _s15(1.0) + _s15(0.8249)
    header += b"\0" * (128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + body


@pytest.fixture
def display_p3_icc():
    """An approximation of Apple's Display P3 profile (wider gamut than sRGB)."""
    return matrix_icc_profile(
        "Display P3 (test)", (0.515121, 0.241196, -0.001053), (0.291977, 0.692245, 0.041885), (0.157104, 0.066574, 0.784073)
    )


@contextlib.contextmanager
def _files_at_most(limit: int):
    """While active, no file can grow past ``limit`` bytes (the kernel's RLIMIT_FSIZE, SIGXFSZ ignored): a
    write past it fails part-way with EFBIG, as one fails on a full disk with ENOSPC."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old_handler)


@pytest.fixture
def files_at_most():
    """``with files_at_most(limit): ...`` writes on a file system that takes no file past ``limit`` bytes."""
    return _files_at_most
