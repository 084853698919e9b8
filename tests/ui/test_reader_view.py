"""The reading view on its own: typesetting, offsets, links that never navigate, resources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QImage,
    QMouseEvent,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTextEdit

from reader.core.library import Library
from reader.core.model import Article
from reader.core.sanitize import html_to_text
from reader.ui import theme as themes
from reader.ui.reader_view import ReaderView

# The offscreen platform warns when a shown top-level changes its size limits or is raised.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "This plugin does not support raise"
)


def make_article(body: str, **kw: Any) -> Article:
    """An Article straight from HTML, bypassing the sanitizer (the view must cope alone)."""
    fields: dict[str, Any] = dict(
        id=99,
        title="Test article",
        html=body,
        text=html_to_text(body),
        source_format="html",
        authors=["A. Author"],
        site_name="Site",
        url="https://example.org/a",
        guid="",
        external_id="",
        published="2024-01-02T00:00:00",
        modified="",
        added="2024-01-03T00:00:00",
        updated="",
        excerpt="",
        language="en",
        categories=[],
        tags=[],
        identifiers={},
        journal="",
        featured_image=None,
        metadata={},
    )
    fields.update(kw)
    return Article(**fields)


@pytest.fixture
def view(qtbot: Any) -> ReaderView:
    v = ReaderView()
    qtbot.addWidget(v)
    v.resize(900, 700)
    with qtbot.waitExposed(v):
        v.show()
    return v


def ketamine(library: Library) -> Article:
    (summary,) = [s for s in library.summaries() if s.title == "Ketamine for Pain"]
    return library.article(summary.id)


def test_header_is_outside_the_alignment_and_offsets_round_trip(
    view: ReaderView, filled_library: Library
) -> None:
    article = ketamine(filled_library)
    view.show_article(article)
    plain = view.document().toPlainText()
    # The header shows the title, byline and site above the body...
    assert plain.index("Ketamine for Pain") < view.body_start
    assert "Dr Jane Example" in plain[: view.body_start]
    assert "PAIN CLINIC NOTES" in plain[: view.body_start]
    # ...and the body starts exactly where the article text starts.
    assert plain[view.body_start :].lstrip().startswith(article.text[:40])
    # Every article word maps to the same word in the document.
    for word in ("NMDA", "Central sensitization", "Bladder toxicity", "Intranasal"):
        start = article.text.index(word)
        cursor = view.article_range_to_cursor(start, start + len(word))
        assert cursor.selectedText() == word
        view.setTextCursor(cursor)
        assert view.selected_article_range() == (start, start + len(word))


def test_selection_in_the_header_is_not_an_article_range(
    view: ReaderView, filled_library: Library
) -> None:
    view.show_article(ketamine(filled_library))
    cursor = view.textCursor()
    cursor.setPosition(2)
    cursor.setPosition(8, cursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    assert view.selected_article_range() is None


def test_headings_feed_the_contents_and_exclude_the_title(
    view: ReaderView, filled_library: Library
) -> None:
    view.show_article(ketamine(filled_library))
    headings = [(h.level, h.text) for h in view.headings()]
    assert headings[:3] == [
        (2, "Key takeaways"),
        (2, "How does ketamine relieve pain?"),
        (3, "Blocking NMDA receptors"),
    ]
    assert all(h.position >= view.body_start for h in view.headings())


def test_text_column_is_centred_and_keeps_a_readable_measure(
    view: ReaderView, filled_library: Library, qtbot: Any
) -> None:
    view.show_article(ketamine(filled_library))
    view.resize(1600, 700)
    qtbot.wait(10)
    margins = view.document().rootFrame().frameFormat()
    text_width = view.viewport().width() - margins.leftMargin() - margins.rightMargin()
    chars = text_width / view.fontMetrics().averageCharWidth()
    assert margins.leftMargin() == margins.rightMargin() > 200
    assert (
        45 < chars < 110
    )  # DejaVu's average is wider than a serif text face: a measure, not a sprawl
    view.resize(500, 700)
    qtbot.wait(10)
    narrow = view.document().rootFrame().frameFormat()
    assert narrow.leftMargin() < margins.leftMargin()


def test_load_resource_never_reads_files_or_the_network(view: ReaderView, qtbot: Any) -> None:
    asked: list[str] = []
    real = view.loadResource

    def spy(kind: int, url: QUrl) -> object:
        asked.append(url.toString())
        return real(kind, url)

    view.loadResource = spy  # type: ignore[method-assign]
    body = (
        '<p>x <img src="file:///etc/passwd" alt="p"> <img src="http://127.0.0.1:9/x.png" alt="n">'
        ' <img src="margin-image:abc" alt="own"></p>'
        '<link rel="stylesheet" href="file:///etc/passwd"><p>end</p>'
    )
    view.show_article(make_article(body))
    QApplication.processEvents()
    image = real(int(QTextDocument.ResourceType.ImageResource), QUrl("file:///etc/passwd"))
    assert isinstance(image, QImage) and image.size() == view.placeholder_image().size()
    for kind in (
        QTextDocument.ResourceType.HtmlResource,
        QTextDocument.ResourceType.StyleSheetResource,
    ):
        assert real(int(kind), QUrl("file:///etc/passwd")) is None
        assert real(int(kind), QUrl("http://127.0.0.1:9/x")) is None
    # Whatever the document asked for, it got the placeholder, never the file.
    assert "root:" not in view.document().toPlainText()
    for url in asked:
        resource = view.document().resource(
            int(QTextDocument.ResourceType.ImageResource), QUrl(url)
        )
        assert resource is None or (
            isinstance(resource, QImage) and resource.size() == image.size()
        )


def test_links_never_navigate_the_view(
    view: ReaderView, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True
    )
    body = (
        '<p><a href="https://example.org/x">out</a> and <a href="#part">in</a></p>'
        + "<p>filler</p>" * 80
        + '<h2 id="part">Part</h2><p>there</p>'
    )
    view.resize(700, 300)
    view.show_article(make_article(body))
    before = view.document().toPlainText()
    with qtbot.waitSignal(view.link_activated) as blocker:
        view.anchorClicked.emit(QUrl("https://example.org/x"))
    assert blocker.args == ["https://example.org/x"]
    assert opened == ["https://example.org/x"]
    assert view.source().isEmpty() and view.document().toPlainText() == before
    view.anchorClicked.emit(QUrl("#part"))
    assert opened == ["https://example.org/x"]  # in-page links don't open the browser
    assert view.verticalScrollBar().value() > 0
    view.setSource(QUrl("file:///etc/passwd"))
    assert view.document().toPlainText() == before


def test_keyboard_tab_walks_the_links(
    view: ReaderView, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True
    )
    body = (
        '<p><a href="https://a.example/">first</a> then <a href="https://b.example/">second</a></p>'
    )
    view.show_article(make_article(body))
    view.setFocus()
    hrefs = []
    for _ in range(3):  # the header's source link, then the two in the body
        QTest.keyClick(view, Qt.Key.Key_Tab)
        hrefs.append(view.textCursor().charFormat().anchorHref())
    assert hrefs == ["https://example.org/a", "https://a.example/", "https://b.example/"]
    assert view.hasFocus()
    QTest.keyClick(view, Qt.Key.Key_Return)
    assert opened == ["https://b.example/"]


def test_hovering_a_link_reports_href_and_position(
    view: ReaderView, qtbot: Any, filled_library: Library
) -> None:
    view.show_article(ketamine(filled_library))
    cursor = view.document().find("the review")
    rect = view.cursorRect(cursor)
    point = QPointF(rect.center().x() - 10, rect.center().y())
    with qtbot.waitSignal(view.link_hovered_at) as blocker:
        event = QMouseEvent(
            QMouseEvent.Type.MouseMove,
            point,
            view.viewport().mapToGlobal(point),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(view.viewport(), event)
    href, pos = blocker.args
    assert href == "https://pubmed.ncbi.nlm.nih.gov/23432384/"
    assert isinstance(pos, QPoint)


def test_layers_merge_and_survive_a_theme_change(view: ReaderView, filled_library: Library) -> None:
    article = ketamine(filled_library)
    view.show_article(article)

    def layer(word: str, colour: str) -> list[QTextEdit.ExtraSelection]:
        start = article.text.index(word)
        sel = QTextEdit.ExtraSelection()
        sel.cursor = view.article_range_to_cursor(start, start + len(word))
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(colour))
        sel.format = fmt
        return [sel]

    view.set_extra_selection_layer("highlights", layer("NMDA", "yellow"))
    view.set_extra_selection_layer("find", layer("Glutamate", "orange"))
    assert len(view.extraSelections()) == 2
    view.set_extra_selection_layer("find", [])
    assert [s.cursor.selectedText() for s in view.extraSelections()] == ["NMDA"]
    view.set_theme(themes.theme_named("dark"))
    assert [s.cursor.selectedText() for s in view.extraSelections()] == ["NMDA"]


def test_font_size_changes_the_document_font_and_keeps_the_place(
    view: ReaderView, filled_library: Library
) -> None:
    view.show_article(make_article("<p>" + "words " * 4000 + "</p>"))
    view.set_reading_fraction(0.5)
    base = view.document().defaultFont().pixelSize()
    view.zoom_in()
    view.zoom_in()
    assert view.document().defaultFont().pixelSize() == base + 2
    assert abs(view.reading_fraction() - 0.5) < 0.05
    view.reset_zoom()
    assert view.font_size == themes.DEFAULT_FONT_SIZE


def test_reading_position_is_reported_after_scrolling(view: ReaderView, qtbot: Any) -> None:
    view.show_article(make_article("<p>" + "words " * 4000 + "</p>"))
    with qtbot.waitSignal(view.reading_position_changed, timeout=3000) as blocker:
        view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    article_id, fraction = blocker.args
    assert article_id == 99 and 0.4 < fraction < 0.6


def test_saved_reading_position_is_restored(view: ReaderView) -> None:
    view.show_article(make_article("<p>" + "words " * 4000 + "</p>", reading_position=0.75))
    assert abs(view.reading_fraction() - 0.75) < 0.02


def test_placeholder_when_nothing_is_open(view: ReaderView, tmp_path: Path) -> None:
    assert view.article is None
    assert "Choose an article" in view.document().toPlainText()


def test_articles_with_tables_align_word_for_word(
    view: ReaderView, library: Library, fixtures: Path
) -> None:
    """JATS tables: the stored text separates cells with " | ", the document does not."""
    report = library.import_paths([fixtures / "jats"])
    checked = 0
    for result in report.results:
        if result.article_id is None:
            continue
        article = library.article(result.article_id)
        view.show_article(article)
        plain = view.document().toPlainText()
        pos = 0
        for word in [w for w in article.text.split() if len(w) > 6 and w.isalpha()][:400]:
            start = article.text.index(word, pos)
            pos = start + len(word)
            a, b = view.alignment.range_to_target(start, pos)
            assert plain[a:b] == word
            checked += 1
    assert checked > 100


def test_fast_alignment_pairs_like_a_full_diff() -> None:
    from difflib import SequenceMatcher

    from reader.core.textalign import greedy_pairs

    source = "Topic|#|Checklist item|Page TITLE|1|Identify the report" * 20 + "tail"
    target = "Topic#Checklist itemPage TITLE1Identify the reportX" * 20 + "tail"
    s_idx, t_idx = greedy_pairs(source, target)
    assert all(source[a] == target[b] for a, b in zip(s_idx, t_idx, strict=True))
    assert s_idx == sorted(s_idx) and t_idx == sorted(t_idx)
    full = sum(
        b.size for b in SequenceMatcher(None, source, target, autojunk=False).get_matching_blocks()
    )
    assert len(s_idx) >= full - 20  # nearly every character the full diff pairs
