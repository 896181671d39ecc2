"""Subject protection: faces (and optionally whole people) get one coherent, rigid depth.

Monocular depth bends faces: the cues see a nose, eyes and cheeks as separate things at different depths,
and a camera move then makes the face wobble like rubber. Here each detected face is replaced by a
gentle ellipsoid (a real head is close to one at photo scale) on the plane that best fits the depth
inside the face (least squares: the face keeps its level and a bounded tilt, loses its bumps), eased into
the surrounding depth over a wide band so that no artificial depth step appears for the renderer to tear. With
``mode="people"`` the body below the face is segmented (GrabCut seeded by the face and a body box) and
the whole person flattened to one depth (the nearer of face and body levels), as 3D Ken Burns flattens detected people so they move as cut-outs. Borders
are feathered so the protected region blends into the depth around it.

With ``mode="people"`` and the learned people segmenter installed (:mod:`.people`), the body is the person
as segmented (holding the face's middle) instead of GrabCut's guess in a box around the face, which can
miss part of the body or take in some background (an arm held out beyond the box). The outline stays
feathered: confined to the segmented outline, tried (round 25), the protection made every outline a clean
step, and before a defocused background the holes a camera move then opened were filled in visible blocks
and seams, where the feathered depth had stretched the blur smoothly (the FILM portrait in four motions).
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

from ..errors import InputError
from ..imageops import shrunk_size
from ..types import Depth, DepthKind
from .faces import detect_faces
from .people import grown, holding_faces, parts, people_mask

log = logging.getLogger(__name__)

MODES = ("faces", "people", "none")
#: Height of the face ellipsoid's bulge, as a fraction of the map's (1st..99th percentile) depth range.
BULGE_FRAC = 0.03


def protect_subjects(
    image: np.ndarray,
    depth: Depth,
    *,
    mode: str = "faces",
    faces: list[tuple[int, int, int, int]] | None = None,
    people: np.ndarray | None = None,
) -> Depth:
    """A new Depth where faces (``faces``/``people``) or whole people (``people``) are rigid.

    ``faces`` are (x, y, w, h) boxes in pixels; detected with :func:`.faces.detect_faces` when None.
    ``people`` (``mode="people"`` only) is a bool (H, W) mask of the photo's people (all False: none);
    found with :func:`.people.people_mask` when None (which finds none when the segmenter is not installed).
    """
    if mode not in MODES:
        raise InputError(f"unknown protect mode {mode!r}; choose one of: {', '.join(MODES)}")
    if image.shape[:2] != depth.shape:
        raise InputError(f"depth {depth.shape} and photo {image.shape[:2]} differ in size")
    if mode == "none":
        return depth
    if faces is None:
        faces = detect_faces(image)
    if not faces:
        log.info("protect: no face found; depth unchanged")
        return depth
    values = depth.values.astype(np.float32).copy()
    known = values if depth.valid is None else values[depth.valid]
    lo, hi = np.percentile(known, [1, 99])
    nearer = -1.0 if depth.kind == DepthKind.METRIC else 1.0  # direction in which values mean "nearer"
    bulge = nearer * BULGE_FRAC * float(hi - lo)
    if mode == "people" and people is None:
        people = people_mask(image, faces)
    labels = parts(grown(people)) if mode == "people" and people is not None and people.any() else None
    for box in faces:
        x, y, w, h = (int(v) for v in box)
        person = holding_faces(labels, [(x, y, w, h)]) if labels is not None else None
        if person is not None and not person.any():  # the face lies on no segmented person: GrabCut's guess
            person = None
        values = _protect_one(image, values, (x, y, w, h), people=(mode == "people"), person=person,
                              bulge=bulge, nearer=nearer)  # fmt: skip
    log.info("protect: %d face(s) made rigid (%s)", len(faces), mode)
    return Depth(values, depth.kind, depth.valid)


def _protect_one(image, values, box, *, people: bool, person: np.ndarray | None, bulge: float, nearer: float) -> np.ndarray:
    H, W = values.shape
    x, y, w, h = box
    # the head: the face box grown to take in the forehead and chin
    cx, cy = x + w / 2.0, y + h * 0.45
    ax, ay = 0.6 * w, 0.75 * h
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    r = np.sqrt(((xs - cx) / ax) ** 2 + ((ys - cy) / ay) ** 2)
    inside = r < 1.0
    if not inside.any():
        return values
    # a plane fitted (least squares) to the face's depth: its mean level and tilt, none of its bumps
    fy, fx = np.nonzero(inside)
    a = np.stack([fx - cx, fy - cy, np.ones_like(fx, dtype=np.float32)], axis=1).astype(np.float64)
    coef, *_ = np.linalg.lstsq(a, values[inside].astype(np.float64), rcond=None)
    tilt_limit = 0.5 * bulge / max(ax, ay)  # a face may turn, but the plane must not run off at the edges
    gx, gy = (float(np.clip(c, -abs(tilt_limit) * 4, abs(tilt_limit) * 4)) for c in coef[:2])
    plane = gx * (xs - cx) + gy * (ys - cy) + float(coef[2])
    head = plane + bulge * np.sqrt(np.clip(1.0 - r**2, 0.0, 1.0))
    # weight 1 inside 0.85 r, easing (smoothstep) to 0 at 1.35 r: no step for the renderer to tear at
    t = np.clip((1.35 - r) / 0.5, 0.0, 1.0)
    weight = t * t * (3.0 - 2.0 * t)
    target = head
    if people:  # the whole person flattened to one level, where the body is (3D Ken Burns' cut-outs)
        body = _body_mask(image, box) if person is None else person
        level = max(float(np.percentile(values[inside] * nearer, 60)),
                    float(np.percentile(values[body | inside] * nearer, 60))) * nearer
        target = level + weight * (head - float(coef[2]))  # the head's shape, eased into the level
        weight = np.maximum(weight, cv2.GaussianBlur(body.astype(np.float32), (0, 0), max(1.0, w / 20.0)))
    return (values * (1.0 - weight) + target * weight).astype(np.float32)


def _body_mask(image: np.ndarray, box) -> np.ndarray:
    """Bool (H, W): the person below a face, GrabCut in a body box (3 face widths wide, down to the
    bottom or 7 face heights) with the face itself as sure foreground."""
    H, W = image.shape[:2]
    x, y, w, h = box
    x0, x1 = max(0, int(x - 1.3 * w)), min(W, int(x + 2.3 * w))
    y0, y1 = max(0, int(y - 0.3 * h)), min(H, int(y + 7 * h))
    crop = image[y0:y1, x0:x1]
    size, scale = shrunk_size(crop.shape, 240.0, min_side=4)
    small = cv2.resize(crop, size)
    mask = np.full(small.shape[:2], cv2.GC_PR_BGD, np.uint8)
    sh, sw = mask.shape
    fx0, fy0 = int((x - x0) * scale), int((y - y0) * scale)
    fx1, fy1 = int((x + w - x0) * scale), int((y + h - y0) * scale)
    mask[fy1:, max(0, fx0 - (fx1 - fx0) // 2) : fx1 + (fx1 - fx0) // 2] = cv2.GC_PR_FGD  # torso below the face
    mask[fy0:fy1, fx0:fx1] = cv2.GC_FGD
    bgd, fgd = np.zeros((1, 65)), np.zeros((1, 65))
    try:
        cv2.grabCut((np.clip(small, 0, 1) * 255).astype(np.uint8), mask, None, bgd, fgd, 3, cv2.GC_INIT_WITH_MASK)
    except cv2.error:
        pass
    fg = ((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)).astype(np.uint8)
    full = np.zeros((H, W), bool)
    full[y0:y1, x0:x1] = cv2.resize(fg, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST) > 0
    return full
