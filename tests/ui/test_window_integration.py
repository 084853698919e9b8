"""The whole window with its side panels: citations, "Cited by", highlights, export.

Each test drives the real MainWindow over a real temporary library, as a user would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from web_helpers import LOAD_TIMEOUT_MS, dom_select, input_widget, js, wait_painted

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


def _link_point(qtbot: Any, view: Any, href: str) -> QPoint:
    """A point on the first link with ``href``, scrolled into view (view coordinates)."""
    info = js(
        qtbot,
        view,
        f"""(() => {{
            const a = Array.from(document.querySelectorAll('a[href]'))
                .find(x => x.getAttribute('href') === {href!r});
            if (!a) return null;
            a.scrollIntoView({{block: 'center'}});
            const r = a.getClientRects()[0];
            return [r.left + 3, r.top + r.height / 2];
        }})()""",
    )
    assert info, f"no link {href}"
    return QPoint(round(info[0]), round(info[1]))


def _open(qtbot: Any, window: Any, article_id: int, **kwargs: Any) -> None:
    with qtbot.waitSignal(window.reader_view.article_shown, timeout=15_000):
        assert window.open_article(article_id, **kwargs)


def test_hovering_a_citation_in_the_window_shows_the_local_copy(
    library: Library, qtbot, make_window, tmp_path: Path
) -> None:
    seed_id, note_id = _import(library, tmp_path)
    window = make_window(library)
    _open(qtbot, window, note_id)
    view = window.reader_view
    point = _link_point(qtbot, view, SEED_URL)
    QTest.mouseMove(input_widget(view), QPoint(view.width() - 40, 5))
    QTest.mouseMove(input_widget(view), point)
    card = window.citation_hover.card
    qtbot.waitUntil(card.isVisible)
    # The card sits at the link the page reported: just below it, never right of it
    # (it moves left only to stay on the screen).
    link = view.mapToGlobal(point)
    assert card.geometry().left() <= link.x()
    assert 0 < card.geometry().top() - link.y() < 40
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
    _open(qtbot, window, seed_id)
    plain = window.reader_view.text
    assert "Cited by 1 saved: Notes on ketamine for the journal club" in plain
    with qtbot.waitSignal(window.article_opened) as opened:
        js(qtbot, window.reader_view, "(document.querySelector('.citedby a').click(), 1)")
    assert opened.args == [note_id]
    qtbot.waitUntil(lambda: window.reader_view.ready and window.reader_view.article.id == note_id)
    # The Sources tab lists the article's citations.
    window.focus_side_tab(window.references_panel)
    assert window.references_panel.model.rowCount() > 0


def test_highlight_in_the_window_then_undo_and_export(
    library: Library, qtbot, make_window, tmp_path: Path, monkeypatch
) -> None:
    seed_id, _ = _import(library, tmp_path)
    window = make_window(library)
    _open(qtbot, window, seed_id, focus=True)
    view = window.reader_view
    phrase = "lower risk of abuse"
    dom_select(qtbot, view, phrase)
    view.setFocus()
    qtbot.waitUntil(input_widget(view).hasFocus)
    QTest.keyClick(input_widget(view), Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
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
    _open(qtbot, window, note_id)
    (hit,) = library.search("note:cystitis").hits
    assert hit.annotation_uuid == annotation.uuid
    with qtbot.waitSignal(window.highlights.revealed, timeout=15_000):
        window.open_hit(hit)
    assert window.reader_view.article.id == seed_id
    qtbot.waitUntil(lambda: "particularly to the bladder" in window.reader_view.selected_text())


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

    def answer(accept: bool):  # type: ignore[no-untyped-def]
        def exec_(box: QMessageBox) -> int:
            asked.append(box.text())
            roles = {box.buttonRole(b): b for b in box.buttons()}
            roles[
                QMessageBox.ButtonRole.AcceptRole if accept else QMessageBox.ButtonRole.RejectRole
            ].click()
            return 0

        return exec_

    monkeypatch.setattr(QMessageBox, "exec", answer(False))
    assert not window.remove_current()
    assert "to the Trash with its 1 highlight and notes" in asked[-1]
    assert library.count() == 2
    monkeypatch.setattr(QMessageBox, "exec", answer(True))
    assert window.remove_current()
    assert library.count() == 1
    assert window.reader_view.article is None
    assert [s.id for s in library.trashed()] == [seed_id]  # restorable, not gone


def test_search_as_you_type_runs_off_the_ui_thread_and_drops_stale_results(
    library: Library, qtbot, make_window, tmp_path: Path, monkeypatch
) -> None:
    import threading

    from reader.ui import search as search_ui

    _import(library, tmp_path)
    window = make_window(library)
    real_search = library.search
    threads: list[str] = []
    started, release = threading.Event(), threading.Event()

    def slow_search(query: str, **kw: Any) -> Any:
        threads.append(threading.current_thread().name)
        if query == "ketamine":  # the first query is slow: it runs until the test says
            started.set()
            release.wait(timeout=10)
        return real_search(query, **kw)

    requested: list[str] = []
    real_work = search_ui.search_work

    def work(library: Library, text: str) -> Any:
        requested.append(text)
        return real_work(library, text)

    monkeypatch.setattr(library, "search", slow_search)
    monkeypatch.setattr(search_ui, "search_work", work)
    window.focus_search()
    QTest.keyClicks(window.search_field, "ketamine")
    qtbot.waitUntil(started.is_set, timeout=5000)  # debounced, then on the worker
    # While that search is still running, the window takes keys and runs its timers:
    # the next keystrokes reach the field and their own debounced search is asked for.
    QTest.keyClicks(window.search_field, " bladder")
    qtbot.waitUntil(lambda: requested == ["ketamine", "ketamine bladder"], timeout=5000)
    assert not release.is_set() and window.search_field.text() == "ketamine bladder"
    with qtbot.waitSignal(window.search.searched, timeout=5000) as shown:
        release.set()
    assert shown.args[0].query == "ketamine bladder"  # the stale result was dropped
    assert window.search.model.rowCount() == len(shown.args[0].hits)
    assert threading.main_thread().name not in threads


def test_clean_import_reports_in_the_status_bar_without_a_dialog(
    library: Library, qtbot, make_window, tmp_path: Path
) -> None:
    window = make_window(library)
    with qtbot.waitSignal(window.importer.finished, timeout=10_000):
        window.import_paths([SEED])
    assert window.importer.summary_dialog is None or not window.importer.summary_dialog.isVisible()
    assert "1 added" in window.statusBar().currentMessage()


def test_back_and_forward_across_articles_and_in_article_jumps(
    library: Library, qtbot, make_window, tmp_path: Path
) -> None:
    seed_id, note_id = _import(library, tmp_path)
    window = make_window(library)
    view = window.reader_view
    _open(qtbot, window, note_id)
    # A citation link in the note opens the seed (via its card's library line).
    with qtbot.waitSignal(view.article_shown, timeout=15_000):
        window.citation_hover.open_article.emit(seed_id)
    assert view.article.id == seed_id
    # In the seed: jump to a heading from the contents, then go back and forth.
    heading = view.headings()[-1]
    window.toc.heading_activated.emit(heading.position)
    qtbot.waitUntil(lambda: view.scroll_y > 300)
    far = view.scroll_y
    with qtbot.waitSignal(view.scrolled):
        QTest.keyClick(input_widget(view), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: view.scroll_y < far)
    # Back again: to the note, in another article.
    with qtbot.waitSignal(view.article_shown, timeout=15_000):
        window.action_back.trigger()
    assert view.article.id == note_id
    # Forward: the seed again, then the heading.
    with qtbot.waitSignal(view.article_shown, timeout=15_000):
        window.action_forward.trigger()
    assert view.article.id == seed_id
    window.action_forward.trigger()
    qtbot.waitUntil(lambda: abs(view.scroll_y - far) < 5)
    # The mouse's back button goes back too.
    QTest.mouseClick(
        input_widget(view), Qt.MouseButton.BackButton, Qt.KeyboardModifier.NoModifier,
        QPoint(200, 200),
    )  # fmt: skip
    qtbot.waitUntil(lambda: view.scroll_y < far)


def test_numbered_citation_goes_to_its_reference_and_back(
    library: Library, qtbot, make_window
) -> None:
    sample = Path(__file__).resolve().parents[2] / "resources" / "sample"
    (result,) = library.import_paths([sample / "journal.pmed.1000097.xml"]).results
    window = make_window(library)
    view = window.reader_view
    _open(qtbot, window, result.article_id)
    wait_painted(qtbot, view)  # on screen: the page takes clicks
    # The first in-text citation, a numbered one ("[1]"), found by the browser.
    href, label = js(
        qtbot,
        view,
        """(() => {
            const a = document.querySelector('a[href^="#"]');
            return a && [a.getAttribute('href'), a.textContent.trim()];
        })()""",
    )
    assert label == "[1]"
    point = _clickable_point(qtbot, view, href)
    before = view.scroll_y
    with qtbot.waitSignal(view.link_activated, timeout=LOAD_TIMEOUT_MS) as clicked:
        QTest.mouseClick(
            input_widget(view), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point
        )
    assert clicked.args == [href]
    qtbot.waitUntil(lambda: view.scroll_y > before + 500, timeout=LOAD_TIMEOUT_MS)
    _wait_scroll_reported(qtbot, view)  # the jump is over: the page stands still
    target = js(qtbot, view, f"document.getElementById({href[1:]!r}).getBoundingClientRect().top")
    assert 0 <= target < view.height() / 2  # the reference is at the top of the view
    assert window.action_back.isEnabled()
    window.action_back.trigger()
    qtbot.waitUntil(lambda: abs(view.scroll_y - before) < 5, timeout=LOAD_TIMEOUT_MS)


def _wait_scroll_reported(qtbot: Any, view: Any) -> None:
    """Until the view's scroll position is the page's own (reports arrive after the
    scroll, later still on a busy machine)."""
    qtbot.waitUntil(
        lambda: view.scroll_y == js(qtbot, view, "Math.round(window.scrollY)"),
        timeout=LOAD_TIMEOUT_MS,
    )


def _clickable_point(qtbot: Any, view: Any, href: str) -> QPoint:
    """A point on the link ``href``, scrolled into view, once the page has stopped
    moving: the same point twice running, and the browser finds the link under it (a
    click sent while the layout still shifts would land beside the link)."""
    seen: list[QPoint] = []

    def settled() -> bool:
        point = _link_point(qtbot, view, href)
        hit = js(
            qtbot,
            view,
            f"""(() => {{
                const a = document.elementFromPoint({point.x()}, {point.y()});
                return Boolean(a && a.closest('a[href]')
                    && a.closest('a[href]').getAttribute('href') === {href!r});
            }})()""",
        )
        same = bool(seen) and seen[-1] == point
        seen.append(point)
        return bool(hit) and same

    qtbot.waitUntil(settled, timeout=LOAD_TIMEOUT_MS)
    _wait_scroll_reported(qtbot, view)
    return seen[-1]


def test_title_search_marks_only_title_words(library: Library, qtbot, make_window, tmp_path):
    seed_id, _ = _import(library, tmp_path)
    window = make_window(library)
    view = window.reader_view
    window.search_field.setText("title:ketamine")
    results = window.search.search_now()
    hit = next(h for h in results.hits if h.article_id == seed_id)
    with qtbot.waitSignal(view.article_shown, timeout=15_000):
        window.open_hit(hit)
    qtbot.waitUntil(lambda: bool(view.mark_layer("search")))
    title_start, title_end = view.title_range
    marks = view.mark_layer("search")
    assert all(title_start <= s and e <= title_end for s, e, _c in marks)
    assert view.text.count("Ketamine") > len(marks)  # the body's words are not marked
    # A plain query marks the body too, with a style no highlight colour uses.
    window.search_field.setText("bladder")
    results = window.search.search_now()
    window.open_hit(next(h for h in results.hits if h.article_id == seed_id))
    qtbot.waitUntil(lambda: any(s > view.body_start for s, _e, _c in view.mark_layer("search")))
    assert {c for _s, _e, c in view.mark_layer("search")} == {"mark-search"}


def test_preferences_set_font_spacing_and_width_live(
    library: Library, qtbot, make_window, tmp_path: Path
) -> None:
    seed_id, _ = _import(library, tmp_path)
    window = make_window(library)
    view = window.reader_view
    _open(qtbot, window, seed_id)
    dialog = window.show_preferences()
    dialog.family_combo.setCurrentIndex(dialog.family_combo.findData("sans"))
    dialog.spacing_spin.setValue(2.0)
    dialog.width_spin.setValue(52)
    style = (
        "(() => { const s = getComputedStyle(document.body); return [s.fontFamily,"
        " s.lineHeight, parseFloat(s.fontSize),"
        " document.getElementById('margin-page').getBoundingClientRect().width]; })()"
    )
    qtbot.waitUntil(lambda: "Sans" in js(qtbot, view, style)[0])
    _family, line_height, size, width = js(qtbot, view, style)
    assert abs(float(line_height.removesuffix("px")) - 2.0 * size) < 1
    assert width < 60 * size  # about 52 characters, not 68
    dialog.close()
    second = make_window(library)
    assert second.reader_view.typography.column_chars == 52
