"""The grade configuration: one frozen dataclass, every field neutral by default."""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[float, float, float]


@dataclass(frozen=True)
class GradeConfig:
    """How a frame is finished. Every default leaves the frame unchanged.

    Colour fields act on sRGB-encoded values unless said otherwise; ``lift``, ``gamma`` and ``gain`` are
    per channel (R, G, B). Lens fields scale with the frame, so a grade looks the same at any size.
    """

    # colour
    exposure_ev: float = 0.0  #: stops, applied in linear light
    temperature: float = 0.0  #: -1 (cool, blue) .. +1 (warm, amber), white-balance gains in linear light
    tint: float = 0.0  #: -1 (green) .. +1 (magenta)
    lift: RGB = (0.0, 0.0, 0.0)  #: raises (or lowers) the blacks: ``x + lift * (1 - x)``
    gamma: RGB = (1.0, 1.0, 1.0)  #: mid-tones: ``x ** (1 / gamma)``, > 1 brightens
    gain: RGB = (1.0, 1.0, 1.0)  #: multiplies the whites
    contrast: float = 0.0  #: -1 .. 1, an S-curve pivoting on mid-grey that keeps black and white fixed
    saturation: float = 1.0  #: 0 = monochrome, 1 = unchanged
    lut_path: str | None = None  #: a .cube 3D LUT applied after the colour controls
    lut_strength: float = 1.0  #: blend of the LUT's result with its input, 0 .. 1
    lut_interpolation: str = "tetrahedral"  #: or "trilinear"
    # lens
    dof_radius_pct: float = 0.0  #: largest circle of confusion, in % of the frame's long side (0 = off)
    focus: tuple[float, float] | None = None  #: focus plane at start and end of the shot, normalised inverse
    #: depth (0 = farthest, 1 = nearest); None = on the subject. Different values make a focus pull.
    bokeh: str = "disc"  #: aperture shape: "disc" or "hexagon"
    sharpen: float = 0.0  #: 0 .. 2, unsharp mask on luma (macro detail)
    aberration_pct: float = 0.0  #: lateral chromatic aberration: red/blue split at the corners, % of half-diagonal
    bloom: float = 0.0  #: 0 .. 1, glow around highlights (warm, like film halation)
    vignette: float = 0.0  #: 0 .. 1, darkening of the corners in linear light
    # film
    grain: float = 0.0  #: 0 .. 1, film grain strength (strongest in the mid-tones)
    grain_size_px: float = 1.5  #: grain clump size in pixels of a 1080-line frame
    grain_seed: int = 0
    letterbox_aspect: float | None = None  #: black bars to this width/height ratio, e.g. 2.39

    @property
    def needs_depth(self) -> bool:
        return self.dof_radius_pct > 0.0
