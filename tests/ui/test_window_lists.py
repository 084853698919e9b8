"""The window's lists follow the user: search results, imports, the Trash, other processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from reader.core.errors import NotFound
from reader.core.library import Library
from reader.ui.library_model import ID_ROLE
from reader.ui.main_window import MainWindow
from reader.ui.search_results import HIT_ROLE

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "This plugin does not support raise"
)

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def type_search(qtbot: Any, window: MainWindow, text: str) -> Any:
    QTest.keyClick(window, Qt.Key.Key_K, CTRL)
    with qtbot.waitSignal(window.search.searched, timeout=3000) as blocker:
        QTest.keyClicks(window.search_field, text)
    return blocker.args[0]


def result_ids(window: MainWindow) -> list[int]:
    model = window.search_results.model()
    return [model.index(r, 0).data(HIT_ROLE).article_id for r in range(model.rowCount())]


def open_id(window: MainWindow) -> int | None:
    article = window.reader_view.article
    return article.id if article is not None else None


def markdown(folder: Path, name: str, title: str, date: str = "2020-01-01") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    path.write_text(f"---\ntitle: {title}\ndate: {date}\n---\n\nAbout {title}.\n", "utf-8")
    return path


def answer_every_question(monkeypatch: pytest.MonkeyPatch, accept: bool) -> list[QMessageBox]:
    """Confirm boxes answer by themselves; the boxes asked are kept for inspection."""
    asked: list[QMessageBox] = []

    def exec_(box: QMessageBox) -> int:
        asked.append(box)
        buttons = [
            b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole
        ]
        target = buttons[0] if accept and buttons else box.button(QMessageBox.StandardButton.Cancel)
        target.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return asked


# --- search results and Alt+Down -------------------------------------------------------


def test_alt_down_walks_the_results_not_the_hidden_library_list(qtbot, window) -> None:
    type_search(qtbot, window, "pain")
    ids = result_ids(window)
    assert len(ids) >= 2
    QTest.keyClick(window.search_field, Qt.Key.Key_Return)  # opens the first result
    qtbot.waitUntil(lambda: open_id(window) == ids[0])

    QTest.keyClick(window, Qt.Key.Key_Down, ALT)
    qtbot.waitUntil(lambda: open_id(window) == ids[1])
    assert window.search_results.currentIndex().row() == 1
    QTest.keyClick(window, Qt.Key.Key_Up, ALT)
    qtbot.waitUntil(lambda: open_id(window) == ids[0])
    assert window.search_results.currentIndex().row() == 0


def test_results_selection_follows_the_article_opened_elsewhere(qtbot, window) -> None:
    type_search(qtbot, window, "pain")
    ids = result_ids(window)
    window.search_results.setCurrentIndex(window.search_results.model().index(0, 0))
    window.open_article(ids[1])  # e.g. from a citation card or the Cited-by line
    assert window.search_results.currentIndex().row() == 1
    others = [s.id for s in window.library.summaries() if s.id not in ids]
    window.open_article(others[0])  # not among the results: nothing stays selected
    assert not window.search_results.currentIndex().isValid()


def test_library_selection_follows_the_article_opened_elsewhere(qtbot, window) -> None:
    panel = window.library_panel
    rows = [panel.model.index(r, 0).data(ID_ROLE) for r in range(panel.model.rowCount())]
    assert len(rows) == 3
    panel.select_article(rows[0])
    qtbot.waitUntil(lambda: open_id(window) == rows[0])
    window.open_article(rows[2])  # e.g. from a citation card, Sources or Back
    assert panel.current_article_id() == rows[2]
    # Alt+Up goes on from the open article (it did nothing: the list was still on the
    # first row, and there is none above it).
    QTest.keyClick(window, Qt.Key.Key_Up, ALT)
    qtbot.waitUntil(lambda: open_id(window) == rows[1])


# --- after an import --------------------------------------------------------------------


def test_a_one_article_import_opens_it(qtbot, window, tmp_path: Path) -> None:
    path = markdown(tmp_path / "one", "new", "Brand new article")
    with qtbot.waitSignal(window.importer.finished, timeout=10_000):
        window.import_paths([path])
    qtbot.waitUntil(lambda: window.reader_view.article is not None)
    assert window.reader_view.article.title == "Brand new article"
    assert window.library_panel.current_article_id() == window.reader_view.article.id


def test_a_batch_import_selects_the_first_new_article(qtbot, window, tmp_path: Path) -> None:
    reading = window.library.summaries()[0].id
    window.open_article(reading)
    folder = tmp_path / "batch"
    paths = [
        markdown(folder, "a", "Batch older", "2001-01-01"),
        markdown(folder, "b", "Batch newest", "2030-01-01"),
    ]
    with qtbot.waitSignal(window.importer.finished, timeout=10_000):
        window.import_paths(paths)
    current = window.library_panel.current_article_id()
    assert current is not None
    assert window.library.article(current).title == "Batch newest"  # first in list order
    assert open_id(window) == reading  # the reader keeps reading


# --- another process --------------------------------------------------------------------


def test_an_import_in_a_terminal_shows_up_without_losing_the_place(
    qtbot, window, tmp_path: Path
) -> None:
    reading = window.library.summaries()[-1].id
    window.library_panel.select_article(reading)
    qtbot.waitUntil(lambda: open_id(window) == reading)
    before = window.library_panel.model.total
    path = markdown(tmp_path / "cli", "cli", "Imported from a terminal")
    subprocess.run(
        [sys.executable, "-m", "reader", "--library", str(window.library.root), "import",
         str(path)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    qtbot.waitUntil(lambda: window.library_panel.model.total == before + 1, timeout=10_000)
    assert f"{before + 1} articles" in window.count_label.text()
    assert window.library_panel.current_article_id() == reading
    assert open_id(window) == reading


# --- the Trash --------------------------------------------------------------------------


def test_remove_moves_to_the_trash_with_highlights_and_ctrl_z_brings_it_back(
    qtbot, window, monkeypatch
) -> None:
    article_id = window.library.summaries()[0].id
    window.library.add_highlight_by_quote(article_id, window.library.article(article_id).text[:12])
    window.open_article(article_id)
    before = window.library.count()
    asked = answer_every_question(monkeypatch, accept=True)
    assert window.remove_current()
    assert "with its 1 highlight" in asked[-1].text()
    assert window.library.count() == before - 1
    assert window.reader_view.article is None
    assert window.library_panel.model.row_of(article_id) is None
    assert "Ctrl+Z" in window.statusBar().currentMessage()

    with qtbot.waitSignal(window.reader_view.article_shown, timeout=10_000):
        window.action_undo.trigger()
    assert window.library.count() == before
    assert window.library_panel.model.row_of(article_id) is not None
    assert len(window.library.annotations(article_id)) == 1
    qtbot.waitUntil(lambda: open_id(window) == article_id)


def test_trash_view_restores_and_empties(qtbot, window, monkeypatch) -> None:
    first, second = (s.id for s in window.library.summaries()[:2])
    answer_every_question(monkeypatch, accept=True)
    assert not window.library_panel.trash_button.isVisible()  # nothing in the Trash
    window.trash.move_to_trash(first)
    window.trash.move_to_trash(second)
    button = window.library_panel.trash_button
    assert button.isVisible() and "Trash (2)" in button.text()
    button.click()
    assert window.left_stack.currentWidget() is window.trash_panel
    assert sorted(window.trash_panel.ids()) == sorted([first, second])

    window.trash_panel.select([first])
    with qtbot.waitSignal(window.reader_view.article_shown, timeout=10_000):
        window.trash_panel.restore_button.click()  # restored, and opened
    assert window.trash_panel.ids() == [second]
    assert window.library_panel.model.row_of(first) is not None

    window.trash_panel.empty_button.click()
    assert window.trash_panel.ids() == []
    assert not button.isVisibleTo(window.library_panel)
    window.action_show_trash.trigger()  # Go ▸ Trash works too
    assert window.left_stack.currentWidget() is window.trash_panel
    with pytest.raises(NotFound):
        window.library.article(second)
    window.trash_panel.back_button.click()
    assert window.left_stack.currentWidget() is window.library_panel


def test_the_trash_button_draws_with_the_fonts_there_are(window, monkeypatch) -> None:
    answer_every_question(monkeypatch, accept=True)
    window.trash.move_to_trash(window.library.summaries()[0].id)
    button = window.library_panel.trash_button
    assert button.isVisible() and not button.icon().isNull()
    metrics = QFontMetrics(button.font())
    # An emoji no installed font has (🗑 with only DejaVu) is drawn as an empty box.
    assert [c for c in button.text() if not metrics.inFontUcs4(ord(c))] == []


def test_the_trash_works_from_the_keyboard(qtbot, window, monkeypatch) -> None:
    answer_every_question(monkeypatch, accept=True)
    newest, older = (s.id for s in window.library.summaries()[:2])
    window.trash.move_to_trash(older)
    window.trash.move_to_trash(newest)
    window.action_show_trash.trigger()
    panel = window.trash_panel
    assert panel.list.hasFocus()
    # The row shown as current is chosen: the buttons work and Enter restores it.
    (chosen,) = panel.selected_ids()
    assert panel.list.currentItem().isSelected() and panel.restore_button.isEnabled()
    with qtbot.waitSignal(window.reader_view.article_shown, timeout=10_000):
        QTest.keyClick(panel.list, Qt.Key.Key_Return)
    assert window.reader_view.article.id == chosen
    assert len(panel.ids()) == 1 and panel.selected_ids() == panel.ids()


def test_confirm_shows_titles_as_written_not_as_html(
    qtbot, make_window, library: Library, tmp_path: Path, monkeypatch
) -> None:
    title = "Risks & benefits: 'low' dose > \"high\" <b>dose</b>"
    path = tmp_path / "t.json"
    import json

    path.write_text(
        json.dumps({"id": 1, "title": {"rendered": title}, "content": {"rendered": "<p>x y</p>"},
                    "link": "https://example.org/t", "date": "2024-01-01T00:00:00"}),
        "utf-8",
    )  # fmt: skip
    (result,) = library.import_paths([path]).results
    stored = library.article(result.article_id).title
    window = make_window(library)
    window.open_article(result.article_id)
    asked = answer_every_question(monkeypatch, accept=False)
    assert not window.remove_current()
    (box,) = asked
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert f"“{stored}”" in box.text()
    for entity in ("&amp;", "&#x27;", "&quot;", "&gt;"):
        assert entity not in box.text()
    assert window.library.count() == 1


def test_an_import_that_stops_says_why_in_plain_text(
    qtbot, window, tmp_path: Path, monkeypatch
) -> None:
    from reader.core.errors import MarginError

    asked = answer_every_question(monkeypatch, accept=True)

    def stop(*_args: Any, **_kwargs: Any) -> None:
        raise MarginError("cannot write <library> & its index: 'disk full'")

    monkeypatch.setattr(window.library, "import_paths", stop)
    with qtbot.waitSignal(window.importer.failed, timeout=10_000):
        window.import_paths([tmp_path])
    (box,) = asked
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert "cannot write <library> & its index: 'disk full'" in box.text()
