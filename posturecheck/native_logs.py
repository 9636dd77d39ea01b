"""Keep MediaPipe's and LiteRT's native log lines off the user's terminal.

The C++ runtime writes dozens of INFO/WARNING lines straight to file
descriptor 2, which Python cannot filter. Front ends point descriptor 2 at a
log file while they run and keep ``sys.stderr`` on the terminal, so the user
sees posturecheck's own messages only.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NATIVE_LOG = Path(tempfile.gettempdir()) / "posturecheck-native.log"


@contextmanager
def native_logs_to_file(path: Path = NATIVE_LOG) -> Iterator[Path]:
    """Send native writes to descriptor 2 into ``path`` for the duration.

    Python's ``sys.stderr`` keeps writing to the original stream.
    """
    sys.stderr.flush()
    saved_fd = os.dup(2)
    log_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    original_stderr = sys.stderr
    sys.stderr = os.fdopen(
        os.dup(saved_fd), "w", buffering=1, encoding=original_stderr.encoding, errors="backslashreplace"
    )
    os.dup2(log_fd, 2)
    os.close(log_fd)
    try:
        yield path
    finally:
        sys.stderr.flush()
        sys.stderr.close()
        os.dup2(saved_fd, 2)
        os.close(saved_fd)
        sys.stderr = original_stderr
