"""The import progress dialog is wide enough for its title: sized to its first label it
was 200 px, and the window manager cut the title to "Importin…"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QFontMetrics

# A title bar's icon and its minimise / maximise / close buttons.
TITLE_BAR_BUTTONS = 150


def test_import_progress_dialog_has_room_for_its_title(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    for i in range(3):
        (folder / f"n{i}.md").write_text(f"---\ntitle: Note {i}\n---\n\nA short note {i}.\n")
    with qtbot.waitSignal(window.importer.finished, timeout=10000):
        assert window.import_paths([folder])
        dialog = window.importer.progress_dialog
        dialog.show()  # it shows itself after a delay; the width is the same then
        title_font = dialog.font()
        title_font.setBold(True)  # title bars write in a bold, often larger font
        title_font.setPointSizeF(title_font.pointSizeF() * 1.2)
        title = QFontMetrics(title_font).horizontalAdvance(dialog.windowTitle())
        assert dialog.windowTitle() == "Importing articles"
        assert dialog.width() >= title + TITLE_BAR_BUTTONS
        dialog.grab().save(str(tmp_path / "progress.png"))
