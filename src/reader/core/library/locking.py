"""One writer of the search index at a time, across every Margin process on a library.

Whoosh allows one writer per index, and a rebuild swaps whole folders: a second process
writing (or rebuilding) at the same moment would write into a folder that is about to
be removed. So every write to the index, in every process, happens while holding
``index.lock`` beside it: an ``flock`` on that file, with the holder's pid written in
it for the message another process shows while it waits.

The lock is advisory and dies with its process (the kernel releases an ``flock`` when
the holder exits, even on ``kill -9``), so a crash never leaves a library locked.
Within one process the lock is re-entrant and shared by threads through an RLock.
On a read-only library (where the lock file cannot be created) nothing can be written
anyway, and the lock is taken as held.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: one process per library is then the user's job
    fcntl = None

_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


class IndexLock:
    """A re-entrant, cross-process lock on one file."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self._read_only = read_only  # a read-only library: threads only, no file
        self._threads = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    def acquire(self, timeout: float) -> bool:
        """Take the lock, waiting up to ``timeout`` seconds; False when another holds it."""
        deadline = time.monotonic() + timeout
        if not self._threads.acquire(timeout=max(timeout, 0.0)):
            return False
        if self._depth or self._read_only:
            self._depth += 1
            return True
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if exc.errno in _READ_ONLY:
                self._depth = 1  # nothing can write here; nobody to exclude
                return True
            self._threads.release()
            raise
        if not self._lock_file(fd, deadline):
            os.close(fd)
            self._threads.release()
            return False
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        self._depth = 1
        return True

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        self._threads.release()

    @contextlib.contextmanager
    def held(self, timeout: float) -> Iterator[bool]:
        """``with lock.held(5) as got:`` — ``got`` says whether the lock was taken."""
        got = self.acquire(timeout)
        try:
            yield got
        finally:
            if got:
                self.release()

    def holder(self) -> str:
        """The pid written by the process holding the lock, as text ("" when unknown)."""
        try:
            return self.path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return ""

    @staticmethod
    def _lock_file(fd: int, deadline: float) -> bool:
        if fcntl is None:
            return True
        pause = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
            # Polling, because flock has no timeout; short at first (edits are quick).
            time.sleep(min(pause, max(deadline - time.monotonic(), 0)))
            pause = min(pause * 2, 0.1)
