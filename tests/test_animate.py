"""The spine end to end: every motion renders, frames are clean, outputs decode, the CLI works."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from stillmotion.api import AnimateConfig, animate_frames, plan
from stillmotion.camera import MOTIONS
from stillmotion.types import Depth, DepthKind

from .conftest import ROOT, shared_path


def _scene(texture):
    """A photo-like test scene: a near box in front of a receding ground."""
    h, w = texture.shape[:2]
    inv = np.linspace(0.1, 0.7, h, dtype=np.float32)[:, None].repeat(w, axis=1)
    inv[14:34, 22:42] = 1.0
    return texture, Depth(inv, DepthKind.INVERSE)


@pytest.mark.parametrize("name", sorted(MOTIONS))
def test_every_motion_renders_clean_frames(texture, name):
    image, depth = _scene(texture)
    config = AnimateConfig(motion=name, duration_s=1.0, fps=10, size="80x60")
    shot = plan(image, depth, config)
    results = [shot.render(s) for s in shot.states()]
    assert len(results) == 10
    for r in results:
        assert r.image.shape == (60, 80, 3) and r.image.dtype == np.float32
        assert np.isfinite(r.image).all() and r.image.min() >= 0 and r.image.max() <= 1
        # the framing crop keeps the photo's own pixels (or its background layer) everywhere
        assert r.holes.mean() < 0.002, f"{name}: {r.holes.mean():.2%} uncovered"


def test_frames_stream_with_progress(texture):
    image, depth = _scene(texture)
    seen = []
    frames = animate_frames(image, depth, AnimateConfig(duration_s=0.5, fps=8, size="square"),
                            progress=lambda done, total: seen.append((done, total)))  # fmt: skip
    assert not seen, "nothing may run before the first frame is asked for"
    first = next(frames)
    assert first.shape == (640, 640, 3)
    assert sum(1 for _ in frames) == 3
    assert seen[-1] == (4, 4)


def test_motion_is_smooth_between_frames(texture):
    """Consecutive frames differ by a small, steady amount: no jumps, no flicker."""
    image, depth = _scene(texture)
    frames = list(animate_frames(image, depth, AnimateConfig(motion="orbit_left", duration_s=1.0, fps=24)))
    diffs = np.array([np.abs(a - b).mean() for a, b in zip(frames, frames[1:])])
    assert diffs.max() < 0.05
    assert diffs.max() < 4 * np.median(diffs) + 1e-3


def test_loop_ends_where_it_starts(texture):
    image, depth = _scene(texture)
    config = AnimateConfig(motion="pan_left", duration_s=1.0, fps=12, loop=True)
    frames = list(animate_frames(image, depth, config))
    step = np.mean([np.abs(a - b).mean() for a, b in zip(frames, frames[1:])])
    # the frame after the last is the first again: the wrap-around step is an ordinary step
    assert np.abs(frames[-1] - frames[0]).mean() < 2.0 * step


@pytest.mark.parametrize("motion", ["circle", "swing"])
def test_periodic_motions_do_not_repeat_their_first_frame(texture, motion):
    # without --loop too: played in a loop, a closing frame equal to the first showed the same image twice
    image, depth = _scene(texture)
    frames = list(animate_frames(image, depth, AnimateConfig(motion=motion, duration_s=1.0, fps=12)))
    steps = [np.abs(a - b).mean() for a, b in zip(frames, frames[1:] + frames[:1])]
    assert len(frames) == 12 and min(steps) > 0.25 * np.median(steps)


def test_bars_baked_into_the_photo_are_cut_away(texture):
    image, depth = _scene(texture)
    h, w = image.shape[:2]
    barred = np.zeros((h, w + 40, 3), np.float32)
    barred[:, 20 : 20 + w] = image
    values = np.zeros((h, w + 40), np.float32)
    values[:, 20 : 20 + w] = depth.values
    config = AnimateConfig(motion="orbit_left", duration_s=0.5, fps=8, size="source")
    for frame in animate_frames(barred, Depth(values, DepthKind.INVERSE), config):
        assert frame.shape[1] / frame.shape[0] == pytest.approx(w / h, abs=0.05)  # the picture's aspect
        assert frame[:, :3].mean() > 0.1 and frame[:, -3:].mean() > 0.1  # no black bar at either side


def test_the_encoder_opens_at_the_size_of_the_picture_inside_bars(tmp_path, texture):
    """animate starts the encoder before the shot is planned: at the clip size of the picture inside the
    bars, which is the size the plan renders."""
    from stillmotion import animate
    from stillmotion.io import read_image, write_image
    from stillmotion.render.sizes import clip_size

    image, depth = _scene(texture)
    h, w = image.shape[:2]
    barred = np.zeros((h + 60, w, 3), np.float32)
    barred[30 : 30 + h] = image
    photo = tmp_path / "barred.png"
    write_image(photo, barred)
    values = np.zeros((h + 60, w), np.float32)
    values[30 : 30 + h] = depth.values
    np.save(tmp_path / "depth.npy", values)
    assert clip_size(barred, "source") == (w, h)
    config = AnimateConfig(motion="zoom_in", duration_s=0.25, fps=8, size="source")
    out = animate(photo, tmp_path / "frames/", config=config, depth=tmp_path / "depth.npy")
    frames = sorted(out.glob("*.png"))
    assert len(frames) == 2 and read_image(frames[0]).shape[:2] == (h, w)


def test_animate_takes_a_depth_object_as_well_as_a_file(tmp_path, texture):
    """The README calls ``depth`` a ``stillmotion.Depth``; animate took only a file: "TypeError: expected
    str, bytes or os.PathLike object, not Depth"."""
    from stillmotion import animate
    from stillmotion.io import read_image, write_image

    image, depth = _scene(texture)
    photo = tmp_path / "p.png"
    write_image(photo, image)
    np.save(tmp_path / "depth.npy", depth.values)
    config = AnimateConfig(motion="orbit_left", duration_s=0.25, fps=8)
    from_file = animate(photo, tmp_path / "file/", config=config, depth=tmp_path / "depth.npy", depth_kind=depth.kind)
    from_object = animate(photo, tmp_path / "object/", config=config, depth=depth)
    for a, b in zip(sorted(from_file.glob("*.png")), sorted(from_object.glob("*.png")), strict=True):
        np.testing.assert_array_equal(read_image(a), read_image(b))
    half = Depth(np.ascontiguousarray(depth.values[::2, ::2]), depth.kind)  # another size, the same aspect
    assert len(list(animate(photo, tmp_path / "half/", config=config, depth=half).glob("*.png"))) == 2


