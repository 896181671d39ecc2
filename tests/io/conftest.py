"""Shared helpers for the io tests."""

from __future__ import annotations

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
