"""Produce the next items of a stream on a worker thread while the caller consumes the current one.

``animate`` renders a frame, then writes it to the encoder's pipe. When the pipe is full the write waits
for the encoder, and with the rendering done on the same thread, one of the two cores idles in the
meantime. :func:`run_ahead` lets a worker render a frame or two ahead (the renderer's numba kernels and
OpenCV release the GIL), so the writes' waits overlap the rendering.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")

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


def map_ahead(fn: Callable[[T], U], items: Iterable[T], *, workers: int = 2, depth: int = 3) -> Iterator[U]:
    """Yield ``fn(item)`` for each of ``items``, in order, computed by ``workers`` threads at most ``depth``
    results ahead of the consumer (``fn`` must be safe to run on several threads at once).

    For the frames of a shot: at the start of a clip the encoder only gathers frames for its look-ahead
    (x264 holds about 40 before it encodes in earnest) and leaves a core idle, which a second renderer
    fills; later both simply share the cores with the encoder. An exception raised by ``fn`` is raised
    here, at the item where it happened; when the consumer stops early, no new item is started.
    """
    from concurrent.futures import ThreadPoolExecutor

    pending: deque = deque()
    source = iter(items)
    with ThreadPoolExecutor(max_workers=max(1, int(workers)), thread_name_prefix="stillmotion-ahead") as pool:
        try:
            for item in source:
                pending.append(pool.submit(fn, item))
                if len(pending) > max(1, int(depth)):
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


__all__ = ["map_ahead", "run_ahead"]
