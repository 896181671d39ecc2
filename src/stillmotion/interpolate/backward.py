"""The baseline: plain backward warping of both frames to time t, averaged (no occlusion reasoning).

The flow from time t to frame 0 is taken as ``t * F10`` and to frame 1 as ``(1 - t) * F01`` (the flow
at a pixel is assumed not to move with the motion), and the two warped frames are blended linearly.
"""

from __future__ import annotations

import numpy as np

from ..flow.consistency import backward_warp
from ..io.image import unit_float
from ..types import Image
from . import INTERPOLATORS
from .flows import PairFlow


class BackwardWarpInterpolator:
    name = "backward"

    def __init__(self, pair_flow: PairFlow) -> None:
        self.pair_flow = pair_flow

    def interpolate(self, image0: Image, image1: Image, times: list[float]) -> list[Image]:
        image0, image1 = unit_float(image0), unit_float(image1)
        fwd, bwd = self.pair_flow(image0, image1)
        out = []
        for t in times:
            from0 = backward_warp(image0, t * bwd)
            from1 = backward_warp(image1, (1.0 - t) * fwd)
            out.append(np.clip((1.0 - t) * from0 + t * from1, 0.0, 1.0).astype(np.float32))
        return out


@INTERPOLATORS.register("backward", "baseline: backward-warp both frames and average (flow default: dis)")
def _make_backward(*, flow: str = "dis", flow_options: dict | None = None) -> BackwardWarpInterpolator:
    return BackwardWarpInterpolator(PairFlow(flow, **(flow_options or {})))
