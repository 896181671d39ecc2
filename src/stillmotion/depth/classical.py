"""Classical monocular depth: several cues of human depth perception, combined, then refined edge-aware.

Works on a small copy of the photo (``work_size`` on the long side) and returns inverse depth
(larger = nearer) at the photo's size. The cues, in the order they are combined:

1. **Layout** (:mod:`.layout`): sky is detected and put at infinity; below the horizon a level ground
   plane's inverse depth grows linearly with the row (a sky patch seen over less than a third of the width
   does not place the horizon). Then (:mod:`.border_layout`) that layout is held on the frame's borders
   and interpolated inwards edge-aware (a random walker), so an object takes the depth of what it is
   connected to: a post standing on the floor is as near at its top as at its foot, while a wall behind
   it stays far. Only the lift over the ground plane is used (nothing stands farther than the ground at
   its own row) and only ``CONNECTIVITY_WEIGHT`` of it. Detected people (face, hair, body as segmented)
   are held at the depth of the ground below them, so a head touching the top of the frame is not far;
   the walk does not cross their outline as segmented (:func:`people_outline`), or their depth would
   spread as a halo into a background of similar colour.
2. **Foreground** (:mod:`.foreground`, :mod:`.faces`, :mod:`.occlusion`): objects that contrast with the
   photo's borders (and detected people: a face plus the body below it) are segmented with GrabCut and
   each is brought forward by one step, a quarter of the ground's inverse depth where it stands (its
   lowest row), so their outlines become depth steps in front of what surrounds them, larger for near
   objects than for far ones. (A full "pop-up", giving each object the ground depth where it stands, was
   tried: with an unsupervised segmentation it failed badly on wrongly merged regions.)
3. **Defocus** (:mod:`.defocus`): where the photo mixes sharp and blurred parts (portraits, macro), sharp
   is near. Its weight is the cue's own confidence, so all-sharp photos are not distorted. The background
   takes its blur from its own edges only, not from the subject's beyond the segmented outline.
   **Texture gradient**: on all-sharp photos the same measure works the other way, fine dense detail
   being typical of far surfaces (measured on Middlebury Cones and Motorcycle: correlation -0.4 with the
   true disparity), so it then pushes finely textured areas back a little.
4. **Edges** (:mod:`.refine`): the mixture is smoothed inside regions and kept sharp at colour edges by a
   fast global smoother, then upsampled with a guided filter so depth edges sit on the photo's edges.
   Occlusion boundaries come from the segmentation: a foreground object's outline is a depth step.
5. **People** (:mod:`.people`, only when its small learned segmenter is installed): the people found at
   detected faces become near layers whose outline is one clean step, without the ramp that the
   smoothing above leaves where a person's colour meets a similar background.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

from ..imageops import shrunk, shrunk_size
from ..types import Depth, DepthKind
from .bars import content_box
from .border_layout import border_layout
from .defocus import REAL_DEFOCUS, defocus_sharpness
from .faces import detect_faces
from .foreground import border_contrast, foreground_mask
from .layout import ground_ramp, horizon_row, sky_mask
from .occlusion import occlusion_step
from .people import people_mask, step_at_outline
from .refine import smooth_edge_aware, upsample_guided

log = logging.getLogger(__name__)

#: How far (in units of the ground ramp's full range) defocus-sharp areas may reach beyond the nearest ground.
FOREGROUND_STEP = 0.25
#: Occlusion step of a segmented object, as a fraction of the ground's inverse depth where it stands.
OCCLUSION_RATIO = 0.25
#: How much of the border interpolation's lift over the ground plane is used (the rest of the way it
#: would misjudge subjects that fill the frame and touch its top: close-ups of faces, cups, insects).
CONNECTIVITY_WEIGHT = 0.75
#: Weight of the texture-gradient cue (fine detail = far) on photos without real defocus blur.
TEXTURE_WEIGHT = 0.2
#: Long side, in pixels, of the copy GrabCut segments (its cost grows with the foreground's area).
_SEGMENT_SIZE = 200


def people_anchors(
    fg: np.ndarray,
    seeds: tuple[np.ndarray | None, np.ndarray | None],
    faces: list[tuple[int, int, int, int]],
    ground: np.ndarray,
    scale: float,
) -> np.ndarray:
    """(H, W) float32, NaN except on detected people: each person as segmented (the parts of the
    foreground ``fg`` inside their seed region: face, hair, body) holds the ground's inverse depth where
    their feet are taken to be (three face heights below the chin, at most the bottom row). Without it,
    a head that touches the top of the frame would take the far depth of the border around it."""
    h, w = fg.shape
    anchors = np.full((h, w), np.nan, np.float32)
    sure, probable = seeds
    if not faces or sure is None:
        return anchors
    person = (fg > 0.5) & (sure | probable)
    count, labels = cv2.connectedComponents(person.astype(np.uint8), connectivity=8)
    for x, y, fw, fh in faces:
        x0, y0, x1, y1 = (int(round(v * scale)) for v in (x, y, x + fw, y + fh))
        feet = min(h - 1, y1 + 3 * (y1 - y0))
        face = labels[max(0, y0) : min(h, y1), max(0, x0) : min(w, x1)]
        for label in np.unique(face[face > 0]):
            anchors[labels == label] = ground[feet].max()
    return anchors


def people_outline(
    fg: np.ndarray, anchors: np.ndarray, faces: list[tuple[int, int, int, int]], scale: float
) -> tuple[np.ndarray, np.ndarray]:
    """(people, not people): bool (H, W) masks between which the border layout's walk may not step. People
    are held near (``anchors``), and their outline as segmented is a depth edge: without it their depth
    spreads into a background of similar colour (a dark hat before a dark hill). ``people`` are the parts
    of the foreground ``fg`` that hold an anchor (arms included); below a face, what GrabCut left out (a
    dark collar) is still the person's neck or body, so it counts as neither. Only people: the
    unsupervised segmentation of other objects sometimes merges a wall with what stands before it, and
    sealing that flattened a dancer's leg into the wall (DAVIS)."""
    objects = fg > 0.5
    count, labels = cv2.connectedComponents(objects.astype(np.uint8), connectivity=8)
    held = np.zeros(count, bool)
    held[labels[np.isfinite(anchors) & objects]] = True
    held[0] = False
    return held[labels], ~(objects | people_bodies(fg.shape, faces, scale))


