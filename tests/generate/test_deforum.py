"""Deforum settings, 2D motion conventions, the generative loop (cadence, seeds) and a classical run."""

from __future__ import annotations

import json
import os
from pathlib import Path
import logging

import numpy as np
import pytest

from stillmotion.cli import main
from stillmotion.generate.classical_repair import ClassicalRepair, fill_holes
from stillmotion.generate.color import match_colors
from stillmotion.generate.deforum_settings import read_settings
from stillmotion.generate.frame_ops import add_noise, unsharp_mask
from stillmotion.generate.loop import FrameControls, generative_frames
from stillmotion.generate.motion2d import affine_matrix, warp_2d
from stillmotion.generate.motion3d import compose, deforum_delta, long_side_fov_deg, state_from_pose
from stillmotion.generate.seeds import seed_sequence



def _dot_image(w=40, h=30, x=10, y=12):
    image = np.zeros((h, w, 3), np.float32)
    image[y, x] = 1.0
    return image


def _dot(image):
    y, x = np.unravel_index(np.argmax(image[..., 0]), image.shape[:2])
    return x, y


def test_2d_translation_moves_the_picture_right_and_down():
    image = _dot_image()
    out, holes = warp_2d(image, affine_matrix(40, 30, translation_x=3, translation_y=2))
    assert _dot(out) == (13, 14)
    assert holes[:, :3].all() and holes[:2].all() and not holes[5:, 5:].any()


def test_2d_zoom_and_angle_about_the_centre():
    image = _dot_image(x=30, y=15)  # 10 px right of the centre (20, 15)
    assert _dot(warp_2d(image, affine_matrix(40, 30, zoom=1.5))[0]) == (35, 15)
    # positive angle turns the picture counter-clockwise: a point right of the centre goes up
    assert _dot(warp_2d(image, affine_matrix(40, 30, angle_deg=90))[0]) == (20, 5)


def test_2d_wrap_border_has_no_holes():
    image = _dot_image(x=39)
    out, holes = warp_2d(image, affine_matrix(40, 30, translation_x=2), border="wrap")
    assert _dot(out) == (1, 12) and not holes.any()


def test_3d_mapping_and_pose_composition():
    delta = deforum_delta(translation_x=10, translation_y=4, translation_z=20, rotation_y_deg=2)
    assert (delta.x, delta.y, delta.z, delta.ry_deg) == (0.05, -0.02, 0.1, 2)
    pose = np.eye(4)
    for _ in range(5):
        pose = compose(pose, deforum_delta(rotation_y_deg=3, rotation_z_deg=1))
    state = state_from_pose(pose)
    assert state.ry_deg == pytest.approx(15, abs=0.2) and state.rz_deg == pytest.approx(5, abs=0.2)
    assert long_side_fov_deg(40, 512, 512) == 40
    assert long_side_fov_deg(40, 1024, 512) == pytest.approx(2 * np.degrees(np.arctan(2 * np.tan(np.radians(20)))))


def test_seed_behaviours():
    take = lambda it, n: [next(it) for _ in range(n)]  # noqa: E731
    assert take(seed_sequence(5, "iter"), 4) == [5, 6, 7, 8]
    assert take(seed_sequence(5, "iter", iter_n=2), 5) == [5, 6, 6, 7, 7]
    assert take(seed_sequence(5, "fixed"), 3) == [5, 5, 5]
    assert take(seed_sequence(5, "ladder"), 5) == [5, 7, 6, 8, 7]
    assert take(seed_sequence(5, "alternate"), 4) == [5, 6, 5, 6]
    randoms = take(seed_sequence(5, "random"), 4)
    assert randoms[0] == 5 and len(set(randoms)) == 4


class _ShiftMotion:
    """Adds 0.01 per frame: frame i's warp of an image is image + 0.01."""

    def start(self, first):
        pass

    def step(self, images, frame):
        return [(image + 0.01, np.zeros(image.shape[:2], bool)) for image in images]

    def reference(self, frame):
        return None


