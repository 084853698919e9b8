"""Which article is next: the list on screen decides, and an import says what it brought.

Alt+Down and Alt+Up walk the list the user sees: the search results while they are
shown, else the library list. The list's selection follows the article that is open,
however it was opened. After an import, one new article is opened and a
batch selects the first new one in the list.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject

from reader.core.model import ImportReport, ImportStatus, SearchHit
from reader.ui.library_panel import LibraryPanel
from reader.ui.search import SearchController
from reader.ui.search_results import HIT_ROLE, SearchResultsView


class ListNavigator(QObject):
    """Moves through the visible list and shows what an import added."""

    def __init__(
        self,
        library_panel: LibraryPanel,
        search: SearchController,
        results: SearchResultsView,
        *,
        open_article: Callable[[int], object],
        open_hit: Callable[[SearchHit], object],
        reading: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library_panel
        self._search = search
        self._results = results
        self._open_article = open_article
        self._open_hit = open_hit
        self._reading = reading  # is an article open?

    def step(self, step: int) -> None:
        """The next (1) or previous (-1) article of the list on screen, opened."""
        if not self._search.active:
            self._library.select_relative(step)
            return
        view = self._results
        model = view.model()
        if model is None or model.rowCount() == 0:
            return
        current = view.currentIndex()
        row = current.row() + step if current.isValid() else 0
        if 0 <= row < model.rowCount():
            index = model.index(row, 0)
            view.setCurrentIndex(index)
            view.scrollTo(index)
            hit = index.data(HIT_ROLE)
            if hit is not None:
                self._open_hit(hit)

    def follow(self, article_id: int) -> None:
        """Select the article just opened in the list on screen: its search result (none,
        if it is not a result), or its row of the library list. An article opened from a
        citation card, Sources or Back stayed unselected, and Alt+Down went on from the
        article before it."""
        view = self._results
        model = view.model()
        if not self._search.active:
            if self._library.current_article_id() != article_id:
                self._library.select_article(article_id, emit=False)
            return
        if model is None:
            return
        current = view.currentIndex()
        hit = current.data(HIT_ROLE) if current.isValid() else None
        if hit is not None and hit.article_id == article_id:
            return
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            found = index.data(HIT_ROLE)
            if found is not None and found.article_id == article_id:
                view.setCurrentIndex(index)
                view.scrollTo(index)
                return
        view.clearSelection()
        view.setCurrentIndex(QModelIndex())

    def show_imported(self, report: ImportReport) -> None:
        """One article imported: open it. A batch: select the first new one in the list
        (opened only when nothing is being read)."""
        articles = list(dict.fromkeys(r.article_id for r in report.results if r.article_id))
        if len(articles) == 1:
            self._library.select_article(articles[0], emit=False)
            self._open_article(articles[0])
            return
        added = [r.article_id for r in report.results if r.status is ImportStatus.ADDED]
        model = self._library.model
        rows = [(row, i) for i in added if i and (row := model.row_of(i)) is not None]
        if rows:
            self._library.select_article(min(rows)[1], emit=not self._reading())
        elif not self._reading() and model.rowCount():
            self._library.select_relative(0)
