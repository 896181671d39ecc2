"""Material presets: a sensible default motion for water, clouds, smoke and waterfalls.

Speeds are fractions of the photo's diagonal per second, so a preset looks the same at any resolution; where
the moving region is too short for the loop (a cup's crema, a short reach of a stream under the waterfall
preset), :mod:`.pace` slows the preset down.
Directions are unit vectors in image axes (x right, y down). ``turbulence_deg`` bends the direction by a
smooth, deterministic random angle field (so a preset does not look like a conveyor belt);
``detects_region`` says whether the moving region can be found without a mask.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError


@dataclass(frozen=True)
class Material:
    name: str
    description: str
    direction: tuple[float, float]
    speed_diag_per_s: float
    turbulence_deg: float = 0.0
    turbulence_scale: float = 0.25
    #: width of the fade to zero at the moving region's border, as a fraction of the diagonal (narrow: a
    #: wide fade makes material pile up and stretch out over a wide band along the border)
    fade_diag: float = 0.01
    detects_region: bool = False


MATERIALS: dict[str, Material] = {
    m.name: m
    for m in (
        Material(
            "water", "river or sea surface flowing toward the viewer (down the picture)", (0.0, 1.0), 0.03,
            turbulence_deg=15.0,
        ),
        Material(
            "clouds", "sky drifting slowly to the right; finds the sky when no mask is given", (1.0, 0.0), 0.012,
            turbulence_deg=5.0, turbulence_scale=0.5, fade_diag=0.02, detects_region=True,
        ),
        Material("smoke", "smoke or steam rising and curling", (0.0, -1.0), 0.03, turbulence_deg=30.0, turbulence_scale=0.15),
        Material("waterfall", "water falling fast down the picture", (0.0, 1.0), 0.08, turbulence_deg=5.0),
    )
}  # fmt: skip


def get_material(name: str) -> Material:
    try:
        return MATERIALS[name]
    except KeyError:
        raise InputError(f"unknown material {name!r}; choose one of: {', '.join(MATERIALS)}") from None
