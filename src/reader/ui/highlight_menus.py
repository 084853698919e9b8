"""What the reading view offers around highlights: the keys, the toolbar, the menu.

* **Ctrl+H** highlights with the last colour used, **Ctrl+Shift+H** highlights and
  opens the note editor (the actions themselves belong to the
  :class:`~reader.ui.highlighting.HighlightController`);
* :class:`SelectionToolbar`, a small floating bar beside a selection made with the
  mouse: one button per colour, a note button, a copy button;
* :func:`build_context_menu`, the view's context menu: the standard entries plus
  Highlight ▸ colour, Add note…, Copy as Markdown quote, and on an existing highlight
  also recolour, edit, copy, remove;
* :func:`tooltip_html`, what hovering a highlight shows.

Both only *ask* the controller to act; what a highlight is and how it is saved and
undone stays in the controller.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QMenu, QToolButton, QWidget

from reader.core.model import Annotation
from reader.ui.highlight_palette import COLOR_NAMES, color_label, swatch_icon
from reader.ui.note_editor import elide

if TYPE_CHECKING:
    from reader.ui.highlighting import HighlightController

HIGHLIGHT_SHORTCUT = QKeySequence("Ctrl+H")
NOTE_SHORTCUT = QKeySequence("Ctrl+Shift+H")
TOOLBAR_GAP = 6  # between the selection and the toolbar, in pixels


class SelectionToolbar(QFrame):
    """Buttons beside a fresh selection: one per colour, a note, a copy.

    A child of the view (not a window), so it needs no window-manager support and
    never takes focus from the page.

    Signals:
        color_chosen(str): a colour button was pressed.
        note_requested(): the note button was pressed.
        copy_requested(): the copy button was pressed.
    """

    color_chosen = Signal(str)
    note_requested = Signal()
    copy_requested = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("selectionToolbar")
        self.setAccessibleName("Highlight toolbar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            "QFrame#selectionToolbar { background: palette(button);"
            " border: 1px solid palette(mid); border-radius: 6px; }"
        )
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 3, 4, 3)
        layout.setSpacing(2)
        self.color_buttons: dict[str, QToolButton] = {}
        for name in COLOR_NAMES:
            button = self._button(layout, name.capitalize())
            button.setIcon(swatch_icon(name, 16))
            button.clicked.connect(lambda _=False, n=name: self.color_chosen.emit(n))
            self.color_buttons[name] = button
        self.note_button = self._button(layout, "Note…")
        self.note_button.setText("✎")
        self.note_button.setAccessibleName("Highlight with a note")
        self.note_button.setToolTip(f"Highlight with a note ({NOTE_SHORTCUT.toString()})")
        self.note_button.clicked.connect(self.note_requested)
        self.copy_button = self._button(layout, "Copy as Markdown quote")
        self.copy_button.setText("❝")
        self.copy_button.setToolTip("Copy as a Markdown quote with its source")
        self.copy_button.clicked.connect(self.copy_requested)
        self._scroll_y = 0.0  # where the page was scrolled when the toolbar was placed
        self.hide()

    def _button(self, layout: QHBoxLayout, name: str) -> QToolButton:
        button = QToolButton(self)
        button.setAccessibleName(name)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(button)
        return button

    def set_meanings(self, meanings: dict[str, str], last: str) -> None:
        for name, button in self.color_buttons.items():
            label = color_label(name, meanings.get(name, ""))
            shortcut = f" ({HIGHLIGHT_SHORTCUT.toString()})" if name == last else ""
            button.setToolTip(f"Highlight: {label}{shortcut}")
            button.setAccessibleName(f"Highlight {label}")

    def show_for(self, selection: Any, scroll_y: float) -> None:
        """Show beside a view's selection (its rectangles, in view coordinates), noting
        where the page was scrolled: :meth:`hide_if_scrolled` hides it once that moves."""
        if selection.rect is not None and selection.end_rect is not None:
            self.place_beside(selection.rect, selection.end_rect)
        self._scroll_y = scroll_y
        self.show()
        self.raise_()

    def hide_if_scrolled(self, scroll_y: float) -> None:
        # The rectangles were measured before the scroll: a moved selection loses it.
        if self.isVisible() and scroll_y != self._scroll_y:
            self.hide()

    def place_beside(self, start_rect: QRect, end_rect: QRect) -> None:
        """Move just below the selection's end (above its start when there is no room),
        inside the parent view; the rectangles are the selection's, in view coordinates."""
        parent = self.parentWidget()
        if parent is None:  # set in __init__; never removed
            return
        self.adjustSize()
        size = self.sizeHint()
        area = parent.rect()
        x = min(max(4, end_rect.left() - size.width() // 2), area.width() - size.width() - 4)
        y = end_rect.bottom() + TOOLBAR_GAP
        if y + size.height() > area.height():
            y = max(4, start_rect.top() - size.height() - TOOLBAR_GAP)
        self.setGeometry(x, y, size.width(), size.height())


def build_context_menu(controller: HighlightController, position: int = -1) -> QMenu:
    """The view's context menu for a page position: Copy, Select All, then ours."""
    view = controller.view
    menu = QMenu(view)
    menu.setObjectName("readerContextMenu")
    has_selection = controller.selected_range() is not None
    copy = menu.addAction("&Copy")
    copy.setObjectName("copy")
    copy.setShortcuts(QKeySequence.StandardKey.Copy)  # every binding, as the Edit menu
    copy.setEnabled(bool(view.selection))
    copy.triggered.connect(view.copy)
    select_all = menu.addAction("Select &All")
    select_all.setObjectName("selectAll")
    select_all.triggered.connect(view.select_all)
    meanings = controller.meanings()
    menu.addSeparator()
    highlight_menu = menu.addMenu("&Highlight")
    highlight_menu.setObjectName("highlightMenu")
    highlight_menu.setEnabled(has_selection)
    for name in COLOR_NAMES:
        action = highlight_menu.addAction(swatch_icon(name), color_label(name, meanings[name]))
        action.setObjectName(f"highlight-{name}")
        if name == controller.last_color:
            action.setShortcut(HIGHLIGHT_SHORTCUT)
        action.triggered.connect(lambda _=False, n=name: controller.highlight_selection(n))
    note = menu.addAction("Add &Note…")
    note.setObjectName("highlightWithNote")
    note.setShortcut(NOTE_SHORTCUT)
    note.setEnabled(has_selection)
    note.triggered.connect(controller.highlight_selection_with_note)
    copy_quote = menu.addAction("Copy as &Markdown Quote")
    copy_quote.setObjectName("copySelectionMarkdown")
    copy_quote.setEnabled(has_selection)
    copy_quote.triggered.connect(controller.copy_selection_markdown)

    under = controller.annotation_at(position) if position >= 0 else None
    if under is not None:
        uuid = under.uuid
        menu.addSeparator()
        recolor = menu.addMenu("Highlight &Colour")
        recolor.setObjectName("recolorMenu")
        for name in COLOR_NAMES:
            action = recolor.addAction(swatch_icon(name), color_label(name, meanings[name]))
            action.setCheckable(True)
            action.setChecked(name == under.color)
            action.triggered.connect(lambda _=False, n=name: controller.recolor(uuid, n))
        edit = menu.addAction("&Edit Note and Tags…")
        edit.setObjectName("editNote")
        edit.triggered.connect(lambda: controller.open_note_editor(uuid))
        copy_one = menu.addAction("Copy &Highlight as Markdown")
        copy_one.setObjectName("copyHighlightMarkdown")
        copy_one.triggered.connect(lambda: controller.copy_markdown(uuid))
        remove = menu.addAction("&Remove Highlight")
        remove.setObjectName("removeHighlight")
        remove.triggered.connect(lambda: controller.delete(uuid))
    return menu


def tooltip_html(annotation: Annotation, meaning: str) -> str:
    """The hovered highlight's colour (and ``meaning``), note and tags; the annotations
    panel lists the same for keyboard and screen-reader users."""
    parts = [color_label(annotation.color, meaning)]
    if annotation.note.strip():
        parts.append(elide(annotation.note, 200))
    if annotation.tags:
        parts.append(" ".join(f"#{t}" for t in annotation.tags))
    # A note is plain text: "<b>" in it must show as typed, never as markup; the
    # paragraph also lets a long note wrap.
    return "<p>" + html.escape("\n".join(parts)).replace("\n", "<br>") + "</p>"
