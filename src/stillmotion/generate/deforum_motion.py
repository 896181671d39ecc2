"""Per-frame motion of a Deforum run: the warp of the previous frame, and (for the classical repair)
frame 0 seen through the motion accumulated so far.

Both motions implement ``step(images, frame) -> [(warped, holes), ...]`` (every image warped by that
frame's motion; ``holes`` marks pixels with no source) and ``reference(frame) -> (image, valid)``.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

from ..errors import InputError
from ..render.sizes import MAX_FOV_DEG, MIN_FOV_DEG
from ..types import CameraState
from .motion2d import affine_matrix, warp_2d, warp_sharp
from .motion3d import MirroredSource, compose, deforum_delta, long_side_fov_deg, render_3d, state_from_pose

log = logging.getLogger(__name__)

#: The classical reference extends the photo by mirroring this fraction of its size on each side, so
#: space a move uncovers beyond the photo gets mirrored texture rather than smeared edge pixels.
MIRROR_PAD = 0.25
#: A 2D zoom schedule's sane range: the scale from one frame to the next (Deforum's runs use ~0.9..1.1).
MIN_ZOOM, MAX_ZOOM = 0.1, 10.0


class Motion2D:
    """Deforum's 2D mode: one affine warp per frame from the angle/zoom/translation schedules."""

    def __init__(self, series: dict[str, np.ndarray], *, width: int, height: int, border: str) -> None:
        self.width, self.height, self.border = width, height, border
        count = len(series["angle"])
        zooms = np.asarray(series["zoom"][:count], np.float64)
        bad = np.flatnonzero(~((zooms >= MIN_ZOOM) & (zooms <= MAX_ZOOM)))
        if bad.size:  # 0 shrank the picture to a point, 1e9 blew it up: blank frames from then on
            raise InputError(f"zoom: frame {bad[0]} gives {zooms[bad[0]]:g}; expected {MIN_ZOOM:g}..{MAX_ZOOM:g} "
                             "(the scale from one frame to the next, 1 = none)")  # fmt: skip
        self.matrices = [
            affine_matrix(width, height, angle_deg=series["angle"][i], zoom=series["zoom"][i],
                          translation_x=series["translation_x"][i], translation_y=series["translation_y"][i],
                          center_x=series["transform_center_x"][i], center_y=series["transform_center_y"][i])
            for i in range(count)
        ]  # fmt: skip
        self._first: np.ndarray | None = None
        self._cumulative = np.eye(3)
        self._cumulative_frame = 0

    def start(self, first: np.ndarray) -> None:
        from ..render.sampling import pair_bounds

        self._first = first
        # frame 0 is resampled for every reference: its clamp is computed once
        self._first_border = cv2.BORDER_WRAP if self.border == "wrap" else cv2.BORDER_REFLECT_101
        self._first_bounds = pair_bounds(first, border=self._first_border)

    def step(self, images: list[np.ndarray], frame: int) -> list[tuple[np.ndarray, np.ndarray]]:
        return [warp_2d(image, self.matrices[frame], border=self.border) for image in images]

    def reference(self, frame: int) -> tuple[np.ndarray, np.ndarray] | None:
        """Frame 0 resampled once through the product of the matrices of frames 1..frame (sharp: no
        accumulated resampling blur), mirrored beyond its border (wrapped with ``border: wrap``)."""
        if self._first is None:
            return None
        if frame < self._cumulative_frame:
            self._cumulative, self._cumulative_frame = np.eye(3), 0
        while self._cumulative_frame < frame:
            self._cumulative_frame += 1
            self._cumulative = self.matrices[self._cumulative_frame] @ self._cumulative
        h, w = self._first.shape[:2]
        image = warp_sharp(self._first, self._cumulative, border=self._first_border, bounds=self._first_bounds)
        return np.clip(image, 0, 1), np.ones((h, w), bool)


class Motion3D:
    """Deforum's 3D mode through the project's renderer (see :mod:`stillmotion.generate.motion3d`).

    Each step estimates the depth of the newest image (as Deforum does with MiDaS) and renders every
    image of the step with it from that frame's camera delta.
    """

    def __init__(self, series: dict[str, np.ndarray], *, width: int, height: int) -> None:
        count = len(series["translation_x"])
        self.deltas = [
            deforum_delta(translation_x=series["translation_x"][i], translation_y=series["translation_y"][i],
                          translation_z=series["translation_z"][i], rotation_x_deg=series["rotation_3d_x"][i],
                          rotation_y_deg=series["rotation_3d_y"][i], rotation_z_deg=series["rotation_3d_z"][i])
            for i in range(count)
        ]  # fmt: skip
        fovs = np.asarray(series["fov_schedule"][:count], np.float64)
        bad = np.flatnonzero(~((fovs >= MIN_FOV_DEG) & (fovs <= MAX_FOV_DEG)))
        if bad.size:
            raise InputError(f"fov_schedule: frame {bad[0]} gives {fovs[bad[0]]:g} degrees; expected {MIN_FOV_DEG:g}..{MAX_FOV_DEG:g}")
        self.fovs = [long_side_fov_deg(float(f), width, height) for f in fovs]
        self._first: np.ndarray | None = None
        self._source: MirroredSource | None = None
        self._states: list[CameraState] = []

    @staticmethod
    def _depth(image: np.ndarray):
        from .. import depth as depth_stage

        return depth_stage.estimate(image)

    def start(self, first: np.ndarray) -> None:
        pose = np.eye(4)
        self._states = [CameraState()]
        for delta in self.deltas[1:]:
            pose = compose(pose, delta)
            self._states.append(state_from_pose(pose))
        self._first = first
        self._source = None  # built on first use: a run whose repair warps needs no source scene

    def step(self, images: list[np.ndarray], frame: int) -> list[tuple[np.ndarray, np.ndarray]]:
        depth = self._depth(images[-1])
        return [render_3d(image, depth, self.deltas[frame], fov_deg=self.fovs[frame]) for image in images]

    def reference(self, frame: int) -> tuple[np.ndarray, np.ndarray] | None:
        """Frame 0 seen from the composed pose of frames 1..frame, mirrored beyond its border."""
        if self._first is None:
            return None
        if self._source is None:
            self._source = MirroredSource(self._first, self._depth(self._first), fov_deg=self.fovs[0],
                                          states=self._states, mirror_pad=MIRROR_PAD)  # fmt: skip
        image = self._source.render(self._states[frame], fov_deg=self.fovs[frame])
        return image, np.ones(image.shape[:2], bool)
