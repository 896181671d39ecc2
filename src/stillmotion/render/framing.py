"""Where the output's window sits when its aspect cuts part of the photo away.

A landscape clip from a square or upright photo (or a portrait clip from a wide one) keeps only part of
the picture. Centred, that window cuts heads off: an astronaut standing in a square photo loses helmet
and shoulders in an 832x448 clip. Photographers frame the other way: they keep the subject and, when it
is taller than the frame, its top with a little headroom, cutting at the feet.

1. **Faces**: the largest detected face sits a third from the window's top, horizontally centred, or
   lower when the face is so large that the top of the head would leave the frame; the head's top is
   a face height above the face's middle, or the person's top in the face's columns where the people
   segmenter (:mod:`stillmotion.depth.people`) finds it higher (a hat), as long as the face stays whole.
2. **A landscape's sky** (no face found; the window cuts the photo's height): when a sky hangs from the
   top over at least a third of the columns (:func:`stillmotion.cinemagraph.sky.detect_sky`) and the horizon
   lies in the upper half of the photo, the window keeps the horizon a third from its top, so the sky
   stays in the clip. Saliency by contrast to the borders cannot find a landscape's subject: the sky is
   the top border, so it scored nothing, and the window sank to the foreground (the mountain stream's
   832x448 clip showed the water and no sky). A low horizon (a sky over most of the photo, a rocket on
   its pad) is left to the next rule.
3. **A salient subject** (no face or sky found; the window cuts the photo's height only): the subject is the
   connected region with the most colour contrast to the photo's top, left and right borders
   (:func:`stillmotion.depth.foreground.border_contrast`, the depth estimator's boundary prior). If it
   fits, the window centres it vertically; if it is taller than the window, the window keeps its top,
   ``HEADROOM`` of the window's height above it. It is used only when it stands out clearly (its mean
   saliency at least ``SUBJECT_CONTRAST`` times the rest's) and leaves part of the height free. Sideways
   cuts stay centred: a saliency box's horizontal centre is often one bright detail (a butterfly's spots,
   a motorbike's tank), not the subject's middle.
4. Otherwise the window is centred.

With letterbox bars (a grade's ``letterbox``), the rules place things in the band the bars leave visible,
and only that band is kept inside the photo (the crop, :func:`stillmotion.render.overscan.fit_scale`, is
fitted to the band too): the rows under the bars may lie beyond the photo's edge, since they are painted
black. A window with the photo's aspect (``--size source``) or already at the photo's top can then still
move its band up to a face: with the whole window kept inside, the astronaut's 512x512 scope clip showed
her from the mouth down.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

from ..imageops import shrunk

log = logging.getLogger(__name__)

#: The window moves only when it cuts away more than this fraction of a side.
MIN_CUT = 0.08
#: A subject must be this many times more salient (mean) than the rest of the photo.
SUBJECT_CONTRAST = 2.3
#: Space kept above a subject taller than the window, as a fraction of the window's height.
HEADROOM = 0.12
#: Least space kept above a face's head (a face height above the face's middle), as a fraction of the
#: window's height: a large face a third from the top had its hair cut by the frame.
HEAD_ROOM = 0.04
#: How far above a face (in face heights) the person's top found by the people segmenter is believed: a
#: hat's pompom reaches about one.
MAX_HEAD_ABOVE = 1.5
#: A "subject" taller than this fraction of the photo says nothing about where to cut.
MAX_SUBJECT_HEIGHT = 0.9
#: Long side of the copy the saliency is computed on.
_SALIENCY_SIZE = 200


def window_centre(
    image: np.ndarray, crop_w: float, crop_h: float, *, visible_h: float | None = None
) -> tuple[float, float] | None:
    """Centre (photo pixels) of the ``crop_w`` x ``crop_h`` window, clamped so that what is seen of it lies
    inside the photo; None to keep it centred (no face, no landscape sky and no clear subject, or what is
    seen is nearly the whole photo). ``visible_h``: the height of the band of the window that letterbox
    bars leave visible (centred); the rules place face, subject and horizon within it, so that the bars do
    not cover the top of a head, and only the band is kept inside the photo: the rows under the bars may
    lie beyond its edge (they are painted black), so the band reaches the photo's top even when the
    window has the photo's aspect (``--size source``)."""
    h, w = image.shape[:2]
    seen = crop_h if visible_h is None else min(float(visible_h), crop_h)
    if crop_w > (1 - MIN_CUT) * w and seen > (1 - MIN_CUT) * h:
        return None
    from ..depth.faces import detect_faces

    faces = detect_faces(image)
    if faces:
        x, y, fw, fh = faces[0]
        log.info("framing: the %dx%d window follows the face at (%d, %d)", round(crop_w), round(crop_h), x, y)
        # the face a third from the top of what is seen, and the top of the head (about a face height
        # above the face's middle: hair, a helmet) below the top, by ``HEAD_ROOM`` of what is seen
        cy = min(y + fh / 2.0 + seen / 6.0, y + fh / 2.0 - fh + seen / 2.0 - HEAD_ROOM * seen)
        return _clamp(x + fw / 2.0, _above_the_head(image, faces[0], cy, seen), crop_w, seen, w, h)
    if seen > (1 - MIN_CUT) * h:  # a sideways cut: stays centred
        return None
    horizon = sky_horizon(image)
    if horizon is not None:
        log.info("framing: the %dx%d window keeps the sky, the horizon (row %d) a third from its top",
                 round(crop_w), round(crop_h), round(horizon))  # fmt: skip
        return _clamp(w / 2.0, horizon + seen / 6.0, crop_w, seen, w, h)
    box = subject_rows(image)
    if box is None:
        return None
    top, bottom = box
    if bottom - top <= (1 - HEADROOM) * seen:
        cy = (top + bottom) / 2.0
    else:
        cy = top - HEADROOM * seen + seen / 2.0
    log.info("framing: the %dx%d window keeps the subject's rows %d-%d", round(crop_w), round(crop_h), top, bottom)
    return _clamp(w / 2.0, cy, crop_w, seen, w, h)


