"""Where the reader is in the open article, and where they have been.

The page reports its scroll state (how far down, 0..1, and the pixel offset). The
position is saved a moment after scrolling stops (not on every scroll event), restored
when an article opens, and kept across text-size and typography changes. Back and
Forward walk a :class:`~reader.ui.reader.history.History` of places across in-article
jumps and articles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from reader.core.model import Article
from reader.ui.reader.history import History, Place

if TYPE_CHECKING:
    from reader.ui.reader.view import ReaderView

POSITION_SAVE_DELAY_MS = 700


class ReadingPosition(QObject):
    """The reading position of ``view``'s article, and Back/Forward.

    Signals:
        changed(int, float): the debounced reading position (article id, 0..1).
        place_requested(int, float): Back/Forward wants another article at a position.
    """

    changed = Signal(int, float)
    place_requested = Signal(int, float)

    def __init__(self, view: ReaderView) -> None:
        super().__init__(view)
        self._view = view
        self.history = History()
        self._fraction = 0.0
        self._scroll_y = 0
        self._restore = 0.0  # where the article being loaded opens, once it is ready
        self._save_timer = QTimer(self, singleShot=True, interval=POSITION_SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self._emit)

    @property
    def fraction(self) -> float:
        return self._fraction

    @property
    def scroll_y(self) -> int:
        return self._scroll_y

    # --- the page's reports ----------------------------------------------------------------

    def opening(self, article: Article, *, restore_position: bool, fraction: float | None) -> None:
        """``article`` is about to load: at ``fraction``, its saved position, or the top."""
        if fraction is not None:
            self._restore = fraction
        else:
            self._restore = article.reading_position if restore_position else 0.0

    def page_loading(self) -> None:
        self._fraction = 0.0

    def restore(self) -> None:
        """The article is ready: go to where it opens."""
        if self._view.article is not None and self._restore > 0:
            self.set_fraction(self._restore)

    def update(self, state: dict[str, Any]) -> None:
        """The page's scroll state (keys missing from ``state`` keep their value)."""
        self._fraction = float(state.get("fraction", self._fraction) or 0.0)
        self._scroll_y = round(float(state.get("y", self._scroll_y) or 0))

    def save_later(self) -> None:
        if self._view.article is not None:
            self._save_timer.start()

    def flush(self) -> None:
        """Report a pending position now (before closing or switching articles)."""
        if self._save_timer.isActive():
            self._save_timer.stop()
            self._emit()

    def _emit(self) -> None:
        article = self._view.article
        if article is not None and self._view.ready:
            fraction = round(self._fraction, 4)
            article.reading_position = fraction
            self.changed.emit(article.id, fraction)

    # --- moving --------------------------------------------------------------------------

    def set_fraction(self, fraction: float) -> None:
        fraction = max(0.0, min(1.0, fraction))
        self._view.run_js(f"Margin.setFraction({fraction})")

    def keep_while(self, change: Callable[[], None]) -> None:
        """Make a change that reflows the page (text size, typography) and stay at the
        same fraction of the article."""
        fraction = self._fraction
        change()
        if self._view.article is not None and fraction > 0:
            self.set_fraction(fraction)

    # --- back and forward ------------------------------------------------------------------

    def here(self) -> Place | None:
        article = self._view.article
        return Place(article.id, self._fraction) if article is not None else None

    def remember(self) -> None:
        """Record where the reader is before a jump (a link, a reference, another article)."""
        here = self.here()
        if here is not None and self._view.ready:
            self.history.record(here)

    def back(self) -> bool:
        return self._go(self.history.back)

    def forward(self) -> bool:
        return self._go(self.history.forward)

    def _go(self, step: Callable[[Place], Place | None]) -> bool:
        here = self.here()
        if here is None:
            return False
        place = step(here)
        if place is None:
            return False
        if place.article_id == here.article_id:
            self.set_fraction(place.fraction)
        else:
            self.place_requested.emit(place.article_id, place.fraction)
        return True
