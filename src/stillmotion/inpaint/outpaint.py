"""``--border fill``: extend a photo beyond its edges, once per shot, so a camera path that would reveal
what lies outside the frame keeps the full frame instead of cropping in.

The margin is the smallest that the path needs (tested with the same border fit as the spine's crop),
centred so the camera's principal point stays in the middle; its depth continues the photo's edge from
the background side, its colour comes from the depth-aware inpainter (the ``patch`` backend by default).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import cv2
import numpy as np

from ..imageops import shrunk_size
from ..render.overscan import border_points, fit_copy, fit_scale
from ..types import CameraState, Intrinsics

log = logging.getLogger(__name__)

#: the border fill's coarsest level keeps at least this many pixels on its short side (the margin is
#: peeled there, a few pixels thick)
OUTPAINT_COARSEST_PX = 100

#: The smooth prediction of the margin (:func:`continue_colour`) is computed at most this large
SMOOTH_SIDE_PX = 768
#: coherence transport's neighbourhood and how narrowly it follows a coherent structure (at that size)
TRANSPORT_RADIUS_PX = 5.0
TRANSPORT_SHARPNESS = 10.0
#: the transported colour fades into the surroundings' average over this fraction of the long side
FADE_FRACTION = 1.0 / 16.0
#: the patch backend's fill gives the margin only its detail finer than a Gaussian of this many pixels
#: (the texture); the smooth prediction gives the rest (the structure)
TEXTURE_PX = 3.0
#: that detail (luma only) is limited softly to this many times its strength in the photo near the edge
GRAIN_LIMIT = 1.5

#: Margins tried, as fractions of the photo's long side; the first that needs no crop wins.
MARGIN_STEPS = (0.02, 0.04, 0.06, 0.09, 0.12, 0.16, 0.2, 0.25, 0.3, 0.4, 0.5)


def padded_fov_deg(width: int, height: int, fov_deg: float, margin_px: int) -> float:
    """The field of view (across the long side) of the photo padded by ``margin_px`` on every side, at
    the same focal length: ``Intrinsics.from_fov`` of the padded size then gives the photo's camera."""
    f = Intrinsics.from_fov(width, height, fov_deg).fx
    return math.degrees(2.0 * math.atan(0.5 * (max(width, height) + 2 * margin_px) / f))


def path_fits(q: np.ndarray, focal_px: float, pads: tuple[int, int, int, int], states: Sequence[CameraState], *,
              half_width: float, half_height: float, centre: tuple[float, float] = (0.0, 0.0)) -> bool:  # fmt: skip
    """Whether the photo of inverse depth ``q`` (camera: ``focal_px``, principal point in the middle),
    padded by ``pads`` = (top, bottom, left, right) pixels of its edge carried outwards, fills the
    ``half_width`` x ``half_height`` window about ``centre`` (normalised image units) of every view from
    ``states``."""
    from ..errors import InputError

    top, bottom, left, right = pads
    h, w = q.shape
    padded = cv2.copyMakeBorder(q, top, bottom, left, right, cv2.BORDER_REPLICATE)
    cam = Intrinsics(focal_px, focal_px, (w - 1) / 2 + left, (h - 1) / 2 + top, padded.shape[1], padded.shape[0])
    try:
        k = fit_scale(border_points(padded, cam), states, half_width=half_width, half_height=half_height, centre=centre)
        return k >= 0.999
    except InputError:  # a path too wild for this margin (it sees past the padded border or turns away)
        return False


def margin_for_path(
    q: np.ndarray,
    fov_deg: float,
    states: Sequence[CameraState],
    *,
    half_width: float,
    half_height: float,
    centre: tuple[float, float] = (0.0, 0.0),
) -> int:
    """Smallest margin (pixels of ``q``) at which the path needs no crop of the window about ``centre``
    (the framing's, normalised image units), or the largest tried."""
    h, w = q.shape
    q_small, _ = fit_copy(q)
    sh, sw = q_small.shape
    focal = Intrinsics.from_fov(sw, sh, fov_deg).fx
    best = 0
    for step in MARGIN_STEPS:
        m_small = max(1, round(step * max(sw, sh)))
        best = round(step * max(w, h))
        if path_fits(q_small, focal, (m_small,) * 4, states, half_width=half_width, half_height=half_height,
                     centre=centre):  # fmt: skip
            break
    return int(best)


