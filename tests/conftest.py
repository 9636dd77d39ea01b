"""Shared fixtures: the real analysis of the sample walk, run once per session; a private data folder;
an empty history database on SQLite or on a real PostgreSQL server started for the run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from posturecheck.analyze import AnalysisResult, AnalyzeOptions, analyze_file
from tests.media import WALK_CLIP

if TYPE_CHECKING:
    from tests.postgresql_cluster import Cluster


@pytest.fixture(scope="session")
def walk_analysis(tmp_path_factory: pytest.TempPathFactory) -> AnalysisResult:
    """``analyze`` on samples/walk_side.mp4 with segmentation masks, written to a temp folder."""
    out: Path = tmp_path_factory.mktemp("walk")
    return analyze_file(WALK_CLIP, AnalyzeOptions(out_dir=out, masks=True, progress=False))


@pytest.fixture(autouse=True)
def private_data_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets a data folder of its own, so none reads or writes the user's real history."""
    folder = tmp_path_factory.mktemp("data_home")
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    monkeypatch.delenv("POSTURECHECK_DB_URL", raising=False)
    return folder


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def postgresql_cluster() -> Iterator[Cluster]:
    """One throwaway PostgreSQL cluster for the whole run (see :mod:`tests.postgresql_cluster`).

    Without PostgreSQL the tests that need it skip with the reason, except
    in CI (``CI=true``), where they fail: an untested database is not a pass.
    """
    from tests.postgresql_cluster import missing_reason, throwaway_cluster

    reason = missing_reason()
    if reason is not None:
        if _in_ci():
            pytest.fail(f"PostgreSQL tests cannot run in CI: {reason}", pytrace=False)
        pytest.skip(f"PostgreSQL history tests not run: {reason}")
    with throwaway_cluster() as cluster:
        yield cluster


@pytest.fixture(params=["sqlite", "postgresql"])
def history_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty history database: a SQLite file, then a new database on the run's PostgreSQL cluster."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'history.db'}"
        return
    cluster: Cluster = request.getfixturevalue("postgresql_cluster")
    name = cluster.create_database()
    try:
        yield cluster.url(name)
    finally:
        cluster.drop_database(name)
