"""Citation previews in the reading view: hover (or Enter on a focused link) shows a card.

The page reports the link under the pointer with its rectangle (see
``reader/ui/reader/web/reader.js``); the controller maps the href to the article's
citations through a lookup function it is given and, after a short pause, shows a
:class:`~reader.ui.citation_card.CitationCard` at that rectangle. The card stays while
the pointer travels into it, and closes a little after the pointer has left both the
link and the card, on Esc, or when the article scrolls (unless it is pinned).

Keyboard: Tab moves between links in the page as usual. **Enter** on a focused
citation link opens its card (pinned, so it stays while the reader reads it) instead of
following the link; **Shift+Enter** follows the link; **Esc** closes the card.

Hover previews follow ``hover_mode``: ``"always"``, ``"modifier"`` (only while Alt or
Ctrl is held, for readers who find pop-ups distracting) or ``"off"`` (Enter still works).
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QToolTip

from reader.core.model import Citation, StoredCitation
from reader.ui.citation_card import CitationCard
from reader.ui.reader import ReaderView

HOVER_MODES = ("always", "modifier", "off")
SHOW_DELAY_MS = 300  # long enough that sweeping the pointer across a paragraph shows nothing
HIDE_DELAY_MS = 400  # long enough to move the pointer from the link into the card


class CitationHoverController(QObject):
    """Shows citation cards for the links of one reading view.

    ``citations_for_href(href)`` returns every citation whose link has that href (in
    order of appearance; a source cited three times has three); ``title_for_article(id)``
    gives the title of a library article for the "In your library" line.

    Signals (the card's intents, forwarded so the owner connects one object):
        jump_to_citation(int): go to the citation with this ordinal.
        open_external(QUrl): open this address in the web browser.
        go_to_reference(str): scroll to the reference-list entry with this id.
        open_article(int): open this library article.
        card_shown(str): a card was shown for this href.
        card_hidden(): the card was closed.
    """

    jump_to_citation = Signal(int)
    open_external = Signal(QUrl)
    go_to_reference = Signal(str)
    open_article = Signal(int)
    card_shown = Signal(str)
    card_hidden = Signal()

    def __init__(
        self,
        view: ReaderView,
        citations_for_href: Callable[[str], list[StoredCitation]],
        title_for_article: Callable[[int], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent if parent is not None else view)
        self._view = view
        self._lookup = citations_for_href
        self._title_for_article = title_for_article
        self._hover_mode = "always"
        self._known: dict[str, list[StoredCitation]] = {}  # lookups, per article
        self._pending: tuple[str, QRect, int] | None = None  # what to show after the pause
        self._hover_href = ""  # citation link under the pointer now ("" when none)

        self._card = CitationCard(view)
        self._card.jump_to_citation.connect(self.jump_to_citation)
        self._card.open_external.connect(self.open_external)
        self._card.go_to_reference.connect(self.go_to_reference)
        self._card.open_article.connect(self.open_article)
        self._card.closed.connect(self.card_hidden)
        self._card.installEventFilter(self)

        self._show_timer = QTimer(self, singleShot=True, interval=SHOW_DELAY_MS)
        self._show_timer.timeout.connect(self._show_pending)
        self._hide_timer = QTimer(self, singleShot=True, interval=HIDE_DELAY_MS)
        self._hide_timer.timeout.connect(self._hide_if_unused)

        view.link_hovered.connect(self._on_link_hovered)
        view.link_card_requested.connect(self._on_link_card_requested)
        view.escape_pressed.connect(self.hide_card)
        view.scrolled.connect(self._hide_unpinned)
        view.article_shown.connect(lambda _id: self.reset())
        view.installEventFilter(self)
        # A ToolTip window floats over every application: never leave one behind.
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._on_application_state)

    # --- settings ---------------------------------------------------------------------------

    @property
    def hover_mode(self) -> str:
        """``"always"``, ``"modifier"`` (Alt/Ctrl held) or ``"off"``."""
        return self._hover_mode

    @hover_mode.setter
    def hover_mode(self, mode: str) -> None:
        if mode not in HOVER_MODES:
            raise ValueError(f"hover_mode must be one of {HOVER_MODES}, not {mode!r}")
        self._hover_mode = mode
        if mode != "always":
            self._show_timer.stop()

    @property
    def card(self) -> CitationCard:
        return self._card

    # --- public actions -------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget the article's citations (a new article was loaded) and close the card."""
        self._known.clear()
        self._show_timer.stop()
        self._pending = None
        self._hover_href = ""
        self._card.hide()

    def hide_card(self) -> None:
        self._show_timer.stop()
        self._hide_timer.stop()
        self._card.hide()

    def citations_for(self, href: str) -> list[StoredCitation]:
        if href not in self._known:
            self._known[href] = list(self._lookup(href)) if href else []
        return self._known[href]

    def show_card(
        self, href: str, anchor: QRect, *, current: int = 0, pinned: bool = False
    ) -> bool:
        """Show the card for ``href`` at ``anchor`` (the link's rectangle, global).

        Returns False when the href is not a citation. Also used by the owner, e.g. to
        preview a citation chosen in the references panel.
        """
        citations = self.citations_for(href)
        if not citations:
            return False
        self._hide_timer.stop()
        local_id = next(
            (s.local_article_id for s in citations if s.local_article_id is not None), None
        )
        title = self._title_for_article(local_id) if local_id is not None else ""
        self._card.set_pinned(False)
        self._card.set_citations(citations, current=current, local_title=title)
        # A highlighted link has already shown its highlight's tooltip at this spot: the
        # card replaces it, or the two would cover each other's text.
        QToolTip.hideText()
        self._card.show_near(anchor)
        if pinned:
            self._card.set_pinned(True)
        self.card_shown.emit(href)
        return True

    def position_of(self, citation: Citation) -> int | None:
        """Page position of the link for ``citation`` (for jump_to_citation and the
        references panel), or None when the view does not show it."""
        same = self.citations_for(citation.href)
        nth = next((i for i, s in enumerate(same) if s.citation.ordinal == citation.ordinal), 0)
        positions = self._view.link_positions(citation.href)
        return positions[nth] if nth < len(positions) else None

    # --- the page's reports ----------------------------------------------------------------------

    def _on_link_hovered(self, href: str, rect: QRect, occurrence: int, modifier: bool) -> None:
        if not href or not self.citations_for(href):
            self._hover_href = ""
            self._pending = None
            self._show_timer.stop()
            self._schedule_hide()
            return
        self._hover_href = href
        if self._card.isVisible() and self._card.href == href:
            self._hide_timer.stop()
            return
        if self._card.is_pinned():
            return  # a pinned card stays until the reader closes it
        wanted = self._hover_mode == "always" or (self._hover_mode == "modifier" and modifier)
        if not wanted:
            self._show_timer.stop()
            return
        self._pending = (href, rect, occurrence)
        self._show_timer.start()

    def _on_link_card_requested(self, href: str, rect: QRect, occurrence: int) -> None:
        """Enter on a link focused with Tab: its card, pinned; other links are followed."""
        if not self.show_card(href, rect, current=occurrence, pinned=True):
            self._view.follow_link(href)

    def _show_pending(self) -> None:
        if self._pending is None:
            return
        href, rect, occurrence = self._pending
        self._pending = None
        if href != self._hover_href:
            return  # the pointer moved off the link before the pause ended
        self.show_card(href, rect, current=occurrence)

    # --- closing --------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not (shiboken6.isValid(self._view) and shiboken6.isValid(self._card)):
            return False  # the view is being destroyed
        kind = event.type()
        if watched is self._card:
            if kind == QEvent.Type.Enter:
                self._hide_timer.stop()
            elif kind == QEvent.Type.Leave:
                self._schedule_hide()
        elif watched is self._view:
            if kind == QEvent.Type.Hide:
                self.hide_card()
            elif kind == QEvent.Type.Leave:
                self._hover_href = ""
                self._show_timer.stop()
                self._schedule_hide()
        return False

    def _schedule_hide(self) -> None:
        if self._card.isVisible() and not self._card.is_pinned():
            self._hide_timer.start()

    def _hide_if_unused(self) -> None:
        if self._card.is_pinned() or not self._card.isVisible():
            return
        if self._card.underMouse() or (self._hover_href and self._hover_href == self._card.href):
            return
        self._card.hide()

    def _hide_unpinned(self) -> None:
        if self._card.isVisible() and not self._card.is_pinned():
            self.hide_card()

    def _on_application_state(self, state: Qt.ApplicationState) -> None:
        if state != Qt.ApplicationState.ApplicationActive and shiboken6.isValid(self._card):
            self.hide_card()
