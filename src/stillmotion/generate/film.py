"""Render a story: each scene becomes a clip, clips are joined by overlapping dissolves, frames stream
to the writer. Photo scenes use the camera-move renderer (:func:`stillmotion.api.animate_frames`);
prompt scenes use a diffusion generator (see :mod:`stillmotion.generate.prompt_scene`).

Memory: one scene's source image and depth, plus at most one dissolve's worth of frames.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator

import cv2
import numpy as np

from ..errors import InputError
from ..types import ProgressCallback, no_progress
from .dissolve import ClipPlan, clamp_overlaps, film_length, join_with_dissolves
from .story import SceneSpec, StorySpec

log = logging.getLogger(__name__)

#: ``source(scene, story, frame_count) -> frames``: renders one scene's clip lazily.
SceneSource = Callable[[SceneSpec, StorySpec, int], Iterator[np.ndarray]]


def scene_frame_count(scene: SceneSpec, fps: float) -> int:
    return max(1, int(round(scene.duration_s * fps)))


def plan_story(story: StorySpec) -> list[ClipPlan]:
    """Frame counts and dissolve overlaps of every scene (overlaps clamped to fit)."""
    plans = [
        ClipPlan(scene_frame_count(s, story.fps), 0 if k == 0 else int(round(s.transition_s * story.fps)))
        for k, s in enumerate(story.scenes)
    ]
    return clamp_overlaps(plans)


def cover_box(src_w: int, src_h: int, width: int, height: int) -> tuple[int, int, int, int]:
    """The centred crop (x0, y0, w, h) of a ``src_w`` x ``src_h`` picture with the aspect of
    ``width`` x ``height`` (the largest such crop)."""
    target = width / height
    if src_w / src_h > target:
        w = max(1, int(round(src_h * target)))
        return (src_w - w) // 2, 0, w, src_h
    h = max(1, int(round(src_w / target)))
    return 0, (src_h - h) // 2, src_w, h


def fit_to_size(array: np.ndarray, width: int, height: int, *, interpolation: int = cv2.INTER_AREA) -> np.ndarray:
    """Centre-crop ``array`` (H, W[, C]) to the aspect of ``width`` x ``height`` and resize to it."""
    x0, y0, w, h = cover_box(array.shape[1], array.shape[0], width, height)
    crop = np.ascontiguousarray(array[y0 : y0 + h, x0 : x0 + w])
    if (w, h) == (width, height):
        return crop.astype(np.float32, copy=False)
    if w < width or h < height:
        interpolation = cv2.INTER_CUBIC if interpolation == cv2.INTER_AREA else interpolation
    out = cv2.resize(crop.astype(np.float32), (width, height), interpolation=interpolation)
    return np.clip(out, 0, 1) if array.ndim == 3 else out


def exact_count(frames: Iterator[np.ndarray], count: int, width: int, height: int, label: str) -> Iterator[np.ndarray]:
    """Yield exactly ``count`` frames of ``width`` x ``height``: resize odd sizes, hold the last frame
    if the source ends early, stop the source when it has given enough."""
    last = None
    made = 0
    for frame in frames:
        if made == count:
            break
        if frame.shape[:2] != (height, width):
            frame = fit_to_size(frame, width, height)
        last = frame
        made += 1
        yield frame
    if last is None:
        raise RuntimeError(f"{label}: the renderer gave no frame")
    if made < count:
        log.debug("%s: renderer gave %d frames of %d, holding the last", label, made, count)
    for _ in range(count - made):
        yield last


def photo_scene_frames(scene: SceneSpec, story: StorySpec, frame_count: int) -> Iterator[np.ndarray]:
    """A photo scene: the spine's camera move (:func:`stillmotion.api.plan`), framed to the story's
    size by the renderer itself (it crops to the aspect and scales once for the whole path, so the
    frame never shows anything outside the photo). An intensity schedule scales the move frame by
    frame; the framing is planned for its largest value."""
    from dataclasses import replace

    from ..api import AnimateConfig, load_depth, plan
    from ..depth.pipeline import adjust_depth
    from ..grade import GradeConfig
    from ..io import read_image
    from .story import intensity_values

    assert scene.image is not None
    intensities = intensity_values(scene, frame_count)
    grader = make_grader(scene.grade, frame_count, scene.label)
    # the shot is framed for the grade's letterbox bars, as animate frames it (the grade paints them)
    bars = getattr(getattr(grader, "config", None), "letterbox_aspect", None)
    config = AnimateConfig(
        motion=scene.motion,
        intensity=float(intensities.max()),
        duration_s=frame_count / story.fps,
        fps=story.fps,
        size=f"{story.width}x{story.height}",
        grade=GradeConfig(letterbox_aspect=bars) if bars else None,
    )
    try:  # the photo, its depth and the shot: an error names the scene, as the story file's own errors do
        image = read_image(scene.image)
        # as animate does: the depth a phone embedded in the photo when there is some, faces held rigid
        depth = load_depth(image, scene.depth, scene.depth_kind, backend="auto", source=scene.image)
        depth = adjust_depth(image, depth, protect=AnimateConfig.depth_protect)
        shot = plan(image, depth, config, remedy="lower its intensity")  # a story has no --intensity
    except InputError as exc:
        raise InputError(f"{scene.label}: {exc}") from None
    constant = bool(np.all(intensities == intensities[0]))

    def frames() -> Iterator[np.ndarray]:
        for i, (state, t, k) in enumerate(zip(shot.states(), shot.times(), intensities)):
            result = shot.render(state if constant else replace(shot.path, intensity=float(k)).state(float(t)))
            yield result.image if grader is None else grader(result.image, result.inverse_depth, i)

    yield from exact_count(frames(), frame_count, story.width, story.height, scene.label)


def default_scene_source(generator_factory: Callable[[], object] | None = None) -> SceneSource:
    """Photo scenes through the camera-move renderer; prompt scenes through the generator that
    ``generator_factory()`` builds (once, on the first prompt scene)."""
    cache: dict[str, object] = {}

    def source(scene: SceneSpec, story: StorySpec, frame_count: int) -> Iterator[np.ndarray]:
        if scene.image is not None:
            return photo_scene_frames(scene, story, frame_count)
        from .prompt_scene import prompt_scene_frames

        if "generator" not in cache:
            if generator_factory is None:
                raise RuntimeError("prompt scene without a generator factory")
            cache["generator"] = generator_factory()
        return prompt_scene_frames(scene, story, frame_count, cache["generator"])

    return source


def scene_source_for(story: StorySpec) -> SceneSource:
    """The default scene source for ``story``; loads the generator now when a scene has a prompt, so a
    missing extra or model fails before any frame is rendered."""
    factory = None
    if story.needs_generator:
        from .generators import generator_from_story

        factory = generator_from_story(story)
    return default_scene_source(factory)


def make_grader(grade: str | None, frame_count: int, label: str):
    """A ``grader(frame, inverse_depth, index)`` for a scene's ``grade:``, or None without a grade."""
    if not grade:
        return None
    from ..grade import Grader, parse_grade

    return Grader(parse_grade(grade), frame_count=frame_count)


