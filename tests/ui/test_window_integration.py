"""The whole window with its side panels: citations, "Cited by", highlights, export.

Each test drives the real MainWindow over a real temporary library, as a user would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest

from reader.core.library import Library

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "ketamine-for-pain.json"
SEED_URL = "https://psyclehealth.com/psyclehealth-sta/?p=48555"

CITING_NOTE = f"""---
title: Notes on ketamine for the journal club
---

The guide we discussed is [Ketamine for Pain]({SEED_URL}); it cites
[a PMC review](https://pmc.ncbi.nlm.nih.gov/articles/PMC6767816/) on mood.
"""


def _import(library: Library, tmp_path: Path) -> tuple[int, int]:
    note = tmp_path / "club.md"
    note.write_text(CITING_NOTE, encoding="utf-8")
    seed_id = library.import_paths([SEED]).results[0].article_id
    note_id = library.import_paths([note]).results[0].article_id
    return seed_id, note_id


def _link_point(view: Any, href: str) -> QPoint:
    doc = view.document()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().anchorHref() == href:
                cursor = QTextCursor(doc)
                cursor.setPosition(fragment.position() + 1)
                view.setTextCursor(cursor)
                view.ensureCursorVisible()
                rect = view.cursorRect(cursor)
                return QPoint(rect.left() + 1, rect.center().y())
            it += 1
        block = block.next()
    raise AssertionError(f"no link {href}")


def test_hovering_a_citation_in_the_window_shows_the_local_copy(
    library: Library, qtbot, make_window, tmp_path: Path
) -> None:
    seed_id, note_id = _import(library, tmp_path)
    window = make_window(library)
    window.open_article(note_id)
    view = window.reader_view
    QTest.mouseMove(view.viewport(), QPoint(view.viewport().width() - 5, 5))
    QTest.mouseMove(view.viewport(), _link_point(view, SEED_URL))
    card = window.citation_hover.card
    qtbot.waitUntil(card.isVisible)
    assert "In your library" in _visible_text(card)
    assert "Ketamine for Pain: A Guide" in _visible_text(card)
    # Open the local copy from the card.
    with qtbot.waitSignal(window.article_opened) as opened:
        window.citation_hover.open_article.emit(seed_id)
    assert opened.args == [seed_id]


def _visible_text(widget: Any) -> str:
    from PySide6.QtWidgets import QLabel, QTextBrowser

    parts = [lbl.text() for lbl in widget.findChildren(QLabel) if lbl.isVisible()]
    parts += [b.toPlainText() for b in widget.findChildren(QTextBrowser) if b.isVisible()]
    return "\n".join(parts)


def test_cited_by_line_in_the_header_opens_the_citing_article(
    library: Library, qtbot, make_window, tmp_path: Path
) -> None:
    seed_id, note_id = _import(library, tmp_path)
    window = make_window(library)
    window.open_article(seed_id)
    plain = window.reader_view.document().toPlainText()
    assert "Cited by 1 saved: Notes on ketamine for the journal club" in plain
    with qtbot.waitSignal(window.article_opened) as opened:
        window.reader_view.link_activated.emit(f"margin-article:{note_id}")
    assert opened.args == [note_id]
    # The Sources tab lists the article's citations.
    window.focus_side_tab(window.references_panel)
    assert window.references_panel.model.rowCount() > 0


def test_highlight_in_the_window_then_undo_and_export(
    library: Library, qtbot, make_window, tmp_path: Path, monkeypatch
) -> None:
    seed_id, _ = _import(library, tmp_path)
    window = make_window(library)
    window.open_article(seed_id, focus=True)
    view = window.reader_view
    phrase = "lower risk of abuse"
    cursor = view.document().find(phrase)
    assert not cursor.isNull()
    view.setTextCursor(cursor)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(library.annotations(seed_id)) == 1)
    assert library.annotations(seed_id)[0].quote.exact == phrase
    window.action_undo.trigger()
    qtbot.waitUntil(lambda: library.annotations(seed_id) == [])
    window.action_redo.trigger()
    qtbot.waitUntil(lambda: len(library.annotations(seed_id)) == 1)

    out = tmp_path / "export"
    from reader.ui.exporting import ExportDialog

    def choose_folder(dialog: ExportDialog) -> int:
        dialog.folder_edit.setText(str(out))
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(ExportDialog, "exec", choose_folder)
    with qtbot.waitSignal(window.exporter.finished, timeout=10_000) as done:
        window.action_export_all.trigger()
    written = done.args[0]
    assert len(written) == 1  # the highlighted article; the note has nothing of the user's
    exported = next(p for p in written if "ketamine-for-pain" in p.name.lower())
    assert f"> {phrase}" in exported.read_text(encoding="utf-8")


def test_search_hit_on_a_note_opens_the_article_at_the_highlight(
    library: Library, qtbot, make_window, tmp_path: Path
) -> None:
    seed_id, note_id = _import(library, tmp_path)
    annotation = library.add_highlight_by_quote(
        seed_id, "particularly to the bladder", note="ask about cystitis", color="red"
    )
    window = make_window(library)
    window.open_article(note_id)
    (hit,) = library.search("note:cystitis").hits
    assert hit.annotation_uuid == annotation.uuid
    with qtbot.waitSignal(window.highlights.revealed):
        window.open_hit(hit)
    assert window.reader_view.article.id == seed_id
    selected = window.reader_view.textCursor().selectedText()
    assert "particularly to the bladder" in selected


def test_preferences_choose_when_citation_cards_appear(
    library: Library, qtbot, make_window, tmp_path: Path
) -> None:
    _import(library, tmp_path)
    window = make_window(library)
    assert window.citation_hover.hover_mode == "always"
    dialog = window.show_preferences()
    dialog.modifier_box.setChecked(True)
    assert window.citation_hover.hover_mode == "modifier"
    dialog.hover_box.setChecked(False)
    assert window.citation_hover.hover_mode == "off"
    assert not dialog.modifier_box.isEnabled()
    dialog.close()
    # Remembered for the next window.
    second = make_window(library)
    assert second.citation_hover.hover_mode == "off"


def test_remove_asks_and_mentions_the_highlights(
    library: Library, qtbot, make_window, tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    seed_id, _ = _import(library, tmp_path)
    library.add_highlight_by_quote(seed_id, "particularly to the bladder")
    window = make_window(library)
    window.open_article(seed_id)
    asked: list[str] = []

    def answer(result):  # type: ignore[no-untyped-def]
        def question(_parent, _title, text, *args):  # type: ignore[no-untyped-def]
            asked.append(text)
            return result

        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    assert not window.remove_current()
    assert "1 highlight and notes will be removed" in asked[-1]
    assert library.count() == 2
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    assert window.remove_current()
    assert library.count() == 1
    assert window.reader_view.article is None


def test_search_as_you_type_runs_off_the_ui_thread_and_drops_stale_results(
    library: Library, qtbot, make_window, tmp_path: Path, monkeypatch
) -> None:
    import threading
    import time

    from PySide6.QtCore import QTimer

    _import(library, tmp_path)
    window = make_window(library)
    real_search = library.search
    threads: list[str] = []

    def slow_search(query: str, **kw):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        time.sleep(0.4 if query == "ketamine" else 0.0)  # the first query is slow
        return real_search(query, **kw)

    monkeypatch.setattr(library, "search", slow_search)
    ticks: list[int] = []
    timer = QTimer(window, interval=20)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    window.focus_search()
    QTest.keyClicks(window.search_field, "ketamine")
    qtbot.wait(300)  # debounce fired: the slow search is running on the worker
    QTest.keyClicks(window.search_field, " bladder")
    with qtbot.waitSignal(window.search.searched, timeout=5000) as shown:
        pass
    timer.stop()
    assert shown.args[0].query == "ketamine bladder"  # the stale result was dropped
    assert threading.main_thread().name not in threads
    assert len(ticks) >= 10  # the event loop kept running while searches ran


def test_clean_import_reports_in_the_status_bar_without_a_dialog(
    library: Library, qtbot, make_window, tmp_path: Path
) -> None:
    window = make_window(library)
    with qtbot.waitSignal(window.importer.finished, timeout=10_000):
        window.import_paths([SEED])
    assert window.importer.summary_dialog is None or not window.importer.summary_dialog.isVisible()
    assert "1 added" in window.statusBar().currentMessage()
