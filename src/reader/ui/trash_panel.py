"""The Trash: removed articles, with their highlights, until restored or emptied.

Removing an article moves it here (Ctrl+Z undoes it); the Trash is emptied by the
user or, for each article, 30 days after it was removed. The panel only emits
intents; the main window asks the library and announces the change.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.model import ArticleSummary
from reader.ui.library_model import short_date

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def confirm(parent: QWidget, title: str, text: str, accept: str) -> bool:
    """Ask a yes/no question whose text is shown exactly as given.

    The text is plain, never HTML: article titles with ``&`` or quotes were shown as
    ``&amp;`` and ``&#x27;`` when they were escaped for a box that then chose plain text.
    """
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    yes = box.addButton(accept, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is yes


class TrashPanel(QWidget):
    """The articles in the Trash, newest removal first.

    Signals:
        restore_requested(object): ``list[int]`` of article ids to bring back.
        delete_requested(object): ``list[int]`` to delete for good (after asking).
        empty_requested(): delete everything in the Trash for good (after asking).
        back_requested(): show the library again.
    """

    restore_requested = Signal(object)
    delete_requested = Signal(object)
    empty_requested = Signal()
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trashPanel")
        self.setAccessibleName("Trash")
        title = QLabel("Trash", self)
        title.setObjectName("trashTitle")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        self.back_button = QPushButton("← Library", self)
        self.back_button.setAccessibleName("Back to the library")
        self.back_button.clicked.connect(self.back_requested)
        self.hint = QLabel(
            "Removed articles wait here with their highlights and notes for 30 days.", self
        )
        self.hint.setWordWrap(True)
        self.hint.setProperty("muted", True)

        self.list = QTreeWidget(self)
        self.list.setObjectName("trashList")
        self.list.setAccessibleName("Articles in the Trash")
        self.list.setHeaderLabels(["Title", "Removed"])
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.list.itemActivated.connect(lambda *_: self._restore())

        self.restore_button = QPushButton("&Restore", self)
        self.restore_button.setAccessibleName("Restore the selected articles")
        self.restore_button.clicked.connect(self._restore)
        self.delete_button = QPushButton("&Delete for Good…", self)
        self.delete_button.setAccessibleName("Delete the selected articles for good")
        self.delete_button.clicked.connect(self._delete)
        self.empty_button = QPushButton("&Empty Trash…", self)
        self.empty_button.setAccessibleName("Empty the Trash")
        self.empty_button.clicked.connect(self.empty_requested)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.back_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.empty_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    def set_articles(self, articles: Sequence[ArticleSummary], trashed_at: dict[int, str]) -> None:
        """Show ``articles``; ``trashed_at`` maps an id to when it was removed."""
        chosen = set(self.selected_ids())
        self.list.clear()
        for s in articles:
            when = trashed_at.get(s.id, "")
            item = QTreeWidgetItem([s.title, short_date(when)])
            item.setData(0, ID_ROLE, s.id)
            item.setToolTip(0, s.title + (f"\n{s.site_name}" if s.site_name else ""))
            item.setToolTip(1, when)
            self.list.addTopLevelItem(item)
            item.setSelected(s.id in chosen)
        self.empty_button.setEnabled(bool(articles))
        self.hint.setText(
            "Removed articles wait here with their highlights and notes for 30 days."
            if articles
            else "The Trash is empty."
        )
        self._update_buttons()

    def ids(self) -> list[int]:
        return [
            int(self.list.topLevelItem(i).data(0, ID_ROLE))
            for i in range(self.list.topLevelItemCount())
        ]

    def selected_ids(self) -> list[int]:
        return [int(item.data(0, ID_ROLE)) for item in self.list.selectedItems()]

    def select(self, ids: Sequence[int]) -> None:
        wanted = set(ids)
        for i in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(i)
            item.setSelected(int(item.data(0, ID_ROLE)) in wanted)

    def _update_buttons(self) -> None:
        any_selected = bool(self.list.selectedItems())
        self.restore_button.setEnabled(any_selected)
        self.delete_button.setEnabled(any_selected)

    def _restore(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.restore_requested.emit(ids)

    def _delete(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.delete_requested.emit(ids)
