"""Parallel writer processes that each do what ``posturecheck history add`` does, many times over.

Each writer is a separate Python process calling
:func:`~posturecheck.storage.keep.keep_in_history` on its own analysis folder.
Every writer opens the history, says it is ready and waits for the word to
start, so the saves overlap and the time measured is that of the saves
alone, not of starting Python.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

WRITER = """
import sys, time, traceback
from posturecheck.storage.keep import keep_in_history
from posturecheck.storage import open_history

def failed(exc):
    print("failed", type(exc).__name__, str(exc).replace("\\n", " ")[:300], flush=True)
    traceback.print_exc()

url, folder, code, saves = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
try:
    history = open_history(url)
except Exception as exc:
    failed(exc)
    sys.exit(1)
print("ready", flush=True)
sys.stdin.readline()
start = time.perf_counter()
for _ in range(saves):
    try:
        kept = keep_in_history(history, folder, code)
        print("saved", kept.session_id, len(kept.entry.media), flush=True)
    except Exception as exc:
        failed(exc)
print("seconds", time.perf_counter() - start, flush=True)
history.close()
"""


@dataclass(frozen=True)
class WriterRun:
    """What parallel writers did.

    Attributes
    ----------
    saved : ``(session id, number of media files)`` of every save that returned.
    failures : ``"ExceptionName message"`` of every save that raised.
    exit_codes : each writer's exit status.
    errors : each writer's standard error (tracebacks), empty when none.
    seconds : wall time of the slowest writer's saves, from the start signal.
    """

    saved: list[tuple[int, int]]
    failures: list[str]
    exit_codes: list[int]
    errors: list[str]
    seconds: float


def run_writers(url: str, folders: list[Path], codes: list[str], saves: int) -> WriterRun:
    """Start one writer per ``(folder, code)`` on history ``url``; each saves ``saves`` times.

    A writer that cannot open the history reports that as a failure.
    """
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, url, str(folder), code, str(saves)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder, code in zip(folders, codes, strict=True)
    ]
    try:
        firsts = []  # "ready"; a writer that cannot open the history says why and ends instead
        for writer in writers:
            assert writer.stdout is not None
            firsts.append(writer.stdout.readline())
        outputs = [
            (first + out, err)
            for first, (out, err) in zip(
                firsts, (writer.communicate("go\n", timeout=1200) for writer in writers), strict=True
            )
        ]
    finally:
        for writer in writers:
            writer.kill()
            writer.wait()
    lines = [line.split(maxsplit=1) for out, _ in outputs for line in out.splitlines() if " " in line]
    return WriterRun(
        saved=[(int(rest.split()[0]), int(rest.split()[1])) for word, rest in lines if word == "saved"],
        failures=[rest for word, rest in lines if word == "failed"],
        exit_codes=[writer.returncode for writer in writers],
        errors=[err for _, err in outputs if err.strip()],
        seconds=max((float(rest) for word, rest in lines if word == "seconds"), default=float("nan")),
    )
