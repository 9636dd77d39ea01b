"""Keep an analysis in a client's history: the step ``history add`` and the app's Keep button share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from posturecheck.results.folder import open_result_folder
from posturecheck.storage.errors import HistoryError
from posturecheck.storage.history import History, client_code
from posturecheck.storage.history_entry import HistoryEntry, history_entry
from posturecheck.storage.records import ClientInfo


@dataclass(frozen=True)
class KeptSession:
    """What :func:`keep_in_history` stored.

    Attributes
    ----------
    session_id : the new session's id.
    client : the client it was stored for.
    new_client : ``True`` when the client was created for this session.
    entry : the session's content (date, assessment, key figures, files).
    """

    session_id: int
    client: ClientInfo
    new_client: bool
    entry: HistoryEntry


def keep_in_history(
    history: History,
    folder: str | Path,
    code: str,
    person: int | None = None,
    recorded_at: datetime | None = None,
) -> KeptSession:
    """Save the analysis in ``folder`` as a session of client ``code``, creating the client if new.

    All or nothing: the client (when new) and the session are stored in one
    transaction, so no client is left without it. ``person`` and
    ``recorded_at`` are as for :func:`~posturecheck.storage.history_entry.history_entry`.
    The session owns the analysis's files inside ``folder`` (deleting the
    client deletes them), never a file the summary names elsewhere.

    Raises
    ------
    InputError
        If the folder is not an analysis that names one person.
    HistoryError
        If ``code`` is blank or too long, or the history refuses the session.
    """
    code, folder = client_code(code), Path(folder)
    entry = history_entry(open_result_folder(folder), person, recorded_at)
    try:
        saved = history.save_client_session(
            code,
            entry.assessment,
            entry.recorded_at,
            entry.result,
            entry.measures,
            entry.media,
            source_name=entry.source_name,
            result_version=entry.result_version,
            media_folder=folder,
        )
    except ValueError as exc:
        raise HistoryError(f"{folder}: the analysis cannot be saved ({exc})") from exc
    return KeptSession(saved.session_id, saved.client, saved.new_client, entry)
