"""The library list as a lazily loaded table model.

Rows come from ``Library.summaries`` a page at a time (``canFetchMore``/``fetchMore``),
so a library of 50,000 articles costs one count and one small query to show. Sorting
and filtering re-query: the database sorts, never Python.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from reader.core.library import Library, LibraryFilter
from reader.core.model import ArticleSummary

PAGE_SIZE = 200
ID_ROLE = Qt.ItemDataRole.UserRole + 1
READ_ROLE = Qt.ItemDataRole.UserRole + 2

# (header, sort key understood by Library.summaries)
COLUMNS: list[tuple[str, str]] = [
    ("Title", "title"),
    ("Site", "site"),
    ("Authors", "authors"),
    ("Published", "published"),
    ("Added", "added"),
    ("Highlights", "highlights"),
]
TITLE, SITE, AUTHORS, PUBLISHED, ADDED, HIGHLIGHTS = range(len(COLUMNS))
DEFAULT_SORT_COLUMN = PUBLISHED  # newest evidence first

Index = QModelIndex | QPersistentModelIndex


def short_date(value: str, *, long_month: bool = False) -> str:
    """``2024-03-05T10:00:00+00:00`` → ``5 Mar 2024`` (``5 March 2024`` with
    ``long_month``; as stored, if unparsable). The one date format the window shows."""
    if not value:
        return ""
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return value[:10]
    return f"{stamp.day} {stamp.strftime('%B %Y' if long_month else '%b %Y')}"


def authors_text(authors: list[str]) -> str:
    if len(authors) > 2:
        return f"{authors[0]} et al."
    return ", ".join(authors)


class LibraryModel(QAbstractTableModel):
    """Article summaries, loaded on demand in pages of ``PAGE_SIZE``."""

    def __init__(self, library: Library, parent: Any = None) -> None:
        super().__init__(parent)
        self._library = library
        self._filter = LibraryFilter()
        self._sort_column = DEFAULT_SORT_COLUMN
        self._descending = True
        self._rows: list[ArticleSummary] = []
        self._row_of_id: dict[int, int] = {}
        self._total = 0
        self._bold = QFont()
        self._bold.setBold(True)
        self._reload()

    # --- state -------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        """How many articles match the filter (loaded or not)."""
        return self._total

    @property
    def filter(self) -> LibraryFilter:
        return self._filter

    def set_filter(self, filt: LibraryFilter) -> None:
        self._filter = filt
        self.refresh()

    def refresh(self) -> None:
        """Re-query from the first page (after imports, filter or sort changes)."""
        self.beginResetModel()
        self._reload()
        self.endResetModel()

    def _reload(self) -> None:
        self._total = self._library.count(self._filter)
        self._rows = []
        self._row_of_id = {}
        self._append(self._fetch(0))

    def _fetch(self, offset: int) -> list[ArticleSummary]:
        return self._library.summaries(
            self._filter,
            sort=COLUMNS[self._sort_column][1],
            descending=self._descending,
            offset=offset,
            limit=PAGE_SIZE,
        )

    def _append(self, rows: list[ArticleSummary]) -> None:
        start = len(self._rows)
        self._rows.extend(rows)
        for i, row in enumerate(rows, start):
            self._row_of_id[row.id] = i

    def summary(self, row: int) -> ArticleSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, article_id: int) -> int | None:
        """The row of an article if it is loaded."""
        return self._row_of_id.get(article_id)

    def set_read(self, article_id: int, is_read: bool) -> None:
        """Reflect a read-state change without re-querying."""
        row = self.row_of(article_id)
        if row is None or self._rows[row].is_read == is_read:
            return
        self._rows[row].is_read = is_read
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # --- Qt model interface --------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        rows = self._fetch(len(self._rows))
        if not rows:
            self._total = len(self._rows)  # the library shrank meanwhile
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._append(rows)
        self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section][0]
            if role == Qt.ItemDataRole.TextAlignmentRole and section == HIGHLIGHTS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        s = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(s, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == TITLE:
                return s.title + ("" if s.is_read else "  (unread)")
            if col == AUTHORS:
                return ", ".join(s.authors)
            return None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = self._display(s, col)
            return f"{text}, unread" if col == TITLE and not s.is_read else text
        if role == Qt.ItemDataRole.FontRole and not s.is_read:
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and col == HIGHLIGHTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return s.id
        if role == READ_ROLE:
            return s.is_read
        return None

    @staticmethod
    def _display(s: ArticleSummary, col: int) -> str:
        if col == TITLE:
            return s.title
        if col == SITE:
            return s.site_name
        if col == AUTHORS:
            return authors_text(s.authors)
        if col == PUBLISHED:
            return short_date(s.published)
        if col == ADDED:
            return short_date(s.added)
        if col == HIGHLIGHTS:
            return str(s.highlight_count) if s.highlight_count else ""
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.refresh()

    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        order = Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder
        return self._sort_column, order
