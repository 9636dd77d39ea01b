"""Errors a user may see: each names the input and the problem in one line."""

from __future__ import annotations


class PostureCheckError(Exception):
    """Base class for problems the user can act on.

    The message is shown as one line, without a traceback, by the front ends.
    """


class InputError(PostureCheckError):
    """An input file or device cannot be read as asked (missing, corrupt, wrong kind)."""


class ModelError(PostureCheckError):
    """The pose model file is missing, corrupt or not a PoseLandmarker bundle."""


class NoPersonError(PostureCheckError):
    """No person was found in any frame of the input."""


class ExportError(PostureCheckError):
    """Results cannot be written in an export format as asked (unknown format, missing writer)."""


class DisplayError(PostureCheckError):
    """A live view was asked for on a machine with no display."""


class OutputError(PostureCheckError):
    """A results folder or file cannot be written (not a folder, no permission, missing folder)."""
