"""What one or a few novel views of a photo need: the photo's camera, the inverse depth at the photo's size
(an estimated map's soft edges made tearable, its subjects' soft fringes joined to them), the path's
parallax, and the scene built from them."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from ..errors import InputError
from ..types import CameraState, Depth, DepthKind, Intrinsics

#: A view in which the photo covers less of the frame than this is refused: the rest would be fill.
MIN_PHOTO_SHARE = 0.1


def prepare_view(image: np.ndarray, depth: Depth, states: Sequence[CameraState], *,
                 fov_deg: float) -> tuple[np.ndarray, Intrinsics, float]:  # fmt: skip
    """(inverse depth q, the photo's intrinsics, parallax gain in pixels over ``states``) for ``image``."""
    from ..io import match_depth
    from .depth_prep import inverse_depth, sharpen_depth_edges
    from .fringe import claim_fringe
    from .overscan import parallax_gain

    h, w = image.shape[:2]
    depth = match_depth(depth, (h, w))
    intr = Intrinsics.from_fov(w, h, fov_deg)
    q = inverse_depth(depth, focal_px=intr.fx)
    if depth.kind == DepthKind.INVERSE:
        q = claim_fringe(sharpen_depth_edges(q, image=image), image)
    gain = parallax_gain(list(states), intr, q_near=float(q.max()), q_far=float(q.min()))
    return q, intr, gain


def view_scene(image: np.ndarray, depth: Depth, states: Sequence[CameraState], *, fov_deg: float,
               fill_backend: str | None = "patch", border: str = "stretch"):  # fmt: skip
    """(scene, inverse depth q, the photo's intrinsics): the layered scene of ``image`` for views from
    ``states``, built as :func:`prepare_view` prepares it (estimated depth torn by its soft-edge rule).

    ``border``: what the views show beyond the photo's edge: ``"stretch"`` leaves it to the renderer
    (holes, filled per frame), ``"fill"`` extends the scene by the margin the views need, outpainted
    once with the smooth continuation of ``animate --border fill`` but not its grain (see
    :func:`_extended`), so what the camera reveals there moves with the parallax of the photo's edge
    (``fill_backend`` fills only what opens behind depth edges). q and the intrinsics stay the photo's."""
    from .scene import build_scene

    from .overscan import border_points, fit_copy, seen_border

    q, intr, gain = prepare_view(image, depth, states, fov_deg=fov_deg)
    q_small, _ = fit_copy(q)
    edge_intr = Intrinsics.from_fov(q_small.shape[1], q_small.shape[0], fov_deg)
    edge = border_points(q_small, edge_intr)
    half = (0.5 * (q_small.shape[1] - 1) / edge_intr.fx, 0.5 * (q_small.shape[0] - 1) / edge_intr.fy)
    for state in states:  # a camera behind the photo or looking past it would draw a smear, not a view
        seen = _covered(seen_border(edge, state, remedy="move or turn the camera less"), half)
        if seen < MIN_PHOTO_SHARE:  # --move 0,0,-1e6 drew the photo as a dot in a flat blob
            raise InputError(f"the camera moves so far that the photo covers {100 * seen:.0f}% of the view; move or "
                             "turn the camera less")  # fmt: skip
    scene_image, scene_q, scene_intr = image, q, intr
    if border == "fill":
        scene_image, scene_q, scene_intr = _extended(image, q, intr, states, fov_deg=fov_deg)
    scene = build_scene(scene_image, scene_q, scene_intr, parallax_gain_px=gain, fill_backend=fill_backend,
                        estimated=depth.kind == DepthKind.INVERSE)  # fmt: skip
    return scene, q, intr


def _covered(border: np.ndarray, half: tuple[float, float], *, grid: int = 96) -> float:
    """The share of the view (image-plane rectangle of half sides ``half``) inside the photo's ``border``
    as a view sees it (:func:`stillmotion.render.overscan.seen_border`), on a ``grid`` x ``grid`` raster."""
    scale = np.array([(grid - 1) / (2 * half[0]), (grid - 1) / (2 * half[1])])
    points = np.clip(np.round((border + np.array(half)) * scale), -1e6, 1e6).astype(np.int32)
    inside = np.zeros((grid, grid), np.uint8)
    cv2.fillPoly(inside, [points.reshape(-1, 1, 2)], 1)
    return float(inside.mean())


def _extended(image: np.ndarray, q: np.ndarray, intr: Intrinsics, states: Sequence[CameraState], *,
              fov_deg: float) -> tuple[np.ndarray, np.ndarray, Intrinsics]:  # fmt: skip
    """The photo, its inverse depth and its camera extended by the margin that ``states`` reveal, on the
    sides they reveal (none if they reveal nothing: a smaller scene fills its background layer faster);
    the photo's own pixels are kept as they are (no trim). The margin's colour is the smooth prediction
    alone: a view is one still, looked at closely, where copied grain over an unknown structure is more
    often a ghost than a gain (with ``animate --border fill``'s grain, a piece of the coffee's spoon in
    the table's wood, of the astronaut's helmet in the dark beside it; the Cones stereo view's strip
    14.89 -> 14.66 dB); and it costs a tenth of a second, not two."""
    from ..inpaint.outpaint import extend_photo, margin_for_path

    h, w = q.shape
    margin = margin_for_path(q, fov_deg, states, half_width=0.5 * (w - 1) / intr.fx, half_height=0.5 * (h - 1) / intr.fy)
    if margin <= 0:
        return image, q, intr
    top, bottom, left, right = revealed_sides(q, intr, states, margin)
    if top + bottom + left + right == 0:
        return image, q, intr
    image_p, q_p = extend_photo(image, q, margin, backend=None, trim_px=0)
    pad = (q_p.shape[1] - w) // 2
    rows = slice(pad - top, pad + h + bottom)
    cols = slice(pad - left, pad + w + right)
    image_p, q_p = np.ascontiguousarray(image_p[rows, cols]), np.ascontiguousarray(q_p[rows, cols])
    return image_p, q_p, Intrinsics(intr.fx, intr.fy, intr.cx + left, intr.cy + top, q_p.shape[1], q_p.shape[0])


def revealed_sides(q: np.ndarray, intr: Intrinsics, states: Sequence[CameraState],
                   margin: int) -> tuple[int, int, int, int]:  # fmt: skip
    """(top, bottom, left, right): ``margin`` on each side of the photo that some view from ``states``
    shows beyond, 0 on the others. Sides are dropped one by one while the photo, padded by ``margin``
    on the remaining ones, still fills every view (tested on a copy of at most 400 px)."""
    from ..inpaint.outpaint import path_fits
    from .overscan import fit_copy

    q_small, scale = fit_copy(q)
    sh, sw = q_small.shape
    f = intr.fx * scale
    m = max(1, round(margin * scale))
    # the views' outermost pixel centres, less a tenth of a pixel (the border points are pixel centres too)
    half_w, half_h = (0.5 * (sw - 1) - 0.1) / f, (0.5 * (sh - 1) - 0.1) / f
    pads = [m] * 4
    for side in range(4):
        trial = pads.copy()
        trial[side] = 0
        if path_fits(q_small, f, tuple(trial), states, half_width=half_w, half_height=half_h):
            pads = trial
    top, bottom, left, right = (margin if p else 0 for p in pads)
    return top, bottom, left, right