def test_a_config_field_of_the_wrong_type_is_named():
    """``AnimateConfig(intensity="2")`` was "TypeError: must be real number, not str" from inside the path,
    ``size=(160, 96)`` an AttributeError; a (width, height) size is now taken as "160x96"."""
    from stillmotion.errors import InputError

    assert AnimateConfig(size=(160, 96)).size == "160x96"
    with pytest.raises(InputError, match="AnimateConfig.intensity must be a number, got '2'"):
        AnimateConfig(intensity="2")
    with pytest.raises(InputError, match="AnimateConfig.fps must be a number, got True"):
        AnimateConfig(fps=True)
    with pytest.raises(InputError, match=r"AnimateConfig.size must be a string, got \(1.5, 2\)"):
        AnimateConfig(size=(1.5, 2))
    with pytest.raises(InputError, match="AnimateConfig.motion must be a motion's name or a path file"):
        AnimateConfig(motion=3)
    assert AnimateConfig(intensity=np.float32(0.5), fps=np.int64(12)).fps == 12


def test_render_view_names_an_unknown_fill_backend_for_any_move(texture):
    """A bad ``inpaint_backend`` was refused only when the move revealed something to fill."""
    from stillmotion.api import render_view
    from stillmotion.errors import InputError

    image, depth = _scene(texture)
    for move in ((0.0, 0.0, 0.0), (0.05, 0.0, 0.0)):
        with pytest.raises(InputError, match="unknown inpaint backend 'nope'; choose one of: patch"):
            render_view(image, depth, move=move, inpaint_backend="nope")


def test_animate_frames_resamples_a_depth_of_the_photos_aspect(texture):
    """``--depth FILE`` of half the photo's size is resampled; the same Depth handed to animate_frames was
    refused: "depth (24, 32) and photo (48, 64) differ in size"."""
    image, depth = _scene(texture)
    half = Depth(np.ascontiguousarray(depth.values[::2, ::2]), depth.kind)
    config = AnimateConfig(motion="zoom_in", duration_s=0.25, fps=8)
    frames = list(animate_frames(image, half, config))
    assert len(frames) == 2 and frames[0].shape == image.shape


def test_size_presets_and_source(texture):
    from stillmotion.render.sizes import output_size

    assert output_size("landscape", (100, 100)) == (832, 448)
    assert output_size("portrait", (100, 100)) == (448, 832)
    assert output_size("square", (100, 100)) == (640, 640)
    assert output_size("source", (1080, 1920)) == (1920, 1080)
    assert output_size("source", (3000, 4000)) == (1920, 1440)
    assert output_size("source", (481, 641)) == (640, 480)  # even sizes for yuv420p
    assert output_size("1280x720", (10, 10)) == (1280, 720)
    from stillmotion.errors import InputError

    with pytest.raises(InputError, match="too small to animate"):  # was a misleading "turns away" error
        output_size("64x64", (2, 3))
    with pytest.raises(InputError, match="size source would be 1920x10"):  # WxH refused the same size
        output_size("source", (20, 4000))


