"""The citation card and its hover controller, driven like a reader drives them.

A real web reading view shows an article; the tests move the mouse over a citation
link, wait for the card (placed at the link's rectangle as the page reports it), read
it, click it, press keys. The library cases import real
articles into a temporary library, so "In your library" comes from the real linking.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from citation_samples import REVIEW, TRIAL, stored
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QGuiApplication,
    QMouseEvent,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QToolButton
from web_helpers import input_widget, js, make_article, show

from reader.core.export.citation_text import format_citation
from reader.core.library import Library
from reader.core.model import CitationKind, ImportStatus, ReferenceEntry, StoredCitation
from reader.ui.citation_card import CitationCard
from reader.ui.citation_hover import HIDE_DELAY_MS, SHOW_DELAY_MS, CitationHoverController
from reader.ui.reader import ReaderView

# Showing any Qt.ToolTip window calls raise(), and resizing a shown window propagates its
# size limits, which the offscreen platform only warns about. The card must be a ToolTip
# window (it must not take focus), so allow those lines.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support raise", "This plugin does not support propagateSizeHints"
)

SHOTS = os.environ.get("MARGIN_SHOTS", "")  # folder for screenshots, when set

ARTICLE_HTML = f"""
<h1>Ketamine for pain</h1>
<p>Ketamine eased neuropathic pain for weeks in <a href="{TRIAL}">a randomised trial</a>.
A review of infusion protocols is <a href="{REVIEW}">available here</a>, and older
work agrees <a href="#ref-2">[2]</a>.</p>
<p>Side effects were mild and short-lived in most patients.</p>
<p>Doses matter: as <a href="{TRIAL}">the same trial</a> showed, lower doses were as good.</p>
<h2>References</h2>
<ol><li id="ref-2">Smith J, Doe A. Ketamine infusions for chronic pain. Pain Med. 2015.</li></ol>
"""

REFERENCE_2 = ReferenceEntry(
    label="2",
    anchor="ref-2",
    text="Smith J, Doe A. Ketamine infusions for chronic pain. Pain Med. 2015.",
    authors=["Smith J", "Doe A"],
    title="Ketamine infusions for chronic pain",
    journal="Pain Med",
    year="2015",
)


CITATIONS = [
    stored(0, CitationKind.PUBMED, "30819549", TRIAL, "a randomised trial",
           "Ketamine eased neuropathic pain for weeks in a randomised trial."),
    stored(1, CitationKind.PMC, "PMC6493703", REVIEW, "available here",
           "A review of infusion protocols is available here, and older work agrees [2].",
           local=42),
    stored(2, CitationKind.REFERENCE, "ref-2", "#ref-2", "[2]",
           "A review of infusion protocols is available here, and older work agrees [2].",
           REFERENCE_2),
    stored(3, CitationKind.PUBMED, "30819549", TRIAL, "the same trial",
           "Doses matter: as the same trial showed, lower doses were as good."),
]  # fmt: skip


def by_href(citations: list[StoredCitation]):
    def lookup(href: str) -> list[StoredCitation]:
        return [s for s in citations if s.citation.href == href]

    return lookup


def make_browser(qtbot, html: str) -> ReaderView:
    view = ReaderView()
    view.resize(640, 480)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    with qtbot.waitActive(view):  # the pointer and keys go to the window on top
        view.activateWindow()
    show(qtbot, view, make_article(html))
    return view


def link_point(view: ReaderView, href: str, nth: int = 0, qtbot=None) -> QPoint:
    """A view point inside the ``nth`` link with ``href``, scrolled to mid-height."""
    from pytestqt.qtbot import QtBot

    bot = qtbot or QtBot(None)
    info = js(
        bot,
        view,
        f"""(() => {{
            const same = Array.from(document.querySelectorAll('a[href]'))
                .filter(a => a.getAttribute('href') === {href!r});
            const a = same[{nth}];
            if (!a) return null;
            a.scrollIntoView({{block: 'center'}});
            const r = a.getClientRects()[0];
            return [r.left, r.top, r.width, r.height];
        }})()""",
    )
    assert info, f"no link {nth} with href {href}"
    x, y, w, h = info
    return QPoint(round(x + min(4, w / 2)), round(y + h / 2))


def blank_point(view: ReaderView) -> QPoint:
    """A point that is not on any link (the right margin, below the top)."""
    return QPoint(view.width() - 40, 12)


def hover(qtbot, controller: CitationHoverController, href: str, nth: int = 0) -> CitationCard:
    view = controller.parent()
    point = link_point(view, href, nth, qtbot)
    # Qt drops a move to where the pointer already is (a previous test may have left it
    # there), so come from a blank spot.
    QTest.mouseMove(input_widget(view), blank_point(view))
    QTest.mouseMove(input_widget(view), point)
    qtbot.waitUntil(lambda: controller.card.isVisible() and controller.card.href == href)
    return controller.card


def button(card: CitationCard, name: str) -> QPushButton | QToolButton:
    found = [
        b for b in card.findChildren(QPushButton) + card.findChildren(QToolButton)
        if b.accessibleName() == name and b.isVisible()
    ]  # fmt: skip
    assert len(found) == 1, f"{name!r}: {[b.accessibleName() for b in found]}"
    return found[0]


@pytest.fixture
def controller(qtbot) -> CitationHoverController:
    browser = make_browser(qtbot, ARTICLE_HTML)
    titles = {42: "Ketamine infusion protocols: a review"}
    return CitationHoverController(browser, by_href(CITATIONS), titles.__getitem__)


# --- hovering ------------------------------------------------------------------------------


def test_hovering_a_citation_shows_its_card(qtbot, controller):
    card = hover(qtbot, controller, TRIAL)
    text = card.plain_text()
    assert "PubMed" in text
    assert "PMID 30819549" in text
    assert "Ketamine eased neuropathic pain for weeks in a randomised trial." in text
    assert "Cited 2× in this article" in text
    assert "In your library" not in text
    # It does not take focus from the article.
    assert not card.isActiveWindow()
    assert card.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)


def test_second_occurrence_quotes_its_own_sentence(qtbot, controller):
    card = hover(qtbot, controller, TRIAL, nth=1)
    assert "Doses matter: as the same trial showed" in card.plain_text()


def test_card_closes_after_pointer_leaves_unless_pinned(qtbot, controller):
    view = controller.parent()
    card = hover(qtbot, controller, TRIAL)
    QTest.mouseMove(input_widget(view), blank_point(view))
    qtbot.waitUntil(lambda: not card.isVisible())

    card = hover(qtbot, controller, TRIAL)
    with qtbot.waitSignal(card.pinned_changed) as pinned:
        qtbot.mouseClick(card, Qt.MouseButton.LeftButton, pos=QPoint(card.width() // 2, 70))
    assert pinned.args == [True]
    assert card.is_pinned()
    assert "Pinned" in card.plain_text()
    with qtbot.assertNotEmitted(controller.card_hidden, wait=HIDE_DELAY_MS * 3):
        QTest.mouseMove(input_widget(view), blank_point(view))
    assert card.isVisible()
    # Hovering another citation does not replace a pinned card.
    with qtbot.assertNotEmitted(controller.card_shown, wait=SHOW_DELAY_MS * 3):
        QTest.mouseMove(input_widget(view), link_point(view, REVIEW, 0, qtbot))
    assert card.href == TRIAL
    view.setFocus()
    qtbot.waitUntil(input_widget(view).hasFocus)
    with qtbot.waitSignal(controller.card_hidden):
        QTest.keyClick(input_widget(view), Qt.Key.Key_Escape)
    assert not card.isVisible()
    assert not card.is_pinned()


def test_escape_in_the_card_closes_it(qtbot, controller):
    card = hover(qtbot, controller, TRIAL)
    QTest.keyClick(card, Qt.Key.Key_Escape)
    assert not card.isVisible()


def test_links_that_are_not_citations_show_nothing(qtbot):
    view = make_browser(qtbot, '<p>See <a href="https://example.org/x">elsewhere</a>.</p>')
    controller = CitationHoverController(view, by_href(CITATIONS), str)
    point = link_point(view, "https://example.org/x", 0, qtbot)
    with qtbot.waitSignal(view.link_hovered):  # the page saw the pointer on the link
        QTest.mouseMove(input_widget(view), point)
    with qtbot.assertNotEmitted(controller.card_shown, wait=SHOW_DELAY_MS * 3):
        pass
    assert not controller.card.isVisible()


# --- what the card offers -------------------------------------------------------------------


def test_in_your_library_line_opens_the_local_article(qtbot, controller):
    card = hover(qtbot, controller, REVIEW)
    assert "PMC" in card.plain_text()
    assert "PMCID PMC6493703" in card.plain_text()
    assert "In your library: Ketamine infusion protocols: a review" in card.plain_text()
    assert "Cited once in this article" in card.plain_text()
    with qtbot.waitSignal(controller.open_article) as opened:
        qtbot.mouseClick(button(card, "Open the library copy"), Qt.MouseButton.LeftButton)
    assert opened.args == [42]


def test_jump_buttons_go_to_each_place(qtbot, controller):
    card = hover(qtbot, controller, TRIAL)
    assert button(card, "Go to citation 1 of 2")
    with qtbot.waitSignal(controller.jump_to_citation) as jumped:
        qtbot.mouseClick(button(card, "Go to citation 2 of 2"), Qt.MouseButton.LeftButton)
    assert jumped.args == [3]  # the ordinal of the second place


def test_position_of_finds_each_place_a_source_is_cited(controller):
    text = controller.parent().text
    for item in CITATIONS:
        position = controller.position_of(item.citation)
        assert position is not None
        assert text[position:].startswith(item.citation.text)  # the link's own words
    # The second citation of the trial is the second link, in the "Doses matter" paragraph.
    second = controller.position_of(CITATIONS[3].citation)
    assert text.rfind("Doses matter", 0, second) > text.rfind("Side effects", 0, second)


def test_open_in_browser_only_emits_the_address(qtbot, controller):
    card = hover(qtbot, controller, TRIAL)
    with qtbot.waitSignal(controller.open_external) as opened:
        qtbot.mouseClick(button(card, "Open in browser"), Qt.MouseButton.LeftButton)
    assert opened.args == [QUrl(TRIAL)]


def test_numbered_reference_card_shows_the_entry_and_goes_to_it(qtbot, controller):
    card = hover(qtbot, controller, "#ref-2")
    text = card.plain_text()
    assert "Reference" in text
    assert "Ketamine infusions for chronic pain" in text
    assert "Smith J, Doe A · Pain Med 2015" in text
    assert not [b for b in card.findChildren(QPushButton) if b.text() == "Open in browser"
                and b.isVisible()]  # fmt: skip
    with qtbot.waitSignal(controller.go_to_reference) as went:
        qtbot.mouseClick(button(card, "Go to reference"), Qt.MouseButton.LeftButton)
    assert went.args == ["ref-2"]


def test_copy_puts_plain_and_markdown_citations_on_the_clipboard(qtbot, controller):
    card = hover(qtbot, controller, TRIAL)
    clipboard = QGuiApplication.clipboard()
    qtbot.mouseClick(button(card, "Copy"), Qt.MouseButton.LeftButton)
    assert clipboard.text() == format_citation(CITATIONS[0].citation, "plain")
    assert "PMID: 30819549" in clipboard.text()
    qtbot.mouseClick(button(card, "Copy Markdown"), Qt.MouseButton.LeftButton)
    assert clipboard.text() == format_citation(CITATIONS[0].citation, "markdown")
    assert f"({TRIAL})" in clipboard.text()
    assert card.is_pinned()  # using the card pins it


# --- keyboard and settings -----------------------------------------------------------------


def test_enter_on_a_tab_focused_link_opens_its_card(qtbot, controller, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True
    )
    view = controller.parent()
    widget = input_widget(view)
    view.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    activated: list[str] = []
    view.link_activated.connect(activated.append)
    for _ in range(2):  # the header's source link, then the first citation
        QTest.keyClick(widget, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: js(qtbot, view, "document.activeElement.getAttribute('href')") == TRIAL)
    with qtbot.waitSignal(controller.card_shown) as shown:
        QTest.keyClick(widget, Qt.Key.Key_Return)
    assert shown.args == [TRIAL]
    assert controller.card.is_pinned()  # it stays while the reader reads it
    assert activated == []  # the link was not followed
    with qtbot.waitSignal(controller.card_hidden):
        QTest.keyClick(widget, Qt.Key.Key_Escape)
    assert not controller.card.isVisible()
    # Shift+Enter still follows the link.
    with qtbot.waitSignal(view.link_activated) as followed:
        QTest.keyClick(widget, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert followed.args == [TRIAL] and opened == [TRIAL]
    assert not controller.card.isVisible()


def test_card_near_the_bottom_of_the_screen_opens_above_the_link(qtbot):
    card = CitationCard()
    qtbot.addWidget(card)
    card.set_citations(CITATIONS[:1])
    area = QGuiApplication.primaryScreen().availableGeometry()
    link = QRect(area.left() + 40, area.bottom() - 30, 1, 16)
    card.show_near(link)
    assert card.geometry().bottom() < link.top()
    assert area.contains(card.geometry())
    link = QRect(area.left() + 40, area.top() + 30, 1, 16)
    card.show_near(link)
    assert card.geometry().top() > link.bottom()


def test_hover_mode_off_and_modifier(qtbot, controller):
    view = controller.parent()
    widget = input_widget(view)
    with pytest.raises(ValueError):
        controller.hover_mode = "sometimes"
    controller.hover_mode = "off"
    point = link_point(view, TRIAL, 0, qtbot)
    with qtbot.assertNotEmitted(controller.card_shown, wait=SHOW_DELAY_MS * 3):
        QTest.mouseMove(widget, point)
    assert not controller.card.isVisible()

    controller.hover_mode = "modifier"
    QTest.mouseMove(widget, blank_point(view))
    point = link_point(view, REVIEW, 0, qtbot)
    with qtbot.assertNotEmitted(controller.card_shown, wait=SHOW_DELAY_MS * 3):
        QTest.mouseMove(widget, point)
    assert not controller.card.isVisible()
    QTest.mouseMove(widget, blank_point(view))
    global_point = QPointF(widget.mapToGlobal(point))
    with_ctrl = QMouseEvent(
        QEvent.Type.MouseMove, QPointF(point), global_point,
        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier,
    )  # fmt: skip
    QApplication.sendEvent(widget, with_ctrl)
    qtbot.waitUntil(lambda: controller.card.isVisible() and controller.card.href == REVIEW)


def test_loading_another_article_closes_the_card(qtbot, controller):
    card = hover(qtbot, controller, TRIAL)
    show(qtbot, controller.parent(), make_article("<p>Another article.</p>", id=100))
    assert not card.isVisible()


def test_hiding_the_article_closes_even_a_pinned_card(qtbot, controller):
    card = hover(qtbot, controller, TRIAL)
    card.set_pinned(True)
    controller.parent().hide()
    assert not card.isVisible()


def test_every_card_button_has_an_accessible_name(qtbot, controller):
    card = hover(qtbot, controller, TRIAL)
    buttons = card.findChildren(QPushButton) + card.findChildren(QToolButton)
    assert len(buttons) >= 6
    for b in buttons:
        assert b.accessibleName(), b.text()
    assert card.accessibleDescription() == card.plain_text()


# --- themes and screenshots ----------------------------------------------------------------


def dark_palette() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#202124",
        QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17181a",
        QPalette.ColorRole.AlternateBase: "#2a2c30",
        QPalette.ColorRole.Text: "#e8eaed",
        QPalette.ColorRole.Button: "#303134",
        QPalette.ColorRole.ButtonText: "#e8eaed",
        QPalette.ColorRole.Highlight: "#8ab4f8",
        QPalette.ColorRole.HighlightedText: "#202124",
        QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        QPalette.ColorRole.Mid: "#5f6368",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    return palette


def composite(browser: ReaderView, card: CitationCard) -> QPixmap:
    """The article with the card drawn where it floats over it, as a reader sees them."""
    page = browser.grab()
    offset = card.pos() - browser.mapToGlobal(QPoint(0, 0))
    width = max(page.width(), offset.x() + card.width())
    height = max(page.height(), offset.y() + card.height())
    shot = QPixmap(width, height)
    shot.fill(browser.palette().color(QPalette.ColorRole.Window))
    painter = QPainter(shot)
    painter.drawPixmap(0, 0, page)
    painter.drawPixmap(offset, card.grab())
    painter.end()
    return shot


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_card_follows_the_palette(qtbot, theme):
    app = QApplication.instance()
    original = app.palette()
    if theme == "dark":
        app.setPalette(dark_palette())
    try:
        browser = make_browser(qtbot, ARTICLE_HTML)
        titles = {42: "Ketamine infusion protocols: a review"}
        controller = CitationHoverController(browser, by_href(CITATIONS), titles.__getitem__)
        card = hover(qtbot, controller, REVIEW)
        image = card.grab().toImage()
        base = app.palette().color(QPalette.ColorRole.Base)
        # The card's background is the palette's, not a hard-coded white.
        assert image.pixelColor(card.width() - 30, card.height() // 2 - 40) == base
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            composite(browser, card).save(str(Path(SHOTS) / f"citation-card-{theme}.png"))
    finally:
        app.setPalette(original)


# --- with a real library -------------------------------------------------------------------

SOURCE_MD = """---
title: "Vitamin D and falls in older adults"
canonical_url: https://example.org/health/vitamin-d-falls
---

