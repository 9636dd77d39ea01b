"""Shared fixtures: the real analysis of the sample walk, run once per session; a private data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from posturecheck.analyze import AnalysisResult, AnalyzeOptions, analyze_file
from tests.media import WALK_CLIP


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
