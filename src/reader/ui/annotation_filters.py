"""Controls above and below the highlight list: the colour and tag filters, and the bar
that asks what to do with a highlight whose words changed in a re-import."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from reader.ui.highlight_palette import COLOR_NAMES, color_label, swatch_icon


class HighlightFilters(QWidget):
    """A colour (named by its meaning) and a tag (one entry per spelling in any case).

    Signals:
        changed(str, str): the colour and tag chosen; "" means any.
    """

    changed = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.color = QComboBox(self)
        self.color.setObjectName("highlightColorFilter")
        self.color.setAccessibleName("Show highlights of colour")
        self.color.setToolTip("Show only highlights of one colour")
        self.tag = QComboBox(self)
        self.tag.setObjectName("highlightTagFilter")
        self.tag.setAccessibleName("Show highlights with tag")
        self.tag.setToolTip("Show only highlights with one tag")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        for combo in (self.color, self.tag):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            combo.currentIndexChanged.connect(self._emit)
            row.addWidget(combo, 1)
        self.tag.addItem("All tags", "")

    @property
    def chosen(self) -> tuple[str, str]:
        return str(self.color.currentData() or ""), str(self.tag.currentData() or "")

    def set_meanings(self, meanings: dict[str, str]) -> None:
        """Name each colour by what it means (after the user renamed one)."""
        chosen = self.chosen[0]
        self.color.blockSignals(True)
        self.color.clear()
        self.color.addItem("All colours", "")
        for name in COLOR_NAMES:
            self.color.addItem(swatch_icon(name), color_label(name, meanings.get(name, "")), name)
        self.color.setCurrentIndex(max(0, self.color.findData(chosen)))
        self.color.blockSignals(False)

    def set_tags(self, tags: Sequence[str]) -> bool:
        """Offer ``tags``; False when the tag chosen is no longer among them (then: any)."""
        chosen = self.chosen[1]
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItem("All tags", "")
        for tag in tags:
            self.tag.addItem(f"#{tag}", tag)
        found = self._tag_index(chosen)
        self.tag.setCurrentIndex(found)
        self.tag.blockSignals(False)
        return not chosen or found > 0

    def choose(self, color: str = "", tag: str = "") -> None:
        """Choose as the user would; ``changed`` follows."""
        self.color.setCurrentIndex(max(0, self.color.findData(color)))
        self.tag.setCurrentIndex(self._tag_index(tag))

    def show_for(self, total: int) -> None:
        """A filter with nothing to choose from is noise: hidden then."""
        for combo in (self.color, self.tag):
            combo.setVisible(total > 0 and (combo.count() > 2 or bool(combo.currentData())))

    def _tag_index(self, tag: str) -> int:
        if not tag:
            return 0
        for i in range(1, self.tag.count()):
            if str(self.tag.itemData(i) or "").casefold() == tag.casefold():
                return i
        return 0

    def _emit(self) -> None:
        self.changed.emit(*self.chosen)


class ChangedBar(QFrame):
    """Shown under the list for a highlight whose words changed: take the new, or keep.

    Signals:
        accept_requested(): use the words the article has now.
        keep_requested(): keep the words the user highlighted.
    """

    accept_requested = Signal()
    keep_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changedBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel(
            "The article changed under this highlight. Use the new words, or keep yours "
            "(it is then listed as not found).",
            self,
        )
        self.label.setWordWrap(True)
        self.accept_button = QPushButton("Use the &New Text", self)
        self.accept_button.setAccessibleName("Use the article's new text for this highlight")
        self.accept_button.clicked.connect(self.accept_requested)
        self.keep_button = QPushButton("&Keep My Words", self)
        self.keep_button.setAccessibleName("Keep the words you highlighted")
        self.keep_button.clicked.connect(self.keep_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.keep_button)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 4, 6, 4)
        box.addWidget(self.label)
        box.addLayout(buttons)
        self.hide()
