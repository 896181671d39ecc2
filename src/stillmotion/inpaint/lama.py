"""The ``lama`` backend: LaMa (Suvorov et al., resolution-robust large-mask inpainting) from a local
TorchScript file, as exported by the LaMa authors' tools and lama-cleaner (``big-lama.pt``).

Nothing is downloaded: ``model_path`` must name the file (or set ``STILLMOTION_LAMA_MODEL``). The model is
called as ``model(image, mask)`` with image (1, 3, H, W) in [0, 1] and mask (1, 1, H, W) in {0, 1}, sizes
padded to a multiple of 8, and returns the filled image (1, 3, H, W) in [0, 1]. torch is imported only
here (the ``neural`` extra).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

from ..errors import InputError, MissingExtraError, ModelNotFoundError
from ..types import ProgressCallback, no_progress

log = logging.getLogger(__name__)

ENV_VAR = "STILLMOTION_LAMA_MODEL"
MODULO = 8


class LamaInpainter:
    """Callable backend; in depth-aware mode the excluded foreground is masked along with the hole."""

    def __init__(self, *, model_path: str | os.PathLike | None = None, device: str = "cpu") -> None:
        try:
            import torch
        except ImportError:
            raise MissingExtraError("the lama inpaint backend", "neural", "torch") from None
        path = model_path or os.environ.get(ENV_VAR)
        if not path:
            raise ModelNotFoundError(f"the lama backend needs a local TorchScript file: --model FILE (model_path in "
                                     f"Python) or {ENV_VAR}")  # fmt: skip
        path = Path(path)
        if not path.is_file():
            raise ModelNotFoundError(f"LaMa model file not found: {path}")
        try:
            self.model = torch.jit.load(str(path), map_location=device).eval()
        except Exception as exc:  # noqa: BLE001 - a corrupt or foreign file
            raise InputError(f"cannot load LaMa TorchScript model {path}: {exc}") from None
        self.device = device
        log.info("inpaint: LaMa from %s", path)

    def __call__(
        self,
        image: np.ndarray,
        hole: np.ndarray,
        *,
        exclude: np.ndarray | None = None,
        inverse_depth: np.ndarray | None = None,
        depth_limit: np.ndarray | None = None,
        progress: ProgressCallback = no_progress,
    ) -> np.ndarray:
        import torch

        unknown = hole if exclude is None else (hole | exclude)
        h, w = hole.shape
        ph, pw = (-h) % MODULO, (-w) % MODULO
        img = np.pad(image, ((0, ph), (0, pw), (0, 0)), mode="reflect" if min(h, w) > max(ph, pw) else "edge")
        msk = np.pad(unknown.astype(np.float32), ((0, ph), (0, pw)), mode="edge")
        with torch.inference_mode():
            x = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))[None].to(self.device)
            m = torch.from_numpy(msk)[None, None].to(self.device)
            try:
                out = self.model(x * (1 - m), m)
            except Exception as exc:  # noqa: BLE001 - the user's TorchScript file failed inside
                raise InputError(f"the LaMa model failed: {' '.join(str(exc).split())[:300]}") from None
        # a foreign model: say so instead of a broadcasting error or a black fill
        if not isinstance(out, torch.Tensor) or out.ndim != 4 or tuple(out.shape[1:]) != (3, *img.shape[:2]):
            got = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
            raise InputError(f"the LaMa model returned {got}, not a (1, 3, {img.shape[0]}, {img.shape[1]}) image")
        filled = out[0].permute(1, 2, 0).float().cpu().numpy()[:h, :w]
        if not np.isfinite(filled[hole]).all():
            raise InputError("the LaMa model returned NaN or infinite values in the hole")
        progress(1, 1)
        return np.where(hole[:, :, None], np.clip(filled, 0.0, 1.0), image).astype(np.float32)
