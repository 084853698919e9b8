"""The containers of the window's panes: the left and middle columns, the tabbed side
panel and the splitter between them. The panes themselves are made by ``MainWindow``."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
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


def main_splitter(parent: QWidget, left: QWidget, center: QWidget, right: QWidget) -> QSplitter:
    """Left and right keep their width when the window grows; the article takes the rest."""
    splitter = QSplitter(Qt.Orientation.Horizontal, parent)
    splitter.setObjectName("mainSplitter")
    splitter.setChildrenCollapsible(False)
    for index, (pane, stretch) in enumerate(((left, 0), (center, 1), (right, 0))):
        splitter.addWidget(pane)
        splitter.setStretchFactor(index, stretch)
    splitter.setSizes([400, 760, 320])
    return splitter
