"""One popup at a time over the reading view.

A highlight shows a tooltip (its colour, note and tags) while the pointer is on it; a
citation link shows its card after a short pause. When the highlighted words are a
citation link, the card replaces the tooltip: two popups stacked at the same spot
would hide each other's text.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolTip
from web_helpers import input_widget, js

from reader.core.library import Library

REVIEW = "https://pmc.ncbi.nlm.nih.gov/articles/PMC6767816/"
NOTE_MD = f"""---
title: Notes on ketamine for the journal club
---

The guide we discussed cites [a PMC review]({REVIEW}) on mood, and the
dosing table is worth a second look.
"""


def _tooltip_text() -> str:
    if not QToolTip.isVisible():
        return ""
    return QTextDocumentFragment.fromHtml(QToolTip.text()).toPlainText()


def _link_point(qtbot, view, href: str) -> QPoint:
    info = js(
        qtbot,
        view,
        f"""(() => {{
            const a = Array.from(document.querySelectorAll('a[href]'))
                .find(x => x.getAttribute('href') === {href!r});
            a.scrollIntoView({{block: 'center'}});
            const r = a.getClientRects()[0];
            return [r.left + r.width / 2, r.top + r.height / 2];
        }})()""",
    )
    return QPoint(round(info[0]), round(info[1]))


def test_a_highlighted_citation_shows_its_card_instead_of_the_highlight_tooltip(
    library: Library, qtbot, make_window, tmp_path: Path
) -> None:
    note = tmp_path / "club.md"
    note.write_text(NOTE_MD, encoding="utf-8")
    article_id = library.import_paths([note]).results[0].article_id
    assert article_id is not None
    library.add_highlight_by_quote(article_id, "a PMC review", color="green", note="Read first")
    window = make_window(library)
    view = window.reader_view
    with qtbot.waitSignal(window.highlights.annotations_reloaded, timeout=15_000):
        assert window.open_article(article_id)
    qtbot.waitUntil(lambda: view.ready, timeout=15_000)

    point = _link_point(qtbot, view, REVIEW)
    QTest.mouseMove(input_widget(view), QPoint(view.width() - 40, 5))
    QTest.mouseMove(input_widget(view), point)
    # The highlight's tooltip comes first (the card waits for the pointer to rest)...
    qtbot.waitUntil(lambda: "Read first" in _tooltip_text(), timeout=5000)
    # ...then the card takes its place.
    card = window.citation_hover.card
    qtbot.waitUntil(card.isVisible, timeout=5000)
    assert card.href == REVIEW
    # Qt fades a hidden tooltip out for a moment; left alone it would stay 10 s.
    qtbot.waitUntil(lambda: _tooltip_text() == "", timeout=2000)
