"""The documented entry points. The CLI calls these; so can any Python program.

    import stillmotion
    stillmotion.animate("photo.jpg", "shot.mp4", config=stillmotion.AnimateConfig(motion="orbit_left"))
"""

from __future__ import annotations

import functools
import logging
import math
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .ahead import map_ahead, run_ahead
from .depth.pipeline import adjust_depth
from .errors import InputError
from .jit import start_numba
from .types import CameraState, Depth, DepthKind, ProgressCallback, no_progress

if TYPE_CHECKING:
    from .grade import GradeConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnimateConfig:
    """Everything that shapes one camera-move shot. Units are in the names."""

    motion: str = "zoom_in"
    intensity: float = 1.0
    duration_s: float = 4.0
    fps: float = 24.0
    size: str = "source"
    loop: bool = False
    fov_deg: float = 55.0
    depth_backend: str = "auto"  # phone depth in the file, else a local neural model, else classical
    #: faces | people | none: faces (or whole people) keep one rigid depth (stillmotion.depth.protect)
    depth_protect: str = "faces"
    #: a painted PNG or JSON of points correcting the depth, spread edge-aware (stillmotion.depth.hints)
    depth_hints: str | None = None
    #: finishing: a GradeConfig or a spec string such as "film, grain=0.3" (stillmotion.grade.parse_grade);
    #: None = as rendered
    grade: GradeConfig | str | None = None
    upscale: int = 1  #: 2 or 4: super-resolve a photo smaller than the output first (stillmotion.grade.upscale)
    upscale_model: str = "fast"
    #: what a path that reveals beyond the photo's edge does: "crop" in, or "fill" (outpaint) the border
    border: str = "crop"

    def __post_init__(self) -> None:
        _check_fields(self)
        if isinstance(self.grade, str):  # the CLI's --grade spec works in Python too
            from .grade import parse_grade

            object.__setattr__(self, "grade", parse_grade(self.grade))


def _check_fields(config: AnimateConfig) -> None:
    """Refuse a field of the wrong type, naming it (``intensity="2"`` was "must be real number, not str"
    from deep inside the path); a ``size`` given as (width, height) is taken as ``"WxH"``."""
    size = config.size
    if isinstance(size, (tuple, list)) and len(size) == 2 and all(isinstance(v, int) for v in size):
        object.__setattr__(config, "size", f"{size[0]}x{size[1]}")
    for name in ("intensity", "duration_s", "fps", "fov_deg"):
        value = getattr(config, name)
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise InputError(f"AnimateConfig.{name} must be a number, got {value!r}")
    for name in ("size", "depth_backend", "depth_protect", "upscale_model", "border"):
        value = getattr(config, name)
        if not isinstance(value, str):
            raise InputError(f"AnimateConfig.{name} must be a string, got {value!r}")
    if not isinstance(config.motion, (str, os.PathLike)):
        raise InputError(f"AnimateConfig.motion must be a motion's name or a path file, got {config.motion!r}")
    if isinstance(config.upscale, bool) or not isinstance(config.upscale, (int, np.integer)):
        raise InputError(f"AnimateConfig.upscale must be 1, 2 or 4, got {config.upscale!r}")


#: What the error of a camera path that cannot be framed tells a user of ``animate`` to do.
_REMEDY = "lower --intensity"


def load_depth(
    image: np.ndarray, path: str | os.PathLike | None, kind: str | DepthKind = "inverse", *, backend: str = "classical",
    source: str | os.PathLike | None = None,
) -> Depth:
    """The depth for ``image``: read from ``path`` (resampled to the photo if only the size differs), or
    ``path`` itself when it is a :class:`Depth` already (resampled the same way; ``kind`` is its own), or
    estimated with ``backend`` when no file is given."""
    from . import depth as depth_stage
    from .io import match_depth, read_depth

    if path is None:
        return depth_stage.estimate(image, backend=backend, source=source)
    depth = path if isinstance(path, Depth) else read_depth(path, kind)
    return match_depth(depth, image.shape[:2])


def plan(image: np.ndarray, depth: Depth, config: AnimateConfig, *, frame_faces: bool = True,
         remedy: str = _REMEDY):
    """The shot (scene, path, framing) for ``image``; see :func:`stillmotion.render.shot.plan_shot`
    (uniform bars baked into the photo are cut away; ``frame_faces``: when the output's aspect cuts part
    of the photo away, the kept window follows the largest face, or the top of a clearly salient subject).
    ``image`` as in :func:`animate_frames`; ``remedy``: what the error of a path that cannot be framed tells
    the user to do."""
    return _plan(_photo_with(image, depth), depth, config, frame_faces=frame_faces, remedy=remedy)


