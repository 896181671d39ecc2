"""The default interpolator: occlusion-aware forward splatting of the *flows* to time t, then sharp
backward sampling of both frames.

1. Flows both ways (:class:`~stillmotion.interpolate.flows.PairFlow`), possibly at a reduced working size.
2. Importance of each source pixel (log-weight): its photometric match in the other frame and the
   forward-backward check; occluded pixels fail both.
3. At the working size, every pixel of frame 0 is splatted to time t (along ``t * F01``) carrying the two
   flows it implies from time t: to frame 0 ``-t * F01`` and to frame 1 ``(1 - t) * F01``, plus whether it
   is consistent; likewise every pixel of frame 1 (along ``(1 - t) * F10``). Weights are
   ``blend * exp(importance)`` with ``blend`` = 1 - t for frame 0 and t for frame 1, so where foreground and
   background collide the better-matched pixel wins (the softmax splatting of Niklaus & Liu, CVPR 2020,
   applied to flow; an independent, network-free implementation). Holes are filled by push-pull: flow is
   smooth, so the fill is clean.
4. Visibility at time t: a pixel is seen in frame 0 when consistent frame-0 pixels land on it, and
   likewise for frame 1.
5. Where the two frames, sampled along the flows from t, still disagree strongly, the blend would show
   both: a half-transparent double of an object whose flow failed. There one frame is taken instead
   (:mod:`~stillmotion.interpolate.choose`): the other where a frame's sample is a duplicate of a
   tracked pixel shown elsewhere already, else the nearer frame in time where the flow saw no moving
   object; at motion boundaries the blend still hedges.
6. The flows from time t are scaled to full size, both frames are sampled with bicubic interpolation and
   blended with ``blend * visibility`` (:mod:`~stillmotion.interpolate.resample`): each region comes from
   the frame that sees it, and texture is not blurred by splatting.

**Quadratic motion in clips.** Between two frames motion can only be taken as straight and uniform, but
inside a clip the frames before and after the pair show how it bends and speeds up (as in Xu et al.,
"Quadratic video interpolation", NeurIPS 2019, done here with classical flows and no network). With
times -1, 0, 1, 2 for frames k - 1 .. k + 2, a pixel of frame 0 moves along ``x(t) = x0 + v t + a t^2 / 2``
where ``F01 = v + a/2`` and ``F0,-1 = -v + a/2``, so ``a0 = F01 + F0,-1`` and its displacement to time t is
``d0(t) = t F01 + (t^2 - t) / 2 * a0``; frame 1's pixels likewise with ``a1 = F10 + F12`` and 1 - t. The
acceleration is used only where the neighbouring pair's flows pass their forward-backward check (2 px
+ 10 %) and take the pixel to one of the same colour, and only from a neighbour where most pixels pass
(a frame across a cut is ignored); at a clip's first or last pair, the side without a neighbour takes
the other side's acceleration along the pair's flow (constant acceleration), where the pair's own flows
are consistent (:mod:`.quadratic`). Flows are estimated once per pair: the neighbours' come from
:class:`PairFlow`'s cache. Without neighbours (two frames), ``a = 0``: the straight-line interpolation
above.

Steps 2 and 3 run at the working size in compiled single passes (:mod:`~stillmotion.interpolate.weights`,
:mod:`~stillmotion.interpolate.splat`), step 5 with OpenCV's ``remap``; everything per pair is computed once
whatever the number of t.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from ..io.image import unit_float
from ..types import Flow, Image
from . import INTERPOLATORS, MATCHED_FLOW
from .choose import ChooseConfig, choose_frames
from .fill import push_pull_fill
from .flows import PairFlow
from .quadratic import accelerations, combine_curved, share_of_frame0, splat_curved
from .resample import sample_and_blend
from .splat import splat_accumulate
from .weights import splat_weights


@dataclass(frozen=True)
class FlowSplatConfig:
    #: importance = -photometric_gain * |I0(x) - I1(x + F01(x))| (colours in [0, 1], channel mean)
    photometric_gain: float = 10.0
    #: importance penalty of a pixel failing the forward-backward check
    inconsistency_penalty: float = 4.0
    #: visibility below which a frame gives way to the other (soft, in [0, 1])
    visibility_floor: float = 0.3
    #: where the two frames disagree strongly at time t, one frame instead of a blend (None: always blend)
    choose: ChooseConfig | None = ChooseConfig()


@numba.njit(cache=True, nogil=True, fastmath=True)
def _combine_splats(num0, den0, cover0, num1, den1, cover1, t, floor, num, den, cover, share0):  # pragma: no cover
    """Both frames' splatted sums -> the sums of the flows from time t, their weights and coverage, and the
    share of frame 0: ``(1 - t) * (seen0 + floor)`` against ``t * (seen1 + floor)``, where ``seen`` is the
    coverage by consistent pixels."""
    h, w = den0.shape
    for y in range(h):
        for x in range(w):
            dx = num1[y, x, 0] - num0[y, x, 0]
            dy = num1[y, x, 1] - num0[y, x, 1]
            num[y, x, 0] = t * dx
            num[y, x, 1] = t * dy
            num[y, x, 2] = (t - 1) * dx
            num[y, x, 3] = (t - 1) * dy
            den[y, x] = den0[y, x] + den1[y, x]
            cover[y, x] = (1 - t) * cover0[y, x] + t * cover1[y, x]
            share0[y, x] = share_of_frame0(cover0[y, x], num0[y, x, 2], den0[y, x], cover1[y, x], num1[y, x, 2],
                                           den1[y, x], t, floor)  # fmt: skip


@dataclass
class PairState:
    """What is computed once per pair (at the working size) and reused for every t."""

    fwd: Flow
    bwd: Flow
    weight0: np.ndarray
    weight1: np.ndarray
    #: what each frame's pixels carry when splatted: their flow to the other frame and "consistent" (1/0)
    carried0: np.ndarray
    carried1: np.ndarray
    #: the frames at the working size
    small0: Image
    small1: Image
    #: accelerations of frame 0's and frame 1's pixels (quadratic motion), or None (straight lines)
    accel: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def tracked0(self) -> np.ndarray:
        """1 where frame 0's pixels pass the forward-backward check (what they carry), else 0."""
        return self.carried0[..., 2]

    @property
    def tracked1(self) -> np.ndarray:
        return self.carried1[..., 2]


