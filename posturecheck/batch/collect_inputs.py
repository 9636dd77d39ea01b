"""The inputs of a batch: clips, photos, folders searched recursively, and CSV manifests.

A file named on the command line is taken whatever its name (its kind is told
by its content when it is analysed, as ``analyze`` does); a folder is searched
recursively for files whose suffix says video or image; a ``.csv`` file is a
manifest with one input per row and per-input settings.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from posturecheck.errors import InputError
from posturecheck.io.kinds import GIF_SUFFIXES, IMAGE_SUFFIXES, VIDEO_SUFFIXES

MANIFEST_SUFFIX = ".csv"
MANIFEST_COLUMNS = ("path", "client", "assessment", "person", "height_cm")


@dataclass(frozen=True)
class BatchInput:
    """One file to analyse, with the settings its manifest row gave (``None``: the batch's own).

    Attributes
    ----------
    path : the file, as named (a manifest's relative paths are joined to the manifest's folder).
    client : client code to keep the result under in the history.
    assessment : guided assessment to run.
    person : 1-based person to grade and to keep.
    height_cm : the person's height in cm, for plumb-line offsets.
    """

    path: Path
    client: str | None = None
    assessment: str | None = None
    person: int | None = None
    height_cm: float | None = None


def collect_inputs(given: Sequence[str | Path], exclude: Path | None = None) -> list[BatchInput]:
    """Every input named by ``given``, in the order given, each file once.

    Folders are searched recursively (hidden files and folders, and anything
    under ``exclude``, the batch's own output folder, are left out) and their
    files taken in name order. A path that does not exist is kept: its
    analysis fails with the reason, like any other bad input.

    Raises
    ------
    InputError
        If a manifest cannot be read, or nothing at all was found.
    """
    found: list[BatchInput] = []
    for item in given:
        path = Path(item)
        if path.is_file() and path.suffix.lower() == MANIFEST_SUFFIX:
            for row in read_manifest(path):
                found += _expand(row, exclude)
        else:
            found += _expand(BatchInput(path), exclude)
    unique = _first_of_each(found)
    if not unique:
        raise InputError(f"{', '.join(map(str, given))}: no clip or image found")
    return unique


def _expand(item: BatchInput, exclude: Path | None) -> list[BatchInput]:
    if not item.path.is_dir():
        return [item]
    return [replace(item, path=file) for file in media_files(item.path, exclude)]


def media_files(folder: Path, exclude: Path | None = None) -> list[Path]:
    """Videos and images under ``folder``, by suffix, recursively, sorted; hidden ones and ``exclude`` out."""
    suffixes = VIDEO_SUFFIXES + GIF_SUFFIXES + IMAGE_SUFFIXES
    skip = exclude.resolve() if exclude is not None else None
    files = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).parts
        if any(part.startswith(".") for part in relative) or not path.is_file():
            continue
        if skip is not None and path.resolve().is_relative_to(skip):
            continue
        if path.suffix.lower() in suffixes:
            files.append(path)
    return files


def _first_of_each(items: Iterable[BatchInput]) -> list[BatchInput]:
    seen: set[Path] = set()
    unique = []
    for item in items:
        key = item.path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def read_manifest(path: Path) -> list[BatchInput]:
    """The rows of a CSV manifest: ``path``, optionally ``client``, ``assessment``, ``person``, ``height_cm``.

    Relative paths are taken from the manifest's folder; empty cells mean
    "the batch's setting".

    Raises
    ------
    InputError
        Unreadable file, no ``path`` column, an unknown column, an empty path
        or a value that is not a number where one is needed; the message names
        the manifest and the line.
    """
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = [c.strip() for c in reader.fieldnames or []]
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: manifest cannot be read ({exc})") from exc
    if "path" not in columns:
        raise InputError(f"{path}: a manifest needs a 'path' column (columns: {', '.join(MANIFEST_COLUMNS)})")
    unknown = [c for c in columns if c not in MANIFEST_COLUMNS]
    if unknown:
        raise InputError(
            f"{path}: unknown manifest column {', '.join(unknown)} (known: {', '.join(MANIFEST_COLUMNS)})"
        )
    return [_manifest_row(path, line, row) for line, row in enumerate(rows, start=2)]


def _manifest_row(manifest: Path, line: int, row: dict[str, str | None]) -> BatchInput:
    cells = {key.strip(): (value or "").strip() for key, value in row.items() if key is not None}
    where = f"{manifest} line {line}"
    if not cells.get("path"):
        raise InputError(f"{where}: the path is empty")
    file = Path(cells["path"])
    try:
        person = int(cells["person"]) if cells.get("person") else None
        height_cm = float(cells["height_cm"]) if cells.get("height_cm") else None
    except ValueError as exc:
        raise InputError(f"{where}: person must be a whole number and height_cm a number ({exc})") from exc
    if person is not None and person < 1:
        raise InputError(f"{where}: person counts from 1, got {person}")
    return BatchInput(
        path=file if file.is_absolute() else manifest.parent / file,
        client=cells.get("client") or None,
        assessment=cells.get("assessment") or None,
        person=person,
        height_cm=height_cm,
    )
