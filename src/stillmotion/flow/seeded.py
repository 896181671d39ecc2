"""Dense flow seeded by sparse matches, kept only where it matches better than the unseeded flow.

The matches (:mod:`.matches`) are interpolated to a dense field with OpenCV's edge-aware interpolator
(EpicFlow's interpolation, Revaud et al., CVPR 2015), which is refined by the dense method started from it
(DIS takes an initial flow). The two dense flows are then fused pixel by pixel, each pixel keeping the
seeded flow where its photometric error ``mean_c |I0(x) - I1(x + flow(x))|``, averaged over a small
window, is clearly lower than the unseeded flow's (fusion of flow proposals, as in Lempitsky et al.,
"FusionFlow", CVPR 2008, with a local winner-take-all in place of their graph cut). A small object moving further than DIS's pyramid can follow takes the
seeded flow; everywhere else the unseeded flow stays, so the seeding cannot make a good estimate worse
by more than the window's noise. Pure maths: arrays in, new arrays out.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from ..types import Flow, Image
from .consistency import backward_warp
from .fill import interpolate_matches, one_match_per_pixel

#: fewer matches than this are not worth interpolating (the interpolator needs a few to fit affine flows)
MIN_MATCHES = 8
#: the seeded flow is taken where its windowed error is below this fraction of the unseeded one's: where
#: both fail alike (occlusions) the unseeded flow stays (Sintel cave_2: EPE 1.38 with 1, 1.34 with 0.8, for
#: the same interpolation)
WIN_RATIO = 0.8
#: side of the window over which the photometric errors are compared (px)
WINDOW_PX = 9


def seeded_flow(
    image0: Image, image1: Image, flow: Flow, points0: np.ndarray, points1: np.ndarray, *,
    refine: Callable[[Flow], Flow],
) -> Flow:  # fmt: skip
    """Fuse ``flow`` (0 -> 1) with ``refine(initial)``, where ``initial`` interpolates the matches
    ``points0`` (image0) -> ``points1`` (image1) (float32 (N, 2), x, y): a new flow taking the seeded one
    where it aligns the frames clearly better over a ``WINDOW_PX`` window (see ``WIN_RATIO``). ``flow``
    itself (a copy) when there are too few matches."""
    points0, points1 = one_match_per_pixel(points0, points1, image0.shape)
    if len(points0) < MIN_MATCHES:
        return flow.copy()
    initial = interpolate_matches(image0, image1, points0, points1)
    proposal = refine(initial)
    better = local_error(image0, image1, proposal) < WIN_RATIO * local_error(image0, image1, flow)
    return np.where(better[..., None], proposal, flow).astype(np.float32, copy=False)


def local_error(image0: Image, image1: Image, flow: Flow) -> np.ndarray:
    """float32 (H, W): ``mean_c |image0(x) - image1(x + flow(x))|`` (bilinear) averaged over the window."""
    error = np.abs(image0 - backward_warp(image1, flow)).mean(axis=2, dtype=np.float32)
    return cv2.boxFilter(error, -1, (WINDOW_PX, WINDOW_PX))

