"""Start a command as a terminal would, so that Ctrl+C (SIGINT) reaches it.

A shell starts a command in the background (``command &``, or a script without
job control) with SIGINT ignored, and the command's children inherit that; then
Python never turns SIGINT into KeyboardInterrupt and a test that sends it would
see the run finish as if nothing had been pressed. The tests that press Ctrl+C
start their command with SIGINT's default action restored, as a foreground run
in a terminal has it, so they test the product and not how the suite was started.
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path


def _sigint_as_in_a_terminal() -> None:
    """In the child before it runs the command: SIGINT's default action (Python maps it to Ctrl+C)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_interruptible(command: list[str], cwd: Path) -> subprocess.Popen[str]:
    """Start ``command`` in ``cwd`` with text pipes for its output, SIGINT not ignored."""
    return subprocess.Popen(
        command,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_sigint_as_in_a_terminal,  # noqa: PLW1509 (the suite starts no threads that fork)
    )
