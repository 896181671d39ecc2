"""Named grades: each is a spec string for :func:`~stillmotion.grade.spec.parse_grade` plus one line."""

from __future__ import annotations

#: name -> (one-line description, spec)
PRESETS: dict[str, tuple[str, str]] = {
    "none": ("no grade: the frames as rendered", ""),
    "film": (
        "colour negative print: soft S-curve, lifted warm blacks, gentle halation, light vignette, fine grain",
        "contrast=0.15,lift=0.025:0.02:0.015,gain=1:0.985:0.95,saturation=0.9,temperature=0.06,"
        "bloom=0.15,aberration=0.08,vignette=0.2,grain=0.3",
    ),
    "teal_orange": (
        "blockbuster split tone: teal shadows, warm skin and highlights, punchy contrast",
        "contrast=0.22,lift=-0.01:0.012:0.035,gain=1.03:0.99:0.91,saturation=1.04,vignette=0.25,grain=0.15",
    ),
    "noir": (
        "black and white: hard contrast, deep vignette, coarse grain",
        "saturation=0,contrast=0.45,gamma=0.95,lift=0.012,vignette=0.4,grain=0.45,grain_size=2",
    ),
    "dream": (
        "soft pastel haze: faded blacks, strong bloom, shallow focus, low contrast",
        "lift=0.06:0.05:0.07,contrast=-0.2,saturation=0.85,temperature=0.08,tint=0.06,bloom=0.6,dof=0.6,"
        "vignette=0.15,grain=0.1",
    ),
    "scope": (
        "anamorphic widescreen: the film look with 2.39:1 bars, shallow focus and hexagonal bokeh",
        "film,letterbox=2.39,dof=0.8,bokeh=hexagon",
    ),
}

PRESET_SPECS: dict[str, str] = {name: spec for name, (_, spec) in PRESETS.items()}
