"""OpenCV's Dense Inverse Search (Kroeger et al., ECCV 2016) with its stock presets."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..errors import InputError
from ..types import Flow, Image
from . import FLOW_BACKENDS, check_pair

DIS_PRESETS = {
    "ultrafast": cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST,
    "fast": cv2.DISOPTICAL_FLOW_PRESET_FAST,
    "medium": cv2.DISOPTICAL_FLOW_PRESET_MEDIUM,
}


def to_gray_u8(image: Image) -> np.ndarray:
    """Float RGB [0, 1] -> uint8 grey, as OpenCV's flow methods want."""
    u8 = np.clip(image * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return cv2.cvtColor(u8, cv2.COLOR_RGB2GRAY)


@dataclass
class DISFlow:
    """DIS with one of OpenCV's presets: ``ultrafast``, ``fast`` or ``medium``."""

    preset: str = "medium"
    name: str = "dis"

    #: estimate() may run in two threads at once (each call makes its own DIS object: cheap)
    thread_safe = True

    def __post_init__(self) -> None:
        if self.preset not in DIS_PRESETS:
            raise InputError(f"unknown DIS preset {self.preset!r}; choose one of: {', '.join(DIS_PRESETS)}")

    def estimate(self, image0: Image, image1: Image) -> Flow:
        check_pair(image0, image1)
        dis = cv2.DISOpticalFlow_create(DIS_PRESETS[self.preset])
        return dis.calc(to_gray_u8(image0), to_gray_u8(image1), None).astype(np.float32)


@FLOW_BACKENDS.register("dis", "OpenCV DIS with a stock preset (preset=ultrafast|fast|medium; default medium)")
def _make_dis(*, preset: str = "medium") -> DISFlow:
    return DISFlow(preset=preset)
