"""The window's layout between runs: its geometry, the pane splitter and the library
table's columns and sort, kept in the ``Settings``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.ui import settings as keys

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow


def restore_window_state(window: MainWindow) -> None:
    settings = window.settings
    geometry = settings.bytes_value(keys.GEOMETRY)
    if geometry is None or not window.restoreGeometry(geometry):
        window.resize(1280, 820)
    state = settings.bytes_value(keys.SPLITTER)
    if state is not None:
        window.splitter.restoreState(state)
    header = settings.bytes_value(keys.LIBRARY_HEADER)
    if header is not None:
        panel = window.library_panel
        panel.table.horizontalHeader().restoreState(header)
        panel.fit_date_columns()
        # The sort shown by the header is the sort the model uses.
        h = panel.table.horizontalHeader()
        panel.model.sort(h.sortIndicatorSection(), h.sortIndicatorOrder())


def save_window_state(window: MainWindow) -> None:
    """Store the layout, theme and text size, and write the settings out."""
    settings = window.settings
    settings.set_bytes(keys.GEOMETRY, window.saveGeometry())
    settings.set_bytes(keys.SPLITTER, window.splitter.saveState())
    settings.set_bytes(
        keys.LIBRARY_HEADER, window.library_panel.table.horizontalHeader().saveState()
    )
    article = window.reader_view.article
    settings.set_last_article(str(window.library.root), article.id if article else None)
    settings.theme = window.theme.name
    settings.font_size = window.reader_view.font_size
    settings.sync()
