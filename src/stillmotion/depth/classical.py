"""Classical monocular depth (first version; the depth issue replaces the cues with better ones).

Cues: a ground-plane layout prior (lower in the frame = nearer), local sharpness (in-focus subjects are
usually nearer than a defocused background), and a centre prior; combined, then refined edge-aware with
OpenCV's guided filter so depth edges sit on image edges.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..types import Depth, DepthKind


class ClassicalDepth:
    def __init__(self, *, work_size: int = 384) -> None:
        self.work_size = work_size

    def __call__(self, image: np.ndarray) -> Depth:
        h, w = image.shape[:2]
        scale = self.work_size / max(h, w)
        small = cv2.resize(image, (max(8, round(w * scale)), max(8, round(h * scale))), interpolation=cv2.INTER_AREA)
        sh, sw = small.shape[:2]
        gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
        rows = np.linspace(0.0, 1.0, sh, dtype=np.float32)[:, None]
        layout = np.broadcast_to(rows, (sh, sw))
        sharp = np.abs(cv2.Laplacian(gray, cv2.CV_32F, ksize=3))
        sharp = cv2.GaussianBlur(sharp, (0, 0), sigmaX=max(sh, sw) / 30.0)
        sharp = sharp / (np.percentile(sharp, 99) + 1e-6)
        cols = np.linspace(-1.0, 1.0, sw, dtype=np.float32)[None, :]
        centre = 1.0 - 0.5 * (cols**2 + (rows * 2 - 1) ** 2)
        inv = 0.55 * layout + 0.3 * np.clip(sharp, 0, 1) + 0.15 * centre
        guide = small.astype(np.float32)
        inv = cv2.ximgproc.guidedFilter(guide, inv.astype(np.float32), radius=max(2, sw // 48), eps=1e-3)
        inv = cv2.resize(inv, (w, h), interpolation=cv2.INTER_LINEAR)
        lo, hi = np.percentile(inv, [1, 99])
        inv = np.clip((inv - lo) / max(hi - lo, 1e-6), 0.0, 1.0).astype(np.float32)
        return Depth(inv, DepthKind.INVERSE)