def _cli(*args, check=True):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.run([sys.executable, "-m", "stillmotion", *args], capture_output=True, text=True, env=env)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture
def photo(tmp_path, texture):
    from stillmotion.io import write_image

    path = tmp_path / "photo.png"
    write_image(path, np.repeat(np.repeat(texture, 2, axis=0), 2, axis=1))
    return path


@pytest.mark.parametrize("ext", [".mp4", ".webm", ".gif", "/"])
def test_cli_animate_outputs_decode(tmp_path, photo, ext):
    out = tmp_path / ("frames/" if ext == "/" else f"clip{ext}")
    _cli("animate", str(photo), "-o", str(out), "--duration", "0.5", "--fps", "12", "--motion", "orbit_left",
         "--quiet")  # fmt: skip
    if ext == "/":
        names = sorted(p.name for p in out.iterdir())
        assert names == [f"{i:04d}.png" for i in range(6)]
        return
    if ext == ".gif":
        from PIL import Image

        with Image.open(out) as gif:
            assert gif.n_frames == 6 and gif.size == (128, 96)
        return
    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(str(out))
    meta = next(reader)
    assert meta["size"] == (128, 96)
    assert sum(1 for _ in reader) == 6
    assert not [p for p in tmp_path.iterdir() if ".part" in p.name]


def test_cli_motions_lists_every_motion():
    lines = _cli("motions").stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == list(MOTIONS)
    assert all(len(line.split(None, 1)) == 2 for line in lines)


def test_cli_view_renders_the_right_stereo_view(tmp_path):
    """Middlebury Cones: left photo + true disparity, baseline 1 -> the right photo."""
    left = shared_path("middlebury_stereo_cones", "left_rgb.png")
    disp = shared_path("middlebury_stereo_cones", "gt_disp_left.tif")
    right = shared_path("middlebury_stereo_cones", "right_rgb.png")
    out = tmp_path / "right.png"
    _cli("view", str(left), "--depth", str(disp), "--depth-kind", "disparity", "--baseline", "1", "-o", str(out))
    from stillmotion.io import read_image

    rendered, truth, original = read_image(out), read_image(right), read_image(left)
    psnr = 10 * np.log10(1.0 / np.mean((rendered - truth) ** 2))
    psnr_left = 10 * np.log10(1.0 / np.mean((original - truth) ** 2))
    assert psnr > 21.0 and psnr > psnr_left + 5.0


