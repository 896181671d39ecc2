"""Write outputs under a temporary name and rename on success; never leave a partial file."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputError


def _check_parent(path: Path) -> Path:
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise OutputError(f"output folder does not exist: {parent}")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"output folder is not writable: {parent}")
    return parent


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, *, directory: bool = False, inputs: tuple = ()) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it onto ``path``, on error remove it.

    ``inputs`` are the run's input files: writing onto one of them is refused, so inputs are never
    overwritten. With ``directory=True`` the temporary path is a new directory.
    """
    path = Path(path)
    for src in inputs:
        try:
            if src is not None and path.exists() and Path(src).exists() and path.samefile(src):
                raise OutputError(f"output {path} is one of the inputs; refusing to overwrite it")
        except OSError:
            pass
    if path.exists() and path.is_dir() != directory:
        what = "a directory" if path.is_dir() else "a file"
        raise OutputError(f"output {path} exists and is {what}")
    parent = _check_parent(path)
    suffix = "" if directory else "".join(path.suffixes[-1:])
    if directory:
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".part", dir=parent))
    else:
        fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".part{suffix}", dir=parent)
        os.close(fd)
        tmp = Path(name)
    try:
        yield tmp
    except BaseException:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
        raise
    if directory:
        if path.exists():
            shutil.rmtree(path)
        os.replace(tmp, path)
    else:
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
