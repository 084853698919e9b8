"""The window makes the day's backup after it shows, on a worker thread, and says so; a
damaged database is reported, not backed up over good copies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reader.core.library import Library, backup
from reader.ui.daily_backup import back_up_in_background


def no_backups(library: Library) -> None:
    for made in library.backups():
        made.path.unlink()  # the day's backup is due again


def test_the_days_backup_is_made_after_the_window_shows(
    window: Any, filled_library: Library, qtbot: Any
) -> None:
    no_backups(filled_library)
    assert filled_library.backup_due()
    task = back_up_in_background(window, filled_library)
    assert task is not None
    assert "Backing up the library" in window.statusBar().currentMessage()
    with qtbot.waitSignal(task.finished, timeout=20000):
        pass
    qtbot.waitUntil(lambda: "Backed up the library" in window.statusBar().currentMessage())
    [made] = filled_library.backups()
    assert made.path.name.endswith("-daily.sqlite3")
    assert backup.integrity_problem(made.path, quick=False) == ""
    assert back_up_in_background(window, filled_library) is None  # once a day


def test_a_library_opened_for_the_window_waits_for_it(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as library:
        library.import_bytes(b"# Sleep\n\nMagnesium and sleep.\n", "sleep.md")
        no_backups(library)
    with Library.open(tmp_path / "lib", daily_backup=False) as library:
        assert library.backups() == []  # opening did not wait for the copy
        assert library.back_up_if_due() is not None


def test_a_damaged_database_is_reported_and_not_backed_up(
    window: Any, filled_library: Library, qtbot: Any, modal_calls: Any, monkeypatch: Any
) -> None:
    no_backups(filled_library)
    monkeypatch.setattr(backup, "integrity_problem", lambda *a, **k: "page 7: bad checksum")
    task = back_up_in_background(window, filled_library)
    assert task is not None
    with qtbot.waitSignal(task.finished, timeout=20000):
        pass
    qtbot.waitUntil(lambda: any(name == "QMessageBox.warning" for name, _ in modal_calls))
    [(_, args)] = [c for c in modal_calls if c[0] == "QMessageBox.warning"]
    assert "damaged pages (page 7: bad checksum)" in args[2]
    assert "margin check" in args[2]
    assert filled_library.backups() == []