class _RecordingRepair:
    name = "recording"

    def __init__(self):
        self.calls = []

    def repair(self, init, *, strength, holes, reference, controls, seed):
        self.calls.append((float(init.mean()), strength, seed))
        return np.full_like(init, len(self.calls) / 10)  # the k-th repair returns the constant k / 10


def test_generative_loop_cadence_tweens_like_deforum():
    first = np.zeros((4, 4, 3), np.float32)
    repair = _RecordingRepair()
    controls = [FrameControls(strength=0.5 + i / 100, noise=0, amount=0) for i in range(7)]
    frames = list(generative_frames(first, frame_count=7, motion=_ShiftMotion(), repairer=repair, controls=controls,
                                    seeds=iter([11, 12, 13]), color_mode=None, cadence=3))  # fmt: skip
    values = [float(f.mean()) for f in frames]
    assert len(values) == 7
    # keys 0, 3, 6. Frames 0-2: first warped forward. Key 3 repairs the frame-2 image warped once more.
    np.testing.assert_allclose(values[:3], [0, 0.01, 0.02], atol=1e-6)
    assert repair.calls[0][0] == pytest.approx(0.03) and repair.calls[0][1:] == (0.53, 11)
    # frames 3-5: older (first, warped on) and newest (repair 1, warped on) cross-faded (i - 3 + 1) / 3
    older = [0.03, 0.04, 0.05]
    newest = [0.1, 0.11, 0.12]
    for j in range(3):
        w = (j + 1) / 3
        assert values[3 + j] == pytest.approx((1 - w) * older[j] + w * newest[j], abs=1e-5)
    assert repair.calls[1][0] == pytest.approx(0.13) and repair.calls[1][2] == 12
    assert values[6] == pytest.approx((1 - 1 / 3) * 0.13 + (1 / 3) * 0.2, abs=1e-5)  # last frames emitted too


def test_generative_loop_cadence_one_repairs_every_frame():
    repair = _RecordingRepair()
    frames = list(generative_frames(np.zeros((2, 2, 3), np.float32), frame_count=4, motion=_ShiftMotion(),
                                    repairer=repair, controls=[FrameControls(noise=0)] * 4, seeds=iter(range(10)),
                                    color_mode=None, cadence=1))  # fmt: skip
    np.testing.assert_allclose([float(f.mean()) for f in frames], [0, 0.1, 0.2, 0.3], atol=1e-6)
    assert len(repair.calls) == 3


def test_colour_matching_moves_histograms_to_the_reference():
    rng = np.random.default_rng(0)
    reference = rng.uniform(0.2, 0.6, (32, 32, 3)).astype(np.float32)
    shifted = np.clip(reference * 1.4 + 0.2, 0, 1)
    for mode in ("rgb", "hsv", "lab"):
        matched = match_colors(shifted, reference, mode)
        assert abs(matched.mean() - reference.mean()) < 0.25 * abs(shifted.mean() - reference.mean())


def test_colour_matcher_agrees_with_scikit_image():
    from skimage import data
    from skimage.exposure import match_histograms

    from stillmotion.generate.color import ColorMatcher, _from_space, _to_space

    rng = np.random.default_rng(1)
    image = data.astronaut()[::4, ::4].astype(np.float32) / 255
    image = np.clip(image + rng.normal(0, 0.01, image.shape).astype(np.float32), 0, 1)
    reference = data.coffee()[::4, ::4].astype(np.float32) / 255
    for mode in ("rgb", "lab"):
        ours = ColorMatcher(reference, mode)(image)
        theirs = _from_space(match_histograms(_to_space(image, mode), _to_space(reference, mode), channel_axis=-1), mode)
        assert np.abs(ours - theirs).mean() < 0.005


def test_unsharp_and_noise_units():
    image = np.full((16, 16, 3), 0.5, np.float32)
    image[:, 8:] = 0.6
    sharp = unsharp_mask(image, kernel=5, sigma=1.0, amount=1.0)
    assert sharp[:, 7].mean() < 0.5 and sharp[:, 8].mean() > 0.6  # overshoot at the edge
    np.testing.assert_array_equal(unsharp_mask(image, amount=1.0, threshold=255), image)
    noisy = add_noise(np.full((64, 64, 3), 0.5, np.float32), 0.1, seed=1)
    assert noisy.std() == pytest.approx(0.05, rel=0.1)  # Deforum's [-1, 1] units: half in [0, 1]


