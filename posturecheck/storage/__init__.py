"""Client history: clients, sessions, key figures and media files in a SQL database.

Start with :func:`open_history`; values in and out are the plain dataclasses
of :mod:`.records`. An analysis folder goes into the history through
:func:`.keep.keep_in_history` (what of it is kept: :mod:`.history_entry`).
"""

from posturecheck.storage.errors import HistoryError
from posturecheck.storage.history import History, open_history
from posturecheck.storage.records import (
    ClientInfo,
    DeletionPlan,
    DeletionReport,
    MeasurementError,
    MeasureValue,
    MediaFile,
    SessionInfo,
)

__all__ = [
    "ClientInfo",
    "DeletionPlan",
    "DeletionReport",
    "History",
    "HistoryError",
    "MeasurementError",
    "MeasureValue",
    "MediaFile",
    "SessionInfo",
    "open_history",
]
