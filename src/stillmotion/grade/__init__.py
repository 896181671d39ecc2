"""Finishing: film-like grading and lens effects applied to each rendered frame.

``parse_grade("film,grain=0.5")`` gives a frozen :class:`GradeConfig`; a :class:`Grader` applies it to
the frames of one shot (``grader(frame, inverse_depth, frame_index)``); :func:`grade_frame` is the pure
per-frame function underneath. ``PRESETS`` lists the named grades.
"""

from .config import GradeConfig
from .finishing import Finisher
from .lut import Lut3D, apply_lut, parse_cube, read_cube
from .pipeline import Grader, grade_frame
from .presets import PRESETS
from .spec import KEYS, parse_grade

__all__ = [
    "KEYS",
    "PRESETS",
    "Finisher",
    "GradeConfig",
    "Grader",
    "Lut3D",
    "apply_lut",
    "grade_frame",
    "parse_cube",
    "parse_grade",
    "read_cube",
]
