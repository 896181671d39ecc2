"""Neural backends with tiny randomly initialised models, saved to a temp dir and loaded back offline."""

from __future__ import annotations

import numpy as np
import pytest

from stillmotion import depth as depth_stage
from stillmotion.errors import ModelNotFoundError

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")


def _tiny_depth_anything(path):
    from transformers import DepthAnythingConfig, DepthAnythingForDepthEstimation, Dinov2Config, DPTImageProcessor

    backbone = Dinov2Config(hidden_size=32, num_hidden_layers=4, num_attention_heads=2, intermediate_size=64,
                            patch_size=14, image_size=56, out_features=["stage1", "stage2", "stage3", "stage4"],
                            out_indices=[1, 2, 3, 4], reshape_hidden_states=False)
    config = DepthAnythingConfig(backbone_config=backbone, reassemble_hidden_size=32, patch_size=14,
                                 neck_hidden_sizes=[8, 16, 32, 32], fusion_hidden_size=16, head_hidden_size=8)
    torch.manual_seed(0)
    DepthAnythingForDepthEstimation(config).save_pretrained(path)
    DPTImageProcessor(size={"height": 56, "width": 56}).save_pretrained(path)


def _tiny_dpt(path):
    from transformers import DPTConfig, DPTForDepthEstimation

    config = DPTConfig(hidden_size=32, num_hidden_layers=4, num_attention_heads=2, intermediate_size=64,
                       image_size=64, patch_size=16, backbone_out_indices=[0, 1, 2, 3],
                       neck_hidden_sizes=[8, 16, 32, 32], fusion_hidden_size=16, reassemble_factors=[4, 2, 1, 0.5])
    torch.manual_seed(0)
    DPTForDepthEstimation(config).save_pretrained(path)  # no image processor saved: our own normalisation


@pytest.mark.parametrize("builder, backend", [(_tiny_depth_anything, "depth_anything"), (_tiny_dpt, "dpt")])
def test_tiny_model_round_trip(tmp_path, builder, backend):
    model_dir = tmp_path / "model"
    builder(model_dir)
    assert depth_stage.resolve_backend("auto", model=str(model_dir)) == backend
    rng = np.random.default_rng(0)
    image = rng.random((50, 70, 3)).astype(np.float32)
    depth = depth_stage.estimate(image, backend=backend, model=str(model_dir))
    assert depth.shape == (50, 70) and depth.values.dtype == np.float32
    assert np.isfinite(depth.values).all() and depth.values.std() > 0


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelNotFoundError, match="nothing is downloaded"):
        depth_stage.estimate(np.zeros((20, 20, 3), np.float32), backend="dpt", model=str(tmp_path / "absent"))


def test_auto_finds_a_model_in_the_hub_cache_layout(tmp_path, monkeypatch):
    """A model id is found in the cache's documented layout (refs/main -> snapshots/REV), offline."""
    snapshot = tmp_path / "hub" / "models--depth-anything--Depth-Anything-V2-Small-hf" / "snapshots" / "abc123"
    _tiny_depth_anything(snapshot)
    (snapshot.parents[1] / "refs").mkdir()
    (snapshot.parents[1] / "refs" / "main").write_text("abc123")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert depth_stage.resolve_backend("auto") == "depth_anything_v2"
    depth = depth_stage.estimate(np.random.default_rng(1).random((40, 60, 3)).astype(np.float32), backend="auto")
    assert depth.shape == (40, 60)


def test_quiet_cli_run_with_a_model_prints_nothing(tmp_path):
    # transformers' "Loading weights" bar came through --quiet
    import os
    import subprocess
    import sys
    from pathlib import Path

    import cv2

    root = Path(__file__).resolve().parents[2]
    _tiny_depth_anything(tmp_path / "da")
    photo = tmp_path / "p.png"
    cv2.imwrite(str(photo), (np.random.default_rng(0).random((64, 80, 3)) * 255).astype(np.uint8))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_HUB_DISABLE", "TRANSFORMERS_VERB"))}
    env["PYTHONPATH"] = str(root / "src")
    done = subprocess.run([sys.executable, "-m", "stillmotion", "depth", str(photo), "-o", str(tmp_path / "d.npy"),
                           "--backend", "depth_anything_v2", "--model", str(tmp_path / "da"), "--quiet"],
                          capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
    assert done.returncode == 0 and done.stderr == "", done.stderr
