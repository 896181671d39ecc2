"""Both flows of a frame pair, optionally estimated at a reduced resolution and scaled back up."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np

from ..flow import check_pair, create_backend
from ..types import Flow, Image


_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stillmotion-flow")


class PairFlow:
    """Estimates (forward 0->1, backward 1->0) flows with a flow backend at ``scale`` (<= 1) of the frame
    size; ``max_pixels`` caps the working size (the scale is lowered until it fits)."""

    def __init__(self, backend: str = "classical", *, scale: float = 1.0, max_pixels: int | None = None, **options):
        self.backend = create_backend(backend, **options)
        self.scale = float(scale)
        self.max_pixels = max_pixels

    def working_scale(self, height: int, width: int) -> float:
        scale = min(1.0, self.scale)
        if self.max_pixels and height * width * scale * scale > self.max_pixels:
            scale = float(np.sqrt(self.max_pixels / (height * width)))
        return scale

    def __call__(self, image0: Image, image1: Image) -> tuple[Flow, Flow]:
        """Both flows at the frames' full size."""
        h, w = image0.shape[:2]
        fwd, bwd = self.small(image0, image1)
        if fwd.shape[:2] != (h, w):
            fwd, bwd = upscale_flow(fwd, h, w), upscale_flow(bwd, h, w)
        return fwd, bwd

    def small(self, image0: Image, image1: Image) -> tuple[Flow, Flow]:
        """Both flows at the working size (vectors in working-size pixels)."""
        check_pair(image0, image1)
        h, w = image0.shape[:2]
        scale = self.working_scale(h, w)
        if scale < 0.999:
            size = (max(8, round(w * scale)), max(8, round(h * scale)))
            small0 = cv2.resize(image0, size, interpolation=cv2.INTER_AREA)
            small1 = cv2.resize(image1, size, interpolation=cv2.INTER_AREA)
        else:
            small0, small1 = image0, image1
        both = getattr(self.backend, "estimate_both", None)
        if both is not None:
            return both(small0, small1)
        if not getattr(self.backend, "thread_safe", False):
            return self.backend.estimate(small0, small1), self.backend.estimate(small1, small0)
        # OpenCV releases the GIL: the two directions run on both cores at once
        backward = _POOL.submit(self.backend.estimate, small1, small0)
        return self.backend.estimate(small0, small1), backward.result()


def upscale_flow(flow: Flow, height: int, width: int) -> Flow:
    """Resize a flow field to (height, width), scaling its vectors by the same factors."""
    sy, sx = height / flow.shape[0], width / flow.shape[1]
    out = cv2.resize(flow, (width, height), interpolation=cv2.INTER_LINEAR)
    out[..., 0] *= sx
    out[..., 1] *= sy
    return out.astype(np.float32)
