"""The open library database that the library's threads share: one connection, one lock.

:class:`StoreConnection` runs every read and every write transaction on the connection
:mod:`.database` opened; :class:`~reader.core.library.store.Store` and its query parts
(:mod:`.list_queries`, :mod:`.citation_rows`) are built on it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from reader.core.errors import StorageError
from reader.core.library.database import open_database, write_transaction


class StoreConnection:
    """One library database: its connection and lock, reads and write transactions."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._lock = threading.RLock()
        self._conn = open_database(path, read_only=read_only)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work: everything in it lands, or nothing does."""
        if self.read_only:
            raise StorageError(
                f"the library at {self.path.parent} is read-only: reading works, but nothing "
                "can be changed (copy the folder somewhere writable to change it)"
            )
        with self._lock, write_transaction(self._conn) as conn:
            yield conn

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise StorageError(f"cannot read the library database: {exc}") from exc

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Rows of one read (for the library's other parts: images…)."""
        return self._query(sql, params)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def data_version(self) -> int:
        """Moves when another connection (another process) commits to the database."""
        return int(self._query("PRAGMA data_version")[0][0])
