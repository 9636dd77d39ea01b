"""What a finished result folder records about its input, so a re-run can skip it.

A result folder is complete once it holds ``batch_input.json``: the input's
SHA-256, the key of the options it was analysed with, and the outcome. The
file is written into the folder before the folder gets its final name, so a
folder with that name and no record (or a different one) is never taken as done.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

RECORD_NAME = "batch_input.json"

Status = Literal["ok", "partial", "failed"]


@dataclass(frozen=True)
class Outcome:
    """What became of one input.

    Attributes
    ----------
    input : the input's path, as named.
    result : the result folder's name under the batch's output folder.
    status : "ok" (read whole), "partial" (``reason`` says what could not be
        read; the results cover ``frames`` frames) or "failed" (``reason`` is
        the one-line error ``analyze`` prints).
    reason : see ``status``; empty when "ok".
    frames : frames analysed.
    sha256 : hex SHA-256 of the input file ("" when it could not be read).
    seconds : wall-clock time of the job, s.
    skipped : the result was already there from an earlier run.
    recorded : the outcome is stored in the result folder (a re-run skips it);
        failures of the machinery (a crashed worker) are not, so they are redone.
    worker : the process id of the worker that ran the job.
    peak_rss_mb : that worker's peak resident memory so far, MiB.
    """

    input: str
    result: str
    status: Status
    reason: str = ""
    frames: int = 0
    sha256: str = ""
    seconds: float = 0.0
    skipped: bool = False
    recorded: bool = False
    worker: int = 0
    peak_rss_mb: float = 0.0


def options_key(options: dict[str, Any]) -> str:
    """A short fingerprint of the options an input is analysed with (JSON, keys sorted)."""
    text = json.dumps(options, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def write_record(folder: Path, outcome: Outcome, key: str) -> None:
    """Store ``outcome`` and the options ``key`` in ``folder``."""
    record = {"options_key": key, **asdict(outcome)}
    (folder / RECORD_NAME).write_text(json.dumps(record, indent=2), encoding="utf-8")


def finished_outcome(folder: Path, sha256: str, key: str) -> Outcome | None:
    """The outcome recorded in ``folder`` if it is for the same content and options, else ``None``."""
    try:
        record = json.loads((folder / RECORD_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.pop("options_key", None) != key:
        return None
    if record.get("sha256") != sha256:
        return None
    try:
        return Outcome(**record)
    except TypeError:
        return None
