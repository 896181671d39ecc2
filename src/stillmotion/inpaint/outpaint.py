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

from ..types import CameraState, Intrinsics

log = logging.getLogger(__name__)

#: the border fill's coarsest level keeps at least this many pixels on its short side (the margin is
#: peeled there, a few pixels thick)
OUTPAINT_COARSEST_PX = 100

#: Margins tried, as fractions of the photo's long side; the first that needs no crop wins.
MARGIN_STEPS = (0.02, 0.04, 0.06, 0.09, 0.12, 0.16, 0.2, 0.25, 0.3, 0.4, 0.5)


def padded_fov_deg(width: int, height: int, fov_deg: float, margin_px: int) -> float:
    """The field of view (across the long side) of the photo padded by ``margin_px`` on every side, at
    the same focal length: ``Intrinsics.from_fov`` of the padded size then gives the photo's camera."""
    f = Intrinsics.from_fov(width, height, fov_deg).fx
    return math.degrees(2.0 * math.atan(0.5 * (max(width, height) + 2 * margin_px) / f))


def margin_for_path(
    q: np.ndarray, fov_deg: float, states: Sequence[CameraState], *, half_width: float, half_height: float
) -> int:
    """Smallest margin (pixels of ``q``) at which the path needs no crop, or the largest tried."""
    from ..render.overscan import border_points, fit_scale

    h, w = q.shape
    small = min(1.0, 400.0 / max(h, w))
    sw, sh = max(2, round(w * small)), max(2, round(h * small))
    q_small = cv2.resize(q, (sw, sh), interpolation=cv2.INTER_NEAREST)
    best = 0
    for step in MARGIN_STEPS:
        m_small = max(1, round(step * max(sw, sh)))
        padded = cv2.copyMakeBorder(q_small, m_small, m_small, m_small, m_small, cv2.BORDER_REPLICATE)
        intr = Intrinsics.from_fov(sw + 2 * m_small, sh + 2 * m_small, padded_fov_deg(sw, sh, fov_deg, m_small))
        best = round(step * max(w, h))
        try:
            k = fit_scale(border_points(padded, intr), states, half_width=half_width, half_height=half_height)
        except Exception:  # noqa: BLE001 - a path too wild for this margin: try a larger one
            continue
        if k >= 0.999:
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


def extend_photo(
    image: np.ndarray,
    q: np.ndarray,
    margin_px: int,
    *,
    backend: str = "patch",
    trim_px: int | None = None,
    reach: float = 2.0,
) -> tuple[np.ndarray, np.ndarray]:
    """The photo and its inverse depth padded by ``margin_px`` on every side, the margin filled.

    Colour: the patch backend grows the margin outwards ring by ring (onion peel at a coarse level, then
    refined), each margin pixel copying only from patches within ``reach`` times the margin of it, so
    what borders the margin continues into it (sky beside sky, ground beside ground) and nothing of the
    photo's centre (a figure) or of its other side is repeated there; no mirrored start, so no mirror
    images. Depth: :func:`continue_depth` (the edge carried outwards, smoothly).
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
    if backend == "patch":
        options = dict(start="peel", peel_ring_px=2, coarsest_side_px=OUTPAINT_COARSEST_PX,
                       source_reach_px=max(16, round(reach * pad)))  # fmt: skip
        # photo pixels out of every margin pixel's reach are neither source nor context
        far = cv2.distanceTransform((~hole).astype(np.uint8), cv2.DIST_C, 3) > reach * pad + 8
        filled = BACKENDS.create(backend, **options)(image_p, hole, exclude=far)
    else:
        filled = BACKENDS.create(backend)(image_p, hole)
    log.info("border fill: %d px margin around %dx%d (%s)", m, w, h, backend)
    return filled.astype(np.float32), q_p
