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
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.errors import MarginError
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
from reader.ui.highlighting import (
    COLOR_NAMES,
    HighlightController,
    color_label,
    swatch_icon,
)

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
        self.edit_meanings_button.setText("✎ Edit meanings")
        self.edit_meanings_button.setAutoRaise(True)
        self.edit_meanings_button.setAccessibleName("Edit what the colours mean")
        self.edit_meanings_button.setToolTip(
            "Rename what a colour means (also: double-click a colour, or F2)"
        )
        self.edit_meanings_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.edit_meanings_button.setMenu(self._meanings_menu())

        self.color_filter = QComboBox(self)
        self.color_filter.setObjectName("highlightColorFilter")
        self.color_filter.setAccessibleName("Show highlights of colour")
        self.color_filter.setToolTip("Show only highlights of one colour")
        self.tag_filter = QComboBox(self)
        self.tag_filter.setObjectName("highlightTagFilter")
        self.tag_filter.setAccessibleName("Show highlights with tag")
        self.tag_filter.setToolTip("Show only highlights with one tag")
        for combo in (self.color_filter, self.tag_filter):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            combo.currentIndexChanged.connect(self._apply_filter)
        self._fill_color_filter(controller.meanings())

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
        self.changed_bar = self._make_changed_bar()
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
        filter_row = QHBoxLayout()
        filter_row.setSpacing(4)
        filter_row.addWidget(self.color_filter, 1)
        filter_row.addWidget(self.tag_filter, 1)
        layout.addLayout(filter_row)
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
        self._fill_tag_filter()
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
        filtered = bool(self.color_filter.currentData() or self.tag_filter.currentData())
        self.empty_label.setText(
            "No highlight matches the filter." if filtered and total else self._empty_text
        )
        self.empty_label.setVisible(has_article and count == 0)
        for combo in (self.color_filter, self.tag_filter):
            combo.setVisible(total > 0 and (combo.count() > 2 or bool(combo.currentData())))

    # --- filters ---------------------------------------------------------------------------

    def _fill_color_filter(self, meanings: dict[str, str]) -> None:
        chosen = self.color_filter.currentData() or ""
        self.color_filter.blockSignals(True)
        self.color_filter.clear()
        self.color_filter.addItem("All colours", "")
        for name in COLOR_NAMES:
            self.color_filter.addItem(
                swatch_icon(name), color_label(name, meanings.get(name, "")), name
            )
        self.color_filter.setCurrentIndex(max(0, self.color_filter.findData(chosen)))
        self.color_filter.blockSignals(False)

    def _fill_tag_filter(self) -> None:
        chosen = str(self.tag_filter.currentData() or "")
        tags = self.model.tags()
        self.tag_filter.blockSignals(True)
        self.tag_filter.clear()
        self.tag_filter.addItem("All tags", "")
        for tag in tags:
            self.tag_filter.addItem(f"#{tag}", tag)
        found = next(
            (i for i, t in enumerate(tags, start=1) if t.casefold() == chosen.casefold()), 0
        )
        self.tag_filter.setCurrentIndex(found)
        self.tag_filter.blockSignals(False)
        if chosen and not found:  # the tag is gone from this article: show everything
            self.model.set_filter(self.color_filter.currentData() or "", "")

    def set_filter(self, color: str = "", tag: str = "") -> None:
        """Choose the filters as the user would (tests, a future "show red" command)."""
        self.color_filter.setCurrentIndex(max(0, self.color_filter.findData(color)))
        index = next(
            (
                i
                for i in range(self.tag_filter.count())
                if str(self.tag_filter.itemData(i) or "").casefold() == tag.casefold()
            ),
            0,
        )
        self.tag_filter.setCurrentIndex(index)

    def _apply_filter(self) -> None:
        self.model.set_filter(
            self.color_filter.currentData() or "", self.tag_filter.currentData() or ""
        )
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

    def _make_changed_bar(self) -> QFrame:
        bar = QFrame(self)
        bar.setObjectName("changedBar")
        bar.setFrameShape(QFrame.Shape.StyledPanel)
        self.changed_label = QLabel(
            "The article changed under this highlight. Use the new words, or keep yours "
            "(it is then listed as not found).",
            bar,
        )
        self.changed_label.setWordWrap(True)
        self.accept_new_button = QPushButton("Use the &New Text", bar)
        self.accept_new_button.setAccessibleName("Use the article's new text for this highlight")
        self.accept_new_button.clicked.connect(self.accept_new_text)
        self.keep_old_button = QPushButton("&Keep My Words", bar)
        self.keep_old_button.setAccessibleName("Keep the words you highlighted")
        self.keep_old_button.clicked.connect(self.keep_old_text)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_new_button)
        buttons.addWidget(self.keep_old_button)
        buttons.addStretch(1)
        box = QVBoxLayout(bar)
        box.setContentsMargins(6, 4, 6, 4)
        box.addWidget(self.changed_label)
        box.addLayout(buttons)
        bar.hide()
        return bar

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
        self._fill_color_filter(meanings)

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
