"""Highlighting without a mouse: Find picks the text, Ctrl+H highlights it; redo's keys.

The reading view has no caret browsing, so a keyboard user selects by finding: with
nothing selected in the page, the highlight keys take the find bar's current match.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from web_helpers import dom_select, input_widget, js

from reader.core.library import Library
from reader.ui.highlight_palette import highlight_class
from reader.ui.main_window import MainWindow

# The offscreen platform warns when a shown top-level changes its size limits or is raised.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "This plugin does not support raise"
)

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def open_ketamine(qtbot: Any, window: MainWindow) -> int:
    (summary,) = [s for s in window.library.summaries() if s.title == "Ketamine for Pain"]
    with qtbot.waitSignal(window.reader_view.article_shown, timeout=15_000):
        assert window.open_article(summary.id)
    return summary.id


def find(qtbot: Any, window: MainWindow, text: str) -> None:
    """Ctrl+F and type, as a keyboard user does; wait for the bar's "n of m"."""
    QTest.keyClick(window, Qt.Key.Key_F, CTRL)
    bar = window.find_bar
    assert bar.isVisible() and bar.field.hasFocus()
    QTest.keyClicks(bar.field, text)
    qtbot.waitUntil(lambda: " of " in bar.count_label.text(), timeout=2000)


def shows_yellow(image: QImage) -> bool:
    """Whether some of the picture is highlighter yellow (the light theme's #ffe066)."""
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            c = image.pixelColor(x, y)
            if c.red() > 230 and c.green() > 200 and c.blue() < 150:
                return True
    return False


def panel_texts(window: MainWindow) -> list[str]:
    model = window.annotations_panel.model
    return [
        str(model.index(r).data(Qt.ItemDataRole.DisplayRole)) for r in range(model.rowCount())
    ]


def test_ctrl_h_in_the_find_bar_highlights_the_current_match(
    qtbot: Any, window: MainWindow, library: Library, tmp_path: Path
) -> None:
    article_id = open_ketamine(qtbot, window)
    view = window.reader_view
    find(qtbot, window, "central sensitization")
    bar = window.find_bar
    assert bar.count_label.text() == "1 of 2"
    start, end = bar.current_match() or (0, 0)
    found = view.text[start:end]  # as the page shows it: "Central sensitization"

    with qtbot.waitSignal(window.highlights.message) as said:
        QTest.keyClick(bar.field, Qt.Key.Key_H, CTRL)  # focus stays in the find field
    (annotation,) = library.annotations(article_id)
    assert annotation.quote.exact == found == "Central sensitization"
    assert said.args == ["Highlighted \u201cCentral sensitization\u201d (match 1 of 2)"]
    # The new colour shows: the match is no longer drawn as the inverted current one.
    painted = f"CSS.highlights.get({highlight_class(annotation.color)!r})?.size ?? 0"
    qtbot.waitUntil(lambda: js(qtbot, view, painted) == 1)
    assert [m[2] for m in view.mark_layer("find")] == ["mark-find", "mark-find"]
    qtbot.waitUntil(lambda: shows_yellow(view.grab().toImage()), timeout=5000)
    shot = Path(os.environ.get("MARGIN_SHOT_DIR", tmp_path)) / "highlight-from-find.png"
    assert window.grab().save(str(shot))
    # The bar stays open on its match: Enter goes on, Ctrl+H highlights the next one.
    assert bar.isVisible() and bar.field.hasFocus()
    window.focus_side_tab(window.annotations_panel)
    qtbot.waitUntil(lambda: any(found in t for t in panel_texts(window)))
    view.setFocus()  # the keys work from the page too
    qtbot.waitUntil(input_widget(view).hasFocus)
    QTest.keyClick(window, Qt.Key.Key_F3)
    assert bar.count_label.text() == "2 of 2"
    QTest.keyClick(input_widget(view), Qt.Key.Key_H, CTRL)
    qtbot.waitUntil(lambda: len(library.annotations(article_id)) == 2)
    quotes = sorted(a.quote.exact for a in library.annotations(article_id))
    assert quotes == ["Central sensitization", "central sensitization"]



def test_ctrl_shift_h_in_the_find_bar_highlights_the_match_with_a_note(
    qtbot: Any, window: MainWindow, library: Library
) -> None:
    article_id = open_ketamine(qtbot, window)
    find(qtbot, window, "bladder toxicity")
    with qtbot.waitSignal(window.highlights.note_editor_opened) as opened:
        QTest.keyClick(window.find_bar.field, Qt.Key.Key_H, CTRL | SHIFT)
    (annotation,) = library.annotations(article_id)
    assert annotation.quote.exact == "Bladder toxicity"
    assert opened.args[0].isVisible()


def test_a_selection_wins_over_the_find_match(
    qtbot: Any, window: MainWindow, library: Library
) -> None:
    article_id = open_ketamine(qtbot, window)
    find(qtbot, window, "ketamine")
    view = window.reader_view
    dom_select(qtbot, view, "NMDA receptors")  # selected after finding
    view.setFocus()
    qtbot.waitUntil(input_widget(view).hasFocus)
    QTest.keyClick(input_widget(view), Qt.Key.Key_H, CTRL)
    qtbot.waitUntil(lambda: len(library.annotations(article_id)) == 1)
    assert library.annotations(article_id)[0].quote.exact == "NMDA receptors"


def test_ctrl_h_with_no_selection_and_no_find_says_what_to_do(
    qtbot: Any, window: MainWindow, library: Library
) -> None:
    article_id = open_ketamine(qtbot, window)
    view = window.reader_view
    view.setFocus()
    qtbot.waitUntil(input_widget(view).hasFocus)
    with qtbot.waitSignal(window.highlights.message) as said:
        QTest.keyClick(input_widget(view), Qt.Key.Key_H, CTRL)
    assert "Ctrl+F" in said.args[0]
    assert library.annotations(article_id) == []


def test_a_find_match_in_the_header_is_not_highlighted(
    qtbot: Any, window: MainWindow, library: Library
) -> None:
    article_id = open_ketamine(qtbot, window)
    find(qtbot, window, "Dr Jane Example")  # the byline, above the text
    assert window.find_bar.count_label.text() == "1 of 1"
    with qtbot.waitSignal(window.highlights.message) as said:
        QTest.keyClick(window.find_bar.field, Qt.Key.Key_H, CTRL)
    assert "header" in said.args[0]
    assert library.annotations(article_id) == []


@pytest.mark.parametrize("key", ["Ctrl+Shift+Z", "Ctrl+Y"])
def test_both_redo_keys_redo(qtbot: Any, window: MainWindow, library: Library, key: str) -> None:
    article_id = open_ketamine(qtbot, window)
    find(qtbot, window, "dissociation")
    QTest.keyClick(window.find_bar.field, Qt.Key.Key_H, CTRL)
    assert len(library.annotations(article_id)) == 1
    QTest.keyClick(window.find_bar.field, Qt.Key.Key_Escape)
    view = window.reader_view
    qtbot.waitUntil(input_widget(view).hasFocus)
    QTest.keyClick(input_widget(view), Qt.Key.Key_Z, CTRL)
    assert library.annotations(article_id) == []
    if key == "Ctrl+Shift+Z":
        QTest.keyClick(input_widget(view), Qt.Key.Key_Z, CTRL | SHIFT)
    else:
        QTest.keyClick(input_widget(view), Qt.Key.Key_Y, CTRL)
    assert [a.quote.exact for a in library.annotations(article_id)] == ["dissociation"]
