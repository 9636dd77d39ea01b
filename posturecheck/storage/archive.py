"""A client moved whole: one zip archive with the export document and the media files the history owns.

Layout::

    client.json                 the export (:mod:`.exchange`); each media entry the archive
                                holds also names its member: "file": "media/<session>/<n>-<name>"
    media/<session>/<n>-<name>  the file itself

Reading is defensive, since an archive may come from anywhere: only the
members the document names are read, each name must have exactly that
layout (no absolute name, no ``..``, no backslash, so nothing can be
written outside the target folder), the total size is bounded before and
while extracting, and the files land in a new folder of the data folder
that the imported sessions then own. Media the archive does not hold are
recorded by path and not owned, as for a plain JSON import.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from posturecheck.errors import InputError
from posturecheck.storage.errors import HistoryError
from posturecheck.storage.exchange import client_document, parse_client_json
from posturecheck.storage.history import History
from posturecheck.storage.location import kept_results_dir

DOCUMENT_NAME = "client.json"
MEMBER_PATTERN = re.compile(r"media/[0-9]{1,6}/[0-9]{1,6}-[^/\\:\x00]{1,200}")
MAX_DOCUMENT_BYTES = 64 * 2**20
MAX_MEDIA_BYTES = 32 * 2**30
FREE_SPACE_MARGIN_BYTES = 256 * 2**20
CHUNK_BYTES = 2**20


@dataclass(frozen=True)
class ArchiveCounts:
    """What an archive export or import moved: the client's code, sessions, and media files carried."""

    code: str
    sessions: int
    files: int


def is_archive(path: Path) -> bool:
    """Whether ``path`` is a zip file (by its content, not its name)."""
    return zipfile.is_zipfile(path)


def export_archive(history: History, client_id: int, out: Path) -> ArchiveCounts:
    """Write client ``client_id`` with the media files the history owns for them to the zip ``out``.

    Written under a temporary name and renamed when complete, so ``out`` is
    never a half archive.

    Raises
    ------
    InputError
        If ``out`` cannot be written.
    """
    client = history.client(client_id)
    sessions = history.sessions(client_id)
    own_errors = [error for error in history.measurement_errors(client_id) if error.client_id is not None]
    document = client_document(client, sessions, own_errors)
    partial = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.part")
    files = 0
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for number, (session, entry) in enumerate(zip(sessions, document["sessions"], strict=True), 1):
                for index, (item, listed) in enumerate(zip(session.media, entry["media"], strict=True), 1):
                    if item.owned and item.path.is_file():
                        listed["file"] = f"media/{number}/{index}-{item.path.name}"
                        archive.write(item.path, listed["file"])
                        files += 1
            archive.writestr(DOCUMENT_NAME, json.dumps(document, indent=2))
        partial.replace(out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(f"{out}: cannot write the archive ({exc.strerror or exc})") from exc
    return ArchiveCounts(client.code, len(sessions), files)


def import_archive(history: History, path: Path, code: str | None = None) -> ArchiveCounts:
    """Store the client in the archive ``path``, its media restored into a new folder of the data folder.

    All or nothing: when the import fails, the extracted files are removed.

    Raises
    ------
    InputError
        If ``path`` is not a readable zip, names an unsafe or missing member,
        or its media are larger than :data:`MAX_MEDIA_BYTES` or the free space.
    HistoryError
        If its document is not a client export, or the code is already used.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            document = _document(archive, path)
            folder = kept_results_dir() / f"{datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}-import"
            try:
                files = _restore_media(archive, path, document, folder)
                client_id = history.import_client(document, code, media_folder=folder if files else None)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise InputError(f"{path}: not a readable zip archive ({exc})") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot import the archive ({exc.strerror or exc})") from exc
    return ArchiveCounts(history.client(client_id).code, len(document["sessions"]), files)


def _document(archive: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    try:
        info = archive.getinfo(DOCUMENT_NAME)
    except KeyError as exc:
        raise HistoryError(f"{path}: not a posturecheck client archive (no {DOCUMENT_NAME} in it)") from exc
    if info.file_size > MAX_DOCUMENT_BYTES:
        raise InputError(f"{path}: its {DOCUMENT_NAME} is {info.file_size} bytes, more than an export holds")
    with archive.open(info) as stream:
        data = stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InputError(f"{path}: its {DOCUMENT_NAME} is larger than an export holds")
    document = parse_client_json(data, f"{path}: {DOCUMENT_NAME}")
    if not isinstance(document.get("sessions"), list):
        raise HistoryError(f"{path}: not a posturecheck client export (no list of sessions)")
    return document


def _listed_members(document: Mapping[str, Any], path: Path) -> dict[str, list[dict[str, Any]]]:
    """Member name -> the media entries naming it; every name checked against :data:`MEMBER_PATTERN`."""
    members: dict[str, list[dict[str, Any]]] = {}
    for session in document["sessions"]:
        media = session.get("media") if isinstance(session, dict) else None
        for entry in media if isinstance(media, list) else []:
            name = entry.get("file") if isinstance(entry, dict) else None
            if name is None:
                continue
            if not isinstance(name, str) or not MEMBER_PATTERN.fullmatch(name):
                raise InputError(f"{path}: names an archive member {str(name)[:80]!r} outside media/")
            members.setdefault(name, []).append(entry)
    return members


def _restore_media(archive: zipfile.ZipFile, path: Path, document: dict[str, Any], folder: Path) -> int:
    """Extract the members the document names into ``folder``; point their entries at the copies.

    Returns the number of files extracted.
    """
    members = _listed_members(document, path)
    if not members:
        return 0
    infos = {}
    for name in members:
        try:
            infos[name] = archive.getinfo(name)
        except KeyError as exc:
            raise InputError(f"{path}: lists {name} but does not hold it") from exc
    total = sum(info.file_size for info in infos.values())
    folder.mkdir(parents=True)
    room = shutil.disk_usage(folder).free - FREE_SPACE_MARGIN_BYTES
    if total > min(MAX_MEDIA_BYTES, room):
        raise InputError(
            f"{path}: its media take {total / 2**20:.0f} MiB; at most "
            f"{min(MAX_MEDIA_BYTES, max(room, 0)) / 2**20:.0f} MiB can be restored into {folder.parent}"
        )
    budget = total
    for name, info in infos.items():
        target = folder / name.replace("/", "-", 2)  # media/3/1-x.mp4 -> media-3-1-x.mp4, one folder
        with archive.open(info) as source, target.open("xb") as copy:
            budget = _copy_bounded(source, copy, budget, path)
        for entry in members[name]:
            entry["path"] = str(target)
    return len(infos)


def _copy_bounded(source: IO[bytes], target: IO[bytes], budget: int, path: Path) -> int:
    """Copy ``source`` to ``target``, refusing to write more than ``budget`` bytes; returns what is left."""
    while chunk := source.read(CHUNK_BYTES):
        budget -= len(chunk)
        if budget < 0:
            raise InputError(f"{path}: a member holds more than its listed size; refused")
        target.write(chunk)
    return budget
