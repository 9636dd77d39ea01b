"""A folder written by ``posturecheck analyze``: its summary, the files beside it, the clip it came from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePath

import av

from posturecheck.errors import InputError
from posturecheck.storage.ownership import owned_file
from posturecheck.summary_schema import SUMMARY_SUFFIX, AnalysisSummary, read_summary


@dataclass(frozen=True)
class ResultFolder:
    """One analysis on disk.

    Attributes
    ----------
    folder : the folder holding the results.
    summary_path : its ``<stem>.summary.json``.
    summary : that file's content.
    """

    folder: Path
    summary_path: Path
    summary: AnalysisSummary

    def output(self, key: str) -> Path | None:
        """A file the summary lists under ``outputs`` (``"landmarks"``, ``"annotated_video"``, ``"csv"``).

        Only the file of that name in :attr:`folder` (resolved), and only if
        it stays inside the folder (:func:`~posturecheck.storage.ownership.owned_file`):
        the summary's path is data, so neither an absolute path, ``..`` steps
        nor a symlink in the folder lead to a file elsewhere. ``None`` when
        not written, no longer there, or outside the folder (a CSV written
        elsewhere with ``--csv`` stays the user's).
        """
        name = self.summary.outputs.named(key)
        if not name:
            return None
        return owned_file(self.folder / PurePath(name).name, self.folder)

    def exports(self) -> list[Path]:
        """The export files (TRC, MOT, C3D) listed under ``outputs.exports``, found as by :meth:`output`."""
        found = (
            owned_file(self.folder / PurePath(name).name, self.folder)
            for name in self.summary.outputs.exports
        )
        return [path for path in found if path is not None]

    def input_clip(self) -> Path | None:
        """The analysed clip or photo if it is still where the summary says (or beside the results)."""
        given = Path(self.summary.input)
        if not given.name:
            return None
        for candidate in (given, self.folder / given.name):
            if candidate.exists():
                return candidate
        return None


def open_result_folder(folder: str | Path) -> ResultFolder:
    """Read the analysis in ``folder``.

    Raises
    ------
    InputError
        If ``folder`` is not a folder, holds no summary or more than one, or
        the summary is not a posturecheck analysis summary this release reads
        (:class:`~posturecheck.summary_schema.SummaryError`).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder of analysis results")
    summaries = sorted(folder.glob(f"*{SUMMARY_SUFFIX}"))
    if not summaries:
        raise InputError(
            f"{folder}: no analysis summary (*{SUMMARY_SUFFIX}) in it; run 'posturecheck analyze' first"
        )
    if len(summaries) > 1:
        names = ", ".join(path.name for path in summaries)
        raise InputError(
            f"{folder}: holds {len(summaries)} analyses ({names}); analyse each clip into its own folder"
        )
    path = summaries[0]
    return ResultFolder(folder, path, read_summary(path))


def recording_time(result: ResultFolder) -> tuple[datetime, str]:
    """When the footage was recorded, as well as can be told, and how that was found.

    Returns
    -------
    (datetime, str)
        Timezone-aware time and its origin: the clip's ``creation_time``
        metadata (phones and cameras write it) when the clip is still there
        and has it; otherwise the time the analysis was written.
    """
    clip = result.input_clip()
    if clip is not None and clip.is_file():
        created = _creation_time(clip)
        if created is not None:
            return created, "recorded (clip metadata)"
    written = datetime.fromtimestamp(result.summary_path.stat().st_mtime, tz=UTC)
    return written, "analysed"


def _creation_time(clip: Path) -> datetime | None:
    """The container's ``creation_time`` tag, or ``None`` (stills, edited clips, unreadable files)."""
    try:
        with av.open(str(clip)) as container:
            tag = container.metadata.get("creation_time")
    except (av.error.FFmpegError, OSError):
        return None
    if not tag:
        return None
    try:
        when = datetime.fromisoformat(tag.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
