"""Find in the article: a bar under the text, every match marked, "3 of 12".

Matches are found in the page's flat text (the same text every other mark uses) and
drawn by the page as the "find" layer: an underline for every match, the current one
inverted, none of them a highlight colour.

Find is also the keyboard's way to select: the reading view has no caret browsing, so
with nothing selected in the page, Ctrl+H / Ctrl+Shift+H highlight the *current match*
(see :meth:`HighlightController.highlight_selection`). Going to a match therefore drops
the page's selection, as a browser's find does: what the keys highlight is always
the match shown as current, never a selection left from before."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from reader.ui import theme as themes
from reader.ui.reader import MAX_FIND_MATCHES, ReaderView

LAYER = "find"


class _FindField(QLineEdit):
    def __init__(self, bar: FindBar) -> None:
        super().__init__(bar)
        self._bar = bar

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self._bar.close_bar()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self._bar.find_previous()
            else:
                self._bar.find_next()
            return
        super().keyPressEvent(event)


class FindBar(QFrame):
    """Searches the ReaderView's page; marks all matches on the view's "find" layer."""

    def __init__(self, view: ReaderView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self._view = view
        self._matches: list[tuple[int, int]] = []
        self._current = -1
        self._current_inverted = True  # False once the current match is highlighted
        self._theme = themes.theme_named(None)

        self.field = _FindField(self)
        self.field.setAccessibleName("Find in article")
        self.field.setPlaceholderText("Find (Ctrl+H highlights)")
        self.field.setToolTip(
            "Enter / Shift+Enter: next / previous match\n"
            "Ctrl+H: highlight the current match; Ctrl+Shift+H: with a note"
        )
        self.field.setClearButtonEnabled(True)
        self.count_label = QLabel("", self)
        self.count_label.setObjectName("findCount")
        self.count_label.setAccessibleName("Matches")
        self.count_label.setMinimumWidth(80)
        self.previous_button = QToolButton(self)
        self.previous_button.setText("↑")
        self.previous_button.setToolTip("Previous match (Shift+F3)")
        self.previous_button.setAccessibleName("Previous match")
        self.next_button = QToolButton(self)
        self.next_button.setText("↓")
        self.next_button.setToolTip("Next match (F3)")
        self.next_button.setAccessibleName("Next match")
        self.case_box = QCheckBox("Match case", self)
        self.case_box.setAccessibleName("Match case")
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setToolTip("Close (Esc)")
        self.close_button.setAccessibleName("Close find bar")
        self.close_button.setAutoRaise(True)

        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.field, 1)
        row.addWidget(self.count_label)
        row.addWidget(self.previous_button)
        row.addWidget(self.next_button)
        row.addWidget(self.case_box)
        row.addWidget(self.close_button)

        self._timer = QTimer(self, singleShot=True, interval=120)
        self._timer.timeout.connect(self.update_matches)
        self.field.textChanged.connect(lambda _t: self._timer.start())
        self.case_box.toggled.connect(lambda _on: self.update_matches())
        self.next_button.clicked.connect(self.find_next)
        self.previous_button.clicked.connect(self.find_previous)
        self.close_button.clicked.connect(self.close_bar)
        view.article_shown.connect(lambda _id: self._refresh_if_open())
        self.hide()

    # --- public --------------------------------------------------------------------------

    @property
    def match_count(self) -> int:
        return len(self._matches)

    @property
    def current_index(self) -> int:
        return self._current

    def current_match(self) -> tuple[int, int] | None:
        """The current match as page positions, while the bar shows one."""
        if not self.isVisible() or not 0 <= self._current < len(self._matches):
            return None
        return self._matches[self._current]

    def current_label(self) -> str:
        """Which match is current, as the bar says it ("3 of 12")."""
        return self.count_label.text()

    def current_highlighted(self) -> None:
        """The current match was just highlighted: mark it like the others (underlined),
        so its new colour shows instead of the inverted "current" block; going on to
        another match inverts that one again."""
        self._current_inverted = False
        self._paint()

    def set_theme(self, theme: themes.Theme) -> None:
        self._theme = theme
        self._paint()

    def open_bar(self) -> None:
        """Show the bar with the view's selection (if short) as the query."""
        selected = self._view.selected_text().strip()
        if selected and len(selected) < 80 and "\n" not in selected:
            self.field.setText(selected)
        self.show()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()
        self.update_matches()

    def close_bar(self) -> None:
        self.hide()
        self._matches = []
        self._current = -1
        self._view.set_mark_layer(LAYER, [])
        self._view.setFocus(Qt.FocusReason.OtherFocusReason)

    def find_next(self) -> None:
        self._step(1)

    def find_previous(self) -> None:
        self._step(-1)

    def update_matches(self) -> None:
        """Find every match of the field's text and go to the first one below the top."""
        self._timer.stop()
        text = self.field.text()
        self._matches = self._view.find_all(text, case_sensitive=self.case_box.isChecked())
        self._current = -1
        if self._matches:
            # The first match from about where the reader is (the scroll fraction of
            # the text: close enough to start from, and no round trip to the page).
            top = int(self._view.reading_fraction() * len(self._view.text))
            self._current = next((i for i, (s, _e) in enumerate(self._matches) if s >= top), 0)
            self._go_to_current()
        self._paint()

    # --- internals ---------------------------------------------------------------------------

    def _refresh_if_open(self) -> None:
        if self.isVisible():
            self.update_matches()
        else:
            self._matches = []
            self._current = -1

    def _step(self, step: int) -> None:
        if not self.isVisible():
            self.open_bar()
            return
        if self._timer.isActive():
            self.update_matches()
            return
        if not self._matches:
            return
        self._current = (self._current + step) % len(self._matches)
        self._go_to_current()
        self._paint()

    def _go_to_current(self) -> None:
        self._current_inverted = True
        if self._view.selection:  # the keys highlight the current match (module docstring)
            self._view.clear_selection()
        self._view.scroll_to_position(self._matches[self._current][0])

    def _paint(self) -> None:
        text = self.field.text()
        if not text:
            self.count_label.setText("")
        elif not self._matches:
            self.count_label.setText("No matches")
        else:
            more = "+" if len(self._matches) >= MAX_FIND_MATCHES else ""
            self.count_label.setText(f"{self._current + 1} of {len(self._matches)}{more}")
        current = self._current if self._current_inverted else -1
        marks = [
            (start, end, "mark-find-current" if i == current else "mark-find")
            for i, (start, end) in enumerate(self._matches)
        ]
        self._view.set_mark_layer(LAYER, marks)
