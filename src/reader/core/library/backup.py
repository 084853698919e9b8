"""Backups of the library database, the health check at open, and restoring.

* **Backups** are made with SQLite's online backup API (never a file copy, which could
  catch a write half-done), into ``backups/library-DATE-REASON.sqlite3``. Each one is
  checked (``PRAGMA integrity_check``) before it takes its final name, and the newest
  :data:`KEEP` are kept (fewer for a big library: :func:`kept`). One is made each day
  the library is opened, before a schema migration, before a bulk import, and on
  ``margin backup``.
* **A damaged database** is noticed when the library is opened: a file that is not a
  database at all, always; damaged pages by ``PRAGMA quick_check`` (at every open of a
  database up to 32 MB, else once a day), always right before the daily backup, so a
  bad file never pushes good backups out. The damaged file is set aside as
  ``library.sqlite3.damaged-DATE`` (never deleted) and :class:`LibraryDamaged` says
  which backup to restore and how.
* **Restoring** puts a verified backup in place (the current file, if any, is set aside
  first) and marks the search index for a rebuild.

Only the database is backed up: the originals are kept by content hash and never
rewritten, and the index is rebuilt from the database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from reader.core.errors import StorageError
from reader.core.library.database import connect_read_only

KEEP = 10  # backups kept, newest first...
# ...as long as they fit in this much disk, but never fewer than MIN_KEEP: a library of
# 50,000 articles has a 1.7 GB database, and ten copies of it would be 17 GB.
BACKUP_BUDGET_BYTES = 4 * 2**30
MIN_KEEP = 2
READ_WAIT_S = 5.0  # how long a check or backup waits for another program's lock
BACKUP_WAIT_S = 10.0
QUICK_CHECK_ALWAYS_BYTES = 32 * 1024 * 1024
DAILY = dt.timedelta(hours=24)
_NAME = re.compile(r"^library-(\d{8}-\d{6})(?:-([a-z-]+))?\.sqlite3$")
_SQLITE_HEADER = b"SQLite format 3\x00"


class LibraryDamaged(StorageError):
    """The library database is damaged; it has been set aside, and a backup may help."""

    def __init__(self, message: str, aside: Path | None, newest: Path | None) -> None:
        super().__init__(message)
        self.aside = aside
        self.newest = newest


@dataclass(frozen=True, slots=True)
class Backup:
    """One backup file: when it was made, and why ("daily", "before-import"…)."""

    path: Path
    made: dt.datetime
    reason: str
    size: int


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def list_backups(db_path: Path) -> list[Backup]:
    """The library's backups, newest first."""
    folder = backups_dir(db_path)
    found: list[Backup] = []
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match is None:
            continue
        made = dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=dt.UTC)
        found.append(Backup(path, made, match.group(2) or "", path.stat().st_size))
    return sorted(found, key=lambda b: (b.made, b.path.name), reverse=True)


