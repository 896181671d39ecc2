"""Diffusion generators through diffusers (extra ``neural``): Kandinsky 2.2, Stable Diffusion 1.5, SDXL.

Weights come only from a local directory or the Hugging Face cache (``local_files_only=True``): nothing
is ever downloaded. Every generator has the same three calls, images being float32 RGB in [0, 1]:

- ``text2img(prompt, negative_prompt, *, width, height, seed, steps, cfg_scale)``
- ``img2img(image, prompt, negative_prompt, *, denoise, seed, steps, cfg_scale)``
- ``inpaint(image, mask, prompt, negative_prompt, *, denoise, seed, steps, cfg_scale)`` (mask: True = repaint)

``denoise`` is the fraction of the diffusion that is re-run: diffusers' and Kandinsky's ``strength``.
Deforum's ``strength`` is the fraction of the init image *kept*, so ``denoise = 1 - strength``; that
conversion is done once, in :mod:`stillmotion.generate.diffusion_repair`.

Prompt encodings (SD's text-encoder states, Kandinsky's prior image embeddings) are cached per
(prompt, negative prompt), so a run encodes each prompt once, not once per frame.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from pathlib import Path

import cv2
import numpy as np

from ..errors import InputError, MissingExtraError, ModelNotFoundError, check_model_folder, quiet_diffusers
from ..registry import Registry

log = logging.getLogger(__name__)

GENERATORS: Registry = Registry("generator")

#: Where each generator looks in the Hugging Face cache when no ``model`` is given.
DEFAULT_MODELS = {
    "kandinsky": {"prior": "kandinsky-community/kandinsky-2-2-prior",
                  "decoder": "kandinsky-community/kandinsky-2-2-decoder",
                  "inpaint": "kandinsky-community/kandinsky-2-2-decoder-inpaint"},
    "sd15": "stable-diffusion-v1-5/stable-diffusion-v1-5",
    "sdxl": "stabilityai/stable-diffusion-xl-base-1.0",
}  # fmt: skip


def require_neural(what: str) -> None:
    """Raise :class:`MissingExtraError` naming the ``neural`` extra when torch/diffusers/transformers are missing."""
    for package in ("torch", "diffusers", "transformers"):
        try:
            found = importlib.util.find_spec(package) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise MissingExtraError(what, "neural", package)


def _device(name: str):
    import torch

    if name not in ("cpu", "cuda"):
        raise InputError(f"device: expected cpu or cuda, got {name!r}")
    if name == "cuda" and not torch.cuda.is_available():
        raise InputError("device cuda was asked for but torch sees no CUDA GPU; use --device cpu")
    return torch.device(name), (torch.float16 if name == "cuda" else torch.float32)


def _load(cls, source: str, what: str, *, dtype=None, **kwargs):
    """``cls.from_pretrained(source, local_files_only=True)`` with a one-line error when absent."""
    import torch

    if dtype is not None and dtype != torch.float32:
        kwargs["torch_dtype"] = dtype
    check_model_folder(source, what)
    try:
        with quiet_diffusers():
            return cls.from_pretrained(os.path.expanduser(source), local_files_only=True, **kwargs)
    except (OSError, ValueError, EnvironmentError) as exc:
        log.debug("%s: loading %r failed: %s", what, source, exc)
        raise ModelNotFoundError(
            f"{what}: no local weights at {source!r}: give a diffusers model folder, or an id already in the "
            "Hugging Face cache (nothing is downloaded; --debug shows the loader's own message)"
        ) from None


def _to_pil(image: np.ndarray):
    from PIL import Image

    return Image.fromarray((np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8))


def _mask_to_pil(mask: np.ndarray):
    from PIL import Image

    return Image.fromarray(mask.astype(np.uint8) * 255, mode="L")


def _from_output(images, width: int, height: int) -> np.ndarray:
    image = np.asarray(images[0], dtype=np.float32)
    if image.shape[:2] != (height, width):
        image = cv2.resize(image, (width, height), interpolation=cv2.INTER_CUBIC)
    return np.clip(image, 0, 1).astype(np.float32)


def _generator(seed: int, device):
    import torch

    return torch.Generator(device="cpu").manual_seed(int(seed) % (2**63))


#: The schedulers' training steps: more inference steps than this are refused by diffusers.
MAX_STEPS = 1000


def _steps_for(denoise: float, steps: int) -> int | None:
    """Enough steps that ``int(steps * denoise) >= 1``; None when nothing would be denoised (a strength of
    0.9995 needed 2000 steps, which the schedulers refuse: such a pass changes nothing visible anyway)."""
    if denoise <= 0:
        return None
    n = max(int(steps), int(np.ceil(1.0 / denoise)))
    return None if n > MAX_STEPS else n


def _multiple_of_8(n: int) -> int:
    """The nearest side Stable Diffusion takes (its latents are 1/8 of the picture); the result is
    resized back to the size asked for."""
    return max(8, int(round(n / 8.0)) * 8)


class StableDiffusionGenerator:
    """Stable Diffusion 1.5 (``xl=False``) or SDXL (``xl=True``) from one diffusers folder."""

    def __init__(self, model: str | None = None, *, device: str = "cpu", xl: bool = False) -> None:
        require_neural("the Stable Diffusion generator")
        import diffusers

        self.name = "sdxl" if xl else "sd15"
        self.default_cfg = 7.0
        self.device, self.dtype = _device(device)
        source = model or DEFAULT_MODELS[self.name]
        img2img_cls = diffusers.StableDiffusionXLImg2ImgPipeline if xl else diffusers.StableDiffusionImg2ImgPipeline
        extra = {} if xl else {"safety_checker": None, "requires_safety_checker": False}
        self.img2img_pipe = _load(img2img_cls, source, self.name, dtype=self.dtype, **extra).to(self.device)
        # a folder of the other family loads without complaint and fails at the first frame, deep in diffusers
        unet_is_xl = self.img2img_pipe.unet.config.get("addition_embed_type") == "text_time"
        if unet_is_xl != xl:
            family, fits = ("XL", "sdxl") if unet_is_xl else ("1.x/2.x", "sd15")
            raise ModelNotFoundError(f"{self.name}: {source} holds a Stable Diffusion {family} model; "
                                     f"choose generator {fits} for it")  # fmt: skip
        self.text2img_pipe = diffusers.AutoPipelineForText2Image.from_pipe(self.img2img_pipe)
        self.inpaint_pipe = diffusers.AutoPipelineForInpainting.from_pipe(self.img2img_pipe)
        for pipe in (self.img2img_pipe, self.text2img_pipe, self.inpaint_pipe):
            pipe.set_progress_bar_config(disable=True)
        self.xl = xl
        self._cache: dict[tuple, dict] = {}
        self.encodings = 0
        log.info("generator: %s from %s on %s", self.name, source, device)

    def _embeds(self, prompt: str, negative: str, cfg_scale: float) -> dict:
        import torch

        guidance = cfg_scale > 1.0
        key = (prompt, negative, guidance)
        if key not in self._cache:
            with torch.no_grad():
                if self.xl:
                    pe, npe, pooled, npooled = self.img2img_pipe.encode_prompt(
                        prompt=prompt, device=self.device, num_images_per_prompt=1,
                        do_classifier_free_guidance=guidance, negative_prompt=negative or None,
                    )  # fmt: skip
                    embeds = {"prompt_embeds": pe, "pooled_prompt_embeds": pooled}
                    if guidance:
                        embeds.update(negative_prompt_embeds=npe, negative_pooled_prompt_embeds=npooled)
                else:
                    pe, npe = self.img2img_pipe.encode_prompt(prompt, self.device, 1, guidance, negative or None)
                    embeds = {"prompt_embeds": pe}
                    if guidance:
                        embeds["negative_prompt_embeds"] = npe
            self._cache[key] = embeds
            self.encodings += 1
        return self._cache[key]

    def text2img(self, prompt, negative_prompt="", *, width, height, seed, steps=25, cfg_scale=7.0):
        out = self.text2img_pipe(**self._embeds(prompt, negative_prompt, cfg_scale), width=_multiple_of_8(width),
                                 height=_multiple_of_8(height),
                                 num_inference_steps=steps, guidance_scale=cfg_scale,
                                 generator=_generator(seed, self.device), output_type="np")  # fmt: skip
        return _from_output(out.images, width, height)

    def img2img(self, image, prompt, negative_prompt="", *, denoise, seed, steps=25, cfg_scale=7.0):
        n = _steps_for(denoise, steps)
        if n is None:
            return image
        out = self.img2img_pipe(**self._embeds(prompt, negative_prompt, cfg_scale), image=_to_pil(image),
                                strength=denoise, num_inference_steps=n, guidance_scale=cfg_scale,
                                generator=_generator(seed, self.device), output_type="np")  # fmt: skip
        return _from_output(out.images, image.shape[1], image.shape[0])

    def inpaint(self, image, mask, prompt, negative_prompt="", *, denoise=1.0, seed, steps=25, cfg_scale=7.0):
        n = _steps_for(denoise, steps)
        if n is None:
            return image
        h, w = image.shape[:2]
        out = self.inpaint_pipe(**self._embeds(prompt, negative_prompt, cfg_scale), image=_to_pil(image),
                                mask_image=_mask_to_pil(mask), strength=denoise, width=_multiple_of_8(w),
                                height=_multiple_of_8(h),
                                num_inference_steps=n, guidance_scale=cfg_scale,
                                generator=_generator(seed, self.device), output_type="np")  # fmt: skip
        result = _from_output(out.images, w, h)
        return np.where(mask[..., None], result, image).astype(np.float32)


def _kandinsky_parts(model: str | None) -> dict[str, str | None]:
    """``DIR`` holding ``prior/``, ``decoder/`` [``inpaint/``], or ``PRIOR,DECODER[,INPAINT]``, or the cache."""
    if model is None:
        return dict(DEFAULT_MODELS["kandinsky"])
    if "," in model:
        parts = [p.strip() for p in model.split(",")]
        if len(parts) not in (2, 3):
            raise InputError(f"kandinsky model: expected PRIOR,DECODER[,INPAINT], got {model!r}")
        return {"prior": parts[0], "decoder": parts[1], "inpaint": parts[2] if len(parts) == 3 else None}
    root = Path(os.path.expanduser(model))
    if not (root / "prior").is_dir() or not (root / "decoder").is_dir():
        raise ModelNotFoundError(f"kandinsky: {root} must hold prior/ and decoder/ diffusers folders (and inpaint/)")
    return {"prior": str(root / "prior"), "decoder": str(root / "decoder"),
            "inpaint": str(root / "inpaint") if (root / "inpaint").is_dir() else None}  # fmt: skip


class KandinskyGenerator:
    """Kandinsky 2.2: the prior turns text into CLIP image embeddings; the decoder (MoVQ + UNet)
    turns embeddings into pictures: text-to-image, image-to-image, and inpainting with the inpaint
    decoder. ``denoise`` is the decoder pipelines' ``strength`` (fraction denoised)."""

    name = "kandinsky"
    default_cfg = 4.0

    def __init__(self, model: str | None = None, *, device: str = "cpu") -> None:
        require_neural("the Kandinsky 2.2 generator")
        import diffusers

        self.device, self.dtype = _device(device)
        parts = _kandinsky_parts(model)
        self.prior = _load(diffusers.KandinskyV22PriorPipeline, parts["prior"], "kandinsky prior",
                           dtype=self.dtype).to(self.device)  # fmt: skip
        self.text2img_pipe = _load(diffusers.KandinskyV22Pipeline, parts["decoder"], "kandinsky decoder",
                                   dtype=self.dtype).to(self.device)  # fmt: skip
        self.img2img_pipe = diffusers.KandinskyV22Img2ImgPipeline(**self.text2img_pipe.components)
        self.inpaint_source = parts["inpaint"]
        self._inpaint_pipe = None
        for pipe in (self.prior, self.text2img_pipe, self.img2img_pipe):
            pipe.set_progress_bar_config(disable=True)
        self._cache: dict[tuple, tuple] = {}
        self.encodings = 0
        log.info("generator: kandinsky 2.2 (prior %s, decoder %s) on %s", parts["prior"], parts["decoder"], device)

    @property
    def inpaint_pipe(self):
        if self._inpaint_pipe is None:
            import diffusers

            if self.inpaint_source is None:
                raise ModelNotFoundError("kandinsky inpainting needs the inpaint decoder (an inpaint/ folder)")
            pipe = _load(diffusers.KandinskyV22InpaintPipeline, self.inpaint_source, "kandinsky inpaint decoder",
                         dtype=self.dtype).to(self.device)  # fmt: skip
            pipe.set_progress_bar_config(disable=True)
            self._inpaint_pipe = pipe
        return self._inpaint_pipe

    def _embeds(self, prompt: str, negative: str, seed: int) -> tuple:
        import torch

        key = (prompt, negative)
        if key not in self._cache:
            with torch.no_grad():
                out = self.prior(prompt, negative_prompt=negative or None, guidance_scale=4.0,
                                 generator=_generator(seed, self.device), num_inference_steps=25)  # fmt: skip
            self._cache[key] = (out.image_embeds, out.negative_image_embeds)
            self.encodings += 1
        return self._cache[key]

    def text2img(self, prompt, negative_prompt="", *, width, height, seed, steps=25, cfg_scale=4.0):
        embeds, negative = self._embeds(prompt, negative_prompt, seed)
        out = self.text2img_pipe(image_embeds=embeds, negative_image_embeds=negative, width=width, height=height,
                                 num_inference_steps=steps, guidance_scale=cfg_scale,
                                 generator=_generator(seed, self.device), output_type="np")  # fmt: skip
        return _from_output(out.images, width, height)

    def img2img(self, image, prompt, negative_prompt="", *, denoise, seed, steps=25, cfg_scale=4.0):
        n = _steps_for(denoise, steps)
        if n is None:
            return image
        h, w = image.shape[:2]
        embeds, negative = self._embeds(prompt, negative_prompt, seed)
        out = self.img2img_pipe(image=_to_pil(image), image_embeds=embeds, negative_image_embeds=negative,
                                strength=denoise, width=w, height=h, num_inference_steps=n,
                                guidance_scale=cfg_scale, generator=_generator(seed, self.device),
                                output_type="np")  # fmt: skip
        return _from_output(out.images, w, h)

    def inpaint(self, image, mask, prompt, negative_prompt="", *, denoise=1.0, seed, steps=25, cfg_scale=4.0):
        h, w = image.shape[:2]
        embeds, negative = self._embeds(prompt, negative_prompt, seed)
        out = self.inpaint_pipe(image=_to_pil(image), mask_image=mask.astype(np.float32), image_embeds=embeds,
                                negative_image_embeds=negative, width=w, height=h, num_inference_steps=steps,
                                guidance_scale=cfg_scale, generator=_generator(seed, self.device),
                                output_type="np")  # fmt: skip
        result = _from_output(out.images, w, h)
        return np.where(mask[..., None], result, image).astype(np.float32)


