"""The grade pipeline: every filter of a :class:`GradeConfig` applied to one frame, in lens-then-film order.

1. depth of field (needs the frame's inverse depth), 2. sharpening and chromatic aberration,
3. bloom and vignette (as linear light would), 4. the per-pixel colour: exposure and white balance (linear
light), lift/gamma/gain, contrast, saturation and the 3D LUT (baked into one LUT per shot by the
Grader), 5. grain, 6. letterbox. :func:`grade_frame` is pure; :class:`Grader` holds what must stay fixed over a
shot (the LUT, the depth normalisation, the subject's focus) so consecutive frames grade consistently.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..io.depth_fill import fill_invalid
from ..types import Depth, DepthKind
from . import colour, lens
from .config import GradeConfig
from .depth_of_field import depth_of_field
from .detail import sharpen
from .grain import add_grain
from .lut import Lut3D, lut_pass, read_cube
from ..io.image import unit_pixels

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShotState:
    """What is fixed over a shot: inverse-depth range (for normalisation) and the subject's focus."""

    depth_range: tuple[float, float] = (0.0, 1.0)
    subject_focus: float = 0.8


def normalise_depth(inverse_depth: np.ndarray, depth_range: tuple[float, float]) -> np.ndarray:
    lo, hi = depth_range
    return np.clip((inverse_depth - lo) / max(hi - lo, 1e-9), 0.0, 1.0).astype(np.float32)


def frame_depth(inverse_depth: np.ndarray, shape: tuple[int, int]) -> np.ndarray | None:
    """``inverse_depth`` checked against a frame of ``shape`` (H, W), as float32 (H, W); (H, W, 1) is accepted.

    Values that are not finite are unknown: they are filled from the farthest of their nearest known
    neighbours (:func:`~stillmotion.io.depth_fill.fill_invalid`, so a hole beside a foreground edge blurs
    with the background behind it). None when no value is known: such a frame is left sharp.
    """
    depth = np.asarray(inverse_depth)
    if depth.ndim == 3 and depth.shape[2] == 1:
        depth = depth[:, :, 0]
    if depth.shape != tuple(shape):
        raise InputError(f"the depth map has shape {depth.shape}, the frame is {shape[0]}x{shape[1]} (H x W): "
                         "give the frame's own depth")  # fmt: skip
    depth = depth.astype(np.float32, copy=False)
    known = np.isfinite(depth)
    if known.all():
        return depth
    if not known.any():
        return None
    return fill_invalid(Depth(depth, DepthKind.INVERSE, known)).values


