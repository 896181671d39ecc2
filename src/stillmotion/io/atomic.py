"""Write outputs under a temporary name and rename on success; never leave a partial file.

The temporary name is a hidden sibling of the output (``.NAME.XXXX.part.EXT``), so the final rename stays
on one file system and is atomic for files; NAME is cut to 64 bytes there, so that any output name the
file system takes has a temporary name it takes too. A directory output (PNG frames) replacing an
existing one is swapped in by two renames, and an existing directory is only ever replaced when it holds
nothing but numbered PNG frames of an earlier run: a user's folder is never deleted.

A run with several outputs (a clip and its --preview; a depth map, its preview and its layers) writes
them inside :func:`output_group`: each is finished under its temporary name, and they are renamed into
place together when the whole run has succeeded. A failure or an interrupt in the last of them leaves
none behind (the clip used to stay when its preview could not be written).
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputError
from ._checks import check_output_name

log = logging.getLogger(__name__)

#: The files this program writes into an output folder (numbered PNG frames; depth layers and their
#: listing): a folder holding nothing else is an earlier run's output and may be replaced.
_FRAME_NAME = re.compile(r"^(\d+\.png|layer_\d+\.png|layers\.json)$")

#: The output's name is cut to this many bytes inside temporary names: they then stay far below the 255
#: bytes file systems allow, with room for the side files a writer names after them (GIF: .frames.nut).
_TEMP_NAME_BYTES = 64


#: Write errors that say the output's file system is full (or the file too large for it).
FULL_DISK = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})

#: Write errors that are the output's place's problem, not a bug (full, read-only, forbidden, a failing
#: device): one line ``cannot write OUT: REASON``.
_WRITE_FAILURES = FULL_DISK | {errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}

#: The outputs finished inside the current :func:`output_group`, waiting to be renamed: (tmp, path,
#: directory); None outside a group.
_PENDING: contextvars.ContextVar[list | None] = contextvars.ContextVar("stillmotion_pending_outputs", default=None)


@contextlib.contextmanager
def output_group() -> Iterator[None]:
    """Outputs written by :func:`atomic_output` inside this block are renamed into place when it ends
    without error, one after the other; if it fails (or is interrupted), none is, and their temporary
    files are removed. Groups nest: an inner group's outputs wait for the outermost."""
    if _PENDING.get() is not None:  # an outer group commits them
        yield
        return
    pending: list = []
    token = _PENDING.set(pending)
    try:
        yield
    except BaseException:
        for tmp, _, _ in pending:
            _remove(tmp)
        raise
    finally:
        _PENDING.reset(token)
    for i, (tmp, path, directory) in enumerate(pending):
        try:
            _commit(tmp, path, directory=directory)
        except BaseException:
            for rest, _, _ in pending[i:]:
                _remove(rest)
            raise


def _commit(tmp: Path, path: Path, *, directory: bool) -> None:
    """Rename the finished ``tmp`` onto ``path``."""
    if directory:
        os.chmod(tmp, 0o755)
        _replace_directory(tmp, path)
    else:
        os.chmod(tmp, 0o644)
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _check_parent(path: Path) -> Path:
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise OutputError(f"output folder does not exist: {parent}")
    if not parent.is_dir():
        raise OutputError(f"output folder {parent} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"output folder is not writable: {parent}")
    return parent


def _is_inside(child: Path, folder: Path) -> bool:
    try:
        child.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _check_inputs(path: Path, inputs: tuple, *, directory: bool) -> None:
    for src in inputs:
        if src is None:
            continue
        src = Path(src)
        same = False
        with contextlib.suppress(OSError):
            same = path.exists() and src.exists() and path.samefile(src)
        if same or (directory and path.is_dir() and src.exists() and _is_inside(src, path)):
            raise OutputError(f"output {path} is (or holds) the input {src}; refusing to overwrite an input")


def _check_replaceable(path: Path, *, directory: bool) -> None:
    if not path.exists() and not path.is_symlink():
        return
    if not path.is_dir() and not path.is_file() and path.exists():  # a device, pipe or socket: never replaced
        raise OutputError(f"output {path} exists and is not a regular file (a device, pipe or socket); "
                          "choose another name")  # fmt: skip
    if path.is_dir() != directory:
        what = "a directory" if path.is_dir() else "a file"
        raise OutputError(f"output {path} exists and is {what}; choose another name")
    if directory:
        others = [p.name for p in path.iterdir() if not (_FRAME_NAME.match(p.name) and p.is_file())]
        if others:
            raise OutputError(
                f"output folder {path} exists and holds files this program did not write ({others[0]}, ...); "
                "refusing to replace it: choose a new or empty folder"
            )


def _temp_prefix(name: str) -> str:
    """``.NAME.`` with NAME cut to whole characters within :data:`_TEMP_NAME_BYTES` bytes."""
    name = name[:_TEMP_NAME_BYTES]
    while len(os.fsencode(name)) > _TEMP_NAME_BYTES:
        name = name[:-1]
    return f".{name}."


def _name_max(folder: Path) -> int:
    """The longest file name, in bytes, that ``folder``'s file system takes (255 when it does not say)."""
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):  # no pathconf (Windows), or the folder does not exist
        return 255
    return limit if limit > 0 else 255


