"""Decode ahead of inference in a background thread, through a bounded queue.

Decoding (FFmpeg releases the GIL) overlaps with inference, so a clip is
analysed at close to the model's own speed; the queue's bound keeps memory
flat whatever the clip's length.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

_END = object()


def read_ahead(items: Iterable[T], depth: int = 8) -> Iterator[T]:
    """Iterate ``items`` in a worker thread, at most ``depth`` items ahead.

    An exception raised by ``items`` is re-raised here, after the items
    produced before it. Closing the returned generator early stops the worker.
    """
    buffer: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        buffer.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            buffer.put(_END)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            buffer.put(exc)

    worker = threading.Thread(target=produce, name="posturecheck-decode", daemon=True)
    worker.start()
    try:
        while True:
            item = buffer.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while not buffer.empty():
            buffer.get_nowait()
        worker.join(timeout=5)
