"""Decode ahead of inference, and draw and encode behind it, in background threads.

Decoding (FFmpeg releases the GIL) overlaps with inference, so a clip is
analysed at close to the model's own speed; the queue's bound keeps memory
flat whatever the clip's length.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
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


class WriteBehind:
    """Hand items to ``consume`` on a worker thread, at most ``depth`` waiting.

    Used to draw and encode the annotated video while the main thread runs
    inference. ``submit`` blocks when the worker falls ``depth`` items behind,
    so memory stays bounded. An exception raised by ``consume`` is re-raised
    by the next ``submit`` or by ``close``.
    """

    def __init__(self, consume: Callable[[T], None], depth: int = 8) -> None:
        self._consume = consume
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._worker = threading.Thread(target=self._drain, name="posturecheck-write", daemon=True)
        self._worker.start()

    def _drain(self) -> None:
        while True:
            item = self._queue.get()
            if item is _END:
                return
            if self._error is None:
                try:
                    self._consume(item)  # type: ignore[arg-type]
                except BaseException as exc:  # re-raised on the submitting thread
                    self._error = exc

    def submit(self, item: T) -> None:
        """Queue one item for the worker."""
        if self._error is not None:
            raise self._error
        self._queue.put(item)

    def close(self) -> None:
        """Wait for every queued item to be consumed; re-raise the worker's error if any."""
        self._queue.put(_END)
        self._worker.join()
        if self._error is not None:
            raise self._error
