"""The batch's files: ``batch.csv`` (key figures, a row per input, person and figure) and ``batch.json``.

``batch.csv`` holds no timings and its rows are sorted (input, person,
figure), so the same inputs and options give the same file byte for byte
whatever the engine and the order jobs finished in. Timings go to ``batch.json``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from posturecheck.batch.resume import Outcome
from posturecheck.errors import InputError
from posturecheck.results.folder import open_result_folder
from posturecheck.storage.history_entry import key_figure_confidence, key_measures
from posturecheck.summary_schema import AnalysisSummary

TABLE_NAME = "batch.csv"
RECORD_NAME = "batch.json"
COLUMNS = (
    "input",
    "result",
    "status",
    "person",
    "figure",
    "value",
    "unit",
    "valid_share",
    "confidence",
    "grade",
)

Row = tuple[str, ...]


def input_rows(outcome: Outcome, out_dir: Path) -> list[Row]:
    """The key figures of one input's result folder; one row with the status alone when there are none.

    Per person (numbered from 1, as the summary does): each measure's
    median, max, min and range over valid frames (see
    :func:`~posturecheck.storage.history_entry.key_measures`). An
    assessment's findings come with the person it graded (empty when it
    graded several), with their confidence and grade ("within", "above",
    ...); other figures have the confidence of their valid share and no grade.
    """
    head = (outcome.input, outcome.result if outcome.recorded else "", outcome.status)
    summary = _summary(out_dir / outcome.result) if outcome.recorded else None
    figures = _figure_rows(summary) if summary is not None else []
    return [head + figure for figure in figures] or [head + ("",) * (len(COLUMNS) - len(head))]


def _summary(folder: Path) -> AnalysisSummary | None:
    try:
        return open_result_folder(folder).summary
    except InputError:
        return None


def _figure_rows(summary: AnalysisSummary) -> list[Row]:
    rows: list[Row] = []
    assessment = summary.assessment
    findings = assessment.findings if assessment is not None else ()
    graded = assessment.people if assessment is not None else ()
    graded_person = str(int(graded[0]) + 1) if len(graded) == 1 else ""
    for finding in findings:
        rows.append(
            (
                graded_person,
                finding.name,
                _value(finding.value),
                finding.unit,
                _value(finding.fraction_valid),
                finding.confidence,
                finding.status,
            )
        )
    finding_names = {f.name for f in findings}
    for person in summary.people:
        for figure in key_measures(summary, person.person):
            if figure.name in finding_names:
                continue
            rows.append(
                (
                    str(person.person),
                    figure.name,
                    _value(figure.value),
                    figure.unit,
                    _value(figure.valid_fraction),
                    key_figure_confidence(summary, person.person, figure),
                    "",
                )
            )
    return rows


def _value(value: object) -> str:
    """A number as the shortest text that reads back the same; NaN and ``None`` as empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if not math.isfinite(value) else repr(value)
    return str(value)


def write_table(outcomes: Sequence[Outcome], out_dir: Path) -> Path:
    """Write ``out_dir/batch.csv`` from the outcomes' result folders, rows sorted; returns its path."""
    rows = sorted(row for outcome in outcomes for row in input_rows(outcome, out_dir))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return _write_atomically(out_dir / TABLE_NAME, buffer.getvalue())


def write_record(
    outcomes: Sequence[Outcome], not_done: Sequence[str], settings: dict[str, Any], out_dir: Path
) -> Path:
    """Write ``out_dir/batch.json``: counts, settings, options, each input's outcome; returns its path."""
    counts = {status: sum(o.status == status for o in outcomes) for status in ("ok", "partial", "failed")}
    record = {
        **settings,
        "counts": {**counts, "skipped": sum(o.skipped for o in outcomes), "not_done": len(not_done)},
        "inputs": [asdict(o) for o in sorted(outcomes, key=lambda o: o.input)],
        "not_done": list(not_done),
    }
    return _write_atomically(out_dir / RECORD_NAME, json.dumps(record, indent=2))


def _write_atomically(path: Path, text: str) -> Path:
    temp = path.with_name(f".{path.name}.writing")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
    return path
