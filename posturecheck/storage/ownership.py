"""Which files the history owns: the one rule that saving, importing and deleting all apply.

The history owns (and deletes with its client) only a file that lies inside
a folder it was entrusted with: the analysis folder ``history add`` was
given, the app's copy of an analysis in the data folder, or the folder an
archive import extracted into. A path read from JSON (an import, an
analysis summary) is data: it is never owned because of what it says.

Notes
-----
"Inside" is decided on resolved paths: ``..`` steps and symlinks are
followed first, so neither ``folder/../../x`` nor ``folder/link -> /x``
counts as inside ``folder``. The check is made again before a file is
deleted, on the path as stored: if a folder on the way has since been
swapped for a symlink, the stored path no longer resolves to itself and
the file is left alone.
"""

from __future__ import annotations

import stat
from pathlib import Path


def owned_file(path: Path, folder: Path) -> Path | None:
    """``path`` resolved, when it is a regular file inside ``folder``; otherwise ``None``.

    Parameters
    ----------
    path : a file, absolute or relative to the current folder.
    folder : the folder the history was entrusted with (it may itself be reached through a symlink).

    Returns
    -------
    Path or None
        The absolute path with no ``..`` and no symlink in it, or ``None``
        if it does not exist, is not a regular file, or leads outside
        ``folder``.
    """
    try:
        root = folder.resolve(strict=True)
        resolved = path.resolve(strict=True)
        mode = resolved.lstat().st_mode
    except (OSError, RuntimeError):  # missing, unreadable, or a symlink loop
        return None
    if not stat.S_ISREG(mode) or not resolved.is_relative_to(root):
        return None
    return resolved


def deletable(path: Path, folder: Path) -> bool:
    """Whether the stored ``path`` of a file owned within ``folder`` may be deleted now.

    Only when :func:`owned_file` still gives back ``path`` itself: no folder
    on the way has become a symlink and the file has not left ``folder``.
    """
    return path.is_absolute() and owned_file(path, folder) == path
