"""Optional neural patch embeddings for the ``patch`` backend: DINO/DINOv2 or CLIP vision transformers
from a local directory or the Hugging Face cache (``local_files_only=True``; the ``neural`` extra).

The model's patch tokens form a coarse feature grid; its principal components (``dims`` of them) are
upsampled to every pixel and appended to the built-in descriptor, so the cosine similarity that ranks
candidate patches also weighs what the network sees (semantics, material), not only colour and texture.
"""

from __future__ import annotations

import logging
import os

import cv2
import numpy as np

from ..errors import MissingExtraError, ModelNotFoundError, check_model_folder

log = logging.getLogger(__name__)

IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], np.float32)


class NeuralEmbedding:
    """``embedding(image) -> (H, W, dims)`` float32 features from a vision transformer's patch tokens."""

    def __init__(self, model: str | os.PathLike, *, dims: int = 8, max_side_px: int = 448) -> None:
        try:
            import torch  # noqa: F401
            from transformers import AutoConfig, AutoModel
        except ImportError as exc:
            raise MissingExtraError("neural patch embeddings", "neural", exc.name) from None
        check_model_folder(str(model), "embedding model")
        try:
            config = AutoConfig.from_pretrained(str(model), local_files_only=True)
            net = AutoModel.from_pretrained(str(model), local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelNotFoundError(f"embedding model {model} not found locally (nothing is downloaded): {exc}") from None
        self.net = getattr(net, "vision_model", net).eval()  # a full CLIP model: its vision tower
        vision = getattr(config, "vision_config", config)
        self.patch = int(getattr(vision, "patch_size", 14))
        self.native = int(getattr(vision, "image_size", 224))
        self.dims = int(dims)
        self.max_side_px = int(max_side_px)
        self.cls_tokens = 1
        log.info("patch embeddings: %s (patch %d px)", type(self.net).__name__, self.patch)

    def _input_size(self, h: int, w: int) -> tuple[int, int]:
        if "CLIP" in type(self.net).__name__:  # CLIP's position embeddings are fixed: its native square
            return self.native, self.native
        scale = min(1.0, self.max_side_px / max(h, w))
        gh = max(1, int(round(h * scale / self.patch)))
        gw = max(1, int(round(w * scale / self.patch)))
        return gh * self.patch, gw * self.patch

    def __call__(self, image: np.ndarray) -> np.ndarray:
        import torch

        h, w = image.shape[:2]
        ih, iw = self._input_size(h, w)
        x = (cv2.resize(image, (iw, ih), interpolation=cv2.INTER_AREA) - IMAGENET_MEAN) / IMAGENET_STD
        tensor = torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1), dtype=np.float32))[None]
        with torch.inference_mode():
            out = self.net(pixel_values=tensor)
        tokens = out.last_hidden_state[0].float().numpy()
        gh, gw = ih // self.patch, iw // self.patch
        grid = tokens[-gh * gw :].reshape(gh, gw, -1)  # drop CLS / register tokens at the front
        flat = grid.reshape(gh * gw, -1)
        flat = flat - flat.mean(axis=0)
        dims = min(self.dims, flat.shape[1], max(1, flat.shape[0] - 1))
        _, _, vt = np.linalg.svd(flat, full_matrices=False)
        proj = flat @ vt[:dims].T
        sign = np.sign(proj.sum(axis=0) + 1e-12)  # a deterministic sign for each component
        proj = proj * sign / (proj.std() + 1e-6)
        feats = cv2.resize(proj.reshape(gh, gw, dims).astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
        return feats.reshape(h, w, dims).astype(np.float32)


__all__ = ["NeuralEmbedding"]
