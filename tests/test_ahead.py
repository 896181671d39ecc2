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


# --- map_ahead: a function mapped over a stream by several threads, results in order ---------------


def test_map_ahead_keeps_the_order_and_runs_on_several_threads():
    from stillmotion.ahead import map_ahead

    threads = set()
    both_busy = threading.Barrier(2, timeout=5)

    def square(i):
        threads.add(threading.current_thread().name)
        if i < 2:
            both_busy.wait()  # items 0 and 1 are computed at the same time, or this times out
        time.sleep(0.001 * (i % 3))  # later items finish out of order
        return i * i

    assert list(map_ahead(square, range(40), workers=2, depth=3)) == [i * i for i in range(40)]
    assert len(threads) == 2 and threading.current_thread().name not in threads


def test_map_ahead_raises_at_the_failed_item_and_stops_starting_new_ones():
    from stillmotion.ahead import map_ahead

    started = []

    def work(i):
        started.append(i)
        if i == 3:
            raise ValueError("frame 3 failed")
        return i

    stream = map_ahead(work, range(1000), workers=2, depth=2)
    assert [next(stream) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(ValueError, match="frame 3 failed"):
        next(stream)
    time.sleep(0.1)
    assert len(started) < 10