def _plan(image: np.ndarray, depth: Depth, config: AnimateConfig, *, frame_faces: bool = True,
          remedy: str = _REMEDY):
    """:func:`plan` for a photo already in the contract's float32 RGB (converted and checked once)."""
    from .render.shot import plan_shot

    return plan_shot(image, depth, motion=config.motion, intensity=config.intensity,
                     duration_s=config.duration_s, fps=config.fps, size=config.size, loop=config.loop,
                     fov_deg=config.fov_deg, border=config.border, frame_faces=frame_faces,
                     letterbox_aspect=config.grade.letterbox_aspect if config.grade is not None else None,
                     remedy=remedy)  # fmt: skip


def _check_config(config: AnimateConfig, shape: tuple[int, int]) -> None:
    """Refuse an unknown motion, a bad size or bad numbers before any expensive work."""
    from .camera import get_motion
    from .camera.keyframes import is_path_file
    from .camera.path import check_intensity
    from .render.sizes import check_timing, output_size

    check_timing(fps=config.fps, duration_s=config.duration_s, fov_deg=config.fov_deg)
    check_intensity(config.intensity)
    output_size(config.size, shape)
    if not is_path_file(config.motion):
        get_motion(config.motion)


def animate_frames(
    image: np.ndarray, depth: Depth, config: AnimateConfig, *, progress: ProgressCallback = no_progress
) -> Iterator[np.ndarray]:
    """Yield the frames (float32 RGB) of a camera move through ``image`` with ``depth``, one at a time.
    ``image`` is float32 RGB in [0, 1]; 8/16-bit, grey and RGBA arrays are converted as
    :func:`stillmotion.io.image.image_array` says. The config's ``upscale``, ``depth_protect`` and
    ``depth_hints`` are applied first, as :func:`animate` applies them. A ``depth`` of another size with
    the photo's aspect is resampled to it, as a depth file is (and to an upscaled photo)."""
    from .grade import Finisher
    from .io import match_depth

    image = _photo_with(image, depth)
    _check_config(config, image.shape[:2])  # before the upscale, face search and hints
    image = _upscaled(image, config)
    depth = match_depth(depth, image.shape[:2])
    depth = adjust_depth(image, depth, protect=config.depth_protect, hints=config.depth_hints)
    shot = _plan(image, depth, config)
    total = shot.frame_count
    finish = Finisher(config.grade, frame_count=total)
    progress(0, total)
    render = functools.partial(_render_finished, shot, np.float32, finish)
    for i, (frame, _) in enumerate(_finished_frames(shot.states(), render, finish)):
        yield frame
        progress(i + 1, total)


