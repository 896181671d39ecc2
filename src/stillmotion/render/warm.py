"""Load the renderer's compiled kernels on a background thread while the photo and depth are prepared.

numba initialises its compiler target once per process, on the first call of any compiled function
(about a second, even when every kernel comes from the on-disk cache), and then loads each kernel's
machine code on its first call. Reading the photo, its depth and finding faces are OpenCV work that
releases the GIL, so that second can pass beside them instead of after them.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

log = logging.getLogger(__name__)


def _load_kernels() -> None:
    from .band import _test
    from .mesh import _flat_blocks

    try:
        q = np.zeros((2, 2), np.float32)
        _flat_blocks(q, np.zeros((2, 2), np.uint8), 1, np.float32(0.0))
        _test(q, q, q, 1, 2, 1.0, np.zeros((2, 2), np.bool_))
    except Exception:  # noqa: BLE001 - a warm-up only: the real call reports any problem
        log.debug("render warm-up failed", exc_info=True)


def warm_up() -> threading.Thread:
    """Start loading the kernels; returns the (daemon) thread. Harmless to call more than once."""
    thread = threading.Thread(target=_load_kernels, name="stillmotion-warm-up", daemon=True)
    thread.start()
    return thread
