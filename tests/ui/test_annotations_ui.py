"""Highlights, notes and the annotations panel, driven the way a reader uses them.

A real library with the seed article imported, the real web reading view showing it;
text is selected in the page (by the browser's own find, or a real mouse drag) and
highlighted from the keyboard shortcut, the context menu, the floating toolbar; the
library, the panel and what the page paints are checked after every step, including
undo and redo.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QGuiApplication, QTextDocumentFragment
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QHBoxLayout, QMenu, QToolTip, QWidget
from web_helpers import dom_select, input_widget, js, point, show, text_rect

from reader.core import highlight_colors
from reader.core.library import Library
from reader.core.model import ImportStatus
from reader.ui import theme as themes
from reader.ui.annotations_panel import (
    ORPHANS_HEADER,
    AnnotationsPanel,
    HeaderRole,
    HtmlRole,
    OrphanRole,
    UuidRole,
)
from reader.ui.highlighting import LAYER, HighlightController
from reader.ui.note_editor import NoteEditor, parse_tags, render_markdown
from reader.ui.reader import ReaderView
from reader.ui.reader.page import highlight_paint

# The offscreen platform warns when a top-level window's size limits change.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

SEED = "ketamine-for-pain.json"
PHRASE = "especially useful for sudden pain flare-ups"
# Crosses inline markup: "classified as a <strong>dissociative anesthetic</strong>, meaning".
ACROSS_TAGS = "classified as a dissociative anesthetic, meaning"
DELETED_ITEM = (
    "<li>It provides fast-acting pain relief, making it especially useful for sudden pain "
    "flare-ups or acute pain.</li>"
)


@dataclass
class Reader:
    library: Library
    article_id: int
    view: ReaderView
    controller: HighlightController
    panel: AnnotationsPanel
    window: QWidget


def import_seed(library: Library, path: Path) -> int:
    report = library.import_paths([path])
    result = report.results[-1]
    assert result.status in (ImportStatus.ADDED, ImportStatus.UPDATED), report.results
    assert result.article_id is not None
    return result.article_id


@pytest.fixture
def seeded(tmp_path: Path, fixtures: Path) -> Iterator[tuple[Library, int]]:
    library = Library.open(tmp_path / "library")
    article_id = import_seed(library, fixtures / SEED)
    yield library, article_id
    library.close()


@pytest.fixture
def reader(qtbot, seeded: tuple[Library, int]) -> Reader:
    library, article_id = seeded
    window = QWidget()
    window.setWindowTitle("Margin test")
    view = ReaderView()
    controller = HighlightController(view, library)
    panel = AnnotationsPanel(controller)
    layout = QHBoxLayout(window)
    layout.addWidget(view, 3)
    layout.addWidget(panel, 1)
    qtbot.addWidget(window)
    window.resize(1100, 720)
    window.show()
    qtbot.waitExposed(window)
    show(qtbot, view, library.article(article_id))
    return Reader(library, article_id, view, controller, panel, window)


def select(qtbot, view: ReaderView, phrase: str) -> int:
    """Select ``phrase`` in the page; returns its page position."""
    dom_select(qtbot, view, phrase)
    return view.text.index(phrase)


def focus(qtbot, r: Reader) -> QWidget:
    r.window.activateWindow()
    r.view.setFocus()
    widget = input_widget(r.view)
    qtbot.waitUntil(widget.hasFocus)
    return widget


def highlight_with_shortcut(qtbot, r: Reader, phrase: str) -> int:
    position = select(qtbot, r.view, phrase)
    widget = focus(qtbot, r)
    count = len(live(r))
    qtbot.keyClick(widget, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(live(r)) == count + 1)
    return position


def live(r: Reader) -> list:
    return r.library.annotations(r.article_id)


def panel_quotes(panel: AnnotationsPanel) -> list[str]:
    model = panel.model
    return [model.index(i).data() for i in range(model.rowCount())]


def painted(r: Reader) -> list[tuple[int, int, str]]:
    return r.view.mark_layer(LAYER)


def covers(marks: list[tuple[int, int, str]], position: int, length: int = 1) -> bool:
    return any(a <= position and position + length <= b for a, b, _c in marks)


def colour_at(r: Reader, position: int) -> str | None:
    """The highlight colour class the view asked the page to paint at a position."""
    for a, b, cls in painted(r):
        if a <= position < b and cls.startswith("hl-") and cls != "hl-note":
            return cls.removeprefix("hl-")
    return None


def page_highlights(qtbot, r: Reader) -> dict[str, list[str]]:
    """What the page itself paints: CSS highlight name → the texts of its ranges."""
    return js(
        qtbot,
        r.view,
        "Object.fromEntries(Array.from(CSS.highlights.entries())"
        ".map(([k, h]) => [k, Array.from(h).map(x => x.toString())]))",
    )


def dominant_colour(r: Reader, rect: QRect) -> QColor:
    """The commonest pixel colour in a rectangle of the view: a highlight's background."""
    image = r.view.grab().toImage().copy(rect)
    counts = Counter(image.pixel(x, y) for y in range(image.height()) for x in range(image.width()))
    return QColor.fromRgb(counts.most_common(1)[0][0])


