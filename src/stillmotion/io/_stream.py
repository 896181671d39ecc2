"""A file that NumPy and tifffile write to through Python, so that a failed write says why.

Given a real file, ``np.save`` and ``tifffile.imwrite`` hand it to C (``ndarray.tofile``), which loses the
reason of a failure: a full disk came out as ``OSError: 240000 requested and 6112 written`` or ``Not enough
free space to write ... bytes``, with no errno, and was reported as an internal error. Through
:func:`python_stream` the bytes go through Python's own writes, and a full disk is an OSError with its errno
(ENOSPC), which :func:`~stillmotion.io.atomic.atomic_output` reports as ``cannot write OUT: No space left on
device``. NumPy then writes in chunks of 16 MB; tifffile writes a copy of the array's bytes.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator


class _PythonStream(io.RawIOBase):
    """A seekable binary stream over an open file, without ``fileno()``: no writer can bypass it."""

    def __init__(self, raw: io.BufferedWriter) -> None:
        super().__init__()
        self._raw = raw

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data) -> int:
        return self._raw.write(data)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()


@contextlib.contextmanager
def python_stream(path: str | os.PathLike) -> Iterator[io.RawIOBase]:
    """``path`` opened for writing, as a stream whose every write is Python's (see the module doc)."""
    with open(path, "wb") as fh:
        yield _PythonStream(fh)
