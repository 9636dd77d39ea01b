"""A client's history as one JSON document: written by export, checked and read by import.

Layout (``format_version`` 1)::

    {"format": "posturecheck-client", "format_version": 1,
     "client": {"code": str, "created_at": ISO 8601, "notes": str},
     "sessions": [{"recorded_at": ISO 8601, "assessment": str, "source_name": str,
                   "result": {...}, "result_version": int,
                   "measures": [{"name", "value" (null: not measured), "unit", "valid_fraction"}],
                   "media": [{"kind", "path"}]}],
     "measurement_errors": [{"assessment", "name", "unit", "sem", "mdc95", "trials",
                             "confidence", "measured_at": ISO 8601}]}

``measurement_errors`` (the client's own, from repeatability runs) may be
missing: exports from before it existed open with none.

Times carry their UTC offset. Media are listed by absolute path; the files
themselves are not in the document. In an archive (:mod:`.archive`) a media
entry may also name the archive member holding the file (``"file"``).

Everything read here is checked: numbers finite, texts within the lengths
the database columns take, nesting within what Python's JSON reader can
parse; a path is kept as data (:mod:`.ownership`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from posturecheck.errors import InputError
from posturecheck.storage.errors import HistoryError
from posturecheck.storage.records import (
    ClientInfo,
    MeasurementError,
    MeasureValue,
    MediaFile,
    SessionData,
    SessionInfo,
)

EXPORT_FORMAT = "posturecheck-client"
EXPORT_FORMAT_VERSION = 1


@dataclass(frozen=True)
class ClientData:
    """A client read from an export, not yet stored."""

    code: str
    created_at: datetime
    notes: str
    sessions: tuple[SessionData, ...]
    measurement_errors: tuple[MeasurementError, ...] = ()


def client_document(
    client: ClientInfo, sessions: Sequence[SessionInfo], errors: Sequence[MeasurementError] = ()
) -> dict[str, Any]:
    """The JSON-serialisable export of ``client``, their ``sessions`` and own measurement ``errors``."""
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
        "measurement_errors": [
            {
                "assessment": e.assessment,
                "name": e.name,
                "unit": e.unit,
                "sem": e.sem,
                "mdc95": e.mdc95,
                "trials": e.trials,
                "confidence": e.confidence,
                "measured_at": e.measured_at.isoformat(),
            }
            for e in errors
        ],
    }


def parse_client_json(data: bytes | str, source: str) -> dict[str, Any]:
    """The JSON object in ``data``, an export read from ``source`` (named in errors).

    Raises
    ------
    InputError
        If ``data`` is not UTF-8 JSON, holds ``NaN`` or ``Infinity`` (not JSON,
        and no measure is infinite), or is nested too deeply to read.
    HistoryError
        If it is JSON but not an object.
    """
    try:
        document = json.loads(data, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise InputError(f"{source}: nested too deeply to be a client export") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: not a JSON file (not UTF-8 text)") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not a JSON file ({exc})") from exc
    except ValueError as exc:  # from _refuse_constant
        raise InputError(f"{source}: {exc}") from exc
    if not isinstance(document, dict):
        raise HistoryError(f"{source}: not a posturecheck client export (not a JSON object)")
    return document


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"holds {name}, which is not a number JSON allows; a client export has none")


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
            measurement_errors=tuple(_error(item) for item in document.get("measurement_errors", [])),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise HistoryError(f"client import: malformed export ({type(exc).__name__}: {exc})") from exc
    except RecursionError as exc:
        raise HistoryError("client import: malformed export (nested too deeply)") from exc


def _session(item: Mapping[str, Any]) -> SessionData:
    if not isinstance(item["result"], dict):
        raise TypeError("session result is not an object")
    json.dumps(item["result"], allow_nan=False)  # ValueError on NaN or infinity
    return SessionData(
        recorded_at=_time(item["recorded_at"]),
        assessment=_text(item["assessment"], 100),
        source_name=_text(item["source_name"], 500),
        result=item["result"],
        result_version=int(item["result_version"]),
        measures=tuple(
            MeasureValue(
                _text(m["name"], 100),
                math.nan if m["value"] is None else _finite(m["value"]),
                _text(m["unit"], 20),
                _finite(m["valid_fraction"]),
            )
            for m in item["measures"]
        ),
        media=tuple(MediaFile(_text(f["kind"], 40), Path(_text(f["path"], 4096))) for f in item["media"]),
    )


def _error(item: Mapping[str, Any]) -> MeasurementError:
    return MeasurementError(
        assessment=_text(item["assessment"], 100),
        name=_text(item["name"], 100),
        unit=_text(item["unit"], 20),
        sem=_finite(item["sem"]),
        mdc95=_finite(item["mdc95"]),
        trials=int(item["trials"]),
        confidence=_text(item["confidence"], 10),
        measured_at=_time(item["measured_at"]),
    )


def _text(value: Any, limit: int | None = None) -> str:
    """``value`` if it is text of at most ``limit`` characters (the database column's size)."""
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {str(value)[:40]!r}")
    if limit is not None and len(value) > limit:
        raise ValueError(f"text {value[:20]!r}... is longer than {limit} characters")
    return value


def _finite(value: Any) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _time(value: Any) -> datetime:
    parsed = datetime.fromisoformat(_text(value))
    if parsed.tzinfo is None:
        raise ValueError(f"time {value!r} has no UTC offset")
    return parsed
