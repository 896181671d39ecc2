"""atomic_output: rename on success, nothing left on failure, inputs and user folders never replaced."""

from __future__ import annotations

import errno
import os

import pytest

from stillmotion.errors import OutputError
from stillmotion.io import atomic_output


def test_success_renames_the_temporary_file(tmp_path):
    out = tmp_path / "result.txt"
    with atomic_output(out) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".result.") and tmp.suffix == ".txt"
        tmp.write_text("done")
        assert not out.exists()  # nothing visible under the final name while writing
    assert out.read_text() == "done"
    assert (out.stat().st_mode & 0o777) == 0o644
    assert os.listdir(tmp_path) == ["result.txt"]


@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt()])
def test_interrupted_write_leaves_nothing_and_keeps_the_old_file(tmp_path, exc):
    out = tmp_path / "result.txt"
    out.write_text("previous")
    with pytest.raises(type(exc)):
        with atomic_output(out) as tmp:
            tmp.write_text("half")
            raise exc
    assert out.read_text() == "previous"
    assert os.listdir(tmp_path) == ["result.txt"]


def test_inputs_are_never_overwritten(tmp_path):
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"original")
    link = tmp_path / "link.jpg"
    link.symlink_to(photo)
    hard = tmp_path / "hard.jpg"
    os.link(photo, hard)
    for target in (photo, link, hard):
        with pytest.raises(OutputError, match="input"):
            with atomic_output(target, inputs=(photo,)):
                pytest.fail("the block must not run")
    assert photo.read_bytes() == b"original"
    assert sorted(os.listdir(tmp_path)) == ["hard.jpg", "link.jpg", "photo.jpg"]


def test_directory_output_replaces_an_earlier_frame_directory(tmp_path):
    out = tmp_path / "frames"
    out.mkdir()
    for i in range(5):
        (out / f"{i:04d}.png").write_bytes(b"old")
    with atomic_output(out, directory=True) as tmp:
        assert tmp.is_dir()
        for i in range(2):
            (tmp / f"{i:04d}.png").write_bytes(b"new")
    assert sorted(os.listdir(out)) == ["0000.png", "0001.png"]  # old extra frames are gone
    assert (out / "0000.png").read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["frames"]


def test_an_old_frame_that_cannot_be_deleted_is_named_in_a_warning(tmp_path, monkeypatch, caplog):
    """An immutable old frame (``chattr +i``) stayed in a hidden ``.frames.XXXX.old`` folder, unsaid."""
    out = tmp_path / "frames"
    out.mkdir()
    for i in range(3):
        (out / f"{i:04d}.png").write_bytes(b"old")
    unlink = os.unlink

    def immutable_0000(name, *args, **kwargs):
        if os.path.basename(name) == "0000.png":
            raise PermissionError(errno.EPERM, os.strerror(errno.EPERM), name)
        return unlink(name, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", immutable_0000)
    with atomic_output(out, directory=True) as tmp:
        (tmp / "0000.png").write_bytes(b"new")
    monkeypatch.undo()
    assert os.listdir(out) == ["0000.png"] and (out / "0000.png").read_bytes() == b"new"  # the run succeeded
    (left,) = [name for name in os.listdir(tmp_path) if name != "frames"]
    assert left.startswith(".frames.") and left.endswith(".old")
    assert os.listdir(tmp_path / left / "frames") == ["0000.png"]  # all that could be deleted was
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert str(tmp_path / left) in caplog.text and "Operation not permitted" in caplog.text


def test_failed_directory_output_keeps_the_old_one(tmp_path):
    out = tmp_path / "frames"
    out.mkdir()
    (out / "0000.png").write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_output(out, directory=True) as tmp:
            (tmp / "0000.png").write_bytes(b"new")
            raise RuntimeError
    assert os.listdir(out) == ["0000.png"] and (out / "0000.png").read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["frames"]


def test_a_user_folder_is_never_replaced(tmp_path, monkeypatch):
    out = tmp_path / "holiday"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(OutputError, match="files this program did not write"):
        with atomic_output(out, directory=True):
            pytest.fail("the block must not run")
    assert (out / "notes.txt").read_text() == "keep me"
    frames = tmp_path / "frames"
    frames.mkdir()
    (frames / "0000.png").write_bytes(b"the input photo")
    with pytest.raises(OutputError, match="input"):
        with atomic_output(frames, directory=True, inputs=(frames / "0000.png",)):
            pytest.fail("the block must not run")
    assert (frames / "0000.png").read_bytes() == b"the input photo"
    with pytest.raises(OutputError, match="files this program did not write"):  # pathlib reads tmp_path/. as tmp_path itself
        with atomic_output(tmp_path / ".", directory=True):
            pytest.fail("the block must not run")
    monkeypatch.chdir(out)
    with pytest.raises(OutputError, match="new file or folder"):
        with atomic_output(".", directory=True):
            pytest.fail("the block must not run")
    assert sorted(os.listdir(tmp_path)) == ["frames", "holiday"]


def test_kind_mismatch_is_refused(tmp_path):
    (tmp_path / "d").mkdir()
    with pytest.raises(OutputError, match="is a directory"):
        with atomic_output(tmp_path / "d"):
            pass
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="is a file"):
        with atomic_output(tmp_path / "f", directory=True):
            pass