def test_cli_view_refuses_impossible_cameras_and_bad_numbers(tmp_path, texture):
    from stillmotion.cli import main
    from stillmotion.io import write_image

    photo, out = tmp_path / "photo.png", tmp_path / "view.png"
    write_image(photo, texture)
    cases = [
        (["--rotate", "0,60,0"], "turns away from the photo"),
        (["--move", "5,0,0"], "moves away from the photo"),  # it said "turns away"
        (["--rotate", "0,180,0"], "turns so far that part of the photo is behind it"),  # it said "moves"
        (["--move", "0,0,100"], "behind the photo's surface"),
        (["--move=0,0,-1e6"], "the photo covers 0% of the view"),  # a dot in a flat blob, exit 0
        (["--move", "nan,0,0"], "three finite numbers x,y,z"),
        (["--rotate", "1,2"], "three finite numbers rx,ry,rz (degrees)"),  # it asked for x,y,z
        (["--baseline", "inf"], "--baseline must be a finite number"),
    ]
    for extra, message in cases:
        proc = _cli("view", str(photo), "-o", str(out), "--quiet", *extra, check=False)
        assert proc.returncode == 2 and message in proc.stderr, (extra, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1 and not out.exists()
    assert main(["view", str(photo), "-o", str(out), "--move", "0.05,0,0", "--quiet"]) == 0 and out.exists()


def test_view_moves_and_turns_by_negative_amounts(tmp_path, texture):
    """``--move -0.05,0,0`` (the camera moves left) was refused: "--move: expected one argument"."""
    from stillmotion.cli import main
    from stillmotion.io import read_image, write_image

    photo = tmp_path / "p.png"
    write_image(photo, texture)
    left, right = tmp_path / "left.png", tmp_path / "right.png"
    assert main(["view", str(photo), "-o", str(left), "--move", "-0.05,0,0", "--quiet"]) == 0
    assert main(["view", str(photo), "-o", str(right), "--move=0.05,0,0", "--quiet"]) == 0
    assert not np.array_equal(read_image(left), read_image(right))
    down = tmp_path / "down.png"
    assert main(["view", str(photo), "-o", str(down), "--rotate", "-3,0,0", "--move", "-0.02,0.01,0", "--quiet"]) == 0
    assert down.exists()


def test_importing_stillmotion_does_not_import_torch():
    code = "import sys, stillmotion, stillmotion.cli; sys.exit(any(m in sys.modules for m in ('torch', 'diffusers', 'transformers')))"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == 0


def test_the_package_exports_what_its_docstring_uses():
    """api's docstring shows ``stillmotion.AnimateConfig(...)``, which did not exist."""
    import stillmotion
    from stillmotion import api

    assert stillmotion.AnimateConfig is AnimateConfig and "AnimateConfig" in stillmotion.__all__
    assert "stillmotion.AnimateConfig(" in api.__doc__
    assert all(hasattr(stillmotion, name) for name in stillmotion.__all__)


def test_the_stages_are_reached_from_a_plain_import():
    """The README calls ``stillmotion.api.loop(...)`` and ``stillmotion.inpaint.inpaint(...)`` after
    ``import stillmotion`` alone: an AttributeError unless a re-exported name had been used first."""
    code = ("import stillmotion; stillmotion.api.loop; stillmotion.inpaint.inpaint; stillmotion.io.read_image; "
            "assert 'api' in dir(stillmotion)\n"
            "try:\n    stillmotion.no_such_thing\nexcept AttributeError:\n    pass\nelse:\n    raise SystemExit(3)")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_a_cropped_frame_keeps_the_face_in_view():
    """A square portrait framed landscape: the kept window moves up to the face instead of cutting it."""
    from skimage import data

    from stillmotion.depth.faces import detect_faces

    image = data.astronaut().astype(np.float32) / 255.0
    h, w = image.shape[:2]
    depth = Depth(np.linspace(0.2, 1.0, h, dtype=np.float32)[:, None].repeat(w, axis=1), DepthKind.INVERSE)
    config = AnimateConfig(motion="zoom_in", duration_s=0.5, fps=4, size="landscape")
    first = {}
    for frame_faces in (True, False):
        shot = plan(image, depth, config, frame_faces=frame_faces)
        first[frame_faces] = shot.render(next(shot.states())).image
    faces = detect_faces(first[True])
    assert faces, "the framed first frame shows the whole face"
    x, y, fw, fh = faces[0]
    assert y > 0.05 * first[True].shape[0]  # with room above it
    assert all(by < 0.05 * first[False].shape[0] for _, by, _, _ in detect_faces(first[False])), \
        "centred, the crop cuts into the face"


def test_a_frame_does_not_depend_on_the_frames_rendered_before_it_on_that_thread():
    """Scratch space is kept per thread between frames; what a frame shows must not depend on it, so
    frames rendered by several threads at once are the frames rendered one after another. DAVIS at
    1080p, where the previous frame's scratch once changed a few pixels of frames 56-58."""
    import functools
    import threading

    from stillmotion.ahead import map_ahead
    from stillmotion.api import AnimateConfig, plan
    from stillmotion.depth import estimate
    from stillmotion.io import read_image

    image = read_image(shared_path("video_frames", "davis_pair", "davis_0.jpg"))
    shot = plan(image, estimate(image), AnimateConfig(motion="orbit_left", size="source"))
    states = list(shot.states())
    render = functools.partial(shot.render, dtype=np.uint8)
    in_turn = [render(s) for s in states[50:59]]  # each frame after the one before, on this thread
    alone = []
    for state in states[56:59]:  # each frame first on a fresh thread
        worker = threading.Thread(target=lambda s=state: alone.append(render(s)))
        worker.start()
        worker.join()
    for a, b in zip(in_turn[6:], alone):
        assert np.array_equal(a.image, b.image) and np.array_equal(a.inverse_depth, b.inverse_depth)
    parallel = list(map_ahead(render, states[50:59], workers=2, depth=3))
    assert all(np.array_equal(a.image, b.image) for a, b in zip(in_turn, parallel))


def test_animate_config_takes_a_grade_spec_string():
    import pytest

    from stillmotion.api import AnimateConfig
    from stillmotion.errors import InputError
    from stillmotion.grade import GradeConfig, parse_grade

    assert AnimateConfig(grade="film, grain=0.1").grade == parse_grade("film, grain=0.1")
    assert isinstance(AnimateConfig(grade="noir").grade, GradeConfig)
    with pytest.raises(InputError, match="unknown preset"):
        AnimateConfig(grade="nope")


def test_animate_frames_applies_the_configs_depth_hints(tmp_path, texture):
    # they were silently dropped: only animate() applied depth_protect and depth_hints
    import json

    image, depth = _scene(texture)
    hints = tmp_path / "hints.json"
    hints.write_text(json.dumps({"points": [{"x": 10, "y": 10, "depth": 1.0, "radius": 8}]}))
    base = AnimateConfig(motion="pan_right", duration_s=0.25, fps=8)
    plain = list(animate_frames(image, depth, base))
    hinted = list(animate_frames(image, depth, AnimateConfig(**{**vars(base), "depth_hints": str(hints)})))
    assert np.abs(plain[-1] - hinted[-1]).mean() > 1e-3


@pytest.mark.parametrize("protect", ["none", "faces"])
def test_animate_frames_takes_8_bit_and_grey_photos_as_the_reader_gives_them(texture, protect):
    """A uint8 photo was rendered as 0..255 floats; a grey one failed in OpenCV's face detector."""
    image, depth = _scene(texture)
    as8 = np.round(image * 255).astype(np.uint8)
    config = AnimateConfig(motion="pan_right", duration_s=0.25, fps=8, depth_protect=protect)
    expected = list(animate_frames(as8 / np.float32(255), depth, config))
    frames = list(animate_frames(as8, depth, config))
    assert all(f.dtype == np.float32 for f in frames)
    shot = plan(as8, depth, config)  # the shot is planned from the same float photo
    state = next(iter(shot.states()))
    np.testing.assert_allclose(shot.render(state).image, plan(as8 / np.float32(255), depth, config).render(state).image)
    for frame, want in zip(frames, expected):
        np.testing.assert_allclose(frame, want, atol=1e-6)
    grey = as8[:, :, 0]
    greys = list(animate_frames(grey, depth, config))
    as_rgb = list(animate_frames(np.repeat(grey[:, :, None], 3, axis=2), depth, config))
    assert greys[0].shape == as_rgb[0].shape and np.allclose(greys[-1], as_rgb[-1], atol=1e-6)


def test_animate_frames_refuses_a_depth_that_is_not_a_depth(texture):
    from stillmotion.errors import InputError

    image, depth = _scene(texture)
    with pytest.raises(InputError, match="stillmotion.Depth"):
        next(animate_frames(image, depth.values, AnimateConfig()))


def test_animate_frames_upscales_as_animate_does(texture, monkeypatch):
    """``upscale`` was ignored by animate_frames (animate applied it): the photo is super-resolved and the
    depth resampled to it."""
    import cv2

    from stillmotion.grade import upscale as upscale_module

    calls = []

    def fake_upscale(image, *, factor, model):
        calls.append((image.shape, factor, model))
        return cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)

    monkeypatch.setattr(upscale_module, "upscale", fake_upscale)
    image, depth = _scene(texture)
    config = AnimateConfig(motion="pan_right", duration_s=0.25, fps=8, size="128x96", upscale=2)
    frames = list(animate_frames(image, depth, config))
    assert calls == [((48, 64, 3), 2, "fast")]
    assert frames[0].shape == (96, 128, 3)


