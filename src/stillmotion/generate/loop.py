"""The generative loop: every frame is the previous one moved by the camera and repaired.

Per diffused ("key") frame ``k``, as Deforum does: warp the previous output by frame ``k``'s motion,
match its colours to frame 0 (``color_coherence``), multiply by the contrast, unsharp-mask it, add
noise, then repair it (image-to-image with the scheduled strength and the next seed, or the classical
repair). With cadence ``N`` only frames ``0, N, 2N, ...`` are repaired; the frames between are the two
latest repaired frames, both warped forward frame by frame, cross-faded with weight
``(i - p + 1) / N`` on the newer one (Deforum's "turbo" tweening, including its timing). Unlike
Deforum, the last frames after the final key are emitted too, so a run has exactly ``frame_count``
frames. Frames stream out one at a time.

A repairer whose ``needs_init`` is False (the classical repair, which re-renders the source) skips the
warp and the touches and runs at cadence 1; one whose ``uses_reference`` is False (a generator) is
never given the motion's view of frame 0.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..types import ProgressCallback, no_progress
from .color import ColorMatcher
from .frame_ops import add_noise, apply_contrast, unsharp_mask

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FrameControls:
    """Scheduled per-frame values (Deforum units)."""

    strength: float = 0.65
    noise: float = 0.02
    contrast: float = 1.0
    kernel: float = 5.0
    sigma: float = 1.0
    amount: float = 0.0
    threshold: float = 0.0
    prompt: str = ""
    negative_prompt: str = ""
    cfg_scale: float = 7.0
    steps: int = 25


class Motion(Protocol):
    def start(self, first: np.ndarray) -> None: ...
    def step(self, images: list[np.ndarray], frame: int) -> list[tuple[np.ndarray, np.ndarray]]: ...
    def reference(self, frame: int) -> tuple[np.ndarray, np.ndarray] | None: ...


class Repairer(Protocol):
    name: str

    def repair(self, init: np.ndarray, *, strength: float, holes: np.ndarray | None,
               reference: tuple[np.ndarray, np.ndarray] | None, controls: FrameControls, seed: int) -> np.ndarray: ...  # fmt: skip


def prepare_init(warped: np.ndarray, *, color_matcher: ColorMatcher | None, controls: FrameControls,
                 seed: int) -> np.ndarray:  # fmt: skip
    """Colour coherence, contrast, anti-blur and noise on a warped frame, in Deforum's order."""
    image = warped
    if color_matcher is not None:
        image = color_matcher(image)
    image = apply_contrast(image, controls.contrast)
    image = unsharp_mask(image, kernel=controls.kernel, sigma=controls.sigma, amount=controls.amount,
                         threshold=controls.threshold)  # fmt: skip
    return add_noise(image, controls.noise, seed=seed)


def generative_frames(
    first: np.ndarray,
    *,
    frame_count: int,
    motion: Motion,
    repairer: Repairer,
    controls: list[FrameControls],
    seeds: Iterator[int],
    color_mode: str | None = "lab",
    cadence: int = 1,
    progress: ProgressCallback = no_progress,
) -> Iterator[np.ndarray]:
    """Yield ``frame_count`` frames starting from ``first`` (frame 0, already made)."""
    cadence = max(1, int(cadence))
    needs_init = getattr(repairer, "needs_init", True)
    uses_reference = getattr(repairer, "uses_reference", True)
    if not needs_init and cadence > 1:
        # tweening only saves diffusion passes; a repair that re-renders the source is cheaper than a tween
        # and cross-fading two renders made from different frames would show their differences
        log.info("cadence %d -> 1: the %s repair renders every frame", cadence, getattr(repairer, "name", "?"))
        cadence = 1
    motion.start(first)
    matcher = ColorMatcher(first, color_mode) if color_mode is not None else None
    keys = list(range(0, frame_count, cadence))
    older: np.ndarray | None = None  # the key before the newest one, warped forward (Deforum's turbo_prev)
    newest = first  # the newest repaired frame, warped forward (turbo_next)
    p = 0
    emitted = 0
    progress(0, frame_count)
    for next_key in keys[1:] + [frame_count]:
        span = (next_key - p) if next_key < frame_count else cadence
        for i in range(p, next_key):
            if older is not None and span == 1:
                older = None  # no cross-fade at cadence 1: the older frame is never shown
            if i > p or older is not None:
                pair = ([older] if older is not None else []) + ([newest] if i > p else [])
                moved = motion.step(pair, i)
                if older is not None:
                    older = moved[0][0]
                if i > p:
                    newest = moved[-1][0]
            weight = (i - p + 1) / span
            frame = newest if older is None or weight >= 1 else older * (1 - weight) + newest * weight
            yield frame.astype(np.float32, copy=False)
            emitted += 1
            progress(emitted, frame_count)
        if next_key >= frame_count:
            break
        seed = next(seeds)
        c = controls[next_key]
        init, holes = None, None
        if needs_init:
            (warped, holes), = motion.step([newest], next_key)
            init = prepare_init(warped, color_matcher=matcher, controls=c, seed=seed)
        reference = motion.reference(next_key) if uses_reference else None
        repaired = repairer.repair(init, strength=c.strength, holes=holes, reference=reference, controls=c,
                                   seed=seed)  # fmt: skip
        older, newest, p = newest, np.clip(repaired, 0, 1).astype(np.float32), next_key
