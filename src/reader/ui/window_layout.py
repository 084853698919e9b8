"""The containers of the window's panes: the left and middle columns, the tabbed side
panel and the splitter between them. The panes themselves are made by ``MainWindow``."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QEvent, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout, QWidget


def column(
    parent: QWidget,
    name: str,
    widgets: Sequence[tuple[QWidget, int]],
    *,
    margins: tuple[int, int, int, int],
    spacing: int,
) -> QWidget:
    """A pane stacking ``widgets`` top to bottom, each with its stretch factor."""
    pane = QWidget(parent)
    pane.setObjectName(name)
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(*margins)
    layout.setSpacing(spacing)
    for widget, stretch in widgets:
        layout.addWidget(widget, stretch)
    return pane


def side_panel(parent: QWidget, tabs: Sequence[tuple[QWidget, str]]) -> QTabWidget:
    side = QTabWidget(parent)
    side.setObjectName("sideTabs")
    side.setAccessibleName("Side panel")
    side.setDocumentMode(True)
    side.tabBar().setAccessibleName("Side panel tabs")
    side.setMinimumWidth(280)  # all three tab titles stay readable
    for widget, title in tabs:
        side.addTab(widget, title)
    return side


# The narrowest the article gets while the side panes can still give way: about 50
# characters of the article's default type, a readable line.
READABLE_ARTICLE_WIDTH = 480


class ReadingSplitter(QSplitter):
    """The library, the article and the side panel, left to right. When the window
    narrows, the side panes give way (down to their own minimums) before the article
    drops below a readable width; QSplitter alone took it all from the article, which
    vanished in a half-screen window. The widths the reader gave the side panes (by
    dragging, or restored from the last run) come back once there is room again."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._side_widths: tuple[int, int] | None = None
        self.splitterMoved.connect(self._remember_side_widths)

    def setSizes(self, sizes: Sequence[int]) -> None:
        super().setSizes(sizes)
        if len(sizes) == 3:
            self._side_widths = (sizes[0], sizes[2])

    def restoreState(self, state: QByteArray | bytes) -> bool:
        self._side_widths = None  # read at the first fit: before, sizes() is scaled
        return super().restoreState(state)

    def saveState(self) -> QByteArray:
        """The layout with the side panes at the reader's widths, not at the widths a
        narrow window lent to the article: the next run gives them back when it can."""
        sizes = self.sizes()
        if self._side_widths is None or self.count() != 3 or sum(sizes) <= 0:
            return super().saveState()
        left, right = self._side_widths
        article = max(1, sum(sizes) - (left if sizes[0] else 0) - (right if sizes[2] else 0))
        super().setSizes([left if sizes[0] else 0, article, right if sizes[2] else 0])
        state = super().saveState()
        super().setSizes(sizes)
        return state

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_article()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:  # a pane was shown or hidden
            self.fit_article()
        return handled

    def _remember_side_widths(self) -> None:
        if self.count() != 3:
            return
        left, _, right = self.sizes()
        old = self._side_widths or (left, right)
        # A hidden pane reports 0: keep its width for when it is shown again.
        self._side_widths = (left or old[0], right or old[1])

    def fit_article(self) -> None:
        sizes = self.sizes()
        if self.count() != 3 or sum(sizes) <= 0 or not self.isVisible():
            return
        if self._side_widths is None:
            self._remember_side_widths()
        assert self._side_widths is not None
        sides = [pane for pane in (self.widget(0), self.widget(2)) if pane is not None]
        if len(sides) != 2:
            return
        wanted = [
            0 if pane.isHidden() else w for w, pane in zip(self._side_widths, sides, strict=True)
        ]
        floors = [
            max(pane.minimumWidth(), pane.minimumSizeHint().width()) if w else 0
            for w, pane in zip(wanted, sides, strict=True)
        ]
        total = sum(sizes)
        shortfall = READABLE_ARTICLE_WIDTH - (total - sum(wanted))
        room = [max(0, w - floor) for w, floor in zip(wanted, floors, strict=True)]
        if shortfall > 0 and sum(room) > 0:
            taken = min(shortfall, sum(room))
            left_cut = round(taken * room[0] / sum(room))
            wanted = [wanted[0] - left_cut, wanted[1] - (taken - left_cut)]
        fitted = [wanted[0], total - sum(wanted), wanted[1]]
        if fitted != sizes and fitted[1] >= 0:
            super().setSizes(fitted)


def main_splitter(parent: QWidget, left: QWidget, center: QWidget, right: QWidget) -> QSplitter:
    """Left and right keep their width when the window grows; the article takes the rest."""
    splitter = ReadingSplitter(parent)
    splitter.setObjectName("mainSplitter")
    splitter.setChildrenCollapsible(False)
    for index, (pane, stretch) in enumerate(((left, 0), (center, 1), (right, 0))):
        splitter.addWidget(pane)
        splitter.setStretchFactor(index, stretch)
    splitter.setSizes([400, 760, 320])
    return splitter
