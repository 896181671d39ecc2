"""Offline face detection with the Haar cascades that ship inside opencv-contrib-python-headless 4.x.

(Pinned below OpenCV 5, which no longer ships the cascade files.) Used by subject protection (faces keep a
rigid depth) and by recipe choice (faces -> portrait).

One ``animate`` asks for the faces of the same photo several times (the classical depth estimate, subject
protection, recipe choice, face framing, focus); the cascades are the most expensive part of the depth
estimate, so the last few answers are remembered, keyed by the exact grey picture the cascades would see
(a hash of its bytes) and the options: the same input gives the same boxes without running them again.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from collections import OrderedDict

import cv2
import numpy as np

from ..imageops import shrunk_size

#: How many photos' answers :func:`detect_faces` remembers.
_MEMO_SIZE = 4
_memo: OrderedDict[tuple, tuple[tuple[int, int, int, int], ...]] = OrderedDict()
_memo_lock = threading.Lock()


@functools.lru_cache(maxsize=2)
def _cascade(name: str) -> cv2.CascadeClassifier:
    path = os.path.join(cv2.data.haarcascades, name)
    cascade = cv2.CascadeClassifier(path)
    if cascade.empty():
        raise RuntimeError(f"OpenCV face cascade missing: {path}")
    return cascade


def detect_faces(image: np.ndarray, *, min_size_frac: float = 0.04, work_size: int = 480) -> list[tuple[int, int, int, int]]:
    """Frontal and profile faces in a float32 RGB photo, as (x, y, w, h) boxes in pixels, largest first."""
    size, scale = shrunk_size(image.shape, work_size)
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    gray = cv2.cvtColor((np.clip(small, 0, 1) * 255).astype(np.uint8), cv2.COLOR_RGB2GRAY)
    gray = cv2.equalizeHist(gray)
    min_side = max(12, int(min_size_frac * max(gray.shape)))
    key = (hashlib.blake2b(gray.tobytes(), digest_size=16).digest(), gray.shape, scale, min_side)
    with _memo_lock:
        if key in _memo:
            _memo.move_to_end(key)
            return list(_memo[key])
    boxes: list[tuple[int, int, int, int]] = []
    for name in ("haarcascade_frontalface_default.xml", "haarcascade_profileface.xml"):
        found = _cascade(name).detectMultiScale(gray, scaleFactor=1.15, minNeighbors=6, minSize=(min_side, min_side))
        boxes.extend(tuple(int(round(v / scale)) for v in box) for box in np.asarray(found).reshape(-1, 4))
    faces = sorted(_merge_overlapping(boxes), key=lambda b: -b[2] * b[3])
    with _memo_lock:
        _memo[key] = tuple(faces)
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return faces


def _merge_overlapping(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    kept: list[tuple[int, int, int, int]] = []
    for box in sorted(boxes, key=lambda b: -b[2] * b[3]):
        if all(_iou(box, k) < 0.3 for k in kept):
            kept.append(box)
    return kept


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ax2, ay2, bx2, by2 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    iw = max(0, min(ax2, bx2) - max(a[0], b[0]))
    ih = max(0, min(ay2, by2) - max(a[1], b[1]))
    inter = iw * ih
    return inter / float(a[2] * a[3] + b[2] * b[3] - inter)
