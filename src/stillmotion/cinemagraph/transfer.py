"""Motion transferred from a reference video: its optical flow averaged over time, fitted into the mask.

The video's consecutive frames are compared with OpenCV's DIS optical flow on a small copy; the mean flow
(pixels per video frame) times the video's frame rate is a velocity in pixels per second. It is then
scaled uniformly to cover the moving region's bounding box (centre crop, so directions are kept) and
placed there; :func:`~.field.build_field` restricts it to the region and fades it at the border.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import cv2
import numpy as np

from ..errors import InputError
from .field import region_bbox

log = logging.getLogger(__name__)


def _frames(path: Path):
    """(fps, iterator of uint8 RGB frames) of a video file, through imageio-ffmpeg."""
    import imageio_ffmpeg

    try:
        reader = imageio_ffmpeg.read_frames(str(path), pix_fmt="rgb24")
        meta = next(reader)
    except (OSError, RuntimeError, StopIteration) as exc:
        raise InputError(f"cannot read video {path}: {str(exc).strip().splitlines()[-1] if str(exc) else exc}") from None
    w, h = meta["size"]
    fps = float(meta.get("fps") or 0.0)

    def gen():
        try:
            for raw in reader:
                yield np.frombuffer(raw, np.uint8).reshape(h, w, 3)
        except (OSError, RuntimeError) as exc:
            raise InputError(f"cannot decode video {path}: {exc}") from None
        finally:
            reader.close()

    return fps, gen()


def average_video_flow(
    path: str | os.PathLike, *, max_pairs: int = 48, work_side_px: int = 480
) -> tuple[np.ndarray, float]:
    """Mean optical flow (h, w, 2) between consecutive frames of a video, on a copy at most
    ``work_side_px`` on its long side, in pixels per video frame of that copy; and the video's fps."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"reference video {path} is a folder; give a video file (.mp4, .webm, .gif, ...)")
    if not path.is_file():
        raise InputError(f"reference video not found: {path}")
    fps, frames = _frames(path)
    if not fps > 0:
        raise InputError(f"reference video {path} has no frame rate")
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    total, pairs, prev = None, 0, None
    for frame in frames:
        h, w = frame.shape[:2]
        scale = min(1.0, work_side_px / max(h, w))
        grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
        if scale < 1.0:
            grey = cv2.resize(grey, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
        if prev is not None:
            flow = dis.calc(prev, grey, None)
            total = flow if total is None else total + flow
            pairs += 1
            if pairs >= max_pairs:
                frames.close()
                break
        prev = grey
    if pairs == 0:
        raise InputError(f"reference video {path} has fewer than two frames")
    log.info("motion from %s: mean flow of %d frame pairs at %.3g fps", path.name, pairs, fps)
    return total / pairs, fps


def fit_into_region(flow: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Scale a flow field (h, w, 2) uniformly to cover ``region``'s bounding box; (H, W, 2), zero elsewhere."""
    out = np.zeros((*region.shape, 2), np.float32)
    box = region_bbox(region)
    if box is None:
        return out
    y0, y1, x0, x1 = box
    bh, bw = y1 - y0, x1 - x0
    fh, fw = flow.shape[:2]
    scale = max(bh / fh, bw / fw)
    sh, sw = max(bh, round(fh * scale)), max(bw, round(fw * scale))
    big = cv2.resize(flow.astype(np.float32), (sw, sh), interpolation=cv2.INTER_LINEAR) * np.float32(scale)
    top, left = (sh - bh) // 2, (sw - bw) // 2
    out[y0:y1, x0:x1] = big[top : top + bh, left : left + bw]
    return out


def video_velocity(path: str | os.PathLike, region: np.ndarray) -> np.ndarray:
    """The reference video's mean motion, in pixels per second, fitted into ``region`` (H, W, 2)."""
    flow, fps = average_video_flow(path)
    return fit_into_region(flow * np.float32(fps), region)