def people_bodies(shape: tuple[int, int], faces: list[tuple[int, int, int, int]], scale: float) -> np.ndarray:
    """Bool (H, W) at the working size: below each face, a column as wide as the face and three faces
    high, where the person's neck and body are taken to be."""
    h, w = shape
    bodies = np.zeros((h, w), bool)
    for x, y, fw, fh in faces:
        x0, y0, x1, y1 = (int(round(v * scale)) for v in (x, y, x + fw, y + fh))
        cx, bw = (x0 + x1) // 2, max(1, (x1 - x0) // 2)
        bodies[y1 : min(h, y1 + 3 * (y1 - y0)), max(0, cx - bw) : cx + bw] = True
    return bodies


def people_seed(shape: tuple[int, int], faces: list[tuple[int, int, int, int]], scale: float) -> tuple[np.ndarray, np.ndarray]:
    """(sure, probable) bool (H, W) masks at the working size: the middle of each face is surely a person;
    the head around the face box (hair) and a body column below it probably are (GrabCut decides the
    real outline). Without the hair, the face would stand in front of its own hair: a step that the
    renderer tears open when the camera moves."""
    h, w = shape
    sure = np.zeros((h, w), bool)
    probable = people_bodies(shape, faces, scale)
    for x, y, fw, fh in faces:
        x0, y0, x1, y1 = (int(round(v * scale)) for v in (x, y, x + fw, y + fh))
        mx, my = (x1 - x0) // 5, (y1 - y0) // 5
        sure[max(0, y0 + my) : y1 - my, max(0, x0 + mx) : x1 - mx] = True
        hx, hy = (x1 - x0) * 3 // 10, (y1 - y0) * 6 // 10
        probable[max(0, y0 - hy) : y1, max(0, x0 - hx) : x1 + hx] = True
    return sure, probable


