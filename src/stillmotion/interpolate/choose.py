"""One frame instead of a double exposure where the two frames, brought to time t, disagree strongly.

The flow-splatting interpolator (:mod:`.flowsplat`) samples both frames along the flows from time t and
blends them. Where the flows are right the two samples agree and the blend is sharp; where an object's
flow failed (small, fast, motion-blurred: found nowhere in the other frame) the two samples show
different things, and a blend shows both at half strength: a ghost at the object's old place, and a
second one at its new place. Averaging is the lower-error hedge when nothing says which sample is right,
but a person sees the double exposure; a solid object in one plausible place looks better. Here, at the
working size:

1. Both frames are sampled (bilinearly) along the flows from time t, at every other pixel of every other
   row; their disagreement is the mean channel difference, smoothed (Gaussian, ``sigma_px``). A region
   is where it exceeds ``low``, connected to a pixel where it exceeds ``high`` (hysteresis: a ghost's
   faint parts go with its strong ones).
2. Inside a region, a frame whose sample is a *duplicate* gives way to the other. A sample is a duplicate
   when the pixel it came from passed the forward-backward check (it is tracked), its own motion takes it
   to a point more than ``duplicate_px`` away at time t, and the flow from t there leads back to it: it
   is shown there already (the flow field at t, filled and blended between the two frames, copied it
   here too). This is the usual case next to a moving object: the band it uncovers comes from the frame
   that sees the background. A tracked pixel that is not shown where it belongs (its splat lost a
   collision) is no duplicate: taking it away at both ends would make the object vanish.
3. Where neither or both samples are duplicates, the nearer frame in time is taken (frame 0 at
   t = 0.5), but only where the flow from t is smooth (the motion's standard deviation over a small
   square below ``smooth_spread_px``): there the flow saw no moving object, so what differs moved unseen,
   and the same frame for every such region shows it once, solid, where that frame has it, not half at
   each end of its path. At a motion boundary the frames disagree about where the boundary lies, and the
   blend, the lower-error hedge, is kept (taking the nearer frame there too cost the Sintel rows of the
   fast clip flow 0.15-0.24 dB).

The frame's share in the blend is set to 1 or 0 over the regions, feathered (``feather_px``) into the
share around them; where the samples agree the blend is unchanged. All sampling is OpenCV's bilinear
``remap`` (the duplicate test only over the regions' bounding box). Pure maths: arrays in, new arrays out.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..flow.consistency import pixel_grid
from ..types import Flow, Image


@dataclass(frozen=True)
class ChooseConfig:
    #: disagreement (mean channel difference, colours in [0, 1], smoothed) that starts a region ...
    high: float = 0.15
    #: ... and that a region spreads through from there
    low: float = 0.12
    #: smoothing of the disagreement, in working-size pixels
    sigma_px: float = 2.0
    #: a tracked pixel whose motion ends further than this from where it was sampled is a duplicate there
    duplicate_px: float = 6.0
    #: the flow from t counts as smooth where the motion's standard deviation over a square of
    #: ``2 * spread_radius_px + 1`` pixels is below this (working-size pixels)
    smooth_spread_px: float = 1.5
    spread_radius_px: int = 12
    #: width of the soft edge between a region and the blend around it, in working-size pixels
    feather_px: float = 3.0


def _disagreement(image0: Image, image1: Image, flows_t: np.ndarray) -> np.ndarray:
    """Mean channel difference of the two frames sampled (bilinearly) along the flows from t, at every other
    pixel of every other row (a quarter of the work: it is smoothed over several pixels), (H/2, W/2)."""
    xs, ys = (grid[::2, ::2] for grid in pixel_grid(*flows_t.shape[:2]))
    sub = flows_t[::2, ::2]
    from0 = cv2.remap(image0, xs + sub[..., 0], ys + sub[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    from1 = cv2.remap(image1, xs + sub[..., 2], ys + sub[..., 3], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return np.abs(from0 - from1).mean(axis=2)


def _duplicates(flow_t: Flow, motion: np.ndarray, tracked: np.ndarray, box: tuple[slice, slice], *,
                limit2: float) -> np.ndarray:
    """Bool, over ``box`` of the working size: whether the pixel of a frame sampled at time t along
    ``flow_t`` (the flow from t to that frame) is a duplicate there: it passes the forward-backward check
    (``tracked``), its own displacement to time t (``motion``, at the frame's pixels) ends at a point e more
    than sqrt(limit2) px away, and the flow from t at e leads back to it: it is shown at e already."""
    xs, ys = (grid[box] for grid in pixel_grid(*tracked.shape))
    px, py = xs + flow_t[box][..., 0], ys + flow_t[box][..., 1]
    sampled = cv2.remap(np.dstack([motion, tracked]), px, py, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    ex, ey = px + sampled[..., 0], py + sampled[..., 1]
    back = cv2.remap(flow_t, ex, ey, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    far = (ex - xs) ** 2 + (ey - ys) ** 2 > limit2
    returns = (ex + back[..., 0] - px) ** 2 + (ey + back[..., 1] - py) ** 2 <= limit2
    return (sampled[..., 2] >= 0.5) & far & returns


def _regions(disagreement: np.ndarray, config: ChooseConfig) -> np.ndarray | None:
    """Pixels where the smoothed disagreement exceeds ``low``, connected to one where it exceeds
    ``high``; None when there are none."""
    strong = disagreement > config.high
    if not strong.any():
        return None
    if config.low >= config.high:
        return strong
    count, labels = cv2.connectedComponents((disagreement > config.low).astype(np.uint8), connectivity=8)
    keep = np.zeros(count, bool)
    keep[labels[strong]] = True
    keep[0] = False
    return keep[labels]


def _motion_spread(flows_t: np.ndarray, radius: int) -> np.ndarray:
    """Standard deviation (H, W) of the motion across the pair implied by the flows from t (to frame 1
    minus to frame 0) over a square of ``2 * radius + 1`` pixels, both components together."""
    motion = np.ascontiguousarray(flows_t[..., 2:4] - flows_t[..., 0:2])
    size = (2 * radius + 1, 2 * radius + 1)
    mean = cv2.blur(motion, size)
    return np.sqrt(np.maximum(cv2.blur(motion * motion, size) - mean * mean, 0.0).sum(axis=2))


def choose_frames(
    share0: np.ndarray,
    image0: Image,
    image1: Image,
    flows_t: np.ndarray,
    *,
    t: float,
    fwd: Flow,
    bwd: Flow,
    tracked0: np.ndarray,
    tracked1: np.ndarray,
    accel: tuple[np.ndarray, np.ndarray] | None = None,
    config: ChooseConfig | None = None,
) -> np.ndarray:
    """Frame 0's share (H, W) in the blend at time t, set to one frame where the frames disagree (see the
    module's doc). All arrays at the working size: ``image0``/``image1`` the frames, ``flows_t`` (H, W, 4)
    the flows from time t to frame 0 and to frame 1, ``fwd``/``bwd`` the pair's flows, ``tracked0``/
    ``tracked1`` (H, W) 1 where a frame's pixel passed the forward-backward check, ``accel`` the quadratic
    model's accelerations (None: straight lines). Returns a new float32 array."""
    config = config or ChooseConfig()
    share0 = np.asarray(share0, np.float32)
    h, w = share0.shape
    flows_t = np.ascontiguousarray(flows_t, np.float32)
    disagreement = cv2.GaussianBlur(_disagreement(image0, image1, flows_t), (0, 0), config.sigma_px / 2)
    regions = _regions(cv2.resize(disagreement, (w, h), interpolation=cv2.INTER_LINEAR), config)
    if regions is None:
        return share0.copy()
    # each frame's own displacement to time t: t * flow (+ the quadratic term) for frame 0, (1 - t) * flow
    # for frame 1 along its backward flow
    a0, a1 = accel if accel is not None else (0.0, 0.0)
    motion0 = np.float32(t) * fwd + np.float32(0.5 * (t * t - t)) * a0
    motion1 = np.float32(1.0 - t) * bwd + np.float32(0.5 * (t * t - t)) * a1
    limit2 = float(config.duplicate_px**2)
    rows, cols = np.flatnonzero(regions.any(axis=1)), np.flatnonzero(regions.any(axis=0))
    box = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))  # the regions' bounding box
    dup0 = _duplicates(np.ascontiguousarray(flows_t[..., 0:2]), motion0, tracked0, box, limit2=limit2)
    dup1 = _duplicates(np.ascontiguousarray(flows_t[..., 2:4]), motion1, tracked1, box, limit2=limit2)
    prefer = np.zeros((h, w), np.int8)
    in_box = regions[box]
    prefer[box] = np.where(in_box & dup1 & ~dup0, 1, np.where(in_box & dup0 & ~dup1, -1, 0))
    # undecided pixels take the nearer frame only where the flow from t is smooth: there it saw no
    # moving object, so what differs moved unseen; at a motion boundary the blend hedges its position
    smooth_flow = _motion_spread(flows_t, config.spread_radius_px) < config.smooth_spread_px
    regions &= (prefer != 0) | smooth_flow
    if not regions.any():
        return share0.copy()
    nearer = np.float32(1.0 if t <= 0.5 else 0.0)
    target = np.where(prefer > 0, np.float32(1.0), np.where(prefer < 0, np.float32(0.0), nearer))
    inside = regions.astype(np.float32)
    # feathered: the chosen share inside, blending into the unchanged share over about feather_px around
    weight = cv2.GaussianBlur(inside, (0, 0), config.feather_px)
    chosen = cv2.GaussianBlur(inside * target, (0, 0), config.feather_px) / np.maximum(weight, 1e-6)
    alpha = np.minimum(2.0 * weight, 1.0)
    return (share0 + alpha * (chosen - share0)).astype(np.float32)