def action_named(menu: QMenu, name: str):
    for action in menu.findChildren(type(menu.menuAction())):
        if action.objectName() == name:
            return action
    names = [a.objectName() for a in menu.findChildren(type(menu.menuAction()))]
    raise AssertionError(f"no action {name!r} in {names}")


# --- creating ------------------------------------------------------------------------------


def test_ctrl_h_highlights_selection_in_library_panel_and_view(qtbot, reader: Reader) -> None:
    position = highlight_with_shortcut(qtbot, reader, PHRASE)

    [annotation] = live(reader)
    assert annotation.quote.exact == PHRASE
    assert annotation.color == "yellow"  # the default last-used colour
    assert panel_quotes(reader.panel) == [PHRASE]
    assert covers(painted(reader), position, len(PHRASE))
    qtbot.waitUntil(lambda: page_highlights(qtbot, reader) == {"hl-yellow": [PHRASE]})
    # The selection is cleared so the new highlight colour is visible at once.
    assert not reader.view.selection
    assert js(qtbot, reader.view, "getSelection().isCollapsed")


def test_context_menu_highlights_across_inline_markup(qtbot, reader: Reader) -> None:
    position = select(qtbot, reader.view, ACROSS_TAGS)
    menu = reader.controller.build_context_menu(position + 2)
    names = [a.objectName() for a in menu.actions()]
    assert "copy" in names and "selectAll" in names, "the standard entries are kept"
    action_named(menu, "highlight-blue").trigger()
    menu.deleteLater()

    [annotation] = live(reader)
    assert annotation.quote.exact == ACROSS_TAGS
    assert annotation.color == "blue"
    assert covers(painted(reader), position, len(ACROSS_TAGS))
    # Ctrl+H now uses blue, the last colour chosen.
    highlight_with_shortcut(qtbot, reader, PHRASE)
    assert {a.quote.exact: a.color for a in live(reader)}[PHRASE] == "blue"
    # Panel rows come in reading order.
    assert panel_quotes(reader.panel) == [PHRASE, ACROSS_TAGS]


