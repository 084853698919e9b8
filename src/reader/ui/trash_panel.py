"""The Trash: removed articles, with their highlights, until restored or emptied.

Removing an article moves it here (Ctrl+Z undoes it); the Trash is emptied by the
user or, for each article, 30 days after it was removed. The panel only emits
intents; the main window asks the library and announces the change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.library import TRASH_DAYS
from reader.core.model import ArticleSummary
from reader.ui.events import LibraryEvents
from reader.ui.library_model import short_date
from reader.ui.message_boxes import confirm

if TYPE_CHECKING:
    from reader.core.library import Library

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _short(title: str, limit: int = 60) -> str:
    """A title for a status line or an undo step: long ones cut in the middle."""
    return title if len(title) <= limit else f"{title[: limit // 2 - 1]}…{title[-limit // 2 :]}"


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

    def set_articles(self, articles: Sequence[ArticleSummary]) -> None:
        """Show ``articles`` (summaries of articles in the Trash)."""
        chosen = set(self.selected_ids())
        self.list.clear()
        for s in articles:
            when = s.trashed_at
            item = QTreeWidgetItem([s.title, short_date(when)])
            item.setData(0, ID_ROLE, s.id)
            lines = [s.title, s.site_name]
            if s.highlight_count:
                n = s.highlight_count
                lines.append(f"{n} highlight{'s' if n != 1 else ''} wait with it")
            item.setToolTip(0, "\n".join(x for x in lines if x))
            item.setToolTip(1, when)
            self.list.addTopLevelItem(item)
            item.setSelected(s.id in chosen)
        # The row the list outlines as current is one Enter and the buttons act on: it
        # was the first row, unselected, outlined while Enter did nothing.
        selected, rows = self.list.selectedItems(), self._items()
        if selected:
            self.list.setCurrentItem(selected[0], 0, QItemSelectionModel.SelectionFlag.NoUpdate)
        elif rows:
            self.list.setCurrentItem(rows[0])
        self.empty_button.setEnabled(bool(articles))
        self.hint.setText(
            "Removed articles wait here with their highlights and notes for 30 days."
            if articles
            else "The Trash is empty."
        )
        self._update_buttons()

    def ids(self) -> list[int]:
        return [int(item.data(0, ID_ROLE)) for item in self._items()]

    def selected_ids(self) -> list[int]:
        return [int(item.data(0, ID_ROLE)) for item in self.list.selectedItems()]

    def select(self, ids: Sequence[int]) -> None:
        wanted = set(ids)
        for item in self._items():
            item.setSelected(int(item.data(0, ID_ROLE)) in wanted)

    def _items(self) -> list[QTreeWidgetItem]:
        rows = (self.list.topLevelItem(i) for i in range(self.list.topLevelItemCount()))
        return [item for item in rows if item is not None]

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


class TrashCommand(QUndoCommand):
    """Moving articles to the Trash, as one step Ctrl+Z undoes."""

    def __init__(self, controller: TrashController, ids: list[int], text: str) -> None:
        super().__init__(text)
        self._controller = controller
        self._ids = ids

    def redo(self) -> None:
        self._controller.library.trash(self._ids)
        self._controller.events.article_ids_changed(self._ids)

    def undo(self) -> None:
        self._controller.library.restore_from_trash(self._ids)
        self._controller.events.article_ids_changed(self._ids)
        self._controller.restored.emit(self._ids)


class TrashController(QObject):
    """Moves articles to the Trash (undoable), restores them, empties the Trash.

    Every change is announced on the :class:`~reader.ui.events.LibraryEvents` bus; the
    window wires :meth:`reload` to it like any other listener.

    Signals:
        message(str): a status line ("Moved … to the Trash. Ctrl+Z brings it back.").
        restored(object): ``list[int]`` of articles back from the Trash (open one).
        count_changed(int): how many articles are in the Trash now.
    """

    message = Signal(str)
    restored = Signal(object)
    count_changed = Signal(int)

    def __init__(
        self,
        library: Library,
        events: LibraryEvents,
        undo_stack: QUndoStack,
        panel: TrashPanel,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.events = events
        self.undo_stack = undo_stack
        self.panel = panel
        self._window = parent
        panel.restore_requested.connect(self.restore)
        panel.delete_requested.connect(self.delete_for_good)
        panel.empty_requested.connect(self.empty)
        self.reload()

    def reload(self) -> None:
        trashed = self.library.trashed()
        self.panel.set_articles(trashed)
        self.count_changed.emit(len(trashed))

    def move_to_trash(self, article_id: int, *, ask: bool = True) -> bool:
        """Move one article (and its highlights) to the Trash; Ctrl+Z undoes it."""
        article = self.library.article(article_id)
        count = len(self.library.annotations(article_id))
        with_highlights = (
            f" with its {count} highlight{'s' if count != 1 else ''} and notes" if count else ""
        )
        if ask and not confirm(
            self._window,
            "Move to Trash",
            f"Move “{article.title}” to the Trash{with_highlights}?\n\n"
            f"You can restore it from the Trash for {TRASH_DAYS} days, or undo with Ctrl+Z.",
            "Move to Trash",
        ):
            return False
        title = _short(article.title)
        self.undo_stack.push(TrashCommand(self, [article_id], f"Move “{title}” to Trash"))
        self.message.emit(f"Moved “{title}” to the Trash. Ctrl+Z brings it back.")
        return True

    def restore(self, ids: list[int]) -> None:
        restored = self.library.restore_from_trash(ids)
        self.events.article_ids_changed(ids)
        self.message.emit(f"Restored {restored} article{'s' if restored != 1 else ''}.")
        self.restored.emit(list(ids))

    def delete_for_good(self, ids: list[int]) -> bool:
        n = len(ids)
        if not confirm(
            self._window,
            "Delete for Good",
            f"Delete {n} article{'s' if n != 1 else ''} and {'its' if n == 1 else 'their'} "
            "highlights for good? This cannot be undone.",
            "Delete",
        ):
            return False
        self.library.remove(ids)
        self._forget_undo()
        self.events.article_ids_changed(ids)
        self.message.emit(f"Deleted {n} article{'s' if n != 1 else ''} for good.")
        return True

    def empty(self) -> bool:
        n = len(self.library.trashed())
        if not n or not confirm(
            self._window,
            "Empty Trash",
            f"Delete the {n} article{'s' if n != 1 else ''} in the Trash and their highlights "
            "for good? This cannot be undone.",
            "Empty Trash",
        ):
            return False
        self.library.empty_trash()
        self._forget_undo()
        self.events.anything_changed()
        self.message.emit("The Trash is empty.")
        return True

    def _forget_undo(self) -> None:
        # Undo steps may name articles that no longer exist at all.
        self.undo_stack.clear()
