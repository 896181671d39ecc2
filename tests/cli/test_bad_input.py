"""``stillmotion animate`` on bad input: one line ``error: ...`` on stderr, exit code 2, no traceback,
nothing written, inputs untouched. Each case runs the real command in a subprocess."""

from __future__ import annotations

import hashlib
import os
import resource
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
if not (ROOT / "src" / "stillmotion" / "cli" / "animate.py").exists():
    pytest.skip("the animate command is not written yet", allow_module_level=True)
QUICK = ["--duration", "0.25", "--fps", "8"]


def _photo(path: Path, width: int = 64, height: int = 48) -> Path:
    y, x = np.mgrid[0:height, 0:width]
    rgb = np.stack([x * 255 // width, y * 255 // height, 128 + 0 * x], -1).astype(np.uint8)
    rgb[height // 4 : 3 * height // 4, width // 3 : 2 * width // 3] = (230, 60, 40)  # a subject
    Image.fromarray(rgb).save(path, quality=95)
    return path


def _bomb_png(path: Path, width: int, height: int) -> Path:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 512)) + chunk(b"IEND", b"")
    path.write_bytes(data)
    return path


def _limit_memory() -> None:  # a run that ignored a size limit must fail, not swap the machine to death
    limit = 4 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _run(args: list[str], cwd: Path, *, limit_memory: bool = False) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run(
        [sys.executable, "-m", "stillmotion", "animate", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_memory if limit_memory else None,
    )


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (hidden temporary files included) with a hash of its bytes."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        found[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return found


def _assert_refused(result: subprocess.CompletedProcess, before: dict, folder: Path, *, mentions: str = "") -> str:
    lines = result.stderr.splitlines()
    assert result.returncode == 2, f"exit {result.returncode}, stderr:\n{result.stderr}"
    assert "Traceback" not in result.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), f"stderr must be one error line:\n{result.stderr}"
    assert mentions.lower() in lines[0].lower(), lines[0]
    assert _snapshot(folder) == before, "an output or temporary file was left, or an input changed"
    return lines[0]


@pytest.fixture
def work(tmp_path):
    _photo(tmp_path / "photo.jpg")
    return tmp_path


def test_control_a_good_run_writes_the_clip(work):
    result = _run(["photo.jpg", "-o", "out.mp4", *QUICK, "--quiet"], work)
    assert result.returncode == 0, result.stderr
    assert (work / "out.mp4").stat().st_size > 0
    assert sorted(p.name for p in work.iterdir()) == ["out.mp4", "photo.jpg"]


def test_missing_photo(work):
    before = _snapshot(work)
    _assert_refused(_run(["nope.jpg", "-o", "out.mp4", *QUICK], work), before, work, mentions="nope.jpg")


def test_corrupt_photo(work):
    data = (work / "photo.jpg").read_bytes()
    (work / "broken.jpg").write_bytes(data[: len(data) // 3])
    before = _snapshot(work)
    _assert_refused(_run(["broken.jpg", "-o", "out.mp4", *QUICK], work), before, work, mentions="broken.jpg")


def test_non_image_file(work):
    (work / "notes.jpg").write_text("shopping list: eggs, milk\n")
    before = _snapshot(work)
    _assert_refused(_run(["notes.jpg", "-o", "out.mp4", *QUICK], work), before, work, mentions="notes.jpg")


def test_a_one_pixel_photo_says_its_size(work):
    Image.new("RGB", (1, 1), (90, 120, 200)).save(work / "dot.png")
    before = _snapshot(work)
    line = _assert_refused(_run(["dot.png", "-o", "out.mp4", *QUICK], work), before, work, mentions="1x1")
    assert "at least 8 px a side" in line  # 2x2 photos failed too, with a misleading message


def test_unreadable_depth(work):
    (work / "depth.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    before = _snapshot(work)
    args = ["photo.jpg", "-o", "out.mp4", "--depth", "depth.png", "--depth-kind", "disparity", *QUICK]
    _assert_refused(_run(args, work), before, work, mentions="depth")


def test_nan_filled_depth(work):
    np.save(work / "depth.npy", np.full((48, 64), np.nan, np.float32))
    before = _snapshot(work)
    args = ["photo.jpg", "-o", "out.mp4", "--depth", "depth.npy", "--depth-kind", "inverse", *QUICK]
    _assert_refused(_run(args, work), before, work, mentions="depth")


def test_depth_of_another_aspect(work):
    y, x = np.mgrid[0:64, 0:64].astype(np.float32)
    np.save(work / "depth.npy", 1.0 + x + y)
    before = _snapshot(work)
    args = ["photo.jpg", "-o", "out.mp4", "--depth", "depth.npy", "--depth-kind", "inverse", *QUICK]
    _assert_refused(_run(args, work), before, work, mentions="aspect")


def test_unknown_motion_lists_the_valid_ones(work):
    before = _snapshot(work)
    line = _assert_refused(_run(["photo.jpg", "-o", "out.mp4", "--motion", "wobble", *QUICK], work), before, work)
    assert "wobble" in line
    for name in ("zoom_in", "pan_left", "orbit_right", "dolly_zoom"):
        assert name in line, f"{name} missing from: {line}"


def test_unsupported_output_extension(work):
    before = _snapshot(work)
    _assert_refused(_run(["photo.jpg", "-o", "out.avi", *QUICK], work), before, work, mentions=".avi")


@pytest.mark.parametrize("output, mentions", [(".mp4", "only an extension"), ("-", "standard output")])
def test_an_output_named_only_an_extension_or_stdout_is_refused(work, output, mentions):
    # "-o .mp4" wrote a hidden folder .mp4/ of PNG frames, "-o -" a folder named "-"
    before = _snapshot(work)
    _assert_refused(_run(["photo.jpg", "-o", output, *QUICK], work), before, work, mentions=mentions)


def test_missing_output_folder(work):
    before = _snapshot(work)
    _assert_refused(_run(["photo.jpg", "-o", "no/such/dir/out.mp4", *QUICK], work), before, work, mentions="no/such/dir")


def test_unwritable_output_folder(work):
    if os.geteuid() == 0:  # permission bits do not stop root; /proc takes no new files
        target = "/proc/stillmotion-test-out.mp4"
        before = _snapshot(work)
        _assert_refused(_run(["photo.jpg", "-o", target, *QUICK], work), before, work, mentions="/proc")
        assert not Path(target).exists()
        return
    locked = work / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        before = _snapshot(work)
        _assert_refused(_run(["photo.jpg", "-o", "locked/out.mp4", *QUICK], work), before, work, mentions="locked")
    finally:
        locked.chmod(0o700)


def test_output_onto_the_input_is_refused(work):
    _photo(work / "clip.gif")
    before = _snapshot(work)
    _assert_refused(_run(["clip.gif", "-o", "clip.gif", *QUICK], work), before, work, mentions="input")


def test_decompression_bomb_photo(work):
    _bomb_png(work / "bomb.png", 50000, 50000)
    before = _snapshot(work)
    result = _run(["bomb.png", "-o", "out.mp4", *QUICK], work, limit_memory=True)
    _assert_refused(result, before, work, mentions="bomb.png")


def test_absurd_output_size(work):
    before = _snapshot(work)
    result = _run(["photo.jpg", "-o", "out.mp4", "--size", "40000x40000", *QUICK], work, limit_memory=True)
    _assert_refused(result, before, work, mentions="size")
