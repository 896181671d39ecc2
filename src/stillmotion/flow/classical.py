"""The default classical flow: DIS down to the finest pyramid level with a stronger variational
refinement, optionally followed by forward-backward checking and an edge-aware refill.

Tuned by measurement (benchmarks/flow_eval.py) on MPI-Sintel alley_1/cave_2 and Middlebury
RubberWhale/Urban2. Against DIS-medium: estimating the finest scale (``finest_scale=0``) is the largest
gain; ten variational iterations with ``alpha=40`` add a little more.

``classical-matched`` (the interpolators' default) then runs DIS a second time, started from SIFT matches
found at half size, and keeps that flow where it aligns the frames clearly better (:mod:`.seeded`): DIS
alone loses a small object that moves further than its own size between the frames. Chosen with
benchmarks/interp_eval.py: Sintel's apple (frame 24 from 23 and 25) is no longer torn (+2.1 dB on that
frame; two-frame Sintel mean +0.3 dB, in a clip +0.6, Urban2 +0.3). Its flow EPE is about the same as
``classical``'s (cave_2 all pixels 1.31 -> 1.34, non-occluded 0.60 -> 0.58) for ~2.5x the time, so
``classical`` (the flow default) stays without it. ``classical-hq`` also estimates the backward flow, marks pixels failing the
forward-backward test (occlusions, mismatches) and refills them with an edge-aware interpolation of the
reliable ones: much better at occlusion boundaries, ~3x slower.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import cv2
import numpy as np

from ..types import Flow, Image
from . import FLOW_BACKENDS, check_pair
from .consistency import consistent_mask
from .dis import to_gray_u8
from .fill import edge_aware_fill
from .matches import sift_matches
from .seeded import seeded_flow


_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="stillmotion-dis")  # 2: callers may run in 2 threads


@dataclass(frozen=True)
class ClassicalFlowConfig:
    """Parameters of the classical pipeline (DIS names; sizes in pixels at the finest level)."""

    finest_scale: int = 0
    patch_size_px: int = 8
    patch_stride_px: int = 3
    gradient_descent_iterations: int = 25
    variational_iterations: int = 10
    variational_alpha: float = 40.0
    variational_delta: float = 5.0
    variational_gamma: float = 10.0
    #: run the forward-backward check and edge-aware refill of inconsistent pixels
    refill_inconsistent: bool = False
    #: also run DIS seeded by SIFT matches found at this scale of the frames, kept where it aligns the frames
    #: better (:mod:`.seeded`); 0 = off (``classical-matched`` uses 0.5)
    match_scale: float = 0.0
    max_matches: int = 8000


def make_dis(config: ClassicalFlowConfig) -> cv2.DISOpticalFlow:
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    dis.setFinestScale(config.finest_scale)
    dis.setPatchSize(config.patch_size_px)
    dis.setPatchStride(config.patch_stride_px)
    dis.setGradientDescentIterations(config.gradient_descent_iterations)
    dis.setVariationalRefinementIterations(config.variational_iterations)
    dis.setVariationalRefinementAlpha(config.variational_alpha)
    dis.setVariationalRefinementDelta(config.variational_delta)
    dis.setVariationalRefinementGamma(config.variational_gamma)
    dis.setUseMeanNormalization(True)
    dis.setUseSpatialPropagation(True)
    return dis


class ClassicalFlow:
    """Tuned DIS (+ optional forward-backward refill); see the module docstring."""

    #: estimate()/estimate_both() may run in several threads at once (each call makes its own DIS object)
    thread_safe = True

    def __init__(self, config: ClassicalFlowConfig | None = None, *, name: str = "classical") -> None:
        self.config = config or ClassicalFlowConfig()
        self.name = name

    def _dis_flow(self, gray0: np.ndarray, gray1: np.ndarray, initial: Flow | None = None) -> Flow:
        # a DIS object per call (creation is cheap) so that both directions can run in parallel threads;
        # DIS starts from ``initial`` when given one
        return make_dis(self.config).calc(gray0, gray1, initial).astype(np.float32)

    def _flow(self, image0: Image, image1: Image, gray0: np.ndarray, gray1: np.ndarray,
              matches: tuple[np.ndarray, np.ndarray] | None) -> Flow:  # fmt: skip
        """DIS 0 -> 1, fused with DIS seeded by ``matches`` (points of image0, points of image1) if any."""
        flow = self._dis_flow(gray0, gray1)
        if matches is None:
            return flow
        return seeded_flow(image0, image1, flow, *matches, refine=lambda initial: self._dis_flow(gray0, gray1, initial))

    def _matches(self, image0: Image, image1: Image) -> tuple[np.ndarray, np.ndarray] | None:
        return sift_matches(image0, image1, scale=self.config.match_scale) if self.config.match_scale > 0 else None

    def estimate(self, image0: Image, image1: Image) -> Flow:
        return self.estimate_both(image0, image1)[0] if self.config.refill_inconsistent else self._one(image0, image1)

    def _one(self, image0: Image, image1: Image) -> Flow:
        check_pair(image0, image1)
        return self._flow(image0, image1, to_gray_u8(image0), to_gray_u8(image1), self._matches(image0, image1))

    def estimate_both(self, image0: Image, image1: Image) -> tuple[Flow, Flow]:
        """Forward (0->1) and backward (1->0) flows; refilled where inconsistent if the config says so."""
        check_pair(image0, image1)
        g0, g1 = to_gray_u8(image0), to_gray_u8(image1)
        matches = self._matches(image0, image1)  # mutual matches: the same set serves both directions
        back_matches = None if matches is None else matches[::-1]
        backward = _POOL.submit(self._flow, image1, image0, g1, g0, back_matches)  # OpenCV releases the GIL
        fwd = self._flow(image0, image1, g0, g1, matches)
        bwd = backward.result()
        if self.config.refill_inconsistent:
            ok_f = consistent_mask(fwd, bwd)
            ok_b = consistent_mask(bwd, fwd)
            fwd, bwd = (
                edge_aware_fill(fwd, ok_f, image0, image1, max_matches=self.config.max_matches),
                edge_aware_fill(bwd, ok_b, image1, image0, max_matches=self.config.max_matches),
            )
        return fwd, bwd


@FLOW_BACKENDS.register("classical", "tuned DIS at the finest scale with stronger variational refinement (default)")
def _make_classical() -> ClassicalFlow:
    return ClassicalFlow(ClassicalFlowConfig(), name="classical")


@FLOW_BACKENDS.register(
    "classical-matched", "classical fused with DIS seeded by SIFT matches: follows small, fast objects (~2.5x slower)"
)
def _make_classical_matched() -> ClassicalFlow:
    return ClassicalFlow(ClassicalFlowConfig(match_scale=0.5), name="classical-matched")


@FLOW_BACKENDS.register(
    "classical-fast", "DIS from 1/2 scale without variational refinement (fast clip interpolation)"
)
def _make_classical_fast() -> ClassicalFlow:
    # chosen with benchmarks/interp_eval.py and interp_speed.py (README, flow section): at the CLI's working
    # size, DIS-medium's patches with more descent iterations and no variational pass cost ~20 ms per
    # direction at 640x360 against ~48 ms for DIS-medium, for 0.3 dB less on Middlebury and the same on Sintel
    return ClassicalFlow(
        ClassicalFlowConfig(finest_scale=1, patch_stride_px=4, gradient_descent_iterations=25, variational_iterations=0),
        name="classical-fast",
    )


@FLOW_BACKENDS.register(
    "classical-hq", "classical + forward-backward check and edge-aware refill of occluded/inconsistent pixels"
)
def _make_classical_hq() -> ClassicalFlow:
    return ClassicalFlow(
        ClassicalFlowConfig(variational_iterations=5, variational_alpha=20.0, refill_inconsistent=True),
        name="classical-hq",
    )
