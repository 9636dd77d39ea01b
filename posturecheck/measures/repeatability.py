"""How far a figure moves when the same test is filmed again: SEM, ICC and the minimal detectable change.

Clinical goniometry judges a change between visits against the measurement's
own error (Weir 2005, J Strength Cond Res 19:231; de Vet et al. 2006, J Clin
Epidemiol 59:1033):

* the standard error of measurement, SEM = sqrt(MS_within), the pooled
  within-subject standard deviation of repeated trials (same unit as the
  figure);
* the minimal detectable change at 95 % confidence,
  MDC95 = 1.96 * sqrt(2) * SEM: a difference between two single
  measurements smaller than this is within measurement error;
* the intraclass correlation ICC(1,1) (Shrout and Fleiss 1979, one-way
  random effects, single measurement) = (MS_between - MS_within) /
  (MS_between + (k - 1) MS_within). It needs at least two subjects: with
  one person filmed k times there is no between-subject spread and it is
  not defined (``None``), while SEM and MDC95 are.

Notes
-----
SEM from three trials of one person is itself uncertain (two degrees of
freedom): its 95 % interval spans about 0.52 to 6.3 times the estimate
(chi-square), which is why a set-up's MDC should be built from several
sessions or clients where possible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

import numpy as np

# z for a two-sided 95 % interval; sqrt(2) because a change is the difference of two measurements.
Z95 = 1.959964
MDC_FACTOR = Z95 * math.sqrt(2.0)


@dataclass(frozen=True)
class Repeatability:
    """The repeatability of one figure from repeated trials.

    Attributes
    ----------
    subjects : how many people (or sets of trials) it rests on.
    trials : trials per subject.
    mean : the grand mean of all trials, in the figure's unit.
    sem : standard error of measurement, same unit.
    mdc95 : minimal detectable change at 95 % confidence, same unit.
    icc : ICC(1,1); ``None`` with one subject.
    """

    subjects: int
    trials: int
    mean: float
    sem: float
    mdc95: float
    icc: float | None


def repeatability(trials: np.ndarray) -> Repeatability:
    """SEM, MDC95 and ICC(1,1) of repeated trials.

    Parameters
    ----------
    trials : (S, K) array, or (K,) for one subject: K >= 2 repeated
        measurements of the same figure for each of S subjects, finite.

    Raises
    ------
    ValueError
        Fewer than two trials per subject, or a value that is not finite.
    """
    values = np.atleast_2d(np.asarray(trials, dtype=np.float64))
    subjects, k = values.shape
    if k < 2:
        raise ValueError(f"repeatability needs at least 2 trials per subject, got {k}")
    if not np.isfinite(values).all():
        raise ValueError("repeatability needs finite values for every trial")
    subject_means = values.mean(axis=1)
    ms_within = float(((values - subject_means[:, None]) ** 2).sum() / (subjects * (k - 1)))
    sem = math.sqrt(ms_within)
    icc = None
    if subjects >= 2:
        ms_between = float(k * ((subject_means - values.mean()) ** 2).sum() / (subjects - 1))
        denominator = ms_between + (k - 1) * ms_within
        icc = (ms_between - ms_within) / denominator if denominator > 0 else None
    return Repeatability(subjects, k, float(values.mean()), sem, MDC_FACTOR * sem, icc)


class ChangeVerdict(Enum):
    """A change between two visits judged against the measurement's error."""

    BEYOND_ERROR = "beyond measurement error"
    WITHIN_ERROR = "within measurement error"


def judge_change(before: float, after: float, mdc: float) -> ChangeVerdict:
    """Whether ``after - before`` is larger than the minimal detectable change ``mdc`` (same unit, > 0)."""
    if not mdc > 0:
        raise ValueError(f"the minimal detectable change must be positive, got {mdc}")
    return ChangeVerdict.BEYOND_ERROR if abs(after - before) > mdc else ChangeVerdict.WITHIN_ERROR
