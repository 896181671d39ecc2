"""A shot's camera path: a named motion or a keyframe file, with easing, intensity and looping."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..types import CameraState
from .easing import ease_in_out, there_and_back
from .keyframes import KeyframePath, is_path_file
from .motions import Motion, SceneScale, get_motion


@dataclass(frozen=True)
class CameraPath:
    """``state(t)`` for clip time t in [0, 1]. ``intensity`` scales a named motion's amplitudes, and a
    keyframe path's translations and rotations (not its fov, which the file states in degrees)."""

    motion: Motion | None
    keyframes: KeyframePath | None
    scale: SceneScale
    intensity: float = 1.0
    loop: bool = False
    base_fov_deg: float = 55.0

    def state(self, t: float) -> CameraState:
        t = min(max(t, 0.0), 1.0)
        if self.loop and not (self.motion is not None and self.motion.periodic):
            u = there_and_back(t)
        else:
            u = ease_in_out(t)
        if self.keyframes is not None:
            state = self.keyframes.state(u if self.loop else t, base_fov_deg=self.base_fov_deg)
            a, s = self.intensity, self.intensity * self.scale.near_z
            return CameraState(state.x * s, state.y * s, state.z * s, state.rx_deg * a, state.ry_deg * a,
                               state.rz_deg * a, state.focal_scale)  # fmt: skip
        assert self.motion is not None
        return self.motion.state(u, t, self.scale, self.intensity)


def frame_times(count: int, *, loop: bool) -> np.ndarray:
    """Clip times of ``count`` frames: a loop omits t = 1 (it is frame 0 again), a shot ends on it."""
    if count <= 1:
        return np.zeros(max(count, 0))
    if loop:
        return np.arange(count) / count
    return np.linspace(0.0, 1.0, count)


def check_intensity(intensity: float) -> None:
    if not math.isfinite(intensity) or not 0.0 <= intensity <= 20.0:
        raise InputError(f"intensity must be within 0..20, got {intensity}")


def make_path(
    motion: str | os.PathLike,
    *,
    scale: SceneScale,
    intensity: float = 1.0,
    loop: bool = False,
    duration_s: float = 4.0,
    base_fov_deg: float = 55.0,
) -> CameraPath:
    """A named motion (or alias), or a keyframe path file (.json, .toml, .yaml)."""
    check_intensity(intensity)
    text = os.fspath(motion)
    if is_path_file(text):
        keys = KeyframePath.from_file(text, duration_s=duration_s)
        return CameraPath(None, keys, scale, intensity, loop, base_fov_deg)
    return CameraPath(get_motion(text), None, scale, intensity, loop, base_fov_deg)