def test_classical_repair_fills_holes_and_restores_from_reference():
    image = np.full((20, 20, 3), 0.4, np.float32)
    holes = np.zeros((20, 20), bool)
    holes[:, :3] = True
    image[holes] = 0.0
    filled = fill_holes(image, holes)
    assert abs(filled[:, :3].mean() - 0.4) < 0.02 and np.array_equal(filled[:, 3:], image[:, 3:])
    reference = np.full((20, 20, 3), 0.8, np.float32)
    valid = np.ones((20, 20), bool)
    valid[:, 15:] = False
    out = ClassicalRepair(feather_px=0).repair(image, strength=0.75, holes=None, reference=(reference, valid))
    assert out[10, 10, 0] == pytest.approx(0.8) and out[10, 17, 0] == pytest.approx(0.4)
    out = ClassicalRepair(feather_px=0, keep=0.25).repair(image, strength=0.75, holes=None, reference=(reference, valid))
    assert out[10, 10, 0] == pytest.approx(0.25 * 0.4 + 0.75 * 0.8)


def _settings_file(tmp_path, **extra):
    data = {
        "animation_mode": "2D", "max_frames": 6, "W": 100, "H": 68, "border": "replicate",
        "zoom": "0: (1.03)", "angle": "0:(0), 3:(2)", "translation_x": "0:(1)", "strength_schedule": "0: (0.65)",
        "noise_schedule": "0: (0.01)", "color_coherence": "Match Frame 0 LAB", "diffusion_cadence": "1",
        "seed": 3, "seed_behavior": "fixed", "prompts": {"0": "a forest --neg blurry", "max_f/2": "a river"},
        "sampler": "euler_ancestral", "outdir": "/content/out",
    }  # fmt: skip
    data.update(extra)
    path = tmp_path / "settings.txt"
    path.write_text(json.dumps(data))
    return path


