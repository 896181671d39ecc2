"""Story files: several scenes (photos or prompts), each with a camera motion, joined by dissolves.

A story is YAML (or JSON)::

    fps: 24
    size: landscape            # landscape 832x448, square 640x640, portrait 448x832, or WxH
    transition: 0.5            # default dissolve between scenes, seconds (0 = hard cut)
    generator: kandinsky       # only for prompt scenes: kandinsky | sd15 | sdxl
    model: /path/to/model      # a local diffusers directory or a Hugging Face cache name
    scenes:
      - image: moon.jpg        # relative paths resolve against the story file's folder
        motion: zoom_in        # any camera motion name, or a custom path file
        duration: 4            # seconds
        intensity: 1.0        # or a keyframe schedule over the scene's frames: "0:(0.5), 48:(1.5)"
      - prompt: a lighthouse at dusk, oil painting
        negative_prompt: blurry
        seed: 7
        motion: orbit_left
        transition: 1.0        # the dissolve from the previous scene into this one

Loading validates everything a render needs (files exist, numbers are in range) so that a bad story
fails before any frame is made.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..render.sizes import MAX_FPS, MAX_OUTPUT_SIDE, fixed_size
from .deforum_settings import number_in

log = logging.getLogger(__name__)

STORY_KEYS = {"fps", "size", "transition", "generator", "model", "device", "steps", "strength", "scenes"}
#: The story keys that only prompt scenes use (the diffusion generator's).
GENERATOR_KEYS = ("generator", "model", "device", "steps", "strength")
SCENE_KEYS = {
    "image", "prompt", "motion", "duration", "intensity", "grade", "negative_prompt", "seed", "transition",
    "depth", "depth_kind", "strength",
}  # fmt: skip


@dataclass(frozen=True)
class SceneSpec:
    """One scene. Exactly one of ``image``/``prompt`` is set; ``transition_s`` is the dissolve from the
    previous scene into this one (ignored for the first scene)."""

    index: int
    image: Path | None = None
    prompt: str | None = None
    motion: str = "zoom_in"
    duration_s: float = 4.0
    intensity: float | str = 1.0  # a number or a Deforum keyframe schedule over the scene's frames
    grade: str | None = None
    negative_prompt: str = ""
    seed: int | None = None
    transition_s: float = 0.5
    depth: Path | None = None
    depth_kind: str = "inverse"
    strength: float | None = None

    @property
    def label(self) -> str:
        return f"scene {self.index}"


@dataclass(frozen=True)
class StorySpec:
    """A whole story: timing, size and scenes."""

    fps: float
    width: int
    height: int
    scenes: tuple[SceneSpec, ...]
    generator: str | None = None
    model: str | None = None
    device: str = "cpu"
    steps: int = 20
    strength: float = 0.6
    source: Path | None = None
    extra: dict = field(default_factory=dict)

    @property
    def needs_generator(self) -> bool:
        return any(s.prompt is not None for s in self.scenes)


def parse_size(size: object) -> tuple[int, int]:
    """``landscape``/``square``/``portrait`` or ``WxH`` -> (width, height), even numbers: an odd side is
    rounded up, as for ``animate`` (H.264 and VP9 in yuv420p need even sides)."""
    given = fixed_size(str(size), max_side=MAX_OUTPUT_SIDE)
    if given is None:
        raise InputError(f"size: expected landscape, square, portrait or WxH, got {size!r}")
    width, height = given
    return width + width % 2, height + height % 2


def _intensity(value: object, label: str) -> float | str:
    """A number, or a keyframe schedule (checked now; evaluated over the scene's frames when rendered)."""
    if isinstance(value, str) and ":" in value:
        from .schedule import parse_schedule

        parse_schedule(value, name=f"{label} intensity")
        return value
    return number_in(value, f"{label} intensity", low=0, high=20)


def intensity_values(scene: SceneSpec, frame_count: int) -> np.ndarray:
    """The scene's intensity at each of its frames."""
    from .schedule import schedule_values

    values = schedule_values(scene.intensity, frame_count, name=f"{scene.label} intensity")
    if values.min() < 0 or values.max() > 20:
        raise InputError(f"{scene.label} intensity: the schedule must stay within 0..20, "
                         f"got {values.min():g}..{values.max():g}")  # fmt: skip
    return values


def _resolve(path: object, base: Path, what: str) -> Path:
    if not isinstance(path, str) or not path.strip():
        raise InputError(f"{what}: expected a file path, got {path!r}")
    resolved = Path(os.path.expanduser(path.strip()))
    if not resolved.is_absolute():
        resolved = base / resolved
    if not resolved.exists():
        raise InputError(f"{what}: file not found: {resolved}")
    if not resolved.is_file():
        kind = "a folder" if resolved.is_dir() else "not a regular file"
        raise InputError(f"{what}: {resolved} is {kind}; give a file")
    return resolved


def _model_path(model: str, base: Path) -> str:
    """A relative model folder that exists beside the story resolves against the story's folder, as its
    other paths do; anything else (a Hugging Face cache id, an absolute path) is kept as written."""
    path = Path(os.path.expanduser(model))
    if not path.is_absolute() and (base / path).is_dir():
        return str(base / path)
    return model


def _grade_with_paths(grade: str, base: Path) -> str:
    """The grade spec with a relative ``lut=`` file resolved against the story's folder, as every other
    path in a story is (it was taken relative to the current directory)."""
    tokens = []
    for token in grade.split(","):
        name, sep, value = token.partition("=")
        if sep and name.strip() == "lut" and value.strip():
            path = Path(os.path.expanduser(value.strip()))
            token = f"lut={path if path.is_absolute() else base / path}"
        tokens.append(token)
    return ",".join(tokens)


def _scene(raw: object, index: int, base: Path, default_transition: float) -> SceneSpec:
    label = f"scene {index}"
    if not isinstance(raw, dict):
        raise InputError(f"{label}: expected a mapping with image: or prompt:, got {type(raw).__name__}")
    unknown = sorted(set(raw) - SCENE_KEYS)
    if unknown:
        log.warning("%s: ignoring unknown keys: %s (known: %s)", label, ", ".join(map(str, unknown)),
                    ", ".join(sorted(SCENE_KEYS)))  # fmt: skip
    has_image, has_prompt = raw.get("image") is not None, raw.get("prompt") is not None
    if has_image == has_prompt:
        raise InputError(f"{label}: give exactly one of image: (a photo) or prompt: (text)")
    image = _resolve(raw["image"], base, f"{label} image") if has_image else None
    if image is not None:
        from ..io.image import check_image

        try:
            check_image(image)  # not an image, or too large: fail now, not after the scenes before it
        except InputError as exc:
            raise InputError(f"{label}: {exc}") from None
    prompt = str(raw["prompt"]).strip() if has_prompt else None
    if has_prompt and not prompt:
        raise InputError(f"{label}: prompt is empty")
    motion = raw.get("motion", "zoom_in")
    if not isinstance(motion, str) or not motion.strip():
        raise InputError(f"{label} motion: expected a motion name or a path file, got {motion!r}")
    motion = motion.strip()
    if Path(motion).suffix.lower() in (".toml", ".json", ".yaml", ".yml"):
        motion = str(_resolve(motion, base, f"{label} motion"))
    else:
        from ..camera import get_motion

        try:
            get_motion(motion)  # an unknown name fails now, listing the valid ones
        except InputError as exc:
            raise InputError(f"{label}: {exc}") from None
    seed = raw.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not -1 <= seed < 2**32):
        raise InputError(f"{label} seed: expected an integer in -1..{2**32 - 1} (as Deforum's), got {seed!r}")
    depth = _resolve(raw["depth"], base, f"{label} depth") if raw.get("depth") is not None else None
    depth_kind = str(raw.get("depth_kind", "inverse"))
    if depth is not None:
        from ..io import read_depth

        try:
            read_depth(depth, depth_kind)  # unknown kind, unreadable, NaN or constant: fail before any frame
        except InputError as exc:
            raise InputError(f"{label} depth: {exc}") from None
    grade = None if raw.get("grade") is None else _grade_with_paths(str(raw["grade"]), base)
    if grade:
        from ..grade import parse_grade

        try:
            parse_grade(grade)  # fail on a bad grade now, before any frame
        except InputError as exc:
            raise InputError(f"{label} grade: {exc}") from None
    strength = raw.get("strength")
    return SceneSpec(
        index=index,
        image=image,
        prompt=prompt,
        motion=motion,
        duration_s=number_in(raw.get("duration", 4.0), f"{label} duration", low=0, high=3600, low_open=True),
        intensity=_intensity(raw.get("intensity", 1.0), label),
        grade=grade,
        negative_prompt=str(raw.get("negative_prompt") or ""),
        seed=seed,
        transition_s=number_in(raw.get("transition", default_transition), f"{label} transition", low=0, high=60),
        depth=depth,
        depth_kind=depth_kind,
        strength=None if strength is None else number_in(strength, f"{label} strength", low=0, high=1),
    )


