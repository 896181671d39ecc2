"""Neural depth backends through the ``neural`` extra: transformers' ``AutoModelForDepthEstimation``.

Backends: ``depth_anything_v2`` (Depth Anything V2), ``depth_anything`` (V1), ``dpt`` (DPT / MiDaS v3).
Weights come only from ``model=`` (a local directory holding ``config.json`` and the weights, or a
Hugging Face model id already in the local cache) or, without ``model``, from the first of the
well-known ids below found in the cache. Everything is loaded with ``local_files_only=True``: nothing is
ever downloaded; a missing model is an error that says so.

These models predict relative inverse depth (affine-invariant disparity), which is exactly the
``INVERSE`` contract; a metric model (``depth_estimation_type == "metric"``) predicts z and is inverted.
The prediction is upsampled to the photo and its edges snapped to the photo's with a guided filter.
"""

from __future__ import annotations

import functools
import json
import logging
import os
from pathlib import Path

import numpy as np

from ..errors import MissingExtraError, ModelNotFoundError
from ..types import Depth, DepthKind
from .refine import upsample_guided

log = logging.getLogger(__name__)

#: Well-known model ids per backend, smallest first (they are CPU-friendly in that order).
KNOWN_MODELS: dict[str, tuple[str, ...]] = {
    "depth_anything_v2": (
        "depth-anything/Depth-Anything-V2-Small-hf",
        "depth-anything/Depth-Anything-V2-Base-hf",
        "depth-anything/Depth-Anything-V2-Large-hf",
    ),
    "depth_anything": (
        "LiheYoung/depth-anything-small-hf",
        "LiheYoung/depth-anything-base-hf",
        "LiheYoung/depth-anything-large-hf",
    ),
    "dpt": ("Intel/dpt-hybrid-midas", "Intel/dpt-large", "Intel/dpt-beit-base-384"),
}

#: Long side (pixels) at which the network runs; multiples of 14 suit the ViT-14 backbones of Depth Anything.
INFERENCE_SIZE = {"depth_anything_v2": 518, "depth_anything": 518, "dpt": 384}


def hub_cache_dir() -> Path:
    """The Hugging Face hub cache folder ($HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub)."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    home = os.environ.get("HF_HOME") or os.path.join(os.environ.get("XDG_CACHE_HOME", "~/.cache"), "huggingface")
    return Path(home).expanduser() / "hub"


def _config_path(model: str) -> Path | None:
    """config.json of a local directory or of a Hugging Face id in the local cache. Read from the cache's
    documented layout (models--ORG--NAME/refs/main -> snapshots/REV/), so neither huggingface_hub nor torch
    is imported just to look."""
    local = Path(model).expanduser()
    if local.is_dir():
        return local / "config.json" if (local / "config.json").exists() else None
    if model.count("/") != 1:
        return None
    repo = hub_cache_dir() / ("models--" + model.replace("/", "--"))
    ref = repo / "refs" / "main"
    if ref.exists():
        config = repo / "snapshots" / ref.read_text().strip() / "config.json"
        if config.exists():
            return config
    snapshots = sorted((repo / "snapshots").glob("*/config.json")) if (repo / "snapshots").is_dir() else []
    return snapshots[-1] if snapshots else None


def backend_for_config(config_path: Path, model: str) -> str | None:
    """Which backend serves the model whose config is ``config_path`` (None: not a depth model we know)."""
    try:
        model_type = json.loads(config_path.read_text()).get("model_type")
    except (OSError, ValueError):
        return None
    if model_type == "depth_anything":
        return "depth_anything" if "v2" not in model.lower() and "V2" not in model else "depth_anything_v2"
    if model_type == "dpt":
        return "dpt"
    return None


def find_local_model(model: str | None = None, *, backend: str | None = None) -> tuple[str, str] | None:
    """(backend, model) for ``model`` if it is available locally, else for the first known model in the
    local Hugging Face cache (of ``backend`` when given); None when nothing is found."""
    if model is not None:
        config = _config_path(model)
        if config is None:
            return None
        found = backend_for_config(config, model)
        return (backend or found, model) if found else None
    for name, ids in KNOWN_MODELS.items():
        if backend not in (None, name):
            continue
        for model_id in ids:
            if _config_path(model_id) is not None:
                return name, model_id
    return None


@functools.lru_cache(maxsize=2)
def _load(model: str):
    try:
        import torch  # noqa: F401
        from transformers import AutoImageProcessor, AutoModelForDepthEstimation
    except ImportError as exc:
        raise MissingExtraError("neural depth", "neural", exc.name) from None
    net = AutoModelForDepthEstimation.from_pretrained(model, local_files_only=True)
    net.eval()
    try:
        processor = AutoImageProcessor.from_pretrained(model, local_files_only=True)
    except (OSError, ValueError):
        processor = None  # fall back to our own resize + ImageNet normalisation
    return net, processor


class NeuralDepth:
    """A transformers depth model, loaded once per process from local files only."""

    def __init__(self, *, backend: str = "depth_anything_v2", model: str | None = None) -> None:
        found = find_local_model(model, backend=backend)
        if found is None:
            where = f"{model!r} is not a local model directory nor in the Hugging Face cache" if model else (
                f"no {backend} model in the local Hugging Face cache (tried {', '.join(KNOWN_MODELS[backend])})")
            raise ModelNotFoundError(f"{where}; nothing is downloaded: pass --model PATH to a local copy")
        self.backend, self.model = backend, found[1]
        # load from the folder holding config.json (a local directory, or the cached snapshot of an id)
        self.path = str(_config_path(self.model).parent)

    def __call__(self, image: np.ndarray) -> Depth:
        import torch

        net, processor = _load(self.path)
        h, w = image.shape[:2]
        pixel_values = self._preprocess(image, processor)
        with torch.inference_mode():
            predicted = net(pixel_values=pixel_values).predicted_depth
        pred = predicted[0].float().cpu().numpy() if predicted.ndim == 3 else predicted[0, 0].float().cpu().numpy()
        if getattr(net.config, "depth_estimation_type", "relative") == "metric":
            pred = 1.0 / np.maximum(pred, 1e-6)
        pred = np.nan_to_num(pred.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        lo, hi = np.percentile(pred, [0.5, 99.5])
        pred = np.clip((pred - lo) / max(float(hi - lo), 1e-9), 0.0, 1.0)
        inv = np.clip(upsample_guided(pred, image.astype(np.float32)), 0.0, 1.0).astype(np.float32)
        log.info("neural depth: %s (%s) at %dx%d", self.model, self.backend, pixel_values.shape[-1], pixel_values.shape[-2])
        return Depth(inv, DepthKind.INVERSE)

    def _preprocess(self, image: np.ndarray, processor):
        import cv2
        import torch

        size = INFERENCE_SIZE.get(self.backend, 518)
        h, w = image.shape[:2]
        s = size / max(h, w)
        step = 14 if self.backend.startswith("depth_anything") else 32
        nw, nh = (max(step, int(round(v * s / step)) * step) for v in (w, h))
        if self.backend == "dpt":  # ViT DPT reassembles square patch grids: squash to a square, as its processor does
            nw = nh = size
        resized = cv2.resize(image.astype(np.float32), (nw, nh), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)
        if processor is not None:
            mean = np.asarray(getattr(processor, "image_mean", (0.485, 0.456, 0.406)), np.float32)
            std = np.asarray(getattr(processor, "image_std", (0.229, 0.224, 0.225)), np.float32)
        else:
            mean, std = np.float32([0.485, 0.456, 0.406]), np.float32([0.229, 0.224, 0.225])
        array = (resized - mean) / std
        return torch.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))[None]
