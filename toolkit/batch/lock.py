"""The job lock: an OS file lock on OUTDIR/.bitext/lock, released by the kernel when the process dies."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from toolkit.errors import BitextError


class JobLock:
    """An exclusive, non-blocking flock held for the whole life of a job on one OUTDIR."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.fd: int | None = None

    def acquire(self, outdir: Path) -> None:
        """Take the lock or refuse with the pid of the job that holds it."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise BitextError(f"{outdir}: cannot create the job lock {self.path} ({exc.strerror})") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise BitextError(
                f"{outdir}: another bitext batch job (pid {holder}) is running on this output folder; "
                "wait for it to finish or stop it, then run again to resume"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd

    def release(self) -> None:
        """Drop the lock."""
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> JobLock:
        """Use as a context manager (acquire separately)."""
        return self

    def __exit__(self, *exc) -> None:
        """Release on leaving the block."""
        self.release()


def holder(path: Path) -> int | None:
    """The pid of the job holding the lock at `path`, or None when no job holds it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            return int(text) if text.isdigit() else -1
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