def test_check_output_refuses_what_atomic_output_refuses_and_writes_nothing(tmp_path):
    from stillmotion.io import check_output

    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"original")
    assert check_output(tmp_path / "new.mp4", inputs=(photo,)) == tmp_path / "new.mp4"
    with pytest.raises(OutputError, match="input"):
        check_output(photo, inputs=(photo,))
    with pytest.raises(OutputError, match="does not exist"):
        check_output(tmp_path / "no" / "x.mp4")
    if os.path.isdir("/proc"):
        with pytest.raises(OutputError, match="cannot write"):
            check_output("/proc/stillmotion-probe.mp4")
    assert os.listdir(tmp_path) == ["photo.jpg"]


@pytest.mark.parametrize("name", ["a" * 251 + ".txt", "é" * 125 + ".txt", "f" * 255])
def test_every_name_the_file_system_takes_can_be_written(tmp_path, name):
    """The temporary name (``.NAME.XXXXXXXX.part.EXT``) is longer than the output's; it used to overflow
    the 255-byte limit for names the file system takes."""
    from stillmotion.io import check_output

    directory = "." not in name
    check_output(tmp_path / name, directory=directory)
    for _ in range(2):  # new, then replacing the first output (a directory is swapped aside)
        with atomic_output(tmp_path / name, directory=directory) as tmp:
            (tmp / "0000.png" if directory else tmp).write_bytes(b"done")
    assert os.listdir(tmp_path) == [name]


def test_a_name_too_long_for_the_file_system_is_an_output_error(tmp_path):
    from stillmotion.io import check_output

    for directory in (False, True):
        with pytest.raises(OutputError, match=r"is 304 bytes long; the file system takes at most \d+$"):
            check_output(tmp_path / ("b" * 300 + ".mp4"), directory=directory)
        with pytest.raises(OutputError, match="304 bytes long"):
            with atomic_output(tmp_path / ("b" * 300 + ".mp4"), directory=directory):
                pytest.fail("the block must not run")
    assert os.listdir(tmp_path) == []


def test_a_group_renames_its_outputs_together_when_it_succeeds(tmp_path):
    from stillmotion.io import output_group

    clip, sheet = tmp_path / "clip.txt", tmp_path / "sheet.txt"
    with output_group():
        with atomic_output(clip) as tmp:
            tmp.write_text("clip")
        assert not clip.exists()  # finished, but waiting for the group
        with atomic_output(sheet) as tmp:
            tmp.write_text("sheet")
    assert clip.read_text() == "clip" and sheet.read_text() == "sheet"
    assert sorted(os.listdir(tmp_path)) == ["clip.txt", "sheet.txt"]


@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_group_that_fails_in_its_last_output_leaves_none(tmp_path, exc):
    # a clip was renamed into place before its --preview failed (disk full) or the run was interrupted
    from stillmotion.io import output_group

    clip, sheet = tmp_path / "clip.txt", tmp_path / "sheet.txt"
    clip.write_text("an earlier clip")
    with pytest.raises(OutputError if isinstance(exc, OSError) else KeyboardInterrupt) as caught:
        with output_group():
            with atomic_output(clip) as tmp:
                tmp.write_text("clip")
            with atomic_output(sheet) as tmp:
                raise exc
    assert clip.read_text() == "an earlier clip"
    assert sorted(os.listdir(tmp_path)) == ["clip.txt"]
    if isinstance(exc, OSError):
        assert str(caught.value) == f"cannot write {sheet}: No space left on device"


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EIO], ids=errno.errorcode.get)
def test_a_failure_to_write_is_an_output_error_and_leaves_nothing(tmp_path, code):
    """A read-only or forbidden place failed as an internal error; only a full disk was reported."""
    out = tmp_path / "clip.gif"
    with pytest.raises(OutputError) as caught:
        with atomic_output(out) as tmp:
            tmp.write_text("half")
            raise OSError(code, os.strerror(code), str(tmp.with_name(tmp.name + ".frames.nut")))
    assert str(caught.value) == f"cannot write {out}: {os.strerror(code)}"
    assert os.listdir(tmp_path) == []


def test_a_failure_to_read_another_file_is_not_called_a_failure_to_write(tmp_path):
    out, photo = tmp_path / "out.png", tmp_path / "photo.jpg"
    with pytest.raises(PermissionError):
        with atomic_output(out):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(photo))
    assert os.listdir(tmp_path) == []


def test_depth_keeps_no_output_when_its_preview_cannot_be_written(tmp_path, monkeypatch, capsys):
    import numpy as np

    from PIL import Image

    from stillmotion.cli import main
    from stillmotion.io import write_image

    photo = tmp_path / "photo.png"
    write_image(photo, np.random.default_rng(0).random((64, 80, 3)).astype(np.float32))

    def full_disk(self, fp, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Image.Image, "save", full_disk)
    code = main(["depth", str(photo), "-o", str(tmp_path / "d.npy"), "--preview", str(tmp_path / "p.png"),
                 "--layers", str(tmp_path / "layers"), "--quiet"])  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err == [f"error: cannot write {tmp_path / 'p.png'}: No space left on device"]
    assert sorted(os.listdir(tmp_path)) == ["photo.png"]  # neither the depth map nor the layers stayed


def test_a_device_or_pipe_is_never_replaced(tmp_path):
    # `-o /dev/null` was refused as "a file"; a FIFO named like an output would have been replaced
    from stillmotion.io import check_output

    fifo = tmp_path / "clip.png"
    os.mkfifo(fifo)
    for directory in (False, True):
        with pytest.raises(OutputError, match="not a regular file"):
            check_output(fifo, directory=directory)
    with pytest.raises(OutputError, match="not a regular file"):
        check_output("/dev/null", directory=True)
    assert fifo.exists() and not fifo.is_file()
