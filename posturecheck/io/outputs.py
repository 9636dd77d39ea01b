"""Where results are written: checked before any work, then written whole or not at all.

:func:`ready_folder` and :func:`check_writable_file` are called before an
analysis starts, so a results folder or file that cannot be written stops the
command at once, with words, instead of after minutes of work.
:class:`StagedFiles` writes each result under a temporary name next to its
final one and renames them all once every file is complete, so an
interrupted or failed run leaves the previous run's files as they were: a
folder never holds one run's video beside another run's summary.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import TracebackType

from posturecheck.errors import OutputError


def _reason(exc: OSError) -> str:
    return (exc.strerror or exc.__class__.__name__).lower()


def _probe(folder: Path) -> None:
    """Create and remove a scratch file in ``folder``; OSError if that cannot be done."""
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".posturecheck-probe-"):
        pass


def ready_folder(folder: Path) -> Path:
    """Create the results folder ``folder`` if needed and check files can be written in it.

    Raises
    ------
    OutputError
        If it is a file, cannot be created or cannot be written in; the
        message names the folder, the reason and the fix.
    """
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: is a file, not a folder; give --out a folder for the results")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"{folder}: the results folder cannot be created ({_reason(exc)}); "
            "give --out a folder you can write to"
        ) from exc
    try:
        _probe(folder)
    except OSError as exc:
        raise OutputError(
            f"{folder}: files cannot be written in the results folder ({_reason(exc)}); "
            "give --out a folder you can write to"
        ) from exc
    return folder


def check_writable_file(path: Path) -> None:
    """Check the file ``path`` (the per-frame CSV) can be written, without writing it.

    Raises
    ------
    OutputError
        If it is a folder, its folder is missing or not a folder, or files
        cannot be written there.
    """
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give --csv a file name, such as {path / 'measures.csv'}")
    folder = path.parent
    if not folder.exists():
        raise OutputError(f"{path}: its folder {folder} does not exist; create it or give --csv another path")
    if not folder.is_dir():
        raise OutputError(f"{path}: {folder} is a file, not a folder; give --csv a path in a folder")
    try:
        _probe(folder)
    except OSError as exc:
        raise OutputError(
            f"{path}: the CSV file cannot be written in {folder} ({_reason(exc)}); "
            "give --csv a path you can write to"
        ) from exc


class StagedFiles:
    """Result files written under temporary names, renamed to their final names together.

    :meth:`path_for` gives the name to write a result to (in the final
    file's folder, same suffix, so writers that choose the format by suffix
    still work); :meth:`commit` renames every written file to its final name.
    Used as a context manager, an exception (or Ctrl+C) before the commit
    removes the temporary files and leaves the final names untouched.
    """

    def __init__(self) -> None:
        self._moves: list[tuple[Path, Path]] = []

    def path_for(self, final: Path) -> Path:
        """The temporary name to write ``final`` under."""
        temporary = final.with_name(f".{final.stem}.incomplete-{os.getpid()}{final.suffix}")
        self._moves.append((temporary, final))
        return temporary

    def commit(self) -> None:
        """Rename every written file to its final name (each rename is atomic)."""
        for temporary, final in self._moves:
            if temporary.exists():
                temporary.replace(final)
        self._moves.clear()

    def discard(self) -> None:
        """Remove the temporary files written so far."""
        for temporary, _ in self._moves:
            temporary.unlink(missing_ok=True)
        self._moves.clear()

    def __enter__(self) -> StagedFiles:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.discard()
