"""The annotations panel: the colour legend, the article's note, and its highlights.

Highlights are listed in reading order with a colour bar, the quoted passage, the note
(Markdown, rendered) and the tags. Highlights whose passage is no longer in the article
(it was re-imported with that text edited away) are never dropped: they are listed
under "Not found in the current text", with their quote and note.

Keyboard: Enter jumps to the passage, Del deletes, F2 edits the note and tags,
Ctrl+C copies the highlight as a Markdown quote with its source, the Menu key opens
the context menu (recolour and the rest). In the legend, F2 or a double click edits
what a colour means.

All changes go through the :class:`~reader.ui.highlighting.HighlightController`, so they
are undoable and committed before the panel shows them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.errors import MarginError
from reader.ui.annotation_filters import ChangedBar, HighlightFilters
from reader.ui.annotations_list import (
    ORPHANS_HEADER,
    AnnotationDelegate,
    AnnotationsModel,
    ChangedRole,
    ColorNameRole,
    HeaderRole,
    HtmlRole,
    LegendList,
    OrphanRole,
    RangeRole,
    UuidRole,
)

# The list's parts live in annotations_list; these names are used from here too.
__all__ = [
    "ORPHANS_HEADER",
    "AnnotationDelegate",
    "AnnotationsPanel",
    "HeaderRole",
    "HtmlRole",
    "OrphanRole",
    "UuidRole",
]
from reader.ui.highlight_palette import COLOR_NAMES, color_label, swatch_icon
from reader.ui.highlighting import HighlightController

NOTE_SAVE_DELAY_MS = 500


class AnnotationsPanel(QWidget):
    """The legend, the article note and the highlight list for the current article.

    Signals:
        jump_requested(int, int): a highlight was activated; its (start, end) in the
            article text. The panel has already asked the controller to scroll there.
        note_saved(int): the article note of this article id was committed.
    """

    jump_requested = Signal(int, int)
    note_saved = Signal(int)

    def __init__(self, controller: HighlightController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotationsPanel")
        self.setAccessibleName("Annotations")
        self.controller = controller
        self.library = controller.library
        self._note_article_id = -1
        self._saved_note = ""
        self._loading_note = False

        legend_title = QLabel("Colours")
        legend_title.setProperty("muted", True)
        self.legend = LegendList(self)
        self.legend.meaning_edited.connect(controller.set_meaning)
        # Editing a meaning by double-click alone was never found: a visible button too.
        self.edit_meanings_button = QToolButton(self)
        self.edit_meanings_button.setObjectName("editMeanings")
        # The menu's arrow is part of the text: Qt draws a pop-up button's own arrow in
        # its corner, over the last letters of a text button ("meanings" lost its "s").
        self.edit_meanings_button.setText("✎ Edit meanings ▾")
        self.edit_meanings_button.setStyleSheet("QToolButton::menu-indicator { image: none; }")
        self.edit_meanings_button.setAutoRaise(True)
        self.edit_meanings_button.setAccessibleName("Edit what the colours mean")
        self.edit_meanings_button.setToolTip(
            "Rename what a colour means (also: double-click a colour, or F2)"
        )
        self.edit_meanings_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.edit_meanings_button.setMenu(self._meanings_menu())

        self.filters = HighlightFilters(self)
        self.filters.set_meanings(controller.meanings())
        self.filters.changed.connect(self._apply_filter)
        self.color_filter, self.tag_filter = self.filters.color, self.filters.tag

        note_title = QLabel("&Article note")
        self.note_status = QLabel("")
        self.note_status.setObjectName("articleNoteStatus")
        self.note_status.setProperty("muted", True)
        self.note_status.setAccessibleName("Article note status")
        self.article_note = QPlainTextEdit(self)
        self.article_note.setObjectName("articleNote")
        self.article_note.setAccessibleName("Article note (Markdown)")
        self.article_note.setPlaceholderText("Notes on the whole article (Markdown)…")
        self.article_note.setTabChangesFocus(True)
        self.article_note.setMaximumHeight(110)
        note_title.setBuddy(self.article_note)
        self._note_timer = QTimer(self, singleShot=True, interval=NOTE_SAVE_DELAY_MS)
        self._note_timer.timeout.connect(self.flush)
        self.article_note.textChanged.connect(self._on_note_edited)
        self.article_note.installEventFilter(self)

        self.count_label = QLabel("")
        self.count_label.setObjectName("highlightCount")
        self.count_label.setProperty("muted", True)
        self.model = AnnotationsModel(self)
        self.list = QListView(self)
        self.list.setObjectName("annotationsList")
        self.list.setAccessibleName("Highlights")
        self.list.setModel(self.model)
        self.list.setItemDelegate(AnnotationDelegate(self.list))
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._show_context_menu)
        self.list.activated.connect(self._on_activated)
        self.list.selectionModel().currentChanged.connect(lambda *_: self._show_changed_bar())
        self.changed_bar = ChangedBar(self)
        self.changed_bar.accept_requested.connect(self.accept_new_text)
        self.changed_bar.keep_requested.connect(self.keep_old_text)
        self.accept_new_button = self.changed_bar.accept_button
        self.keep_old_button = self.changed_bar.keep_button
        self.list.clicked.connect(self._on_activated)
        self._empty_text = (
            "No highlights yet. Select text in the article and press Ctrl+H, "
            "or right-click it and choose Highlight."
        )
        self.empty_label = QLabel(self._empty_text)
        self.empty_label.setObjectName("annotationsEmpty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setProperty("muted", True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignTop)

        self.edit_action = self._list_action(
            "&Edit Note and Tags…", QKeySequence(Qt.Key.Key_F2), self.edit_current
        )
        self.copy_action = self._list_action(
            "&Copy as Markdown Quote",
            QKeySequence(QKeySequence.StandardKey.Copy),
            self.copy_current,
        )
        self.delete_action = self._list_action(
            "&Delete Highlight", QKeySequence(QKeySequence.StandardKey.Delete), self.delete_current
        )
        self.jump_action = self._list_action("&Go to Passage", QKeySequence(), self.jump_current)

        note_row = QHBoxLayout()
        note_row.addWidget(note_title)
        note_row.addStretch(1)
        note_row.addWidget(self.note_status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.setSpacing(4)
        legend_row = QHBoxLayout()
        legend_row.addWidget(legend_title)
        legend_row.addStretch(1)
        legend_row.addWidget(self.edit_meanings_button)
        layout.addLayout(legend_row)
        layout.addWidget(self.legend)
        layout.addLayout(note_row)
        layout.addWidget(self.article_note)
        layout.addSpacing(4)
        layout.addWidget(self.filters)
        layout.addWidget(self.count_label)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.changed_bar)
        layout.addWidget(self.empty_label, 1)

        controller.annotations_reloaded.connect(self._reload)
        controller.article_changed.connect(self._on_article_changed)
        controller.meanings_changed.connect(self._on_meanings_changed)
        controller.revealed.connect(self.select)
        self.legend.set_meanings(controller.meanings())
        self._on_article_changed(controller.article_id)
        self._reload()

    def _list_action(self, text: str, shortcut: QKeySequence, slot: Any) -> QAction:
        action = QAction(text, self.list)
        action.setShortcut(shortcut)
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        self.list.addAction(action)
        return action

    # --- the list --------------------------------------------------------------------------

    def _reload(self) -> None:
        current = self.current_uuid()
        self.model.set_annotations(self.controller.anchored, self.controller.meanings())
        if not self.filters.set_tags(self.model.tags()):  # the tag chosen is gone
            self.model.set_filter(self.filters.chosen[0], "")
        self._show_counts()
        if current:
            self.select(current)
        self._show_changed_bar()

    def _show_counts(self) -> None:
        count = self.model.highlight_count()
        total = self.model.total_count()
        has_article = self.controller.article_id >= 0
        text = f"{total} highlight{'s' if total != 1 else ''}" if has_article and total else ""
        if count != total:
            text = f"{count} of {text}"
        self.count_label.setText(text)
        self.list.setVisible(count > 0)
        filtered = any(self.filters.chosen)
        self.empty_label.setText(
            "No highlight matches the filter." if filtered and total else self._empty_text
        )
        self.empty_label.setVisible(has_article and count == 0)
        self.filters.show_for(total)

    # --- filters ---------------------------------------------------------------------------

    def set_filter(self, color: str = "", tag: str = "") -> None:
        """Choose the filters as the user would (tests, a future "show red" command)."""
        self.filters.choose(color, tag)

    def _apply_filter(self, color: str, tag: str) -> None:
        self.model.set_filter(color, tag)
        self._show_counts()

    def _meanings_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.setObjectName("meaningsMenu")
        menu.aboutToShow.connect(lambda: self._fill_meanings_menu(menu))
        return menu

    def _fill_meanings_menu(self, menu: QMenu) -> None:
        menu.clear()
        meanings = self.controller.meanings()
        for name in COLOR_NAMES:
            action = menu.addAction(
                swatch_icon(name), f"{color_label(name, meanings.get(name, ''))}…"
            )
            action.setObjectName(f"edit-meaning-{name}")
            action.triggered.connect(lambda _=False, n=name: self.edit_meaning(n))

    def edit_meaning(self, color: str) -> None:
        """Start editing what ``color`` means, in place in the legend."""
        item = self.legend.item_for(color)
        if item is not None:
            self.legend.setCurrentItem(item)
            self.legend.setFocus(Qt.FocusReason.OtherFocusReason)
            self.legend.editItem(item)

    def current_uuid(self) -> str:
        index = self.list.currentIndex()
        return index.data(UuidRole) or "" if index.isValid() else ""

    def select(self, uuid: str) -> None:
        """Make a highlight the current row (e.g. after a search result revealed it)."""
        row = self.model.row_of(uuid)
        if row >= 0:
            index = self.model.index(row)
            self.list.setCurrentIndex(index)
            self.list.scrollTo(index)

    def _on_activated(self, index: QModelIndex) -> None:
        if not index.isValid() or index.data(HeaderRole):
            return
        rng = index.data(RangeRole)
        if rng is None:
            self.controller.message.emit("This passage is not in the current text of the article")
            return
        self.controller.jump_to(index.data(UuidRole))
        self.jump_requested.emit(rng[0], rng[1])

    def jump_current(self) -> None:
        self._on_activated(self.list.currentIndex())

    def edit_current(self) -> None:
        uuid = self.current_uuid()
        if uuid:
            self.controller.open_note_editor(uuid)

    def copy_current(self) -> None:
        uuid = self.current_uuid()
        if uuid:
            self.controller.copy_markdown(uuid)

    def delete_current(self) -> None:
        uuid = self.current_uuid()
        if not uuid:
            return
        row = self.list.currentIndex().row()
        self.controller.delete(uuid)
        # Keep the keyboard user's place: the next highlight becomes current.
        for candidate in (row, row - 1):
            index = self.model.index(candidate)
            if index.isValid() and not index.data(HeaderRole):
                self.list.setCurrentIndex(index)
                break

    # --- highlights whose words changed ---------------------------------------------------

    def _show_changed_bar(self) -> None:
        index = self.list.currentIndex()
        self.changed_bar.setVisible(index.isValid() and index.data(ChangedRole) is not None)

    def accept_new_text(self) -> None:
        self._resolve_change(self.library.accept_new_text, "The highlight now has the new text")

    def keep_old_text(self) -> None:
        self._resolve_change(self.library.keep_old_text, "Kept your words for this highlight")

    def _resolve_change(self, action: Any, done: str) -> None:
        uuid = self.current_uuid()
        if not uuid:
            return
        try:
            action(uuid)
        except MarginError as exc:
            self.controller.message.emit(str(exc))
            return
        self.controller.refresh()
        self.controller.message.emit(done)
        self._show_changed_bar()

    def build_context_menu(self, index: QModelIndex) -> QMenu | None:
        if not index.isValid() or index.data(HeaderRole):
            return None
        uuid = index.data(UuidRole)
        menu = QMenu(self)
        menu.setObjectName("annotationContextMenu")
        jump = menu.addAction(self.jump_action.text())
        jump.setEnabled(index.data(RangeRole) is not None)
        jump.triggered.connect(self.jump_current)
        recolor = menu.addMenu("Colour")
        recolor.setObjectName("annotationRecolorMenu")
        meanings = self.controller.meanings()
        current = index.data(ColorNameRole)
        for name in COLOR_NAMES:
            action = recolor.addAction(swatch_icon(name), color_label(name, meanings.get(name, "")))
            action.setObjectName(f"recolor-{name}")
            action.setCheckable(True)
            action.setChecked(name == current)
            action.triggered.connect(lambda _=False, n=name: self.controller.recolor(uuid, n))
        menu.addAction(self.edit_action)
        menu.addAction(self.copy_action)
        if index.data(ChangedRole) is not None:
            menu.addSeparator()
            menu.addAction("Use the New Text", self.accept_new_text)
            menu.addAction("Keep My Words", self.keep_old_text)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        return menu

    def _show_context_menu(self, pos: QPoint) -> None:
        index = self.list.indexAt(pos)
        if index.isValid():
            self.list.setCurrentIndex(index)
        menu = self.build_context_menu(index)
        if menu is not None:
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            menu.popup(self.list.viewport().mapToGlobal(pos))

    def _on_meanings_changed(self) -> None:
        meanings = self.controller.meanings()
        self.legend.set_meanings(meanings)
        self.model.set_meanings(meanings)
        self.filters.set_meanings(meanings)

    # --- the article note ------------------------------------------------------------------

    def _on_article_changed(self, article_id: int) -> None:
        self.flush()  # the previous article's note, before the editor shows another
        self._note_article_id = article_id
        text = ""
        if article_id >= 0:
            try:
                text = self.library.article_note(article_id)
            except MarginError:
                text = ""
        self._loading_note = True
        try:
            self.article_note.setPlainText(text)
        finally:
            self._loading_note = False
        self._saved_note = text
        self.article_note.setEnabled(article_id >= 0)
        self.note_status.setText("")

    def _on_note_edited(self) -> None:
        if self._loading_note or self._note_article_id < 0:
            return
        if self.article_note.toPlainText() != self._saved_note:
            self.note_status.setText("Editing…")
            self._note_timer.start()

    def flush(self) -> bool:
        """Commit a pending article-note edit now; True when nothing is left unsaved.

        Called after a pause in typing, on focus-out, on article change, and by the
        window before it closes.
        """
        self._note_timer.stop()
        if self._note_article_id < 0:
            return True
        text = self.article_note.toPlainText()
        if text == self._saved_note:
            return True
        try:
            self.library.set_article_note(self._note_article_id, text)
        except MarginError as exc:
            self.note_status.setText("Not saved")
            self.note_status.setToolTip(str(exc))
            self.controller.message.emit(f"Could not save the article note: {exc}")
            return False
        self._saved_note = text
        self.note_status.setText("Saved")
        self.note_status.setToolTip("")
        self.note_saved.emit(self._note_article_id)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.article_note and event.type() == QEvent.Type.FocusOut:
            self.flush()
        return False