def _graded(frames: Iterator[np.ndarray], grader) -> Iterator[np.ndarray]:
    for i, frame in enumerate(frames):
        yield frame if grader is None else grader(frame, None, i)


def story_frames(
    story: StorySpec, *, source: SceneSource, progress: ProgressCallback = no_progress
) -> Iterator[np.ndarray]:
    """Yield the film's frames; scenes are rendered lazily, one at a time."""
    plans = plan_story(story)
    total = film_length(plans)

    def clips():
        for scene, plan in zip(story.scenes, plans):
            log.info("%s: %d frames (%s)", scene.label, plan.frame_count,
                     scene.image.name if scene.image else "prompt")  # fmt: skip
            frames = exact_count(source(scene, story, plan.frame_count), plan.frame_count, story.width,
                                 story.height, scene.label)  # fmt: skip
            # photo scenes grade inside, with each frame's depth; others are graded here
            yield frames if scene.image is not None else _graded(frames, make_grader(scene.grade, plan.frame_count,
                                                                                     scene.label))  # fmt: skip

    done = 0
    progress(0, total)
    for frame in join_with_dissolves(clips(), plans):
        yield frame
        done += 1
        progress(done, total)


def render_story(
    story: StorySpec,
    output: str | os.PathLike,
    *,
    source: SceneSource | None = None,
    progress: ProgressCallback = no_progress,
) -> int:
    """Render ``story`` to ``output`` (.mp4, .webm, .gif or a PNG directory); returns the frame count."""
    from ..io import open_writer

    if source is None:
        source = scene_source_for(story)
    inputs = tuple(p for s in story.scenes for p in (s.image, s.depth) if p is not None)
    if story.source is not None:
        inputs += (story.source,)
    with open_writer(output, fps=story.fps, width=story.width, height=story.height, inputs=inputs) as writer:
        for frame in story_frames(story, source=source, progress=progress):
            writer.write(frame)
        return writer.count
