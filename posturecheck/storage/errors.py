"""The error a user may see from the history database."""

from __future__ import annotations

from posturecheck.errors import PostureCheckError


class HistoryError(PostureCheckError):
    """The history cannot do what was asked: unknown client, duplicate code, bad import, unusable database."""


def unusable_database(where: str, reason: object) -> HistoryError:
    """The one-line error for a history database that cannot be opened or read (no SQL in it).

    ``where`` names the file (SQLite) or the URL, password hidden; ``reason`` is the driver's own words.
    """
    return HistoryError(
        f"{where}: cannot use the history database ({reason}); if the file is damaged, move it aside "
        "to start a new history, or put back a backup"
    )
