"""Neural patch embeddings for the patch backend, with tiny random DINOv2 / CLIP vision models saved to a
temporary directory and loaded back offline."""

from __future__ import annotations

import numpy as np
import pytest

from stillmotion.errors import ModelNotFoundError
from stillmotion.inpaint import inpaint

from .conftest import stripes

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def dino_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny-dinov2")
    torch.manual_seed(0)
    config = transformers.Dinov2Config(hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                       intermediate_size=37, patch_size=4, image_size=32)  # fmt: skip
    transformers.Dinov2Model(config).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def clip_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny-clip-vision")
    torch.manual_seed(0)
    config = transformers.CLIPVisionConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                           intermediate_size=37, patch_size=4, image_size=32)  # fmt: skip
    transformers.CLIPVisionModel(config).save_pretrained(folder)
    return folder


@pytest.mark.parametrize("which", ["dino_dir", "clip_dir"])
def test_embedding_map_has_the_image_size(request, which):
    from stillmotion.inpaint.neural_embedding import NeuralEmbedding

    embed = NeuralEmbedding(request.getfixturevalue(which), dims=4)
    image = stripes(30, 44)
    feats = embed(image)
    assert feats.shape == (30, 44, 4) and feats.dtype == np.float32 and np.isfinite(feats).all()
    assert feats.std() > 0
    assert np.array_equal(feats, embed(image))


def test_patch_backend_with_neural_embeddings(dino_dir):
    image = stripes(48, 64)
    hole = np.zeros((48, 64), bool)
    hole[16:32, 24:40] = True
    damaged = image.copy()
    damaged[hole] = 0.0
    out = inpaint(damaged, hole, embedding_model=str(dino_dir), embedding_dims=4)
    assert np.array_equal(out[~hole], damaged[~hole])
    assert float(np.mean((out[hole] - image[hole]) ** 2)) < 0.05  # still continues the texture


def test_missing_embedding_model(tmp_path):
    with pytest.raises(ModelNotFoundError, match="model folder not found: .*none$"):
        inpaint(stripes(), np.eye(96, 128, dtype=bool), embedding_model=str(tmp_path / "none"))
    with pytest.raises(ModelNotFoundError, match="model folder not found: ./none"):  # not read as a repo id
        inpaint(stripes(), np.eye(96, 128, dtype=bool), embedding_model="./none")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelNotFoundError, match="not found locally"):
        inpaint(stripes(), np.eye(96, 128, dtype=bool), embedding_model=str(empty))


def test_cli_embedding_model(tmp_path, dino_dir):
    from PIL import Image

    from stillmotion.cli import main

    photo, mask, out = tmp_path / "p.png", tmp_path / "m.png", tmp_path / "o.png"
    Image.fromarray((stripes(40, 48) * 255).astype(np.uint8)).save(photo)
    m = np.zeros((40, 48), np.uint8)
    m[10:22, 10:22] = 255
    Image.fromarray(m).save(mask)
    assert main(["inpaint", str(photo), "--mask", str(mask), "-o", str(out), "--embedding-model", str(dino_dir),
                 "--quiet"]) == 0  # fmt: skip
    assert np.asarray(Image.open(out)).shape == (40, 48, 3)
