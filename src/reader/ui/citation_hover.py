"""Citation previews for any QTextBrowser: hover (or Enter on a focused link) shows a card.

The controller watches the browser's viewport (novelWriter's ``editor/viewer.py``
pattern): on a mouse move it asks ``anchorAt()`` for the link under the pointer, maps its
href to the article's citations through a lookup function it is given, and after a short
pause shows a :class:`~reader.ui.citation_card.CitationCard` next to the link. The card
stays while the pointer travels into it, and closes a little after the pointer has left
both the link and the card, on Esc, or when the article scrolls (unless it is pinned).

Keyboard: Tab moves between links in the browser as usual. **Enter** on a focused
citation link opens its card (pinned, so it stays while the reader reads it) instead of
following the link; **Shift+Enter** follows the link as before; **Esc** closes the card.

Hover previews follow ``hover_mode``: ``"always"``, ``"modifier"`` (only while Alt or
Ctrl is held, for readers who find pop-ups distracting) or ``"off"`` (Enter still works).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QMouseEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextBrowser

from reader.core.model import Citation, StoredCitation
from reader.ui.citation_card import CitationCard

HOVER_MODES = ("always", "modifier", "off")
SHOW_DELAY_MS = 300  # long enough that sweeping the pointer across a paragraph shows nothing
HIDE_DELAY_MS = 400  # long enough to move the pointer from the link into the card
_MODIFIERS = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier


class CitationHoverController(QObject):
    """Shows citation cards for the links of one QTextBrowser.

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
        browser: QTextBrowser,
        citations_for_href: Callable[[str], list[StoredCitation]],
        title_for_article: Callable[[int], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent if parent is not None else browser)
        self._browser = browser
        self._viewport = browser.viewport()
        self._lookup = citations_for_href
        self._title_for_article = title_for_article
        self._hover_mode = "always"
        self._known: dict[str, list[StoredCitation]] = {}  # lookups, per article
        self._pending: tuple[str, QPoint] | None = None  # href and viewport point to show
        self._hover_href = ""  # citation link under the pointer now ("" when none)
        self._last_pos: QPoint | None = None

        self._card = CitationCard(browser)
        self._card.jump_to_citation.connect(self.jump_to_citation)
        self._card.open_external.connect(self.open_external)
        self._card.go_to_reference.connect(self.go_to_reference)
        self._card.open_article.connect(self.open_article)
        self._card.closed.connect(self.card_hidden)
        self._card.installEventFilter(self)

        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.setInterval(SHOW_DELAY_MS)
        self._show_timer.timeout.connect(self._show_pending)
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.setInterval(HIDE_DELAY_MS)
        self._hide_timer.timeout.connect(self._hide_if_unused)

        browser.setMouseTracking(True)
        browser.viewport().setMouseTracking(True)
        browser.viewport().installEventFilter(self)
        browser.installEventFilter(self)
        browser.textChanged.connect(self.reset)
        # A ToolTip window floats over every application: never leave one behind.
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._on_application_state)
        browser.verticalScrollBar().valueChanged.connect(self._on_scrolled)

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
        """Show the card for ``href`` next to ``anchor`` (global coordinates).

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
        self._card.show_near(anchor)
        if pinned:
            self._card.set_pinned(True)
        self.card_shown.emit(href)
        return True

    # --- events --------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not (shiboken6.isValid(self._browser) and shiboken6.isValid(self._card)):
            return False  # the browser is being destroyed: its viewport still gets events
        kind = event.type()
        if watched is self._card:
            if kind == QEvent.Type.Enter:
                self._hide_timer.stop()
            elif kind == QEvent.Type.Leave:
                self._schedule_hide()
            return False
        if watched is self._viewport:
            if kind == QEvent.Type.MouseMove:
                self._on_mouse_move(event)  # type: ignore[arg-type]
            elif kind == QEvent.Type.Leave:
                self._hover_href = ""
                self._show_timer.stop()
                self._schedule_hide()
            elif kind == QEvent.Type.Wheel:
                self._hide_unpinned()
            return False
        if watched is self._browser and kind == QEvent.Type.KeyPress:
            return self._on_key(event)  # type: ignore[arg-type]
        if watched is self._browser and kind == QEvent.Type.Hide:
            self.hide_card()
        return False

    def _on_mouse_move(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        self._last_pos = pos
        href = self._browser.anchorAt(pos)
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
        wanted = self._hover_mode == "always" or (
            self._hover_mode == "modifier" and bool(event.modifiers() & _MODIFIERS)
        )
        if not wanted:
            self._show_timer.stop()
            return
        self._pending = (href, pos)
        self._show_timer.start()

    def _on_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Escape and self._card.isVisible():
            self.hide_card()
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            return self._show_for_cursor()
        if (
            key in (Qt.Key.Key_Alt, Qt.Key.Key_Control)
            and self._hover_mode == "modifier"
            and self._hover_href
            and self._last_pos is not None
            and not self._card.is_pinned()
        ):
            # The modifier pressed while the pointer already rests on a link.
            self._pending = (self._hover_href, self._last_pos)
            self._show_timer.start()
        return False

    def _show_for_cursor(self) -> bool:
        """Enter on a link focused with Tab: show its card instead of following it."""
        cursor = self._browser.textCursor()
        href = cursor.charFormat().anchorHref()
        if not href or not self.citations_for(href):
            return False
        point_cursor = QTextCursor(cursor)
        point_cursor.setPosition(cursor.selectionStart())
        rect = self._browser.cursorRect(point_cursor)
        viewport = self._browser.viewport()
        anchor = QRect(viewport.mapToGlobal(rect.topLeft()), rect.size())
        current = self._occurrence(href, cursor.selectionStart())
        return self.show_card(href, anchor, current=current, pinned=True)

    def _show_pending(self) -> None:
        if self._pending is None:
            return
        href, pos = self._pending
        self._pending = None
        if href != self._hover_href:
            return  # the pointer moved off the link before the pause ended
        cursor = self._browser.cursorForPosition(pos)
        line = self._browser.cursorRect(cursor)
        viewport = self._browser.viewport()
        top_left = viewport.mapToGlobal(QPoint(pos.x(), line.top()))
        anchor = QRect(top_left.x(), top_left.y(), 1, max(line.height(), 1))
        self.show_card(href, anchor, current=self._occurrence(href, cursor.position()))

    def _occurrence(self, href: str, position: int) -> int:
        """Which of the article's links with ``href`` contains ``position`` (0-based).

        Citations sharing an href are in order of appearance, so the n-th link with that
        href is the n-th citation: the card then quotes the sentence the reader is at.
        """
        index = 0
        for n, (start, end) in enumerate(link_runs(self._browser.document(), href)):
            if start > position:
                break
            index = n
            if position <= end:
                break
        return index

    def position_of(self, citation: Citation) -> int | None:
        """Document position of the link for ``citation`` (for jump_to_citation and the
        references panel), or None when the view does not show it."""
        same = self.citations_for(citation.href)
        nth = next((i for i, s in enumerate(same) if s.citation.ordinal == citation.ordinal), 0)
        for n, (start, _end) in enumerate(link_runs(self._browser.document(), citation.href)):
            if n == nth:
                return start
        return None

    # --- closing --------------------------------------------------------------------------------

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

    def _on_scrolled(self, _value: int) -> None:
        self._hide_unpinned()


def link_runs(document: QTextDocument, href: str) -> Iterator[tuple[int, int]]:
    """(start, end) document positions of each link with ``href``, in order.

    A link split into several fragments (``<a>li<b>nk</b></a>``) is one run.
    """
    block = document.begin()
    while block.isValid():
        run: list[int] | None = None
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.isValid():
                start, end = fragment.position(), fragment.position() + fragment.length()
                if fragment.charFormat().anchorHref() == href:
                    if run is None:
                        run = [start, end]
                    else:
                        run[1] = end
                elif run is not None:
                    yield run[0], run[1]
                    run = None
            it += 1
        if run is not None:
            yield run[0], run[1]
        block = block.next()
