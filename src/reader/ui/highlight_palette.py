"""The highlight colours as the window shows them: swatches, labels with their meanings.

The colours and what each one means live in :mod:`reader.core.highlight_colors`; this
module only turns them into things a widget can show (an icon, a label, the page's CSS
class name), so the reading view's menus, the floating toolbar, the annotations list
and its filters all draw a colour the same way.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from reader.core import highlight_colors

COLOR_NAMES = list(highlight_colors.DEFAULT_COLORS)


def color_hex(name: str) -> str:
    """The colour's swatch as ``#rrggbb`` (yellow for a name Margin does not know)."""
    return highlight_colors.DEFAULT_COLORS.get(name, highlight_colors.DEFAULT_COLORS["yellow"])[1]


def highlight_class(name: str) -> str:
    """The page's CSS highlight name for a colour (see reader.css)."""
    return f"hl-{name if name in highlight_colors.DEFAULT_COLORS else 'yellow'}"


def swatch_icon(name: str, size: int = 14) -> QIcon:
    """A rounded square of the colour, with a darker edge that shows on any background."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(color_hex(name)).darker(140))
    painter.setBrush(QColor(color_hex(name)))
    painter.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    painter.end()
    return QIcon(pixmap)


def color_label(name: str, meaning: str) -> str:
    """The colour's name with its meaning, e.g. "Green (definition)"; just "Green" while
    the colour means nothing yet."""
    return f"{name.capitalize()} ({meaning})" if meaning else name.capitalize()
