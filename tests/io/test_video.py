"""open_writer: every output kind decodes back; failures leave nothing behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from stillmotion.errors import OutputError
from stillmotion.io import open_writer, output_kind, read_image

W, H, N = 64, 48, 6


def _frame(i, w=W, h=H):
    frame = np.full((h, w, 3), 0.2, np.float32)
    frame[:, 8 * i : 8 * i + 16] = (1.0, 0.8, 0.1)  # a moving bar
    return frame


def _write(path, n=N, w=W, h=H, **kwargs):
    with open_writer(path, fps=8, width=w, height=h, **kwargs) as writer:
        for i in range(n):
            writer.write(_frame(i, w, h))
    return writer


def _decode_ffmpeg(path):
    gen = imageio_ffmpeg.read_frames(str(path))
    meta = next(gen)
    w, h = meta["size"]
    frames = [np.frombuffer(f, np.uint8).reshape(h, w, 3) for f in gen]
    return meta, frames


def _leftovers(folder: Path, keep: str | None = None):
    return sorted(p.name for p in folder.iterdir() if p.name != keep)


def test_output_kind():
    assert output_kind("a.mp4") == "mp4" and output_kind("A.MP4") == "mp4"
    assert output_kind("a.webm") == "webm" and output_kind("a.gif") == "gif"
    assert output_kind("frames/") == "frames" and output_kind("frames") == "frames"
    with pytest.raises(OutputError, match=r"\.avi"):
        output_kind("a.avi")


def test_mp4_is_h264_yuv420p_faststart(tmp_path):
    out = tmp_path / "clip.mp4"
    _write(out)
    meta, frames = _decode_ffmpeg(out)
    assert meta["codec"] == "h264" and meta["pix_fmt"].startswith("yuv420p")
    assert tuple(meta["size"]) == (W, H) and len(frames) == N
    for i, frame in enumerate(frames):
        assert np.abs(frame / 255.0 - _frame(i)).mean() < 0.03
    data = out.read_bytes()
    assert 0 <= data.find(b"moov") < data.find(b"mdat")  # faststart: the index comes first
    assert _leftovers(tmp_path) == ["clip.mp4"]


def test_webm_is_vp9(tmp_path):
    out = tmp_path / "clip.webm"
    _write(out)
    meta, frames = _decode_ffmpeg(out)
    assert meta["codec"] == "vp9" and tuple(meta["size"]) == (W, H) and len(frames) == N
    assert np.abs(frames[2] / 255.0 - _frame(2)).mean() < 0.04
    assert _leftovers(tmp_path) == ["clip.webm"]


def test_gif_is_looping_with_one_palette(tmp_path):
    out = tmp_path / "clip.gif"
    _write(out, w=65, h=47)  # odd sizes are fine for GIF
    with Image.open(out) as img:
        assert img.size == (65, 47) and img.n_frames == N
        assert img.info.get("loop") == 0  # NETSCAPE2.0 extension, loop forever
        img.seek(3)
        third = np.asarray(img.convert("RGB")) / 255.0
    assert b"NETSCAPE2.0" in out.read_bytes()
    assert np.abs(third - _frame(3, 65, 47)).mean() < 0.03
    assert _leftovers(tmp_path) == ["clip.gif"]  # no raw frame stage or palette file left


@pytest.mark.parametrize("name", ["frames/", "frames"])
def test_png_frame_directory(tmp_path, name):
    _write(tmp_path / name, w=33, h=21)
    folder = tmp_path / "frames"
    assert sorted(os.listdir(folder)) == [f"{i:04d}.png" for i in range(N)]
    np.testing.assert_allclose(read_image(folder / "0004.png"), _frame(4, 33, 21), atol=1 / 255)
    assert _leftovers(tmp_path) == ["frames"]


@pytest.mark.parametrize("name", ["clip.mp4", "clip.webm", "clip.gif", "frames/"])
def test_failure_mid_clip_leaves_nothing(tmp_path, name):
    with pytest.raises(RuntimeError, match="renderer broke"):
        with open_writer(tmp_path / name, fps=8, width=W, height=H) as writer:
            writer.write(_frame(0))
            writer.write(_frame(1))
            raise RuntimeError("renderer broke")
    assert _leftovers(tmp_path) == []
    assert writer._proc is None  # the encoder was stopped


@pytest.mark.parametrize("name", ["clip.mp4", "clip.gif", "frames"])
def test_failed_run_keeps_the_previous_output(tmp_path, name):
    _write(tmp_path / name, n=3)
    before = sorted(os.listdir(tmp_path / name)) if name == "frames" else (tmp_path / name).read_bytes()
    with pytest.raises(KeyboardInterrupt):
        with open_writer(tmp_path / name, fps=8, width=W, height=H) as writer:
            writer.write(_frame(0))
            raise KeyboardInterrupt
    after = sorted(os.listdir(tmp_path / name)) if name == "frames" else (tmp_path / name).read_bytes()
    assert after == before
    assert _leftovers(tmp_path) == [name]


def test_wrong_frame_and_no_frame_leave_nothing(tmp_path):
    with pytest.raises(ValueError, match="32x48"):
        with open_writer(tmp_path / "a.mp4", fps=8, width=W, height=H) as writer:
            writer.write(np.zeros((48, 32, 3), np.float32))
    with pytest.raises(ValueError, match="RGB"):
        with open_writer(tmp_path / "b.mp4", fps=8, width=W, height=H) as writer:
            writer.write(np.zeros((H, W), np.float32))
    with pytest.raises(OutputError, match="no frame"):
        with open_writer(tmp_path / "c.webm", fps=8, width=W, height=H):
            pass
    assert _leftovers(tmp_path) == []


def test_gif_faster_than_50_fps_is_refused(tmp_path):
    # gif delays are in 1/100 s: 60 fps would be written as 1/100 s delays, which browsers play at ~1/10 s
    with pytest.raises(OutputError, match="at most 50 fps"):
        open_writer(tmp_path / "fast.gif", fps=60, width=W, height=H).__enter__()
    assert _leftovers(tmp_path) == []
    with open_writer(tmp_path / "ok.gif", fps=50, width=W, height=H) as writer:
        for i in range(3):
            writer.write(_frame(i))
    with Image.open(tmp_path / "ok.gif") as img:
        assert img.n_frames == 3 and img.info["duration"] == 20


@pytest.mark.parametrize("name", ["odd.mp4", "odd.webm"])
def test_odd_sizes_are_refused_for_yuv420p(tmp_path, name):
    with pytest.raises(OutputError, match="even"):
        open_writer(tmp_path / name, fps=8, width=63, height=48).__enter__()
    assert _leftovers(tmp_path) == []


def test_unsupported_extension(tmp_path):
    with pytest.raises(OutputError, match="unsupported output extension"):
        open_writer(tmp_path / "clip.avi", fps=8, width=W, height=H).__enter__()
    assert _leftovers(tmp_path) == []


def test_unwritable_output_places(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        open_writer(tmp_path / "missing" / "clip.mp4", fps=8, width=W, height=H).__enter__()
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OutputError, match="not a directory"):
        open_writer(tmp_path / "afile" / "clip.mp4", fps=8, width=W, height=H).__enter__()
    if Path("/proc").is_dir():  # writable by permission bits for root, but no file can be created there
        with pytest.raises(OutputError, match="cannot write|not writable"):
            open_writer("/proc/stillmotion-test.mp4", fps=8, width=W, height=H).__enter__()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permission bits")
def test_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="not writable"):
            open_writer(folder / "clip.mp4", fps=8, width=W, height=H).__enter__()
    finally:
        folder.chmod(0o700)


def test_output_onto_an_input_is_refused(tmp_path):
    photo = tmp_path / "photo.gif"
    photo.write_bytes(b"GIF89a original bytes")
    with pytest.raises(OutputError, match="input"):
        _write(photo, inputs=(photo,))
    assert photo.read_bytes() == b"GIF89a original bytes"
    assert _leftovers(tmp_path) == ["photo.gif"]


def test_check_clip_output_fails_early_and_writes_nothing(tmp_path):
    from stillmotion.io import check_clip_output

    assert check_clip_output(tmp_path / "a.MP4") == "mp4"
    assert check_clip_output(tmp_path / "frames/") == "frames"
    with pytest.raises(OutputError, match=r"\.avi"):
        check_clip_output(tmp_path / "a.avi")
    with pytest.raises(OutputError, match="does not exist"):
        check_clip_output(tmp_path / "no" / "a.gif")
    photo = tmp_path / "p.gif"
    photo.write_bytes(b"GIF89a")
    with pytest.raises(OutputError, match="input"):
        check_clip_output(photo, inputs=(photo,))
    assert _leftovers(tmp_path) == ["p.gif"]


def test_gif_dither_does_not_crawl(tmp_path):
    """A frame that barely changes keeps its dither pattern: an ordered (Bayer) dither moves only the
    pixels whose colour crossed a threshold, where error diffusion reshuffled the whole frame (shimmer)."""
    out = tmp_path / "clip.gif"
    w, h = 96, 64
    ramp = np.linspace(0.1, 0.9, w, dtype=np.float32)
    base = np.stack([np.tile(ramp, (h, 1)), np.tile(ramp[::-1], (h, 1)), np.full((h, w), 0.5, np.float32)], axis=2)
    with open_writer(out, fps=8, width=w, height=h) as writer:
        for i in range(2):
            writer.write(base + np.float32(0.6 / 255) * i)  # the same picture, a fraction of a level brighter
    with Image.open(out) as img:
        first = np.asarray(img.convert("RGB")).astype(int)
        img.seek(1)
        second = np.asarray(img.convert("RGB")).astype(int)
    changed = np.any(first != second, axis=2).mean()
    assert changed < 0.6, changed  # measured: Bayer 0.36, sierra2_4a (error diffusion) 0.98


def test_gif_with_the_longest_name_is_written(tmp_path):
    """The GIF writer names its raw-frame stage and palette after the temporary file: they must fit too."""
    out = tmp_path / ("g" * 251 + ".gif")
    _write(out)
    with Image.open(out) as img:
        assert img.n_frames == N
    assert _leftovers(tmp_path) == [out.name]



def _ffmpeg_on_a_full_disk(folder: Path, suffix: str) -> str:
    """The real ffmpeg, writing an output whose name ends in ``suffix`` to /dev/full (in the format the name
    says), where every write fails with ENOSPC as on a full disk; other outputs as asked."""
    real = imageio_ffmpeg.get_ffmpeg_exe()
    script = folder / "ffmpeg"
    script.write_text(f"#!{sys.executable}\nimport os, sys\n*args, out = sys.argv[1:]\n"
                      f"if out.endswith({suffix!r}):\n    args, out = [*args, '-f', out.rsplit('.', 1)[-1]], '/dev/full'\n"
                      f"os.execv({real!r}, [{real!r}, *args, out])\n")  # fmt: skip
    script.chmod(0o755)
    return str(script)


@pytest.mark.parametrize(("name", "full_at"), [("clip.mp4", ".mp4"), ("clip.webm", ".webm"),
                                               ("clip.gif", ".nut"), ("clip.gif", ".gif")])  # fmt: skip
def test_a_clip_on_a_full_disk_says_so_and_leaves_nothing(tmp_path_factory, monkeypatch, name, full_at):
    """ffmpeg's own words came through: 'encoding mp4 failed: [out#0/mp4 @ 0x...] Error closing file: No
    space left on device', 'the encoder stopped: ...'; the README's words are 'cannot write OUT: ...'.
    A GIF's frames are staged (.nut) before the GIF is made from them: either step may meet the full disk."""
    ffmpeg = _ffmpeg_on_a_full_disk(tmp_path_factory.mktemp("bin"), full_at)
    monkeypatch.setattr("stillmotion.io.video.ffmpeg_exe", lambda: ffmpeg)
    folder = tmp_path_factory.mktemp("out")
    with pytest.raises(OutputError) as caught:
        _write(folder / name)
    assert str(caught.value) == f"cannot write {folder / name}: No space left on device"
    assert _leftovers(folder) == []


def test_an_encoder_failure_other_than_a_full_disk_keeps_ffmpeg_s_words(tmp_path):
    from stillmotion.types import EncodeOptions

    with pytest.raises(OutputError, match=r"^(encoding mp4 failed|the encoder stopped): .*Option not found"):
        _write(tmp_path / "clip.mp4", options=EncodeOptions(extra={"-no-such-option": "1"}))
    assert _leftovers(tmp_path) == []


def test_the_shipped_ffmpeg_is_taken_without_running_it(monkeypatch):
    """imageio-ffmpeg's search runs `ffmpeg -version` to check the binary (~0.08 s of every clip's start)."""
    from stillmotion.io import video

    expected = imageio_ffmpeg.get_ffmpeg_exe()  # the search, run here
    monkeypatch.delenv("IMAGEIO_FFMPEG_EXE", raising=False)
    imageio_ffmpeg._utils._get_ffmpeg_exe.cache_clear()  # it remembers its answer: it would not search again
    getattr(video.ffmpeg_exe, "cache_clear", lambda: None)()

    def no_process(*args, **kwargs):
        raise AssertionError(f"a process was started: {args}")

    monkeypatch.setattr(subprocess, "Popen", no_process)
    monkeypatch.setattr(subprocess, "run", no_process)
    monkeypatch.setattr(subprocess, "check_output", no_process)
    try:
        assert video.ffmpeg_exe() == expected
    finally:
        getattr(video.ffmpeg_exe, "cache_clear", lambda: None)()
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", "/opt/my/ffmpeg")  # as imageio-ffmpeg: the user's choice, unchecked
    try:
        assert video.ffmpeg_exe() == "/opt/my/ffmpeg"
    finally:
        video.ffmpeg_exe.cache_clear()
