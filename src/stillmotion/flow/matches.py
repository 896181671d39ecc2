"""Sparse point matches between two frames: SIFT keypoints (Lowe, IJCV 2004) matched by descriptor.

Dense flow estimated coarse to fine (DIS) misses a small object that moves further than its own size
between the frames: at the coarse levels where such a motion is a few pixels, the object is a few pixels
too. Descriptor matches do not depend on the motion's size, so they can seed the dense estimate there
(the idea of large-displacement flow and EpicFlow: Brox & Malik, PAMI 2011; Revaud et al., CVPR 2015).
A match is kept when it passes Lowe's ratio test and is mutual (each point is the other's nearest
neighbour). Pure maths: arrays in, new arrays out.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..types import Image
from .dis import to_gray_u8

#: keypoints found per frame at most
MAX_FEATURES = 4000
#: nearest descriptor distance / second nearest below which a match is distinctive (Lowe's 0.8)
RATIO = 0.8


def sift_matches(image0: Image, image1: Image, *, scale: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Mutual, distinctive SIFT matches ``(points0, points1)``, float32 (N, 2) (x, y) in full-size pixels,
    found on the frames resized by ``scale`` (<= 1; 1/2 finds ~the same large motions at ~1/5 of the
    cost). ``points1[i]`` in image1 is the match of ``points0[i]`` in image0; N may be 0."""
    gray0, gray1 = _resized(to_gray_u8(image0), scale), _resized(to_gray_u8(image1), scale)
    # the exact factors of the rounded size
    factors = np.float32([gray0.shape[1] / image0.shape[1], gray0.shape[0] / image0.shape[0]])
    sift = cv2.SIFT_create(nfeatures=MAX_FEATURES)
    keys0, desc0 = sift.detectAndCompute(gray0, None)
    keys1, desc1 = sift.detectAndCompute(gray1, None)
    none = np.zeros((0, 2), np.float32)
    if desc0 is None or desc1 is None or len(keys0) < 2 or len(keys1) < 2:
        return none, none.copy()
    matcher = cv2.BFMatcher(cv2.NORM_L2)
    nearest_back = {m.queryIdx: m.trainIdx for m in matcher.match(desc1, desc0)}
    pairs = [
        (best.queryIdx, best.trainIdx)
        for best, second in (m for m in matcher.knnMatch(desc0, desc1, k=2) if len(m) == 2)
        if best.distance < RATIO * second.distance and nearest_back.get(best.trainIdx) == best.queryIdx
    ]
    if not pairs:
        return none, none.copy()
    points0 = np.float32([keys0[i].pt for i, _ in pairs])
    points1 = np.float32([keys1[j].pt for _, j in pairs])
    # pixel centres: x_full + 0.5 = (x_small + 0.5) / factor
    return (points0 + 0.5) / factors - 0.5, (points1 + 0.5) / factors - 0.5


def _resized(gray: np.ndarray, scale: float) -> np.ndarray:
    if scale >= 1.0:
        return gray
    h, w = gray.shape
    return cv2.resize(gray, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
