"""Plan a shot once: output size, scene scale, camera path, framing crop, working resolution, scene."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from ..camera import CameraPath, SceneScale, frame_times, make_path
from ..errors import InputError
from ..types import CameraState, Depth, DepthKind, Intrinsics
from .depth_prep import inverse_depth, sharpen_depth_edges, smooth_ripples
from .framing import window_centre
from .fringe import claim_fringe
from .overscan import border_points, fit_copy, fit_scale, parallax_gain
from .renderer import RenderResult, render
from .scene import MERGE_PX, Scene, build_scene
from .sizes import check_timing, output_size

log = logging.getLogger(__name__)

#: A photo that the output magnifies more than UPSAMPLE_FROM times is upsampled to the output's pixel
#: density (at most MAX_UPSAMPLE times): a mesh much coarser than the output shows the gaps of its torn
#: triangles (depth edges) as speckled outlines even before the camera moves. Below that, the few
#: sub-pixel gaps are cheaper to fill as cracks than a larger mesh is to draw.
UPSAMPLE_FROM = 1.25
MAX_UPSAMPLE = 2.0
#: Poses sampled along the path to fit the crop and measure the parallax.
PLAN_SAMPLES = 65


@dataclass(frozen=True)
class Shot:
    scene: Scene
    path: CameraPath
    intrinsics: Intrinsics  # output camera before each frame's focal scale
    frame_count: int
    loop: bool
    crop: float  # the framing crop factor (>= 1)
    #: the part of the photo the scene shows (uniform bars cut away), as fractions of its height and
    #: width: (top, bottom, left, right)
    picture: tuple[float, float, float, float] = (0.0, 1.0, 0.0, 1.0)
    #: the output rows (first, one past the last) that a grade's letterbox bars leave visible; the crop
    #: keeps only them free of the photo's border. None without bars across the top and bottom
    seen_rows: tuple[int, int] | None = None

    def times(self) -> np.ndarray:
        """Clip times of the frames. A periodic motion (circle, swing, static) ends where it starts, so it
        leaves out the closing frame as ``--loop`` does: played in a loop, that frame showed twice."""
        periodic = self.path.motion is not None and self.path.motion.periodic
        return frame_times(self.frame_count, loop=self.loop or periodic)

    def states(self) -> Iterator[CameraState]:
        for t in self.times():
            yield self.path.state(float(t))

    def render(self, state: CameraState, *, dtype=np.float32) -> RenderResult:
        """One frame; ``dtype`` np.uint8 for frames that go straight to an 8-bit clip (see
        :func:`stillmotion.render.renderer.render`)."""
        return render(self.scene, state, self.intrinsics, dtype=dtype, seen_rows=self.seen_rows)


def scene_scale(q: np.ndarray) -> SceneScale:
    """Near depth from the nearest 2 % of the photo, pivot from the middle of the frame (the subject)."""
    h, w = q.shape
    near_z = 1.0 / float(np.percentile(q, 98))
    centre = q[h // 4 : h - h // 4, w // 4 : w - w // 4]
    pivot_z = 1.0 / float(np.median(centre))
    return SceneScale(near_z=near_z, pivot_z=max(pivot_z, near_z * 1.05))


def _aspect_crop(photo_w: int, photo_h: int, out_w: int, out_h: int) -> tuple[float, float]:
    """Width and height (photo pixels) of the largest centred region with the output's aspect."""
    aspect = out_w / out_h
    if photo_w / photo_h > aspect:
        return photo_h * aspect, float(photo_h)
    return float(photo_w), photo_w / aspect


def _seen_rows(out_w: int, out_h: int, letterbox_aspect: float | None) -> tuple[int, int] | None:
    """The rows (first, one past the last) of an ``out_w`` x ``out_h`` frame that a grade's letterbox bars
    leave visible, as the grade paints them; None without bars across the top and bottom."""
    if not letterbox_aspect:
        return None
    from ..grade.lens import letterbox_bars

    rows, _ = letterbox_bars(out_w, out_h, aspect=letterbox_aspect)
    return None if rows <= 0 else (rows, out_h - rows)