def make_backup(db_path: Path, reason: str = "manual", *, keep: int = KEEP) -> Path:
    """Copy the database with SQLite's backup API, verify the copy, rotate; its path."""
    folder = backups_dir(db_path)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot make a backup folder in {db_path.parent}: {exc}") from exc
    stamp = dt.datetime.now(dt.UTC)
    target = folder / f"library-{stamp:%Y%m%d-%H%M%S}-{reason}.sqlite3"
    counter = 1
    while target.exists():  # two in the same second
        counter += 1
        target = folder / f"library-{stamp:%Y%m%d-%H%M%S}-{reason}{'-' * counter}.sqlite3"
    partial = target.with_name(target.name + ".part")
    try:
        source = _connect_read_only(db_path)
        try:
            copy = sqlite3.connect(partial)
            try:
                _copy(source, copy)
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                copy.close()
        finally:
            source.close()
        problem = integrity_problem(partial, quick=False)
        if problem:
            raise StorageError(f"the backup did not verify ({problem}); nothing was replaced")
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        raise StorageError(f"could not back up the library database: {exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
    for old in list_backups(db_path)[kept(target.stat().st_size, keep):]:
        with contextlib.suppress(OSError):
            old.path.unlink()
    return target


def kept(size: int, keep: int = KEEP) -> int:
    """How many backups of ``size`` bytes are kept: ``keep``, fewer when they would pass
    :data:`BACKUP_BUDGET_BYTES`, never fewer than :data:`MIN_KEEP`."""
    return max(MIN_KEEP, min(keep, BACKUP_BUDGET_BYTES // max(size, 1)))


def backup_due(db_path: Path) -> bool:
    """No backup yet, or the newest is a day old: time for the daily one."""
    newest = list_backups(db_path)[:1]
    return not newest or dt.datetime.now(dt.UTC) - newest[0].made >= DAILY


def integrity_problem(db_path: Path, *, quick: bool = True) -> str:
    """What is wrong with the database file, or "" when SQLite finds it sound."""
    try:
        with open(db_path, "rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        return f"cannot read it: {exc.strerror or exc}"
    if header and header != _SQLITE_HEADER:
        return "it is not an SQLite database (its first bytes are something else)"
    try:
        conn = _connect_read_only(db_path)
        try:
            pragma = "quick_check" if quick else "integrity_check"
            rows = conn.execute(f"PRAGMA {pragma}").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return _damage(exc)
    messages = [str(r[0]) for r in rows]
    return "" if messages == ["ok"] else "; ".join(messages[:3])


def check_on_open(db_path: Path, *, read_only: bool = False, daily: bool = True) -> None:
    """Refuse (and set aside) a damaged database; make the daily backup of a sound one.

    ``quick_check`` at every open of a database up to :data:`QUICK_CHECK_ALWAYS_BYTES`
    (a few tens of milliseconds); for a bigger one, cheap checks every time (the file's
    header, and that SQLite can read its schema) and ``quick_check`` once a day, before
    the daily backup. ``daily=False`` (a command that only reads): the cheap checks,
    no backup; the day's ``quick_check`` and backup wait for an opening that may write,
    since at 50,000 articles they take ~6 s and a read cannot damage anything.
    """
    if not db_path.exists() or db_path.stat().st_size == 0:
        return
    if read_only:  # nothing may be written: no backup, no setting aside; just say so
        conn = None
        try:
            conn = connect_read_only(db_path)
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as exc:
            raise LibraryDamaged(
                f"the library database {db_path} is damaged ({exc}), and read-only", None, None
            ) from exc
        finally:
            if conn is not None:
                conn.close()
        return
    daily = daily and backup_due(db_path)
    thorough = daily or db_path.stat().st_size <= QUICK_CHECK_ALWAYS_BYTES
    problem = integrity_problem(db_path) if thorough else _header_problem(db_path)
    if problem:
        raise _damaged(db_path, problem)
    if daily and os.access(db_path.parent, os.W_OK):
        with contextlib.suppress(StorageError):  # a full disk must not stop the reading
            make_backup(db_path, "daily")


def daily_backup(db_path: Path) -> Path | None:
    """The day's backup, if it is due, of a database that is open (the window makes it
    once it shows): ``quick_check`` first, so a damaged file never pushes good backups
    out. Raises :class:`StorageError` saying what to do when the check fails (an open
    database is not set aside: ``margin check`` with the window closed does that)."""
    if not db_path.exists() or not backup_due(db_path):
        return None
    problem = integrity_problem(db_path)
    if problem:
        raise StorageError(
            f"the library database has damaged pages ({problem}), so today's backup was "
            "not made. Close Margin and run `margin check`: it says which backup to restore."
        )
    return make_backup(db_path, "daily")


def set_aside(db_path: Path, label: str = "damaged") -> Path:
    """Rename the database (and its WAL files) out of the way; never deletes anything."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    aside = db_path.with_name(f"{db_path.name}.{label}-{stamp}")
    os.replace(db_path, aside)
    for suffix in ("-wal", "-shm"):
        extra = db_path.with_name(db_path.name + suffix)
        if extra.exists():
            os.replace(extra, aside.with_name(aside.name + suffix))
    return aside


def restore(db_path: Path, backup: Path | None = None) -> tuple[Path, Path | None]:
    """Put ``backup`` (default: the newest sound one) in place of the database.

    Returns (the backup used, where the replaced database was set aside, if there was
    one). The restored database asks for a search-index rebuild.
    """
    if backup is None:
        backup = newest_sound_backup(db_path)
        if backup is None:
            raise StorageError(f"there is no sound backup of {db_path} to restore")
    if not backup.is_file():  # a mistyped name is not a damaged backup
        raise StorageError(
            f"there is no backup file {backup} (margin backup --list shows the backups)"
        )
    problem = integrity_problem(backup, quick=False)
    if problem:
        raise StorageError(f"the backup {backup} is damaged ({problem}); choose another")
    aside = set_aside(db_path, "before-restore") if db_path.exists() else None
    partial = db_path.with_name(db_path.name + ".restoring")
    try:
        source = _connect_read_only(backup)
        try:
            target = sqlite3.connect(partial)
            try:
                _copy(source, target)
                target.execute(
                    "INSERT INTO settings(key, value) VALUES ('index_dirty', 'true') "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
                )
                target.commit()
            finally:
                target.close()
        finally:
            source.close()
        os.replace(partial, db_path)
    except (sqlite3.Error, OSError, StorageError) as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        if aside is not None and not db_path.exists():
            os.replace(aside, db_path)  # put back what was there
        raise StorageError(f"could not restore {backup}: {exc}") from exc
    return backup, aside


def newest_sound_backup(db_path: Path) -> Path | None:
    for backup in list_backups(db_path):
        if not integrity_problem(backup.path):
            return backup.path
    return None


def _header_problem(db_path: Path) -> str:
    try:
        with open(db_path, "rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
        if header != _SQLITE_HEADER:
            return "it is not an SQLite database (its first bytes are something else)"
        conn = _connect_read_only(db_path)
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except OSError as exc:
        return f"cannot read it: {exc.strerror or exc}"
    except sqlite3.Error as exc:
        return _damage(exc)
    return ""


# What SQLite says of a file that is damaged, as opposed to one it merely cannot read
# now (locked by another process, a folder it cannot open): only the first is ever set
# aside. Opening the store then reports the second with its own clear message.
_DAMAGE_WORDS = ("malformed", "not a database", "corrupt", "disk image")


def _damage(exc: sqlite3.Error) -> str:
    message = str(exc)
    return message if any(word in message.lower() for word in _DAMAGE_WORDS) else ""


def _damaged(db_path: Path, problem: str) -> LibraryDamaged:
    newest = newest_sound_backup(db_path)
    try:
        aside = set_aside(db_path)
    except OSError:
        aside = None
    kept = f" It was set aside as {aside.name}." if aside else ""
    if newest is not None:
        advice = f" Restore the newest sound backup ({newest.name}) with: margin restore-backup"
    else:
        advice = " There is no backup to restore; Margin starts a new, empty library."
    return LibraryDamaged(
        f"the library database {db_path} is damaged ({problem}).{kept}{advice}", aside, newest
    )


def _connect_read_only(path: Path) -> sqlite3.Connection:
    # mode=ro takes SQLite's locks, so a check or a backup sees one consistent state
    # even while another Margin process writes (unlike ``immutable``).
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=READ_WAIT_S)


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """SQLite's online backup, given up after :data:`BACKUP_WAIT_S` of being kept out
    (Python's own loop would wait for a locked database forever)."""
    deadline = time.monotonic() + BACKUP_WAIT_S

    def progress(status: int, remaining: int, total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and (time.monotonic() > deadline):
            raise StorageError("the library database is locked by another program")

    source.backup(target, pages=1024, progress=progress)


# --- margin check -------------------------------------------------------------------------


@dataclass(slots=True)
class CheckReport:
    """What ``margin check`` found, and what ``--repair`` fixed."""

    problems: list[str]
    repaired: list[str]

    @property
    def sound(self) -> bool:
        return not self.problems or len(self.repaired) == len(self.problems)


def needs_migration(db_path: Path, schema_version: int) -> bool:
    """An existing database of an older schema (a backup is due before migrating it)."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return False
    try:
        conn = _connect_read_only(db_path)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return 0 < version < schema_version


def check_files(db_path: Path, originals: Path) -> CheckReport:
    """The database's integrity, and the originals on disk against the database."""
    report = CheckReport([], [])
    problem = integrity_problem(db_path, quick=False)
    if problem:
        report.problems.append(
            f"the database is damaged ({problem}): restore a backup with margin restore-backup"
        )
        return report
    conn = _connect_read_only(db_path)
    try:
        rows = conn.execute("SELECT hash, name, size FROM originals").fetchall()
    finally:
        conn.close()
    missing = [
        name
        for digest, name, size in rows
        if not _sized(originals / digest[:2] / digest, int(size))
    ]
    if missing:
        report.problems.append(
            f"{len(missing)} original file(s) are missing or cut short (first: {missing[0]}); "
            "import those files again to keep a copy"
        )
    return report


def _sized(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size
    except OSError:
        return False