def test_read_settings(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        settings = read_settings(_settings_file(tmp_path))
    assert (settings.mode, settings.max_frames, settings.width, settings.height) == ("2D", 6, 96, 64)
    assert settings.color_coherence == "lab" and settings.seed_behavior == "fixed"
    np.testing.assert_allclose(settings.series("angle"), [0, 2 / 3, 4 / 3, 2, 2, 2])
    assert settings.prompt_at(0) == ("a forest", "blurry") and settings.prompt_at(3) == ("a river", "")
    assert settings.ignored == ("outdir", "sampler")
    assert "outdir, sampler" in caplog.text


def test_bad_settings_name_the_key(tmp_path, capsys):
    path = _settings_file(tmp_path, zoom="0:(1.0), 10:(1.02+)")
    assert main(["deforum", str(path), "-o", str(tmp_path / "x.mp4"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: zoom: key 2")
    path = _settings_file(tmp_path)
    assert main(["deforum", str(path), "-o", str(tmp_path / "x.mp4"), "--quiet"]) == 2
    assert "needs an init image" in capsys.readouterr().err
    assert main(["deforum", str(path), "-o", str(tmp_path / "x.mp4"), "--image", "nope.jpg", "--quiet"]) == 2
    assert "init image not found" in capsys.readouterr().err


def test_a_bad_option_is_the_only_line_even_for_a_file_with_unused_settings(tmp_path):
    # the "N settings not used" warning came first: two lines under --quiet
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    for option in (["--fps", "0"], ["--size", "abc"]):
        res = subprocess.run([sys.executable, "-m", "stillmotion", "deforum", str(root / "examples" / "deforum_2d_settings.txt"),
                              "--image", str(root / "examples" / "astronaut.jpg"), "-o", str(tmp_path / "d.mp4"),
                              *option, "--quiet"], capture_output=True, text=True, timeout=120,
                             env={**os.environ, "PYTHONPATH": str(root / "src")})  # fmt: skip
        assert res.returncode == 2
        assert len(res.stderr.strip().splitlines()) == 1 and res.stderr.startswith("error: "), res.stderr


def test_classical_2d_run_end_to_end(tmp_path):
    from skimage import data

    from stillmotion.io import write_image

    photo = tmp_path / "coffee.png"
    write_image(photo, data.coffee().astype(np.float32) / 255)
    out = tmp_path / "run"
    assert main(["deforum", str(_settings_file(tmp_path)), "-o", f"{out}/", "--image", str(photo), "--quiet"]) == 0
    frames = sorted(out.glob("*.png"))
    assert len(frames) == 6
    import cv2

    first, last = (cv2.imread(str(f)).astype(np.float32) / 255 for f in (frames[0], frames[-1]))
    assert first.shape == (64, 96, 3)
    assert 0.01 < np.abs(first - last).mean() < 0.3  # it moved, and is still the same scene
    assert abs(first.mean() - last.mean()) < 0.05  # colour coherence kept the tones


def test_an_init_image_in_pillarbox_bars_starts_without_them(tmp_path):
    """The bars were warped with the picture and swept into it as black wedges (animate cuts them)."""
    import cv2
    from skimage import data

    from stillmotion.io import write_image

    picture = data.coffee()[:, 100:500].astype(np.float32) / 255  # 400x400
    write_image(tmp_path / "boxed.png", np.pad(picture, ((0, 0), (80, 80), (0, 0))))
    out = tmp_path / "run"
    assert main(["deforum", str(_settings_file(tmp_path)), "-o", f"{out}/", "--image", str(tmp_path / "boxed.png"),
                 "--quiet"]) == 0  # fmt: skip
    first = cv2.imread(str(sorted(out.glob("*.png"))[0])).astype(np.float32) / 255
    assert first[:, :4].mean() > 0.1 and first[:, -4:].mean() > 0.1  # picture to both side edges, no black bars


def _shift(a, b):
    import cv2

    (dx, dy), _ = cv2.phaseCorrelate(cv2.cvtColor(a, cv2.COLOR_RGB2GRAY), cv2.cvtColor(b, cv2.COLOR_RGB2GRAY))
    return dx, dy


def test_3d_conventions_through_the_renderer():
    """Deforum's 3D translation_x > 0 slides the picture left, translation_y > 0 slides it down,
    rotation_3d_y > 0 slides it left (the camera turns right)."""
    from skimage import data

    from stillmotion.generate.motion3d import render_3d
    from stillmotion.types import Depth, DepthKind

    image = np.ascontiguousarray(data.astronaut()[::4, ::4]).astype(np.float32) / 255
    depth = Depth(np.ones(image.shape[:2], np.float32), DepthKind.METRIC)
    for delta, sign_x, sign_y in [
        (deforum_delta(translation_x=20), -1, 0),
        (deforum_delta(translation_y=20), 0, 1),
        (deforum_delta(rotation_y_deg=3), -1, 0),
        (deforum_delta(rotation_x_deg=3), 0, 1),
    ]:
        moved, holes = render_3d(image, depth, delta, fov_deg=40)
        dx, dy = _shift(image, moved)
        assert (np.sign(round(dx)), np.sign(round(dy))) == (sign_x, sign_y), (delta, dx, dy)
        assert holes.any()  # the uncovered border is reported


def test_classical_3d_run(tmp_path):
    from skimage import data

    from stillmotion.io import write_image

    photo = tmp_path / "cat.png"
    write_image(photo, data.chelsea()[::4, ::4].astype(np.float32) / 255)
    path = _settings_file(tmp_path, animation_mode="3D", translation_z="0:(20)", rotation_3d_y="0:(0.5)",
                          diffusion_cadence="2")  # fmt: skip
    out = tmp_path / "run3d"
    assert main(["deforum", str(path), "-o", f"{out}/", "--image", str(photo), "--quiet"]) == 0
    import cv2

    frames = [cv2.imread(str(f)).astype(np.float32) / 255 for f in sorted(out.glob("*.png"))]
    assert len(frames) == 6 and np.abs(frames[0] - frames[-1]).mean() > 0.01


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json {", "not a Deforum settings file"),
        ('["a list"]', "expected a JSON object"),
        ('{"animation_mode": "Video Input"}', "animation_mode"),
        ('{"border": "smear"}', "border"),
        ('{"max_frames": 0}', "max_frames"),
        ('{"color_coherence": "purple"}', "color_coherence"),
        ('{"seed": "abc"}', "seed: expected an integer"),
        ('{"fps": "abc"}', "fps: expected a number"),
        ('{"fps": 0}', "fps: expected a number in (0, 240]"),
        ('{"strength": "abc"}', "strength: expected a number"),
        ('{"W": Infinity}', "W: expected an integer"),
        ('{"diffusion_cadence": Infinity}', "diffusion_cadence: expected an integer"),
    ],
)
def test_bad_settings_files(tmp_path, capsys, text, message):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    assert main(["deforum", str(path), "-o", str(tmp_path / "o.mp4"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and message in err[0]


def test_null_seed_is_random_and_a_bad_3d_fov_is_an_error(tmp_path, capsys):
    assert read_settings(_settings_file(tmp_path, seed=None)).seed == -1
    path = _settings_file(tmp_path, animation_mode="3D", max_frames=3, fov_schedule="0:(40), 2:(0)")
    from stillmotion.io import write_image

    write_image(tmp_path / "init.png", np.full((64, 96, 3), 0.5, np.float32))
    code = main(["deforum", str(path), "-o", str(tmp_path / "o.mp4"), "--image", str(tmp_path / "init.png"), "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err == ["error: fov_schedule: frame 2 gives 0 degrees; expected 1..170"]
    assert not (tmp_path / "o.mp4").exists()


def test_a_2d_zoom_of_zero_and_a_tiny_init_image_are_errors(tmp_path, capsys):
    # zoom 0 (or 1e9) made blank frames from frame 1 on; a 1x1 init image ran
    from stillmotion.io import write_image

    write_image(tmp_path / "init.png", np.full((64, 96, 3), 0.5, np.float32))
    write_image(tmp_path / "dot.png", np.full((1, 1, 3), 0.5, np.float32))
    for zoom, message in (("0:(1.0), 3:(0)", "zoom: frame 3 gives 0; expected 0.1..10"), ("0:(1e9)", "zoom: frame 0 gives 1e+09")):
        path = _settings_file(tmp_path, zoom=zoom)
        code = main(["deforum", str(path), "-o", str(tmp_path / "o.mp4"), "--image", str(tmp_path / "init.png"), "--quiet"])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1 and err[0].startswith(f"error: {message}"), err
    code = main(["deforum", str(_settings_file(tmp_path)), "-o", str(tmp_path / "o.mp4"), "--image", str(tmp_path / "dot.png"),
                 "--quiet"])  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err == [f"error: init image {tmp_path / 'dot.png'} is 1x1: too small (at least 8 px a side)"]
    assert not (tmp_path / "o.mp4").exists()


def test_steps_follow_a1111s_switch():
    from stillmotion.generate.deforum_settings import settings_from_mapping

    def steps(**data):
        return settings_from_mapping(data, base=Path(".")).series("steps_schedule")[0]

    assert steps(steps=30, steps_schedule="0:(10)") == 30
    assert steps(steps=30, steps_schedule="0:(10)", enable_steps_scheduling=True) == 10
    assert steps(steps_schedule="0:(12)") == 12 and steps(steps=7) == 7


def test_frames_override_moves_max_f_prompt_keys(tmp_path):
    # --frames 6 on a 100-frame file kept "max_f/2" at frame 49: every frame used the first prompt
    path = _settings_file(tmp_path, max_frames=100, prompts={"0": "the fox", "max_f/2": "the moon", "max_f": "the sea"})
    settings = read_settings(path, max_frames=6)
    assert settings.max_frames == 6
    assert [settings.prompt_at(i)[0] for i in (0, 1, 2, 5)] == ["the fox", "the fox", "the moon", "the sea"]  # max_f = 5


def test_a_bad_init_image_is_the_only_line(tmp_path, capsys, caplog):
    # "2 settings not used by stillmotion: ..." came before "error: cannot read photo text.jpg"
    (tmp_path / "text.jpg").write_text("not a photo\n")
    path = _settings_file(tmp_path)  # its outdir and sampler are not used: a warning when the file is read
    with caplog.at_level(logging.WARNING):
        code = main(["deforum", str(path), "-o", str(tmp_path / "o.mp4"), "--image", str(tmp_path / "text.jpg")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith(f"error: cannot read photo {tmp_path / 'text.jpg'}")
    assert caplog.records == [] and not (tmp_path / "o.mp4").exists()


def _fine_texture(width, height, *, shift_x=0.0):
    """A band-limited texture (three gratings up to 0.27 cycles/pixel) sampled at x + shift_x: the
    exact picture of a flat scene panned by shift_x pixels."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    xs += shift_x
    grey = 0.5 + sum(0.12 * np.cos(2 * np.pi * (fx * xs + fy * ys) + phase)
                     for fx, fy, phase in ((0.23, 0.07, 0.0), (0.05, 0.27, 1.0), (0.17, 0.19, 2.0)))  # fmt: skip
    return np.repeat(grey[..., None], 3, axis=2).astype(np.float32)


def _laplacian_energy(image, margin=8):
    import cv2

    lap = cv2.Laplacian(image[..., 0] * np.float32(255), cv2.CV_32F, ksize=1)[margin:-margin, margin:-margin]
    return float(np.mean(lap.astype(np.float64) ** 2))


def _flat_3d_run(monkeypatch, width, height, frames, **motion):
    """The classical 3D run's frames of ``_fine_texture`` on a flat scene at depth 1."""
    from stillmotion.generate.deforum_motion import Motion3D
    from stillmotion.generate.deforum_run import deforum_frames
    from stillmotion.generate.deforum_settings import settings_from_mapping
    from stillmotion.types import Depth, DepthKind

    monkeypatch.setattr(Motion3D, "_depth", staticmethod(lambda image: Depth(np.ones(image.shape[:2], np.float32),
                                                                             DepthKind.METRIC)))  # fmt: skip
    settings = settings_from_mapping({"animation_mode": "3D", "W": width, "H": height, "max_frames": frames,
                                      "fov_schedule": "0: (40)", **motion}, base=Path("."))  # fmt: skip
    return list(deforum_frames(settings, init_image=_fine_texture(width, height)))


def test_classical_3d_pan_keeps_the_detail_of_the_photo_warped_once(monkeypatch):
    """A slow pan over a flat textured scene: every frame is the init image moved by a fraction of a
    pixel more. Bilinear resampling blurred those frames to 0.79-0.97 of the texture's fine detail
    (mean squared Laplacian), varying from frame to frame (sharpness flicker), with an RMS error of
    up to 0.024 against the exactly panned texture; each frame now keeps it within 5%, and the error
    stays under 0.01."""
    from stillmotion.generate.motion3d import long_side_fov_deg
    from stillmotion.types import Intrinsics

    w, h, tx = 96, 64, 1.0
    frames = _flat_3d_run(monkeypatch, w, h, 13, translation_x=f"0: ({tx})")
    px_per_frame = Intrinsics.from_fov(w, h, long_side_fov_deg(40, w, h)).fx * tx / 200  # depth 1: fx * x / z
    assert 0.3 < px_per_frame % 1 < 0.7  # sub-pixel positions, where bilinear blurs most
    first = _laplacian_energy(frames[0])
    ratios = [_laplacian_energy(frame) / first for frame in frames[1:]]
    assert min(ratios) > 0.95 and max(ratios) < 1.02, ratios
    inner = (slice(8, -8), slice(8, -8))
    errors = [np.sqrt(np.mean((frame - _fine_texture(w, h, shift_x=i * px_per_frame))[inner] ** 2))
              for i, frame in enumerate(frames)]  # fmt: skip
    assert max(errors) < 0.01, errors


def test_classical_3d_still_camera_keeps_the_init_image(monkeypatch):
    frames = _flat_3d_run(monkeypatch, 48, 32, 4)
    for frame in frames[1:]:
        np.testing.assert_allclose(frame, frames[0], atol=1e-5)


def test_classical_3d_flight_reveals_no_colour_the_ground_lacks(monkeypatch):
    """Deforum's 3D example flies forward and sideways far enough that its parallax reaches across the
    whole photo. What the flight uncovers behind the ground used to be painted from the only part of the
    photo left to copy from, the sky: sky-blue smudges along the ground's edges (the stream photo's
    grey-violet ones), growing frame by frame. The ground now stays the ground's colours in every frame."""
    from stillmotion.generate.deforum_motion import Motion3D
    from stillmotion.generate.deforum_run import deforum_frames
    from stillmotion.generate.deforum_settings import settings_from_mapping
    from stillmotion.types import Depth, DepthKind

    w, h = 128, 96
    rng = np.random.default_rng(5)
    image = np.empty((h, w, 3), np.float32)
    z = np.empty((h, w), np.float32)
    for i, top in enumerate(range(0, h, 12)):  # terraces of brown and green ground, nearer down the frame
        image[top : top + 12] = (0.45, 0.4, 0.22) if i % 2 else (0.3, 0.45, 0.2)
        z[top : top + 12] = 4.0 / (1 + i)
    image += rng.normal(0, 0.04, (h, w, 1)).astype(np.float32)
    image[:6], z[:6] = (0.35, 0.5, 0.9), 10.0  # a strip of sky
    image = np.clip(image, 0, 1)
    monkeypatch.setattr(Motion3D, "_depth", staticmethod(lambda img: Depth(z.copy(), DepthKind.METRIC)))
    settings = settings_from_mapping({"animation_mode": "3D", "W": w, "H": h, "max_frames": 24, "fov_schedule": "0: (40)",
                                      "translation_z": "0: (3)", "translation_x": "0: (3)"}, base=Path("."))  # fmt: skip
    ground = np.s_[30:, :]  # the flight rises over the ground: the sky stays above this

    def blue_excess(frame):
        return (frame[..., 2] - 0.5 * (frame[..., 0] + frame[..., 1]))[ground]

    limit = float(blue_excess(image).max()) + 0.05
    worst = [float(blue_excess(frame).max()) for frame in deforum_frames(settings, init_image=image)]
    assert max(worst) < limit, (limit, worst)


def _panned_again_and_again(step, width, height, frames):
    """The frames of a run that warps each frame again (a generator's run, or ``keep`` > 0): ``step``
    warps one frame to the next; the first is ``_fine_texture``."""
    frame = _fine_texture(width, height)
    out = [frame]
    for _ in range(frames - 1):
        frame = step(frame)
        out.append(frame)
    return out


def test_2d_warps_of_warps_keep_the_detail():
    """Deforum's 2D mode warps the previous frame every frame. Bilinear resampling blurred a texture
    panned by 0.37 px a frame to 0.30 of its fine detail after 12 warps (RMS error 0.11 against the
    exactly panned texture); clamped Lanczos keeps 0.64 (error 0.04)."""
    from stillmotion.generate.motion2d import affine_matrix, warp_2d

    w, h, shift = 96, 64, 0.37
    matrix = affine_matrix(w, h, translation_x=shift)
    frames = _panned_again_and_again(lambda f: warp_2d(f, matrix)[0], w, h, 13)
    inner = (slice(8, -8), slice(16, -16))
    first = _laplacian_energy(frames[0])
    assert _laplacian_energy(frames[-1]) > 0.5 * first
    exact = _fine_texture(w, h, shift_x=-12 * shift)  # the picture moves right: x shows what was at x - shift
    assert np.sqrt(np.mean((frames[-1] - exact)[inner] ** 2)) < 0.06


def test_3d_warps_of_warps_keep_the_detail(monkeypatch):
    """Deforum's 3D mode with a generator renders the previous frame from the next camera every frame
    (:func:`stillmotion.generate.motion3d.render_3d`): the same through the renderer (0.29 of the detail
    and an error of 0.11 after 12 bilinear renders; 0.63 and 0.04 now)."""
    from stillmotion.generate.deforum_motion import Motion3D
    from stillmotion.generate.motion3d import long_side_fov_deg
    from stillmotion.types import Depth, DepthKind, Intrinsics

    monkeypatch.setattr(Motion3D, "_depth", staticmethod(lambda image: Depth(np.ones(image.shape[:2], np.float32),
                                                                             DepthKind.METRIC)))  # fmt: skip
    w, h, tx = 96, 64, 1.0
    series = {key: np.zeros(13) for key in ("translation_y", "translation_z", "rotation_3d_x", "rotation_3d_y",
                                            "rotation_3d_z")}  # fmt: skip
    motion = Motion3D({**series, "translation_x": np.full(13, tx), "fov_schedule": np.full(13, 40.0)}, width=w, height=h)
    frames = _panned_again_and_again(lambda f: motion.step([f], 1)[0][0], w, h, 13)
    px_per_frame = Intrinsics.from_fov(w, h, long_side_fov_deg(40, w, h)).fx * tx / 200
    inner = (slice(8, -8), slice(16, -16))
    assert _laplacian_energy(frames[-1]) > 0.5 * _laplacian_energy(frames[0])
    exact = _fine_texture(w, h, shift_x=12 * px_per_frame)
    assert np.sqrt(np.mean((frames[-1] - exact)[inner] ** 2)) < 0.06


def test_a_random_seed_is_the_s_of_the_schedules_and_prompts(tmp_path, monkeypatch):
    """With ``seed: -1`` Deforum fixes the seed first, and ``s`` is that seed; stillmotion evaluated the
    schedules with s = 0 (and the prompts with s = -1) while the run drew another seed."""
    import stillmotion.generate.deforum_settings as deforum_settings

    monkeypatch.setattr(deforum_settings, "resolve_seed", lambda seed: 1234 if seed == -1 else seed)
    path = _settings_file(tmp_path, seed=-1, translation_x="0:(s)", prompts={"0": "a", "s-1234": "b"})
    settings = read_settings(path)
    assert settings.seed == -1 and settings.run_seed == 1234
    assert np.all(settings.series("translation_x") == 1234)
    assert settings.prompt_at(0) == ("b", "")  # the key "s-1234" is frame 0, and replaces "a"
    assert read_settings(_settings_file(tmp_path, seed=7)).run_seed == 7


def test_init_settings_found_by_qa(tmp_path, caplog):
    """``use_init`` was reported as unused when ``init_image`` was empty, and a URL init_image (A1111's
    default) was skipped without a word."""
    with caplog.at_level("WARNING"):
        settings = read_settings(_settings_file(tmp_path, use_init=True, init_image=""))
    assert "use_init" not in settings.ignored
    with caplog.at_level("WARNING"):
        settings = read_settings(_settings_file(tmp_path, use_init=True, init_image="https://example.com/I1.png"))
    assert settings.init_image is None
    assert "init_image https://example.com/I1.png is a URL, which stillmotion never downloads" in caplog.text


def test_ignored_settings_that_change_the_motion_are_named_apart(tmp_path, caplog):
    """An A1111 file's ~85 unused keys were one line, burying a perspective flip or hybrid motion."""
    many = {f"batch_{i}": i for i in range(9)}  # with outdir, sampler and two defaults: 13 unused
    path = _settings_file(tmp_path, enable_perspective_flip=True, hybrid_motion="Optical Flow",
                          use_depth_warping=True, optical_flow_cadence="None", **many)  # fmt: skip
    with caplog.at_level("DEBUG", logger="stillmotion.generate.deforum_settings"):
        read_settings(path)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings[0].endswith("settings that change Deforum's motion are not supported and were ignored: "
                                "enable_perspective_flip=True, hybrid_motion=Optical Flow")  # fmt: skip
    assert warnings[1].endswith("13 other settings not used by stillmotion (samplers, paths, ...; --debug lists them)")
    assert any("not used: batch_0" in r.getMessage() and "optical_flow_cadence, outdir, sampler, use_depth_warping"
               in r.getMessage() for r in caplog.records if r.levelname == "DEBUG")  # fmt: skip
