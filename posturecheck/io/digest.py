"""The SHA-256 of a file, read in blocks (model bundles, clips of any size)."""

from __future__ import annotations

import hashlib
from pathlib import Path

_BLOCK = 1 << 20


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of the bytes of ``path``, read a megabyte at a time (memory stays flat)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()
