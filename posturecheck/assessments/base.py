"""The shape every assessment has: what it is for, how to film it, what it measures and against what.

Each assessment module builds one :class:`Assessment`; the registry in
:mod:`posturecheck.assessments` lists them. A front end shows the
instructions, runs the pose model on the footage, computes a
:class:`~posturecheck.measures.table.MeasureTable` per person slot with
detections (:func:`posturecheck.measures.pipeline.compute_measures`) and
calls :meth:`Assessment.run`, with the analysis' tracking result
(:class:`~posturecheck.pose.tracking.TrackedSeries`) when it has one, so an
assessment that follows people uses those tracks instead of tracking again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from posturecheck.assessments.result import AssessmentResult, NormalRange
from posturecheck.io.kinds import Expect
from posturecheck.measures.table import MeasureTable
from posturecheck.pose.series import PeopleSeries, PoseSeries
from posturecheck.pose.tracking import TrackedSeries

Runner = Callable[[PeopleSeries, list[MeasureTable]], AssessmentResult]
TrackedRunner = Callable[[TrackedSeries, list[MeasureTable]], AssessmentResult]


@dataclass(frozen=True)
class Assessment:
    """A named, guided assessment.

    Attributes
    ----------
    name : the CLI name, e.g. ``"thomas-test"``.
    title : a human title.
    purpose : what it tells the user, in a sentence or two.
    instructions : setup and protocol steps (camera height and distance,
        which side, what to wear, what to do, for how long).
    view_needed : the view in words; it is checked on the footage.
    input_kind : ``"clip"`` (needs a video), ``"image"`` or ``"any"``.
    max_people : people it assesses at once (1 for all but ``"class"``).
    needs_masks : it uses silhouette measures, so the pose model should keep
        segmentation masks (it still runs without them, with a warning).
    measures_used : measure names (columns of the measure table) it reads.
    summary_method : how it summarises them, in words.
    norms : the reference ranges its findings are compared with, each naming
        its source.
    education_topic : the educational note it points to.
    runner : the function behind :meth:`run`.
    tracked_runner : for assessments that follow people (``"class"``), the
        function behind :meth:`run` when it is given a tracking result;
        ``None`` for the others, which take the tracked series' landmarks.
    """

    name: str
    title: str
    purpose: str
    instructions: tuple[str, ...]
    view_needed: str
    input_kind: Expect
    max_people: int
    needs_masks: bool
    measures_used: tuple[str, ...]
    summary_method: str
    norms: tuple[NormalRange, ...]
    education_topic: str
    runner: Runner = field(repr=False, compare=False)
    tracked_runner: TrackedRunner | None = field(default=None, repr=False, compare=False)

    def run(self, series: PoseSeries | TrackedSeries, tables: list[MeasureTable]) -> AssessmentResult:
        """Assess ``series``.

        Parameters
        ----------
        series : PoseSeries or TrackedSeries
            The landmarks of the footage (all person slots), or the tracking
            result of an analysis (:attr:`posturecheck.analyze.AnalysisResult.tracked`):
            its tracks are then used as they are, never tracked again.
        tables : list of MeasureTable
            ``compute_measures(series, slot, options)`` (on the tracked
            series' landmarks when ``series`` is a tracking result) for each
            person slot with detections. Single-person assessments take the
            person seen in most frames and say so in a warning when there
            were several.

        Returns
        -------
        AssessmentResult
            With ``view_ok`` False and a message saying what to change when
            the footage does not suit the assessment.
        """
        if isinstance(series, TrackedSeries) and self.tracked_runner is not None:
            return self.tracked_runner(series, tables)
        # A tracked series is read one person at a time (never every frame of everyone).
        return self.runner(series, tables)
