"""Plain values going in and out of the history: no database objects leave :mod:`posturecheck.storage`.

Times are timezone-aware :class:`~datetime.datetime` values; the history
stores and returns them in UTC.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class MeasureValue:
    """One key figure of a session, kept apart from the result JSON so progress can be queried.

    Attributes
    ----------
    name : measure name, e.g. ``"hip_flexion_left_max"``; progress is queried by it.
    value : the figure, in ``unit``; NaN when no frame gave a valid value.
    unit : e.g. ``"deg"``, ``"cm"``, ``""`` for a ratio.
    valid_fraction : fraction (0..1) of the frames the value could have come from (the person in view)
        that it was computed from.
    """

    name: str
    value: float
    unit: str
    valid_fraction: float

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a measure needs a name")
        if not 0.0 <= self.valid_fraction <= 1.0:
            raise ValueError(
                f"measure {self.name!r}: valid_fraction {self.valid_fraction} is not within 0..1"
            )

    @property
    def is_measured(self) -> bool:
        """``True`` when the value is a finite number."""
        return math.isfinite(self.value)


@dataclass(frozen=True)
class MeasurementError:
    """How far one key figure moves when the same test is filmed again: a set-up's repeatability, kept.

    Made by ``posturecheck repeatability`` (see :mod:`posturecheck.measures.repeatability`)
    and kept for one client, or as the clinic's default for an assessment.
    A change between two visits larger than ``mdc95`` is beyond this error.

    Attributes
    ----------
    assessment : the assessment the clips were graded with, or ``"analysis"`` for measurements
        alone; it applies to visits of that assessment only.
    name : the key figure, as the sessions' measures name it (e.g. ``"hip_flexion_left_max"``).
    unit : the figure's unit.
    sem : standard error of measurement, in ``unit``, >= 0.
    mdc95 : minimal detectable change at 95 % confidence (1.96 * sqrt(2) * SEM), in ``unit``, > 0.
    trials : how many clips it rests on (>= 2).
    confidence : the lowest confidence ("high" or "low") among the clips' values.
    measured_at : when the repeatability was run (timezone-aware).
    client_id : the client it was measured on; ``None`` for the clinic's default.
    """

    assessment: str
    name: str
    unit: str
    sem: float
    mdc95: float
    trials: int
    confidence: str
    measured_at: datetime
    client_id: int | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.sem) and self.sem >= 0):
            raise ValueError(f"measurement error of {self.name!r}: SEM {self.sem} is not a number >= 0")
        if not (math.isfinite(self.mdc95) and self.mdc95 > 0):
            raise ValueError(
                f"measurement error of {self.name!r}: MDC95 {self.mdc95} is not a number > 0 "
                "(identical clips measure no error)"
            )
        if self.trials < 2:
            raise ValueError(f"measurement error of {self.name!r} needs at least 2 trials, got {self.trials}")


@dataclass(frozen=True)
class MediaFile:
    """A file on disk listed by one session.

    Attributes
    ----------
    kind : what the file is, e.g. ``"annotated_video"``, ``"landmarks"``, ``"summary"``, ``"report"``.
    path : where it is; the history keeps it as an absolute path.
    owned : as read back from the history: ``True`` when the history owns the file and deletes it
        with the client (:mod:`.ownership` decides on saving; a value given to a save is not used).
    """

    kind: str
    path: Path
    owned: bool = False


@dataclass(frozen=True)
class ClientInfo:
    """A client (or the home user themself) as stored.

    ``code`` is whatever the user chose to tell clients apart (a name or a
    pseudonymous code); it is unique in one history.
    """

    id: int
    code: str
    created_at: datetime
    notes: str


@dataclass(frozen=True)
class SessionData:
    """A session to store: what :meth:`History.save_session` is given or an export holds.

    Attributes
    ----------
    recorded_at : when the footage was recorded (UTC).
    assessment : name of the assessment protocol that produced ``result``.
    source_name : file name of the analysed clip or photo (no folder), or ``""``.
    result : the assessment's result, as JSON.
    result_version : version of the layout of ``result``, so readers can interpret old results.
    measures : the session's key figures.
    media : files on disk that belong to the session.
    """

    recorded_at: datetime
    assessment: str
    source_name: str
    result: dict[str, Any]
    result_version: int
    measures: tuple[MeasureValue, ...] = field(default=())
    media: tuple[MediaFile, ...] = field(default=())


@dataclass(frozen=True, kw_only=True)
class SessionInfo(SessionData):
    """One stored session: its :class:`SessionData` with its row id and its client's id."""

    id: int
    client_id: int


@dataclass(frozen=True)
class DeletionReport:
    """What :meth:`History.delete_client` removed.

    Attributes
    ----------
    client_code : the deleted client's code.
    sessions, measures, media_records : number of rows deleted from each table.
    files_removed : media files deleted from disk.
    files_missing : media files that were already gone.
    files_kept : media files not deleted because another client's session also owns them.
    files_failed : media files that could not be deleted, with the reason.
    files_not_owned : files the sessions listed but the history does not own (imported
        paths, records from before ownership was kept): left in place, never deleted.
    """

    client_code: str
    sessions: int
    measures: int
    media_records: int
    files_removed: tuple[Path, ...]
    files_missing: tuple[Path, ...]
    files_kept: tuple[Path, ...]
    files_failed: tuple[tuple[Path, str], ...]
    files_not_owned: tuple[Path, ...] = ()

    @property
    def complete(self) -> bool:
        """``True`` when no file of the client is left on disk."""
        return not self.files_kept and not self.files_failed


@dataclass(frozen=True)
class DeletionPlan:
    """What :meth:`History.delete_client` would do, to show before the user confirms.

    Attributes
    ----------
    client_code : the client's code.
    sessions : number of their sessions.
    to_remove : files the history owns for this client only: deleted with them.
    kept : files owned here that another client's session also owns: kept.
    not_owned : files listed but not owned by the history: left in place.
    """

    client_code: str
    sessions: int
    to_remove: tuple[Path, ...]
    kept: tuple[Path, ...]
    not_owned: tuple[Path, ...]


@dataclass(frozen=True)
class SavedSession:
    """What :meth:`History.save_client_session` stored.

    Attributes
    ----------
    session_id : the new session's id.
    client : the client it was stored for.
    new_client : ``True`` when the client was created for this session (in the same transaction).
    """

    session_id: int
    client: ClientInfo
    new_client: bool
