"""Content cues for choosing a recipe: faces, sky at the top, converging straight lines, defocus.

Each cue is a cheap, explainable measurement on a reduced copy of the photo (long side 512 px):

- faces: OpenCV's Haar cascades (:func:`stillmotion.depth.faces.detect_faces`); area of the largest.
- sky: per column, the run of bright, blue-or-neutral pixels hanging from the top edge; the share of
  columns with such a run, and how much brighter it is than the ground below (a horizon).
- converging lines: OpenCV's line segment detector (LSD); the vanishing point that the most long
  segments point at (candidates: intersections of pairs of segments, points at infinity included) and
  the total length of the segments that agree with it, in units of the image's long side.
- defocus: the share of tiles whose local sharpness (Laplacian energy) is under 15 % of the sharpest
  tiles'; a macro shot with a blurred background scores high.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..imageops import shrunk
WORK_SIDE = 512
LONG_SEGMENT_FRAC = 0.06
VP_ANGLE_DEG = 2.0
MAX_SEGMENTS = 80


@dataclass(frozen=True)
class SceneCues:
    face_count: int = 0
    face_area_frac: float = 0.0  #: area of the largest face / image area
    sky_cols_frac: float = 0.0  #: share of columns whose top is sky
    sky_contrast: float = 0.0  #: mean luma of the sky minus that of the ground below it
    vp_support: float = 0.0  #: length of long segments through the best vanishing point, in long sides
    vp_finite: bool = False  #: the best vanishing point is a real point (converging lines), not a direction
    long_segments: int = 0
    defocus_frac: float = 0.0  #: share of the frame that is strongly out of focus


def sky_cues(image: np.ndarray) -> tuple[float, float]:
    """(share of columns with sky hanging from the top, sky-minus-ground luma)."""
    small = shrunk(image, 256, min_side=8)
    h, w = small.shape[:2]
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)  # float input: H in degrees, S and V in [0, 1]
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    blue = (hsv[..., 0] > 170) & (hsv[..., 0] < 260) & (hsv[..., 1] < 0.75)
    neutral = hsv[..., 1] < 0.22
    skylike = (gray > 0.42) & (blue | neutral)
    skylike = cv2.morphologyEx(skylike.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    top = max(1, round(0.02 * h))  # scans often have a dark border line: start just below it
    run = top + np.argmin(np.vstack([skylike[top:], np.zeros((1, w), bool)]), axis=0)  # sky rows from the top
    has_sky = run > top + max(2, 0.04 * h)
    if not has_sky.any():
        return 0.0, 0.0
    rows = np.arange(h)[:, None]
    sky_mask = (rows >= top) & (rows < run[None, :]) & has_sky[None, :]
    ground = (rows >= run[None, :] + 0.05 * h) & has_sky[None, :]
    contrast = float(gray[sky_mask].mean() - (gray[ground].mean() if ground.any() else gray.mean()))
    return float(has_sky.mean()), contrast


def long_segments(gray_u8: np.ndarray) -> np.ndarray:
    """Long straight segments (N, 4) x1, y1, x2, y2 from OpenCV's LSD, longest first."""
    found = cv2.createLineSegmentDetector().detect(gray_u8)[0]
    if found is None:
        return np.zeros((0, 4), np.float32)
    seg = found.reshape(-1, 4)
    length = np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1])
    keep = length > LONG_SEGMENT_FRAC * max(gray_u8.shape)
    order = np.argsort(-length[keep])
    return seg[keep][order][:MAX_SEGMENTS]


