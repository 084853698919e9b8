"""Highlighting in the reading view: create, paint, recolour, annotate, undo.

:class:`HighlightController` sits between a :class:`~reader.ui.reader.ReaderView`
and the :class:`~reader.core.library.Library`. The reader highlights the selected
text from the view's context menu, from a small floating toolbar beside a selection
made with the mouse, or with **Ctrl+H** / **Ctrl+Shift+H** (the menu, the toolbar and
the keys are in :mod:`reader.ui.highlight_menus`; colours are drawn by
:mod:`reader.ui.highlight_palette`). With nothing selected the keys highlight the find
bar's current match: the keyboard's way to pick text (:meth:`follow_find_bar`).

Highlights are painted by the page with the CSS Custom Highlight API (one highlight
per colour, a dotted underline for notes): the article's stored HTML never changes.

Every change is a :class:`QUndoCommand` on :attr:`HighlightController.undo_stack` (see
:mod:`reader.ui.highlight_undo`). The change is committed to SQLite through the library
*first*; only then is the command pushed and the view and panel repainted, so what the
user sees as saved is saved. Undo and redo save whole annotation states
(``Library.save_annotation`` is an insert-or-replace), with a fresh ``modified`` time
so merges treat them as edits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QMenu, QToolTip

from reader.core import highlight_colors
from reader.core.errors import MarginError
from reader.core.library import AnchoredAnnotations, Library
from reader.core.model import Annotation, now_iso
from reader.ui import highlight_menus
from reader.ui.highlight_copy import copy_quote, copy_range
from reader.ui.highlight_menus import HIGHLIGHT_SHORTCUT, NOTE_SHORTCUT, SelectionToolbar
from reader.ui.highlight_palette import COLOR_NAMES, highlight_class
from reader.ui.highlight_undo import AnnotationCommand, snapshot
from reader.ui.note_editor import NoteEditor, elide
from reader.ui.reader import ReaderView

if TYPE_CHECKING:
    from reader.ui.find_bar import FindBar

LAYER = "highlights"
LAST_COLOR_SETTING = "last_highlight_color"


class HighlightController(QObject):
    """Highlights for whatever article the reading view shows.

    Signals:
        annotations_reloaded(): the current article's annotations were (re)loaded;
            read them from :attr:`anchored`.
        article_changed(int): the view shows an article (its id; -1 for none): another
            one, or the same one again after it changed.
        meanings_changed(): a colour's meaning was edited.
        revealed(str): :meth:`reveal` brought this annotation into view.
        open_article_requested(int): :meth:`reveal` needs this article shown first.
        message(str): a short status line ("Highlighted", or why a save failed).
        note_editor_opened(NoteEditor): a note editor was opened (tests, focus).
        context_menu_shown(QMenu): the view's context menu popped up.
    """

    annotations_reloaded = Signal()
    article_changed = Signal(int)
    meanings_changed = Signal()
    revealed = Signal(str)
    open_article_requested = Signal(int)
    message = Signal(str)
    note_editor_opened = Signal(object)
    context_menu_shown = Signal(object)

    def __init__(self, view: ReaderView, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent or view)
        self.view = view
        self.library = library
        self._meanings: dict[str, str] | None = None
        self.undo_stack = QUndoStack(self)
        self._anchored = AnchoredAnnotations()
        self._article_id = -1
        self._pending_reveal = ""
        self._note_editor: NoteEditor | None = None
        self._showing_tooltip = False
        self._find_bar: FindBar | None = None

        self.toolbar = SelectionToolbar(view)
        self.toolbar.color_chosen.connect(lambda name: self.highlight_selection(name))
        self.toolbar.note_requested.connect(self.highlight_selection_with_note)
        self.toolbar.copy_requested.connect(self.copy_selection_markdown)

        self.highlight_action = QAction("&Highlight Selection", self)
        self.highlight_action.setShortcut(HIGHLIGHT_SHORTCUT)
        self.highlight_action.setStatusTip("Highlight the selection, or else the Find match")
        self.highlight_action.triggered.connect(lambda: self.highlight_selection())
        self.note_action = QAction("Highlight with &Note…", self)
        self.note_action.setShortcut(NOTE_SHORTCUT)
        self.note_action.setStatusTip("Highlight the selection, or else the Find match; add a note")
        self.note_action.triggered.connect(self.highlight_selection_with_note)
        for action in (self.highlight_action, self.note_action):
            # Active while the view (or the toolbar inside it) has focus, so the keys
            # never fire on a selection the user cannot see.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            view.addAction(action)

        view.article_shown.connect(self._on_article_shown)
        view.selection_changed.connect(self._on_selection_changed)
        view.selection_finished.connect(self.show_toolbar_for_selection)
        view.mouse_pressed.connect(self.toolbar.hide)
        view.escape_pressed.connect(self.toolbar.hide)
        view.scrolled.connect(lambda: self.toolbar.hide_if_scrolled(self.view.scroll_y))
        view.customContextMenuRequested.connect(self.open_context_menu)
        view.mark_hovered.connect(self._show_tooltip)
        self._refresh_toolbar_labels()
        if view.article is not None and view.ready:
            self.refresh()

    # --- state ---------------------------------------------------------------------------

    @property
    def anchored(self) -> AnchoredAnnotations:
        """The current article's highlights on its text, and the orphans."""
        return self._anchored

    @property
    def article_id(self) -> int:
        return self._article_id

    @property
    def last_color(self) -> str:
        name = self.library.setting(LAST_COLOR_SETTING, COLOR_NAMES[0])
        return name if name in highlight_colors.DEFAULT_COLORS else COLOR_NAMES[0]

    def meanings(self) -> dict[str, str]:
        # Read once and cached: painting asks for it once per highlight.
        if self._meanings is None:
            self._meanings = highlight_colors.meanings(self.library)
        return dict(self._meanings)

    def set_meaning(self, color: str, meaning: str) -> None:
        """Edit what a colour means (shown in the legend, carried into exports)."""
        if meaning.strip() == self.meanings().get(color, ""):
            return
        highlight_colors.set_meaning(self.library, color, meaning)
        self._meanings = None
        self._refresh_toolbar_labels()
        self.meanings_changed.emit()

    def annotation_at(self, position: int) -> Annotation | None:
        """The highlight covering a page position in the view, if any."""
        if self.view.alignment is None or position < self.view.body_start:
            return None
        offset = self.view.position_to_article_offset(position)
        for annotation, start, end in reversed(self._anchored.anchored):
            if start <= offset < end:
                return annotation
        return None

    def find(self, uuid: str) -> tuple[Annotation, int, int] | None:
        for item in self._anchored.anchored:
            if item[0].uuid == uuid:
                return item
        return None

    def refresh(self) -> None:
        """Reload the current article's annotations (after imports, merges, removals)."""
        article = self.view.article
        article_id = article.id if article is not None else -1
        if article is None:
            self._anchored = AnchoredAnnotations()
        else:
            self._anchored = self.library.anchored_annotations(article.id)
        changed = article_id != self._article_id
        self._article_id = article_id
        self.paint()
        self.annotations_reloaded.emit()
        if changed:
            self.article_changed.emit(article_id)

    def paint(self) -> None:
        """Draw the highlights as the view's "highlights" layer; orphans are not drawn.

        The page paints each colour from a CSS variable, so theme changes need no repaint.
        """
        if self.view.article is None:
            self.view.set_mark_layer(LAYER, [])
            return
        marks: list[tuple[int, int, str]] = []
        for annotation, start, end in self._anchored.anchored:
            a, b = self.view.article_range_to_positions(start, end)
            marks.append((a, b, highlight_class(annotation.color)))
            if annotation.note.strip():
                # A dotted underline says "there is a note here" without a margin icon.
                marks.append((a, b, "hl-note"))
        self.view.set_mark_layer(LAYER, marks)

    def _show_tooltip(self, position: int, rect: QRect) -> None:
        """The hovered highlight's colour (and meaning), note and tags, under its line;
        the annotations panel lists the same for keyboard and screen-reader users."""
        annotation = self.annotation_at(position) if position >= 0 else None
        if annotation is None:
            if self._showing_tooltip:
                QToolTip.hideText()
            self._showing_tooltip = False
            return
        text = highlight_menus.tooltip_html(annotation, self.meanings().get(annotation.color, ""))
        QToolTip.showText(rect.bottomLeft(), text, self.view)
        self._showing_tooltip = True

    # --- creating --------------------------------------------------------------------------

    def follow_find_bar(self, find_bar: FindBar) -> None:
        """With nothing selected, the highlight keys take the find bar's current match.

        The view has no caret browsing, so Find is how a keyboard user picks text: Ctrl+F,
        type, Enter to the match, Ctrl+H. The keys work from the find field; the bar stays
        open (Enter, Ctrl+H: the next one; Esc closes) and the status bar names the text."""
        self._find_bar = find_bar
        for action in (self.highlight_action, self.note_action):
            find_bar.addAction(action)  # WidgetWithChildrenShortcut: the field counts too

    def highlight_selection(self, color: str | None = None) -> Annotation | None:
        """Highlight the view's selection, or without one the find bar's current match
        (``color`` or the last one used)."""
        rng = self.selected_range()
        found = self._find_match_range() if rng is None else None
        rng = rng or found
        article = self.view.article
        if rng is None or article is None:
            if self._find_bar is not None and self._find_bar.current_match() is not None:
                # The title, authors and date are found too, but are not the article's text.
                self.message.emit("Only the article's text can be highlighted, not its header")
            else:
                self.message.emit("Select some text, or find it with Ctrl+F, to highlight it")
            return None
        color = color if color in highlight_colors.DEFAULT_COLORS else self.last_color
        try:
            annotation = self.library.add_highlight(article.id, rng[0], rng[1], color=color)
        except MarginError as exc:
            self.message.emit(f"Could not save the highlight: {exc}")
            return None
        if color != self.last_color:
            self.library.set_setting(LAST_COLOR_SETTING, color)
            self._refresh_toolbar_labels()
        before = snapshot(annotation)
        before.removed = True
        self.undo_stack.push(AnnotationCommand(self, "Highlight", before, annotation))
        self.toolbar.hide()
        self._clear_selection()
        said = "Highlighted"
        if found is not None and self._find_bar is not None:
            quote = elide(annotation.quote.exact, 60)
            said = f"Highlighted \u201c{quote}\u201d (match {self._find_bar.current_label()})"
            self._find_bar.current_highlighted()
        self._changed(annotation.article_id, said)
        return annotation

    def _find_match_range(self) -> tuple[int, int] | None:
        match = self._find_bar.current_match() if self._find_bar is not None else None
        if match is None or self.view.article is None:
            return None
        return self.view.text_map.to_article_range(*match)  # page positions → offsets

    def highlight_selection_with_note(self) -> NoteEditor | None:
        """Highlight the selection, then open the note editor on the new highlight."""
        annotation = self.highlight_selection()
        if annotation is None:
            return None
        return self.open_note_editor(annotation.uuid)

    # --- editing ---------------------------------------------------------------------------

    def recolor(self, uuid: str, color: str) -> None:
        if color not in highlight_colors.DEFAULT_COLORS:
            raise ValueError(f"unknown highlight colour {color!r}")
        self._edit(uuid, "Recolour highlight", lambda a: setattr(a, "color", color))

    def set_note(self, uuid: str, note: str) -> None:
        self._edit(uuid, "Edit note", lambda a: setattr(a, "note", note))

    def set_tags(self, uuid: str, tags: list[str]) -> None:
        self._edit(uuid, "Edit tags", lambda a: setattr(a, "tags", list(tags)))

    def set_note_and_tags(self, uuid: str, note: str, tags: list[str]) -> None:
        """One undo step for what one note-editor session changed."""
        current = self._current(uuid)
        if current is None:
            return
        note_changed = note != current.note
        tags_changed = list(tags) != current.tags
        if note_changed and tags_changed:
            text = "Edit note and tags"
        elif tags_changed:
            text = "Edit tags"
        else:
            text = "Edit note"

        def apply(a: Annotation) -> None:
            a.note = note
            a.tags = list(tags)

        self._edit(uuid, text, apply)

    def delete(self, uuid: str) -> None:
        before = self._current(uuid)
        if before is None:
            return
        try:
            after = self.library.remove_annotation(uuid)
        except MarginError as exc:
            self.message.emit(f"Could not delete the highlight: {exc}")
            return
        self.undo_stack.push(
            AnnotationCommand(self, "Delete highlight", before, after, delete=True)
        )
        self._changed(before.article_id, "Highlight deleted")

    def _current(self, uuid: str) -> Annotation | None:
        try:
            annotation = self.library.annotation(uuid)
        except MarginError:
            return None
        return None if annotation.removed else annotation

    def _edit(self, uuid: str, text: str, change: Callable[[Annotation], None]) -> None:
        before = self._current(uuid)
        if before is None:
            self.message.emit("That highlight no longer exists")
            return
        after = snapshot(before)
        change(after)
        if (after.color, after.note, after.tags) == (before.color, before.note, before.tags):
            return
        after.modified = now_iso()
        try:
            self.library.save_annotation(after)
        except MarginError as exc:
            self.message.emit(f"Could not save the change: {exc}")
            return
        self.undo_stack.push(AnnotationCommand(self, text, before, after))
        self._changed(after.article_id, "Saved")

    # Called by the undo commands (AnnotationCommand).
    # (An exception cannot cross QUndoStack's C++ frames, so failures become messages.)
    def commit_state(self, state: Annotation) -> None:
        annotation = snapshot(state)
        annotation.modified = now_iso()
        try:
            self.library.save_annotation(annotation)
        except MarginError as exc:
            self.message.emit(f"Could not undo or redo: {exc}")
            return
        self._changed(annotation.article_id, "Saved")

    def commit_removal(self, uuid: str, article_id: int) -> None:
        try:
            self.library.remove_annotation(uuid)
        except MarginError as exc:
            self.message.emit(f"Could not undo or redo: {exc}")
            return
        self._changed(article_id, "Highlight deleted")

    def _changed(self, article_id: int, message: str) -> None:
        if article_id == self._article_id:
            self.refresh()
        self.message.emit(message)

    # --- notes -----------------------------------------------------------------------------

    def open_note_editor(self, uuid: str) -> NoteEditor | None:
        """Open the (window-modal, non-blocking) editor for a highlight's note and tags."""
        annotation = self._current(uuid)
        if annotation is None:
            return None
        if self._note_editor is not None:
            self._note_editor.close()
        editor = NoteEditor(
            annotation.quote.exact,
            annotation.note,
            annotation.tags,
            title="Highlight note",
            parent=self.view.window(),
        )
        editor.saved.connect(lambda note, tags: self.set_note_and_tags(uuid, note, tags))
        editor.destroyed.connect(self._forget_editor)
        self._note_editor = editor
        editor.open()
        self.note_editor_opened.emit(editor)
        return editor

    def _forget_editor(self) -> None:
        self._note_editor = None

    # --- copying ---------------------------------------------------------------------------

    def copy_markdown(self, uuid: str) -> str:
        """Copy a highlight as a Markdown quote with its citation; returns the text."""
        annotation = self._current(uuid)
        if annotation is None:
            return ""
        text = copy_quote(self.library.article(annotation.article_id), annotation)
        self.message.emit("Copied as a Markdown quote")
        return text

    def copy_selection_markdown(self) -> str:
        """Copy the selected text (highlighted or not) as a Markdown quote with its source."""
        rng = self.selected_range()
        article = self.view.article
        if rng is None or article is None:
            return ""
        text = copy_range(article, *rng)
        self.toolbar.hide()
        self.message.emit("Copied as a Markdown quote")
        return text

    # --- navigation ------------------------------------------------------------------------

    def jump_to(self, uuid: str) -> bool:
        """Scroll the view to a highlight and select its text."""
        found = self.find(uuid)
        if found is None:
            return False
        _annotation, start, end = found
        self.view.remember_place()
        self.view.select_article_range(start, end)
        self.view.scroll_to_article_offset(start)
        return True

    def reveal(self, uuid: str) -> bool:
        """Show an annotation (e.g. a search hit on a note): open its article, scroll to it.

        When another article is showing, :attr:`open_article_requested` asks the window
        to open the right one; the jump happens once the view shows it.
        """
        annotation = self._current(uuid)
        if annotation is None:
            return False
        showing = self.view.article.id if self.view.article is not None else -1
        if annotation.article_id != showing:
            self._pending_reveal = uuid
            self.open_article_requested.emit(annotation.article_id)
            return True
        if not self.view.ready or annotation.article_id != self._article_id:
            self._pending_reveal = uuid  # the article is loading: jump once it is shown
            return True
        self._pending_reveal = ""
        self.jump_to(uuid)
        self.revealed.emit(uuid)
        return True

    # --- menus -----------------------------------------------------------------------------

    def open_context_menu(self, pos: QPoint) -> None:
        """The view asked for its context menu at ``pos``: find what is under it, then
        pop the menu up (the page answers asynchronously)."""
        self.toolbar.hide()

        def show(position: int) -> None:
            menu = self.build_context_menu(position)
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            menu.popup(self.view.mapToGlobal(pos))
            self.context_menu_shown.emit(menu)

        self.view.position_at(pos, show)

    def build_context_menu(self, position: int = -1) -> QMenu:
        """The view's context menu for a page position: Copy, Select All, then ours."""
        return highlight_menus.build_context_menu(self, position)

    # --- the view's events -----------------------------------------------------------------

    def show_toolbar_for_selection(self) -> None:
        """Place the toolbar just below the end of the selection (above when no room)."""
        if self.selected_range() is None:
            self.toolbar.hide()
        else:
            self.toolbar.show_for(self.view.selection, self.view.scroll_y)

    def _on_selection_changed(self) -> None:
        if not self.view.selection:
            self.toolbar.hide()

    def _on_article_shown(self, article_id: int) -> None:
        self.toolbar.hide()
        same = article_id == self._article_id
        self.refresh()
        if same:  # shown again (e.g. after a re-import): panels reload what they show
            self.article_changed.emit(article_id)
        if self._pending_reveal:
            uuid, self._pending_reveal = self._pending_reveal, ""
            annotation = self._current(uuid)
            if annotation is not None and annotation.article_id == self._article_id:
                # After the view has restored its reading position.
                QTimer.singleShot(0, self, lambda: self.reveal(uuid))

    # --- helpers ---------------------------------------------------------------------------

    def selected_range(self) -> tuple[int, int] | None:
        """The selection as an article text range, or None when nothing is selected."""
        if self.view.article is None:
            return None
        return self.view.selected_article_range()

    def _clear_selection(self) -> None:
        self.view.clear_selection()

    def _refresh_toolbar_labels(self) -> None:
        self.toolbar.set_meanings(self.meanings(), self.last_color)
