"""Window settings (geometry, splitters, theme, font size) in QSettings "Margin"/"Margin".

Always the INI format, so tests redirect every write with ``QSettings.setPath`` to a
temporary folder and a user's settings are the same file on every platform.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from reader.ui import theme as themes
from reader.ui.reader.page import Typography

ORG = "Margin"
APP = "Margin"

THEME = "reader/theme"
FONT_SIZE = "reader/font_size"
FONT_FAMILY = "reader/font_family"
LINE_SPACING = "reader/line_spacing"
COLUMN_WIDTH = "reader/column_width"
HOVER_PREVIEWS = "reader/hover_previews"
HOVER_MODIFIER = "reader/hover_needs_modifier"
IMPORT_DRAFTS = "import/include_drafts"
SHOW_CONTENTS = "view/show_contents"
GEOMETRY = "window/geometry"
STATE = "window/state"
SPLITTER = "window/splitter"
LIBRARY_HEADER = "window/library_header"
LAST_ARTICLE = "window/last_article"


def app_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG, APP)


class Settings:
    """Typed access to the few values Margin keeps."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store or app_settings()

    def _get(self, key: str, default: Any) -> Any:
        return self.store.value(key, default)

    @property
    def theme(self) -> str:
        name = str(self._get(THEME, themes.DEFAULT_THEME))
        return name if name in themes.THEMES else themes.DEFAULT_THEME

    @theme.setter
    def theme(self, name: str) -> None:
        self.store.setValue(THEME, name)

    @property
    def font_size(self) -> int:
        try:
            size = int(self._get(FONT_SIZE, themes.DEFAULT_FONT_SIZE))
        except (TypeError, ValueError):
            size = themes.DEFAULT_FONT_SIZE
        return max(themes.MIN_FONT_SIZE, min(themes.MAX_FONT_SIZE, size))

    @font_size.setter
    def font_size(self, size: int) -> None:
        self.store.setValue(FONT_SIZE, int(size))

    @property
    def typography(self) -> Typography:
        """Font family, line spacing and column width of the article (Preferences)."""
        default = Typography()
        family = str(self._get(FONT_FAMILY, default.family) or default.family)
        try:
            spacing = min(2.4, max(1.0, float(self._get(LINE_SPACING, default.line_spacing))))
        except (TypeError, ValueError):
            spacing = default.line_spacing
        try:
            width = min(120, max(40, int(self._get(COLUMN_WIDTH, default.column_chars))))
        except (TypeError, ValueError):
            width = default.column_chars
        return Typography(family, spacing, width)

    @typography.setter
    def typography(self, value: Typography) -> None:
        self.store.setValue(FONT_FAMILY, value.family)
        self.store.setValue(LINE_SPACING, float(value.line_spacing))
        self.store.setValue(COLUMN_WIDTH, int(value.column_chars))

    @property
    def hover_previews(self) -> bool:
        return _bool(self._get(HOVER_PREVIEWS, True))

    @hover_previews.setter
    def hover_previews(self, on: bool) -> None:
        self.store.setValue(HOVER_PREVIEWS, bool(on))

    @property
    def hover_needs_modifier(self) -> bool:
        """Cards only while Alt or Ctrl is held (for people who read with the pointer)."""
        return _bool(self._get(HOVER_MODIFIER, False))

    @hover_needs_modifier.setter
    def hover_needs_modifier(self, on: bool) -> None:
        self.store.setValue(HOVER_MODIFIER, bool(on))

    @property
    def import_drafts(self) -> bool:
        """File ▸ Import also takes WordPress drafts, pending, private and scheduled posts
        (the CLI's ``--include-drafts``); off by default, as there."""
        return _bool(self._get(IMPORT_DRAFTS, False))

    @import_drafts.setter
    def import_drafts(self, on: bool) -> None:
        self.store.setValue(IMPORT_DRAFTS, bool(on))

    @property
    def hover_mode(self) -> str:
        """What the citation hover controller takes: "always", "modifier" or "off"."""
        if not self.hover_previews:
            return "off"
        return "modifier" if self.hover_needs_modifier else "always"

    @property
    def show_contents(self) -> bool:
        return _bool(self._get(SHOW_CONTENTS, True))

    @show_contents.setter
    def show_contents(self, on: bool) -> None:
        self.store.setValue(SHOW_CONTENTS, bool(on))

    def last_article(self, library_root: str) -> int | None:
        """The article that was open when the window last closed on this library (the
        settings are shared by every library: an id means nothing in another one)."""
        root, _, number = str(self._get(LAST_ARTICLE, "") or "").rpartition("\n")
        return int(number) if root == library_root and number.isdigit() else None

    def set_last_article(self, library_root: str, article_id: int | None) -> None:
        self.store.setValue(
            LAST_ARTICLE, f"{library_root}\n{article_id}" if article_id is not None else ""
        )

    def bytes_value(self, key: str) -> QByteArray | None:
        value = self._get(key, None)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_bytes(self, key: str, value: QByteArray) -> None:
        self.store.setValue(key, value)

    def sync(self) -> None:
        self.store.sync()


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes", "on")
    return bool(value)
