"""Colour coherence: match a frame's colour histograms to a reference (Deforum's "Match Frame 0")."""

from __future__ import annotations

import cv2
import numpy as np

from ..errors import InputError

#: Deforum's names -> ours.
COLOR_MODES = {
    "none": None, "rgb": "rgb", "hsv": "hsv", "lab": "lab",
    "match frame 0 rgb": "rgb", "match frame 0 hsv": "hsv", "match frame 0 lab": "lab",
}  # fmt: skip


def color_mode(name: str | None) -> str | None:
    """Normalise a colour-coherence name (``None``, ``RGB``, ``Match Frame 0 LAB`` ...) to rgb/hsv/lab/None."""
    key = "none" if name is None else str(name).strip().lower()
    if key not in COLOR_MODES:
        raise InputError(f"color_coherence: expected None, RGB, HSV or LAB (or 'Match Frame 0 ...'), got {name!r}")
    return COLOR_MODES[key]


def match_colors(image: np.ndarray, reference: np.ndarray, mode: str | None) -> np.ndarray:
    """Histogram-match ``image`` to ``reference`` per channel in the RGB, HSV or LAB space."""
    from skimage.exposure import match_histograms

    if mode is None:
        return image
    src, ref = np.clip(image, 0, 1).astype(np.float32), np.clip(reference, 0, 1).astype(np.float32)
    if mode == "rgb":
        out = match_histograms(src, ref, channel_axis=-1)
    elif mode == "hsv":
        # OpenCV's float HSV has hue in degrees [0, 360): matching it as a number is what Deforum does.
        out = cv2.cvtColor(
            match_histograms(cv2.cvtColor(src, cv2.COLOR_RGB2HSV), cv2.cvtColor(ref, cv2.COLOR_RGB2HSV), channel_axis=-1)
            .astype(np.float32),
            cv2.COLOR_HSV2RGB,
        )
    elif mode == "lab":
        out = cv2.cvtColor(
            match_histograms(cv2.cvtColor(src, cv2.COLOR_RGB2LAB), cv2.cvtColor(ref, cv2.COLOR_RGB2LAB), channel_axis=-1)
            .astype(np.float32),
            cv2.COLOR_LAB2RGB,
        )
    else:
        raise InputError(f"unknown colour matching mode {mode!r}")
    return np.clip(out, 0, 1).astype(np.float32)
