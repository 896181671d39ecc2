"""A story scene made from a prompt: text-to-image for its first frame, then the generative loop
along the scene's camera motion (each frame: the previous one re-rendered from the next camera pose
with its own estimated depth, then repaired by image-to-image), as the Kandinsky 2.2 video service does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace

import numpy as np

from ..types import CameraState
from .diffusion_repair import DiffusionRepair
from .loop import FrameControls, generative_frames
from .motion3d import render_3d, state_from_pose
from .seeds import resolve_seed, seed_sequence
from .story import SceneSpec, StorySpec, intensity_values

log = logging.getLogger(__name__)

FOV_DEG = 55.0


class PathMotion:
    """The loop's motion along a camera path: frame ``i`` is frame ``i - 1`` seen from the relative
    pose ``inv(P[i - 1]) @ P[i]`` (the path's focal changes are left out: they are a zoom the repair
    cannot tell from a move)."""

    def __init__(self, states: list[CameraState], *, fov_deg: float) -> None:
        self.poses = [s.world_from_camera() for s in states]
        self.fov_deg = fov_deg

    def start(self, first: np.ndarray) -> None:
        pass

    def delta(self, frame: int) -> CameraState:
        return state_from_pose(np.linalg.inv(self.poses[frame - 1]) @ self.poses[frame])

    def step(self, images: list[np.ndarray], frame: int) -> list[tuple[np.ndarray, np.ndarray]]:
        from .. import depth as depth_stage

        depth = depth_stage.estimate(images[-1])
        delta = self.delta(frame)
        return [render_3d(image, depth, delta, fov_deg=self.fov_deg) for image in images]

    def reference(self, frame: int):
        return None


def prompt_scene_frames(scene: SceneSpec, story: StorySpec, frame_count: int, generator) -> Iterator[np.ndarray]:
    """Yield ``frame_count`` frames of a prompt scene with ``generator``."""
    from ..api import AnimateConfig, plan
    from .. import depth as depth_stage

    assert scene.prompt is not None
    seed = resolve_seed(scene.seed)
    seeds = seed_sequence(seed, "iter")
    cfg = float(getattr(generator, "default_cfg", 7.0))
    log.info("%s: generating %r (seed %d) with %s", scene.label, scene.prompt, seed, getattr(generator, "name", "?"))
    first = generator.text2img(scene.prompt, scene.negative_prompt, width=story.width, height=story.height,
                               seed=next(seeds), steps=story.steps, cfg_scale=cfg)  # fmt: skip
    intensities = intensity_values(scene, frame_count)
    config = AnimateConfig(motion=scene.motion, intensity=float(intensities.max()), duration_s=frame_count / story.fps,
                           fps=story.fps, size=f"{story.width}x{story.height}", fov_deg=FOV_DEG)  # fmt: skip
    shot = plan(first, depth_stage.estimate(first), config)
    states = [replace(shot.path, intensity=float(k)).state(float(t)) for t, k in zip(shot.times(), intensities)]
    states += [states[-1]] * (frame_count - len(states))
    framed = shot.render(states[0]).image  # frame 0 framed like a photo shot (no border shows)
    strength = scene.strength if scene.strength is not None else story.strength
    controls = [FrameControls(strength=strength, noise=0.02, amount=0.1, prompt=scene.prompt,
                              negative_prompt=scene.negative_prompt, cfg_scale=cfg, steps=story.steps)] * frame_count  # fmt: skip
    motion = PathMotion(states, fov_deg=shot.intrinsics.fov_deg())
    yield from generative_frames(framed, frame_count=frame_count, motion=motion, repairer=DiffusionRepair(generator),
                                 controls=controls, seeds=seeds, color_mode="lab", cadence=1)  # fmt: skip
