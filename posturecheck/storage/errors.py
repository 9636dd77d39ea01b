"""The error a user may see from the history database."""

from __future__ import annotations

from posturecheck.errors import PostureCheckError


class HistoryError(PostureCheckError):
    """The history cannot do what was asked: unknown client, duplicate code, bad import, unusable database."""
