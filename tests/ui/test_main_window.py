"""The window driven as a reader drives it: keys, clicks, drops, with a real library."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPushButton,
    QWidget,
)
from ui_articles import long_markdown
from web_helpers import input_widget, js

from reader.core.library import Library
from reader.core.model import ImportStatus
from reader.ui import theme as themes
from reader.ui.importing import ImportSummaryDialog
from reader.ui.main_window import MainWindow
from reader.ui.reader import ReaderView

# The offscreen platform warns when a shown top-level changes its size limits or is raised.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "This plugin does not support raise"
)


CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def open_titled(qtbot: Any, window: MainWindow, title: str) -> int:
    (summary,) = [s for s in window.library.summaries() if s.title == title]
    with qtbot.waitSignal(window.reader_view.article_shown, timeout=15_000):
        assert window.open_article(summary.id)
    return summary.id


def shown(qtbot: Any, view: ReaderView) -> None:
    """Wait until the view has shown the article it was asked for."""
    qtbot.waitUntil(lambda: view.article is not None and view.ready, timeout=15_000)


def type_search(qtbot: Any, window: MainWindow, text: str) -> Any:
    QTest.keyClick(window, Qt.Key.Key_K, CTRL)
    assert window.search_field.hasFocus()
    with qtbot.waitSignal(window.search.searched, timeout=3000) as blocker:
        QTest.keyClicks(window.search_field, text)
    return blocker.args[0]


def visible_in_viewport(qtbot: Any, view: ReaderView, position: int) -> bool:
    rect = js(qtbot, view, f"Margin.rectOf({position}, {position + 1})")
    return rect is not None and 0 <= rect["y"] < view.height()


# --- search ----------------------------------------------------------------------------


def test_a_search_of_only_common_words_says_so(window: MainWindow, qtbot: Any) -> None:
    results = type_search(qtbot, window, "of the")
    assert results.hits == [] and results.too_common
    assert window.search_message.text() == (
        "“of the” has only words too common to search for (the, and, of…): "
        "add a more telling word."
    )


def test_search_as_you_type_then_enter_opens_the_article_at_the_match(
    qtbot: Any, make_window: Any, filled_library: Library, tmp_path: Path
) -> None:
    (tmp_path / "long").mkdir()
    (tmp_path / "long" / "long.md").write_text(
        long_markdown(6000, title="Pain review"), encoding="utf-8"
    )
    filled_library.import_paths([tmp_path / "long"])
    window = make_window(filled_library)
    results = type_search(qtbot, window, "zygomycosis")
    assert [h.title for h in results.hits] == ["Pain review"]
    assert window.left_stack.currentWidget() is window.search_results
    assert window.search_message.text() == "1 article"
    assert '<b class="match">zygomycosis</b>' in window.search.model.hit(0).snippet_html
    QTest.keyClick(window.search_field, Qt.Key.Key_Return)
    view = window.reader_view
    assert view.article is not None and view.article.title == "Pain review"
    qtbot.waitUntil(lambda: bool(view.mark_layer("search")), timeout=15_000)
    (mark,) = view.mark_layer("search")
    assert view.text[mark[0] : mark[1]] == "zygomycosis"
    # scrolled to the first match, far down
    qtbot.waitUntil(lambda: visible_in_viewport(qtbot, view, mark[0]) and view.scroll_y > 0)
    assert view.hasFocus()


def test_search_results_show_snippets_with_marked_terms(qtbot: Any, window: MainWindow) -> None:
    results = type_search(qtbot, window, "placebo")
    assert [h.title for h in results.hits] == ["Statins and muscle pain"]
    index = window.search.model.index(0)
    assert "placebo" in index.data(Qt.ItemDataRole.ToolTipRole)
    # The delegate gives rows room for the title, source line and snippet.
    assert window.search_results.sizeHintForRow(0) > 3 * window.fontMetrics().height()
    window.search_results.setFocus()
    QTest.keyClick(window.search_results, Qt.Key.Key_Return)
    assert window.reader_view.article.title == "Statins and muscle pain"


def test_unreadable_query_shows_a_gentle_message(qtbot: Any, window: MainWindow) -> None:
    QTest.keyClick(window, Qt.Key.Key_K, CTRL)
    QTest.keyClicks(window.search_field, 'title:"unclosed')
    qtbot.waitUntil(lambda: "never closed" in window.search_message.text(), timeout=3000)
    assert window.search_message.isVisible()
    assert window.search.model.rowCount() == 0
    QTest.keyClick(window.search_field, Qt.Key.Key_Escape)
    assert window.search_field.text() == ""
    assert not window.search_message.isVisible()
    assert window.left_stack.currentWidget() is window.library_panel


# --- reading ---------------------------------------------------------------------------


def test_contents_click_jumps_to_the_heading(
    qtbot: Any, make_window: Any, library: Library, tmp_path: Path
) -> None:
    (tmp_path / "l").mkdir()
    (tmp_path / "l" / "long.md").write_text(long_markdown(8000), encoding="utf-8")
    library.import_paths([tmp_path / "l"])
    window = make_window(library)
    window.library_panel.select_relative(0)
    view = window.reader_view
    shown(qtbot, view)
    qtbot.waitUntil(lambda: window.toc.topLevelItemCount() > 10)
    item = window.toc.topLevelItem(9)
    assert item.text(0) == "Section 10"
    rect = window.toc.visualItemRect(item)
    qtbot.mouseClick(window.toc.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    heading = next(h for h in view.headings() if h.text == "Section 10")
    # the heading sits at the top
    top = f"Margin.rectOf({heading.position}, {heading.position + 1}).y"
    qtbot.waitUntil(lambda: 0 <= js(qtbot, view, top) < 60)
    at_top = js(qtbot, view, "document.elementFromPoint(200, 30).textContent")
    assert at_top == "Section 10"


def test_find_in_page_counts_and_steps_through_matches(qtbot: Any, window: MainWindow) -> None:
    open_titled(qtbot, window, "Ketamine for Pain")
    window.reader_view.setFocus()
    QTest.keyClick(window, Qt.Key.Key_F, CTRL)
    bar = window.find_bar
    assert bar.isVisible() and bar.field.hasFocus()
    QTest.keyClicks(bar.field, "ketamine")
    qtbot.waitUntil(lambda: bar.count_label.text().startswith("1 of"), timeout=2000)
    total = bar.match_count
    assert total >= 5 and bar.count_label.text() == f"1 of {total}"
    view = window.reader_view
    assert len(view.mark_layer("find")) == total
    # Every match underlined; the first is the current one, in its own style.
    painted = (
        "Object.fromEntries(Array.from(CSS.highlights.entries()).map(([k, h]) => [k, h.size]))"
    )
    qtbot.waitUntil(
        lambda: js(qtbot, view, painted) == {"mark-find": total - 1, "mark-find-current": 1}
    )
    QTest.keyClick(bar.field, Qt.Key.Key_F3)
    assert bar.count_label.text() == f"2 of {total}"
    current = [m for m in view.mark_layer("find") if m[2] == "mark-find-current"]
    assert current == [(*bar._matches[1], "mark-find-current")]
    QTest.keyClick(bar.field, Qt.Key.Key_F3, SHIFT)
    QTest.keyClick(bar.field, Qt.Key.Key_F3, SHIFT)
    assert bar.count_label.text() == f"{total} of {total}"  # wraps around
    QTest.keyClick(bar.field, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert view.mark_layer("find") == []
    qtbot.waitUntil(lambda: js(qtbot, view, painted) == {})


def test_find_does_not_erase_search_marks(qtbot: Any, window: MainWindow) -> None:
    type_search(qtbot, window, "placebo")
    QTest.keyClick(window.search_field, Qt.Key.Key_Return)
    view = window.reader_view
    qtbot.waitUntil(lambda: bool(view.mark_layer("search")), timeout=15_000)
    marks = view.mark_layer("search")
    window.find_bar.open_bar()
    QTest.keyClicks(window.find_bar.field, "statin")
    window.find_bar.update_matches()
    assert view.mark_layer("search") == marks
    count = "Array.from(CSS.highlights.values()).reduce((n, h) => n + h.size, 0)"
    qtbot.waitUntil(
        lambda: js(qtbot, view, count) == len(marks) + window.find_bar.match_count
    )


def test_theme_switch_recolours_the_app_and_the_page(qtbot: Any, window: MainWindow) -> None:
    open_titled(qtbot, window, "Ketamine for Pain")
    window.theme_actions["dark"].trigger()
    app_palette = QApplication.palette()
    assert app_palette.color(QPalette.ColorRole.Window) == QColor(themes.DARK.window)
    view = window.reader_view

    def corner() -> QColor:
        image = view.grab().toImage()
        return image.pixelColor(3, image.height() - 3)

    # The page repaints live: no reload, no stale colour.
    qtbot.waitUntil(lambda: corner() == QColor(themes.DARK.page))
    text = "getComputedStyle(document.querySelector('#margin-body p')).color"
    assert js(qtbot, view, text) == "rgb(220, 221, 224)"  # the dark theme's text
    window.theme_actions["sepia"].trigger()
    qtbot.waitUntil(lambda: corner() == QColor(themes.SEPIA.page))
    assert window.settings.theme == "sepia"


def test_font_size_shortcuts(qtbot: Any, window: MainWindow) -> None:
    open_titled(qtbot, window, "Ketamine for Pain")
    view = window.reader_view
    view.setFocus()
    start = view.font_size
    QTest.keyClick(window, Qt.Key.Key_Equal, CTRL)
    QTest.keyClick(window, Qt.Key.Key_Plus, CTRL)
    assert view.font_size == start + 2
    QTest.keyClick(window, Qt.Key.Key_Minus, CTRL)
    assert view.font_size == start + 1
    size = "getComputedStyle(document.body).fontSize"
    qtbot.waitUntil(lambda: js(qtbot, view, size) == f"{start + 1}px")
    QTest.keyClick(window, Qt.Key.Key_0, CTRL)
    assert view.font_size == themes.DEFAULT_FONT_SIZE
    assert window.settings.font_size == themes.DEFAULT_FONT_SIZE


def test_opening_marks_read_and_ctrl_u_toggles(qtbot: Any, window: MainWindow) -> None:
    article_id = open_titled(qtbot, window, "Sleep and blood pressure")
    assert window.library.article(article_id).is_read
    row = window.library_panel.model.row_of(article_id)
    title_index = window.library_panel.model.index(row, 0)
    assert title_index.data(Qt.ItemDataRole.FontRole) is None  # no longer bold
    QTest.keyClick(window, Qt.Key.Key_U, CTRL)
    assert not window.library.article(article_id).is_read
    assert title_index.data(Qt.ItemDataRole.FontRole).bold()
    assert window.action_toggle_read.text() == "Mark as &Read"


def test_reading_position_is_saved_and_restored(
    qtbot: Any, make_window: Any, library: Library, tmp_path: Path
) -> None:
    (tmp_path / "l").mkdir()
    (tmp_path / "l" / "long.md").write_text(long_markdown(5000), encoding="utf-8")
    library.import_paths([tmp_path / "l"])
    window = make_window(library)
    window.library_panel.select_relative(0)
    view = window.reader_view
    shown(qtbot, view)
    article_id = view.article.id
    js(qtbot, view, "Margin.setFraction(0.5)")
    qtbot.waitUntil(lambda: library.article(article_id).reading_position > 0.3, timeout=3000)
    view.clear_article()
    with qtbot.waitSignal(view.article_shown, timeout=15_000):
        window.open_article(article_id)
    qtbot.waitUntil(lambda: abs(view.reading_fraction() - 0.5) < 0.03)


# --- importing -------------------------------------------------------------------------


def held_import(library: Library, monkeypatch: pytest.MonkeyPatch, at: int) -> threading.Event:
    """Hold the import on its worker when it reaches file ``at`` until the returned event
    is set, so a test can look at the window while an import is running."""
    real = library.import_paths
    release = threading.Event()
    held: list[Any] = []

    def import_paths(
        paths: Any, options: Any = None, *, progress: Any = None, cancel: Any = None
    ) -> Any:
        def waiting(p: Any) -> None:
            if progress:
                progress(p)
            if p.done == at and not held:
                held.append(p)  # once: a report may come at a file's start and end
                release.wait(timeout=10)

        return real(paths, options, progress=waiting, cancel=cancel)

    monkeypatch.setattr(library, "import_paths", import_paths)
    return release


class ShowSpy(QObject):
    """Counts the times a widget was shown."""

    def __init__(self, widget: QObject) -> None:
        super().__init__()
        self.shown = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            self.shown += 1
        return False


def many_files(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"n{i:04d}.md").write_text(
            f"---\ntitle: Note {i}\n---\n\nA short note {i}.\n", encoding="utf-8"
        )
    return folder


def test_import_shows_progress_stays_responsive_and_cancels(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = many_files(tmp_path / "many", 300)
    release = held_import(window.library, monkeypatch, at=5)
    window.action_import_folder.setEnabled(True)
    assert window.import_paths([folder])
    assert not window.action_import_folder.isEnabled()
    importer = window.importer
    qtbot.waitUntil(
        lambda: importer.progress_dialog is not None and importer.progress_dialog.isVisible(),
        timeout=5000,
    )
    dialog = importer.progress_dialog
    # The import is held at file 5 on its worker, and the window is not: it showed the
    # dialog (after its delay) and the progress that came through.
    qtbot.waitUntil(lambda: dialog.value() == 5, timeout=5000)
    assert "of 300" in dialog.labelText()
    assert not release.is_set()
    (cancel_button,) = dialog.findChildren(QPushButton)
    qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(importer.finished, timeout=10000) as blocker:
        release.set()
    report = blocker.args[0]
    assert report.cancelled
    added = report.count(ImportStatus.ADDED)
    assert 4 <= added <= 6  # what came before the cancel stays; nothing after it
    assert window.library.count() == 3 + added
    assert window.library_panel.model.total == 3 + added
    summary = importer.summary_dialog
    assert isinstance(summary, ImportSummaryDialog) and summary.isVisible()
    assert summary.windowTitle() == "Import cancelled"
    assert window.action_import_folder.isEnabled()


def test_quick_import_shows_no_progress_and_lists_failures(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.md").write_text("---\ntitle: Good one\n---\n\nFine.\n", encoding="utf-8")
    (folder / "empty.json").write_bytes(b"")
    (folder / "broken.json").write_text('{"title": ', encoding="utf-8")
    with qtbot.waitSignal(window.importer.finished, timeout=10000) as blocker:
        window.import_paths([folder])
        assert window.importer.progress_dialog is not None
        spy = ShowSpy(window.importer.progress_dialog)
    # Finished before the dialog's delay: it was never shown, and it is gone, so it
    # cannot pop up later either.
    assert spy.shown == 0
    assert window.importer.progress_dialog is None
    report = blocker.args[0]
    assert report.count(ImportStatus.ADDED) == 1 and report.count(ImportStatus.FAILED) == 2
    summary = window.importer.summary_dialog
    rows = [
        [summary.tree.topLevelItem(i).text(c) for c in range(3)]
        for i in range(summary.tree.topLevelItemCount())
    ]
    assert rows[0][0] == "Failed" and rows[1][0] == "Failed"  # failures first
    assert {r[2] for r in rows[:2]} == {"empty.json", "broken.json"}
    assert all(r[1] for r in rows[:2])  # each failure says why
    assert ["Added", "Good one", "good.md"] in rows


def test_import_files_menu_uses_the_file_dialog(
    qtbot: Any, window: MainWindow, tmp_path: Path, modal_calls: Any
) -> None:
    path = tmp_path / "one.md"
    path.write_text("---\ntitle: From the dialog\n---\n\nHello.\n", encoding="utf-8")
    modal_calls.open_files = [str(path)]
    with qtbot.waitSignal(window.importer.finished, timeout=10000):
        QTest.keyClick(window, Qt.Key.Key_O, CTRL)
    assert any(name == "QFileDialog.getOpenFileNames" for name, _ in modal_calls)
    assert "From the dialog" in [s.title for s in window.library.summaries()]


def test_dropping_files_imports_them(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "dropped.md"
    path.write_text("---\ntitle: Dropped article\n---\n\nDropped here.\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    pos = QPointF(window.width() / 2, window.height() / 2)
    enter = QDragEnterEvent(
        pos.toPoint(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        pos,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.importer.finished, timeout=10000):
        QApplication.sendEvent(window, drop)
    assert "Dropped article" in [s.title for s in window.library.summaries()]
    assert window.library_panel.model.total == 4


def test_dragging_non_files_is_refused(window: MainWindow) -> None:
    mime = QMimeData()
    mime.setText("just text")
    enter = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()


def test_empty_library_adds_the_sample_from_the_button(
    qtbot: Any, make_window: Any, library: Library
) -> None:
    window = make_window(library)
    panel = window.library_panel
    assert panel.is_empty and panel.sample_button.isVisible()
    with qtbot.waitSignal(window.importer.finished, timeout=60000) as blocker:
        qtbot.mouseClick(panel.sample_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].count(ImportStatus.ADDED) >= 3
    assert not panel.is_empty and panel.model.total >= 3
    assert window.reader_view.article is not None  # the first article opens by itself


# --- desktop conventions ---------------------------------------------------------------


def test_settings_are_restored_in_a_new_window(
    qtbot: Any, make_window: Any, filled_library: Library
) -> None:
    first = make_window(filled_library)
    first.theme_actions["sepia"].trigger()
    first.reader_view.set_font_size(21)
    first.resize(760, 560)  # inside the offscreen screen (800x600), so nothing is clamped
    first.splitter.setSizes([300, 500, 200])
    sizes = first.splitter.sizes()
    first.set_contents_visible(False)
    first.close()
    second = make_window(filled_library, size=None)
    assert (second.width(), second.height()) == (760, 560)
    assert second.theme.name == "sepia"
    assert QApplication.palette().color(QPalette.ColorRole.Window) == QColor(themes.SEPIA.window)
    assert second.reader_view.font_size == 21
    assert second.splitter.sizes()[0] == sizes[0]
    assert not second.toc.isVisible()


def test_a_narrower_window_keeps_the_article_readable(qtbot: Any, window: MainWindow) -> None:
    splitter = window.splitter
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: sum(splitter.sizes()) > 1200)
    wide = splitter.sizes()
    assert wide[1] > 500
    # A half-screen window: the side panes give way before the article does (it was
    # left 278 px of 1,000, and none at all of 760, with the panes at their full widths).
    window.resize(1000, 800)
    qtbot.waitUntil(lambda: sum(splitter.sizes()) < 1000)
    left, article, side = splitter.sizes()
    assert article >= 380 and left < wide[0] and side < wide[2]
    window.set_contents_visible(False)
    qtbot.waitUntil(lambda: splitter.sizes()[2] == 0)
    assert splitter.sizes()[:2] == [wide[0], 1000 - wide[0] - splitter.handleWidth()]
    window.set_contents_visible(True)
    qtbot.waitUntil(lambda: splitter.sizes()[2] > 0)
    assert splitter.sizes()[1] >= 380
    # Room again: the panes take back the widths they had.
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: sum(splitter.sizes()) > 1200)
    assert splitter.sizes() == wide


def test_the_next_run_reopens_the_article_being_read(
    qtbot: Any, make_window: Any, filled_library: Library, tmp_path: Path
) -> None:
    import argparse

    from reader.ui.app import _apply_start_options

    first = make_window(filled_library)
    reading = open_titled(qtbot, first, "Statins and muscle pain")
    first.close()
    second = make_window(filled_library)
    with qtbot.waitSignal(second.reader_view.article_shown, timeout=15_000):
        _apply_start_options(second, argparse.Namespace(open=None, search=None))
    assert second.reader_view.article.id == reading  # not the list's first article
    assert second.library_panel.current_article_id() == reading
    # Another library never takes that id for one of its own articles.
    with Library.open(tmp_path / "other") as other:
        assert second.settings.last_article(str(other.root)) is None


def test_panes_lent_to_a_narrow_window_come_back_in_the_next_run(
    qtbot: Any, make_window: Any, filled_library: Library
) -> None:
    first = make_window(filled_library, size=(1280, 800))
    wide = first.splitter.sizes()
    first.resize(1000, 800)
    qtbot.waitUntil(lambda: first.splitter.sizes()[0] < wide[0])
    first.close()  # quit while narrow: the panes' own widths are what is kept
    second = make_window(filled_library, size=(1280, 800))
    qtbot.waitUntil(lambda: sum(second.splitter.sizes()) > 1200)
    assert second.splitter.sizes() == wide


def test_f6_cycles_the_panes_from_the_keyboard(qtbot: Any, window: MainWindow) -> None:
    window.library_panel.focus_list()
    order = []

    def focused() -> QWidget | None:
        # The reading view's input goes to the engine's child widget: count it as the view.
        widget = QApplication.focusWidget()
        return window.reader_view if widget is window.reader_view.focusProxy() else widget

    for _ in range(5):
        order.append(focused())
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)
    assert order == [
        window.library_panel.table,
        window.search_field,
        window.reader_view,
        window.toc,
        window.library_panel.table,
    ]
    assert QApplication.focusWidget() is window.search_field
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6, SHIFT)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6, SHIFT)
    assert QApplication.focusWidget() is window.toc


def test_tab_from_the_search_box_goes_down_the_library_then_to_the_article(
    qtbot: Any, window: MainWindow
) -> None:
    open_titled(qtbot, window, "Ketamine for Pain")
    QTest.keyClick(window, Qt.Key.Key_K, CTRL)
    visited = []
    for _ in range(8):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
        if visited[-1] is window.reader_view.focusProxy():
            break
    filters = [box for box in window.library_panel.findChildren(QComboBox) if box.isVisible()]
    # Every filter under the box, then the list, then the article (Tab used to jump from
    # the box straight into the article and reach the list last).
    assert visited[: len(filters)] == filters
    assert visited[len(filters) :] == [window.library_panel.table, window.reader_view.focusProxy()]


def test_keyboard_only_reading(qtbot: Any, window: MainWindow) -> None:
    """Ctrl+1 to the list, arrows to choose, Enter to read, Alt+Down for the next."""
    QTest.keyClick(window, Qt.Key.Key_1, CTRL)
    table = window.library_panel.table
    assert table.hasFocus()
    QTest.keyClick(table, Qt.Key.Key_Down)
    second = window.library_panel.current_article_id()
    assert window.reader_view.article.id == second
    QTest.keyClick(table, Qt.Key.Key_Return)
    assert window.reader_view.hasFocus() or input_widget(window.reader_view).hasFocus()
    QTest.keyClick(window, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert window.reader_view.article.id != second


def test_every_interactive_control_has_an_accessible_name(
    qtbot: Any, window: MainWindow
) -> None:
    open_titled(qtbot, window, "Ketamine for Pain")
    window.find_bar.open_bar()
    missing = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        interactive = (
            isinstance(widget, (QAbstractButton, QComboBox, QLineEdit, QCheckBox))
            or widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        )
        if interactive and not widget.accessibleName():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    assert missing == []


def test_menus_cover_the_conventions(window: MainWindow) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Go", "&Help"]
    assert window.action_quit.shortcut().toString() == "Ctrl+Q"
    assert "Ctrl+," in [s.toString() for s in window.action_preferences.shortcuts()]
    assert "F3" in [s.toString() for s in window.action_find_next.shortcuts()]
    assert "Ctrl+K" in [s.toString() for s in window.action_search.shortcuts()]


def access_key_clashes(menu: Any) -> list[str]:
    """Items of one menu (and its submenus) that share an Alt access key: with a clash,
    pressing the letter only moves between them instead of choosing one."""
    clashes: list[str] = []
    items: dict[str, str] = {}
    for action in menu.actions():
        text = action.text().replace("&&", "")
        if "&" in text and action.isVisible():
            key = text[text.index("&") + 1].lower()
            if key in items:
                clashes.append(f"{menu.title()}: {items[key]!r} and {text!r}")
            items[key] = text
        if action.menu() is not None:
            clashes += access_key_clashes(action.menu())
    return clashes


def test_the_shortcut_help_lists_every_menu_shortcut(window: MainWindow) -> None:
    from reader.ui.window_actions import SHORTCUT_HELP

    # Keys are separated by spaces, or by ", " after a key that is not itself "Ctrl+,".
    listed = re.split(r"(?<!\+),\s+|\s+", " ".join(keys for _, keys in SHORTCUT_HELP))
    # Standard keys every program has (and whose binding is the desktop's own choice).
    universal = {window.action_copy, window.action_select_all, window.action_quit}
    universal |= {window.action_undo, window.action_redo}
    missing = []
    menus = [action.menu() for action in window.menuBar().actions()]
    while menus:
        menu = menus.pop()
        for action in menu.actions():
            if action.menu() is not None:
                menus.append(action.menu())
            elif action not in universal and not action.shortcut().isEmpty():
                keys = [key.toString() for key in action.shortcuts()]
                if not set(keys) & set(listed):
                    missing.append(f"{action.text()} {keys[0]}")
    assert "; ".join(sorted(missing)) == ""  # F1 is where a keyboard user learns them


def test_each_menu_item_has_its_own_access_key(qtbot: Any, window: MainWindow) -> None:
    open_titled(qtbot, window, "Ketamine for Pain")
    menus = [action.menu() for action in window.menuBar().actions()]
    for _ in range(2):  # Go ▸ Mark as Read, then Mark as Unread
        assert [clash for menu in menus for clash in access_key_clashes(menu)] == []
        window.action_toggle_read.trigger()


def test_preferences_apply_at_once(qtbot: Any, window: MainWindow) -> None:
    QTest.keyClick(window, Qt.Key.Key_Comma, CTRL)
    dialog = window.findChild(QWidget, "preferences")
    assert dialog is not None and dialog.isVisible()
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    assert window.theme.name == "dark"
    dialog.font_spin.setValue(20)
    assert window.reader_view.font_size == 20
    with qtbot.waitSignal(window.hover_previews_changed):
        dialog.hover_box.setChecked(False)
    assert window.settings.hover_previews is False
    dialog.close()


def test_about_and_shortcut_help_do_not_block(window: MainWindow, modal_calls: Any) -> None:
    window.action_about.trigger()
    QTest.keyClick(window, Qt.Key.Key_F1)
    names = [name for name, _ in modal_calls]
    assert "QMessageBox.about" in names and "QMessageBox.exec" in names
