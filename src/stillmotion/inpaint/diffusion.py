"""The ``diffusion`` backend: Stable Diffusion or Kandinsky 2.2 inpainting through diffusers, from a
local pipeline directory (``save_pretrained`` layout) or the Hugging Face cache, never downloaded.

``model`` names the directory or a cached repo id (loaded with ``local_files_only=True``);
``AutoPipelineForInpainting`` picks the pipeline class from the directory's ``model_index.json``. The
photo is resized to a multiple of 8 (of at most ``max_side_px``), the model's output is resized back and
used only inside the hole. diffusers and torch are imported only here (the ``neural`` extra).
"""

from __future__ import annotations

import inspect
import json
import logging
import os
from pathlib import Path

import numpy as np

from ..errors import MissingExtraError, ModelNotFoundError, check_model_folder, quiet_diffusers
from ..types import ProgressCallback, no_progress

log = logging.getLogger(__name__)


class DiffusionInpainter:
    """Callable backend; in depth-aware mode the excluded foreground is masked along with the hole."""

    def __init__(
        self,
        *,
        model: str | os.PathLike | None = None,
        prompt: str = "",
        negative_prompt: str = "",
        steps: int = 25,
        guidance: float = 6.0,
        seed: int = 0,
        max_side_px: int = 768,
    ) -> None:
        if not model:
            raise ModelNotFoundError("the diffusion backend needs model=<local pipeline directory or cached repo id>")
        check_model_folder(str(model), "inpainting pipeline")
        try:
            import torch  # noqa: F401
            from diffusers import AutoPipelineForInpainting
        except ImportError as exc:
            raise MissingExtraError("the diffusion inpaint backend", "neural", exc.name) from None
        try:
            with quiet_diffusers():
                self.pipe = _kandinsky_inpaint(model) or AutoPipelineForInpainting.from_pretrained(
                    str(model), local_files_only=True
                )
        except (OSError, ValueError) as exc:
            raise ModelNotFoundError(f"inpainting pipeline {model} not found locally (nothing is downloaded): {exc}") from None
        self.pipe.set_progress_bar_config(disable=True)
        # SDXL's inpainting defaults to strength 0.9999, which leaves no step at all from --steps 1: the hole
        # holds nothing of the photo, so it is always denoised in full
        accepts = inspect.signature(self.pipe.__call__).parameters
        self._full_strength = {"strength": 1.0} if "strength" in accepts else {}
        self.prompt, self.negative_prompt = prompt, negative_prompt
        self.steps, self.guidance, self.seed, self.max_side_px = int(steps), float(guidance), int(seed), int(max_side_px)
        log.info("inpaint: %s from %s", type(self.pipe).__name__, model)

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
        import cv2
        import torch
        from PIL import Image

        unknown = hole if exclude is None else (hole | exclude)
        h, w = hole.shape
        scale = min(1.0, self.max_side_px / max(h, w))
        sw, sh = max(8, int(round(w * scale / 8)) * 8), max(8, int(round(h * scale / 8)) * 8)
        small = cv2.resize(image, (sw, sh), interpolation=cv2.INTER_AREA)
        mask = cv2.resize(unknown.astype(np.uint8) * 255, (sw, sh), interpolation=cv2.INTER_NEAREST)
        mask = cv2.dilate(mask, np.ones((3, 3), np.uint8))
        generator = torch.Generator("cpu").manual_seed(self.seed)
        result = self.pipe(
            prompt=self.prompt,
            negative_prompt=self.negative_prompt or None,
            image=Image.fromarray((np.clip(small, 0, 1) * 255 + 0.5).astype(np.uint8)),
            mask_image=Image.fromarray(mask),
            height=sh,
            width=sw,
            num_inference_steps=self.steps,
            guidance_scale=self.guidance,
            generator=generator,
            output_type="np",
            **self._full_strength,
        ).images[0]
        filled = cv2.resize(np.asarray(result, dtype=np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
        progress(1, 1)
        return np.where(hole[:, :, None], np.clip(filled, 0.0, 1.0), image).astype(np.float32)


def _kandinsky_inpaint(model):
    """Kandinsky 2.2's inpaint decoder with its prior, from the layout the generators use (a folder holding
    ``prior/`` and ``inpaint/``) or from the ``inpaint/`` folder itself beside its ``prior/``; None for any
    other model (diffusers' AutoPipeline reads those). The decoder folder alone names a prior repo that
    is not there offline, hence this."""
    root = Path(os.path.expanduser(str(model)))
    if (root / "inpaint").is_dir():
        decoder_dir, prior_dir = root / "inpaint", root / "prior"
    elif _class_name(root) == "KandinskyV22InpaintPipeline":
        decoder_dir, prior_dir = root, root.parent / "prior"
    elif _class_name(root) in ("KandinskyV22Pipeline", "KandinskyV22PriorPipeline"):
        part = "prior" if "Prior" in _class_name(root) else "text-to-image decoder"
        raise ModelNotFoundError(f"{root} is Kandinsky 2.2's {part}: inpainting needs the inpaint decoder "
                                 "(kandinsky-2-2-decoder-inpaint) beside its prior")  # fmt: skip
    else:
        return None
    if not prior_dir.is_dir():
        raise ModelNotFoundError(f"Kandinsky 2.2 inpainting needs its prior: expected {prior_dir} beside {decoder_dir}")
    from diffusers import KandinskyV22InpaintCombinedPipeline, KandinskyV22InpaintPipeline, KandinskyV22PriorPipeline

    prior = KandinskyV22PriorPipeline.from_pretrained(str(prior_dir), local_files_only=True)
    decoder = KandinskyV22InpaintPipeline.from_pretrained(str(decoder_dir), local_files_only=True)
    return KandinskyV22InpaintCombinedPipeline(
        unet=decoder.unet, scheduler=decoder.scheduler, movq=decoder.movq, prior_prior=prior.prior,
        prior_image_encoder=prior.image_encoder, prior_text_encoder=prior.text_encoder, prior_tokenizer=prior.tokenizer,
        prior_scheduler=prior.scheduler, prior_image_processor=prior.image_processor,
    )  # fmt: skip


def _class_name(folder: Path) -> str | None:
    try:
        return json.loads((folder / "model_index.json").read_text()).get("_class_name")
    except (OSError, ValueError, AttributeError):
        return None
