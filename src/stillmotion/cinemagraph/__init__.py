"""Cinemagraphs: seamless loops where water, smoke or clouds flow while the rest of the photo stays still.

Eulerian motion (Holynski et al., CVPR 2021, "Animating Pictures with Eulerian Motion Fields"): one static
motion field M (pixels per frame) is built from arrows, a material preset or a reference video
(:mod:`.field`, :mod:`.transfer`; a material preset's speed is then fitted to the region and the loop's
length, :mod:`.pace`), integrated over time (:mod:`.integrate`), and the photo is forward-splatted along it
symmetrically from both ends of the loop (:mod:`.render`).
"""

from .field import FieldOptions, build_field
from .hints import Anchor, Hint, MotionHints, load_hints, parse_anchor, parse_hint
from .materials import MATERIALS, Material, get_material
from .pace import pace
from .pipeline import LoopConfig, make_loop
from .render import RenderOptions, loop_frames

__all__ = [
    "MATERIALS",
    "Anchor",
    "FieldOptions",
    "Hint",
    "LoopConfig",
    "Material",
    "MotionHints",
    "RenderOptions",
    "build_field",
    "get_material",
    "load_hints",
    "loop_frames",
    "make_loop",
    "pace",
    "parse_anchor",
    "parse_hint",
]
