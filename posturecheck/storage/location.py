"""Where the history database lives: a URL from the caller, the environment, or the user's data folder.

Precedence: an explicit URL, then ``POSTURECHECK_DB_URL``, then a SQLite file
``history.db`` in the platform's per-user data folder (no extra dependency:
the conventions are spelled out below).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import URL, make_url

URL_VARIABLE = "POSTURECHECK_DB_URL"
DATABASE_FILE = "history.db"
APP_FOLDER = "posturecheck"
KEPT_FOLDER = "kept"


def default_data_dir(platform: str | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The per-user folder where posturecheck keeps its data.

    Parameters
    ----------
    platform : ``sys.platform`` value to follow; the running one by default.
    environ : environment variables to read; ``os.environ`` by default.

    Returns
    -------
    Path
        ``%APPDATA%\\posturecheck`` on Windows, ``~/Library/Application Support/posturecheck``
        on macOS, otherwise ``$XDG_DATA_HOME/posturecheck`` or
        ``~/.local/share/posturecheck``. The folder is not created.

    Notes
    -----
    The XDG Base Directory specification says a relative ``XDG_DATA_HOME`` is
    invalid and must be ignored, so only an absolute one is used.
    """
    platform = sys.platform if platform is None else platform
    environ = os.environ if environ is None else environ
    home = Path(environ.get("HOME") or Path.home())
    if platform == "win32":
        appdata = environ.get("APPDATA")
        base = Path(appdata) if appdata else home / "AppData" / "Roaming"
    elif platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = environ.get("XDG_DATA_HOME", "")
        base = Path(xdg) if os.path.isabs(xdg) else home / ".local" / "share"
    return base / APP_FOLDER


def database_url(url: str | None = None, environ: Mapping[str, str] | None = None) -> URL:
    """The database to open, as a SQLAlchemy URL.

    Parameters
    ----------
    url : e.g. ``"postgresql+psycopg://clinic@dbhost/posturecheck"`` or
        ``"sqlite:////path/history.db"``; ``None`` to use the environment or the default.
    environ : environment variables to read; ``os.environ`` by default.

    Returns
    -------
    URL
        ``url`` if given, else ``$POSTURECHECK_DB_URL`` if set and not empty,
        else a SQLite file in :func:`default_data_dir` (whose folder is created).
    """
    environ = os.environ if environ is None else environ
    chosen = url or environ.get(URL_VARIABLE, "").strip()
    if chosen:
        return make_url(chosen)
    folder = default_data_dir(environ=environ)
    folder.mkdir(parents=True, exist_ok=True)
    return URL.create("sqlite", database=str(folder / DATABASE_FILE))


def kept_results_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where the app keeps copies of the analyses it saves to the history (``kept`` in the data folder).

    The app's own results live in a temporary folder that goes when its
    session ends; a kept session's files must outlive it. Not created here.
    """
    return default_data_dir(environ=environ) / KEPT_FOLDER
