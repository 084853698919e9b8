"""Edit ▸ Preferences: the dialog, and each choice applied to the window at once and kept
in its ``Settings`` (the theme is the window's own: ``MainWindow.apply_theme``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from reader.ui.preferences import PreferencesDialog
from reader.ui.reader import Typography

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow


def show_preferences(window: MainWindow) -> PreferencesDialog:
    """Open the (non-modal) dialog on the current choices; it applies each change live."""
    dialog = PreferencesDialog(
        theme=window.theme.name,
        font_size=window.reader_view.font_size,
        hover_previews=window.settings.hover_previews,
        hover_needs_modifier=window.settings.hover_needs_modifier,
        import_drafts=window.settings.import_drafts,
        library_path=window.library.root,
        typography=window.reader_view.typography,
        parent=window,
    )
    dialog.theme_chosen.connect(window.apply_theme)
    dialog.font_size_chosen.connect(window.reader_view.set_font_size)
    dialog.typography_chosen.connect(lambda typography: set_typography(window, typography))
    dialog.hover_previews_toggled.connect(lambda on: set_hover_previews(window, on))
    dialog.hover_modifier_toggled.connect(lambda on: set_hover_modifier(window, on))
    dialog.import_drafts_toggled.connect(lambda on: setattr(window.settings, "import_drafts", on))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def set_typography(window: MainWindow, typography: Typography) -> None:
    window.settings.typography = typography
    window.reader_view.set_typography(typography)


def set_hover_previews(window: MainWindow, on: bool) -> None:
    window.settings.hover_previews = on
    window.hover_previews_changed.emit(on)


def set_hover_modifier(window: MainWindow, on: bool) -> None:
    window.settings.hover_needs_modifier = on
    # The popovers read both settings again on this signal.
    window.hover_previews_changed.emit(window.settings.hover_previews)


def font_size_changed(window: MainWindow, size: int) -> None:
    """Ctrl+= / Ctrl+- or the dialog changed the text size: keep it, and say so."""
    window.settings.font_size = size
    window.statusBar().showMessage(f"Text size {size} px", 1500)
