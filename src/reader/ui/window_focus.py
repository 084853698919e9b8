"""Moving the keyboard focus between the window's panes (F6, Ctrl+1 … Ctrl+5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow


def focus_contents(window: MainWindow) -> None:
    """Show the side panel's Contents tab and focus its first heading."""
    if not window.side_tabs.isVisible():
        window.set_contents_visible(True)
    window.side_tabs.setCurrentWidget(window.toc)
    window.toc.setFocus(Qt.FocusReason.ShortcutFocusReason)
    first = window.toc.topLevelItem(0)
    if window.toc.currentItem() is None and first is not None:
        window.toc.setCurrentItem(first)


def focus_side_tab(window: MainWindow, widget: QWidget) -> None:
    """Show the side panel (if hidden) at ``widget``'s tab and focus it."""
    if not window.side_tabs.isVisible():
        window.set_contents_visible(True)
    window.side_tabs.setCurrentWidget(widget)
    widget.setFocus(Qt.FocusReason.ShortcutFocusReason)


def panes(window: MainWindow) -> list[QWidget]:
    """The panes F6 cycles through, in order: list, search, article, side panel."""
    if window.search.active:
        listing: QWidget = window.search_results
    elif window.library_panel.is_empty:
        listing = window.library_panel.sample_button
    else:
        listing = window.library_panel.table
    out = [listing, window.search_field, window.reader_view]
    if window.side_tabs.isVisible():
        out.append(window.side_tabs.currentWidget())
    return out


def cycle_panes(window: MainWindow, step: int = 1) -> None:
    """Focus the next (``step`` 1) or previous (-1) pane after the focused one."""
    order = window.panes()
    focused = QApplication.focusWidget()
    current = -1
    for i, pane in enumerate(order):
        if focused is not None and (focused is pane or pane.isAncestorOf(focused)):
            current = i
            break
    target = order[(current + step) % len(order)] if current >= 0 else order[0]
    if target is window.library_panel.table:
        window.library_panel.focus_list()
    else:
        target.setFocus(
            Qt.FocusReason.TabFocusReason if step > 0 else Qt.FocusReason.BacktabFocusReason
        )
