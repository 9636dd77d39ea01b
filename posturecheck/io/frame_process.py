"""Decode, draw and encode a clip in a process of its own, frames passed through shared memory.

Threads in the analysing process slowed the pose model by about a sixth even
on a core of their own: every frame the model's calls hand Python's GIL
between threads, and decoding, drawing and encoding keep taking it. A
separate process has its own GIL. The frames it decodes go into a ring of
slots in shared memory (no copy through a pipe); the analysing process reads
a slot, runs the model, and hands the slot back with the landmarks, to be
drawn and encoded there (or just freed when no video is made). Only slot
numbers, times and landmarks travel through two pipes.

The child is ``python -m posturecheck.io.frame_process``, not a
``multiprocessing`` process: those re-run the caller's main script, which a
user's unguarded script does not survive.

The child imports only the decoding, drawing and encoding modules (no model).
Errors keep their meaning: a damaged clip still raises
:class:`~posturecheck.io.sources.SourceEndedEarly` with the frames read, after
those frames, and a child that dies says so in one line.
"""

from __future__ import annotations

import mmap
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.shared_memory import SharedMemory
from pathlib import Path
from typing import Any

import numpy as np

from posturecheck.errors import InputError, PostureCheckError
from posturecheck.io.cores import run_on
from posturecheck.io.frames import Frame
from posturecheck.io.sources import SourceDescription, SourceEndedEarly

SLOTS = 8
"""Frames in flight between the processes: decoded ahead, or waiting to be drawn."""

_POLL_S = 0.5  # how often a wait checks that the other process is still alive

SHARED_FOLDER = Path("/dev/shm")
"""Where Linux keeps shared memory (a RAM file system, often small in containers)."""


def slots_fit(description: SourceDescription) -> bool:
    """Whether the frame slots of ``description``'s clip fit, twice over, in the shared-memory folder."""
    try:
        folder = os.statvfs(SHARED_FOLDER)
    except OSError:
        return False
    need = SLOTS * description.work_width * description.work_height * 3
    return folder.f_bavail * folder.f_frsize >= 2 * need


@dataclass(frozen=True)
class VideoOut:
    """Where the child writes the annotated video, at what frame rate (``None``: unknown), blurred or not."""

    path: Path
    fps: float | None
    blur: bool


@dataclass(frozen=True)
class _Task:
    """What the child is asked to do (sent pickled as its first message)."""

    path: str
    max_side: int
    memory_name: str
    shape: tuple[int, int, int, int]
    video: VideoOut | None
    cores: frozenset[int] | None


class FrameProcess:
    """The frames of a clip, decoded in a child process; see the module docstring.

    Iterate it for :class:`Frame` objects whose ``image`` is a view on a
    shared slot, valid until :meth:`finish` is called for that frame (copy it
    to keep it). Call :meth:`finish` once for every frame, then :meth:`close`;
    on error, :meth:`abandon` (it stops the child and frees the memory).
    ``cores``: the cores the child may run on.
    """

    def __init__(
        self,
        description: SourceDescription,
        max_side: int,
        video: VideoOut | None,
        cores: frozenset[int] | None,
    ) -> None:
        shape = (SLOTS, description.work_height, description.work_width, 3)
        self._memory = SharedMemory(create=True, size=int(np.prod(shape)))
        self._slots: np.ndarray = np.ndarray(shape, dtype=np.uint8, buffer=self._memory.buf)
        to_parent_r, to_parent_w = os.pipe()
        to_child_r, to_child_w = os.pipe()
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(
            os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
        )
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "posturecheck.io.frame_process", str(to_child_r), str(to_parent_w)],
                pass_fds=(to_child_r, to_parent_w),
                env=env,
                stdin=subprocess.DEVNULL,
            )
        except OSError:
            os.close(to_parent_r)
            os.close(to_child_w)
            del self._slots
            self._memory.close()
            self._memory.unlink()
            raise
        finally:
            os.close(to_child_r)
            os.close(to_parent_w)
        self._from_child = Connection(to_parent_r, writable=False)
        self._to_child = Connection(to_child_w, readable=False)
        self._to_child.send(_Task(description.path, max_side, self._memory.name, shape, video, cores))
        self._video = video
        self._slot_of: dict[int, int] = {}
        self._closed = False

    def __iter__(self) -> Iterator[Frame]:
        while True:
            message = self._receive()
            if message[0] == "frame":
                _, index, time_s, slot = message
                self._slot_of[index] = slot
                yield Frame(index=index, time_s=time_s, image=self._slots[slot])
            elif message[0] == "end":
                return
            else:
                raise _error(message)

    def finish(self, frame: Frame, landmarks: np.ndarray, visibility: np.ndarray) -> None:
        """Done with ``frame``: draw ``landmarks`` on it in the video (if one is made), free its slot."""
        slot = self._slot_of.pop(frame.index)
        if self._video is not None:
            self._send(("draw", slot, frame.time_s, np.array(landmarks), np.array(visibility)))
        else:
            self._send(("free", slot))

    def close(self) -> None:
        """Wait for the video to be complete (if one is made), stop the child, free the memory.

        Re-raises, as one line, an error the child met while writing the video.
        """
        if self._closed:
            return
        self._closed = True
        try:
            self._send(("close",))
            message = self._receive()
            if message[0] != "ok":
                raise _error(message)
        finally:
            self._stop()

    def abandon(self) -> None:
        """Stop the child at once (the analysis failed or was interrupted) and free the memory;
        after :meth:`close`, nothing."""
        if self._closed:
            return
        self._closed = True
        self._stop()

    def _stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
        self._process.wait(timeout=10)
        self._from_child.close()
        self._to_child.close()
        del self._slots
        self._memory.close()
        self._memory.unlink()

    def _send(self, message: tuple[Any, ...]) -> None:
        try:
            self._to_child.send(message)
        except OSError:  # the child is gone: its end of the pipe is closed
            raise self._gone() from None

    def _gone(self) -> PostureCheckError:
        try:
            code = self._process.wait(timeout=_POLL_S)
        except subprocess.TimeoutExpired:
            code = None
        return PostureCheckError(f"the decoding process stopped unexpectedly (exit code {code})")

    def _receive(self) -> tuple[Any, ...]:
        while not self._from_child.poll(_POLL_S):
            if self._process.poll() is not None:
                break
        try:
            message: tuple[Any, ...] = self._from_child.recv()
            return message
        except (EOFError, OSError):
            raise self._gone() from None