def vanishing_point(segments: np.ndarray) -> tuple[float, np.ndarray | None]:
    """The homogeneous point most long segments point at, and the summed length of those segments."""
    n = len(segments)
    if n < 3:
        return 0.0, None
    p1 = np.c_[segments[:, :2], np.ones(n)]
    p2 = np.c_[segments[:, 2:], np.ones(n)]
    lines = np.cross(p1, p2)
    length = np.hypot(*(segments[:, 2:] - segments[:, :2]).T)
    direction = (segments[:, 2:] - segments[:, :2]) / length[:, None]
    mid = (segments[:, :2] + segments[:, 2:]) / 2.0
    i, j = np.triu_indices(n, 1)
    cands = np.cross(lines[i], lines[j])  # (P, 3) homogeneous intersections
    scale = np.linalg.norm(cands, axis=1, keepdims=True)
    cands = cands / np.maximum(scale, 1e-12)
    w = cands[:, 2:3]
    finite = np.abs(w[:, 0]) > 1e-9
    # direction from each segment's midpoint to each candidate (P, n, 2); points at infinity: their direction
    to_point = np.where(
        finite[:, None, None],
        cands[:, None, :2] / np.where(finite, w[:, 0], 1.0)[:, None, None] - mid[None],
        cands[:, None, :2],
    )
    to_point /= np.maximum(np.linalg.norm(to_point, axis=2, keepdims=True), 1e-12)
    agree = np.abs((to_point * direction[None]).sum(axis=2)) > np.cos(np.radians(VP_ANGLE_DEG))
    support = (agree * length[None]).sum(axis=1)
    best = int(np.argmax(support))
    return float(support[best]), cands[best]


def defocus_fraction(gray: np.ndarray, *, tiles: int = 16) -> float:
    """Share of the frame's tiles whose fine detail (Laplacian energy) is far below the sharpest tiles' while
    they still hold shapes (grey-level spread of at least ``FLAT_STD``): a blurred background. A flat tile
    (a clear or dusk sky, a plain wall, letterbox bars) is no evidence of defocus: a launch pad under a
    dark sky was taken for a macro shot."""
    lap = np.abs(cv2.Laplacian(gray, cv2.CV_32F, ksize=3))
    h, w = lap.shape
    th, tw = max(1, h // tiles), max(1, w // tiles)
    energy = cv2.resize(lap[: th * tiles, : tw * tiles], (tiles, tiles), interpolation=cv2.INTER_AREA)
    top = np.percentile(energy, 95)
    if top <= 1e-6:
        return 0.0  # a flat picture: nothing is blurred
    inner = np.ascontiguousarray(gray[: th * tiles, : tw * tiles], dtype=np.float32)
    mean = cv2.resize(inner, (tiles, tiles), interpolation=cv2.INTER_AREA)
    spread = np.sqrt(np.maximum(cv2.resize(inner * inner, (tiles, tiles), interpolation=cv2.INTER_AREA) - mean**2, 0))
    return float(((energy < 0.15 * top) & (spread >= FLAT_STD)).mean())


#: Grey-level standard deviation (of [0, 1] grey) below which a tile is flat rather than blurred.
FLAT_STD = 0.02


def scene_cues(image: np.ndarray, *, faces: list[tuple[int, int, int, int]] | None = None) -> SceneCues:
    """Measure the cues of a float32 RGB photo (``faces`` saves a second detection when already known)."""
    if faces is None:
        from ..depth.faces import detect_faces

        faces = detect_faces(image)
    h, w = image.shape[:2]
    face_area = max((fw * fh for _, _, fw, fh in faces), default=0) / float(h * w)
    small = shrunk(image, WORK_SIDE, min_side=8)
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    segments = long_segments((np.clip(gray, 0, 1) * 255).astype(np.uint8))
    support, vp = vanishing_point(segments)
    sky_cols, sky_contrast = sky_cues(image)
    return SceneCues(
        face_count=len(faces),
        face_area_frac=face_area,
        sky_cols_frac=sky_cols,
        sky_contrast=sky_contrast,
        vp_support=support / max(gray.shape),
        vp_finite=bool(vp is not None and abs(vp[2]) > 1e-9),
        long_segments=len(segments),
        defocus_frac=defocus_fraction(gray),
    )
