"""A small preferences dialog: theme, font size, hover previews, where the library lives."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from reader.ui import theme as themes


class PreferencesDialog(QDialog):
    """Changes apply at once (no OK/Cancel dance); the window persists them.

    Signals:
        theme_chosen(str), font_size_chosen(int), hover_previews_toggled(bool),
        hover_modifier_toggled(bool)
    """

    theme_chosen = Signal(str)
    font_size_chosen = Signal(int)
    hover_previews_toggled = Signal(bool)
    hover_modifier_toggled = Signal(bool)

    def __init__(
        self,
        *,
        theme: str,
        font_size: int,
        hover_previews: bool,
        library_path: Path,
        hover_needs_modifier: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("preferences")
        self.setWindowTitle("Preferences")
        self.setAccessibleName("Preferences")
        self.theme_combo = QComboBox(self)
        self.theme_combo.setAccessibleName("Theme")
        for name in themes.THEMES:
            self.theme_combo.addItem(themes.theme_named(name).label, name)
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(theme)))
        self.font_spin = QSpinBox(self)
        self.font_spin.setAccessibleName("Article font size")
        self.font_spin.setRange(themes.MIN_FONT_SIZE, themes.MAX_FONT_SIZE)
        self.font_spin.setSuffix(" px")
        self.font_spin.setValue(font_size)
        self.hover_box = QCheckBox("Preview cited sources when hovering over a link", self)
        self.hover_box.setAccessibleName("Preview cited sources on hover")
        self.hover_box.setChecked(hover_previews)
        self.modifier_box = QCheckBox("Only while Alt or Ctrl is held", self)
        self.modifier_box.setAccessibleName("Preview cited sources only with Alt or Ctrl held")
        self.modifier_box.setChecked(hover_needs_modifier)
        self.modifier_box.setEnabled(hover_previews)
        path_label = QLabel(str(library_path), self)
        path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        path_label.setAccessibleName("Library folder")
        path_label.setWordWrap(True)
        open_button = QPushButton("Open Folder", self)
        open_button.setAccessibleName("Open the library folder")
        open_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(library_path)))
        )
        folder_row = QHBoxLayout()
        folder_row.addWidget(path_label, 1)
        folder_row.addWidget(open_button)

        form = QFormLayout()
        form.addRow("&Theme:", self.theme_combo)
        form.addRow("Article &font size:", self.font_spin)
        form.addRow("", self.hover_box)
        form.addRow("", self.modifier_box)
        form.addRow("Library folder:", folder_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

        self.theme_combo.currentIndexChanged.connect(
            lambda _i: self.theme_chosen.emit(str(self.theme_combo.currentData()))
        )
        self.font_spin.valueChanged.connect(self.font_size_chosen)
        self.hover_box.toggled.connect(self.hover_previews_toggled)
        self.hover_box.toggled.connect(self.modifier_box.setEnabled)
        self.modifier_box.toggled.connect(self.hover_modifier_toggled)
