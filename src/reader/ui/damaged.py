"""When the library database is found damaged at start: say so, and offer the backup.

The core has already set the damaged file aside (never deleted) and found the newest
sound backup; the window only asks. Restoring puts the backup in place and the search
index is rebuilt as the library opens.
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import QMessageBox, QWidget

from reader.core.library import Library
from reader.core.library.backup import LibraryDamaged


def offer_restore(
    exc: LibraryDamaged,
    library_path: str | os.PathLike[str] | None,
    parent: QWidget | None = None,
) -> bool:
    """Ask whether to restore the newest sound backup; True when it was restored."""
    if exc.newest is None:
        return False
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("The library was damaged")
    box.setText("Margin found the library database damaged and set it aside.")
    kept = f"The damaged file was kept as {exc.aside.name}. " if exc.aside else ""
    box.setInformativeText(
        f"{kept}The newest sound backup is {exc.newest.name}. Restore it? Changes made "
        "after that backup are not in it."
    )
    box.setDetailedText(str(exc))
    restore = box.addButton("Restore the Backup", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    if box.clickedButton() is not restore:
        return False
    Library.restore_backup(library_path, exc.newest)
    return True
