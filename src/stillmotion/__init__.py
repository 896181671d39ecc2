"""stillmotion: bring still photos to life on a CPU.

The documented entry points live in :mod:`stillmotion.api` and are re-exported here. Importing this
package never imports torch, transformers or diffusers.

The re-exports are loaded at first use (PEP 562): the ``stillmotion`` command imports this package
before it can handle Ctrl-C, and NumPy's and OpenCV's imports, done here, made a Ctrl-C in the first
0.15 s print a traceback instead of its one line (see :func:`stillmotion.cli.run`).
"""

from __future__ import annotations

import importlib

from .errors import InputError, MissingExtraError, OutputError, StillmotionError

__version__ = "0.1.0"

#: name -> the module it is re-exported from
_LAZY = {
    **dict.fromkeys(("AnimateConfig", "animate", "deforum", "estimate_flow", "interpolate_frame", "loop",
                     "render_view", "story"), "api"),  # fmt: skip
    **dict.fromkeys(("CameraState", "Depth", "DepthKind", "Intrinsics"), "types"),
}

#: The modules and stages reached as attributes of the package, imported at first use.
_SUBPACKAGES = frozenset(("api", "camera", "cinemagraph", "depth", "flow", "generate", "grade", "imageops",
                          "inpaint", "interpolate", "io", "render", "types"))  # fmt: skip

__all__ = sorted([*_LAZY, "InputError", "MissingExtraError", "OutputError", "StillmotionError"])


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        if name in _SUBPACKAGES:  # ``import stillmotion`` then ``stillmotion.api.loop(...)``, as documented
            return importlib.import_module(f".{name}", __name__)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # once: later look-ups do not come here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | _SUBPACKAGES)
