"""Read Deforum settings files: deforum-stable-diffusion's ``*_settings.txt`` and the AUTOMATIC1111
extension's JSON (both are JSON objects; YAML is accepted too). Settings stillmotion does not use are
listed in one warning, never fatal.
"""

from __future__ import annotations

import json
import math
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..render.sizes import MAX_FPS, MAX_OUTPUT_SIDE
from .color import color_mode
from .expression import ExpressionError, parse_expression
from .schedule import Schedule, parse_schedule
from .seeds import SEED_BEHAVIORS, resolve_seed

log = logging.getLogger(__name__)

#: The init image's strength when a settings file gives none (deforum-stable-diffusion's default).
INIT_STRENGTH = 0.65
#: Schedules we read, with neutral motion defaults and Deforum's defaults for the rest.
SCHEDULE_DEFAULTS: dict[str, str] = {
    "angle": "0:(0)", "zoom": "0:(1.0)", "translation_x": "0:(0)", "translation_y": "0:(0)",
    "translation_z": "0:(0)", "rotation_3d_x": "0:(0)", "rotation_3d_y": "0:(0)", "rotation_3d_z": "0:(0)",
    "transform_center_x": "0:(0.5)", "transform_center_y": "0:(0.5)",
    "noise_schedule": "0:(0.02)", "strength_schedule": "0:(0.65)", "contrast_schedule": "0:(1.0)",
    "kernel_schedule": "0:(5)", "sigma_schedule": "0:(1.0)", "amount_schedule": "0:(0.2)",
    "threshold_schedule": "0:(0.0)", "cfg_scale_schedule": "0:(7)", "steps_schedule": "0:(25)",
    "fov_schedule": "0:(40)", "near_schedule": "0:(200)", "far_schedule": "0:(10000)",
}  # fmt: skip
#: deforum-stable-diffusion keeps fov/near/far and cfg/steps as plain numbers under these names.
NUMBER_ALIASES = {"fov": "fov_schedule", "near_plane": "near_schedule", "far_plane": "far_schedule",
                  "scale": "cfg_scale_schedule", "steps": "steps_schedule"}  # fmt: skip
OTHER_KEYS = {
    "animation_mode", "max_frames", "border", "color_coherence", "diffusion_cadence", "prompts",
    "animation_prompts", "animation_prompts_positive", "animation_prompts_negative", "negative_prompts",
    "positive_prompts", "prompt", "seed", "seed_behavior", "seed_iter_N", "W", "H", "fps", "init_image",
    "use_init", "strength", "enable_steps_scheduling",
}  # fmt: skip
MODES = ("2D", "3D")


@dataclass(frozen=True)
class DeforumSettings:
    """Everything of a Deforum settings file that stillmotion uses."""

    mode: str = "2D"
    max_frames: int = 120
    width: int = 512
    height: int = 512
    fps: float = 15.0
    border: str = "replicate"
    color_coherence: str | None = "lab"
    cadence: int = 1
    schedules: dict[str, Schedule] = field(default_factory=dict)
    prompts: dict[int, tuple[str, str]] = field(default_factory=dict)
    seed: int = -1
    #: the seed the run starts from: ``seed``, or the random one drawn when the settings were read when
    #: ``seed`` is -1 (schedules' and prompts' ``s`` is that seed, as in Deforum, which fixes it first)
    run_seed: int = 0
    seed_behavior: str = "iter"
    seed_iter_n: int = 1
    init_image: Path | None = None
    init_strength: float = 0.65
    source: Path | None = None
    ignored: tuple[str, ...] = ()

    def series(self, name: str) -> np.ndarray:
        """The per-frame values of schedule ``name`` over ``max_frames``."""
        return self.schedules[name].values(self.max_frames, seed=self.run_seed)

    def prompt_at(self, frame: int) -> tuple[str, str]:
        """(prompt, negative prompt) in force at ``frame``: the latest key at or before it, else the first."""
        if not self.prompts:
            return "", ""
        keys = sorted(self.prompts)
        earlier = [k for k in keys if k <= frame]
        return self.prompts[earlier[-1] if earlier else keys[0]]


