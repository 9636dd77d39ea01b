"""A throwaway PostgreSQL cluster for the tests, from the system's PostgreSQL binaries.

``initdb`` makes a cluster in a new temporary folder; the server listens on
a Unix socket in that folder only (no TCP port, nothing reachable from the
network, and only the folder's owner can reach the socket) and trusts local
connections. Debian's ``postgresql`` package puts the binaries in
``/usr/lib/postgresql/<version>/bin``. PostgreSQL refuses to run as root, so
under root the cluster is made and run as the ``postgres`` system user.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SYSTEM_BINARIES = Path("/usr/lib/postgresql")
BINDIR_VARIABLE = "POSTURECHECK_PG_BINDIR"
SERVICE_USER = "postgres"
PORT = 5432  # names the socket file only: the server opens no TCP port
START_TIMEOUT_S = 120
_names = itertools.count(1)


def postgres_bindir() -> Path | None:
    """The folder with ``initdb`` and ``pg_ctl``, ``None`` if there is none.

    ``$POSTURECHECK_PG_BINDIR`` if set (and only it), else the newest Debian version, else the one on PATH.
    """
    chosen = os.environ.get(BINDIR_VARIABLE)
    if chosen:  # when set, only there
        candidates = [Path(chosen)]
    else:
        candidates = sorted(SYSTEM_BINARIES.glob("*/bin"), key=_version_key, reverse=True)
        on_path = shutil.which("pg_ctl")
        if on_path:
            candidates.append(Path(on_path).parent)
    for folder in candidates:
        if all(os.access(folder / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def missing_reason() -> str | None:
    """Why no cluster can be started here, or ``None`` when one can."""
    if importlib.util.find_spec("psycopg") is None:
        return "the psycopg driver is not installed: pip install 'psycopg[binary]' (the postgresql extra)"
    if postgres_bindir() is None:
        return (
            f"no PostgreSQL server binaries (initdb, pg_ctl) in {SYSTEM_BINARIES}/*/bin, "
            f"${BINDIR_VARIABLE} or PATH: apt-get install postgresql"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVICE_USER)
        except KeyError:
            return f"running as root and there is no {SERVICE_USER!r} user to run PostgreSQL as"
    return None


@dataclass(frozen=True)
class Cluster:
    """A running throwaway cluster: its socket folder and superuser."""

    socket_dir: Path
    user: str = SERVICE_USER

    def url(self, database: str) -> str:
        """SQLAlchemy URL of ``database`` on this cluster, through the psycopg driver."""
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.socket_dir}&port={PORT}"

    def _admin(self) -> Any:
        import psycopg  # the postgresql extra; missing_reason says when it is not installed

        return psycopg.connect(
            host=str(self.socket_dir), port=PORT, user=self.user, dbname="postgres", autocommit=True
        )

    def create_database(self) -> str:
        """A new empty database; returns its name."""
        name = f"history_test_{next(_names)}"
        with self._admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        """Drop ``name``, ending any connection still open to it."""
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """Start a new cluster in a temporary folder; stop it and delete the folder on exit.

    Raises
    ------
    RuntimeError
        If there is no PostgreSQL to run (:func:`missing_reason`) or the server does not start;
        the message includes the server's log.
    """
    reason = missing_reason()
    bindir = postgres_bindir()
    if reason is not None or bindir is None:
        raise RuntimeError(reason)
    folder = Path(tempfile.mkdtemp(prefix="posturecheck-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        account = pwd.getpwnam(SERVICE_USER)
        os.chown(folder, account.pw_uid, account.pw_gid)
        as_user = ["runuser", "-u", SERVICE_USER, "--"]
    data, log = folder / "data", folder / "server.log"
    options = f"-c listen_addresses='' -c unix_socket_directories='{folder}' -c port={PORT} -c fsync=off"

    def run(*command: str) -> None:
        done = subprocess.run(
            [*as_user, *command], cwd=folder, capture_output=True, text=True, timeout=START_TIMEOUT_S
        )
        if done.returncode != 0:
            server_log = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}{server_log}")

    try:
        run(str(bindir / "initdb"), "-D", str(data), "-U", SERVICE_USER, "--auth=trust", "-E", "UTF8",
            "--locale=C", "--no-sync")  # fmt: skip
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w",
            "-t", str(START_TIMEOUT_S), "start")  # fmt: skip
        try:
            yield Cluster(folder)
        finally:
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _version_key(bindir: Path) -> tuple[int, ...]:
    """``(15,)`` for ``/usr/lib/postgresql/15/bin``, so 15 sorts after 9.6."""
    return tuple(int(part) for part in bindir.parent.name.split(".") if part.isdigit())