@GENERATORS.register("kandinsky", "Kandinsky 2.2 prior + decoder (text-to-image, image-to-image, inpaint)")
def _kandinsky(**options):
    return KandinskyGenerator(**options)


@GENERATORS.register("sd15", "Stable Diffusion 1.5 (text-to-image, image-to-image, inpaint)")
def _sd15(**options):
    return StableDiffusionGenerator(xl=False, **options)


@GENERATORS.register("sdxl", "Stable Diffusion XL (text-to-image, image-to-image, inpaint)")
def _sdxl(**options):
    return StableDiffusionGenerator(xl=True, **options)


def load_generator(name: str, *, model: str | None = None, device: str = "cpu"):
    """Build generator ``name`` from local weights; raises MissingExtraError / ModelNotFoundError."""
    if name not in GENERATORS:
        raise InputError(f"unknown generator {name!r}; choose one of: {', '.join(GENERATORS.names())}")
    require_neural(f"the {name} generator")
    return GENERATORS.create(name, model=model, device=device)


def generator_from_story(story):
    """Check now that a story's prompt scenes can be generated; return a factory that loads the generator."""
    first = next(s for s in story.scenes if s.prompt is not None)
    require_neural(f"{first.label} has a prompt: generating it")
    if not story.generator:
        raise InputError(f"{first.label} has a prompt: choose a generator (generator: kandinsky | sd15 | sdxl "
                         "in the story, or --generator) with local weights (model: DIR or --model)")  # fmt: skip
    if story.generator not in GENERATORS:
        raise InputError(f"generator: unknown {story.generator!r}; choose one of: {', '.join(GENERATORS.names())}")
    generator = load_generator(story.generator, model=story.model, device=story.device)
    return lambda: generator
