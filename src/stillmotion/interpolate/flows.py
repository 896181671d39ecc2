"""Both flows of a frame pair, optionally estimated at a reduced resolution and scaled back up."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np

from ..flow import check_pair, create_backend
from ..types import Flow, Image


_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="stillmotion-flow")
_CACHED_FRAMES = 4
#: Flow pairs remembered (by the identity of their frames): in a clip, a pair's flows are also its
#: neighbours' (the quadratic motion model of :mod:`.flowsplat` reads the flows of pairs k - 1 and k + 1).
_CACHED_PAIRS = 8


class PairFlow:
    """Estimates (forward 0->1, backward 1->0) flows with a flow backend at ``scale`` (<= 1) of the frame
    size; ``max_pixels`` caps the working size (the scale is lowered until it fits)."""

    def __init__(self, backend: str = "classical", *, scale: float = 1.0, max_pixels: int | None = None, **options):
        self.backend = create_backend(backend, **options)
        self.scale = float(scale)
        self.max_pixels = max_pixels
        # working-size copies of the last few frames, by identity: in a clip each frame is in two pairs
        self._small: list[tuple[Image, Image]] = []
        self._lock = threading.Lock()
        # (frame 0, frame 1, done event, [fwd, bwd] once done), newest last; a pair being estimated by
        # one thread is waited for by the others instead of being estimated twice
        self._pairs: list[tuple[Image, Image, threading.Event, list]] = []
        self.estimates = 0  # pairs estimated (not taken from the cache)

    def working_scale(self, height: int, width: int) -> float:
        """The scale of the working size: ``scale``, lowered to fit ``max_pixels``, and then snapped down
        to 1/n when that is within 10 % (an exact 1/n downscale is several times cheaper)."""
        scale = min(1.0, self.scale)
        if self.max_pixels and height * width * scale * scale > self.max_pixels:
            scale = float(np.sqrt(self.max_pixels / (height * width)))
        if scale < 0.999:
            n = np.ceil(1.0 / scale - 1e-9)
            if 1.0 / n >= 0.9 * scale:
                scale = float(1.0 / n)
        return scale

    def __call__(self, image0: Image, image1: Image) -> tuple[Flow, Flow]:
        """Both flows at the frames' full size."""
        h, w = image0.shape[:2]
        fwd, bwd = self.small(image0, image1)
        if fwd.shape[:2] != (h, w):
            fwd, bwd = upscale_flow(fwd, h, w), upscale_flow(bwd, h, w)
        return fwd, bwd

    def downscale(self, image: Image) -> Image:
        """``image`` at the working size (itself at full size). Remembers the last few frames by identity,
        so do not modify a frame in place between calls."""
        h, w = image.shape[:2]
        scale = self.working_scale(h, w)
        if scale >= 0.999:
            return image
        with self._lock:
            for frame, small in self._small:
                if frame is image:
                    return small
        size = (max(8, round(w * scale)), max(8, round(h * scale)))
        small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        with self._lock:
            self._small = [*self._small[-(_CACHED_FRAMES - 1) :], (image, small)]
        return small

    def small(self, image0: Image, image1: Image) -> tuple[Flow, Flow]:
        """Both flows at the working size (vectors in working-size pixels). The last few pairs are
        remembered by the identity of their frames (do not modify a frame in place between calls)."""
        check_pair(image0, image1)
        with self._lock:
            entry = next((e for e in self._pairs if e[0] is image0 and e[1] is image1), None)
            mine = entry is None
            if mine:
                entry = (image0, image1, threading.Event(), [])
                self._pairs = [*self._pairs[-(_CACHED_PAIRS - 1) :], entry]
        if not mine:
            entry[2].wait()
            if entry[3]:
                return entry[3][0], entry[3][1]
            return self.small(image0, image1)  # its estimate failed in the other thread: try here
        try:
            flows = self._estimate(image0, image1)
            entry[3].extend(flows)
            with self._lock:
                self.estimates += 1
            return flows
        except BaseException:
            with self._lock:
                self._pairs = [e for e in self._pairs if e is not entry]
            raise
        finally:
            entry[2].set()

    def _estimate(self, image0: Image, image1: Image) -> tuple[Flow, Flow]:
        small0, small1 = self.downscale(image0), self.downscale(image1)
        both = getattr(self.backend, "estimate_both", None)
        if both is not None:
            return both(small0, small1)
        if not getattr(self.backend, "thread_safe", False):
            return self.backend.estimate(small0, small1), self.backend.estimate(small1, small0)
        # OpenCV releases the GIL: the two directions run on both cores at once
        backward = _POOL.submit(self.backend.estimate, small1, small0)
        return self.backend.estimate(small0, small1), backward.result()


def upscale_flow(flow: Flow, height: int, width: int) -> Flow:
    """Resize a flow field to (height, width), scaling its vectors by the same factors."""
    sy, sx = height / flow.shape[0], width / flow.shape[1]
    out = cv2.resize(flow, (width, height), interpolation=cv2.INTER_LINEAR)
    out[..., 0] *= sx
    out[..., 1] *= sy
    return out.astype(np.float32)
