"""The library's filter drop-downs at the narrowest library pane: their "All …" labels
show whole (it read "All categori"), and a long choice is elided with "…", not cut."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionComboBox

from reader.core.library import Library
from reader.ui.library_panel import FilterCombo

LONG_SITE = "The Extremely Long Name of a Health Site"


def shown_text(combo: FilterCombo) -> tuple[str, int]:
    """The text the combo paints, and the room its label has."""
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    return option.currentText, field.width()


def narrowest_library_pane(make_window: Any, library: Library) -> Any:
    window = make_window(library, size=(1000, 700))
    window.splitter.setSizes([1, 2000, 300])  # the pane stops at its minimum width
    QApplication.processEvents()
    left = window.splitter.widget(0)
    assert window.splitter.sizes()[0] == left.minimumSizeHint().width()
    return window


def test_all_labels_show_whole_at_the_narrowest_pane(
    make_window: Any, filled_library: Library
) -> None:
    panel = narrowest_library_pane(make_window, filled_library).library_panel
    shown = [panel.combo(k) for k in ("site", "tag", "category", "format", "read")]
    shown = [c for c in shown if c.isVisible()]
    assert {c.currentText() for c in shown} >= {"All categories", "Read or unread"}
    for combo in shown:
        text, room = shown_text(combo)
        assert text == combo.itemText(0)  # not elided
        assert combo.fontMetrics().horizontalAdvance(text) <= room, text


def test_a_long_site_name_is_elided(
    make_window: Any, filled_library: Library, tmp_path: Path
) -> None:
    note = tmp_path / "long.md"
    note.write_text(f"---\ntitle: Long\nsite: {LONG_SITE}\n---\n\n" + "Sleep notes. " * 20)
    assert not filled_library.import_paths([note]).failed
    panel = narrowest_library_pane(make_window, filled_library).library_panel
    site = panel.combo("site")
    site.setCurrentIndex(site.findText(LONG_SITE))
    text, room = shown_text(site)
    assert text.endswith("…") and LONG_SITE.startswith(text[:-1]) and len(text) > 3
    assert site.fontMetrics().horizontalAdvance(text) <= room
    assert site.currentText() == LONG_SITE  # the choice itself is whole
