"""Virtual camera: named motions, keyframe paths, easing."""

from .motions import ALIASES, MOTIONS, Motion, SceneScale, get_motion
from .path import CameraPath, frame_times, make_path

__all__ = ["ALIASES", "MOTIONS", "CameraPath", "Motion", "SceneScale", "frame_times", "get_motion", "make_path"]
