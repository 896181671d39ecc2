"""The diffusion backend with a tiny randomly initialised Stable Diffusion inpainting pipeline, built from
configs here, saved to a temporary directory and loaded back offline."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from stillmotion.errors import ModelNotFoundError
from stillmotion.inpaint import BACKENDS, inpaint

from .conftest import ROOT, stripes

torch = pytest.importorskip("torch")
diffusers = pytest.importorskip("diffusers")
transformers = pytest.importorskip("transformers")


def _tokenizer(folder):
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1, "!": 2}
    for ch in letters:
        vocab[ch] = len(vocab)
        vocab[ch + "</w>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    return transformers.CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"), pad_token="!", model_max_length=77)


@pytest.fixture(scope="module")
def tiny_pipeline(tmp_path_factory):
    from diffusers import AutoencoderKL, PNDMScheduler, StableDiffusionInpaintPipeline, UNet2DConditionModel

    folder = tmp_path_factory.mktemp("tiny-sd-inpaint")
    torch.manual_seed(0)
    unet = UNet2DConditionModel(block_out_channels=(32, 64), layers_per_block=1, sample_size=16, in_channels=9,
                                out_channels=4, down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
                                up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), cross_attention_dim=32)  # fmt: skip
    vae = AutoencoderKL(block_out_channels=[32, 64], in_channels=3, out_channels=3,
                        down_block_types=["DownEncoderBlock2D"] * 2, up_block_types=["UpDecoderBlock2D"] * 2,
                        latent_channels=4)  # fmt: skip
    config = transformers.CLIPTextConfig(bos_token_id=0, eos_token_id=1, hidden_size=32, intermediate_size=37,
                                         num_attention_heads=4, num_hidden_layers=2, pad_token_id=2, vocab_size=64)  # fmt: skip
    text_encoder = transformers.CLIPTextModel(config)
    tok_dir = tmp_path_factory.mktemp("tok")
    pipe = StableDiffusionInpaintPipeline(vae=vae, text_encoder=text_encoder, tokenizer=_tokenizer(tok_dir), unet=unet,
                                          scheduler=PNDMScheduler(skip_prk_steps=True), safety_checker=None,
                                          feature_extractor=None, requires_safety_checker=False)  # fmt: skip
    pipe.save_pretrained(folder)
    return folder


def test_tiny_pipeline_fills_only_the_hole(tiny_pipeline):
    image = stripes(30, 44)
    hole = np.zeros((30, 44), bool)
    hole[8:20, 10:30] = True
    out = inpaint(image, hole, backend="diffusion", model=str(tiny_pipeline), steps=2, prompt="a wall")
    assert out.shape == image.shape and out.dtype == np.float32
    assert np.array_equal(out[~hole], image[~hole])
    assert np.isfinite(out).all() and 0 <= out.min() and out.max() <= 1
    assert not np.allclose(out[hole], image[hole])  # the model's output is used there
    again = inpaint(image, hole, backend="diffusion", model=str(tiny_pipeline), steps=2, prompt="a wall")
    assert np.allclose(out, again)  # seeded


def test_missing_pipeline_is_a_clear_error(tmp_path):
    with pytest.raises(ModelNotFoundError, match="model="):
        BACKENDS.create("diffusion")
    with pytest.raises(ModelNotFoundError, match="model folder not found: .*nothing$"):
        BACKENDS.create("diffusion", model=str(tmp_path / "nothing"))
    with pytest.raises(ModelNotFoundError, match="model folder not found: ./nothing"):  # not a repo id
        BACKENDS.create("diffusion", model="./nothing")
    with pytest.raises(ModelNotFoundError, match="not found locally"):
        BACKENDS.create("diffusion", model=str(tmp_path))  # a folder, but no pipeline in it


def test_a_missing_model_is_said_before_torch_is_imported():
    """It was said only after importing torch and diffusers (~6 s)."""
    import subprocess
    import sys

    code = """
import sys
import numpy as np
from stillmotion.errors import ModelNotFoundError
from stillmotion.inpaint import inpaint
mask = np.zeros((32, 32), bool)
mask[8:16, 8:16] = True
try:
    inpaint(np.zeros((32, 32, 3), np.float32), mask, backend="diffusion")
except ModelNotFoundError as exc:
    assert "model=" in str(exc)
    sys.exit(2 if "torch" in sys.modules or "diffusers" in sys.modules else 0)
sys.exit(1)
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == 0


def test_cli_diffusion(tmp_path, tiny_pipeline, monkeypatch):
    import diffusers
    from PIL import Image

    from stillmotion.cli import main

    loads = []
    real = diffusers.AutoPipelineForInpainting.from_pretrained
    monkeypatch.setattr(diffusers.AutoPipelineForInpainting, "from_pretrained",
                        lambda *a, **k: loads.append(1) or real(*a, **k))  # fmt: skip

    photo, mask, out = tmp_path / "p.png", tmp_path / "m.png", tmp_path / "o.png"
    Image.fromarray((stripes(24, 32) * 255).astype(np.uint8)).save(photo)
    m = np.zeros((24, 32), np.uint8)
    m[6:14, 6:20] = 255
    Image.fromarray(m).save(mask)
    assert main(["inpaint", str(photo), "--mask", str(mask), "-o", str(out), "--backend", "diffusion",
                 "--model", str(tiny_pipeline), "--prompt", "stone", "--steps", "1", "--quiet"]) == 0  # fmt: skip
    assert np.asarray(Image.open(out)).shape == (24, 32, 3)
    assert len(loads) == 1  # it was loaded to check the options, then again to fill


def test_a_pipeline_without_weights_is_our_one_line_only(tmp_path, tiny_pipeline):
    import shutil
    import subprocess
    import sys

    from PIL import Image

    broken = tmp_path / "no-unet-weights"
    shutil.copytree(tiny_pipeline, broken)
    for weights in (broken / "unet").glob("diffusion_pytorch_model*"):
        weights.unlink()
    photo, mask = tmp_path / "p.png", tmp_path / "m.png"
    Image.fromarray((stripes(24, 32) * 255).astype(np.uint8)).save(photo)
    m = np.zeros((24, 32), np.uint8)
    m[6:14, 6:20] = 255
    Image.fromarray(m).save(mask)
    cmd = [sys.executable, "-m", "stillmotion", "inpaint", str(photo), "--mask", str(mask), "-o", str(tmp_path / "o.png"),
           "--backend", "diffusion", "--model", str(broken), "--quiet"]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 2 and "not found locally" in done.stderr
    assert "An error occurred while trying to fetch" not in done.stderr  # diffusers' own line: --debug only
