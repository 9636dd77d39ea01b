"""The Analyse page offers the TRC, MOT and C3D files of its analysis for download."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from posturecheck.analyze import AnalysisResult, AnalyzeOptions
from posturecheck.app.results import EXPORT_DOWNLOADS
from posturecheck.exports import EXPORT_FORMATS, write_exports

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.mark.slow
def test_the_analyse_page_asks_for_every_export_and_offers_each_file(
    monkeypatch: pytest.MonkeyPatch, walk_analysis: AnalysisResult
) -> None:
    seen: list[AnalyzeOptions] = []

    def analyse(path: Path, options: AnalyzeOptions) -> AnalysisResult:
        seen.append(options)
        stem = walk_analysis.summary_path.name.removesuffix(".summary.json")
        written = write_exports(
            walk_analysis.series, walk_analysis.tables, options.exports, options.out_dir, stem
        )
        return replace(walk_analysis, export_paths=written)

    monkeypatch.setattr("posturecheck.app.analysis.analyze_file", analyse)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.button(key="analyse.run").click().run()
    assert not at.exception and len(seen) == 1
    assert seen[0].exports == EXPORT_FORMATS
    labels = [button.proto.label for button in at.get("download_button")]
    people = len(walk_analysis.tables)
    for label, _ in EXPORT_DOWNLOADS.values():
        assert sum(text.startswith(label) for text in labels) == people, (label, labels)
