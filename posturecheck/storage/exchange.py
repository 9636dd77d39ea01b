"""A client's history as one JSON document: written by export, checked and read by import.

Layout (``format_version`` 1)::

    {"format": "posturecheck-client", "format_version": 1,
     "client": {"code": str, "created_at": ISO 8601, "notes": str},
     "sessions": [{"recorded_at": ISO 8601, "assessment": str, "source_name": str,
                   "result": {...}, "result_version": int,
                   "measures": [{"name", "value" (null: not measured), "unit", "valid_fraction"}],
                   "media": [{"kind", "path"}]}]}

Times carry their UTC offset. Media are listed by absolute path; the files
themselves are not in the document.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from posturecheck.storage.errors import HistoryError
from posturecheck.storage.records import ClientInfo, MeasureValue, MediaFile, SessionData, SessionInfo

EXPORT_FORMAT = "posturecheck-client"
EXPORT_FORMAT_VERSION = 1


@dataclass(frozen=True)
class ClientData:
    """A client read from an export, not yet stored."""

    code: str
    created_at: datetime
    notes: str
    sessions: tuple[SessionData, ...]


def client_document(client: ClientInfo, sessions: Sequence[SessionInfo]) -> dict[str, Any]:
    """The JSON-serialisable export of ``client`` and their ``sessions`` (layout in the module doc)."""
    return {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "client": {"code": client.code, "created_at": client.created_at.isoformat(), "notes": client.notes},
        "sessions": [
            {
                "recorded_at": session.recorded_at.isoformat(),
                "assessment": session.assessment,
                "source_name": session.source_name,
                "result": session.result,
                "result_version": session.result_version,
                "measures": [
                    {
                        "name": m.name,
                        "value": m.value if m.is_measured else None,
                        "unit": m.unit,
                        "valid_fraction": m.valid_fraction,
                    }
                    for m in session.measures
                ],
                "media": [{"kind": f.kind, "path": str(f.path)} for f in session.media],
            }
            for session in sessions
        ],
    }


def read_client_document(document: Mapping[str, Any]) -> ClientData:
    """Check an export and read it back.

    Raises
    ------
    HistoryError
        If ``document`` is not a posturecheck client export of a supported
        version, or a field is missing or of the wrong type.
    """
    if document.get("format") != EXPORT_FORMAT:
        raise HistoryError(
            f"client import: not a posturecheck client export (format {document.get('format')!r})"
        )
    if document.get("format_version") != EXPORT_FORMAT_VERSION:
        raise HistoryError(
            f"client import: export format version {document.get('format_version')!r} "
            f"is not supported (expected {EXPORT_FORMAT_VERSION})"
        )
    try:
        client = document["client"]
        return ClientData(
            code=_text(client["code"]),
            created_at=_time(client["created_at"]),
            notes=_text(client["notes"]),
            sessions=tuple(_session(item) for item in document["sessions"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise HistoryError(f"client import: malformed export ({type(exc).__name__}: {exc})") from exc


def _session(item: Mapping[str, Any]) -> SessionData:
    if not isinstance(item["result"], dict):
        raise TypeError("session result is not an object")
    return SessionData(
        recorded_at=_time(item["recorded_at"]),
        assessment=_text(item["assessment"]),
        source_name=_text(item["source_name"]),
        result=item["result"],
        result_version=int(item["result_version"]),
        measures=tuple(
            MeasureValue(
                _text(m["name"]),
                math.nan if m["value"] is None else float(m["value"]),
                _text(m["unit"]),
                float(m["valid_fraction"]),
            )
            for m in item["measures"]
        ),
        media=tuple(MediaFile(_text(f["kind"]), Path(_text(f["path"]))) for f in item["media"]),
    )


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {value!r}")
    return value


def _time(value: Any) -> datetime:
    parsed = datetime.fromisoformat(_text(value))
    if parsed.tzinfo is None:
        raise ValueError(f"time {value!r} has no UTC offset")
    return parsed
