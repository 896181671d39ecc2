"""Colour splatting: occlusion-aware forward splatting of both frames' pixels to time t (method
``splat-colour``; the default ``splat`` splats flows instead, see :mod:`.flowsplat`, which stays sharper).

1. Flows both ways (:class:`~stillmotion.interpolate.flows.PairFlow`).
2. Importance of each source pixel: how well its flow is confirmed, photometrically (the colour it lands
   on in the other frame) and by the forward-backward check. Occluded pixels fail both.
3. Each frame is splatted to time t (frame 0 along ``t * F01``, frame 1 along ``(1 - t) * F10``) with weight
   ``blend * exp(importance)``, ``blend`` = 1 - t for frame 0 and t for frame 1, and the two splats are
   summed and normalised: where foreground and background collide, the better-matched pixel wins; where
   one frame sees a region the other does not, that frame supplies it.
4. Pixels no source reaches are filled smoothly from their surroundings (push-pull).

The softmax-splatting idea is from Niklaus & Liu, "Softmax Splatting for Video Frame Interpolation",
CVPR 2020; this is an independent, network-free implementation of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..flow.consistency import backward_warp, consistent_mask
from ..io.image import unit_float
from ..types import Flow, Image
from . import INTERPOLATORS, MATCHED_FLOW
from .fill import push_pull_fill
from .flows import PairFlow
from .splat import splat_accumulate


@dataclass(frozen=True)
class SplatConfig:
    #: importance = -photometric_gain * |I0(x) - I1(x + F01(x))| (colours in [0, 1], channel mean)
    photometric_gain: float = 5.0
    #: importance penalty of a pixel failing the forward-backward check
    inconsistency_penalty: float = 2.0


def importance(image0: Image, image1: Image, fwd: Flow, bwd: Flow, config: SplatConfig) -> np.ndarray:
    """Log-weight (H, W) of each pixel of ``image0`` when splatting it along ``fwd``."""
    error = np.abs(image0 - backward_warp(image1, fwd)).mean(axis=2)
    z = -config.photometric_gain * error
    z -= config.inconsistency_penalty * (~consistent_mask(fwd, bwd)).astype(np.float32)
    return z.astype(np.float32)


class SplatInterpolator:
    name = "splat-colour"

    def __init__(self, pair_flow: PairFlow, config: SplatConfig | None = None) -> None:
        self.pair_flow = pair_flow
        self.config = config or SplatConfig()

    def interpolate(self, image0: Image, image1: Image, times: list[float]) -> list[Image]:
        image0, image1 = unit_float(image0), unit_float(image1)
        fwd, bwd = self.pair_flow(image0, image1)
        weight0 = np.exp(importance(image0, image1, fwd, bwd, self.config))
        weight1 = np.exp(importance(image1, image0, bwd, fwd, self.config))
        return [self.at_time(image0, image1, fwd, bwd, weight0, weight1, t) for t in times]

    @staticmethod
    def at_time(image0, image1, fwd, bwd, weight0, weight1, t: float) -> Image:
        if t <= 0.0:
            return image0.copy()
        if t >= 1.0:
            return image1.copy()
        num0, den0, cover0 = splat_accumulate(image0, t * fwd, (1.0 - t) * weight0)
        num1, den1, cover1 = splat_accumulate(image1, (1.0 - t) * bwd, t * weight1)
        out = push_pull_fill(num0 + num1, den0 + den1, (1.0 - t) * cover0 + t * cover1)
        return np.clip(out, 0.0, 1.0).astype(np.float32)


@INTERPOLATORS.register("splat-colour", "occlusion-aware softmax-style forward splatting of both frames' colours")
def _make_splat(*, flow: str = MATCHED_FLOW, flow_options: dict | None = None) -> SplatInterpolator:
    return SplatInterpolator(PairFlow(flow, **(flow_options or {})))