def continue_depth(q: np.ndarray, pad: int) -> np.ndarray:
    """Inverse depth padded by ``pad`` on every side: the edge values carried outwards (continuous at
    the edge, so the renderer does not tear the surface there), blurred more the farther out (no
    streaks, no mirrored shapes)."""
    replicated = cv2.copyMakeBorder(q, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    if pad <= 0:
        return replicated.astype(np.float32)
    sigma = max(1.0, pad / 2.0)
    # a wide blur, computed a few times smaller (it is smooth anyway)
    f = max(1, int(sigma // 4))
    ph, pw = replicated.shape[:2]
    small = cv2.resize(replicated, (max(1, pw // f), max(1, ph // f)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), sigma / f, borderType=cv2.BORDER_REPLICATE)
    blurred = cv2.resize(small, (pw, ph), interpolation=cv2.INTER_LINEAR).reshape(replicated.shape)
    inside = np.zeros(replicated.shape[:2], np.uint8)
    inside[pad : pad + q.shape[0], pad : pad + q.shape[1]] = 1
    distance = cv2.distanceTransform(1 - inside, cv2.DIST_L2, 3)
    alpha = np.clip(distance / pad, 0.0, 1.0)
    if replicated.ndim == 3:
        alpha = alpha[:, :, None]
    return ((1.0 - alpha) * replicated + alpha * blurred).astype(np.float32)


def continue_colour(image: np.ndarray, hole: np.ndarray, *, fade_px: float) -> np.ndarray:
    """The smooth prediction of a margin: ``image`` with its ``hole`` filled by coherence transport
    (every structure that reaches the edge goes on in its own direction, :mod:`.transport`) near the
    known pixels, fading over ``fade_px`` into the push-pull average of the wider surroundings, since
    the farther out, the less the edge tells. Computed at most SMOOTH_SIDE_PX on the long side (it is
    smooth) and returned at full size; known pixels are unchanged."""
    from .pushpull import push_pull_fill
    from .transport import coherence_fill

    h, w = hole.shape
    size, scale = shrunk_size(hole.shape, SMOOTH_SIDE_PX, min_side=2)
    small, small_hole = image, hole
    if scale < 1.0:
        small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        small_hole = cv2.resize(hole.astype(np.uint8) * np.uint8(255), size, interpolation=cv2.INTER_AREA) > 0
    near = coherence_fill(small, small_hole, radius_px=TRANSPORT_RADIUS_PX, sharpness=TRANSPORT_SHARPNESS)
    far = push_pull_fill(np.ascontiguousarray(small, dtype=np.float32), small_hole)
    depth = cv2.distanceTransform(small_hole.astype(np.uint8), cv2.DIST_L2, 3)
    alpha = np.exp(-depth / max(fade_px * scale, 1e-6))[:, :, None]
    smooth = alpha * near + (1.0 - alpha) * far
    if scale < 1.0:
        smooth = cv2.resize(smooth, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.where(hole[:, :, None], smooth, image).astype(np.float32)


def extend_photo(
    image: np.ndarray,
    q: np.ndarray,
    margin_px: int,
    *,
    backend: str | None = "patch",
    trim_px: int | None = None,
    reach: float = 2.0,
) -> tuple[np.ndarray, np.ndarray]:
    """The photo and its inverse depth padded by ``margin_px`` on every side, the margin filled.

    Colour, in two bands. The structure (everything coarser than a Gaussian of TEXTURE_PX) is the smooth
    prediction of :func:`continue_colour`: edges and stripes that reach the photo's edge go on in their
    own direction, fading into the average of the surroundings farther out. The texture (the finer
    detail) comes from the patch backend, which grows the margin outwards ring by ring (onion peel at a
    coarse level, then refined), each margin pixel copying only from patches within ``reach`` times the
    margin of it, so sky continues as sky and ground as ground. The patch fill alone copied whole
    objects into the margin (a mug into the cloth beside it); its misplaced shapes cost more than a
    smooth guess, so only its grain is kept. ``backend=None``: the smooth prediction alone (no texture,
    fast); another backend name: that backend's fill as it is.
    Depth: :func:`continue_depth` (the edge carried outwards, smoothly).
    The outermost ``trim_px`` of the photo (default 0.6 % of its long side, at least 3) are
    re-synthesised with the margin: scanned photos often carry a thin frame line there (Kodak's kodim13
    has a grey one).
    """
    from . import BACKENDS

    if margin_px <= 0:
        return image, q
    h, w = q.shape
    t = max(3, round(0.006 * max(h, w))) if trim_px is None else int(trim_px)
    t = min(t, (min(h, w) - 2) // 4)
    m = int(min(margin_px, min(h, w) - 1))
    inner_image, inner_q = image[t : h - t, t : w - t], q[t : h - t, t : w - t]
    pad = m + t
    image_p = cv2.copyMakeBorder(inner_image, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    q_p = continue_depth(inner_q, pad)
    hole = np.ones(q_p.shape, bool)
    hole[pad : pad + h - 2 * t, pad : pad + w - 2 * t] = False
    if backend is not None and backend != "patch":
        filled = BACKENDS.create(backend)(image_p, hole)
    else:
        filled = continue_colour(image_p, hole, fade_px=FADE_FRACTION * max(h, w))
    if backend == "patch":
        options = dict(start="peel", peel_ring_px=2, coarsest_side_px=OUTPAINT_COARSEST_PX,
                       source_reach_px=max(16, round(reach * pad)))  # fmt: skip
        # photo pixels out of every margin pixel's reach are neither source nor context
        far = cv2.distanceTransform((~hole).astype(np.uint8), cv2.DIST_C, 3) > reach * pad + 8
        textured = BACKENDS.create(backend, **options)(image_p, hole, exclude=far)
        filled = np.where(hole[:, :, None], np.clip(filled + grain(textured, hole)[:, :, None], 0.0, 1.0), filled)
    log.info("border fill: %d px margin around %dx%d (%s)", m, w, h, backend or "smooth")
    return filled.astype(np.float32), q_p


def grain(textured: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """(H, W) float32: the luma detail of ``textured`` finer than TEXTURE_PX, limited (softly) to
    GRAIN_LIMIT times the detail's local strength in the known pixels nearest each hole pixel: the
    grain of the texture goes on, but the strong edges of a shape the exemplar fill copied out of place
    (which a smooth structure under them would show as a ghost) do not."""
    from .pushpull import push_pull_fill

    luma = cv2.cvtColor(np.ascontiguousarray(textured, dtype=np.float32), cv2.COLOR_RGB2GRAY)
    detail = luma - cv2.GaussianBlur(luma, (0, 0), TEXTURE_PX)
    # the strength is smooth: measured a few times smaller
    h, w = hole.shape
    f = max(1, int(TEXTURE_PX))
    size = (max(2, w // f), max(2, h // f))
    power = cv2.resize(np.where(hole, 0.0, detail * detail).astype(np.float32), size, interpolation=cv2.INTER_AREA)
    known_small = cv2.resize((~hole).astype(np.float32), size, interpolation=cv2.INTER_AREA)
    energy = cv2.GaussianBlur(power, (0, 0), 4.0)
    weight = cv2.GaussianBlur(known_small, (0, 0), 4.0)
    known = weight > 0.05
    strength = np.sqrt(np.where(known, energy / np.maximum(weight, 1e-6), 0.0)).astype(np.float32)
    strength = push_pull_fill(np.repeat(strength[:, :, None], 3, axis=2), ~known)[:, :, 0]  # (OpenCV pyramids drop one channel)
    limit = np.maximum(GRAIN_LIMIT * cv2.resize(strength, (w, h), interpolation=cv2.INTER_LINEAR), 1e-4)
    return (limit * np.tanh(detail / limit)).astype(np.float32)