def _error(message: tuple[Any, ...]) -> PostureCheckError:
    """The child's error, as the class the thread path would have raised."""
    kind, text = message[0], message[1]
    if kind == "ended_early":
        return SourceEndedEarly(text, message[2])
    if kind == "input":
        return InputError(text)
    return PostureCheckError(text)


def _serve(from_parent: Connection, to_parent: Connection) -> None:
    """The child: decode into free slots; on other threads, take the parent's messages, draw and encode."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the analysing process's to handle
    task: _Task = from_parent.recv()
    run_on(task.cores)
    # Mapped directly: attaching a SharedMemory would register it with this process's
    # resource tracker, which would remove the parent's memory when this process ends.
    descriptor = os.open(SHARED_FOLDER / task.memory_name, os.O_RDWR)
    try:
        memory = mmap.mmap(descriptor, int(np.prod(task.shape)))
    finally:
        os.close(descriptor)
    slots: np.ndarray = np.ndarray(task.shape, dtype=np.uint8, buffer=memory)
    free: queue.Queue[int] = queue.Queue()
    for slot in range(task.shape[0]):
        free.put(slot)
    draw: queue.Queue[tuple[Any, ...] | None] = queue.Queue()
    sending = threading.Lock()

    def send(message: tuple[Any, ...]) -> None:
        with sending:
            to_parent.send(message)

    def listen() -> None:
        while True:
            try:
                message = from_parent.recv()
            except (EOFError, OSError):
                os._exit(0)  # the analysing process is gone (killed): nothing is waiting for frames
            if message[0] == "free":
                free.put(message[1])
            elif message[0] == "draw":
                draw.put(message[1:])
            else:
                draw.put(None)
                return

    threading.Thread(target=listen, daemon=True).start()
    writer = threading.Thread(target=_write, args=(slots, task.video, draw, free, send), daemon=True)
    writer.start()
    _decode(task.path, task.max_side, slots, free, send)
    writer.join()


def _decode(path: str, max_side: int, slots: np.ndarray, free: queue.Queue[int], send: Any) -> None:
    from posturecheck.io.sources import open_source

    try:
        for frame in open_source(path, "clip", max_side):
            slot = free.get()
            slots[slot] = frame.image
            send(("frame", frame.index, frame.time_s, slot))
    except SourceEndedEarly as exc:
        send(("ended_early", str(exc), exc.frames_read))
    except InputError as exc:
        send(("input", str(exc)))
    except Exception as exc:  # anything else still ends the analysis in one line, not a hang
        send(("other", f"decoding failed: {exc.__class__.__name__}: {exc}"))
    else:
        send(("end",))


def _write(
    slots: np.ndarray,
    video: VideoOut | None,
    draw: queue.Queue[tuple[Any, ...] | None],
    free: queue.Queue[int],
    send: Any,
) -> None:
    """Draw and encode each slot handed back (or only free it, without a video); say "ok" at the end."""
    from posturecheck.draw.annotate import annotated_picture
    from posturecheck.io.video_sink import H264Writer

    writer, failed = None, None
    if video is not None:
        try:
            writer = H264Writer(video.path, slots.shape[2], slots.shape[1], video.fps)
        except Exception as exc:
            failed = f"{video.path}: cannot write the video ({exc})"
    while (item := draw.get()) is not None:
        slot, time_s, landmarks, visibility = item
        if writer is not None and video is not None and failed is None:  # video set whenever writer is
            try:
                writer.write(annotated_picture(slots[slot], landmarks, visibility, None, video.blur), time_s)
            except Exception as exc:  # reported when the analysis closes; frames keep flowing
                failed = f"{video.path}: writing the video failed ({exc.__class__.__name__}: {exc})"
        free.put(slot)
    if writer is not None and video is not None:
        try:
            writer.close()
        except Exception as exc:
            failed = failed or f"{video.path}: finishing the video failed ({exc})"
    send(("other", failed) if failed else ("ok",))


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