def test_mouse_drag_snaps_to_words_and_the_toolbar_highlights(qtbot, reader: Reader) -> None:
    view = reader.view
    widget = input_widget(view)
    # Drag from inside "especially" to inside "flare-ups" (same line or not).
    start = text_rect(qtbot, view, "especially useful")
    end = text_rect(qtbot, view, "flare-ups or acute")
    assert start.top() == text_rect(qtbot, view, "especially useful").top()  # settled
    begin = QPoint(start.left() + 12, start.center().y())
    finish = QPoint(end.left() + 20, end.center().y())
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, begin)
    QTest.mouseMove(widget, QPoint((begin.x() + finish.x()) // 2, finish.y()))
    QTest.mouseMove(widget, finish)
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, finish)
    toolbar = reader.controller.toolbar
    qtbot.waitUntil(toolbar.isVisible)
    # Whole words, as a browser's word selection would give: never "ecially ... fla".
    assert view.selected_text() == PHRASE
    assert view.rect().contains(toolbar.geometry())

    qtbot.mouseClick(toolbar.color_buttons["green"], Qt.MouseButton.LeftButton)
    [annotation] = live(reader)
    assert (annotation.quote.exact, annotation.color) == (PHRASE, "green")
    assert not toolbar.isVisible()

    # Esc hides it; so does a click elsewhere.
    select(qtbot, view, ACROSS_TAGS)
    reader.controller.show_toolbar_for_selection()
    assert toolbar.isVisible()
    focus(qtbot, reader)
    qtbot.keyClick(widget, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not toolbar.isVisible())
    reader.controller.show_toolbar_for_selection()
    assert toolbar.isVisible()
    QTest.mousePress(
        widget,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QPoint(10, view.height() - 10),
    )
    qtbot.waitUntil(lambda: not toolbar.isVisible())
    QTest.mouseRelease(
        widget,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QPoint(10, view.height() - 10),
    )


# --- notes, undo, redo ---------------------------------------------------------------------


def test_the_highlight_toolbar_goes_when_the_page_scrolls(qtbot, reader: Reader) -> None:
    # It was placed beside the selection's rectangles: after a scroll they are elsewhere.
    select(qtbot, reader.view, ACROSS_TAGS)
    toolbar = reader.controller.toolbar
    reader.controller.show_toolbar_for_selection()
    assert toolbar.isVisible()
    reader.view.scroll_by(300)
    qtbot.waitUntil(lambda: not toolbar.isVisible(), timeout=15_000)
    assert reader.view.selected_text()  # the selection itself stays


def test_note_editor_undo_and_redo_reach_library_panel_and_view(qtbot, reader: Reader) -> None:
    r = reader
    position = select(qtbot, r.view, PHRASE)
    widget = focus(qtbot, r)
    with qtbot.waitSignal(r.controller.note_editor_opened) as opened:
        qtbot.keyClick(
            widget,
            Qt.Key.Key_H,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    editor: NoteEditor = opened.args[0]
    qtbot.keyClicks(editor.note_edit, "**Check** the dose <script>x</script>")
    editor.tags_edit.setText("dosing, follow up, dosing")
    editor.accept()

    [annotation] = live(r)
    assert annotation.note == "**Check** the dose <script>x</script>"
    assert annotation.tags == ["dosing", "follow up"]
    html = r.panel.model.index(0).data(HtmlRole)
    assert "<strong>Check</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html  # raw HTML is shown, not run
    assert "#follow up" in html
    # A note is a dotted underline on the highlight.
    qtbot.waitUntil(lambda: page_highlights(qtbot, r).get("hl-note") == [PHRASE])

    stack = r.controller.undo_stack
    assert stack.undoText() == "Edit note and tags"
    stack.undo()
    assert live(r)[0].note == "" and live(r)[0].tags == []
    stack.undo()  # the highlight itself
    assert live(r) == []
    assert panel_quotes(r.panel) == []
    assert painted(r) == []
    qtbot.waitUntil(lambda: page_highlights(qtbot, r) == {})
    assert r.panel.empty_label.isVisibleTo(r.panel)

    stack.redo()
    assert [a.quote.exact for a in live(r)] == [PHRASE]
    assert panel_quotes(r.panel) == [PHRASE]
    assert covers(painted(r), position, len(PHRASE))
    stack.redo()
    assert live(r)[0].note.startswith("**Check**")


def tooltip_text() -> str:
    """The visible tooltip's text as the user reads it ("" when none is shown)."""
    if not QToolTip.isVisible():
        return ""
    return QTextDocumentFragment.fromHtml(QToolTip.text()).toPlainText()


def test_hovering_a_highlight_shows_its_note_as_plain_text(qtbot, reader: Reader) -> None:
    view, widget = reader.view, input_widget(reader.view)
    highlight_with_shortcut(qtbot, reader, PHRASE)
    note = "Check the <b>dose</b> & timing"
    reader.controller.set_note(live(reader)[0].uuid, note)
    qtbot.waitUntil(lambda: page_highlights(qtbot, reader).get("hl-note") == [PHRASE])

    # A real pointer move onto the highlighted words.
    on_highlight = text_rect(qtbot, view, PHRASE)
    plain = text_rect(qtbot, view, "or acute pain")  # right after the highlight
    with qtbot.waitSignal(view.mark_hovered, timeout=5000):
        QTest.mouseMove(widget, on_highlight.center())
    qtbot.waitUntil(lambda: note in tooltip_text())
    # Shown as typed, not as markup; with the colour it was given.
    assert "Yellow" in tooltip_text()
    assert "&lt;b&gt;" in QToolTip.text()

    # Plain text after it, on the same line: the tooltip goes.
    with qtbot.waitSignal(
        view.mark_hovered, timeout=5000, check_params_cb=lambda position, _rect: position < 0
    ):
        QTest.mouseMove(widget, point(plain, 4))
    qtbot.waitUntil(lambda: tooltip_text() == "")


def test_edit_recolour_delete_from_panel_with_undo(qtbot, reader: Reader) -> None:
    r = reader
    highlight_with_shortcut(qtbot, r, PHRASE)
    position = highlight_with_shortcut(qtbot, r, ACROSS_TAGS)
    uuid_b = {a.quote.exact: a.uuid for a in live(r)}[ACROSS_TAGS]

    lst = r.panel.list
    r.panel.select(uuid_b)
    # Edit (F2) opens the editor on that highlight.
    lst.setFocus()
    qtbot.waitUntil(lst.hasFocus)
    with qtbot.waitSignal(r.controller.note_editor_opened) as opened:
        qtbot.keyClick(lst, Qt.Key.Key_F2)
    editor = opened.args[0]
    assert editor.note_edit.toPlainText() == ""
    editor.note_edit.setPlainText("Definition.")
    editor.accept()
    assert r.library.annotation(uuid_b).note == "Definition."

    # Recolour from the panel's context menu.
    menu = r.panel.build_context_menu(lst.currentIndex())
    assert menu is not None
    action_named(menu, "recolor-red").trigger()
    menu.deleteLater()
    assert r.library.annotation(uuid_b).color == "red"
    assert colour_at(r, position + 1) == "red"
    qtbot.waitUntil(lambda: page_highlights(qtbot, r).get("hl-red") == [ACROSS_TAGS])
    r.controller.undo_stack.undo()
    assert r.library.annotation(uuid_b).color == "yellow"
    r.controller.undo_stack.redo()
    assert r.library.annotation(uuid_b).color == "red"

    # Delete with the Del key; undo brings it back with its note.
    r.panel.select(uuid_b)
    r.window.activateWindow()
    lst.setFocus()
    qtbot.waitUntil(lst.hasFocus)
    qtbot.keyClick(lst, Qt.Key.Key_Delete)
    assert [a.quote.exact for a in live(r)] == [PHRASE]
    assert r.library.annotation(uuid_b).removed  # a tombstone, for merges
    assert not covers(painted(r), position)
    assert panel_quotes(r.panel) == [PHRASE]
    r.controller.undo_stack.undo()
    restored = r.library.annotation(uuid_b)
    assert not restored.removed and restored.note == "Definition." and restored.color == "red"
    assert covers(painted(r), position, len(ACROSS_TAGS))
    assert panel_quotes(r.panel) == [PHRASE, ACROSS_TAGS]


def test_activating_a_row_jumps_to_and_selects_the_passage(qtbot, reader: Reader) -> None:
    r = reader
    highlight_with_shortcut(qtbot, r, ACROSS_TAGS)
    js(qtbot, r.view, "Margin.setFraction(1)")
    qtbot.waitUntil(lambda: r.view.reading_fraction() > 0.9)
    index = r.panel.model.index(0)
    with qtbot.waitSignal(r.panel.jump_requested) as jumped:
        r.panel.list.activated.emit(index)
    start, end = jumped.args
    assert r.view.article.text[start:end] == ACROSS_TAGS
    qtbot.waitUntil(lambda: r.view.selected_text() == ACROSS_TAGS)
    qtbot.waitUntil(
        lambda: (
            0
            < js(qtbot, r.view, "getSelection().getRangeAt(0).getBoundingClientRect().top")
            < r.view.height()
        )
    )
    # Back returns to where the reader was.
    assert r.view.go_back()
    qtbot.waitUntil(lambda: r.view.reading_fraction() > 0.9)


# --- orphans, the article note, copying ----------------------------------------------------


def test_orphan_listed_after_reimport_without_the_passage(
    qtbot, reader: Reader, fixtures: Path, tmp_path: Path
) -> None:
    r = reader
    highlight_with_shortcut(qtbot, r, PHRASE)
    highlight_with_shortcut(qtbot, r, ACROSS_TAGS)
    uuid_lost = {a.quote.exact: a.uuid for a in live(r)}[PHRASE]
    r.controller.set_note(uuid_lost, "Onset within minutes?")

    data = json.loads((fixtures / SEED).read_text(encoding="utf-8"))
    assert DELETED_ITEM in data["content"]["rendered"]
    data["content"]["rendered"] = data["content"]["rendered"].replace(DELETED_ITEM, "")
    data["modified"] = data["modified_gmt"] = "2030-01-01T00:00:00"
    edited = tmp_path / "edited" / SEED
    edited.parent.mkdir()
    edited.write_text(json.dumps(data), encoding="utf-8")
    assert import_seed(r.library, edited) == r.article_id

    show(qtbot, r.view, r.library.article(r.article_id))
    model = r.panel.model
    indexes = [model.index(i) for i in range(model.rowCount())]
    rows = [(i.data(), i.data(HeaderRole), i.data(OrphanRole)) for i in indexes]
    assert rows == [
        (ACROSS_TAGS, False, False),
        (ORPHANS_HEADER, True, True),
        (PHRASE, False, True),
    ]
    assert "Onset within minutes?" in model.index(2).data(HtmlRole)
    assert len(painted(r)) == 1  # the orphan is listed, not painted
    assert not model.flags(model.index(1)) & Qt.ItemFlag.ItemIsSelectable


def test_article_note_saved_on_switch_and_kept_across_reopening(
    qtbot, reader: Reader, fixtures: Path, tmp_path: Path
) -> None:
    r = reader
    other = (
        r.library.import_paths([fixtures / "markdown" / "vitamin-d-yaml.md"]).results[-1].article_id
    )
    assert other is not None and other != r.article_id
    r.panel.article_note.setFocus()
    qtbot.keyClicks(r.panel.article_note, "Compare with the 2019 review.")
    # Switch article straight away, before the debounce fires: the note must be saved.
    show(qtbot, r.view, r.library.article(other))
    assert r.library.article_note(r.article_id) == "Compare with the 2019 review."
    assert r.panel.article_note.toPlainText() == ""

    qtbot.keyClicks(r.panel.article_note, "Vitamin D note")
    with qtbot.waitSignal(r.panel.note_saved, timeout=3000):
        pass  # the debounce timer commits it after a pause in typing
    assert r.library.article_note(other) == "Vitamin D note"
    assert r.panel.note_status.text() == "Saved"

    show(qtbot, r.view, r.library.article(r.article_id))
    assert r.panel.article_note.toPlainText() == "Compare with the 2019 review."
    root = r.library.root
    with Library.open(root) as reopened:
        assert reopened.article_note(r.article_id) == "Compare with the 2019 review."
        assert reopened.article_note(other) == "Vitamin D note"


def test_copy_as_markdown_quote_with_source(qtbot, reader: Reader) -> None:
    r = reader
    highlight_with_shortcut(qtbot, r, PHRASE)
    QGuiApplication.clipboard().clear()
    r.panel.select(live(r)[0].uuid)
    r.panel.list.setFocus()
    qtbot.waitUntil(r.panel.list.hasFocus)
    qtbot.keyClick(r.panel.list, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    text = QGuiApplication.clipboard().text()
    assert text.startswith(f"> {PHRASE}")
    assert "Ketamine for Pain" in text and "psyclehealth.com" in text

    # An unhighlighted selection can be copied the same way from the view's menu.
    position = select(qtbot, r.view, ACROSS_TAGS)
    menu = r.controller.build_context_menu(position)
    action_named(menu, "copySelectionMarkdown").trigger()
    menu.deleteLater()
    assert QGuiApplication.clipboard().text().startswith(f"> {ACROSS_TAGS}")
    assert len(live(r)) == 1


@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")
def test_context_menu_on_a_highlight_offers_recolour_and_remove(qtbot, reader: Reader) -> None:
    r = reader
    highlight_with_shortcut(qtbot, r, PHRASE)
    # Right-click on the highlighted words: the page says what is under the pointer.
    rect = text_rect(qtbot, r.view, "sudden pain")
    with qtbot.waitSignal(r.controller.context_menu_shown) as shown:
        r.view.customContextMenuRequested.emit(QPoint(rect.left() + 5, rect.center().y()))
    menu = shown.args[0]
    action_named(menu, "removeHighlight").trigger()
    menu.close()
    assert live(r) == []
    assert r.controller.undo_stack.undoText() == "Delete highlight"


# --- colours, legend, theme, reveal --------------------------------------------------------


def test_legend_edits_meanings_used_by_exports_and_menus(qtbot, reader: Reader) -> None:
    r = reader
    legend = r.panel.legend
    assert legend.count() >= 5
    item = legend.item_for("purple")
    assert item is not None and item.text() == highlight_colors.DEFAULT_COLORS["purple"][0]
    item.setText("for the newsletter")
    assert highlight_colors.meanings(r.library)["purple"] == "for the newsletter"
    select(qtbot, r.view, PHRASE)
    menu = r.controller.build_context_menu()
    assert action_named(menu, "highlight-purple").text() == "Purple (for the newsletter)"
    menu.deleteLater()
    assert "for the newsletter" in r.controller.toolbar.color_buttons["purple"].toolTip()


def test_dark_theme_paints_darker_highlights_live(qtbot, reader: Reader) -> None:
    r = reader
    highlight_with_shortcut(qtbot, r, PHRASE)
    rect = text_rect(qtbot, r.view, "sudden pain")
    qtbot.waitUntil(
        lambda: dominant_colour(r, rect) == QColor(highlight_colors.DEFAULT_COLORS["yellow"][1])
    )
    r.view.set_theme(themes.DARK)
    expected = QColor(highlight_paint("yellow", themes.DARK))
    qtbot.waitUntil(lambda: dominant_colour(r, rect) == expected)
    assert expected.lightnessF() < 0.5
    r.view.set_theme(themes.LIGHT)
    qtbot.waitUntil(lambda: dominant_colour(r, rect).lightnessF() > 0.5)


def test_reveal_opens_the_article_and_selects_the_highlight(
    qtbot, reader: Reader, fixtures: Path
) -> None:
    r = reader
    highlight_with_shortcut(qtbot, r, ACROSS_TAGS)
    uuid = live(r)[0].uuid
    other = (
        r.library.import_paths([fixtures / "markdown" / "vitamin-d-yaml.md"]).results[-1].article_id
    )
    show(qtbot, r.view, r.library.article(other))
    assert r.panel.model.rowCount() == 0

    with qtbot.waitSignal(r.controller.open_article_requested) as asked:
        assert r.controller.reveal(uuid)
    assert asked.args == [r.article_id]
    with qtbot.waitSignal(r.controller.revealed, timeout=10000):
        r.view.show_article(r.library.article(asked.args[0]))
    qtbot.waitUntil(lambda: r.view.selected_text() == ACROSS_TAGS)
    assert r.panel.current_uuid() == uuid


def test_model_passes_the_model_tester(qtmodeltester, qtbot, reader: Reader) -> None:
    highlight_with_shortcut(qtbot, reader, PHRASE)
    reader.controller.set_note(live(reader)[0].uuid, "a *note*")
    qtmodeltester.check(reader.panel.model, force_py=True)
    assert reader.panel.model.index(0).data(UuidRole) == live(reader)[0].uuid


def test_markdown_rendering_and_tags_parsing() -> None:
    assert render_markdown("") == ""
    assert "<em>x</em>" in render_markdown("*x*")
    assert "<img" not in render_markdown('<img src="http://e.org/t.png">')
    assert 'href="javascript' not in render_markdown("[a](javascript:alert(1))")
    assert parse_tags(" a, #b ,, A, c  d ") == ["a", "b", "c d"]


def test_every_control_has_an_accessible_name(reader: Reader) -> None:
    panel = reader.panel
    controls = [
        panel.legend,
        panel.article_note,
        panel.list,
        *reader.controller.toolbar.findChildren(QWidget),
    ]
    unnamed = [w.objectName() or type(w).__name__ for w in controls if not w.accessibleName()]
    assert unnamed == []
    QApplication.processEvents()
