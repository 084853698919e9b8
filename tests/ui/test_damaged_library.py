"""The window finds the library damaged: it says so and offers the newest backup."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from reader.core.library import Library
from reader.core.library.backup import LibraryDamaged
from reader.ui.damaged import offer_restore


def damaged_library(root: Path) -> LibraryDamaged:
    with Library(root) as library:
        library.import_bytes(b"# Sleep\n\nMagnesium and sleep.\n", "sleep.md")
        library.backup()
    (root / "library.sqlite3").write_bytes(os.urandom(16 * 1024))
    with pytest.raises(LibraryDamaged) as caught:
        Library(root)
    return caught.value


@pytest.mark.parametrize("answer", ["Restore the Backup", "Quit"])
def test_the_window_offers_the_newest_backup(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: str
) -> None:
    root = tmp_path / "lib"
    exc = damaged_library(root)
    shown: list[str] = []

    def click(box: QMessageBox) -> int:  # the modal loop, stubbed: the user clicks
        shown.append(box.informativeText())
        [button] = [b for b in box.buttons() if b.text() == answer]
        button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click)
    restored = offer_restore(exc, root)
    assert exc.newest is not None and exc.newest.name in shown[0]
    assert restored is (answer == "Restore the Backup")
    if restored:
        with Library(root) as library:
            assert library.count() == 1
    else:
        assert not (root / "library.sqlite3").exists()  # set aside, nothing restored