def shot_state(inverse_depth: np.ndarray, *, subject_box: tuple[int, int, int, int] | None = None) -> ShotState:
    """Fix the depth range from the first frame (robust percentiles) and focus on the subject.

    ``inverse_depth`` is known everywhere (:func:`frame_depth` fills it). The subject is ``subject_box``
    (x, y, w, h; a face, say) when given, else the nearer part of the frame's central region: the 80th
    percentile of its normalised inverse depth.
    """
    lo, hi = (float(v) for v in np.percentile(inverse_depth, [1.0, 99.0]))
    if hi - lo < 1e-6:
        hi = lo + 1.0
    norm = normalise_depth(inverse_depth, (lo, hi))
    h, w = norm.shape
    if subject_box is not None:
        x, y, bw, bh = subject_box
        region = norm[max(0, y) : y + bh, max(0, x) : x + bw]
        focus = float(np.median(region)) if region.size else 0.8
    else:
        region = norm[h // 4 : h - h // 4, w // 4 : w - w // 4]
        focus = float(np.percentile(region, 80.0))
    return ShotState((lo, hi), focus)


def focus_at(config: GradeConfig, state: ShotState, t: float) -> float:
    """The focus plane at shot time t in [0, 1]: fixed, or a smooth (smoothstep) pull from start to end."""
    if config.focus is None:
        return state.subject_focus
    start, end = config.focus
    s = float(np.clip(t, 0.0, 1.0))
    s = s * s * (3.0 - 2.0 * s)
    return start + (end - start) * s


def has_colour_controls(config: GradeConfig) -> bool:
    return bool(
        config.exposure_ev or config.temperature or config.tint or config.contrast
        or config.lift != (0.0, 0.0, 0.0) or config.gamma != (1.0, 1.0, 1.0) or config.gain != (1.0, 1.0, 1.0)
        or config.saturation != 1.0
    )


def colour_transform(rgb: np.ndarray, *, config: GradeConfig, lut: Lut3D | None = None) -> np.ndarray:
    """The per-pixel part of the grade, exactly: exposure and white balance (linear light), lift/gamma/gain,
    contrast, saturation, then the LUT. Works on any (..., 3) array."""
    out = rgb
    if config.exposure_ev or config.temperature or config.tint:
        lin = colour.apply_exposure_and_balance(
            colour.srgb_to_linear(out), exposure_ev=config.exposure_ev, temperature=config.temperature, tint=config.tint
        )
        out = colour.linear_to_srgb(lin)
    if config.lift != (0.0, 0.0, 0.0) or config.gamma != (1.0, 1.0, 1.0) or config.gain != (1.0, 1.0, 1.0):
        out = np.clip(colour.lift_gamma_gain(out, lift=config.lift, gamma=config.gamma, gain=config.gain), 0.0, 1.0)
    out = colour.contrast_curve(out, config.contrast)
    out = np.clip(colour.saturate(out, config.saturation), 0.0, 1.0)
    if lut is not None and config.lut_strength > 0.0:
        shape = out.shape
        # the pixels are in [0, 1] (clipped above) and the interpolation checked by GradeConfig's rules
        tetrahedral = config.lut_interpolation == "tetrahedral"
        mapped = lut_pass(out.reshape(-1, 1, 3), lut, tetrahedral=tetrahedral).reshape(shape)
        s = np.float32(config.lut_strength)
        out = mapped if s >= 1.0 else out + s * (mapped - out)
    return out.astype(np.float32, copy=False)


def bake_colour(config: GradeConfig, lut: Lut3D | None = None, *, size: int = 65) -> Lut3D | None:
    """The per-pixel grade as one 3D LUT (applied per frame in a single pass), or None if there is none.

    A lone user LUT at full strength is returned as is (exact); a lone LUT at a lower strength is left to
    the exact per-pixel transform (None), which mixes it in; otherwise the controls and the LUT are sampled
    on a ``size``-point grid (tetrahedral interpolation of it differs from the exact transform by < 2e-3).
    """
    if not has_colour_controls(config):
        return lut if (lut is not None and config.lut_strength >= 1.0) else None
    return Lut3D.from_function(lambda grid: colour_transform(grid, config=config, lut=lut), size=size)


def grade_frame(
    image: np.ndarray,
    inverse_depth: np.ndarray | None,
    *,
    config: GradeConfig,
    frame_index: int = 0,
    frame_count: int = 1,
    lut: Lut3D | None = None,
    state: ShotState | None = None,
    baked: Lut3D | None = None,
) -> np.ndarray:
    """Grade one sRGB frame (float32 in [0, 1]; 8/16-bit integers are scaled to it) into a float32 one.
    ``inverse_depth`` (H, W, larger = nearer) is needed for depth of field.

    ``lut`` is the loaded ``config.lut_path``; ``baked`` (from :func:`bake_colour`), when given, replaces
    the exact per-pixel colour transform by one LUT pass; ``state`` fixes depth range and subject focus.
    A frame holding NaN, or a depth map of another size, is an :class:`InputError`; unknown (NaN) depth is
    filled as :func:`frame_depth` says.
    """
    out = unit_pixels(image, what="the frame").astype(np.float32, copy=False)
    t = frame_index / max(1, frame_count - 1)
    if config.dof_radius_pct > 0.0:
        out = _defocus(out, inverse_depth, config=config, state=state, t=t)
    out = sharpen(out, amount=config.sharpen, radius_px=1.2 * max(min(out.shape[:2]) / 1080.0, 0.5))
    out = lens.chromatic_aberration(out, amount_pct=config.aberration_pct)
    out = lens.bloom(out, amount=config.bloom)
    out = _vignetted(out, config)
    if baked is not None:
        # a grid baked from the controls is read tetrahedrally; the user's own LUT as the grade asks
        exact = baked is lut and config.lut_interpolation == "trilinear"
        out = lut_pass(np.clip(out, 0.0, 1.0), baked, tetrahedral=not exact)
    elif has_colour_controls(config) or lut is not None:
        out = colour_transform(np.clip(out, 0.0, 1.0), config=config, lut=lut)
    scale_1080 = min(out.shape[:2]) / 1080.0
    out = add_grain(
        out,
        strength=config.grain,
        size_px=config.grain_size_px * max(scale_1080, 0.5),
        seed=config.grain_seed,
        frame_index=frame_index,
        saturation=config.saturation,
    )
    out = np.clip(out, 0.0, 1.0)
    if config.letterbox_aspect:
        out = lens.letterbox(out, aspect=config.letterbox_aspect)
    return out.astype(np.float32, copy=False)


def _vignetted(image: np.ndarray, config: GradeConfig) -> np.ndarray:
    """The vignette over the picture that the letterbox bars leave, whose corners it darkens (over the
    whole frame, ``scope``'s corners lay under its bars and the picture's were barely darkened), or over
    the whole frame without bars."""
    if config.vignette <= 0.0 or not config.letterbox_aspect:
        return lens.vignette(image, amount=config.vignette)
    h, w = image.shape[:2]
    rows, cols = lens.letterbox_bars(w, h, aspect=config.letterbox_aspect)
    out = image.copy()
    out[rows : h - rows, cols : w - cols] = lens.vignette(image[rows : h - rows, cols : w - cols], amount=config.vignette)
    return out


def _defocus(
    image: np.ndarray, inverse_depth: np.ndarray | None, *, config: GradeConfig, state: ShotState | None, t: float
) -> np.ndarray:
    """The depth of field of :func:`grade_frame`; a frame whose depth is all unknown is left sharp."""
    if inverse_depth is None:
        raise InputError("the grade's depth of field (dof=...) needs a depth map for every frame")
    depth = frame_depth(inverse_depth, image.shape[:2])
    if depth is None:
        log.debug("grade: the frame's depth is all unknown (NaN): no depth of field")
        return image
    state = state or shot_state(depth)
    return depth_of_field(
        image,
        normalise_depth(depth, state.depth_range),
        focus=focus_at(config, state, t),
        radius_px=config.dof_radius_pct / 100.0 * max(image.shape[:2]),
        shape=config.bokeh,
    )


class Grader:
    """Grades the frames of one shot: ``grader(frame, inverse_depth, frame_index)``.

    Loads the LUT once, bakes the colour controls into one LUT, and fixes the depth normalisation and
    subject focus on the first frame it sees (the subject: ``subject_box``, else the largest face found
    in that frame, else the nearer part of the centre), so the grade does not pump from frame to frame.
    """

    def __init__(
        self, config: GradeConfig, *, frame_count: int, subject_box: tuple[int, int, int, int] | None = None
    ) -> None:
        self.config = config
        self.frame_count = max(1, int(frame_count))
        self.subject_box = subject_box
        self.lut = read_cube(config.lut_path) if config.lut_path else None
        self.baked = bake_colour(config, self.lut)
        self.state: ShotState | None = None

    def __call__(self, image: np.ndarray, inverse_depth: np.ndarray | None = None, frame_index: int = 0) -> np.ndarray:
        if self.state is None and inverse_depth is not None and self.config.needs_depth:
            self.state = self._shot_state(image, inverse_depth)
        return grade_frame(
            image,
            inverse_depth,
            config=self.config,
            frame_index=frame_index,
            frame_count=self.frame_count,
            lut=self.lut,
            state=self.state,
            baked=self.baked,
        )

    def _shot_state(self, image: np.ndarray, inverse_depth: np.ndarray) -> ShotState:
        """Depth range and focus from this frame (the defaults when its depth is all unknown: the state is
        fixed all the same, so later frames neither measure it again nor pump)."""
        depth = frame_depth(inverse_depth, image.shape[:2])
        if depth is None:
            return ShotState()
        box = self.subject_box
        if box is None and self.config.focus is None:  # focus on the subject: a face if there is one
            from ..depth.faces import detect_faces

            faces = detect_faces(unit_pixels(image, what="the frame"))
            box = faces[0] if faces else None
            if box is not None:
                log.info("grade: focus on the face at %s", box)
        state = shot_state(depth, subject_box=box)
        log.debug("grade: depth range %.4g..%.4g, subject focus %.2f", *state.depth_range, state.subject_focus)
        return state
