"""What one or a few novel views of a photo need: the photo's camera, the inverse depth at the photo's size
(an estimated map's soft edges made tearable, its subjects' soft fringes joined to them), the path's
parallax, and the scene built from them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..types import CameraState, Depth, DepthKind, Intrinsics


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
               fill_backend: str | None = "patch"):  # fmt: skip
    """(scene, inverse depth q, the photo's intrinsics): the layered scene of ``image`` for views from
    ``states``, built as :func:`prepare_view` prepares it (estimated depth torn by its soft-edge rule)."""
    from .scene import build_scene

    q, intr, gain = prepare_view(image, depth, states, fov_deg=fov_deg)
    scene = build_scene(image, q, intr, parallax_gain_px=gain, fill_backend=fill_backend,
                        estimated=depth.kind == DepthKind.INVERSE)  # fmt: skip
    return scene, q, intr