def animate(
    photo: str | os.PathLike,
    output: str | os.PathLike,
    *,
    config: AnimateConfig | None = None,
    depth: str | os.PathLike | Depth | None = None,
    depth_kind: str = "inverse",
    flow=None,
    progress: ProgressCallback = no_progress,
    preview: str | os.PathLike | None = None,
) -> Path:
    """Render ``photo`` into a clip at ``output`` (.mp4, .webm, .gif or a PNG frame directory).

    ``depth``: a depth file (its numbers mean ``depth_kind``) or a :class:`Depth`, of the photo's size or
    aspect; None estimates it. ``preview``: also write a contact sheet (PNG/JPEG) of the first, middle
    and last frames and the depth.
    ``flow`` (a :class:`stillmotion.cinemagraph.camera.FlowSpec`) makes water, clouds or smoke flow in a
    seamless loop while the camera moves.
    """
    from .grade.finishing import check_preview_path
    from .io import check_clip_output, open_writer, output_group, read_image

    config = config or AnimateConfig()
    inputs = _input_files(photo, depth, config, flow)
    check_clip_output(output, inputs=inputs)  # refuse a bad output before any work
    check_preview_path(preview, output=output, inputs=inputs)
    # numba's start and the renderer's imports hold the GIL: a worker thread does them while this one
    # decodes the photo and finds its depth (OpenCV and NumPy release the GIL)
    with ThreadPoolExecutor(max_workers=1) as pool:
        started = pool.submit(_start_renderer)
        image = read_image(photo)
        _check_config(config, image.shape[:2])
        if flow is not None or config.upscale > 1:
            started.result()  # both may run compiled kernels
        flowing = flow.prepare(image, fps=config.fps) if flow is not None else None  # checked before depth
        image = _upscaled(image, config)
        depth_map = load_depth(image, depth, depth_kind, backend=config.depth_backend, source=photo)
        depth_map = adjust_depth(image, depth_map, protect=config.depth_protect, hints=config.depth_hints)
        started.result()
    _say_if_compiling()
    from .grade import Finisher
    from .render.sizes import clip_size

    width, height = clip_size(image, config.size)
    preload = threading.Thread(target=_preload_kernels, name="stillmotion-preload", daemon=True)
    preload.start()
    # the encoder starts now and is ready when the first frame is: the shot is planned meanwhile; the
    # clip and the preview appear together, when both are written
    with output_group(), open_writer(output, fps=config.fps, width=width, height=height, inputs=inputs) as writer:
        shot = _plan(image, depth_map, config)
        assert (shot.intrinsics.width, shot.intrinsics.height) == (width, height)
        total = shot.frame_count
        finish = Finisher(config.grade, frame_count=total, preview=preview, title=Path(photo).name,
                          inputs=inputs)  # fmt: skip
        # frames that are not graded go to the 8-bit clip as rendered: sample the 8-bit atlas directly
        dtype = np.float32 if finish.grader is not None else np.uint8
        # the next frames render and are graded on worker threads while this one waits for the encoder's pipe
        if flowing is not None:  # one loop texture after another: rendered in order, a frame ahead
            renders = run_ahead(flowing.renders(shot, dtype=dtype))
            frames = _finished_frames(renders, functools.partial(_finished, finish, eight_bit=True), finish)
        else:
            render = functools.partial(_render_finished, shot, dtype, finish, eight_bit=True)
            frames = _finished_frames(shot.states(), render, finish)
        progress(0, total)
        for i, (frame, inverse_depth) in enumerate(frames):
            finish.keep(frame, inverse_depth, i)
            writer.write(frame)
            progress(i + 1, total)
        finish.close()
    preload.join()  # long done: its kernels were called
    return Path(output)


def _input_files(photo, depth, config: AnimateConfig, flow) -> tuple:
    """Every file a run of :func:`animate` reads, which its outputs must not overwrite: the photo, the
    depth file, a depth-hints image or JSON, a keyframe path file, the grade's LUT and the loop mask (a
    --preview named like the hints or the mask replaced it)."""
    from .camera.keyframes import is_path_file

    files = [photo, None if isinstance(depth, Depth) else depth, flow.mask if flow is not None else None]
    if isinstance(config.depth_hints, (str, os.PathLike)):
        files.append(config.depth_hints)
    if isinstance(config.motion, (str, os.PathLike)) and is_path_file(config.motion):
        files.append(config.motion)
    files.append(getattr(config.grade, "lut_path", None))
    return tuple(f for f in files if f is not None)


def _photo_with(image: np.ndarray, depth: Depth) -> np.ndarray:
    """``image`` as the contract's float32 RGB (:func:`stillmotion.io.image.image_array`), once ``depth``
    is known to be a :class:`Depth` (an InputError for anything else)."""
    from .io.image import image_array

    if not isinstance(depth, Depth):
        raise InputError(f"depth must be a stillmotion.Depth (values and what they mean), got {type(depth).__name__}")
    return image_array(image)


def _upscaled(image: np.ndarray, config: AnimateConfig) -> np.ndarray:
    """``image`` super-resolved ``config.upscale`` times when it is smaller than the clip, else itself."""
    if config.upscale <= 1:
        return image
    from .grade.upscale import upscale_if_small

    return upscale_if_small(image, factor=config.upscale, model=config.upscale_model, size=config.size)


def _finished_frames(items: Iterator, work, finish) -> Iterator[tuple[np.ndarray, np.ndarray | None]]:
    """``work((index, item))`` (a finished frame and its inverse depth) for each of ``items``, in order,
    computed on worker threads (:func:`stillmotion.ahead.map_ahead`). When the grade fixes its focus and
    depth range on the first frame, frame 0 is finished first, on this thread, so that every frame is
    graded the same way whichever thread finishes it."""
    numbered = enumerate(items)
    if finish.needs_first_frame:
        first = next(numbered, None)
        if first is None:
            return
        yield work(first)
    yield from map_ahead(work, numbered)


