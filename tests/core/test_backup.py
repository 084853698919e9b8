"""A damaged library heals: backups are made and verified, damage is noticed at open and
set aside, a backup restores everything, and `check` finds what is out of step."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.errors import StorageError
from reader.core.library import Library, backup, blobs
from reader.core.model import ImportStatus

NOTE = "# Sleep\n\nMagnesium and sleep: what the trials found.\n"


def dead_pid() -> int:
    """The pid of a process that has ended."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


def make_library(root: Path) -> tuple[int, str]:
    """A library with one article and one highlight with a note; (article id, uuid)."""
    with Library(root) as library:
        [result] = library.import_bytes(NOTE.encode(), "sleep.md")
        highlight = library.add_highlight_by_quote(
            result.article_id, "what the trials found", note="check the doses"
        )
    return result.article_id, highlight.uuid


def test_a_backup_is_made_with_sqlite_verified_and_rotated(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    make_library(root)
    db = root / "library.sqlite3"
    for _ in range(4):
        backup.make_backup(db, "manual", keep=3)
    found = backup.list_backups(db)
    assert len(found) == 3
    assert all(backup.integrity_problem(b.path, quick=False) == "" for b in found)
    with sqlite3.connect(found[0].path) as copy:
        assert copy.execute("SELECT title FROM articles").fetchall() == [("Sleep",)]
    assert not list(db.parent.glob("backups/*.part"))


def test_a_big_librarys_backups_keep_within_the_disk_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "lib"
    make_library(root)
    db = root / "library.sqlite3"
    size = backup.make_backup(db, "manual").stat().st_size
    monkeypatch.setattr(backup, "BACKUP_BUDGET_BYTES", 3 * size)  # room for three
    for _ in range(5):
        backup.make_backup(db, "manual")
    assert len(backup.list_backups(db)) == 3
    monkeypatch.setattr(backup, "BACKUP_BUDGET_BYTES", size // 2)  # room for none
    backup.make_backup(db, "manual")
    assert len(backup.list_backups(db)) == backup.MIN_KEEP  # the newest are always kept


def test_opening_makes_the_daily_backup(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    make_library(root)  # created: nothing to back up yet
    with Library(root):
        pass
    assert [b.reason for b in backup.list_backups(root / "library.sqlite3")] == ["daily"]


def test_random_bytes_are_set_aside_and_a_backup_restores_everything(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    article_id, uuid = make_library(root)
    with Library(root) as library:
        library.backup()
    db = root / "library.sqlite3"
    db.write_bytes(os.urandom(64 * 1024))
    for extra in ("-wal", "-shm"):
        db.with_name(db.name + extra).unlink(missing_ok=True)

    with pytest.raises(backup.LibraryDamaged) as damaged:
        Library(root)
    message = str(damaged.value)
    assert "damaged" in message and "margin restore-backup" in message
    assert damaged.value.aside is not None and damaged.value.aside.exists()
    assert damaged.value.aside.name.startswith("library.sqlite3.damaged-")

    used, _ = Library.restore_backup(root)
    assert used.parent.name == "backups"
    with Library(root) as library:
        assert library.article(article_id).title == "Sleep"
        assert library.annotation(uuid).note == "check the doses"
        assert library.search("doses").hits  # the index was rebuilt from the restore


def test_overwritten_pages_are_noticed_at_open(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    make_library(root)
    with Library(root) as library:
        library.backup()
    db = root / "library.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    assert pages > 3
    with open(db, "r+b") as handle:  # keep the header page, ruin the ones after it
        handle.seek(page)
        handle.write(b"\xa5" * page * (pages - 1))
    with pytest.raises(backup.LibraryDamaged, match="damaged"):
        Library(root)
    Library.restore_backup(root)
    with Library(root) as library:
        assert library.count() == 1


def test_a_damaged_backup_is_never_restored(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    make_library(root)
    bad = backup.backups_dir(root / "library.sqlite3") / "library-20200101-000000-manual.sqlite3"
    bad.parent.mkdir(exist_ok=True)
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StorageError, match="damaged"):
        Library.restore_backup(root, bad)
    with Library(root) as library:  # the library itself is untouched
        assert library.count() == 1


def test_check_finds_and_repairs_what_it_can(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    make_library(root)
    with Library(root) as library:
        assert library.check().problems == []
    stray = next((root / "originals").glob("*/*"))
    with Library(root) as library:
        (stray.parent / f"{stray.name}.{dead_pid()}-4.part").write_bytes(b"half")
        # An edit the index never heard of (another tool wrote the database).
        with sqlite3.connect(root / "library.sqlite3") as conn:
            conn.execute("DELETE FROM index_queue")
        report = library.check()  # the stray copy is debris: removed, and said so
        assert any(".part" in r and "interrupted import" in r for r in report.repaired)
        assert not list((root / "originals").glob("*/*.part"))
        repaired = library.check(repair=True)
        assert repaired.sound
        assert library.check().problems == []
    assert not list((root / "originals").glob("*/*.part"))


def test_a_full_disk_leaves_no_part_file_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(path: Path, data: bytes) -> None:
        path.write_bytes(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(blobs, "write_file", disk_full)
    with Library(tmp_path / "lib") as library:
        [result] = library.import_bytes(NOTE.encode(), "sleep.md")
        assert result.status is ImportStatus.FAILED
        assert "No space left on device" in result.message
        assert library.count() == 0
    assert list((tmp_path / "lib" / "originals").rglob("*")) == [
        p for p in (tmp_path / "lib" / "originals").rglob("*") if p.is_dir()
    ]


def test_copies_left_half_written_by_a_dead_process_are_swept_before_an_import(
    tmp_path: Path,
) -> None:
    root = tmp_path / "lib"
    make_library(root)
    folder = next((root / "originals").iterdir())
    digest = "ab" * 32
    left = folder / f"{digest}.{dead_pid()}-1.part"
    writing = folder / f"{digest}.{os.getpid()}-2.part"  # a live writer's: left alone
    left.write_bytes(b"half")
    writing.write_bytes(b"half")
    with Library(root) as library:
        library.search("anything")
        assert left.exists()  # opening and searching list no folders of originals
        library.import_bytes(b"# A note\n\nSome words.", "note.md")
    assert not left.exists() and writing.exists()


def test_a_database_locked_by_another_process_is_never_set_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup, "READ_WAIT_S", 0.2)
    monkeypatch.setattr(backup, "BACKUP_WAIT_S", 0.5)
    root = tmp_path / "lib"
    make_library(root)
    db = root / "library.sqlite3"
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        backup.check_on_open(db)  # cannot read it now: that is not damage
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert db.exists()
    assert not list(root.glob("library.sqlite3.damaged-*"))
