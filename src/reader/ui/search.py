"""Search as you type: the search box and the controller behind it.

The controller debounces keystrokes (~250 ms), runs ``Library.search`` on a worker
thread and fills the results list (:mod:`reader.ui.search_results`: the model, the
snippet painter, the view). A query the parser cannot read shows its gentle message
under the field instead of results.

A word that is in no article gets a clickable "Did you mean ketamine?" above the
results (inside the results view, so the window's layout needs nothing); when the
typed query found nothing and the suggestion did, the results are the suggestion's and
the message says so.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from reader.core.errors import MarginError, QueryError
from reader.core.library import Library
from reader.core.model import SearchResults
from reader.ui import theme as themes
from reader.ui.search_results import SearchResultsModel, SearchResultsView, SnippetDelegate
from reader.ui.tasks import TaskRunner, Work

log = logging.getLogger(__name__)

DEBOUNCE_MS = 250
RESULT_LIMIT = 50


class SearchField(QLineEdit):
    """The search box. Down moves into the results, Enter opens the first, Esc clears.

    Signals:
        down_pressed(): move focus to the results.
        enter_pressed(): open the selected (or first) result now.
        escape_pressed(): the field was already empty when Esc was pressed.
    """

    down_pressed = Signal()
    enter_pressed = Signal()
    escape_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchField")
        self.setAccessibleName("Search the library")
        self.setPlaceholderText("Search the library  (Ctrl+K)")
        self.setClearButtonEnabled(True)
        self.setToolTip(
            'Words, "exact phrases", field:value (title: author: site: tag: note: cites:), '
            "AND / OR / NOT, prefix*"
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            if self.text():
                self.clear()
            else:
                self.escape_pressed.emit()
            return
        if key == Qt.Key.Key_Down:
            self.down_pressed.emit()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter_pressed.emit()
            return
        super().keyPressEvent(event)


def search_work(library: Library, text: str) -> Work:
    """A search as a task (:mod:`reader.ui.tasks`): what typing runs off the UI thread."""
    return lambda _context: library.search(text, limit=RESULT_LIMIT)


class SearchController(QWidget):
    """Wires the field, the message line and the results to ``Library.search``.

    A QWidget only so it can own children; it is not shown itself.

    Signals:
        open_hit_requested(object): open this SearchHit's article at its first match.
        active_changed(bool): a query is (not) being shown.
        searched(object): SearchResults of the latest search (for tests and status).
    """

    open_hit_requested = Signal(object)
    active_changed = Signal(bool)
    searched = Signal(object)

    def __init__(
        self,
        library: Library,
        field: SearchField,
        message: QLabel,
        view: SearchResultsView,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.hide()
        self._library = library
        self.field = field
        self.message = message
        self.view = view
        self.model = SearchResultsModel(self)
        self.delegate = SnippetDelegate(view)
        view.setModel(self.model)
        view.setItemDelegate(self.delegate)
        self._active = False
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._search_in_background)
        # One search at a time, on its own thread, so an import never delays it.
        pool = QThreadPool(self)
        pool.setMaxThreadCount(1)
        self._tasks = TaskRunner(pool, self)
        self._generation = 0
        field.textChanged.connect(self._on_text_changed)
        field.enter_pressed.connect(self._on_enter)
        field.down_pressed.connect(self._focus_results)
        view.hit_activated.connect(self.open_hit_requested)
        view.suggestion.accepted.connect(self.search_for)
        view.escape_pressed.connect(lambda: field.setFocus(Qt.FocusReason.ShortcutFocusReason))
        message.hide()

    @property
    def active(self) -> bool:
        return self._active

    def set_theme(self, theme: themes.Theme) -> None:
        self.delegate.theme = theme
        self.view.viewport().update()

    def _on_text_changed(self, text: str) -> None:
        if text.strip():
            self._timer.start()
        else:
            self._timer.stop()
            self._show(None)

    def search_for(self, text: str) -> SearchResults | None:
        """Put ``text`` in the field and search for it now (a suggestion was taken)."""
        self.field.setText(text)
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)
        return self.search_now()

    def search_now(self) -> SearchResults | None:
        """Run the query in the field now, on this thread (Enter, and tests)."""
        self._timer.stop()
        self._generation += 1  # results of a search still running are now stale
        text = self.field.text().strip()
        if not text:
            self._show(None)
            return None
        try:
            results = self._library.search(text, limit=RESULT_LIMIT)
        except MarginError as exc:
            self._handle(None, exc)
            return None
        self._handle(results, None)
        return results

    def _search_in_background(self) -> None:
        """What typing triggers: a search on the worker thread, so keys never wait."""
        text = self.field.text().strip()
        self._generation += 1
        if not text:
            self._show(None)
            return
        generation = self._generation
        self._tasks.start(
            search_work(self._library, text),
            name="search",
            on_done=lambda results: self._on_background_done(generation, results, None),
            on_error=lambda error: self._on_background_done(generation, None, error),
        )

    def _on_background_done(self, generation: int, results: object, error: object) -> None:
        if generation != self._generation:
            return  # the user typed on: a newer search is coming
        self._handle(
            results if isinstance(results, SearchResults) else None,
            error if isinstance(error, MarginError) else None,
        )

    def _handle(self, results: SearchResults | None, error: MarginError | None) -> None:
        if isinstance(error, QueryError):
            self.model.set_hits([])
            self._set_active(True)
            self._set_message(str(error))
            return
        if error is not None:  # an unreadable index: say so, keep the window alive
            log.error("search failed: %s", error)
            self.model.set_hits([])
            self._set_active(True)
            self._set_message(f"Search is unavailable: {error}")
            return
        self._show(results)
        if results is not None:
            self.searched.emit(results)

    def shutdown(self) -> None:
        """Wait for a running search (before the library closes)."""
        self._generation += 1
        self._tasks.wait()

    def _show(self, results: SearchResults | None) -> None:
        if results is None:
            self.model.set_hits([])
            self.view.show_suggestion(None)
            self._set_message("")
            self._set_active(False)
            return
        self.model.set_hits(results.hits)
        self._set_active(True)
        corrected = results.corrected_from is not None
        self.view.show_suggestion(None if corrected else results.suggestion)
        if results.too_common:
            self._set_message(
                f"“{results.query.strip()}” has only words too common to search for "
                "(the, and, of…): add a more telling word."
            )
        elif not results.hits:
            self._set_message(f"No articles match “{results.query.strip()}”.")
        else:
            total = results.total if results.total is not None else len(results.hits)
            shown = len(results.hits)
            more = f" (showing the best {shown})" if total > shown else ""
            count = f"{total:,} article{'s' if total != 1 else ''}{more}"
            if corrected:
                typed = (results.corrected_from or "").strip()
                count = (
                    f"No articles match “{typed}”. Showing results for "
                    f"“{results.query.strip()}”: {count[:1].lower()}{count[1:]}"
                )
            self._set_message(count)
        if results.hits:
            self.view.setCurrentIndex(self.model.index(0))

    def _set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _set_active(self, active: bool) -> None:
        if active != self._active:
            self._active = active
            self.active_changed.emit(active)

    def _on_enter(self) -> None:
        if self._timer.isActive() or (self.field.text().strip() and self.model.rowCount() == 0):
            self.search_now()
        index = self.view.currentIndex()
        hit = self.model.hit(index.row() if index.isValid() else 0)
        if hit is not None:
            self.open_hit_requested.emit(hit)

    def _focus_results(self) -> None:
        if self._timer.isActive():
            self.search_now()
        if self.model.rowCount():
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.view.currentIndex().isValid():
                self.view.setCurrentIndex(self.model.index(0))
