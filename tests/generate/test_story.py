"""Stories: loading, frame count, dissolves (with a scene source of known frames), bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stillmotion.cli import main
from stillmotion.errors import InputError
from stillmotion.generate.dissolve import ClipPlan, clamp_overlaps, film_length, join_with_dissolves
from stillmotion.generate.film import fit_to_size, plan_story, render_story, story_frames
from stillmotion.generate.story import load_story
from stillmotion.io import read_image

ROOT = Path(__file__).resolve().parents[2]
PHOTOS = ROOT.parent / "shared" / "data" / "photos"


def _tiny_png(path):
    """A real 8x6 PNG: a story checks its photos' headers when it is loaded."""
    from stillmotion.io import write_image

    write_image(path, np.full((6, 8, 3), 0.5, np.float32))


def _ramp_clip(level: float, count: int, size=(6, 8)):
    """Frame i of the clip is the constant ``level + i / 1000``: every frame is identifiable."""
    for i in range(count):
        yield np.full((*size, 3), level + i / 1000, np.float32)


def test_join_with_dissolves_blends_the_overlap():
    plans = clamp_overlaps([ClipPlan(10), ClipPlan(8, 3), ClipPlan(6, 2)])
    assert film_length(plans) == 10 + 8 + 6 - 3 - 2
    clips = (_ramp_clip(level, p.frame_count) for level, p in zip((0.1, 0.5, 0.9), plans))
    out = [f[0, 0, 0] for f in join_with_dissolves(clips, plans)]
    assert len(out) == 19
    np.testing.assert_allclose(out[:7], [0.1 + i / 1000 for i in range(7)], atol=1e-6)
    for j in range(3):  # clip 0 frames 7, 8, 9 under clip 1 frames 0, 1, 2
        a = (j + 1) / 4
        assert out[7 + j] == pytest.approx((1 - a) * (0.1 + (7 + j) / 1000) + a * (0.5 + j / 1000), abs=1e-6)
    np.testing.assert_allclose(out[10:13], [0.5 + i / 1000 for i in range(3, 6)], atol=1e-6)
    for j in range(2):  # clip 1 frames 6, 7 under clip 2 frames 0, 1
        a = (j + 1) / 3
        assert out[13 + j] == pytest.approx((1 - a) * (0.5 + (6 + j) / 1000) + a * (0.9 + j / 1000), abs=1e-6)
    np.testing.assert_allclose(out[15:], [0.9 + i / 1000 for i in range(2, 6)], atol=1e-6)


def test_overlaps_are_clamped_to_the_clips():
    plans = clamp_overlaps([ClipPlan(3), ClipPlan(2, 10), ClipPlan(5, 10)])
    assert [p.overlap_in for p in plans] == [0, 1, 0]


def test_dissolve_buffers_only_the_overlap():
    pulled = []

    def clip(level, count):
        for i in range(count):
            pulled.append((level, i))
            yield np.full((2, 2, 3), level, np.float32)

    plans = [ClipPlan(5), ClipPlan(5, 2)]
    stream = join_with_dissolves((clip(lv, 5) for lv in (0.0, 1.0)), plans)
    first = [next(stream) for _ in range(3)]
    assert len(first) == 3 and pulled == [(0.0, i) for i in range(3)]  # nothing read ahead


