"""Result folder names: the input's name plus a short hash of its resolved path.

Two inputs with the same file name in different folders get different
folders; the same file always gets the same one, which is what lets a re-run
find its earlier result.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

# Hex digits of the path hash: 2**32 paths make a clash unlikely in any real batch.
PATH_HASH_DIGITS = 8
PARTIAL_MARK = ".partial-"
_UNSAFE = re.compile(r"[^\w.-]+")


def result_name(path: Path) -> str:
    """``<stem>-<8 hex digits of sha256(resolved path)>``, with characters unsafe in file names replaced."""
    digest = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:PATH_HASH_DIGITS]
    stem = _UNSAFE.sub("_", path.stem).strip("._") or "input"
    return f"{stem}-{digest}"


def partial_name(name: str, token: str) -> str:
    """The hidden name a result folder is written under until it is complete."""
    return f".{name}{PARTIAL_MARK}{token}"


def partial_folders(out_dir: Path, name: str | None = None) -> list[Path]:
    """Result folders left half-written in ``out_dir`` (all, or only those of result ``name``)."""
    pattern = f".{name}{PARTIAL_MARK}*" if name is not None else f".*{PARTIAL_MARK}*"
    return sorted(p for p in out_dir.glob(pattern) if p.is_dir())
