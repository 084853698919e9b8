"""Colour themes: an explicit QPalette for the whole app and CSS for the article.

The offscreen and plain X11 platforms ignore the desktop's colour scheme, so each
theme spells out every palette role the widgets use rather than trusting the style.
The same colours feed the article's default style sheet (QTextDocument understands a
subset of CSS: colours, fonts, margins, line-height, table borders, list styles).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("light", "sepia", "dark")
DEFAULT_THEME = "light"
DEFAULT_FONT_SIZE = 17  # points-ish pixels for the article body; 17 px reads well on laptops
MIN_FONT_SIZE = 11
MAX_FONT_SIZE = 32

# Reading fonts, best first; Qt picks the first one installed.
SERIF_FAMILIES = [
    "Charter",
    "Source Serif 4",
    "Source Serif Pro",
    "Georgia",
    "Literata",
    "Noto Serif",
    "DejaVu Serif",
    "serif",
]
SANS_FAMILIES = [
    "Inter",
    "Source Sans 3",
    "Segoe UI",
    "Noto Sans",
    "Cantarell",
    "DejaVu Sans",
    "sans-serif",
]
MONO_FAMILIES = ["JetBrains Mono", "Source Code Pro", "Consolas", "DejaVu Sans Mono", "monospace"]


@dataclass(frozen=True, slots=True)
class Theme:
    """A reading theme: the colours of the panels and of the page."""

    name: str
    label: str
    window: str  # panels, menus
    base: str  # lists, inputs
    alt_base: str
    page: str  # the article's paper
    text: str
    muted: str  # secondary text: bylines, captions
    link: str
    accent: str  # selection, focus
    selection_text: str
    rule: str  # hairlines, table borders
    quote_bg: str
    code_bg: str
    match_bg: str  # search / find marks
    current_match_bg: str
    button: str
    dark: bool = False


LIGHT = Theme(
    name="light",
    label="Light",
    window="#f3f2ef",
    base="#ffffff",
    alt_base="#f7f6f3",
    page="#fffefc",
    text="#1d1f23",
    muted="#5f6670",
    link="#1b5fae",
    accent="#2f6fbd",
    selection_text="#ffffff",
    rule="#d9d6cf",
    quote_bg="#f4f2ec",
    code_bg="#f1efe9",
    match_bg="#ffe58a",
    current_match_bg="#ffb347",
    button="#ebe9e4",
)
SEPIA = Theme(
    name="sepia",
    label="Sepia",
    window="#e9dfc8",
    base="#f6eedb",
    alt_base="#efe5cf",
    page="#f7efdc",
    text="#3b2f20",
    muted="#75644d",
    link="#8a4a0f",
    accent="#9a5b1c",
    selection_text="#fffaf0",
    rule="#d3c4a3",
    quote_bg="#efe4cb",
    code_bg="#ece0c4",
    match_bg="#f5d46b",
    current_match_bg="#f0a04b",
    button="#e2d6ba",
)
DARK = Theme(
    name="dark",
    label="Dark",
    window="#23252a",
    base="#1b1d21",
    alt_base="#212328",
    page="#1c1e22",
    text="#dcdde0",
    muted="#9ca3ad",
    link="#8cb8ff",
    accent="#4a82d0",
    selection_text="#ffffff",
    rule="#3a3d44",
    quote_bg="#24272d",
    code_bg="#272a30",
    match_bg="#6b5a12",
    current_match_bg="#a8661c",
    button="#2e3137",
    dark=True,
)

_BY_NAME = {t.name: t for t in (LIGHT, SEPIA, DARK)}


def theme_named(name: str | None) -> Theme:
    return _BY_NAME.get(name or "", _BY_NAME[DEFAULT_THEME])


def palette_for(theme: Theme) -> QPalette:
    """Every role set explicitly, for the active, inactive and disabled groups."""
    pal = QPalette()
    c = QColor
    roles = {
        QPalette.ColorRole.Window: c(theme.window),
        QPalette.ColorRole.WindowText: c(theme.text),
        QPalette.ColorRole.Base: c(theme.base),
        QPalette.ColorRole.AlternateBase: c(theme.alt_base),
        QPalette.ColorRole.ToolTipBase: c(theme.base),
        QPalette.ColorRole.ToolTipText: c(theme.text),
        QPalette.ColorRole.PlaceholderText: c(theme.muted),
        QPalette.ColorRole.Text: c(theme.text),
        QPalette.ColorRole.Button: c(theme.button),
        QPalette.ColorRole.ButtonText: c(theme.text),
        QPalette.ColorRole.BrightText: c("#ffffff" if theme.dark else "#000000"),
        QPalette.ColorRole.Highlight: c(theme.accent),
        QPalette.ColorRole.HighlightedText: c(theme.selection_text),
        QPalette.ColorRole.Link: c(theme.link),
        QPalette.ColorRole.LinkVisited: c(theme.link),
        QPalette.ColorRole.Light: c(theme.base).lighter(115),
        QPalette.ColorRole.Midlight: c(theme.button).lighter(108),
        QPalette.ColorRole.Mid: c(theme.rule),
        QPalette.ColorRole.Dark: c(theme.rule).darker(130),
        QPalette.ColorRole.Shadow: c("#000000"),
    }
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for role, colour in roles.items():
            pal.setColor(group, role, colour)
    disabled = c(theme.muted)
    for role, colour in roles.items():
        pal.setColor(QPalette.ColorGroup.Disabled, role, colour)
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        pal.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return pal


def app_style_sheet(theme: Theme) -> str:
    """Small touches the palette cannot express: quiet splitters, roomy list rows."""
    return f"""