def _finished(finish, numbered, *, eight_bit: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """Grade one rendered frame: ``numbered`` is (index, RenderResult). ``eight_bit``: the frame goes to
    an 8-bit clip, so it is rounded here, on the worker (as the writer would: the same bytes), and the
    frames waiting for the encoder take a quarter of the memory. The inverse depth comes along for frame
    0 only (the preview's depth), to keep no other frame's."""
    index, result = numbered
    frame = finish.grade(result.image, result.inverse_depth, index)
    if eight_bit and frame.dtype != np.uint8:
        from .io.image import to_uint8

        frame = to_uint8(frame)
    return frame, (result.inverse_depth if index == 0 else None)


def _render_finished(shot, dtype, finish, numbered, *, eight_bit: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """Render and grade one frame of ``shot``: ``numbered`` is (index, camera state)."""
    index, state = numbered
    return _finished(finish, (index, shot.render(state, dtype=dtype)), eight_bit=eight_bit)


def _say_if_compiling() -> None:
    """On a fresh install the first shot compiles the renderer's numba kernels (several seconds with no
    progress to show): say so, once, instead of seeming to hang."""
    from .inpaint.patchmatch import random_field
    from .jit import cache_is_warm
    from .render.rasterize import rasterize_mesh

    if not cache_is_warm(rasterize_mesh, random_field):  # a kernel of the frames, one of the shot's fill
        log.info("first run: compiling the renderer into numba's cache (once; 5-10 s on 2 cores)")


def _start_renderer() -> None:
    """The start-up of a shot that holds the GIL, for a worker thread: numba's import and CPU target, and
    the renderer's modules (``render.shot`` imports the scene, its fills and the renderer)."""
    start_numba()
    from .render import shot  # noqa: F401


def _preload_kernels() -> None:
    """Load the compiled kernels of a shot's planning, then of its frames, from numba's cache, in the
    order the shot first calls them: a thread does this while the main one plans (~0.1 s of loading
    that would otherwise wait on the main thread and on the first frame)."""
    from .inpaint import patchmatch, pyramid
    from .jit import preload_cached
    from .render import antialias, band, cracks, mesh, pixels, rasterize

    try:
        preload_cached(band._lowest, band._test, mesh._flat_blocks, mesh._straighten_edges, mesh._emit,
                       pyramid.halve_known, patchmatch.random_field, patchmatch._cost_of_field, patchmatch._search,
                       patchmatch.upsample_field, patchmatch.upsample_cost, patchmatch._vote, rasterize.rasterize_mesh,
                       pixels._scan, cracks._fill_from_background, antialias._box_where)  # fmt: skip
    except Exception:  # noqa: BLE001 - only a head start: a kernel that fails to load here loads at its call
        log.debug("preloading the kernels failed", exc_info=True)


def render_view(
    image: np.ndarray,
    depth: Depth,
    *,
    move: tuple[float, float, float] = (0.0, 0.0, 0.0),
    rotate_deg: tuple[float, float, float] = (0.0, 0.0, 0.0),
    fov_deg: float = 55.0,
    inpaint_backend: str = "patch",
) -> np.ndarray:
    """One novel view (float32 RGB), the photo's size and framing, with the renderer and the fill behind
    depth edges of :func:`animate`. ``image`` is float32 RGB in [0, 1]; 8/16-bit, grey and RGBA arrays are
    converted as :func:`stillmotion.io.image.image_array` says. ``move`` (x, y, z) is in scene units: for
    a disparity map (pixels, baseline 1), ``move=(1, 0, 0)`` is the right camera of the stereo pair;
    ``rotate_deg`` is (rx, ry, rz) as in :class:`CameraState`; ``fov_deg`` the photo's field of view,
    1..170 degrees.
    ``inpaint_backend`` fills what the move reveals behind depth edges; beyond the photo's border the scene
    is extended once with the smooth continuation of ``animate --border fill``, without its grain
    (:func:`stillmotion.render.view.view_scene`)."""
    from .inpaint import BACKENDS
    from .render.renderer import render
    from .render.sizes import check_fov
    from .render.view import view_scene

    image = _photo_with(image, depth)
    check_fov(fov_deg, name="fov_deg")
    if isinstance(inpaint_backend, str):  # a bad name was found out only when a move revealed something to fill
        BACKENDS.check(inpaint_backend)
    move, rotate_deg = _three_numbers(move, "move", "x, y, z"), _three_numbers(rotate_deg, "rotate_deg", "rx, ry, rz")
    state = CameraState(*move, *rotate_deg)
    start_numba()
    _say_if_compiling()
    scene, _, intr = view_scene(image, depth, [state], fov_deg=fov_deg, fill_backend=inpaint_backend, border="fill")
    return render(scene, state, intr).image


def _three_numbers(values, name: str, axes: str) -> tuple[float, float, float]:
    """``values`` as three finite floats, or an InputError naming the argument ``name`` and its ``axes``."""
    try:
        numbers = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        numbers = ()
    if len(numbers) != 3 or not all(math.isfinite(v) for v in numbers):
        raise InputError(f"{name} must be three finite numbers ({axes}), got {values!r}")
    return numbers  # type: ignore[return-value]


def story(story_file: str | os.PathLike, output: str | os.PathLike, *, progress: ProgressCallback = no_progress) -> Path:
    """Render a multi-scene story file (YAML/JSON: fps, size, scenes joined by dissolves) to ``output``.
    See :mod:`stillmotion.generate.story` for the format."""
    from .generate.film import render_story
    from .generate.story import load_story

    start_numba()
    render_story(load_story(story_file), output, progress=progress)
    return Path(output)


def deforum(
    settings_file: str | os.PathLike,
    output: str | os.PathLike,
    *,
    image: str | os.PathLike | None = None,
    generator: str | None = None,
    model: str | None = None,
    device: str = "cpu",
    inpaint_holes: bool = False,
    progress: ProgressCallback = no_progress,
) -> Path:
    """Run a Deforum settings file to ``output``: the classical repair on ``image`` by default, or a
    diffusion ``generator`` (``kandinsky``, ``sd15``, ``sdxl``; extra ``neural``) from local weights;
    ``inpaint_holes``: the generator also repaints what each warp uncovers."""
    from .generate.deforum_run import render_deforum
    from .generate.deforum_settings import read_settings
    from .io import read_image

    settings = read_settings(settings_file)
    image_path = image if image is not None else settings.init_image
    gen = None
    if generator is not None:
        from .generate.generators import load_generator

        gen = load_generator(generator, model=model, device=device)
    init = read_image(image_path) if image_path is not None else None
    inputs = tuple(p for p in (settings_file, image_path) if p is not None)
    render_deforum(settings, output, init_image=init, generator=gen, inpaint_holes=inpaint_holes, inputs=inputs,
                   progress=progress)  # fmt: skip
    return Path(output)


# --- optical flow and frame interpolation (issue 5) -------------------------------------------------


def estimate_flow(image0: np.ndarray, image1: np.ndarray, *, backend: str = "classical", **options) -> np.ndarray:
    """Forward flow (H, W, 2) from ``image0`` to ``image1``: ``image1(x + flow(x)) ~ image0(x)``.

    ``backend``: ``classical`` (default), ``classical-hq``, ``dis`` (``preset=``), ``raft`` (``weights=``,
    ``iters=``; neural extra). See :mod:`stillmotion.flow`.
    """
    from .flow import estimate_flow as _estimate
    from .io.image import unit_pixels

    # 8-bit frames were taken as 0..255 floats, silently wrong; NaN came out as a finite flow
    return _estimate(unit_pixels(image0, what="image0"), unit_pixels(image1, what="image1"), backend=backend,
                     **options)  # fmt: skip


def interpolate_frame(
    image0: np.ndarray, image1: np.ndarray, *, t: float = 0.5, method: str = "splat", flow: str | None = None,
    flow_options: dict | None = None,
) -> np.ndarray:  # fmt: skip
    """The frame at time ``t`` in [0, 1] between ``image0`` and ``image1``. See :mod:`stillmotion.interpolate`.
    ``flow``: a flow backend name; by default each ``method``'s own (``classical-matched`` for the splatting
    methods, ``dis`` for the ``backward`` baseline). Frames may be float in [0, 1], or 8- or 16-bit (grey and
    RGBA too, as :func:`stillmotion.io.image.image_array` says; NaN or infinite values are refused); 8-bit
    frames give an 8-bit frame back, the others float32."""
    from .interpolate import interpolate_pair
    from .io.image import image_array, to_uint8

    options = {} if flow is None else {"flow": flow}
    eight_bit = np.asarray(image0).dtype == np.uint8 and np.asarray(image1).dtype == np.uint8
    frame = interpolate_pair(image_array(image0, what="image0"), image_array(image1, what="image1"), t=t,
                             method=method, flow_options=flow_options, **options)  # fmt: skip
    return to_uint8(frame) if eight_bit else frame


# --- cinemagraph loops (issue 6) --------------------------------------------------------------------


def loop(photo, output, **options) -> None:
    """Render a seamless cinemagraph loop; see :func:`stillmotion.cinemagraph.pipeline.make_loop`."""
    from .cinemagraph.pipeline import make_loop

    start_numba()
    make_loop(photo, output, **options)
