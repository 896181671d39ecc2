"""People's outlines from a small learned segmenter, when one is installed, and a clean depth step there.

The classical estimate finds people by their faces and grows them with GrabCut. Where a person's colour
meets a similar background (a grey fleece before frosty grass: the FILM portrait's shoulder) that outline
is soft, the estimated depth ramps over tens of pixels, and a camera move stretches the ramp into
streaks. MediaPipe's selfie segmentation model (a 250 KB convolutional network, Apache-2.0) separates
people from their background in a few milliseconds on a CPU. It ships inside the ``mediapipe==0.10.14``
wheel, and OpenCV's DNN module runs it (``cv2.dnn.readNetFromTFLite``): the wheel is only the model's
carrier, installed with ``--no-deps`` and never imported (its runtime would pull in protobuf, jax and the
non-headless OpenCV). ``STILLMOTION_PEOPLE_MODEL`` names another copy of the file, or ``none`` to turn
the segmenter off. Without the model everything works as before.

The segmenter also answers "foreground" for a cat or a cup, so only what it finds at a detected face is
taken as a person. Its 256x256 answer is brought to the photo's size edge-aware (the guided filter of
:mod:`.refine`), so the outline sits on the photo's edges.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import threading
import weakref
from pathlib import Path

import cv2
import numpy as np

from ..errors import InputError
from ..imageops import shrunk_size
from .refine import spread_weighted, upsample_guided

#: Environment variable naming the model file (or ``none``: no segmenter).
MODEL_ENV = "STILLMOTION_PEOPLE_MODEL"
#: Where the model lies inside the mediapipe package.
_MEDIAPIPE_FILE = ("modules", "selfie_segmentation", "selfie_segmentation.tflite")
#: The network's input side, in pixels.
_INPUT_SIDE = 256
#: Probability above which a pixel belongs to a person.
PERSON_THRESHOLD = 0.5
#: Width of the band outside a person where the estimate's halo is taken back to the background, as a
#: fraction of the photo's long side (the classical estimate's ramp reached ~20 px on the 512 px astronaut).
HALO_FRAC = 0.04
#: How far a person's outline is grown before the step, as a fraction of the photo's long side.
GROW_FRAC = 0.008
#: Inside a person, the percentile of its depth below which pixels are brought forward to it. (The median,
#: tried, flattened too much: a helmet ring in front of a shoulder lost its own step and its rim was left
#: behind as a lavender ghost in orbit_left.)
LIFT_PERCENTILE = 25
#: Long side of the copy on which the background is continued under a person.
_FILL_SIDE = 384
#: Colour tolerance (0-255 levels) of that continuation; its reach is about the band's width (a
#: smoother's reach grows as the square root of its lambda), so far-off surfaces of a similar colour do
#: not leak in.
_FILL_SIGMA_COLOUR = 6.0

_net_lock = threading.Lock()
#: The last photo asked about (a weak reference: photos are not modified in place), its model and answer.
_last_answer: list = [lambda: None, None, None]


def model_path() -> Path | None:
    """The segmentation model to use: ``STILLMOTION_PEOPLE_MODEL`` if set (``none`` or empty: None), else
    the copy inside an installed mediapipe package (found without importing it), else None."""
    setting = os.environ.get(MODEL_ENV)
    if setting is not None:
        if setting.strip().lower() in ("", "none", "off"):
            return None
        path = Path(setting).expanduser()
        if not path.is_file():
            raise InputError(f"{MODEL_ENV}={setting}: no such file (give selfie_segmentation.tflite, or none)")
        return path
    try:
        spec = importlib.util.find_spec("mediapipe")
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(folder).joinpath(*_MEDIAPIPE_FILE)
        if path.is_file():
            return path
    return None


@functools.lru_cache(maxsize=2)
def _network(path: Path):
    try:
        return cv2.dnn.readNetFromTFLite(str(path))
    except cv2.error as exc:
        raise InputError(f"cannot load the people segmentation model {path}: {str(exc).strip().splitlines()[-1]}") from None


def person_probability(image: np.ndarray) -> np.ndarray | None:
    """(H, W) float32 in [0, 1]: how surely each pixel of a float32 RGB photo shows a person (or a selfie's
    foreground: see the module's note), its edges on the photo's; None when no model is installed.
    The answer for the last photo is kept: the estimate and face protection both ask for the same one."""
    path = model_path()
    if path is None:
        return None
    with _net_lock:
        photo, model, answer = _last_answer
        if photo() is image and model == path:
            return answer
    answer = _probability(image, path)
    with _net_lock:
        _last_answer[:] = [weakref.ref(image), path, answer]
    return answer


def _probability(image: np.ndarray, path: Path) -> np.ndarray:
    return np.clip(upsample_guided(_coarse_probability(image, path), np.asarray(image, np.float32)), 0.0, 1.0)


def _coarse_probability(image: np.ndarray, path: Path) -> np.ndarray:
    """The network's answer for ``image``, brought back to the photo's aspect at its own resolution
    (256 pixels on the long side)."""
    net = _network(path)
    small = cv2.resize(np.asarray(image, np.float32), (_INPUT_SIDE, _INPUT_SIDE), interpolation=cv2.INTER_AREA)
    blob = np.ascontiguousarray(np.clip(small, 0.0, 1.0).transpose(2, 0, 1)[None])
    with _net_lock:  # one network object; OpenCV's forward pass is not re-entrant
        net.setInput(blob)
        out = np.asarray(net.forward(), np.float32)
    if out.size != _INPUT_SIDE * _INPUT_SIDE:
        raise InputError(f"the people segmentation model {path} answers {out.shape}, not one 256x256 mask")
    h, w = image.shape[:2]
    # back to the photo's aspect at the network's resolution, then to its size with edges snapped
    side = (_INPUT_SIDE, max(1, round(_INPUT_SIDE * h / w))) if w >= h else (max(1, round(_INPUT_SIDE * w / h)), _INPUT_SIDE)
    return cv2.resize(out.reshape(_INPUT_SIDE, _INPUT_SIDE), side, interpolation=cv2.INTER_AREA)


def person_top(image: np.ndarray, face: tuple[int, int, int, int]) -> float | None:
    """The top row (photo pixels) of the person whose face is ``face`` (x, y, w, h) in a float32 RGB
    photo: the highest row, within the face's columns, of the segmenter's region that holds the face (a
    hat, hair standing up). Found on the network's coarse answer (a few pixels' precision is enough to
    frame by). None without a model, or when the segmenter finds no person at the face."""
    path = model_path()
    if path is None:
        return None
    coarse = _coarse_probability(image, path)
    fy, fx = coarse.shape[0] / image.shape[0], coarse.shape[1] / image.shape[1]
    x, y, w, h = face
    x0, x1 = int(x * fx), max(int(x * fx) + 1, int(round((x + w) * fx)))
    small = (x0, int(y * fy), x1 - x0, max(1, int(round(h * fy))))
    person = holding_faces(parts(coarse > PERSON_THRESHOLD), [small])
    rows = np.flatnonzero(person[:, x0:x1].any(axis=1))
    return float(rows[0]) / fy if rows.size else None


def people_mask(image: np.ndarray, faces: list[tuple[int, int, int, int]]) -> np.ndarray | None:
    """Bool (H, W): the people of a photo, i.e. the segmenter's regions that hold the middle of a detected
    face (``faces``: (x, y, w, h) boxes). None when there is no face or no model."""
    if not faces:
        return None
    probability = person_probability(image)
    if probability is None:
        return None
    return holding_faces(parts(probability > PERSON_THRESHOLD), faces)


def parts(mask: np.ndarray) -> np.ndarray:
    """int32 (H, W): the 8-connected parts of bool ``mask``, numbered from 1 (0 outside it)."""
    return cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)[1]


def holding_faces(labels: np.ndarray, faces: list[tuple[int, int, int, int]]) -> np.ndarray:
    """Bool (H, W): the parts of ``labels`` (:func:`parts`) that hold the middle half of one of the
    ``faces`` boxes (x, y, w, h)."""
    held = np.zeros(int(labels.max()) + 1, bool)
    for x, y, fw, fh in faces:
        held[labels[y + fh // 4 : y + fh - fh // 4, x + fw // 4 : x + fw - fw // 4]] = True
    held[0] = False
    return held[labels]


def step_at_outline(inverse: np.ndarray, people: np.ndarray, image: np.ndarray) -> np.ndarray:
    """``inverse`` (inverse depth, larger = nearer) with each person of ``people`` made a near layer whose
    outline is one clean step. The outline is first grown by ``GROW_FRAC`` of the photo's long side, so
    the edge's mixed pixels go with the person instead of staying behind as a ghost outline. Inside, no
    pixel is farther than the person's ``LIFT_PERCENTILE`` (an arm the estimate let fade into the
    background comes forward; nearer parts keep their shape); in a band outside, no pixel is nearer than
    the background continued from beyond the band along the photo's colours (``image``, float32 RGB):
    the estimate's halo of the person's depth goes. A new array."""
    h, w = inverse.shape
    people = grown(people)
    band = max(2, round(HALO_FRAC * max(h, w)))
    covered = _within(people, band)
    out = inverse.astype(np.float32, copy=True)
    background = _continued(out, covered, image, reach_px=band)
    ring = covered & ~people
    out[ring] = np.minimum(out[ring], background[ring])
    labels = parts(people)
    for label in range(1, int(labels.max()) + 1):
        person = labels == label
        out[person] = np.maximum(out[person], float(np.percentile(inverse[person], LIFT_PERCENTILE)))
    return out


def grown(people: np.ndarray) -> np.ndarray:
    """Bool ``people`` grown by ``GROW_FRAC`` of its long side: the outline that the depth step follows."""
    return _within(people, max(1, round(GROW_FRAC * max(people.shape))))


def _within(mask: np.ndarray, radius: float) -> np.ndarray:
    """Bool: the pixels within ``radius`` (Euclidean) of bool ``mask``. A distance transform: a dilation by
    a disc of the halo band's radius (160 px on a 12-megapixel photo) took 5.7 s there, this 0.15 s."""
    return cv2.distanceTransform((~mask.astype(bool)).view(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE) <= radius


def _continued(values: np.ndarray, hole: np.ndarray, guide: np.ndarray, *, reach_px: float) -> np.ndarray:
    """``values`` with ``hole`` filled from around it, edge-aware (:func:`.refine.spread_weighted`, on a
    small copy of the photo), so a hole pixel takes the depth of the surface whose colour it continues
    (sky beside a hat stays sky, the hill below it stays hill)."""
    h, w = values.shape
    size, scale = shrunk_size(values.shape, _FILL_SIDE)
    small = cv2.resize(values, size, interpolation=cv2.INTER_AREA)
    known = cv2.resize((~hole).astype(np.float32), size, interpolation=cv2.INTER_AREA)
    known = np.where(known > 0.999, 1.0, 0.0).astype(np.float32)  # past the mixed pixels of the resize
    guide_small = cv2.resize(guide, size, interpolation=cv2.INTER_AREA)
    spread, weight = spread_weighted(small * known, known, guide_small, lambda_=max(4.0, (reach_px * scale) ** 2),
                                     sigma_color=_FILL_SIGMA_COLOUR)  # fmt: skip
    filled = spread / np.maximum(weight, 1e-6)
    filled = np.where(weight > 1e-4, filled, float(np.median(small[known > 0])) if known.any() else 0.0)
    return cv2.resize(filled.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