Large trials found no reduction in falls with daily vitamin D.
"""

CITING_MD = """---
title: "Supplements worth a second look"
url: https://example.org/health/supplements
---

One summary of [the vitamin D trials](https://example.org/health/vitamin-d-falls) is
clear. A trial on PubMed ([PMID 30819549](https://pubmed.ncbi.nlm.nih.gov/30819549/))
disagreed.

Later, [the same summary](https://example.org/health/vitamin-d-falls) comes back.
"""


def import_files(library: Library, folder: Path, files: dict[str, str]) -> dict[str, int]:
    ids = {}
    for name, content in files.items():
        path = folder / name
        path.write_text(content, encoding="utf-8")
        report = library.import_paths([path])
        [result] = [r for r in report.results if r.article_id is not None]
        assert result.status is ImportStatus.ADDED, result
        ids[name] = result.article_id
    return ids


def library_controller(qtbot, library: Library, article_id: int) -> CitationHoverController:
    browser = make_browser(qtbot, library.article(article_id).html)
    citations = library.citations(article_id)
    return CitationHoverController(browser, by_href(citations), lambda i: library.article(i).title)


def test_card_links_to_the_saved_copy_of_a_cited_article(qtbot, tmp_path):
    with Library(tmp_path / "lib") as library:
        ids = import_files(library, tmp_path, {"source.md": SOURCE_MD, "citing.md": CITING_MD})
        controller = library_controller(qtbot, library, ids["citing.md"])
        card = hover(qtbot, controller, "https://example.org/health/vitamin-d-falls")
        text = card.plain_text()
        assert "Web" in text
        assert "Cited 2× in this article" in text
        assert "In your library: Vitamin D and falls in older adults" in text
        with qtbot.waitSignal(controller.open_article) as opened:
            qtbot.mouseClick(button(card, "Open the library copy"), Qt.MouseButton.LeftButton)
        assert opened.args == [ids["source.md"]]

        # A citation of something not in the library says nothing about the library.
        controller.hide_card()
        card = hover(qtbot, controller, TRIAL)
        assert "PMID 30819549" in card.plain_text()
        assert "In your library" not in card.plain_text()


def test_card_over_the_wordpress_seed_article(qtbot, tmp_path, fixtures):
    """The seed post: its PMC links get cards, and a note citing the post links to it."""
    citing = """---
title: "Notes on ketamine"
---

The [Psycle guide](https://psyclehealth.com/psyclehealth-sta/?p=48555) is a good start.
"""
    with Library(tmp_path / "lib") as library:
        report = library.import_paths([fixtures / "ketamine-for-pain.json"])
        [seed] = [r.article_id for r in report.results if r.article_id is not None]
        notes = import_files(library, tmp_path, {"notes.md": citing})["notes.md"]

        controller = library_controller(qtbot, library, seed)
        card = hover(qtbot, controller, "https://pmc.ncbi.nlm.nih.gov/articles/PMC6493703/")
        text = card.plain_text()
        assert "PMC" in text
        assert "PMCID PMC6493703" in text
        [stored] = [s for s in library.citations(seed) if s.citation.identifier == "PMC6493703"]
        assert " ".join(stored.citation.context.split())[:40] in text.replace("\n", " ")
        if SHOTS:
            composite(controller.parent(), card).save(str(Path(SHOTS) / "citation-card-seed.png"))
        controller.parent().close()  # its card would float over the next window
        assert not card.isVisible()

        controller = library_controller(qtbot, library, notes)
        card = hover(qtbot, controller, "https://psyclehealth.com/psyclehealth-sta/?p=48555")
        assert f"In your library: {library.article(seed).title}" in card.plain_text()
        with qtbot.waitSignal(controller.open_article) as opened:
            qtbot.mouseClick(button(card, "Open the library copy"), Qt.MouseButton.LeftButton)
        assert opened.args == [seed]
