"""read_ahead: order, errors after the items before them, bounded, stops early."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from posturecheck.io.prefetch import WriteBehind, read_ahead


def test_items_arrive_in_order() -> None:
    assert list(read_ahead(range(100), depth=3)) == list(range(100))


def test_error_comes_after_the_items_before_it() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise OSError("disk gone")

    received = []
    with pytest.raises(OSError, match="disk gone"):
        for item in read_ahead(items()):
            received.append(item)
    assert received == [1, 2]


def test_producer_stays_within_depth() -> None:
    produced = []

    def items() -> Iterator[int]:
        for index in range(1000):
            produced.append(index)
            yield index

    iterator = read_ahead(items(), depth=4)
    next(iterator)
    time.sleep(0.3)
    # One taken, at most 4 queued and one held by the blocked producer.
    assert len(produced) <= 6
    iterator.close()


def test_closing_early_stops_the_worker() -> None:
    iterator = read_ahead(iter(range(10**9)), depth=2)
    next(iterator)
    iterator.close()
    time.sleep(0.3)
    assert not any(t.name == "posturecheck-decode" and t.is_alive() for t in threading.enumerate())


def test_write_behind_consumes_everything_in_order() -> None:
    consumed: list[int] = []
    behind = WriteBehind(consumed.append, depth=2)
    for item in range(50):
        behind.submit(item)
    behind.close()
    assert consumed == list(range(50))


def test_write_behind_error_reaches_the_submitter() -> None:
    def consume(item: int) -> None:
        if item == 3:
            raise OSError("disk full")

    behind = WriteBehind(consume, depth=1)
    with pytest.raises(OSError, match="disk full"):
        for item in range(100):
            behind.submit(item)
        behind.close()