class FlowSplatInterpolator:
    name = "splat"
    #: interpolate() may run for several pairs at once in threads (when the flow backend allows it)
    thread_safe = True

    def __init__(self, pair_flow: PairFlow, config: FlowSplatConfig | None = None) -> None:
        self.pair_flow = pair_flow
        self.config = config or FlowSplatConfig()
        self.thread_safe = bool(getattr(pair_flow.backend, "thread_safe", False))

    #: interpolate() takes the clip's neighbouring frames (``before``, ``after``)
    uses_neighbours = True

    def prepare(self, image0: Image, image1: Image, *, before: Image | None = None,
                after: Image | None = None) -> PairState:  # fmt: skip
        """The pair's flows and splat weights; with the clip's frame ``before`` image0 and/or ``after``
        image1, also the accelerations of the quadratic motion model."""
        fwd, bwd = self.pair_flow.small(image0, image1)
        small0, small1 = self.pair_flow.downscale(image0), self.pair_flow.downscale(image1)
        gains = {"photometric_gain": self.config.photometric_gain, "inconsistency_penalty": self.config.inconsistency_penalty}
        weight0, carried0 = splat_weights(small0, small1, fwd, bwd, **gains)
        weight1, carried1 = splat_weights(small1, small0, bwd, fwd, **gains)
        flows_before = flows_after = None
        if before is not None:
            f_before, f_back = self.pair_flow.small(before, image0)  # the previous pair's (cached)
            flows_before = (self.pair_flow.downscale(before), f_back, f_before)
        if after is not None:
            f_after, f_back = self.pair_flow.small(image1, after)  # the next pair's
            flows_after = (self.pair_flow.downscale(after), f_after, f_back)
        accel = accelerations(small0, small1, fwd, bwd, carried0[..., 2] > 0, carried1[..., 2] > 0,
                              flows_before, flows_after)  # fmt: skip
        return PairState(fwd, bwd, weight0, weight1, carried0, carried1, small0, small1, accel)

    def interpolate(self, image0: Image, image1: Image, times: list[float], *,
                    before: Image | None = None, after: Image | None = None) -> list[Image]:
        """Frames (float32) at ``times`` between image0 and image1 (float in [0, 1], or 8- or 16-bit);
        ``before``/``after``: the clip's neighbouring frames, for quadratic motion (see the module's doc)."""
        image0, image1, before, after = (None if f is None else unit_float(f) for f in (image0, image1, before, after))
        state = self.prepare(image0, image1, before=before, after=after)
        return [self.at_time(image0, image1, state, t) for t in times]

    def flows_at_time(self, state: PairState, t: float) -> tuple[np.ndarray, np.ndarray]:
        """At the working size: flows from time t to frame 0 and to frame 1 (H, W, 4) and the share of
        frame 0 (H, W) in the blend."""
        # frame 0's pixels move along t * F01 and imply flows -t * F01 (to frame 0) and (1 - t) * F01 (to
        # frame 1); frame 1's move along (1 - t) * F10 and imply t * F10 and -(1 - t) * F10. Splatting the
        # flows themselves and scaling the sums afterwards gives the same weighted means with 3 channels.
        if state.accel is None:
            num0, den0, cover0 = splat_accumulate(state.carried0, state.fwd, state.weight0, flow_scale=t, weight_scale=1.0 - t)
            num1, den1, cover1 = splat_accumulate(state.carried1, state.bwd, state.weight1, flow_scale=1.0 - t, weight_scale=t)
            combine = _combine_splats
        else:  # quadratic: each pixel carries its displacement to time t and its flow to the other frame
            a0, a1 = state.accel
            num0, den0, cover0 = splat_curved(state.fwd, a0, state.carried0[..., 2], state.weight0, s=t,
                                              weight_scale=1.0 - t)  # fmt: skip
            num1, den1, cover1 = splat_curved(state.bwd, a1, state.carried1[..., 2], state.weight1, s=1.0 - t,
                                              weight_scale=t)  # fmt: skip
            combine = combine_curved
        num = np.empty(num0.shape[:2] + (4,), np.float32)
        den = np.empty(den0.shape, np.float32)
        cover = np.empty(den0.shape, np.float32)
        share0 = np.empty(den0.shape, np.float32)
        combine(num0, den0, cover0, num1, den1, cover1, np.float32(t), np.float32(self.config.visibility_floor),
                num, den, cover, share0)  # fmt: skip
        return push_pull_fill(num, den, cover), share0

    def at_time(self, image0: Image, image1: Image, state: PairState, t: float) -> Image:
        if t <= 0.0:
            return image0.copy()
        if t >= 1.0:
            return image1.copy()
        flows_t, share0 = self.flows_at_time(state, t)
        if self.config.choose is not None:
            share0 = choose_frames(share0, state.small0, state.small1, flows_t, t=t, fwd=state.fwd, bwd=state.bwd,
                                   tracked0=state.tracked0, tracked1=state.tracked1, accel=state.accel,
                                   config=self.config.choose)  # fmt: skip
        return sample_and_blend(image0, image1, flows_t, share0)


@INTERPOLATORS.register("splat", "occlusion-aware splatting of flows to time t + bicubic sampling of both frames (default)")
def _make_flowsplat(*, flow: str = MATCHED_FLOW, flow_options: dict | None = None) -> FlowSplatInterpolator:
    return FlowSplatInterpolator(PairFlow(flow, **(flow_options or {})))
