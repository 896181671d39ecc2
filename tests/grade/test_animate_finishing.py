"""--grade, --recipe and --preview through ``stillmotion animate`` and the API."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from stillmotion.api import AnimateConfig, animate_frames
from stillmotion.grade import parse_grade
from stillmotion.io import read_image, write_image
from stillmotion.types import Depth, DepthKind

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*argv: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, "-m", "stillmotion", *argv], capture_output=True, text=True, env=env,
                          timeout=300)  # fmt: skip


@pytest.fixture
def scene(texture):
    h, w = texture.shape[:2]
    inv = np.linspace(0.1, 0.7, h, dtype=np.float32)[:, None].repeat(w, axis=1)
    inv[14:34, 22:42] = 1.0
    return texture, Depth(inv, DepthKind.INVERSE)


def test_graded_frames_differ_from_plain_ones_and_keep_their_size(scene):
    image, depth = scene
    base = AnimateConfig(motion="pan_right", duration_s=0.5, fps=6, size="80x60")
    plain = list(animate_frames(image, depth, base))
    graded = list(animate_frames(image, depth, AnimateConfig(**{**vars(base), "grade": parse_grade("noir")})))
    assert len(graded) == len(plain) == 3
    for p, g in zip(plain, graded):
        assert g.shape == p.shape and g.dtype == np.float32
        assert np.abs(g[..., 0] - g[..., 2]).mean() < 0.05 < np.abs(p[..., 0] - p[..., 2]).mean()


def test_cli_grade_recipe_and_preview(tmp_path, texture):
    photo = tmp_path / "photo.png"
    big = np.kron(texture, np.ones((4, 4, 1), np.float32))  # 192x256
    write_image(photo, big)
    out, sheet = tmp_path / "frames/", tmp_path / "sheet.png"
    res = run_cli("animate", str(photo), "-o", str(out), "--size", "128x96", "--duration", "0.25", "--fps", "12",
                  "--recipe", "auto", "--grade", "grain=0.2", "--preview", str(sheet))  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "recipe: auto chose" in res.stderr  # the choice and its reason are on stderr
    frames = sorted(out.glob("*.png"))
    assert len(frames) == 3
    assert read_image(frames[0]).shape == (96, 128, 3)
    preview = read_image(sheet)
    assert preview.shape[0] > 96 and preview.shape[1] > 2 * 128


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["--grade", "grian=1"], "unknown key 'grian'"),
        (["--grade", "vignette=lots"], "vignette must be a number"),
        (["--grade", "lut=/nonexistent/x.cube"], "LUT not found: /nonexistent/x.cube"),
        (["--preview", "sheet.mp4"], "--preview must be an image"),
        # checked before the render, so the clip is not left behind when the preview cannot be written
        (["--preview", "{tmp}/missing/sheet.png"], "output folder does not exist"),
        (["--preview", "{tmp}/photo.png"], "refusing to overwrite an input"),
    ],
)
def test_cli_bad_finishing_options_are_one_line_errors(tmp_path, texture, argv, fragment):
    photo = tmp_path / "photo.png"
    write_image(photo, texture)
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    res = run_cli("animate", str(photo), "-o", str(tmp_path / "out.gif"), "--duration", "0.2", *argv)
    assert res.returncode == 2
    assert res.stderr.strip().startswith("error:") and fragment in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.gif").exists()
    assert read_image(photo).shape == texture.shape


def test_a_preview_inside_the_frames_folder_is_refused(tmp_path, texture):
    photo, frames = tmp_path / "photo.png", tmp_path / "frames"
    write_image(photo, texture)
    assert run_cli("animate", str(photo), "-o", f"{frames}/", "--duration", "0.25", "--fps", "12").returncode == 0
    before = (frames / "0001.png").read_bytes()
    res = run_cli("animate", str(photo), "-o", f"{frames}/", "--duration", "0.25", "--fps", "12",
                  "--preview", str(frames / "0001.png"))  # fmt: skip
    assert res.returncode == 2 and "would overwrite each other" in res.stderr
    assert (frames / "0001.png").read_bytes() == before


def test_explicit_options_win_over_the_recipe(tmp_path):
    import argparse

    from stillmotion.cli import _finishing
    from stillmotion.grade.recipes import RECIPES

    args = argparse.Namespace(photo=str(tmp_path / "unused.png"), recipe="macro", motion="pan_left", intensity=None,
                              grade="vignette=0")  # fmt: skip
    f = _finishing.resolve(args)
    macro = RECIPES["macro"]
    assert f.motion == "pan_left" and f.intensity == macro.intensity
    assert f.grade.vignette == 0 and f.grade.dof_radius_pct == parse_grade(macro.grade).dof_radius_pct
    args = argparse.Namespace(photo="", recipe="macro", motion=None, intensity=2.0, grade="noir")
    f = _finishing.resolve(args)
    assert f.motion == macro.motion and f.intensity == 2.0 and f.grade == parse_grade("noir")
    # a keyframe path's amounts are the user's: the recipe's intensity does not rescale them, --intensity does
    args = argparse.Namespace(photo="", recipe="macro", motion="move.toml", intensity=None, grade=None)
    assert _finishing.resolve(args).intensity is None
    args = argparse.Namespace(photo="", recipe="macro", motion="move.toml", intensity=1.5, grade=None)
    assert _finishing.resolve(args).intensity == 1.5


@pytest.mark.parametrize(("recipe", "explicit", "expected"), [
    (None, None, "faces"), ("portrait", None, "faces"), ("landscape", None, "none"), ("macro", "people", "people"),
])  # fmt: skip
def test_face_protection_follows_the_recipe_unless_given(recipe, explicit, expected):
    import argparse

    from stillmotion.cli import _finishing

    args = argparse.Namespace(photo="", recipe=recipe, motion=None, intensity=None, grade=None, protect=explicit)
    assert _finishing.resolve(args).protect == expected


def test_graded_motion_stays_smooth(scene):
    """Grading (depth of field, focus pull, colour) adds no flicker: each frame-to-frame change stays
    within that of the ungraded clip."""
    image, depth = scene
    base = AnimateConfig(motion="orbit_left", duration_s=0.5, fps=24, size="80x60")
    grade = parse_grade("film,grain=0,dof=2,focus=0.9>0.3")
    change = lambda frames: np.array([np.abs(a - b).mean() for a, b in zip(frames, frames[1:])])  # noqa: E731
    plain = change(list(animate_frames(image, depth, base)))
    graded = change(list(animate_frames(image, depth, AnimateConfig(**{**vars(base), "grade": grade}))))
    assert np.all(graded <= 1.15 * plain + 2e-3), (graded, plain)


def test_frames_graded_on_worker_threads_match_one_by_one_grading(scene):
    """animate grades on the renderer's worker threads; the grade fixes its focus on frame 0 first, so
    the frames are those of grading one frame after another on one thread."""
    import threading

    import functools

    from stillmotion.api import _finished_frames, _render_finished, plan
    from stillmotion.grade import Finisher

    image, depth = scene
    config = AnimateConfig(motion="zoom_in", duration_s=1.0, fps=8, size="80x60",
                           grade=parse_grade("dof=1.5,grain=0.2,vignette=0.2"))  # fmt: skip
    shot = plan(image, depth, config)
    serial = Finisher(config.grade, frame_count=shot.frame_count)
    expected = [serial(r.image, r.inverse_depth, i) for i, r in enumerate(map(shot.render, shot.states()))]

    finish = Finisher(config.grade, frame_count=shot.frame_count)
    assert finish.needs_first_frame
    threads = []
    render = functools.partial(_render_finished, shot, np.float32, finish)

    def work(numbered):
        threads.append((numbered[0], threading.current_thread() is threading.main_thread()))
        return render(numbered)

    got = [frame for frame, _ in _finished_frames(shot.states(), work, finish)]
    assert len(got) == len(expected) == 8
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)
    assert threads[0] == (0, True)  # frame 0 on this thread, first
    assert not any(on_main for index, on_main in threads if index > 0)  # the rest on workers


@pytest.mark.parametrize("option", ["--depth-hints", "--loop-mask"])
def test_outputs_never_replace_the_hints_or_the_loop_mask(tmp_path, texture, option):
    # a --preview named like the depth hints or the loop mask, or a frames folder holding them, replaced
    # them with exit 0
    photo = tmp_path / "photo.png"
    write_image(photo, texture)
    painted = np.zeros(texture.shape, np.float32)
    painted[10:30, 10:30] = 1.0
    extra = ["--hint", "20,20,2,2"] if option == "--loop-mask" else []
    for target in ("preview", "frames"):
        folder = tmp_path / target
        folder.mkdir()
        given = folder / "0000.png"
        write_image(given, painted)
        before = given.read_bytes()
        out = ["-o", str(tmp_path / "clip.gif"), "--preview", str(given)] if target == "preview" else ["-o", f"{folder}/"]
        res = run_cli("animate", str(photo), option, str(given), *extra, "--duration", "0.25", "--fps", "8", *out)
        assert res.returncode == 2 and "refusing to overwrite an input" in res.stderr, res.stderr
        assert given.read_bytes() == before
        assert not (tmp_path / "clip.gif").exists()


def test_no_clip_is_left_when_its_preview_cannot_be_written(tmp_path, texture, monkeypatch, capsys):
    # the clip was renamed into place first, then the preview failed (a full disk): exit 1, clip left
    from PIL import Image

    from stillmotion.cli import main

    photo = tmp_path / "photo.png"
    write_image(photo, texture)

    def full_disk(self, fp, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Image.Image, "save", full_disk)  # the preview's writer (the clip goes through ffmpeg)
    sheet = tmp_path / "sheet.png"
    code = main(["animate", str(photo), "-o", str(tmp_path / "clip.mp4"), "--preview", str(sheet),
                 "--duration", "0.25", "--fps", "8", "--quiet"])  # fmt: skip
    assert code == 2
    assert capsys.readouterr().err.strip() == f"error: cannot write {sheet}: No space left on device"
    assert sorted(os.listdir(tmp_path)) == ["photo.png"]
