"""Named camera motions.

A motion maps the path parameter ``u`` in [0, 1] (already eased, and for ``--loop`` run there and back)
and the clip phase ``phase`` in [0, 1] (linear time, for periodic parts such as circles and sways) to a
:class:`~stillmotion.types.CameraState`. Amplitudes are fractions of the scene's scale
(:class:`SceneScale`): translations are relative to the nearest surface's depth, so the default intensity
gives about the same parallax on any photo, and arcs pivot on the subject's depth.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import InputError
from ..types import CameraState
from .look import look_at_angles


@dataclass(frozen=True)
class SceneScale:
    """Depths that set motion amplitudes: ``near_z`` of the nearest surfaces, ``pivot_z`` of the subject."""

    near_z: float = 1.0
    pivot_z: float = 2.0


MotionFn = Callable[[float, float, SceneScale, float], CameraState]


@dataclass(frozen=True)
class Motion:
    name: str
    description: str
    fn: MotionFn
    #: True when the path already ends where it starts (periodic motions ignore ``--loop``'s there-and-back).
    periodic: bool = False

    def state(self, u: float, phase: float, scale: SceneScale, intensity: float) -> CameraState:
        return self.fn(u, phase, scale, intensity)


# Amplitudes at intensity 1, as fractions of the near depth (translations) or degrees (rotations).
DOLLY = 0.22
LATERAL = 0.07
ORBIT = 0.09
TURN_DEG = 4.5
TILT_DEG = 3.5
SPIN_DEG = 30.0
BREATH = 0.025
SWAY = 0.035


def _centred(u: float) -> float:
    """[0, 1] -> [-0.5, 0.5]: lateral moves pass through the photo's viewpoint at mid-clip."""
    return u - 0.5


def _orbit(direction: float) -> MotionFn:
    def fn(u: float, phase: float, s: SceneScale, a: float) -> CameraState:
        x = direction * ORBIT * a * s.near_z * _centred(u) * 2.0
        return _arc_to(x, 0.0, 0.0, s)

    return fn


def _arc_to(x: float, y: float, z: float, s: SceneScale, **extra) -> CameraState:
    """Camera at (x, y, z) turned to keep the pivot (0, 0, pivot_z) at the centre: the pivot plane stays put."""
    rx, ry = look_at_angles((x, y, z), (0.0, 0.0, s.pivot_z))
    return CameraState(x=x, y=y, z=z, rx_deg=rx, ry_deg=ry, **extra)


def _static(u: float, phase: float, s: SceneScale, a: float) -> CameraState:
    w = 2.0 * math.pi * phase
    return _arc_to(0.012 * a * s.near_z * math.sin(w), 0.006 * a * s.near_z * math.sin(2 * w),
                   BREATH * a * s.near_z * (0.5 - 0.5 * math.cos(w)), s)  # fmt: skip


def _zoom(sign: float, sway: bool) -> MotionFn:
    def fn(u: float, phase: float, s: SceneScale, a: float) -> CameraState:
        z = sign * DOLLY * a * s.near_z * u
        if not sway:
            return CameraState(z=z)
        x = SWAY * a * s.near_z * math.sin(2.0 * math.pi * phase)
        return _arc_to(x, 0.0, z, s)

    return fn


def _pan(axis: str, sign: float) -> MotionFn:
    def fn(u: float, phase: float, s: SceneScale, a: float) -> CameraState:
        d = sign * LATERAL * a * s.near_z * _centred(u) * 2.0
        return CameraState(x=d) if axis == "x" else CameraState(y=d)

    return fn


def _turn(sign: float) -> MotionFn:
    def fn(u: float, phase: float, s: SceneScale, a: float) -> CameraState:
        return CameraState(ry_deg=sign * TURN_DEG * a * _centred(u) * 2.0)

    return fn


def _tilt(sign: float) -> MotionFn:
    def fn(u: float, phase: float, s: SceneScale, a: float) -> CameraState:
        return CameraState(rx_deg=sign * TILT_DEG * a * _centred(u) * 2.0)

    return fn


def _spin(sign: float) -> MotionFn:
    def fn(u: float, phase: float, s: SceneScale, a: float) -> CameraState:
        return CameraState(z=0.06 * s.near_z * min(a, 1.0) * u, rz_deg=sign * SPIN_DEG * a * u)

    return fn


