"""run_ahead: a stream produced on a worker thread, in order, errors where they happen, stops with its consumer."""

from __future__ import annotations

import threading
import time

import pytest

from stillmotion.ahead import run_ahead


def test_items_arrive_in_order_from_another_thread():
    threads = []

    def produce():
        for i in range(50):
            threads.append(threading.current_thread())
            yield i

    assert list(run_ahead(produce(), depth=3)) == list(range(50))
    assert all(t is not threading.main_thread() for t in threads)


def _counted(count: int, produced: list):
    """0 .. count - 1, each noted in ``produced`` as it is made."""
    for i in range(count):
        produced.append(i)
        yield i


def test_the_worker_stays_at_most_depth_items_ahead():
    produced = []
    stream = run_ahead(_counted(100, produced), depth=2)
    assert next(stream) == 0
    time.sleep(0.3)  # the worker fills the hand-over and waits
    # item 0 taken, two waiting in the hand-over, one produced and waiting to be handed over
    assert len(produced) <= 4
    stream.close()


def test_an_error_is_raised_at_the_item_that_failed():
    def produce():
        yield 1
        yield 2
        raise ValueError("frame 3 failed")

    stream = run_ahead(produce())
    assert next(stream) == 1
    assert next(stream) == 2
    with pytest.raises(ValueError, match="frame 3 failed"):
        next(stream)


def test_the_worker_stops_when_the_consumer_goes_away():
    produced = []
    stream = run_ahead(_counted(10_000, produced), depth=1)
    for item in stream:
        if item == 5:
            break
    stream.close()  # what leaving a for loop over a generator does when it is collected
    count = len(produced)
    time.sleep(0.3)
    assert len(produced) == count < 20
