"""The Class review page with AppTest, on the real analysis of the two-people sample."""

from __future__ import annotations

import base64
from pathlib import Path

import cv2
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from posturecheck.analyze import AnalysisResult, AnalyzeOptions, analyze_file
from posturecheck.app.thumbnails import THUMBNAIL_HEIGHT, thumbnails
from posturecheck.assessments import get_assessment
from tests.media import TWO_PEOPLE_CLIP

pytestmark = pytest.mark.slow

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(scope="module")
def two_people(tmp_path_factory: pytest.TempPathFactory) -> AnalysisResult:
    out = tmp_path_factory.mktemp("two")
    return analyze_file(TWO_PEOPLE_CLIP, AnalyzeOptions(out_dir=out, num_people=4, progress=False))


def _jpeg(url: str) -> np.ndarray:
    assert url.startswith("data:image/jpeg;base64,")
    image = cv2.imdecode(np.frombuffer(base64.b64decode(url.split(",", 1)[1]), np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def test_each_person_gets_a_thumbnail_of_their_clearest_frame(two_people: AnalysisResult) -> None:
    people = get_assessment("class").run(two_people.tracked, two_people.tables).details["people"]
    source = two_people.series.source
    urls = thumbnails(TWO_PEOPLE_CLIP, people, (source.width, source.height))
    assert len(urls) == len(people) == 2
    for url, person in zip(urls, people, strict=True):
        image = _jpeg(url)
        x0, y0, x1, y1 = person["thumbnail"]["box_px"]
        assert image.shape[0] == THUMBNAIL_HEIGHT
        assert image.shape[1] == pytest.approx(THUMBNAIL_HEIGHT * (x1 - x0) / (y1 - y0), abs=3)


def test_the_table_lists_everyone_and_a_pick_shows_their_figures(
    monkeypatch: pytest.MonkeyPatch, two_people: AnalysisResult
) -> None:
    asked: list[AnalyzeOptions] = []

    def analyse(path: Path, options: AnalyzeOptions) -> AnalysisResult:
        asked.append(options)
        return two_people

    monkeypatch.setattr("posturecheck.app.analysis.analyze_file", analyse)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("posturecheck/app/page_scripts/class_review.py").run()
    assert at.selectbox(key="class.sample").value == "two_people.mp4"
    at.button(key="class.run").click().run()
    assert not at.exception and asked[0].num_people == 4 and asked[0].expect == "clip"
    table = at.dataframe[0].value
    assert list(table["person"]) == ["person 1", "person 2"]
    assert all(url.startswith("data:image/jpeg;base64,") for url in table["photo"])
    assert all("valid" in text or text == "–" for text in table["most hip flexion L"])
    # Each figure says how sure it is: a ± where an error was measured, else that none was; never
    # "high" without a ±.
    cells = [text for side in "LR" for text in table[f"most hip flexion {side}"] if text != "–"]
    assert cells and all(("±" in text) != ("no uncertainty recorded" in text) for text in cells)
    assert all("±" in text for text in cells if "(high" in text)
    assert any("Click a row" in info.value for info in at.info)
    at.session_state["class.table"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert not at.exception and [s.value for s in at.subheader] == ["Person 2"]
    assert "Person 2: left hip, most flexion" in [m.value.strip("*") for m in at.markdown]
    assert {"Hip flexion, left", "Trunk inclination"} <= {m.label for m in at.metric}
    assert len(asked) == 1  # picking a row does not run the model again