def _write_story(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "story.yaml"
    path.write_text(body)
    return path


def _fake_source(scene, story, frame_count):
    return _ramp_clip(scene.index / 10, frame_count, (story.height, story.width))


def test_three_scene_story_frame_count_and_dissolves(tmp_path):
    for name in ("a.png", "b.png", "c.png"):
        _tiny_png(tmp_path / name)
    path = _write_story(tmp_path, """
fps: 10
size: 32x16
transition: 0.5
scenes:
  - {image: a.png, motion: zoom_in, duration: 2}
  - {image: b.png, motion: pan_left, duration: 1.5, transition: 0.3}
  - {image: c.png, motion: orbit_left, duration: 1}
""")
    story = load_story(path)
    assert [p.frame_count for p in plan_story(story)] == [20, 15, 10]
    assert [p.overlap_in for p in plan_story(story)] == [0, 3, 5]
    frames = list(story_frames(story, source=_fake_source))
    assert len(frames) == 20 + 15 + 10 - 3 - 5
    assert all(f.shape == (16, 32, 3) for f in frames)
    values = [float(f[0, 0, 0]) for f in frames]
    assert values[17] == pytest.approx(0.75 * (0.1 + 0.017) + 0.25 * 0.2, abs=1e-6)
    a = 3 / 6  # third frame of the 5-frame dissolve into scene 3
    assert values[20 + 15 - 3 - 5 + 2] == pytest.approx((1 - a) * (0.2 + 0.012) + a * (0.3 + 0.002), abs=1e-6)


def test_story_writes_png_frames(tmp_path):
    _tiny_png(tmp_path / "a.png")
    path = _write_story(tmp_path, "fps: 4\nsize: 16x16\nscenes:\n  - {image: a.png, duration: 1}\n"
                                  "  - {image: a.png, duration: 1}\n")  # fmt: skip
    out = tmp_path / "film"
    count = render_story(load_story(path), str(out) + "/", source=_fake_source)
    assert count == 4 + 4 - 2 and len(list(out.glob("*.png"))) == count


def test_an_odd_story_size_is_rounded_up_to_even(tmp_path):
    _tiny_png(tmp_path / "a.png")
    path = _write_story(tmp_path, "fps: 4\nsize: 17x21\nscenes:\n  - {image: a.png, duration: 1}\n")
    out = tmp_path / "film"
    render_story(load_story(path), str(out) + "/", source=_fake_source)
    assert {read_image(f).shape[:2] for f in out.glob("*.png")} == {(22, 18)}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "empty"),
        ("fps: 24\nscenes: []\n", "no scenes"),
        ("fps: 24\n", "no scenes"),
        ("scenes:\n  - {image: missing.jpg}\n", "scene 1 image: file not found"),
        ("scenes:\n  - {image: .}\n", "is a folder; give a file"),  # said "file not found"
        ("scenes:\n  - {motion: zoom_in}\n", "exactly one of image: (a photo) or prompt:"),
        ("scenes:\n  - {image: a.png, duration: -1}\n", "scene 1 duration"),
        ("size: 8x20\nscenes:\n  - {image: a.png}\n", "size"),
        ("scenes: [\n", "not valid YAML"),
        ("scenes:\n  - {image: a.png}\n  - {image: fake.jpg}\n", "scene 2: cannot read photo"),
        ("scenes:\n  - {image: a.png, depth: d.npy, depth_kind: weird}\n", "scene 1 depth: unknown depth kind"),
        ("scenes:\n  - {image: a.png, depth: nan.npy}\n", "scene 1 depth: depth file"),
    ],
)
def test_bad_stories_are_one_line_errors(tmp_path, capsys, body, message):
    _tiny_png(tmp_path / "a.png")
    (tmp_path / "fake.jpg").write_text("not a photo")
    np.save(tmp_path / "d.npy", np.linspace(0, 1, 48, dtype=np.float32).reshape(6, 8))
    np.save(tmp_path / "nan.npy", np.full((6, 8), np.nan, np.float32))
    path = _write_story(tmp_path, body)
    with pytest.raises(InputError, match=None) as info:
        load_story(path)
    assert message in str(info.value)
    assert main(["story", str(path), "-o", str(tmp_path / "out.mp4"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and message in err[0]
    assert not (tmp_path / "out.mp4").exists()


def test_relative_paths_resolve_against_the_story_folder(tmp_path, monkeypatch):
    sub = tmp_path / "stories"
    sub.mkdir()
    _tiny_png(sub / "pic.png")
    cube = "LUT_3D_SIZE 2\n" + "".join(f"{r} {g} {b}\n" for b in (0, 1) for g in (0, 1) for r in (0, 1))
    (sub / "warm.cube").write_text(cube)
    path = _write_story(sub, "scenes:\n  - image: pic.png\n    grade: \"lut=warm.cube, vignette=0.2\"\n")
    monkeypatch.chdir(tmp_path)
    scene = load_story(path).scenes[0]
    assert scene.image == (sub / "pic.png").resolve()
    assert Path(scene.grade.split(",")[0].partition("=")[2]).resolve() == (sub / "warm.cube").resolve()


def test_fit_to_size_crops_the_centre():
    image = np.zeros((100, 200, 3), np.float32)
    image[:, 50:150] = 1.0  # the centre half is white
    out = fit_to_size(image, 64, 64)
    assert out.shape == (64, 64, 3) and out.min() > 0.99


def _write_photos(folder: Path) -> None:
    from skimage import data

    from stillmotion.io import write_image

    for name, photo in (("astronaut.png", data.astronaut()), ("coffee.png", data.coffee()), ("cat.png", data.chelsea())):
        write_image(folder / name, photo[::4, ::4].astype(np.float32) / 255)


def test_photo_story_end_to_end_dissolves_are_blends_of_the_scenes(tmp_path):
    """Three photos, three motions: the film's overlap frames are the blends of the scenes rendered alone."""
    import cv2

    from stillmotion.generate.film import photo_scene_frames

    _write_photos(tmp_path)
    path = _write_story(tmp_path, """
fps: 8
size: 64x48
transition: 0.5
scenes:
  - {image: astronaut.png, motion: zoom_in, duration: 1}
  - {image: coffee.png, motion: orbit_left, duration: 1}
  - {image: cat.png, motion: pan_right, duration: 1.5, transition: 0.25}
""")
    out = tmp_path / "film"
    assert main(["story", str(path), "-o", f"{out}/", "--quiet"]) == 0
    frames = [cv2.imread(str(f))[..., ::-1].astype(np.float32) / 255 for f in sorted(out.glob("*.png"))]
    assert len(frames) == 8 + 8 + 12 - 4 - 2
    story = load_story(path)
    alone = [list(photo_scene_frames(s, story, p.frame_count)) for s, p in zip(story.scenes, plan_story(story))]
    assert all(f.shape == (48, 64, 3) for clip in alone for f in clip)
    tol = 1.5 / 255  # PNG rounding
    np.testing.assert_allclose(frames[0], alone[0][0], atol=tol)
    for j in range(4):  # scene 1 frames 4..7 under scene 2 frames 0..3
        a = (j + 1) / 5
        np.testing.assert_allclose(frames[4 + j], (1 - a) * alone[0][4 + j] + a * alone[1][j], atol=tol)
    np.testing.assert_allclose(frames[8], alone[1][4], atol=tol)
    for j in range(2):  # scene 2 frames 6, 7 under scene 3 frames 0, 1
        a = (j + 1) / 3
        np.testing.assert_allclose(frames[10 + j], (1 - a) * alone[1][6 + j] + a * alone[2][j], atol=tol)
    np.testing.assert_allclose(frames[-1], alone[2][-1], atol=tol)
    assert np.abs(alone[0][0] - alone[0][-1]).mean() > 0.01  # the camera moved


def test_intensity_accepts_a_keyframe_schedule(tmp_path):
    from stillmotion.generate.film import photo_scene_frames

    _write_photos(tmp_path)
    path = _write_story(tmp_path, 'fps: 8\nsize: 64x48\nscenes:\n'
                                  '  - {image: coffee.png, motion: pan_left, duration: 1, intensity: "0:(0), 3:(0), 7:(1.5)"}\n')  # fmt: skip
    story = load_story(path)
    frames = list(photo_scene_frames(story.scenes[0], story, 8))
    still = [np.abs(frames[i] - frames[0]).max() for i in range(1, 4)]
    moving = [np.abs(frames[i + 1] - frames[i]).mean() for i in range(3, 7)]
    assert max(still) < 1e-6 and min(moving) > 1e-3
    bad = _write_story(tmp_path, 'scenes:\n  - {image: coffee.png, intensity: "0:(1), 5:(2+)"}\n')
    with pytest.raises(InputError, match="scene 1 intensity: key 2"):
        load_story(bad)


def test_scene_grade_goes_through_the_grade_stage(tmp_path, monkeypatch):
    """A scene's ``grade:`` is parsed by the grade stage and applied to every frame with its depth."""
    import stillmotion.grade as grade_stage

    seen = []

    class FakeGrader:
        def __init__(self, config, *, frame_count):
            self.config, self.frame_count = config, frame_count

        def __call__(self, image, inverse_depth=None, frame_index=0):
            seen.append((self.config, frame_index, inverse_depth is not None))
            return image * 0.5

    monkeypatch.setattr(grade_stage, "parse_grade", lambda text: f"parsed:{text}", raising=False)
    monkeypatch.setattr(grade_stage, "Grader", FakeGrader, raising=False)
    _write_photos(tmp_path)
    path = _write_story(tmp_path, "fps: 4\nsize: 32x32\nscenes:\n  - {image: cat.png, duration: 1, grade: film}\n")
    from stillmotion.generate.film import photo_scene_frames

    frames = list(story_frames(load_story(path), source=photo_scene_frames))
    assert len(frames) == 4 and max(f.max() for f in frames) <= 0.5 + 1e-6
    assert seen == [("parsed:film", i, True) for i in range(4)]


def test_custom_path_file_and_unknown_motion(tmp_path):
    from stillmotion.generate.film import photo_scene_frames

    _write_photos(tmp_path)
    (tmp_path / "paths").mkdir()
    (tmp_path / "paths" / "slide.json").write_text('{"keyframes": [{"t": 0}, {"t": 1, "x": 0.05, "ry": 2}]}')
    path = _write_story(tmp_path, "fps: 4\nsize: 32x32\nscenes:\n  - {image: cat.png, motion: paths/slide.json}\n")
    story = load_story(path)
    assert story.scenes[0].motion == str((tmp_path / "paths" / "slide.json").resolve())
    frames = list(photo_scene_frames(story.scenes[0], story, 6))
    assert len(frames) == 6 and np.abs(frames[0] - frames[-1]).mean() > 1e-3
    bad = _write_story(tmp_path, "scenes:\n  - {image: cat.png, motion: moonwalk}\n")
    with pytest.raises(InputError, match="scene 1: .*moonwalk"):
        load_story(bad)


def test_story_model_folder_and_seed_range(tmp_path):
    # a relative model: resolved against the current folder; seeds wrapped modulo 2**32 silently
    sub = tmp_path / "stories"
    (tmp_path / "models" / "sd15").mkdir(parents=True)
    sub.mkdir()
    path = _write_story(sub, "model: ../models/sd15\nscenes:\n  - {prompt: the moon}\n")
    assert Path(load_story(path).model).resolve() == (tmp_path / "models" / "sd15").resolve()
    assert load_story(_write_story(sub, "model: owner/name\nscenes:\n  - {prompt: x}\n")).model == "owner/name"
    for seed in ("99999999999999999999", "-5"):
        with pytest.raises(InputError, match="seed: expected an integer in -1.."):
            load_story(_write_story(sub, f"scenes:\n  - {{prompt: x, seed: {seed}}}\n"))


def test_a_scene_whose_move_fails_is_named(tmp_path, capsys):
    # "the camera moves behind the photo's surface; lower --intensity": which scene, and the story has no
    # --intensity option
    from stillmotion.io import write_image

    rng = np.random.default_rng(0)
    write_image(tmp_path / "a.png", rng.random((48, 64, 3)).astype(np.float32))
    path = _write_story(tmp_path, "fps: 4\nsize: 64x64\nscenes:\n  - {image: a.png, duration: 1}\n"
                                  "  - {image: a.png, duration: 1, motion: turn_left, intensity: 20}\n")  # fmt: skip
    assert main(["story", str(path), "-o", str(tmp_path / "out.mp4"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: scene 2: ") and err[0].endswith("lower its intensity")
    assert not (tmp_path / "out.mp4").exists()


def test_a_scene_whose_photo_or_depth_fails_is_named(tmp_path, capsys):
    # "error: cannot read photo .../trunc.jpg: ..." and "error: the depth map is 100x100 ...": which scene?
    import cv2

    from stillmotion.io import write_image

    rng = np.random.default_rng(0)
    write_image(tmp_path / "a.jpg", rng.random((48, 64, 3)).astype(np.float32))
    data = (tmp_path / "a.jpg").read_bytes()
    (tmp_path / "trunc.jpg").write_bytes(data[: len(data) * 2 // 3])  # the header is whole: loading passes
    cv2.imwrite(str(tmp_path / "square.png"), (rng.random((30, 30)) * 65535).astype(np.uint16))
    for second, message in (("{image: trunc.jpg, duration: 1}", "cannot read photo"),
                            ("{image: a.jpg, depth: square.png, duration: 1}", "the depth map is 30x30")):  # fmt: skip
        path = _write_story(tmp_path, f"fps: 4\nsize: 64x64\nscenes:\n  - {{image: a.jpg, duration: 1}}\n  - {second}\n")
        assert main(["story", str(path), "-o", str(tmp_path / "out.mp4"), "--quiet"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(f"error: scene 2: {message}"), err
        assert not (tmp_path / "out.mp4").exists()


def test_generator_settings_without_a_prompt_scene_are_a_warning(tmp_path, caplog):
    # "generator: foo" in a story of photos was silently ignored
    import logging

    _tiny_png(tmp_path / "a.png")
    path = _write_story(tmp_path, "generator: foo\nsteps: 3\nscenes:\n  - image: a.png\n")
    with caplog.at_level(logging.WARNING):
        load_story(path)
    assert f"{path}: generator, steps do nothing without a prompt scene; ignored" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        load_story(_write_story(tmp_path, "generator: sd15\nscenes:\n  - prompt: a lighthouse\n"))
    assert "ignored" not in caplog.text
    # the command's own generator options, likewise
    from stillmotion.io import write_image

    write_image(tmp_path / "a.png", np.random.default_rng(0).random((48, 64, 3)).astype(np.float32))
    path = _write_story(tmp_path, "fps: 4\nsize: 64x64\nscenes:\n  - {image: a.png, duration: 0.5}\n")
    with caplog.at_level(logging.WARNING):
        assert main(["story", str(path), "-o", f"{tmp_path}/out/", "--model", "m", "--quiet"]) == 0
    assert "--model does nothing without a prompt scene in the story; ignored" in caplog.text


def test_a_letterboxed_scene_is_framed_for_its_bars(tmp_path):
    """A scene's ``grade: scope`` painted its bars over a shot framed without them: the astronaut's
    square scene showed her from the mouth down, as animate's clips did before they framed the band."""
    from skimage import data

    from stillmotion.depth.faces import detect_faces
    from stillmotion.generate.film import photo_scene_frames
    from stillmotion.io import write_image

    write_image(tmp_path / "astronaut.png", data.astronaut().astype(np.float32) / 255)
    path = _write_story(tmp_path, "fps: 4\nsize: 512x512\nscenes:\n"
                                  "  - {image: astronaut.png, duration: 0.5, motion: static, grade: scope}\n")  # fmt: skip
    first = next(iter(story_frames(load_story(path), source=photo_scene_frames)))
    band = first.max(axis=(1, 2)) > 0.02
    top, bottom = np.flatnonzero(band)[[0, -1]]
    assert 130 < top and bottom < 380, "the bars are there"
    faces = detect_faces(first)
    assert faces, "her face is in the band"
    x, y, w, h = faces[0]
    assert top <= y and y + h <= bottom