@pytest.mark.parametrize(
    ("option", "message"),
    [({"fps": 0.0}, "fps must be within"), ({"duration_s": 1e4}, "duration must be within"),
     ({"fov_deg": 0.0}, "fov must be within"), ({"intensity": 50.0}, "intensity must be within")],
)  # fmt: skip
def test_bad_numbers_are_refused_before_the_depth_is_found(tmp_path, monkeypatch, option, message):
    import cv2

    from stillmotion import api
    from stillmotion.errors import InputError

    cv2.imwrite(str(tmp_path / "p.png"), np.full((40, 60, 3), 90, np.uint8))
    monkeypatch.setattr(api, "load_depth", lambda *a, **k: pytest.fail("depth was estimated first"))
    with pytest.raises(InputError, match=message):
        api.animate(tmp_path / "p.png", tmp_path / "o.mp4", config=AnimateConfig(**option))
    assert not (tmp_path / "o.mp4").exists()
    # animate_frames too: before the face search and hints of adjust_depth (and any upscale)
    monkeypatch.setattr(api, "adjust_depth", lambda *a, **k: pytest.fail("the depth was adjusted first"))
    depth = Depth(np.ones((40, 60), np.float32), DepthKind.INVERSE)
    with pytest.raises(InputError, match=message):
        next(api.animate_frames(np.full((40, 60, 3), 0.35, np.float32), depth, AnimateConfig(**option)))