def _above_the_head(image: np.ndarray, face: tuple[int, int, int, int], cy: float, seen: float) -> float:
    """The window's centre row ``cy`` raised, when the people segmenter finds the person reaching higher
    than a face height above the face's middle (a hat, a pompom, hair standing up), to keep that top
    ``HEAD_ROOM`` of what is ``seen`` below the window's top, as far as the whole face stays in view,
    ``HEAD_ROOM`` above its bottom. (The FILM portrait's 832x448 clip cut the boy's pompom and the top of
    his hat.) The person's top is taken at most ``MAX_HEAD_ABOVE`` face heights above the face."""
    from ..depth.people import person_top

    x, y, fw, fh = face
    top = person_top(image, face)
    if top is None or top >= y + fh / 2.0 - fh:
        return cy
    top = max(top, y - MAX_HEAD_ABOVE * fh)
    lowest = y + fh + HEAD_ROOM * seen - seen / 2.0  # the face's bottom still in view
    return min(cy, max(top + seen / 2.0 - HEAD_ROOM * seen, lowest))


def sky_horizon(image: np.ndarray) -> float | None:
    """The horizon's row (photo pixels) of a photo (float32 RGB in [0, 1]) whose sky hangs from the top
    over at least a third of the columns with the horizon in the upper half; else None (rule 2)."""
    from ..cinemagraph.sky import SkyOptions, detect_sky
    from ..depth.layout import MIN_SKY_WIDTH_FRAC, horizon_row

    h = image.shape[0]
    options = SkyOptions()
    small = shrunk(np.asarray(image, np.float32), options.work_side_px, min_side=8)  # the detector's own copy
    sky = detect_sky(small, options=options)
    if sky.any(axis=0).mean() < MIN_SKY_WIDTH_FRAC:
        return None
    row = horizon_row(sky) * h / small.shape[0]
    return row if row < 0.5 * h else None


def subject_rows(image: np.ndarray) -> tuple[int, int] | None:
    """First and one-past-last row (photo pixels) of the salient subject of ``image`` (float32 RGB in
    [0, 1]), or None when nothing stands out clearly (see the module's rule 3)."""
    from ..depth.foreground import border_contrast

    h = image.shape[0]
    small = shrunk(np.asarray(image, np.float32), _SALIENCY_SIZE, min_side=8)
    sal = border_contrast(small)
    if not np.isfinite(sal).all() or float(sal.max()) <= 1e-6:  # a flat picture: nothing stands out
        return None
    threshold = max(0.5 * float(sal.max()), float(np.percentile(sal, 80)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats((sal >= threshold).astype(np.uint8), connectivity=8)
    if count <= 1:
        return None
    mass = np.bincount(labels.ravel(), sal.ravel(), count)
    mass[0] = 0.0
    best = int(np.argmax(mass))
    inside = labels == best
    if inside.all() or sal[inside].mean() < SUBJECT_CONTRAST * sal[~inside].mean():
        return None
    top, height = int(stats[best, cv2.CC_STAT_TOP]), int(stats[best, cv2.CC_STAT_HEIGHT])
    sh = sal.shape[0]
    if height > MAX_SUBJECT_HEIGHT * sh:
        return None
    return int(round(top * h / sh)), int(round((top + height) * h / sh))


def _clamp(cx: float, cy: float, crop_w: float, seen: float, w: int, h: int) -> tuple[float, float]:
    """(cx, cy) moved so that the ``crop_w`` wide window and its ``seen`` rows about ``cy`` lie inside the
    ``w`` x ``h`` photo."""
    return min(max(cx, crop_w / 2.0), w - crop_w / 2.0), min(max(cy, seen / 2.0), h - seen / 2.0)
