"""Full-size sampling of two frames along low-resolution flows from time t, blended by a low-resolution share.

The flows from time t are estimated at a reduced working size. Their vectors are scaled to full-size
pixels on the small field, which ``cv2.resize`` then upsamples (SIMD) with the share of frame 0; one
compiled pass turns the flows into OpenCV's fixed-point remap tables for both frames at once (integer
position + 1/32 px sub-pixel index, what ``cv2.convertMaps(..., CV_16SC2)`` makes, without the full-size
``grid + flow`` arrays); ``cv2.remap`` samples both frames bicubically, and a second compiled pass blends and
clips. Measured against resize + four additions + two ``convertMaps`` + ``blendLinear`` + clip at
1280x720: ~80 instead of ~105 ms of CPU per frame. The kernels are single-threaded and release the GIL:
clips run several frame pairs at once (a row-parallel numba version spun against OpenCV's own threads and
cost more CPU). Pure maths: arrays in, new arrays out.
"""

from __future__ import annotations

import cv2
import numba
import numpy as np

from ..types import Image

_TAB_BITS = 5  # OpenCV's INTER_BITS: 32 sub-pixel steps
_TAB_SIZE = 1 << _TAB_BITS
_FLOOR_OFFSET = 4096  # positions further than this outside the frame are clamped (remap replicates the border)


@numba.njit(cache=True, fastmath=True, nogil=True)
def _maps_kernel(flows, map0, tab0, map1, tab1):  # pragma: no cover - compiled
    height, width = flows.shape[:2]
    # positions in 1/32 px (float64: the offset would eat float32's sub-step precision); the offset makes
    # int() a floor for positions down to -_FLOOR_OFFSET px
    offset = _FLOOR_OFFSET * _TAB_SIZE + 0.5
    scale = float(_TAB_SIZE)
    shift = _FLOOR_OFFSET * _TAB_SIZE
    for y in range(height):
        base_y = y * scale + offset
        for x in range(width):
            base_x = x * scale + offset
            ix = int(max(base_x + flows[y, x, 0] * scale, 0.0)) - shift
            iy = int(max(base_y + flows[y, x, 1] * scale, 0.0)) - shift
            map0[y, x, 0] = min(ix >> _TAB_BITS, 32767)
            map0[y, x, 1] = min(iy >> _TAB_BITS, 32767)
            tab0[y, x] = (iy & (_TAB_SIZE - 1)) * _TAB_SIZE + (ix & (_TAB_SIZE - 1))
            ix = int(max(base_x + flows[y, x, 2] * scale, 0.0)) - shift
            iy = int(max(base_y + flows[y, x, 3] * scale, 0.0)) - shift
            map1[y, x, 0] = min(ix >> _TAB_BITS, 32767)
            map1[y, x, 1] = min(iy >> _TAB_BITS, 32767)
            tab1[y, x] = (iy & (_TAB_SIZE - 1)) * _TAB_SIZE + (ix & (_TAB_SIZE - 1))


@numba.njit(cache=True, fastmath=True, nogil=True)
def _blend_kernel(a, b, share, out):  # pragma: no cover - compiled
    height, width, channels = a.shape
    for y in range(height):
        for x in range(width):
            s = share[y, x]
            for c in range(channels):
                v = s * a[y, x, c] + (1 - s) * b[y, x, c]
                out[y, x, c] = min(max(v, np.float32(0.0)), np.float32(1.0))


def remap_tables(flows_t: np.ndarray, share0: np.ndarray, height: int, width: int):
    """Full-size remap tables for both frames and the full-size share of frame 0.

    ``flows_t`` (h, w, 4): flow from time t to frame 0 (channels 0-1) and to frame 1 (2-3), in working-size
    pixels; ``share0`` (h, w). Returns ``((map0, tab0), (map1, tab1), share)`` for ``cv2.remap``.
    """
    h, w = share0.shape[:2]
    flows_t = np.asarray(flows_t, dtype=np.float32)
    share0 = np.asarray(share0, dtype=np.float32)
    if (h, w) != (height, width):
        sx, sy = width / w, height / h
        flows_t = cv2.resize(flows_t * np.array([sx, sy, sx, sy], np.float32), (width, height), interpolation=cv2.INTER_LINEAR)
        share0 = cv2.resize(share0, (width, height), interpolation=cv2.INTER_LINEAR)
    map0 = np.empty((height, width, 2), np.int16)
    map1 = np.empty((height, width, 2), np.int16)
    tab0 = np.empty((height, width), np.uint16)
    tab1 = np.empty((height, width), np.uint16)
    _maps_kernel(np.ascontiguousarray(flows_t), map0, tab0, map1, tab1)
    return (map0, tab0), (map1, tab1), np.ascontiguousarray(share0)


def sample_and_blend(image0: Image, image1: Image, flows_t: np.ndarray, share0: np.ndarray) -> Image:
    """``share * image0(x + f_t0(x)) + (1 - share) * image1(x + f_t1(x))`` at full size, bicubic, clipped to
    [0, 1]; ``flows_t`` and ``share0`` may be at a lower resolution than the images (see :func:`remap_tables`)."""
    height, width = image0.shape[:2]
    (m0, t0), (m1, t1), share = remap_tables(flows_t, share0, height, width)
    from0 = cv2.remap(image0, m0, t0, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    from1 = cv2.remap(image1, m1, t1, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    out = np.empty_like(from0)
    _blend_kernel(from0, from1, share, out)
    return out
