"""Findings read from measure tables over the frames an assessment rests on."""

from __future__ import annotations

import numpy as np

from posturecheck.assessments.result import Confidence, Finding, NormalRange, finding
from posturecheck.measures.expected_error import ErrorBand, expected_error
from posturecheck.measures.summary import confidence_label, tracking_label
from posturecheck.measures.table import Measure, MeasureTable
from posturecheck.measures.uncertainty import interval_95


def confidence_of(fraction_valid: float, band: ErrorBand | None) -> Confidence:
    """Confidence of a measured angle, as ``summary.confidence_label`` gives it.

    From the valid share and the error measured for the case (``band``,
    :func:`error_band`; None where no reference measured one, which is never
    "high").
    """
    return _as_confidence(confidence_label(fraction_valid, band.mae_deg if band is not None else None))


def tracking_confidence(fraction_seen: float) -> Confidence:
    """Confidence of a figure that is not a measured angle (a count, a time), from the tracked share."""
    return _as_confidence(tracking_label(fraction_seen))


def _as_confidence(label: str) -> Confidence:
    return "high" if label == "high" else "low" if label == "low" else "none"


_RANK: dict[Confidence, int] = {"none": 0, "low": 1, "high": 2}


def capped_confidence(confidence: Confidence, *caps: Confidence) -> Confidence:
    """The lowest of ``confidence`` and ``caps``.

    For a reading with a confidence of its own (a rule near its band's edge,
    a number of strides) that rests on figures with their own confidence.
    """
    return min((confidence, *caps), key=lambda c: _RANK[c])


def window_median(measure: Measure, rows: np.ndarray) -> tuple[float, float]:
    """Median of the valid values of ``measure`` in the frames ``rows``, and the valid share of those frames.

    Returns NaN and 0.0 when no frame is selected or none is valid.
    """
    n = int(rows.sum())
    use = rows & measure.valid & np.isfinite(measure.values)
    if n == 0 or not use.any():
        return float("nan"), 0.0
    return float(np.median(measure.values[use])), float(use.sum() / n)


def error_band(table: MeasureTable, name: str, rows: np.ndarray) -> ErrorBand | None:
    """The error measured for measure ``name`` over the frames ``rows`` ((F,) bool); None if none was.

    As the summary reads it (:func:`posturecheck.measures.expected_error.expected_error`): the
    measure's variant, the median view of its valid frames among ``rows``, and whether the
    camera roll was given or estimated from the scene (``TiltUsed.roll_source == "given"``;
    read as known when the table does not say).
    """
    measure = table.measures.get(name)
    if measure is None:
        return None
    views = table.view.off_side_deg[rows & measure.valid]
    views = views[np.isfinite(views)]
    tilt = table.camera_tilt
    roll_known = tilt.roll_source == "given" if tilt is not None else None
    return expected_error(name, measure.method, float(np.median(views)) if views.size else np.nan, roll_known)


def measure_finding(
    table: MeasureTable,
    name: str,
    rows: np.ndarray,
    label: str,
    normal: NormalRange | None = None,
    note: str = "",
    unit: str = "",
) -> Finding:
    """A finding holding the median of measure ``name`` over the frames ``rows``.

    Confidence follows :func:`posturecheck.measures.summary.confidence_label`
    of the valid share of those frames and the error measured for the case
    (:func:`error_band`), on which the 95 % interval rests too. A measure the table lacks (e.g. a
    silhouette measure without masks) gives no value, confidence "none" and
    the ``unit`` given.
    """
    measure = table.measures.get(name)
    if measure is None:
        return finding(name, label, None, unit, normal, "none", 0.0, note)
    value, fraction = window_median(measure, rows)
    band = error_band(table, name, rows)
    return finding(
        name,
        label,
        value,
        measure.unit,
        normal,
        confidence_of(fraction, band),
        fraction,
        note,
        interval_95(band),
    )
