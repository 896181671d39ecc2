"""stillmotion: bring still photos to life on a CPU.

The documented entry points live in :mod:`stillmotion.api` and are re-exported here. Importing this
package never imports torch, transformers or diffusers.
"""

from .api import AnimateConfig, animate, deforum, estimate_flow, interpolate_frame, loop, render_view, story
from .errors import InputError, MissingExtraError, OutputError, StillmotionError
from .types import CameraState, Depth, DepthKind, Intrinsics

__version__ = "0.1.0"

__all__ = [
    "AnimateConfig",
    "CameraState",
    "Depth",
    "DepthKind",
    "InputError",
    "Intrinsics",
    "MissingExtraError",
    "OutputError",
    "StillmotionError",
    "animate",
    "deforum",
    "estimate_flow",
    "interpolate_frame",
    "loop",
    "render_view",
    "story",
]
