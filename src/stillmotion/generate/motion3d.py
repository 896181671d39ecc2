"""Deforum's 3D motion mapped onto stillmotion's camera and renderer.

Deforum moves a PyTorch3D camera by a per-frame delta: ``T = (-tx, ty, -tz) / 200`` and
``R = euler_angles_to_matrix(radians(rx, ry, rz), "XYZ")`` (row vectors: ``X_view = X_world @ R + T``),
over a MiDaS depth rescaled to ``(50 - disparity) / 19`` (about 1 near, 2.6 far). Working through its
projection and ``grid_sample`` gives, per frame, in our OpenCV camera axes (x right, y down, z forward):

=================  ===========================================  =================================
Deforum key        what the picture does                        :class:`CameraState` field
=================  ===========================================  =================================
translation_x > 0  content slides left (the camera moves right)  ``x = +translation_x / 200``
translation_y > 0  content slides down (the camera moves up)     ``y = -translation_y / 200``
translation_z > 0  content grows (the camera moves forward)      ``z = +translation_z / 200``
rotation_3d_x > 0  content slides down (the camera tilts up)     ``rx_deg = +rotation_3d_x``
rotation_3d_y > 0  content slides left (the camera turns right)  ``ry_deg = +rotation_3d_y``
rotation_3d_z > 0  content turns counter-clockwise               ``rz_deg = +rotation_3d_z``
=================  ===========================================  =================================

(Deforum's 2D ``translation_x`` moves the content right, its 3D one moves it left; we keep both as
Deforum has them.) Our scene unit is the nearest surface's depth, which Deforum's depth scale also puts
near 1, so 1/200 keeps Deforum's speeds. Deforum's ``fov`` is PyTorch3D's vertical field of view; our
intrinsics take it across the longer side, converted by :func:`long_side_fov_deg`. ``near``/``far``
only clip Deforum's projection and have no counterpart here (they are read and reported).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ..render.sampling import SHARP
from ..types import CameraState, DepthKind, rotation_matrix

TRANSLATION_SCALE = 1.0 / 200.0


def deforum_delta(*, translation_x: float = 0.0, translation_y: float = 0.0, translation_z: float = 0.0,
                  rotation_x_deg: float = 0.0, rotation_y_deg: float = 0.0, rotation_z_deg: float = 0.0) -> CameraState:  # fmt: skip
    """One frame's Deforum 3D motion as a camera move relative to the previous frame's camera."""
    return CameraState(
        x=translation_x * TRANSLATION_SCALE,
        y=-translation_y * TRANSLATION_SCALE,
        z=translation_z * TRANSLATION_SCALE,
        rx_deg=rotation_x_deg,
        ry_deg=rotation_y_deg,
        rz_deg=rotation_z_deg,
    )


def long_side_fov_deg(vertical_fov_deg: float, width: int, height: int) -> float:
    """Deforum's vertical field of view expressed across the longer side of a ``width`` x ``height`` frame."""
    if width <= height:
        return float(vertical_fov_deg)
    half = math.tan(math.radians(vertical_fov_deg) / 2.0) * width / height
    return math.degrees(2.0 * math.atan(half))


def compose(pose: np.ndarray, delta: CameraState) -> np.ndarray:
    """``world_from_camera`` after moving by ``delta`` expressed in the current camera's axes."""
    return pose @ delta.world_from_camera()


def state_from_pose(pose: np.ndarray) -> CameraState:
    """Decompose a ``world_from_camera`` matrix into a :class:`CameraState` (``R = Rz @ Ry @ Rx``)."""
    rot = pose[:3, :3]
    ry = math.asin(max(-1.0, min(1.0, -rot[2, 0])))
    if abs(math.cos(ry)) > 1e-9:
        rx = math.atan2(rot[2, 1], rot[2, 2])
        rz = math.atan2(rot[1, 0], rot[0, 0])
    else:  # gimbal lock: put everything in rz
        rx, rz = 0.0, math.atan2(-rot[0, 1], rot[1, 1])
    state = CameraState(float(pose[0, 3]), float(pose[1, 3]), float(pose[2, 3]),
                        math.degrees(rx), math.degrees(ry), math.degrees(rz))  # fmt: skip
    assert np.allclose(rotation_matrix(state.rx_deg, state.ry_deg, state.rz_deg), rot, atol=1e-6)
    return state


def render_3d(image: np.ndarray, depth, state: CameraState, *, fov_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """Render ``image`` with ``depth`` from the camera ``state`` with the project's renderer, as
    :func:`stillmotion.api.render_view` does; returns the frame and the pixels no surface covered
    (outside the photo, or disocclusions the background layer missed), which the renderer filled."""
    from ..render.renderer import render
    from ..render.view import view_scene

    scene, q, intr = view_scene(image, depth, [state], fov_deg=fov_deg)
    result = render(scene, state, intr, interpolation=SHARP)
    return result.image, result.holes | outside_photo(q, intr, state)


def outside_photo(q: np.ndarray, intrinsics, state: CameraState) -> np.ndarray:
    """Pixels of the view from ``state`` that lie outside the photo's border lifted to 3-D with its
    inverse depth ``q`` (what the renderer shows there is stretched edge, not photo)."""
    from ..render.overscan import border_points

    h, w = q.shape
    step = max(1, max(h, w) // 256)
    points = border_points(q[::step, ::step], type(intrinsics).from_fov(len(range(0, w, step)),
                                                                        len(range(0, h, step)), intrinsics.fov_deg()))
    pose = state.world_from_camera()
    cam = (points - pose[:3, 3]) @ pose[:3, :3]
    z = np.maximum(cam[:, 2], 1e-6)
    px = intrinsics.fx * cam[:, 0] / z + intrinsics.cx
    py = intrinsics.fy * cam[:, 1] / z + intrinsics.cy
    inside = np.zeros((h, w), np.uint8)
    polygon = np.round(np.stack([px, py], axis=1) * 16).astype(np.int32)
    cv2.fillPoly(inside, [polygon], 1, lineType=cv2.LINE_8, shift=4)
    return inside == 0


class MirroredSource:
    """The source photo as one layered scene, extended by mirroring ``mirror_pad`` of its size on each
    side, built once for a whole run (its tear thresholds from the parallax of all ``states``), then
    rendered from any pose: the classical repair's view of frame 0 along the accumulated motion."""

    def __init__(self, image: np.ndarray, depth, *, fov_deg: float, states: list[CameraState],
                 mirror_pad: float = 0.25) -> None:  # fmt: skip
        from ..render.scene import build_scene
        from ..render.view import prepare_view
        from ..types import Intrinsics

        h, w = image.shape[:2]
        q, intr, gain = prepare_view(image, depth, states or [CameraState()], fov_deg=fov_deg)
        pad = max(1, int(round(mirror_pad * max(w, h))))
        src = Intrinsics(intr.fx, intr.fy, intr.cx + pad, intr.cy + pad, w + 2 * pad, h + 2 * pad)
        self.scene = build_scene(cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_REFLECT_101),
                                 cv2.copyMakeBorder(q, pad, pad, pad, pad, cv2.BORDER_REFLECT_101), src,
                                 parallax_gain_px=gain, estimated=depth.kind == DepthKind.INVERSE)  # fmt: skip
        self.width, self.height = w, h

    def render(self, state: CameraState, *, fov_deg: float) -> np.ndarray:
        from ..render.renderer import render
        from ..types import Intrinsics

        intr = Intrinsics.from_fov(self.width, self.height, fov_deg)
        return render(self.scene, state, intr, interpolation=SHARP).image
