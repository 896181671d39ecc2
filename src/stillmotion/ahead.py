"""Produce the next items of a stream on a worker thread while the caller consumes the current one.

``animate`` renders a frame, then writes it to the encoder's pipe. When the pipe is full the write waits
for the encoder, and with the rendering done on the same thread, one of the two cores idles in the
meantime. :func:`run_ahead` lets a worker render a frame or two ahead (the renderer's numba kernels and
OpenCV release the GIL), so the writes' waits overlap the rendering.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

#: How long a blocked hand-over waits before looking whether the consumer has gone (seconds).
POLL_S = 0.1
_END = object()


def run_ahead(items: Iterable[T], *, depth: int = 2) -> Iterator[T]:
    """Yield the items of ``items`` in order, produced by a worker thread at most ``depth`` items ahead.

    An exception raised while producing is raised here, at the item where it happened. When the consumer
    stops early (an error, ``close()``), the worker stops after the item it is producing. ``items`` must
    not be consumed by anyone else meanwhile.
    """
    handover: queue.Queue = queue.Queue(maxsize=max(1, int(depth)))
    stop = threading.Event()

    def put(entry) -> bool:
        while not stop.is_set():
            try:
                handover.put(entry, timeout=POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put((True, item)):
                    return
            put((True, _END))
        except BaseException as exc:  # handed to the consumer, who raises it
            put((False, exc))

    worker = threading.Thread(target=work, name="stillmotion-ahead", daemon=True)
    worker.start()
    try:
        while True:
            ok, item = handover.get()
            if not ok:
                raise item
            if item is _END:
                return
            yield item
    finally:
        stop.set()
        worker.join()


__all__ = ["run_ahead"]
