"""Clip sizes: the presets, ``source`` and ``WxH``.

Kept apart from the shot planner, which imports the renderer's compiled kernels, so that a bad size is
refused, and the encoder sized, without waiting for numba.
"""

from __future__ import annotations

import math
import re

from ..errors import InputError

#: Output size presets (those of the Kandinsky 2.2 video service).
SIZE_PRESETS = {"landscape": (832, 448), "square": (640, 640), "portrait": (448, 832)}
MAX_SOURCE_SIDE = 1920
#: The largest side of a clip whose size is given: animate's and deforum's --size, a story's size, a
#: Deforum file's W and H (8K; one limit for every command).
MAX_OUTPUT_SIDE = 7680
#: The highest frame rate of any clip, for every command (a gif plays at most 50: see io.video).
MAX_FPS = 240.0
#: Smallest photo side animate accepts (the depth, mesh and framing need a few pixels of picture).
MIN_PHOTO_SIDE = 8


def check_photo_side(shape: tuple[int, ...], what: str, *, purpose: str = "") -> None:
    """Refuse a picture (``shape`` (H, W, ...)) smaller than ``MIN_PHOTO_SIDE`` on a side, naming it ``what``."""
    h, w = shape[:2]
    if min(h, w) < MIN_PHOTO_SIDE:
        raise InputError(f"{what} is {w}x{h}: too small{purpose} (at least {MIN_PHOTO_SIDE} px a side)")


def output_size(size: str, photo_shape: tuple[int, int]) -> tuple[int, int]:
    """(width, height) of the clip: a preset, ``source`` (photo aspect, long side <= 1920) or ``WxH``.
    Sizes are even, as H.264 and VP9 in yuv420p need (an odd ``WxH`` is rounded up). A photo smaller than
    ``MIN_PHOTO_SIDE`` is refused whatever the size: there is no scene to move through."""
    check_photo_side(photo_shape, "the photo", purpose=" to animate")
    h, w = photo_shape
    key = size.strip().lower()
    if key == "source":
        scale = min(1.0, MAX_SOURCE_SIDE / max(h, w))
        ow, oh = max(2, int(round(w * scale / 2)) * 2), max(2, int(round(h * scale / 2)) * 2)
        if min(ow, oh) < 16:  # a 4000x20 strip: 1920x10 at the source's aspect
            raise InputError(f"size source would be {ow}x{oh} for this {w}x{h} photo (each side must be at least "
                             "16); give --size WxH")  # fmt: skip
        return ow, oh
    given = fixed_size(key, max_side=MAX_OUTPUT_SIDE)
    if given is None:
        raise InputError(f"unknown size {size!r}; use landscape, square, portrait, source or WxH (e.g. 1280x720)")
    ow, oh = given
    return ow + ow % 2, oh + oh % 2


def fixed_size(text: str, *, max_side: int) -> tuple[int, int] | None:
    """(width, height) of a preset or of ``WxH`` (``1280x720`` or ``1280 × 720``), each side within
    16..``max_side`` (else an InputError); None for any other text. Shared by clips and stories."""
    key = text.strip().lower()
    if key in SIZE_PRESETS:
        return SIZE_PRESETS[key]
    match = re.fullmatch(r"(\d+)\s*[x×]\s*(\d+)", key)
    if match is None:
        return None
    width, height = int(match.group(1)), int(match.group(2))
    if not (16 <= width <= max_side and 16 <= height <= max_side):
        raise InputError(f"size {width}x{height} is out of range: each side must be within 16..{max_side}")
    return width, height


def even_frame_size(kind: str, width: int, height: int) -> tuple[int, int]:
    """(width, height) of a clip of ``kind`` (``mp4``, ``webm``, ``gif``, ``frames``) made of frames of
    ``width`` x ``height`` taken as they come (a photo's own size, an input clip's): mp4 and webm (yuv420p)
    need even sides, so an odd last row/column is dropped; a gif or PNG frames keep every pixel."""
    if kind in ("mp4", "webm"):
        return width - width % 2, height - height % 2
    return width, height


def clip_size(image, size: str) -> tuple[int, int]:
    """(width, height) of the clip :func:`stillmotion.render.shot.plan_shot` makes of ``image`` at
    ``size`` (of the picture inside uniform bars): known before the shot is planned, so the encoder can
    start meanwhile."""
    from ..depth.bars import content_box

    top, bottom, left, right = content_box(image)
    return output_size(size, (bottom - top, right - left))


def check_timing(*, fps: float, duration_s: float, fov_deg: float) -> None:
    """Refuse a frame rate, duration or field of view the shot cannot take (cheap: checked before work)."""
    if not (math.isfinite(fps) and 0 < fps <= MAX_FPS):  # check_fps's limit, in animate's own words
        raise InputError(f"fps must be within (0, {MAX_FPS:g}], got {fps:g}")
    if not (math.isfinite(duration_s) and 0 < duration_s <= 600):
        raise InputError(f"duration must be within (0, 600] seconds, got {duration_s}")
    check_fov(fov_deg)


def check_fps(fps: float, *, name: str = "fps") -> None:
    """Refuse a frame rate outside (0, ``MAX_FPS``] (NaN too); ``name``: how the caller calls it."""
    if not (math.isfinite(fps) and 0 < fps <= MAX_FPS):
        raise InputError(f"{name} must be in (0, {MAX_FPS:g}], got {fps:g}")


#: The fields of view, in degrees, that a camera may have.
MIN_FOV_DEG, MAX_FOV_DEG = 1.0, 170.0


def check_fov(fov_deg: float, *, name: str = "fov") -> None:
    """Refuse a field of view outside MIN_FOV_DEG..MAX_FOV_DEG (NaN too); ``name``: how the caller calls it."""
    if not MIN_FOV_DEG <= fov_deg <= MAX_FOV_DEG:
        raise InputError(f"{name} must be within {MIN_FOV_DEG:g}..{MAX_FOV_DEG:g} degrees, got {fov_deg}")
