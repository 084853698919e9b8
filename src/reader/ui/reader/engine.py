"""The web page object and the plain records the reading view reports.

:class:`ReaderPage` is the QWebEnginePage that never navigates; :class:`Heading` and
:class:`Selection` are what the page tells the view about its headings and selection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QRect, QUrl, Signal
from PySide6.QtGui import QImage
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWidgets import QWidget

from reader.ui.reader import page as pages
from reader.ui.reader.scheme import MarginProfile


@dataclass(slots=True)
class Heading:
    """A heading of the open article, for the contents panel."""

    level: int
    text: str
    position: int  # flat-text offset of the heading


@dataclass(slots=True)
class Selection:
    """The reader's selection: its offsets in the article's text, and where it shows."""

    start: int = -1
    end: int = -1
    text: str = ""
    rect: QRect | None = None  # first line, view coordinates
    end_rect: QRect | None = None  # last line

    def __bool__(self) -> bool:
        return self.end > self.start >= 0


def rect_from(data: Any) -> QRect | None:
    if not isinstance(data, dict):
        return None
    return QRect(
        round(data.get("x", 0)),
        round(data.get("y", 0)),
        max(1, round(data.get("w", 1))),
        max(1, round(data.get("h", 1))),
    )


class ReaderPage(QWebEnginePage):
    """Never navigates: only Margin's own pages load; a clicked link is reported.

    No pop-ups either: createWindow() keeps its default (no window), and the profile
    forbids scripts to open windows."""

    link_requested = Signal(QUrl)

    def __init__(self, profile: MarginProfile, parent: QWidget | None = None) -> None:
        super().__init__(profile, parent)
        self.console: list[str] = []  # what the page logged (CSP reports, errors)

    def acceptNavigationRequest(
        self, url: QUrl | str, type: QWebEnginePage.NavigationType, isMainFrame: bool
    ) -> bool:
        url = QUrl(url)
        if not isMainFrame:
            return False  # no frames at all
        if type == QWebEnginePage.NavigationType.NavigationTypeLinkClicked:
            self.link_requested.emit(url)
            return False
        return url.scheme() == pages.SCHEME

    def javaScriptConsoleMessage(self, level: Any, message: str, line: int, source: str) -> None:
        if len(self.console) < 200:
            self.console.append(message)


def shows_content(image: QImage) -> bool:
    """Whether a grabbed image shows more than one colour (a page, not a blank frame)."""
    if image.isNull() or image.width() < 8 or image.height() < 8:
        return False
    first = image.pixel(0, 0)
    step_x, step_y = max(1, image.width() // 40), max(1, image.height() // 40)
    return any(
        image.pixel(x, y) != first
        for y in range(0, image.height(), step_y)
        for x in range(0, image.width(), step_x)
    )
