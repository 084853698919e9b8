"""The results of a search as the window lists them: the model, its painter, the list.

:class:`SearchResultsModel` holds the hits of the latest search in rank order;
:class:`SnippetDelegate` paints each hit's title, source and snippet with the matched
words marked; :class:`SearchResultsView` lists them, with a clickable "Did you mean
ketamine?" (:class:`SuggestionLabel`) above the first result when a word is in no
article. The field and the controller that fill them are in :mod:`reader.ui.search`.
"""

from __future__ import annotations

import html
import re
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
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
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from reader.core.model import SearchHit
from reader.ui import theme as themes
from reader.ui.library_model import short_date

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
