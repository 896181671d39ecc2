"""Generators through diffusers: tiny random pipelines built from configs, saved, loaded back through
our loader and run end to end (text-to-image, image-to-image, inpaint, the Deforum loop), offline."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from stillmotion.cli import main
from stillmotion.errors import MissingExtraError, ModelNotFoundError
from stillmotion.generate.deforum_run import deforum_frames
from stillmotion.generate.deforum_settings import settings_from_mapping
from stillmotion.generate.diffusion_repair import DiffusionRepair
from stillmotion.generate.loop import FrameControls

pytest.importorskip("diffusers")
pytest.importorskip("transformers")
pytest.importorskip("torch")

sys.path.insert(0, str(Path(__file__).parent))
import tiny_models  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sd15_dir(tmp_path_factory):
    return tiny_models.build_sd15(tmp_path_factory.mktemp("models") / "sd15")


@pytest.fixture(scope="module")
def kandinsky_dir(tmp_path_factory):
    return tiny_models.build_kandinsky(tmp_path_factory.mktemp("models") / "kandinsky")


def _settings(**extra):
    data = {"animation_mode": "2D", "max_frames": 5, "W": 32, "H": 32, "zoom": "0:(1.05)", "translation_x": "0:(1)",
            "strength_schedule": "0:(0.6)", "noise_schedule": "0:(0.02)", "diffusion_cadence": "2", "seed": 10,
            "seed_behavior": "iter", "steps": 4, "scale": 7, "prompts": {"0": "the red fox", "2": "the moon"}}  # fmt: skip
    data.update(extra)
    return settings_from_mapping(data, base=Path("."))


def test_sd15_loop_end_to_end_with_cached_prompts(sd15_dir):
    from stillmotion.generate.generators import load_generator

    generator = load_generator("sd15", model=str(sd15_dir), device="cpu")
    frames = list(deforum_frames(_settings(), generator=generator))  # text-to-image start, no init image
    assert len(frames) == 5 and all(f.shape == (32, 32, 3) and f.dtype == np.float32 for f in frames)
    assert all(0 <= f.min() and f.max() <= 1 for f in frames)
    assert np.abs(frames[0] - frames[4]).mean() > 1e-3
    assert generator.encodings == 2  # two prompts, each encoded once for all frames
    inpainted = generator.inpaint(frames[0], np.eye(32, dtype=bool) | np.eye(32, dtype=bool)[::-1], "the moon",
                                  denoise=1.0, seed=1, steps=3)  # fmt: skip
    keep = ~(np.eye(32, dtype=bool) | np.eye(32, dtype=bool)[::-1])
    np.testing.assert_array_equal(inpainted[keep], frames[0][keep])


def test_kandinsky_text_img2img_inpaint(kandinsky_dir):
    from stillmotion.generate.generators import load_generator

    generator = load_generator("kandinsky", model=str(kandinsky_dir))
    first = generator.text2img("the red fox", "", width=32, height=32, seed=3, steps=3)
    again = generator.text2img("the red fox", "", width=32, height=32, seed=3, steps=3)
    np.testing.assert_array_equal(first, again)  # seeded
    moved = generator.img2img(first, "the red fox", denoise=0.5, seed=4, steps=4)
    assert moved.shape == (32, 32, 3) and np.abs(moved - first).mean() > 1e-3
    mask = np.zeros((32, 32), bool)
    mask[:, :6] = True
    filled = generator.inpaint(first, mask, "the red fox", seed=5, steps=3)
    np.testing.assert_array_equal(filled[:, 6:], first[:, 6:])
    assert np.abs(filled[:, :6] - first[:, :6]).mean() > 1e-3
    assert generator.encodings == 1


def test_kandinsky_deforum_cli_with_inpainted_borders(kandinsky_dir, tmp_path, monkeypatch):
    settings = tmp_path / "run.json"
    settings.write_text(json.dumps({"animation_mode": "2D", "max_frames": 3, "W": 32, "H": 32,
                                    "zoom": "0:(0.9)", "steps": 3, "prompts": {"0": "the moon"}, "seed": 1}))  # fmt: skip
    out = tmp_path / "frames"
    from stillmotion.generate.generators import KandinskyGenerator

    calls = []
    real = KandinskyGenerator.inpaint
    # the flag used to be set on the generator, where nothing read it: no inpaint call at all
    monkeypatch.setattr(KandinskyGenerator, "inpaint", lambda self, *a, **k: calls.append(1) or real(self, *a, **k))
    code = main(["deforum", str(settings), "-o", f"{out}/", "--generator", "kandinsky", "--model", str(kandinsky_dir),
                 "--inpaint-holes", "--quiet"])  # fmt: skip
    assert code == 0 and len(list(out.glob("*.png"))) == 3
    assert len(calls) == 2  # every warp after the first frame uncovers a border at zoom 0.9


def test_sdxl_loads_and_generates(tmp_path):
    from stillmotion.generate.generators import load_generator

    folder = tiny_models.build_sdxl(tmp_path / "sdxl")
    generator = load_generator("sdxl", model=str(folder))
    image = generator.text2img("the moon", "blurry", width=32, height=32, seed=1, steps=2)
    moved = generator.img2img(image, "the moon", "blurry", denoise=0.5, seed=2, steps=4)
    assert image.shape == moved.shape == (32, 32, 3) and np.abs(moved - image).mean() > 1e-3

    # SDXL's inpainting defaults to strength 0.9999: one step left nothing to run
    from stillmotion.inpaint import inpaint

    hole = np.zeros((32, 32), bool)
    hole[8:20, 8:24] = True
    filled = inpaint(image, hole, backend="diffusion", model=str(folder), steps=1)
    assert np.array_equal(filled[~hole], image[~hole]) and not np.allclose(filled[hole], image[hole])


def test_a_model_of_the_other_family_is_refused(sd15_dir, tmp_path):
    from stillmotion.generate.generators import load_generator

    xl = tiny_models.build_sdxl(tmp_path / "sdxl")
    with pytest.raises(ModelNotFoundError, match="Stable Diffusion XL model; choose generator sdxl"):
        load_generator("sd15", model=str(xl))
    with pytest.raises(ModelNotFoundError, match="1.x/2.x model; choose generator sd15"):
        load_generator("sdxl", model=str(sd15_dir))


def test_kandinsky_layout_inpaints_through_the_diffusion_backend(kandinsky_dir):
    from stillmotion.inpaint import inpaint

    rng = np.random.default_rng(0)
    image = rng.random((32, 40, 3), dtype=np.float32)
    hole = np.zeros((32, 40), bool)
    hole[8:24, 8:30] = True
    # the generators' layout (prior/, decoder/, inpaint/), and the inpaint decoder's own folder beside its prior
    for model in (kandinsky_dir, kandinsky_dir / "inpaint"):
        filled = inpaint(image, hole, backend="diffusion", model=str(model), steps=2, prompt="a wall")
        assert filled.shape == image.shape and np.array_equal(filled[~hole], image[~hole])
        assert np.isfinite(filled).all() and not np.allclose(filled[hole], image[hole])
    with pytest.raises(ModelNotFoundError, match="text-to-image decoder"):
        inpaint(image, hole, backend="diffusion", model=str(kandinsky_dir / "decoder"), steps=2)


class _FakeGenerator:
    name = "fake"

    def __init__(self):
        self.denoise = []

    def img2img(self, image, prompt, negative_prompt="", *, denoise, seed, steps, cfg_scale):
        self.denoise.append(denoise)
        return image


def test_deforum_strength_is_converted_to_denoise():
    fake = _FakeGenerator()
    DiffusionRepair(fake).repair(np.zeros((4, 4, 3), np.float32), strength=0.65, holes=None, reference=None,
                                 controls=FrameControls(), seed=1)  # fmt: skip
    assert fake.denoise == [pytest.approx(0.35)]


def test_an_init_image_is_kept_at_deforums_default_strength(tmp_path):
    # with no 'strength' in the settings the first img2img had denoise 1.0: the photo was thrown away
    from stillmotion.generate.deforum_settings import read_settings

    path = tmp_path / "s.json"
    path.write_text(json.dumps({"animation_mode": "2D", "max_frames": 1, "W": 32, "H": 32, "prompts": {"0": "x"}}))
    settings = read_settings(path)
    assert settings.init_strength == pytest.approx(0.65)
    fake = _FakeGenerator()
    list(deforum_frames(settings, init_image=np.full((32, 32, 3), 0.5, np.float32), generator=fake))
    assert fake.denoise[0] == pytest.approx(0.35)


def test_missing_model_is_a_one_line_error(tmp_path):
    from stillmotion.generate.generators import load_generator

    with pytest.raises(ModelNotFoundError, match="model folder not found"):
        load_generator("sd15", model=str(tmp_path / "no-such-model"))
    (tmp_path / "empty-model").mkdir()
    with pytest.raises(ModelNotFoundError, match="nothing is downloaded"):
        load_generator("sd15", model=str(tmp_path / "empty-model"))
    with pytest.raises(ModelNotFoundError, match="no local weights at 'someone/not-in-the-cache'"):
        load_generator("sd15", model="someone/not-in-the-cache")


def test_prompt_scene_without_the_extra_names_it(tmp_path, monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "diffusers" else real(name, *a))
    story = tmp_path / "s.yaml"
    story.write_text("scenes:\n  - {prompt: a lighthouse, duration: 1}\n")
    assert main(["story", str(story), "-o", str(tmp_path / "o.mp4"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'neural' extra" in err[0] and "scene 1" in err[0]
    from stillmotion.generate.generators import load_generator

    with pytest.raises(MissingExtraError, match="neural"):
        load_generator("kandinsky")


def test_importing_stillmotion_does_not_import_torch():
    code = ("import sys, stillmotion, stillmotion.cli, stillmotion.generate.generators, stillmotion.generate.film, "
            "stillmotion.generate.deforum_run; sys.exit(1 if {'torch', 'diffusers', 'transformers'} & set(sys.modules) "
            "else 0)")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(ROOT / "src")}, capture_output=True)
    assert result.returncode == 0, result.stderr.decode()


def test_settings_override_for_generator(sd15_dir):
    settings = replace(_settings(), max_frames=2, cadence=1)
    from stillmotion.generate.generators import load_generator

    generator = load_generator("sd15", model=str(sd15_dir))
    init = np.full((40, 60, 3), 0.5, np.float32)
    frames = list(deforum_frames(replace(settings, init_strength=0.5), init_image=init, generator=generator))
    assert len(frames) == 2 and frames[0].shape == (32, 32, 3)


def test_story_with_a_prompt_scene_and_a_photo_scene(sd15_dir, tmp_path):
    from skimage import data

    from stillmotion.io import write_image

    write_image(tmp_path / "cat.png", data.chelsea()[::8, ::8].astype(np.float32) / 255)
    story = tmp_path / "story.yaml"
    story.write_text(f"""