def _load(path: Path) -> dict:
    if path.is_dir():
        raise InputError(f"settings file {path} is a folder")
    if not path.is_file():
        raise InputError(f"settings file not found: {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read settings file {path}: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as json_error:
        data = None
        try:
            import yaml

            data = yaml.safe_load(text)
        except Exception as yaml_error:  # noqa: BLE001 - yaml.YAMLError; a .yaml file gets its own message
            if path.suffix.lower() in (".yaml", ".yml"):
                detail = " ".join(str(yaml_error).split())
                raise InputError(f"{path}: not valid YAML: {detail}") from None
        if not isinstance(data, dict):
            raise InputError(
                f"{path}: not a Deforum settings file (JSON error at line {json_error.lineno}, "
                f"column {json_error.colno}: {json_error.msg})"
            ) from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a JSON object of settings, got {type(data).__name__}")
    return data


def _int(value: object, name: str, *, low: int, high: int) -> int:
    try:
        number = int(float(str(value).strip()))
    except (ValueError, OverflowError):  # OverflowError: Infinity
        raise InputError(f"{name}: expected an integer, got {value!r}") from None
    if not low <= number <= high:
        raise InputError(f"{name}: expected {low}..{high}, got {number}")
    return number


def number_in(value: object, name: str, *, low: float, high: float, low_open: bool = False) -> float:
    """A finite number in [low, high] (or (low, high] with ``low_open``), else a one-line error."""
    try:
        number = float(str(value).strip())
    except ValueError:
        raise InputError(f"{name}: expected a number, got {value!r}") from None
    inside = (low < number if low_open else low <= number) and number <= high
    if not (math.isfinite(number) and inside):
        raise InputError(f"{name}: expected a number in {'(' if low_open else '['}{low:g}, {high:g}], got {value!r}")
    return number


def _split_negative(text: str) -> tuple[str, str]:
    """A1111 writes the negative prompt after ``--neg`` (optionally closed by ``--neg`` / ``--``)."""
    if "--neg" not in text:
        return text.strip(), ""
    positive, _, negative = text.partition("--neg")
    return positive.strip(), negative.replace("--neg", "").strip(" -")


def _prompts(data: dict, max_frames: int, seed: int) -> dict[int, tuple[str, str]]:
    raw = data.get("prompts", data.get("animation_prompts"))
    if raw is None and data.get("prompt"):
        raw = {"0": data["prompt"]}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raw = {"0": raw}
    if raw is None:
        return {}
    if isinstance(raw, list):  # deforum-stable-diffusion's still-image "prompts" list
        raw = {"0": raw[0]} if raw else {}
    if not isinstance(raw, dict):
        raise InputError(f"prompts: expected a mapping of frame -> prompt, got {type(raw).__name__}")
    negatives = data.get("negative_prompts") if isinstance(data.get("negative_prompts"), dict) else {}
    pos_all = str(data.get("animation_prompts_positive") or "").strip()
    neg_all = str(data.get("animation_prompts_negative") or "").strip()
    out: dict[int, tuple[str, str]] = {}
    for key, text in raw.items():
        key_text = str(key).strip()
        try:
            frame = int(key_text) if key_text.lstrip("-").isdigit() else int(
                parse_expression(key_text, variables={"max_f", "s"}).evaluate(max_f=max_frames - 1, s=seed)
            )
        except ExpressionError as exc:
            raise InputError(f"prompts: key {key_text!r}: {exc}") from None
        positive, negative = _split_negative(str(text))
        negative = ", ".join(x for x in (negative, str(negatives.get(key, "")).strip(), neg_all) if x)
        positive = " ".join(x for x in (pos_all, positive) if x)
        out[frame] = (positive, negative)
    return out


def settings_from_mapping(data: dict, *, base: Path, source: Path | None = None) -> DeforumSettings:
    """Validate a parsed settings mapping (relative paths resolve against ``base``)."""
    used: set[str] = set()

    def get(key, default=None):
        if key in data:
            used.add(key)
            return data[key]
        return default

    mode = str(get("animation_mode", "2D")).strip()
    if mode.upper() not in MODES:
        raise InputError(f"animation_mode: stillmotion runs '2D' and '3D', got {mode!r}")
    max_frames = _int(get("max_frames", 120), "max_frames", low=1, high=100_000)
    width, height = (_int(get(k, 512), k, low=16, high=MAX_OUTPUT_SIDE) for k in ("W", "H"))
    border = str(get("border", "replicate")).strip().lower()
    if border not in ("replicate", "wrap"):
        raise InputError(f"border: expected replicate or wrap, got {border!r}")
    coherence = get("color_coherence", "Match Frame 0 LAB")
    if str(coherence).strip().lower() in ("image", "video input"):
        log.warning("color_coherence %r is not supported; matching frame 0 in LAB instead", coherence)
        coherence = "LAB"
    seed = _int(-1 if get("seed") is None else get("seed"), "seed", low=-1, high=2**32 - 1)  # null: random
    behavior = str(get("seed_behavior", "iter")).strip().lower()
    if behavior not in SEED_BEHAVIORS:
        log.warning("seed_behavior %r is not supported; using 'iter' (supported: %s)", behavior,
                    ", ".join(SEED_BEHAVIORS))  # fmt: skip
        behavior = "iter"
    schedules: dict[str, Schedule] = {}
    # A1111 keeps both "steps" and "steps_schedule" and uses the schedule only when it is enabled
    skip = set() if data.get("enable_steps_scheduling", "steps" not in data) else {"steps_schedule"}
    for name, default in SCHEDULE_DEFAULTS.items():
        text = None if name in skip else get(name)
        if text is None:
            alias = next((a for a, target in NUMBER_ALIASES.items() if target == name and a in data), None)
            text = get(alias) if alias else None
        schedules[name] = parse_schedule(default if text is None else text, name=name)
    init = get("init_image")
    use_init = get("use_init", True)  # read first: an empty init_image left it reported as unused
    init_path = None
    if init and use_init:
        if str(init).startswith(("http://", "https://")):  # A1111's default init_image is such a URL
            log.warning("init_image %s is a URL, which stillmotion never downloads; give --image PHOTO", init)
        else:
            candidate = Path(os.path.expanduser(str(init)))
            init_path = candidate if candidate.is_absolute() else base / candidate
    run_seed = resolve_seed(seed)  # -1: drawn now, so that ``s`` in schedules and prompts is the run's seed
    prompts = _prompts(data, max_frames, run_seed)
    cadence = _int(get("diffusion_cadence", 1), "diffusion_cadence", low=1, high=1000)
    for key in ("prompts", "animation_prompts", "animation_prompts_positive", "animation_prompts_negative",
                "negative_prompts", "prompt", "positive_prompts", "fps", "seed_iter_N", "strength",
                "enable_steps_scheduling", "steps_schedule"):  # fmt: skip
        if key in data:
            used.add(key)
    fps = number_in(data.get("fps", 15), "fps", low=0, high=MAX_FPS, low_open=True)
    ignored = tuple(sorted(k for k in data if k not in used))
    settings = DeforumSettings(
        mode=mode.upper(),
        max_frames=max_frames,
        width=width - width % 8,
        height=height - height % 8,
        fps=fps,
        border=border,
        color_coherence=color_mode(coherence),
        cadence=cadence,
        schedules=schedules,
        prompts=prompts,
        seed=seed,
        run_seed=run_seed,
        seed_behavior=behavior,
        seed_iter_n=_int(data.get("seed_iter_N", 1), "seed_iter_N", low=1, high=100_000),
        init_image=init_path,
        # Deforum's default: an init image is kept at 0.65 (0 made the first frame a pure generation)
        init_strength=number_in(INIT_STRENGTH if data.get("strength") is None else data["strength"], "strength",
                              low=0.0, high=1.0),  # fmt: skip
        source=source,
        ignored=ignored,
    )
    _report_ignored(data, ignored, source or "settings")
    for name in ("near_schedule", "far_schedule"):
        log.debug("%s is read but has no counterpart in stillmotion's renderer", name)
    return settings


#: Settings that change a Deforum run's motion or frames when set away from their defaults (the values
#: here, compared as lower-case text), and that stillmotion does not run.
MOTION_SETTINGS_OFF = {
    "enable_perspective_flip": ("false",), "flip_2d_perspective": ("false",), "hybrid_motion": ("none",),
    "hybrid_composite": ("none", "false"), "optical_flow_cadence": ("none",),
    "optical_flow_redo_generation": ("none",), "use_depth_warping": ("true",), "use_mask": ("false",),
    "use_mask_video": ("false",), "video_init_path": ("",), "enable_ddim_eta_scheduling": ("false",),
    "enable_clipskip_scheduling": ("false",),
}  # fmt: skip


#: Up to this many unused settings are named in the warning; more (an A1111 file has ~85) are counted.
LISTED_UNUSED = 10


def _report_ignored(data: dict, ignored: tuple[str, ...], source: str) -> None:
    """Warn about the settings stillmotion does not use: first, by name and value, those that change the
    motion in Deforum (a perspective flip, hybrid motion, depth warping off...); the rest by name when they are
    few, else (an A1111 file has ~85: sampler, paths, batch names) as a count, listed under --debug. One line listing all of them
    buried the few that matter."""
    active = [key for key in ignored if key in MOTION_SETTINGS_OFF
              and str(data[key]).strip().lower() not in MOTION_SETTINGS_OFF[key]]  # fmt: skip
    if active:
        log.warning("%s: settings that change Deforum's motion are not supported and were ignored: %s", source,
                    ", ".join(f"{key}={data[key]}" for key in active))  # fmt: skip
    others = [key for key in ignored if key not in active]
    if 0 < len(others) <= LISTED_UNUSED:
        log.warning("%s: %d settings not used by stillmotion: %s", source, len(others), ", ".join(others))
    elif others:
        log.warning("%s: %d other settings not used by stillmotion (samplers, paths, ...; --debug lists them)",
                    source, len(others))  # fmt: skip
        log.debug("%s: not used: %s", source, ", ".join(others))


def read_settings(path: str | os.PathLike, *, max_frames: int | None = None) -> DeforumSettings:
    """Read a Deforum settings file (deforum-stable-diffusion .txt or the A1111 extension's JSON).
    ``max_frames`` overrides the file's before anything depends on it (``max_f`` in prompt keys and
    schedules)."""
    path = Path(path)
    data = _load(path)
    if max_frames is not None:
        data = {**data, "max_frames": max_frames}
    return settings_from_mapping(data, base=path.resolve().parent, source=path)
