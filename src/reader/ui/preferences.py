"""A small preferences dialog: theme, text (size, font, spacing, width), hover previews,
where the library lives."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from reader.ui import theme as themes
from reader.ui.reader.page import Typography

FAMILIES = [("Serif", "serif"), ("Sans serif", "sans")]


class PreferencesDialog(QDialog):
    """Changes apply at once (no OK/Cancel dance); the window persists them.

    Signals:
        theme_chosen(str), font_size_chosen(int), typography_chosen(Typography),
        hover_previews_toggled(bool), hover_modifier_toggled(bool)
    """

    theme_chosen = Signal(str)
    font_size_chosen = Signal(int)
    typography_chosen = Signal(object)
    hover_previews_toggled = Signal(bool)
    hover_modifier_toggled = Signal(bool)
    import_drafts_toggled = Signal(bool)

    def __init__(
        self,
        *,
        theme: str,
        font_size: int,
        hover_previews: bool,
        library_path: Path,
        hover_needs_modifier: bool = False,
        import_drafts: bool = False,
        typography: Typography | None = None,
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
        typography = typography or Typography()
        self.family_combo = QComboBox(self)
        self.family_combo.setAccessibleName("Article font")
        for label, value in FAMILIES:
            self.family_combo.addItem(label, value)
        if self.family_combo.findData(typography.family) < 0:
            self.family_combo.addItem(typography.family, typography.family)
        self.family_combo.setCurrentIndex(self.family_combo.findData(typography.family))
        self.spacing_spin = QDoubleSpinBox(self)
        self.spacing_spin.setAccessibleName("Line spacing")
        self.spacing_spin.setRange(1.0, 2.4)
        self.spacing_spin.setSingleStep(0.1)
        self.spacing_spin.setDecimals(1)
        self.spacing_spin.setValue(typography.line_spacing)
        self.width_spin = QSpinBox(self)
        self.width_spin.setAccessibleName("Column width")
        self.width_spin.setRange(40, 120)
        self.width_spin.setSingleStep(4)
        self.width_spin.setSuffix(" characters")
        self.width_spin.setValue(typography.column_chars)
        self.hover_box = QCheckBox("Preview cited sources when hovering over a link", self)
        self.hover_box.setAccessibleName("Preview cited sources on hover")
        self.hover_box.setChecked(hover_previews)
        self.modifier_box = QCheckBox("Only while Alt or Ctrl is held", self)
        self.modifier_box.setAccessibleName("Preview cited sources only with Alt or Ctrl held")
        self.modifier_box.setChecked(hover_needs_modifier)
        self.modifier_box.setEnabled(hover_previews)
        self.drafts_box = QCheckBox(
            "Import WordPress drafts, pending, private and scheduled posts too", self
        )
        self.drafts_box.setAccessibleName("Import WordPress drafts too")
        self.drafts_box.setToolTip(
            "Like margin import --include-drafts; published posts only when off"
        )
        self.drafts_box.setChecked(import_drafts)
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
        form.addRow("Article f&ont:", self.family_combo)
        form.addRow("&Line spacing:", self.spacing_spin)
        form.addRow("&Column width:", self.width_spin)
        form.addRow("", self.hover_box)
        form.addRow("", self.modifier_box)
        form.addRow("Importing:", self.drafts_box)
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
        self.family_combo.currentIndexChanged.connect(lambda _i: self._emit_typography())
        self.spacing_spin.valueChanged.connect(lambda _v: self._emit_typography())
        self.width_spin.valueChanged.connect(lambda _v: self._emit_typography())
        self.hover_box.toggled.connect(self.hover_previews_toggled)
        self.hover_box.toggled.connect(self.modifier_box.setEnabled)
        self.modifier_box.toggled.connect(self.hover_modifier_toggled)
        self.drafts_box.toggled.connect(self.import_drafts_toggled)

    def typography(self) -> Typography:
        return Typography(
            family=str(self.family_combo.currentData()),
            line_spacing=round(self.spacing_spin.value(), 1),
            column_chars=self.width_spin.value(),
        )

    def _emit_typography(self) -> None:
        self.typography_chosen.emit(self.typography())
