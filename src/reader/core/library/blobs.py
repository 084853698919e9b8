"""The originals store: every imported file's bytes, once, by content hash.

Layout: ``originals/<first two hex digits>/<sha256>``. Two folders of 256 keep any one
directory small at 100,000 files. A file lands under a temporary name and is renamed
into place, so a crash never leaves a truncated original behind a valid name. Images
are kept the same way, in the sibling folder ``images/`` (see
:mod:`reader.core.library.images`).
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.errors import StorageError

if TYPE_CHECKING:
    from reader.core.library.backup import CheckReport


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file and flush it to the disk."""
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def content_hash(data: bytes) -> str:
    """The name a blob is stored under: its SHA-256, in hex."""
    import hashlib  # here: loading OpenSSL is ~3 ms that a search never needs

    return hashlib.sha256(data).hexdigest()


class Blobs:
    """Files kept by content hash under one folder; writing the same bytes twice is free."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def path(self, digest: str) -> Path:
        """Where the blob with this hash lives (whether or not it exists)."""
        return self.folder / digest[:2] / digest

    def put(self, data: bytes) -> str:
        """Store ``data`` (if it is not there yet); returns its hash."""
        digest = content_hash(data)
        target = self.path(digest)
        if target.exists():
            return digest
        # A name of its own per process and thread: two imports of the same file at once
        # must not write into one temporary file.
        tmp = target.with_name(f"{digest}.{os.getpid()}-{threading.get_ident()}.part")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_file(tmp, data)
            os.replace(tmp, target)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()  # a full disk leaves no half-written copy behind
            raise StorageError(f"cannot keep a copy of the file: {exc.strerror or exc}") from exc
        return digest

    def leftovers(self) -> list[Path]:
        """Temporary copies whose writer is dead (a crash, a kill -9).

        A temporary name carries its writer's pid, so another process's copy that is
        still being written is never counted.
        """
        found = []
        for path in sorted(self.folder.glob("*/*.part")):
            match = _PART.fullmatch(path.name)
            if match is None or not _alive(int(match.group(1))):
                found.append(path)
        return found

    def check(self, report: CheckReport, *, repair: bool = False) -> None:
        """Remove the unfinished copies an interrupted import left, and say so.

        Not a problem to repair but debris: their writer is dead, nothing names them, and
        the next import sweeps them anyway (opening a library no longer lists every
        original to look for them: 13 ms at 10,000 articles), so a check clears them
        with or without ``repair``.
        """
        removed = self.sweep_leftovers()
        if removed:
            where = self.folder.name
            report.repaired.append(
                f"removed {removed} unfinished copies (.part) an interrupted import left in "
                f"{where}/"
            )

    def sweep_leftovers(self) -> int:
        """Remove :meth:`leftovers`; how many were removed."""
        removed = 0
        for path in self.leftovers():
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
        return removed

    def read(self, digest: str) -> bytes:
        """The bytes stored under ``digest``."""
        try:
            return self.path(digest).read_bytes()
        except OSError as exc:
            raise StorageError(f"the original file {digest} is missing: {exc}") from exc


_PART = re.compile(r"[0-9a-f]{64}\.(\d+)-\d+\.part")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive, just not ours to signal
    return True
