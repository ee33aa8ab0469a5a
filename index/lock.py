"""One owning process per data directory: an exclusive, non-blocking lock on ``.lock``, which holds the owner's pid.

Why: Chroma's PersistentClient is not safe across processes, and the catalog's in-memory views assume that no one
else writes; a second process is refused at once, with the owner named, rather than corrupting the folder.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import TextIO


class DataDirInUse(RuntimeError):
    """Another process owns this data directory (Chroma's PersistentClient is not multi-process safe)."""


class DataDirLock:
    """Held from construction until ``release`` (the kernel drops it when the process dies, however it dies)."""

    def __init__(self, data_dir: Path) -> None:
        fh = open(data_dir / ".lock", "a+")  # noqa: SIM115 - held open for the life of the lock
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            owner = fh.read().strip() or "unknown"
            fh.close()
            raise DataDirInUse(
                f"{data_dir} is in use by another claimcheck process (pid {owner}). Stop it, "
                "use another --data-dir, or point both at a Chroma server."
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._file: TextIO | None = fh

    def release(self) -> None:
        """Unlock and close the file; a second call does nothing."""
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