def _resize(array: np.ndarray, width: int, height: int, *, nearest: bool = False) -> np.ndarray:
    if array.shape[1] == width and array.shape[0] == height:
        return array
    shrinking = width < array.shape[1]
    interp = cv2.INTER_NEAREST if nearest else (cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
    return cv2.resize(array, (width, height), interpolation=interp)


def _without_bars(image: np.ndarray, depth: Depth) -> tuple[np.ndarray, Depth, tuple[float, float, float, float]]:
    """``image`` and ``depth`` inside uniform bars, and that box as fractions (top, bottom, left, right)."""
    from ..depth.bars import content_box

    h, w = image.shape[:2]
    top, bottom, left, right = content_box(image)
    if (top, bottom, left, right) == (0, h, 0, w):
        return image, depth, (0.0, 1.0, 0.0, 1.0)
    log.info("photo: uniform bars cut away, the picture is %dx%d at (%d, %d)", right - left, bottom - top, left, top)
    inner = (slice(top, bottom), slice(left, right))
    valid = None if depth.valid is None else np.ascontiguousarray(depth.valid[inner])
    depth = dataclasses.replace(depth, values=np.ascontiguousarray(depth.values[inner]), valid=valid)
    return np.ascontiguousarray(image[inner]), depth, (top / h, bottom / h, left / w, right / w)


def plan_shot(
    image: np.ndarray,
    depth: Depth,
    *,
    motion: str,
    intensity: float,
    duration_s: float,
    fps: float,
    size: str,
    loop: bool,
    fov_deg: float,
    border: str = "crop",
    frame_faces: bool = True,
    letterbox_aspect: float | None = None,
    remedy: str,
) -> Shot:
    """Everything that is computed once per shot; frames are then rendered with :meth:`Shot.render`.

    Uniform letterbox/pillarbox bars baked into the photo are cut away first, so the camera moves through
    the picture, not past the edges of the bars (:attr:`Shot.picture` says what is left).
    ``frame_faces``: when the output's aspect cuts part of the photo away, the kept window moves (within
    the photo) to keep the largest face in it, a third from the top, or else a landscape's sky or the top
    of a clearly salient subject, instead of cutting heads off (:mod:`.framing`); ``letterbox_aspect``:
    the width/height of the band a grade's letterbox bars leave visible, where the framing places them;
    with bars across the top and bottom, only that band is kept inside the photo and free of its border
    (what shows under the bars is painted black), so the band can reach a face at the photo's top even in
    a window of the photo's own aspect; ``remedy``: what the error of a path that cannot be framed tells
    the user to do."""
    h, w = image.shape[:2]
    if depth.shape != (h, w):
        raise InputError(f"depth is {depth.shape[1]}x{depth.shape[0]} but the photo is {w}x{h}")
    image, depth, picture = _without_bars(image, depth)
    h, w = image.shape[:2]
    check_timing(fps=fps, duration_s=duration_s, fov_deg=fov_deg)
    out_w, out_h = output_size(size, (h, w))
    photo = Intrinsics.from_fov(w, h, fov_deg)
    q = inverse_depth(depth, focal_px=photo.fx)
    scale = scene_scale(q)
    frame_count = max(1, int(round(duration_s * fps)))
    path = make_path(motion, scale=scale, intensity=intensity, loop=loop, duration_s=duration_s,
                     base_fov_deg=fov_deg)  # fmt: skip
    samples = [path.state(float(t)) for t in np.linspace(0.0, 1.0, PLAN_SAMPLES)]

    crop_w, crop_h = _aspect_crop(w, h, out_w, out_h)
    half_w, half_h = crop_w / 2 / photo.fx, crop_h / 2 / photo.fy
    # the rows that letterbox bars leave visible: only they must show the photo (the bars are painted
    # black over whatever the rest shows), so the framing and the crop are fitted to them
    seen_rows = _seen_rows(out_w, out_h, letterbox_aspect)
    visible_h = None if seen_rows is None else crop_h * (seen_rows[1] - seen_rows[0]) / out_h
    half_band = half_h if visible_h is None else visible_h / 2 / photo.fy
    centre = (0.0, 0.0)
    if frame_faces:  # with --border fill too: the margin is then made wide enough for the framed window
        found = window_centre(image, crop_w, crop_h, visible_h=visible_h)
        if found is not None:
            centre = ((found[0] - photo.cx) / photo.fx, (found[1] - photo.cy) / photo.fy)
    scene_fov = fov_deg
    if border == "fill":  # extend the photo (once per shot) instead of cropping in
        from ..inpaint.outpaint import extend_photo, margin_for_path, padded_fov_deg

        shrink = min(1.0, out_w / crop_w)  # fill at the working resolution, not the photo's
        if shrink < 1.0:
            w, h = max(2, round(w * shrink)), max(2, round(h * shrink))
            image, q = _resize(image, w, h), _resize(q, w, h, nearest=True)
            crop_w, crop_h = crop_w * shrink, crop_h * shrink
        margin = margin_for_path(q, fov_deg, samples, half_width=half_w, half_height=half_band, centre=centre)
        scene_fov = padded_fov_deg(w, h, fov_deg, margin)
        image, q = extend_photo(image, q, margin)
        h, w = q.shape
    elif border != "crop":
        raise InputError(f"unknown border mode {border!r}; use crop or fill")
    q_small, _ = fit_copy(q)
    sh, sw = q_small.shape
    k = fit_scale(border_points(q_small, Intrinsics.from_fov(sw, sh, scene_fov)), samples,
                  half_width=half_w, half_height=half_band, centre=centre, remedy=remedy)  # fmt: skip

    # work at the resolution where one photo pixel is about one output pixel
    r = out_w / (crop_w * k)
    r = min(MAX_UPSAMPLE, r) if r > UPSAMPLE_FROM else min(1.0, r)
    ww, wh = max(2, round(w * r)), max(2, round(h * r))
    work = Intrinsics.from_fov(ww, wh, scene_fov)
    image_w = _resize(image, ww, wh)
    q_w = _resize(q, ww, wh, nearest=r < 1.0)
    if depth.kind == DepthKind.INVERSE:  # estimated depth: tearable steps, the fringe with the subject
        q_w = claim_fringe(sharpen_depth_edges(q_w, image=image_w), image_w)
    fx_out = out_w / (2.0 * half_w * k)
    out = Intrinsics(fx_out, fx_out, (out_w - 1) / 2.0 - fx_out * centre[0], (out_h - 1) / 2.0 - fx_out * centre[1],
                     out_w, out_h)  # fmt: skip
    gain = parallax_gain(samples, work, q_near=float(q_w.max()), q_far=float(q_w.min())) * fx_out / work.fx
    if depth.kind == DepthKind.INVERSE and gain > 0:  # estimated depth: no texture ripples in the surface
        q_w = smooth_ripples(q_w, tolerance=MERGE_PX / gain)
    scene = build_scene(image_w, q_w, work, parallax_gain_px=gain, estimated=depth.kind == DepthKind.INVERSE)
    log.info("shot: %dx%d from %dx%d, %d frames, crop %.3f, parallax %.1f px", out_w, out_h, ww, wh,
             frame_count, 1 / k, gain * float(q_w.max() - q_w.min()))  # fmt: skip
    return Shot(scene, path, out, frame_count, loop, 1.0 / k, picture, seen_rows)