def _dolly_zoom(u: float, phase: float, s: SceneScale, a: float) -> CameraState:
    # Vertigo: move back while zooming in so the subject (at pivot_z) keeps its size; the background
    # seems to rush forward. Image size of the subject ~ focal / (pivot_z - z) stays constant. At the
    # default intensity the far background grows by a quarter: about the parallax of zoom_in (0.45, the
    # first choice, doubled it and revealed more than any fill hides: dark copies beside a saucer, sky
    # behind a head).
    z = -0.25 * a * s.pivot_z * u
    return CameraState(z=z, focal_scale=(s.pivot_z - z) / s.pivot_z)


def _circle(u: float, phase: float, s: SceneScale, a: float) -> CameraState:
    w = 2.0 * math.pi * phase
    r = 0.5 * LATERAL * a * s.near_z
    return _arc_to(r * math.sin(w), r * (1.0 - math.cos(w)) - r, 0.0, s)


def _swing(u: float, phase: float, s: SceneScale, a: float) -> CameraState:
    x = ORBIT * a * s.near_z * math.sin(2.0 * math.pi * phase)
    return _arc_to(x, 0.0, 0.0, s)


MOTIONS: dict[str, Motion] = {
    m.name: m
    for m in [
        Motion("static", "near-still breathing: a faint push in and sway, loops", _static, periodic=True),
        Motion("zoom_in", "dolly forward into the scene", _zoom(+1.0, False)),
        Motion("zoom_out", "dolly back out of the scene", _zoom(-1.0, False)),
        Motion("pan_left", "slide the camera to the left", _pan("x", -1.0)),
        Motion("pan_right", "slide the camera to the right", _pan("x", +1.0)),
        Motion("pan_up", "raise the camera (crane up)", _pan("y", -1.0)),
        Motion("pan_down", "lower the camera (crane down)", _pan("y", +1.0)),
        Motion("turn_left", "turn the camera to the left on its tripod", _turn(-1.0)),
        Motion("turn_right", "turn the camera to the right on its tripod", _turn(+1.0)),
        Motion("tilt_up", "tilt the camera up on its tripod", _tilt(+1.0)),
        Motion("tilt_down", "tilt the camera down on its tripod", _tilt(-1.0)),
        Motion("orbit_left", "arc to the left around the subject, pivoting on its plane", _orbit(-1.0)),
        Motion("orbit_right", "arc to the right around the subject, pivoting on its plane", _orbit(+1.0)),
        Motion("spin_cw", "roll clockwise while easing in (intensity 12 = a full turn)", _spin(-1.0)),
        Motion("spin_ccw", "roll counter-clockwise while easing in (intensity 12 = a full turn)", _spin(+1.0)),
        Motion("dolly_zoom", "vertigo: dolly back while zooming in, the subject keeps its size", _dolly_zoom),
        Motion("circle", "the camera circles around the subject's axis, loops", _circle, periodic=True),
        Motion("swing", "swing left and right around the subject, loops", _swing, periodic=True),
        Motion("zoom_in_sway", "dolly forward with a gentle side-to-side sway", _zoom(+1.0, True)),
        Motion("zoom_out_sway", "dolly back with a gentle side-to-side sway", _zoom(-1.0, True)),
    ]
}

#: Names used by the Kandinsky 2.2 video service and other tools, mapped onto ours.
ALIASES: dict[str, str] = {
    "right": "pan_right",
    "left": "pan_left",
    "up": "pan_up",
    "down": "pan_down",
    "zoomin": "zoom_in",
    "zoomout": "zoom_out",
    "zoom-in": "zoom_in",
    "zoom-out": "zoom_out",
    "around_right": "orbit_right",
    "around_left": "orbit_left",
    "rotate_left": "turn_left",
    "rotate_right": "turn_right",
    "rotate_up": "tilt_up",
    "rotate_down": "tilt_down",
    "spin_clockwise": "spin_cw",
    "spin_counterclockwise": "spin_ccw",
    "spin_anticlockwise": "spin_ccw",
    "zoomin_sway": "zoom_in_sway",
    "zoomout_sway": "zoom_out_sway",
    "live": "static",
    "vertigo": "dolly_zoom",
    "orbit": "orbit_right",
    "dolly": "zoom_in",
}


def get_motion(name: str) -> Motion:
    """The motion called ``name`` (or one of its aliases); :class:`InputError` lists the valid names."""
    key = name.strip().lower().replace(" ", "_")
    key = ALIASES.get(key, key)
    motion = MOTIONS.get(key)
    if motion is None:
        raise InputError(
            f"unknown motion {name!r}; valid motions: {', '.join(MOTIONS)} (or a keyframe path file .json/.toml/.yaml)"
        )
    return motion
