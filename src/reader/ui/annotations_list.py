"""The highlight list's parts: its model, the card delegate, and the colour legend.

:class:`AnnotationsModel` lists an article's highlights in reading order, then a
header and the orphans (passages no longer in the text); it filters by colour and by
tag. :class:`AnnotationDelegate` draws each as a card: a colour bar, the quote, the
rendered note and the tags. :class:`LegendList` shows what each colour means.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from reader.core.library import AnchoredAnnotations
from reader.core.model import Annotation
from reader.ui.highlight_palette import COLOR_NAMES, color_hex, color_label, swatch_icon
from reader.ui.note_editor import ResourceFreeDocument, elide, render_markdown

QUOTE_CHARS = 280
ORPHANS_HEADER = "Not found in the current text"

# Item roles beyond Qt's.
AnnotationRole = Qt.ItemDataRole.UserRole + 1
UuidRole = Qt.ItemDataRole.UserRole + 2
RangeRole = Qt.ItemDataRole.UserRole + 3  # (start, end) in the article text, or None
OrphanRole = Qt.ItemDataRole.UserRole + 4
HeaderRole = Qt.ItemDataRole.UserRole + 5
HtmlRole = Qt.ItemDataRole.UserRole + 6  # quote, note and tags as HTML for the delegate
ColorNameRole = Qt.ItemDataRole.UserRole + 7
ChangedRole = Qt.ItemDataRole.UserRole + 8  # the words it covers now, when they changed
CHANGED_MARK = "Text changed"


@dataclass(slots=True)
class _Row:
    annotation: Annotation | None  # None: the orphans' group header
    start: int = -1
    end: int = -1
    orphan: bool = False


class AnnotationsModel(QAbstractListModel):
    """One row per highlight, in reading order, then a header row and the orphans."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._meanings: dict[str, str] = {}
        self._anchored = AnchoredAnnotations()
        self._color = ""  # filters; empty means any
        self._tag = ""

    def set_annotations(self, anchored: AnchoredAnnotations, meanings: dict[str, str]) -> None:
        self._anchored = anchored
        self._meanings = dict(meanings)
        self._rebuild()

    def set_filter(self, color: str = "", tag: str = "") -> None:
        """Show only highlights of this colour and with this tag (any case)."""
        self._color, self._tag = color, tag.casefold()
        self._rebuild()

    def _matches(self, a: Annotation) -> bool:
        if self._color and a.color != self._color:
            return False
        return not self._tag or any(t.casefold() == self._tag for t in a.tags)

    def _rebuild(self) -> None:
        anchored = self._anchored
        self.beginResetModel()
        self._rows = [_Row(a, s, e) for a, s, e in anchored.anchored if self._matches(a)]
        orphans = [a for a in anchored.orphans if self._matches(a)]
        if orphans:
            self._rows.append(_Row(None, orphan=True))
            self._rows.extend(_Row(a, orphan=True) for a in orphans)
        self.endResetModel()

    def total_count(self) -> int:
        """Highlights of the article, filtered or not."""
        return len(self._anchored.anchored) + len(self._anchored.orphans)

    def tags(self) -> list[str]:
        """The tags used by the article's highlights, one per spelling that differs in case."""
        seen: dict[str, str] = {}
        for a in [x[0] for x in self._anchored.anchored] + list(self._anchored.orphans):
            for tag in a.tags:
                seen.setdefault(tag.casefold(), tag)
        return sorted(seen.values(), key=str.casefold)

    def set_meanings(self, meanings: dict[str, str]) -> None:
        self._meanings = dict(meanings)
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))

    def highlight_count(self) -> int:
        return sum(1 for r in self._rows if r.annotation is not None)

    def row_of(self, uuid: str) -> int:
        for i, row in enumerate(self._rows):
            if row.annotation is not None and row.annotation.uuid == uuid:
                return i
        return -1

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()].annotation is None:
            return Qt.ItemFlag.ItemIsEnabled  # a group header: not selectable
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        a = row.annotation
        if role == HeaderRole:
            return a is None
        if a is None:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return ORPHANS_HEADER
            if role == Qt.ItemDataRole.ToolTipRole:
                return "These passages are no longer in the article's text (it was re-imported)."
            if role == OrphanRole:
                return True
            return None
        meaning = self._meanings.get(a.color, "")
        if role == Qt.ItemDataRole.DisplayRole:
            return elide(a.quote.exact, QUOTE_CHARS)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{color_label(a.color, meaning)}\n\n{elide(a.quote.exact, 1000)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            parts = [
                f"{color_label(a.color, meaning)} highlight: {elide(a.quote.exact, QUOTE_CHARS)}"
            ]
            if row.orphan:
                parts.append("not found in the current text")
            elif a.uuid in self._anchored.changed:
                parts.append(f"{CHANGED_MARK}: now {self._anchored.changed[a.uuid]}")
            if a.note.strip():
                parts.append(f"Note: {a.note.strip()}")
            if a.tags:
                parts.append("Tags: " + ", ".join(a.tags))
            return ". ".join(parts)
        if role == Qt.ItemDataRole.DecorationRole:
            return QColor(color_hex(a.color))
        if role == AnnotationRole:
            return a
        if role == UuidRole:
            return a.uuid
        if role == RangeRole:
            return None if row.orphan else (row.start, row.end)
        if role == OrphanRole:
            return row.orphan
        if role == ColorNameRole:
            return a.color
        if role == ChangedRole:
            return None if row.orphan else self._anchored.changed.get(a.uuid)
        if role == HtmlRole:
            return _item_html(a, None if row.orphan else self._anchored.changed.get(a.uuid))
        return None


def _item_html(a: Annotation, now: str | None = None) -> str:
    parts = [f'<p class="quote">{html.escape(elide(a.quote.exact, QUOTE_CHARS))}</p>']
    if now is not None:
        # The article was re-imported and the words under the highlight changed: the
        # card keeps the user's words and says what the article says now.
        parts.append(
            f'<p class="changed">⚠ {CHANGED_MARK}: now “{html.escape(elide(now, QUOTE_CHARS))}”</p>'
        )
    note = render_markdown(a.note)
    if note:
        parts.append(f'<div class="note">{note}</div>')
    if a.tags:
        tags = " ".join(f"#{html.escape(t)}" for t in a.tags)
        parts.append(f'<p class="tags">{tags}</p>')
    return "".join(parts)


class AnnotationDelegate(QStyledItemDelegate):
    """Paints a highlight as a colour bar beside its quote, rendered note and tags."""

    BAR = 5
    PAD = 8

    def _document(
        self,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
        width: int,
    ) -> QTextDocument:
        doc = ResourceFreeDocument()  # a note's Markdown must not load local files
        doc.setDocumentMargin(0)
        doc.setIndentWidth(16)  # lists in notes: the default 40 px is a lot in a side panel
        doc.setDefaultFont(option.font)
        palette = option.palette
        if option.state & QStyle.StateFlag.State_Selected:
            # On the selection colour, links and tags take the selected text colour:
            # the palette's dark blue link on a blue selection could not be read.
            muted = link = palette.color(QPalette.ColorRole.HighlightedText).name()
        else:
            muted = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text).name()
            link = palette.color(QPalette.ColorRole.Link).name()
        doc.setDefaultStyleSheet(
            f"p.quote {{ font-style: italic; margin-bottom: 4px; }}"
            f"p.tags {{ color: {muted}; font-size: small; margin-top: 2px; }}"
            f"p {{ margin-top: 0px; margin-bottom: 3px; }}"
            f"a {{ color: {link}; }}"
            f"p.changed {{ font-size: small; font-weight: bold; margin-top: 2px; }}"
        )
        doc.setHtml(index.data(HtmlRole) or "")
        doc.setTextWidth(max(40, width))
        return doc

    def _text_width(self, option: QStyleOptionViewItem) -> int:
        width = option.rect.width()
        widget = option.widget
        if isinstance(widget, QAbstractItemView):
            width = widget.viewport().width()
        return width - self.BAR - 3 * self.PAD

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        if index.data(HeaderRole):
            return QSize(self._text_width(opt), opt.fontMetrics.height() + 2 * self.PAD + 6)
        doc = self._document(opt, index, self._text_width(opt))
        return QSize(self._text_width(opt), int(doc.size().height()) + 2 * self.PAD)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        rect: QRect = opt.rect
        painter.save()
        if index.data(HeaderRole):
            font = opt.font
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(opt.palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
            painter.drawLine(
                rect.left() + self.PAD, rect.top() + 3, rect.right() - self.PAD, rect.top() + 3
            )
            text_rect = rect.adjusted(self.PAD, 6, -self.PAD, 0)
            painter.drawText(
                text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, opt.text
            )
            painter.restore()
            return
        style = opt.widget.style() if opt.widget else None
        opt.text = ""
        opt.icon = type(opt.icon)()
        opt.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDecoration
        if style is not None:
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, opt.widget
            )
        colour = QColor(color_hex(index.data(ColorNameRole) or "yellow"))
        bar = QRect(
            rect.left() + self.PAD, rect.top() + self.PAD, self.BAR, rect.height() - 2 * self.PAD
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.drawRoundedRect(bar, 2, 2)
        doc = self._document(opt, index, self._text_width(opt))
        painter.translate(rect.left() + self.BAR + 2 * self.PAD, rect.top() + self.PAD)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text_colour = opt.palette.color(role)
        if index.data(OrphanRole):
            text_colour.setAlphaF(0.75)
        context.palette.setColor(QPalette.ColorRole.Text, text_colour)
        doc.documentLayout().draw(painter, context)
        painter.restore()


class LegendList(QListWidget):
    """The colours and what each means to the user; F2 or double click edits a meaning.

    Signals:
        meaning_edited(str, str): colour name, new meaning.
    """

    meaning_edited = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("highlightLegend")
        self.setAccessibleName("Highlight colours and their meanings")
        self.setToolTip("What each colour means. Double-click (or F2) to change a meaning.")
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSpacing(2)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSizeAdjustPolicy(QListWidget.SizeAdjustPolicy.AdjustToContents)
        self._loading = False
        for name in COLOR_NAMES:
            item = QListWidgetItem(swatch_icon(name), "")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.addItem(item)
        self.itemChanged.connect(self._on_item_changed)
        # Right-click a colour: "Edit Meaning…" (the double-click alone was never found).
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)

    def _context_menu(self, pos: QPoint) -> None:
        item = self.itemAt(pos)
        if item is None:
            return
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        name = str(item.data(Qt.ItemDataRole.UserRole))
        menu.addAction(f"Edit the Meaning of {name.capitalize()}…", lambda: self.editItem(item))
        menu.popup(self.viewport().mapToGlobal(pos))

    def set_meanings(self, meanings: dict[str, str]) -> None:
        self._loading = True
        try:
            for i in range(self.count()):
                item = self.item(i)
                name = item.data(Qt.ItemDataRole.UserRole)
                item.setText(meanings.get(name, ""))
                item.setToolTip(
                    f"{name.capitalize()}: {meanings.get(name, '')}"
                    " (double-click, F2 or “Edit meanings” to change)"
                )
                item.setData(
                    Qt.ItemDataRole.AccessibleTextRole, color_label(name, meanings.get(name, ""))
                )
        finally:
            self._loading = False
        self.updateGeometry()

    def item_for(self, color: str) -> QListWidgetItem | None:
        for i in range(self.count()):
            if self.item(i).data(Qt.ItemDataRole.UserRole) == color:
                return self.item(i)
        return None

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if not self._loading:
            self.meaning_edited.emit(item.data(Qt.ItemDataRole.UserRole), item.text())

    def sizeHint(self) -> QSize:
        # Tall enough for the wrapped rows at the current width, no more.
        hint = super().sizeHint()
        bottom = 0
        for i in range(self.count()):
            bottom = max(bottom, self.visualItemRect(self.item(i)).bottom())
        return QSize(hint.width(), bottom + 2 * self.frameWidth() + 6 if bottom else hint.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(60, self.sizeHint().height())

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._fit_height)

    def _fit_height(self) -> None:
        height = self.sizeHint().height()
        if height != self.height():
            self.setFixedHeight(height)
