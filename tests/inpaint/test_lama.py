"""The lama backend, with a tiny randomly initialised TorchScript model saved and loaded offline."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from stillmotion.errors import ModelNotFoundError
from stillmotion.inpaint import BACKENDS, inpaint

from .conftest import stripes

torch = pytest.importorskip("torch")


class _TinyLama(torch.nn.Module):
    """Same interface as big-lama.pt: (masked image, mask) -> image in [0, 1]."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = torch.nn.Conv2d(4, 3, 3, padding=1)

    def forward(self, image: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.conv(torch.cat([image, mask], dim=1)))


@pytest.fixture
def model_file(tmp_path):
    torch.manual_seed(0)
    path = tmp_path / "tiny-lama.pt"
    torch.jit.script(_TinyLama()).save(str(path))
    return path


def test_loads_a_local_torchscript_file_and_fills_only_the_hole(model_file):
    image = stripes(45, 61)  # not a multiple of 8: padded and cropped back
    hole = np.zeros((45, 61), bool)
    hole[10:30, 20:40] = True
    out = inpaint(image, hole, backend="lama", model_path=model_file)
    assert out.shape == image.shape and out.dtype == np.float32
    assert np.array_equal(out[~hole], image[~hole])
    assert np.isfinite(out).all() and out.min() >= 0 and out.max() <= 1
    # the tiny model's own output lands in the hole
    import torch as t

    model = t.jit.load(str(model_file))
    with t.inference_mode():
        x = t.from_numpy(np.pad(image, ((0, 3), (0, 3), (0, 0)), mode="reflect").transpose(2, 0, 1).copy())[None]
        m = t.from_numpy(np.pad(hole.astype(np.float32), ((0, 3), (0, 3)), mode="edge"))[None, None]
        expected = model(x * (1 - m), m)[0].permute(1, 2, 0).numpy()[:45, :61]
    assert np.allclose(out[hole], expected[hole], atol=1e-5)


def test_missing_model_file_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("STILLMOTION_LAMA_MODEL", raising=False)
    with pytest.raises(ModelNotFoundError, match="TorchScript"):
        BACKENDS.create("lama")
    with pytest.raises(ModelNotFoundError, match="not found"):
        BACKENDS.create("lama", model_path=tmp_path / "none.pt")


class _HalfSize(torch.nn.Module):
    def forward(self, image: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return image[:, :, ::2, ::2]


class _Boom(torch.nn.Module):
    def forward(self, image: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        raise RuntimeError("boom")


class _Nan(torch.nn.Module):
    def forward(self, image: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return image * float("nan")


@pytest.mark.parametrize(("module", "message"), [(_HalfSize, "returned (1, 3, 24, 32)"), (_Boom, "model failed: "),
                                                 (_Nan, "NaN")])  # fmt: skip
def test_a_foreign_or_broken_model_is_an_input_error(tmp_path, module, message):
    # a half-size output was an internal broadcasting error, a NaN one a silent black fill
    from stillmotion.errors import InputError

    path = tmp_path / "m.pt"
    torch.jit.script(module()).save(str(path))
    hole = np.zeros((48, 64), bool)
    hole[10:30, 20:40] = True
    with pytest.raises(InputError, match=None) as info:
        inpaint(stripes(48, 64), hole, backend="lama", model_path=path)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_importing_stillmotion_inpaint_does_not_import_torch():
    import subprocess

    code = "import sys, stillmotion.inpaint, stillmotion.cli.inpaint; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(__import__("pathlib").Path(__file__).resolve().parents[2] / "src")})  # fmt: skip
    assert result.stdout.strip() == "False"


def test_cli_lama_with_model(tmp_path, model_file):
    from PIL import Image

    from stillmotion.cli import main

    photo, mask, out = tmp_path / "p.png", tmp_path / "m.png", tmp_path / "o.png"
    Image.fromarray((stripes(40, 48) * 255).astype(np.uint8)).save(photo)
    m = np.zeros((40, 48), np.uint8)
    m[8:20, 8:20] = 255
    Image.fromarray(m).save(mask)
    assert main(["inpaint", str(photo), "--mask", str(mask), "-o", str(out), "--backend", "lama",
                 "--model", str(model_file), "--quiet"]) == 0  # fmt: skip
    assert np.asarray(Image.open(out)).shape == (40, 48, 3)
    assert main(["inpaint", str(photo), "--mask", str(mask), "-o", str(out), "--model", str(model_file)]) == 2
