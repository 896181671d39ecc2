"""Aiming the camera at a point."""

from __future__ import annotations

import math


def look_at_angles(position: tuple[float, float, float], target: tuple[float, float, float]) -> tuple[float, float]:
    """(rx_deg, ry_deg) that turn a camera at ``position`` to look at ``target`` with no roll.

    With ``R = Ry(ry) @ Rx(rx)`` (see :func:`stillmotion.types.rotation_matrix`) the forward axis becomes
    ``(sin(ry) cos(rx), -sin(rx), cos(ry) cos(rx))``.
    """
    dx, dy, dz = (target[i] - position[i] for i in range(3))
    ry = math.atan2(dx, dz)
    rx = math.atan2(-dy, math.hypot(dx, dz))
    return math.degrees(rx), math.degrees(ry)