def story_from_mapping(data: object, *, base: Path, source: Path | None = None) -> StorySpec:
    """Validate a parsed story (a mapping) whose relative paths resolve against ``base``."""
    name = str(source) if source else "story"
    if not isinstance(data, dict):
        raise InputError(f"{name}: expected a mapping with fps, size and scenes, got {type(data).__name__}")
    unknown = sorted(set(data) - STORY_KEYS)
    if unknown:
        log.warning("%s: ignoring unknown keys: %s", name, ", ".join(map(str, unknown)))
    scenes_raw = data.get("scenes")
    if not scenes_raw:
        raise InputError(f"{name}: the story has no scenes (add a 'scenes:' list)")
    if not isinstance(scenes_raw, list):
        raise InputError(f"{name}: 'scenes' must be a list, got {type(scenes_raw).__name__}")
    fps = number_in(data.get("fps", 24), "fps", low=0, high=MAX_FPS, low_open=True)
    width, height = parse_size(data.get("size", "landscape"))
    transition = number_in(data.get("transition", 0.5), "transition", low=0, high=60)
    scenes = tuple(_scene(raw, i, base, transition) for i, raw in enumerate(scenes_raw, start=1))
    generator = data.get("generator")
    unused = [key for key in GENERATOR_KEYS if key in data]
    if unused and not any(scene.prompt is not None for scene in scenes):
        log.warning("%s: %s %s nothing without a prompt scene; ignored", name, ", ".join(unused),
                    "does" if len(unused) == 1 else "do")  # fmt: skip
    return StorySpec(
        fps=fps,
        width=width,
        height=height,
        scenes=scenes,
        generator=None if generator is None else str(generator),
        model=None if data.get("model") is None else _model_path(str(data["model"]), base),
        device=str(data.get("device", "cpu")),
        steps=int(number_in(data.get("steps", 20), "steps", low=1, high=500)),
        strength=number_in(data.get("strength", 0.6), "strength", low=0, high=1),
        source=source,
    )


def load_story(path: str | os.PathLike) -> StorySpec:
    """Read and validate a story file (YAML or JSON)."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"story file {path} is a folder; give a .yaml or .json story")
    if not path.exists():
        raise InputError(f"story file not found: {path}")
    if not path.is_file():
        raise InputError(f"story file {path} is not a regular file; give a .yaml or .json story")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read story file {path}: {exc}") from None
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except Exception as exc:  # yaml.YAMLError / json.JSONDecodeError: say where in one line
        detail = " ".join(str(exc).split())
        raise InputError(f"{path}: not valid YAML/JSON: {detail}") from None
    if data is None:
        raise InputError(f"{path}: the story is empty")
    return story_from_mapping(data, base=path.resolve().parent, source=path)