QSplitter::handle {{ background: {theme.rule}; }}
QSplitter::handle:horizontal {{ width: 1px; }}
QSplitter::handle:vertical {{ height: 1px; }}
QTreeView, QListView, QTableView {{ border: none; }}
QTableView::item {{ padding: 3px 6px; }}
QTreeView#tocPanel {{ padding-top: 10px; }}
QTreeView#tocPanel::item {{ padding: 3px 2px; }}
QLabel#articleHeaderTitle {{ color: {theme.text}; }}
QLabel[muted="true"] {{ color: {theme.muted}; }}
QFrame#findBar, QFrame#filterBar {{ background: {theme.window};
  border-top: 1px solid {theme.rule}; }}
QLabel#searchMessage {{ color: {theme.muted}; padding: 2px 6px; }}
QLabel#emptyTitle {{ font-size: 15pt; }}
"""


def apply_theme(app: QApplication, theme: Theme) -> None:
    app.setPalette(palette_for(theme))
    app.setStyleSheet(app_style_sheet(theme))


def reading_font(size: int) -> QFont:
    font = QFont()
    font.setFamilies(SERIF_FAMILIES)
    font.setPixelSize(size)
    font.setStyleHint(QFont.StyleHint.Serif)
    return font


def document_css(theme: Theme, font_size: int) -> str:
    """The article's default style sheet (QTextDocument's CSS subset: test before adding).

    Font sizes use the CSS keywords, which Qt turns into adjustments relative to the
    document's default font: zooming only changes that font, with no re-parse.
    Margins are in px from the size at render time.
    """
    s = font_size

    def px(factor: float) -> str:
        return f"{round(s * factor)}px"

    sans = ", ".join(f"'{f}'" for f in SANS_FAMILIES[:-1]) + ", sans-serif"
    mono = ", ".join(f"'{f}'" for f in MONO_FAMILIES[:-1]) + ", monospace"
    return f"""
body {{ color: {theme.text}; }}
p {{ margin-top: 0px; margin-bottom: {px(0.85)}; line-height: 150%; }}
li {{ margin-bottom: {px(0.25)}; line-height: 145%; }}
ul, ol {{ margin-top: 0px; margin-bottom: {px(0.85)}; }}
h1, h2, h3, h4, h5, h6 {{ font-family: {sans}; color: {theme.text}; font-weight: 600; }}
h1 {{ font-size: x-large; margin-top: {px(1.6)}; margin-bottom: {px(0.6)}; }}
h2 {{ font-size: large; margin-top: {px(1.6)}; margin-bottom: {px(0.5)}; }}
h3 {{ font-size: medium; margin-top: {px(1.3)}; margin-bottom: {px(0.4)}; }}
h4, h5, h6 {{ font-size: medium; font-style: italic;
  margin-top: {px(1.1)}; margin-bottom: {px(0.3)}; }}
a {{ color: {theme.link}; text-decoration: none; }}
blockquote {{ background-color: {theme.quote_bg}; color: {theme.text};
  margin-left: {px(1.5)}; margin-right: {px(1.5)}; margin-top: {px(0.3)}; margin-bottom: {px(1)}; }}
pre {{ font-family: {mono}; font-size: small; background-color: {theme.code_bg};
  margin-bottom: {px(0.85)}; }}
code {{ font-family: {mono}; font-size: small; background-color: {theme.code_bg}; }}
table {{ border-collapse: collapse; border-width: 1px; border-style: solid;
  border-color: {theme.rule}; margin-bottom: {px(1)};
  font-family: {sans}; font-size: small; }}
th {{ background-color: {theme.quote_bg}; font-weight: 600; padding: {px(0.35)};
  border-width: 1px; border-style: solid; border-color: {theme.rule}; }}
td {{ padding: {px(0.35)}; border-width: 1px; border-style: solid; border-color: {theme.rule}; }}
caption {{ color: {theme.muted}; font-size: small; }}
div.figure {{ margin-top: {px(0.5)}; margin-bottom: {px(1)}; }}
p.figcaption {{ color: {theme.muted}; font-family: {sans}; font-size: small;
  margin-bottom: {px(1.1)}; }}
span.image-placeholder {{ color: {theme.muted}; background-color: {theme.quote_bg};
  font-family: {sans}; font-size: small; font-style: italic; }}
sup, sub {{ font-size: small; }}
hr {{ color: {theme.rule}; }}
small {{ font-size: small; }}
"""
