"""Opening the library's SQLite file, and the one way a change is written to it.

A writable file is opened in WAL mode with foreign keys on and ``synchronous=FULL`` (an
annotation the UI shows as saved survives a power cut), and an older file is brought
forward to :data:`~reader.core.library.schema.SCHEMA_VERSION`, one version per
transaction, with the scripts in :mod:`.schema`. A file from a newer Margin is refused
(:class:`SchemaTooNew`) and never touched; a read-only library must already be at this
version. :class:`~reader.core.library.connection.StoreConnection` holds the connection
and its lock.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from reader.core.errors import SchemaTooNew, StorageError
from reader.core.library.schema import MIGRATIONS, SCHEMA_VERSION, split_sql

# How long a write waits for another process's write to finish. Writes are short (one
# file of an import, one edit: milliseconds), so waiting longer means something is
# wrong; the user then hears "locked" after 10 s rather than 30.
BUSY_TIMEOUT_S = 10.0


def open_database(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """A connection to the library database at ``path``, at this Margin's schema version.

    Raises :class:`StorageError` when the file cannot be opened or read as a library,
    and :class:`SchemaTooNew` for a file written by a newer Margin.
    """
    try:
        conn = _connect(path, read_only)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open the library database {path}: {exc}") from exc
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        if read_only:
            _refuse_other_schema(conn, path)
        else:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            _migrate(conn, path)
    except sqlite3.Error as exc:
        conn.close()
        raise StorageError(f"{path} is not a readable Margin library: {exc}") from exc
    except BaseException:
        conn.close()  # refused (a newer schema): leave the file alone
        raise
    return conn


@contextlib.contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One atomic unit of work on ``conn``: everything in it lands, or nothing does.

    The caller holds the connection's lock; SQLite errors become :class:`StorageError`.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise StorageError(f"cannot write to the library database: {exc}") from exc
    try:
        yield conn
    except sqlite3.Error as exc:
        conn.execute("ROLLBACK")
        raise StorageError(f"the library database refused a change: {exc}") from exc
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StorageError(f"could not save to the library database: {exc}") from exc


def _refuse_other_schema(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version != SCHEMA_VERSION:
        raise StorageError(
            f"the library at {path.parent} is read-only and was written by another "
            f"version of Margin (schema {version}, this one uses {SCHEMA_VERSION}); open "
            "it once where it can be written"
        )


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"{path} was written by a newer version of Margin (schema "
            f"{version}; this one knows {SCHEMA_VERSION}). Update Margin to open "
            "it, or use another library folder (--library DIR)."
        )
    for target in range(version + 1, SCHEMA_VERSION + 1):
        with write_transaction(conn):
            for statement in split_sql(MIGRATIONS[target]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version={target}")


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    if not read_only:
        return sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_S
        )
    return connect_read_only(path)


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that writes nothing at all, not even WAL bookkeeping files.

    With no write-ahead log waiting (a library closed cleanly), the file is opened
    ``immutable``: SQLite then creates no ``-shm``/``-wal`` beside it, which a read-only
    folder could not hold anyway. With one waiting (a crash), ``mode=ro`` reads it too.
    """
    uri = path.resolve().as_uri()
    wal = path.with_name(path.name + "-wal")
    waiting = wal.exists() and wal.stat().st_size > 0
    modes = ("mode=ro", "immutable=1") if waiting else ("immutable=1",)
    for mode in modes:
        conn = sqlite3.connect(
            f"{uri}?{mode}",
            uri=True,
            check_same_thread=False,
            isolation_level=None,
            timeout=BUSY_TIMEOUT_S,
        )
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            conn.close()
            if mode == modes[-1]:
                raise
    raise AssertionError("unreachable")
