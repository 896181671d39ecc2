"""Produce the next items of a stream on worker threads while the caller consumes the current one.

``animate`` renders a frame, then writes it to the encoder's pipe. When the pipe is full the write waits
for the encoder, and with the rendering done on the same thread, one of the two cores idles in the
meantime. :func:`map_ahead` renders the next frames on worker threads (the renderer's numba kernels and
OpenCV release the GIL), so the writes' waits overlap the rendering; :func:`run_ahead` does the same for
a stream that must be produced in order on one thread (a generator).
"""

from __future__ import annotations

import contextlib
import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")

_END = object()


def map_ahead(fn: Callable[[T], U], items: Iterable[T], *, workers: int = 2, depth: int = 3) -> Iterator[U]:
    """Yield ``fn(item)`` for each of ``items``, in order, computed by ``workers`` threads at most ``depth``
    results ahead of the consumer (``fn`` must be safe to run on several threads at once).

    For the frames of a shot: at the start of a clip the encoder only gathers frames for its look-ahead
    (x264 holds about 40 before it encodes in earnest) and leaves a core idle, which a second renderer
    fills; later both simply share the cores with the encoder. An exception raised by ``fn`` is raised
    here, at the item where it happened; when the consumer stops early, no new item is started.
    """
    depth = max(1, int(depth))
    pending: deque = deque()
    with ThreadPoolExecutor(max_workers=max(1, int(workers)), thread_name_prefix="stillmotion-ahead") as pool:
        try:
            for item in items:
                pending.append(pool.submit(fn, item))
                if len(pending) > depth:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def run_ahead(items: Iterable[T], *, depth: int = 2) -> Iterator[T]:
    """Yield the items of ``items`` in order, produced by one worker thread at most ``depth`` items ahead.

    An exception raised while producing is raised here, at the item where it happened. When the consumer
    stops early (an error, ``close()``), the worker stops after the item it is producing. ``items`` must
    not be consumed by anyone else meanwhile.
    """
    source = iter(items)
    # one worker runs the jobs one at a time, in the order they were handed in: each takes the next item
    handed = map_ahead(lambda _: next(source, _END), itertools.repeat(None), workers=1, depth=depth)
    with contextlib.closing(handed) as produced:
        for item in produced:
            if item is _END:
                return
            yield item


__all__ = ["map_ahead", "run_ahead"]