class ClassicalDepth:
    """The ``classical`` backend. ``work_size`` is the long side, in pixels, at which cues are computed."""

    def __init__(self, *, work_size: int = 320, use_faces: bool = True) -> None:
        if work_size < 32:
            raise ValueError(f"work_size must be >= 32, got {work_size}")
        self.work_size = work_size
        self.use_faces = use_faces

    def __call__(self, image: np.ndarray) -> Depth:
        top, bottom, left, right = content_box(image)
        if (top, bottom, left, right) != (0, image.shape[0], 0, image.shape[1]):
            # letterbox / pillarbox bars are not part of the scene: estimate inside, bars at the far end
            inner = self._estimate(np.ascontiguousarray(image[top:bottom, left:right]))
            values = np.zeros(image.shape[:2], np.float32)
            values[top:bottom, left:right] = inner
            return Depth(values, DepthKind.INVERSE)
        return Depth(self._estimate(image), DepthKind.INVERSE)

    def _estimate(self, image: np.ndarray) -> np.ndarray:
        (sw, sh), scale = shrunk_size(image.shape, self.work_size, min_side=8)
        small = cv2.resize(image, (sw, sh), interpolation=cv2.INTER_AREA).astype(np.float32)
        gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)

        sky = sky_mask(small)
        horizon = horizon_row(sky)
        ground = ground_ramp(sh, sw, horizon)

        faces = detect_faces(image) if self.use_faces else []
        seeds = people_seed((sh, sw), faces, scale) if faces else (None, None)
        fg = self._foreground(small, *seeds)
        fg[sky] = 0.0
        anchors = people_anchors(fg, seeds, faces, ground, scale)
        # In a world of a ground plane and upright things standing on it, nothing is farther than the
        # ground at its own row (what stands at row c is at the ground's depth there, and the ground's
        # inverse depth grows with the row), so the border interpolation may only bring things forward.
        seal = people_outline(fg, anchors, faces, scale)
        lift = np.maximum(border_layout(small, ground, anchors=anchors, seal=seal) - ground, 0.0)
        layout = ground + CONNECTIVITY_WEIGHT * lift

        sharp, confidence = defocus_sharpness(gray, foreground=fg)
        inv = layout + (1.0 - confidence) * occlusion_step(fg, ground, ratio=OCCLUSION_RATIO)
        if confidence > REAL_DEFOCUS:  # real defocus blur: sharp = near, and it outweighs the segmentation
            weight = 0.6 * confidence
            inv = (1.0 - weight) * inv + weight * (1.0 + FOREGROUND_STEP) * sharp
        else:  # all sharp: finer detail = farther (texture gradient)
            inv = inv - TEXTURE_WEIGHT * (sharp - float(sharp.mean()))
        inv[sky] = 0.0
        log.debug(
            "classical depth: horizon %.2f, sky %.1f%%, foreground %.1f%%, %d face(s), defocus confidence %.2f",
            horizon / sh, 100 * sky.mean(), 100 * (fg > 0.5).mean(), len(faces), confidence,
        )

        inv = smooth_edge_aware(inv, small)
        lo, hi = np.percentile(inv, [0.5, 99.5])
        inv = (inv - lo) / max(hi - lo, 1e-6)
        inv = np.clip(upsample_guided(inv, np.asarray(image, np.float32)), 0.0, 1.0).astype(np.float32)
        people = people_mask(image, faces)
        if people is not None and people.any():  # a learned segmenter is installed: people's outlines are steps
            log.info("depth: people's outlines from the segmentation model (%.0f%% of the photo)", 100 * people.mean())
            inv = step_at_outline(inv, people, image)
        return inv

    @staticmethod
    def _foreground(small: np.ndarray, sure: np.ndarray | None, probable: np.ndarray | None) -> np.ndarray:
        """Soft foreground at ``small``'s size, segmented on a copy of at most ``_SEGMENT_SIZE`` pixels."""
        sh, sw = small.shape[:2]
        tiny = shrunk(small, _SEGMENT_SIZE, min_side=8)
        def shrink(mask):
            if mask is None:
                return None
            return cv2.resize(mask.astype(np.uint8), tiny.shape[1::-1], interpolation=cv2.INTER_NEAREST) > 0

        fg = foreground_mask(tiny, border_contrast(tiny), sure=shrink(sure), probable=shrink(probable), iterations=2)
        return cv2.resize(fg, (sw, sh), interpolation=cv2.INTER_LINEAR)
