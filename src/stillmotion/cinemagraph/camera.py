"""Cinemagraph under a camera move: the water flows while the camera slides through the photo.

Each frame, the loop's texture (the photo with its moving region advanced by one frame, at the shot's
working resolution) replaces the photo's pixels in the scene's texture atlas, and the frame is rendered
through the camera as usual. The depth, the mesh and the background layer stay those of the still photo;
only colours flow.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from ..errors import InputError
from .field import build_field, from_preset
from .hints import MotionHints
from .mask_file import read_mask
from .materials import get_material
from .pace import pace
from .pipeline import moving_region
from .render import loop_frames


@dataclass(frozen=True)
class FlowSpec:
    """What flows during a camera move: the moving region (a mask file, or the sky for clouds), the
    arrows and anchors, the material preset and a speed factor (see ``stillmotion loop``)."""

    mask: str | os.PathLike | None = None
    hints: MotionHints = MotionHints()
    material: str | None = None
    speed: float = 1.0

    def prepare(self, image: np.ndarray, *, fps: float) -> FlowingPhoto:
        """Check the inputs against the photo and build the motion field (before any rendering)."""
        h, w = image.shape[:2]
        self.hints.check_fits(w, h)
        if self.material is not None:
            get_material(self.material)
        mask = read_mask(self.mask, size=(w, h), what="loop mask") if self.mask is not None else None
        if self.material is None and not self.hints.hints:  # animate's own options (loop also has --motion-from)
            raise InputError("nothing to animate: give --hint/--hints or --material")
        region = moving_region(image, mask=mask, freeze=None, material=self.material, has_motion=bool(self.hints.hints))
        material = get_material(self.material) if self.material else None
        field = build_field(image, region, fps=fps, hints=self.hints, material=material, speed=self.speed)
        return FlowingPhoto(field, region, speed=self.speed, preset=from_preset(self.hints))


@dataclass(frozen=True)
class FlowingPhoto:
    """A motion field and its moving region at the photo's resolution."""

    field: np.ndarray
    region: np.ndarray
    #: the speed factor in ``field``
    speed: float
    #: the field is a material preset's: its speed is fitted to the shot's length (see .pace)
    preset: bool

    def renders(self, shot, *, dtype=np.float32) -> Iterator:
        """The shot's frames (``RenderResult``: image and inverse depth), each rendered with the loop's
        texture of that frame; ``dtype`` np.uint8 renders from an 8-bit atlas, as
        :meth:`stillmotion.render.shot.Shot.render` does.

        ``shot`` is a :class:`stillmotion.render.shot.Shot`; its scene's atlas starts with the photo at
        the working resolution (the photo's, or after an upscale), which is what flows.
        """
        from ..render.renderer import render

        scene = shot.scene
        wh, ww = scene.shape
        top, bottom, left, right = shot.picture  # the scene may show the photo without its bars
        fh, fw = self.region.shape
        inner = (slice(round(top * fh), round(bottom * fh)), slice(round(left * fw), round(right * fw)))
        field, region = np.ascontiguousarray(self.field[inner]), np.ascontiguousarray(self.region[inner])
        h, w = region.shape
        if (wh, ww) != (h, w):  # the shot works at another resolution: bring the field there (vectors scale too)
            support = cv2.resize(np.any(field != 0, axis=2).astype(np.float32), (ww, wh), interpolation=cv2.INTER_AREA)
            field = cv2.resize(field, (ww, wh), interpolation=cv2.INTER_AREA) * np.float32(ww / w)
            field[support < 0.5] = 0.0
            region = cv2.resize(region.astype(np.float32), (ww, wh), interpolation=cv2.INTER_AREA) >= 0.5
        if not region.any():
            raise InputError("the loop mask vanishes in the shot's picture: paint a larger area")
        still = np.ascontiguousarray(scene.atlas[:, :ww])
        as_uint8 = np.dtype(dtype) == np.uint8
        field = pace(field, frame_count=shot.frame_count, speed=self.speed, fit=self.preset)
        textures = loop_frames(still, field, region, frame_count=shot.frame_count, as_uint8=as_uint8)
        atlas = (scene.atlas_uint8 if as_uint8 else scene.atlas).copy()
        for state, texture in zip(shot.states(), textures):
            atlas[:, :ww] = texture
            yield render(dataclasses.replace(scene, atlas=atlas), state, shot.intrinsics, dtype=dtype,
                         seen_rows=shot.seen_rows)  # fmt: skip
