"""Table of contents: the article's headings as a tree; activating one jumps there."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from reader.ui.reader import Heading

POSITION_ROLE = Qt.ItemDataRole.UserRole + 1


class TocPanel(QTreeWidget):
    """Signals:
    heading_activated(int): jump to this page position.
    """

    heading_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tocPanel")
        self.setAccessibleName("Contents")
        self.setHeaderLabel("Contents")
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(14)
        self.setUniformRowHeights(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setFrameShape(QTreeWidget.Shape.NoFrame)
        self.setAcceptDrops(False)
        self.setWordWrap(True)
        self.itemClicked.connect(self._on_item)
        self.itemActivated.connect(self._on_item)

    def set_headings(self, headings: list[Heading]) -> None:
        self.clear()
        if not headings:
            placeholder = QTreeWidgetItem(["No headings in this article"])
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addTopLevelItem(placeholder)
            return
        stack: list[tuple[int, QTreeWidgetItem]] = []
        for h in headings:
            item = QTreeWidgetItem([h.text])
            item.setData(0, POSITION_ROLE, h.position)
            item.setToolTip(0, h.text)
            while stack and stack[-1][0] >= h.level:
                stack.pop()
            if stack:
                stack[-1][1].addChild(item)
            else:
                self.addTopLevelItem(item)
            stack.append((h.level, item))
        self.expandAll()

    def heading_positions(self) -> list[int]:
        out: list[int] = []

        def walk(item: QTreeWidgetItem) -> None:
            pos = item.data(0, POSITION_ROLE)
            if pos is not None:
                out.append(int(pos))
            for i in range(item.childCount()):
                child = item.child(i)
                if child is not None:
                    walk(child)

        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            if top is not None:
                walk(top)
        return out

    def _on_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        pos = item.data(0, POSITION_ROLE)
        if pos is not None:
            self.heading_activated.emit(int(pos))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            item = self.currentItem()
            if item is not None:
                self._on_item(item)
                return
        super().keyPressEvent(event)
