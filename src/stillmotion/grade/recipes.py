"""Recipes per kind of photo, and ``auto``: choose one from the photo's content.

A recipe is a set of defaults for a shot (motion, intensity, face protection, depth of field and grade);
options the user gives explicitly always win over it.

- landscape: stronger lateral parallax, far planes (the sky) softly out of focus, a gentle film grade.
- portrait: a small push in (little perspective distortion), faces held rigid, focus on the face.
- city: a straight dolly forward (no roll or tilt, so verticals stay vertical), everything sharp.
- macro: tiny moves, shallow focus on the subject, extra detail.

``auto``: faces -> portrait; otherwise the strongest of: sky along the top with a horizon -> landscape;
many long straight segments through one vanishing point -> city; strong defocus, or a close subject
(few straight lines and no sky) -> macro. The choice comes with a one-line reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from .scene_cues import SceneCues, scene_cues

#: A face at least this share of the frame makes a portrait.
PORTRAIT_FACE_FRAC = 0.004


@dataclass(frozen=True)
class Recipe:
    name: str
    description: str
    motion: str
    intensity: float
    protect_faces: bool
    grade: str  #: a --grade spec (it carries the depth of field)


RECIPES: dict[str, Recipe] = {
    r.name: r
    for r in (
        Recipe(
            "landscape",
            "stronger lateral parallax, a soft far distance and sky, gentle film grade",
            "pan_right", 1.3, False,
            "film,dof=0.35,focus=0.75,bloom=0.25,grain=0.2",
        ),
        Recipe(
            "portrait",
            "small push in (little distortion), faces held rigid, focus on the face",
            "zoom_in", 0.7, True,
            "film,dof=0.7,grain=0.15,contrast=0.1",
        ),
        Recipe(
            "city",
            "straight dolly forward that keeps verticals vertical, deep focus, crisp teal/orange",
            "zoom_in", 1.0, False,
            "teal_orange,aberration=0.05",
        ),
        Recipe(
            "macro",
            "tiny moves, shallow focus on the subject, extra detail",
            "zoom_in", 0.4, False,
            "film,dof=1.2,sharpen=0.6,grain=0.1,vignette=0.25",
        ),
    )
}
CHOICES = ("auto", *RECIPES)


def get_recipe(name: str) -> Recipe:
    try:
        return RECIPES[name]
    except KeyError:
        raise InputError(f"unknown recipe {name!r}; choose one of: {', '.join(CHOICES)}") from None


def choose_recipe(cues: SceneCues) -> tuple[str, str]:
    """Pick a recipe name from measured cues; returns (name, reason)."""
    if cues.face_count and cues.face_area_frac >= PORTRAIT_FACE_FRAC:
        plural = "s" if cues.face_count > 1 else ""
        return "portrait", f"{cues.face_count} face{plural} found, the largest covers {cues.face_area_frac:.1%} of the frame"
    scores = {
        "landscape": (cues.sky_cols_frac / 0.3) if cues.sky_contrast >= 0.1 else 0.0,
        "city": max(0.0, cues.vp_support - 1.0) / 1.2,
        "macro": max(
            cues.defocus_frac / 0.3,
            max(0.0, 1.0 - cues.vp_support) / 0.5 if cues.sky_cols_frac < 0.1 else 0.0,
        ),
    }
    name = max(scores, key=scores.get)
    reasons = {
        "landscape": f"sky along the top of {cues.sky_cols_frac:.0%} of the columns, "
        f"{cues.sky_contrast:.2f} brighter than the ground below the horizon",
        "city": f"{cues.long_segments} long straight segments, {cues.vp_support:.1f} frame-lengths of them "
        f"converge on one vanishing point",
        "macro": f"{cues.defocus_frac:.0%} of the frame strongly defocused"
        if cues.defocus_frac / 0.3 >= scores["macro"] - 1e-9
        else f"a close subject: few straight lines ({cues.vp_support:.1f} frame-lengths converging) and no sky",
    }
    runner_up = sorted(scores, key=scores.get)[-2]
    weak = " (weak cues)" if scores[name] < 1.0 else ""
    return name, f"{reasons[name]}{weak}; next best {runner_up} ({scores[runner_up]:.2f} vs {scores[name]:.2f})"


def auto_recipe(
    image: np.ndarray, *, faces: list[tuple[int, int, int, int]] | None = None
) -> tuple[Recipe, str, SceneCues]:
    """Choose a recipe for a float32 RGB photo: (recipe, reason, the cues measured)."""
    cues = scene_cues(image, faces=faces)
    name, reason = choose_recipe(cues)
    return RECIPES[name], reason, cues
