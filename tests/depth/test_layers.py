from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from stillmotion.depth.layers import export_layers, split_layers
from stillmotion.types import Depth, DepthKind

from .conftest import textured


def _three_planes(h=120, w=160):
    image = textured(h, w) * 0.2
    values = np.full((h, w), 0.1, np.float32)
    image[:, :] += (0.1, 0.1, 0.5)
    values[30:110, 20:80] = 0.5
    image[30:110, 20:80] = (0.8, 0.2, 0.2)
    values[60:120, 90:150] = 0.9
    image[60:120, 90:150] = (0.2, 0.8, 0.2)
    return image.astype(np.float32), Depth(values, DepthKind.INVERSE)


@pytest.mark.parametrize("matting", ["guided", "closed_form"])
def test_layers_partition_the_photo(matting):
    image, depth = _three_planes()
    layers = split_layers(image, depth, count=3, matting=matting)
    alphas = np.stack([a for a, _, _ in layers])
    np.testing.assert_allclose(alphas.sum(axis=0), 1.0, atol=1e-4)
    centres = [c for _, c, _ in layers]
    assert centres == sorted(centres) and abs(centres[0] - 0.1) < 0.02 and abs(centres[2] - 0.9) < 0.02
    assert alphas[1][50:90, 30:70].min() > 0.99  # the middle plane's inside is fully in layer 1
    assert alphas[2][70:115, 100:140].min() > 0.99
    assert alphas[0][5:25, 5:150].min() > 0.99


def test_export_writes_rgba_pngs_and_a_listing(tmp_path):
    image, depth = _three_planes()
    out = tmp_path / "layers"
    export_layers(image, depth, out, count=3, matting="guided")
    listing = json.loads((out / "layers.json").read_text())
    assert [entry["file"] for entry in listing["layers"]] == ["layer_00.png", "layer_01.png", "layer_02.png"]
    rgba = cv2.imread(str(out / "layer_02.png"), cv2.IMREAD_UNCHANGED)
    assert rgba.shape == (120, 160, 4)
    assert rgba[90, 120, 3] == 255 and rgba[10, 10, 3] == 0


def test_a_layer_that_cannot_be_written_fails_the_export(tmp_path, monkeypatch):
    # cv2.imwrite's False was ignored on a full disk: a folder with layers.json and no layers was left
    from stillmotion.errors import OutputError
    from stillmotion.io import image as image_io

    image, depth = _three_planes()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(image_io, "open", full_disk, raising=False)  # the PNG writer's open()
    with pytest.raises(OutputError, match="No space left on device"):
        export_layers(image, depth, tmp_path / "layers", count=3, matting="guided")
    assert list(tmp_path.iterdir()) == []
