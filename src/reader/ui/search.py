"""Search as you type: the field, the results list with snippets, and the controller.

The controller debounces keystrokes (~250 ms), asks ``Library.search`` and fills a
plain list model; a delegate paints each hit's title, source and snippet with the
matched words marked. A query the parser cannot read shows its gentle message under
the field instead of results.

A word that is in no article gets a clickable "Did you mean ketamine?" above the
results (:class:`SuggestionLabel`, inside the results view, so the window's layout
needs nothing); when the typed query found nothing and the suggestion did, the results
are the suggestion's and the message says so.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QResizeEvent,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from reader.core.errors import MarginError, QueryError
from reader.core.library import Library
from reader.core.model import SearchHit, SearchResults
from reader.ui import theme as themes
from reader.ui.library_model import short_date
from reader.ui.tasks import TaskRunner, Work

log = logging.getLogger(__name__)

DEBOUNCE_MS = 250
RESULT_LIMIT = 50
HIT_ROLE = Qt.ItemDataRole.UserRole + 10
_MATCH = re.compile(r"<b class=\"match\">(.*?)</b>", re.S)

Index = QModelIndex | QPersistentModelIndex


def matched_terms(snippet_html: str) -> list[str]:
    """The words a snippet marks as matches, unescaped, first occurrence order, no repeats."""
    seen: dict[str, str] = {}
    for raw in _MATCH.findall(snippet_html):
        word = html.unescape(re.sub(r"<[^>]+>", "", raw)).strip()
        if word and word.lower() not in seen:
            seen[word.lower()] = word
    return list(seen.values())


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


class SearchResultsModel(QAbstractListModel):
    """The hits of the latest search, in rank order."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> SearchHit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.title
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            snippet = html.unescape(re.sub(r"<[^>]+>", "", hit.snippet_html))
            return f"{hit.title}. {snippet}"
        if role == HIT_ROLE:
            return hit
        return None


class SnippetDelegate(QStyledItemDelegate):
    """Paints a hit: title, source line, and the snippet with matches marked."""

    PADDING = 8

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.theme = themes.theme_named(None)

    def _document(
        self, hit: SearchHit, width: float, selected: bool, option: QStyleOptionViewItem
    ) -> QTextDocument:
        t = self.theme
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(option.font)
        text_colour = t.selection_text if selected else t.text
        muted = t.selection_text if selected else t.muted
        mark_bg = t.current_match_bg if selected else t.match_bg
        mark_fg = t.text if not t.dark else "#ffffff"
        doc.setDefaultStyleSheet(
            f"p {{ margin: 0px; color: {text_colour}; }}"
            f"p.title {{ font-weight: 600; margin-bottom: 2px; }}"
            f"p.source {{ color: {muted}; font-size: small; margin-bottom: 3px; }}"
            f"b.match {{ background-color: {mark_bg}; color: {mark_fg}; font-weight: 600; }}"
        )
        source = " · ".join(x for x in (hit.site_name, short_date(hit.published)) if x)
        parts = [f'<p class="title">{html.escape(hit.title or "Untitled")}</p>']
        if source:
            parts.append(f'<p class="source">{html.escape(source)}</p>')
        if hit.snippet_html:
            parts.append(f"<p>{hit.snippet_html}</p>")
        doc.setHtml("".join(parts))
        doc.setTextWidth(width)
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        hit = index.data(HIT_ROLE)
        if hit is None:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        if selected:
            painter.fillRect(option.rect, option.palette.color(QPalette.ColorRole.Highlight))
        else:
            painter.setPen(option.palette.color(QPalette.ColorRole.Mid))
            painter.drawLine(option.rect.bottomLeft(), option.rect.bottomRight())
        p = self.PADDING
        doc = self._document(hit, option.rect.width() - 2 * p, selected, option)
        painter.translate(option.rect.left() + p, option.rect.top() + p)
        clip = QRectF(0, 0, option.rect.width() - 2 * p, option.rect.height() - 2 * p)
        painter.setClipRect(clip)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        ctx.clip = clip
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        hit = index.data(HIT_ROLE)
        if hit is None:
            return super().sizeHint(option, index)
        width = option.rect.width() if option.rect.width() > 0 else 320
        doc = self._document(hit, width - 2 * self.PADDING, False, option)
        return QSize(width, int(doc.size().height()) + 2 * self.PADDING + 1)


class SuggestionLabel(QLabel):
    """ "Did you mean *ketamine*?": a click, Enter or Space searches for the suggestion.

    Signals:
        accepted(str): the suggested query, to search for now.
    """

    accepted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchSuggestion")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setWordWrap(True)
        self.setContentsMargins(8, 6, 8, 6)
        self.suggestion = ""
        self.hide()

    def set_suggestion(self, suggestion: str) -> None:
        self.suggestion = suggestion
        link = self.palette().color(QPalette.ColorRole.Link).name()
        self.setText(f'Did you mean <a style="color: {link}"><i>{html.escape(suggestion)}</i></a>?')
        self.setAccessibleName(f"Did you mean {suggestion}? Press Enter to search for it.")
        self.setToolTip(f"Search for “{suggestion}”")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.accepted.emit(self.suggestion)
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.accepted.emit(self.suggestion)
            return
        super().keyPressEvent(event)


class SearchResultsView(QListView):
    """Enter opens the current hit, Esc goes back to the field.

    A spelling suggestion, when there is one, sits above the first result
    (:attr:`suggestion`, in the view's top margin).

    Signals:
        hit_activated(object): a SearchHit to open.
        escape_pressed(): back to the search field.
    """

    hit_activated = Signal(object)
    escape_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchResults")
        self.setAccessibleName("Search results")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(False)
        self.setWordWrap(True)
        self.setAcceptDrops(False)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.clicked.connect(self._activate)
        self.suggestion = SuggestionLabel(self)

    def show_suggestion(self, suggestion: str | None) -> None:
        """Show "Did you mean …?" above the results, or hide it (None)."""
        if suggestion:
            self.suggestion.set_suggestion(suggestion)
            self.suggestion.show()
        else:
            self.suggestion.hide()
        self._place_suggestion()

    def _place_suggestion(self) -> None:
        height = 0
        if not self.suggestion.isHidden():
            height = max(self.suggestion.heightForWidth(self.width()), 24)
            self.suggestion.setGeometry(0, 0, self.width(), height)
        self.setViewportMargins(0, height, 0, 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_suggestion()

    def _activate(self, index: QModelIndex) -> None:
        hit = index.data(HIT_ROLE)
        if hit is not None:
            self.hit_activated.emit(hit)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._activate(self.currentIndex())
            return
        if event.key() == Qt.Key.Key_Escape:
            self.escape_pressed.emit()
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
        if not results.hits:
            self._set_message(f"No articles match “{results.query.strip()}”.")
        else:
            total = results.total if results.total is not None else len(results.hits)
            shown = len(results.hits)
            more = f" (showing the best {shown})" if total > shown else ""
            count = f"{total} article{'s' if total != 1 else ''}{more}"
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