def _check_name(path: Path) -> None:
    check_output_name(path, ())  # '-' (standard output), for every output: --layers too
    if path.name in ("", ".", ".."):
        raise OutputError(f"output {path} must name a new file or folder")
    size, limit = len(os.fsencode(path.name)), _name_max(path.parent)
    if size > limit:  # checked first: the file system refuses even to look such a name up
        raise OutputError(f"output name {path.name[:32]}... is {size} bytes long; the file system takes at most {limit}")


def _preflight(path: Path, *, directory: bool, inputs: tuple) -> Path:
    """The checks made before writing ``path``; returns its folder."""
    _check_name(path)
    _check_inputs(path, inputs, directory=directory)
    _check_replaceable(path, directory=directory)
    return _check_parent(path)


def check_output(path: str | os.PathLike, *, directory: bool = False, inputs: tuple = ()) -> Path:
    """Every check :func:`atomic_output` makes, done now and leaving nothing behind: run it before long
    work so that an unwritable or forbidden output fails in a second, not after the rendering.

    Writability is tested by creating and removing a temporary file in the output folder (permission
    bits alone do not tell, for instance for root or on read-only mounts).
    """
    path = Path(path)
    parent = _preflight(path, directory=directory, inputs=inputs)
    try:
        with tempfile.NamedTemporaryFile(prefix=_temp_prefix(path.name), suffix=".probe", dir=parent):
            pass
    except OSError as exc:
        raise OutputError(f"cannot write in output folder {parent}: {exc.strerror or exc}") from None
    return path


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, *, directory: bool = False, inputs: tuple = ()) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it onto ``path``, on error remove it.

    ``inputs`` are the run's input files: writing onto one of them (or, for a directory, replacing a
    folder that holds one) is refused, so inputs are never overwritten. With ``directory=True`` the
    temporary path is a new directory; an existing ``path`` is replaced only if it holds nothing but
    numbered PNG frames. Every refusal or failure to write is an :class:`OutputError`. Inside an
    :func:`output_group` the rename waits for the group's end.
    """
    path = Path(path)
    parent = _preflight(path, directory=directory, inputs=inputs)
    try:
        if directory:
            tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(path.name), suffix=".part", dir=parent))
        else:
            fd, name = tempfile.mkstemp(prefix=_temp_prefix(path.stem), suffix=f".part{path.suffix}", dir=parent)
            os.close(fd)
            tmp = Path(name)
    except OSError as exc:
        raise OutputError(f"cannot write in output folder {parent}: {exc.strerror or exc}") from None
    try:
        try:
            yield tmp
        except OSError as exc:
            if _is_write_failure(exc, tmp):
                raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
            raise
        pending = _PENDING.get()
        if pending is not None:  # renamed with the group's other outputs when the run has succeeded
            pending.append((tmp, path, directory))
            return
        _commit(tmp, path, directory=directory)
    except BaseException:
        _remove(tmp)
        raise


def _is_write_failure(exc: OSError, tmp: Path) -> bool:
    """Whether ``exc`` is a failure to write the output ``tmp`` (a full disk, a read-only place, ...): it names
    no file (a write) or one whose path starts with ``tmp``'s (``tmp`` itself, a frame inside it, a GIF's
    staged frames beside it). The same error about another file (an input that cannot be read) is not."""
    if exc.errno not in _WRITE_FAILURES:
        return False
    return exc.filename is None or os.fsdecode(exc.filename).startswith(os.fspath(tmp))


def _replace_directory(tmp: Path, path: Path) -> None:
    """Move the finished directory ``tmp`` onto ``path``; an old ``path`` is moved aside, then deleted.

    The new frames are in place before the old ones are deleted, so an old frame that cannot be deleted
    (an immutable file) does not fail the run: a warning names the hidden folder left with it.
    """
    old = None
    try:
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=_temp_prefix(path.name), suffix=".old", dir=path.parent))
            os.replace(path, old / path.name)
        os.replace(tmp, path)
    except OSError as exc:
        if old is not None and (old / path.name).exists() and not path.exists():
            os.replace(old / path.name, path)  # put the previous output back
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if old is not None:
            _remove_old_frames(old, path)


def _remove_old_frames(old: Path, path: Path) -> None:
    """Delete the folder ``old`` that the previous ``path`` was moved into; warn when some of it stays."""
    shutil.rmtree(old, ignore_errors=True)  # all that can go
    if not old.exists():
        return
    try:
        shutil.rmtree(old)  # again, for the reason of what stayed
    except OSError as exc:
        log.warning("the previous frames of %s could not all be deleted (%s): they are left in %s; delete it by hand",
                    path, exc.strerror or exc, old)  # fmt: skip


def _remove(tmp: Path) -> None:
    if tmp.is_dir() and not tmp.is_symlink():
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            tmp.unlink()