fps: 4
size: 32x32
steps: 3
generator: sd15
model: {sd15_dir}
scenes:
  - {{prompt: the red fox, negative_prompt: blurry, seed: 5, motion: zoom_in, duration: 1}}
  - {{image: cat.png, motion: pan_left, duration: 1}}
""")
    out = tmp_path / "film"
    assert main(["story", str(story), "-o", f"{out}/", "--quiet"]) == 0
    assert len(list(out.glob("*.png"))) == 4 + 4 - 2


def test_sizes_that_are_not_multiples_of_8_and_tiny_denoise(sd15_dir):
    # 60x44 was an internal error in diffusers ("have to be divisible by 8"); a strength of 0.9995 asked for
    # 2000 steps, which the scheduler refuses
    from stillmotion.generate.generators import _steps_for, load_generator

    generator = load_generator("sd15", model=str(sd15_dir))
    image = generator.text2img("the moon", width=60, height=44, seed=1, steps=2)
    assert image.shape == (44, 60, 3)
    assert generator.img2img(image, "the moon", denoise=0.5, seed=2, steps=2).shape == (44, 60, 3)
    mask = np.zeros((44, 60), bool)
    mask[10:20, 10:30] = True
    assert generator.inpaint(image, mask, "the moon", seed=3, steps=2).shape == (44, 60, 3)
    assert _steps_for(0.0005, 20) is None and _steps_for(0.5, 20) == 20
    assert generator.img2img(image, "the moon", denoise=0.0005, seed=2, steps=2) is image


def test_a_folder_without_weights_is_our_one_line_only(sd15_dir, tmp_path):
    import shutil

    broken = tmp_path / "no-unet-weights"
    shutil.copytree(sd15_dir, broken)
    for weights in (broken / "unet").glob("diffusion_pytorch_model*"):
        weights.unlink()
    cmd = [sys.executable, "-m", "stillmotion", "deforum", str(ROOT / "examples" / "deforum_2d_settings.txt"),
           "-o", str(tmp_path / "out.mp4"), "--generator", "sd15", "--model", str(broken), "--frames", "2",
           "--image", str(ROOT / "examples" / "coffee.jpg"), "--quiet"]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 2
    assert "error: sd15: no local weights at" in done.stderr
    assert "An error occurred while trying to fetch" not in done.stderr  # diffusers' own message: --debug only
    debug = subprocess.run(cmd[:-1] + ["--debug"], capture_output=True, text=True)
    assert "An error occurred while trying to fetch" in debug.stderr
