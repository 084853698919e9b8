"""The reading view: one article served by Margin's scheme into a QWebEngineView.

"Positions" below are offsets into the page's flat text, "article offsets" offsets
into ``Article.text``: :mod:`~reader.ui.reader.text_map` holds the one map between them.
Where the reader is, and Back/Forward, are :mod:`~reader.ui.reader.reading_position`;
the marks the page paints (highlights, search, find) :mod:`~reader.ui.reader.marks`.

Everything the page does is asynchronous: :attr:`article_shown` says the text map is
ready (offsets, headings, selection work), :attr:`article_painted` that the first
frame has been drawn.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from reader.core.model import Article
from reader.core.textalign import TextAlignment
from reader.ui import theme as themes
from reader.ui.reader import page as pages
from reader.ui.reader.bridge import Bridge, make_channel
from reader.ui.reader.engine import Heading, ReaderPage, Selection, rect_from, shows_content
from reader.ui.reader.history import History
from reader.ui.reader.marks import MarkLayers
from reader.ui.reader.reading_position import ReadingPosition
from reader.ui.reader.scheme import MarginProfile, shared_profile
from reader.ui.reader.text_map import TextMap

EXTERNAL_SCHEMES = ("http", "https", "mailto")
_keys = itertools.count(1)


class ReaderView(QWebEngineView):
    """Shows one article.

    Signals:
        article_shown(int): the article's page is loaded and its text map is ready.
        article_painted(int): its first frame has been painted.
        link_hovered(str, QRect, int, bool): the pointer entered a link (href, its
            rectangle in global coordinates, which of the links with that href, Alt or
            Ctrl held); "" with an empty rect when it left.
        link_activated(str): a link was clicked (or Shift+Enter on a focused link).
        link_card_requested(str, QRect, int): Enter on a focused link.
        reading_position_changed(int, float): debounced scroll position (id, 0..1).
        font_size_changed(int): the article font size (px) changed.
        escape_pressed(): Esc in the page.
        selection_changed(): the selection changed (read :attr:`selection`).
        selection_finished(): a mouse selection was released (for the toolbar).
        mouse_pressed(): a mouse button went down in the page.
        scrolled(): the page scrolled.
        place_requested(int, float): back/forward wants this article at this position.
        figure_requested(str, str, str): a stored image was clicked (or Enter on it):
            its library name, alt text and the caption of its figure.
        mark_hovered(int, QRect): the pointer moved onto a highlight (a position inside
            it, the global rectangle of its line under the pointer); -1 and an empty
            rect when it left the highlights.
    """

    article_shown = Signal(int)
    article_painted = Signal(int)
    link_hovered = Signal(str, QRect, int, bool)
    link_activated = Signal(str)
    link_card_requested = Signal(str, QRect, int)
    reading_position_changed = Signal(int, float)
    font_size_changed = Signal(int)
    escape_pressed = Signal()
    selection_changed = Signal()
    selection_finished = Signal()
    mouse_pressed = Signal()
    scrolled = Signal()
    place_requested = Signal(int, float)
    figure_requested = Signal(str, str, str)
    mark_hovered = Signal(int, QRect)

    def __init__(self, parent: QWidget | None = None, profile: MarginProfile | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readerView")
        self.setAccessibleName("Article")
        self.profile_ = profile or shared_profile()
        self._page = ReaderPage(self.profile_, self)
        self.setPage(self._page)
        self.bridge = Bridge(self)
        self._channel = make_channel(self.bridge, self)
        self._page.setWebChannel(self._channel)
        self.bridge.message.connect(self._on_message)
        self._page.link_requested.connect(lambda url: self._follow(url.toString()))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setAcceptDrops(False)

        self.article: Article | None = None
        self._map = TextMap()
        self._position = ReadingPosition(self)
        self._position.changed.connect(self.reading_position_changed)
        self._position.place_requested.connect(self.place_requested)
        self.selection = Selection()
        self._key = f"v{next(_keys)}"
        self._url_path = ""
        self._cited_by: list[tuple[int, str]] = []
        self._theme = themes.theme_named(None)
        self._font_size = themes.DEFAULT_FONT_SIZE
        self._typography = pages.Typography()
        self._marks = MarkLayers()
        self._ready = False
        self._painted = False
        self._queued: list[str] = []
        self._load(None)

    # --- state ---------------------------------------------------------------------------

    @property
    def text_map(self) -> TextMap:
        """What the page reported about its text (empty until :attr:`ready`)."""
        return self._map

    @property
    def alignment(self) -> TextAlignment | None:
        """The one map between the page's flat text and the article's canonical text
        (the header masked out), made once per article when first needed."""
        return self._map.alignment

    @property
    def places(self) -> History:
        """Back/Forward's places (not history(): that is QWebEngineView's)."""
        return self._position.history

    @places.setter
    def places(self, history: History) -> None:
        self._position.history = history

    @property
    def ready(self) -> bool:
        return self._ready

    @property
    def painted(self) -> bool:
        return self._painted

    @property
    def text(self) -> str:
        """The page's flat text (header and body); positions are offsets into it."""
        return self._map.text

    @property
    def body_start(self) -> int:
        return self._map.body_start

    @property
    def title_range(self) -> tuple[int, int]:
        return self._map.title_range

    @property
    def font_size(self) -> int:
        return self._font_size

    @property
    def theme(self) -> themes.Theme:
        return self._theme

    @property
    def typography(self) -> pages.Typography:
        return self._typography

    @property
    def blocked_requests(self) -> list[str]:
        return list(self.profile_.guard.blocked)

    def headings(self) -> list[Heading]:
        """The article's headings (not the header's title), for the contents."""
        return list(self._map.headings)

    # --- showing ---------------------------------------------------------------------------

    def show_article(
        self,
        article: Article,
        *,
        restore_position: bool = True,
        cited_by: Sequence[tuple[int, str]] = (),
        fraction: float | None = None,
    ) -> None:
        """Load ``article``; on :attr:`article_shown` it is at its saved position (or
        ``fraction``)."""
        self._position.flush()
        self.article = article
        self._cited_by = list(cited_by)
        self._position.opening(article, restore_position=restore_position, fraction=fraction)
        self._load(article)

    def clear_article(self) -> None:
        self._position.flush()
        self.article = None
        self._load(None)

    def _load(self, article: Article | None) -> None:
        self._ready = self._painted = False
        self._queued.clear()
        self._marks.clear()
        self._map = TextMap()
        self.selection = Selection()
        self._position.page_loading()
        variables = pages.css_variables(self._theme, self._font_size, self._typography)
        html = pages.page_html(article, variables, cited_by=self._cited_by)
        name = f"{self._key}-{next(_keys)}"
        if self._url_path:
            self.profile_.pages.drop(self._url_path.rpartition("/")[2])
        self.profile_.pages.put(name, html)
        self._url_path = f"/page/{name}"
        self._page.setUrl(QUrl(f"{pages.ORIGIN}{self._url_path}"))

    def _apply_variables(self) -> None:
        variables = pages.css_variables(self._theme, self._font_size, self._typography)
        self.run_js(f"Margin.setVars({json.dumps(variables)})")

    def set_theme(self, theme: themes.Theme) -> None:
        self._theme = theme
        self._page.setBackgroundColor(QColor(theme.page))
        self._apply_variables()

    def set_typography(self, typography: pages.Typography) -> None:
        self._typography = typography
        self._position.keep_while(self._apply_variables)

    def set_font_size(self, size: int) -> None:
        size = max(themes.MIN_FONT_SIZE, min(themes.MAX_FONT_SIZE, int(size)))
        if size == self._font_size:
            return
        self._font_size = size
        self._position.keep_while(self._apply_variables)
        self.font_size_changed.emit(size)

    def zoom_in(self) -> None:
        self.set_font_size(self._font_size + 1)

    def zoom_out(self) -> None:
        self.set_font_size(self._font_size - 1)

    def reset_zoom(self) -> None:
        self.set_font_size(themes.DEFAULT_FONT_SIZE)

    def frame_shows_page(self) -> bool:
        """Whether the view's own image shows the page yet: the page reports "painted"
        a moment before the frame reaches the widget."""
        return shows_content(self.grab().toImage())

    # --- talking to the page -----------------------------------------------------------------

    def run_js(self, code: str, callback: Callable[[Any], None] | None = None) -> None:
        """Run page code now, or once the page is ready (callbacks get the result)."""
        if not self._ready:
            if callback is None:
                self._queued.append(code)
            return
        if callback is None:
            self._page.runJavaScript(code, 0)
        else:
            self._page.runJavaScript(code, 0, callback)

    def _on_message(self, kind: str, data: dict[str, Any]) -> None:
        handler = getattr(self, f"_on_{kind.replace('-', '_')}", None)
        if handler is not None:
            handler(data)

    def _on_ready(self, data: dict[str, Any]) -> None:
        if self._page.url().path() != self._url_path:
            return  # a page we have already replaced
        self._map = TextMap.from_report(data, self.article.text if self.article else None)
        self._ready = True
        self._name_input_widget()
        self._position.update(data.get("state") or {})
        # What was asked while loading, then every mark layer (some set while loading).
        for code in [*self._queued, *self._marks.codes()]:
            self._page.runJavaScript(code, 0)
        self._queued.clear()
        if self.article is not None:
            self._position.restore()
            self.article_shown.emit(self.article.id)

    def _name_input_widget(self) -> None:
        # The engine's own child widget takes the focus: screen readers must hear "Article".
        proxy = self.focusProxy()
        if proxy is not None and not proxy.accessibleName():
            proxy.setAccessibleName("Article")

    def request_paint_report(self) -> None:
        """Ask the page to say "painted" again once what was sent so far is on screen
        (marks, a scroll): :attr:`painted` is False until it does."""
        if self._ready:
            self._painted = False
            self.run_js("Margin.reportPaint()")

    def _on_painted(self, _data: dict[str, Any]) -> None:
        self._painted = True
        self.article_painted.emit(self.article.id if self.article is not None else -1)

    def _on_scroll(self, data: dict[str, Any]) -> None:
        self._position.update(data)
        self.scrolled.emit()
        self._position.save_later()

    def _on_selection(self, data: dict[str, Any]) -> None:
        if not self._ready:
            return  # the page being replaced, reporting late: its selection went with it
        start, end = int(data.get("start", -1)), int(data.get("end", -1))
        rect = data.get("rect") or {}
        self.selection = Selection(
            start,
            end,
            str(data.get("text", "")),
            rect_from(rect),
            QRect(round(rect.get("ex", 0)) - 1, round(rect.get("ey", 0)) - 1, 1, 1)
            if rect
            else None,
        )
        self.selection_changed.emit()
        if data.get("finished") and self.selection:
            self.selection_finished.emit()

    def _on_mouse(self, _data: dict[str, Any]) -> None:
        self.mouse_pressed.emit()

    def _on_hover(self, data: dict[str, Any]) -> None:
        href = str(data.get("href", ""))
        rect = self._global(rect_from(data.get("rect"))) if href else QRect()
        self.link_hovered.emit(
            href, rect, int(data.get("occurrence", 0)), bool(data.get("modifier"))
        )

    def _on_mark_hover(self, data: dict[str, Any]) -> None:
        position = int(data.get("position", -1))
        rect = self._global(rect_from(data.get("rect"))) if position >= 0 else QRect()
        self.mark_hovered.emit(position, rect)

    def _on_figure(self, data: dict[str, Any]) -> None:
        name = str(data.get("name", ""))
        if name:
            alt, caption = str(data.get("alt", "")), str(data.get("caption", ""))
            self.figure_requested.emit(name, alt, caption)

    def _on_link(self, data: dict[str, Any]) -> None:
        self._follow(str(data.get("href", "")))

    def _on_link_key(self, data: dict[str, Any]) -> None:
        rect = self._global(rect_from(data.get("rect")))
        href, occurrence = str(data.get("href", "")), int(data.get("occurrence", 0))
        self.link_card_requested.emit(href, rect, occurrence)

    def _on_key(self, data: dict[str, Any]) -> None:
        key = data.get("key")
        if key == "Escape":
            self.escape_pressed.emit()
        elif key == "Back":
            self.go_back()
        elif key == "Forward":
            self.go_forward()

    def _global(self, rect: QRect | None) -> QRect:
        if rect is None:
            return QRect()
        return QRect(self.mapToGlobal(rect.topLeft()), rect.size())

    # --- links -----------------------------------------------------------------------------

    def link_positions(self, href: str) -> list[int]:
        """Page positions of the links with ``href``, in order."""
        return self._map.link_positions(href)

    def follow_link(self, href: str) -> None:
        self._follow(href)

    def _follow(self, href: str) -> None:
        """A link was clicked: anchors scroll (and can be gone back from), other
        articles are the window's business, web links open in the system browser."""
        if not href:
            return
        self.link_activated.emit(href)
        url = QUrl(href)
        if href.startswith("#"):
            self.scroll_to_anchor(href[1:])
        elif url.scheme() in EXTERNAL_SCHEMES:
            QDesktopServices.openUrl(url)

    def scroll_to_anchor(self, anchor: str) -> None:
        """Jump to an element id in the article (a reference, a footnote); Back returns."""
        self.remember_place()
        self.run_js(f"Margin.scrollToAnchor({json.dumps(anchor)})")

    # --- positions and the selection -------------------------------------------------------

    def article_range_to_positions(self, start: int, end: int) -> tuple[int, int]:
        return self._map.to_positions(start, end)

    def position_to_article_offset(self, position: int) -> int:
        return self._map.to_article_offset(position)

    def selected_article_range(self) -> tuple[int, int] | None:
        """The selection as ``(start, end)`` offsets into ``article.text``, if any."""
        sel = self.selection
        return self._map.to_article_range(sel.start, sel.end) if sel else None

    def selected_text(self) -> str:
        return self.selection.text if self.selection else ""

    def select_positions(self, start: int, end: int) -> None:
        self.run_js(f"Margin.select({int(start)}, {int(end)})")

    def select_article_range(self, start: int, end: int) -> None:
        self.select_positions(*self.article_range_to_positions(start, end))

    def clear_selection(self) -> None:
        self.selection = Selection()
        self.run_js("window.getSelection().removeAllRanges()")

    def copy(self) -> None:
        self._page.triggerAction(QWebEnginePage.WebAction.Copy)

    def select_all(self) -> None:
        self._page.triggerAction(QWebEnginePage.WebAction.SelectAll)

    def position_at(self, point: QPoint, callback: Callable[[int], None]) -> None:
        """The flat-text position under a point of the view (asynchronously)."""
        self.run_js(
            f"Margin.offsetAt({point.x()}, {point.y()})",
            lambda value: callback(int(value) if isinstance(value, (int, float)) else -1),
        )

    # --- marks -----------------------------------------------------------------------------

    def set_mark_layer(self, name: str, marks: Sequence[tuple[int, int, str]]) -> None:
        """Replace one named layer of marks: (start, end, CSS highlight name) in positions.

        Layers survive theme and size changes (the page repaints them itself).
        """
        self.run_js(self._marks.set(name, marks))

    def mark_layer(self, name: str) -> list[tuple[int, int, str]]:
        return self._marks.get(name)

    def find_all(
        self,
        text: str,
        *,
        case_sensitive: bool = False,
        whole_words: bool = False,
        start: int = 0,
        end: int | None = None,
    ) -> list[tuple[int, int]]:
        """Every occurrence of ``text`` in the page between two positions (capped)."""
        return self._map.find_all(
            text, case_sensitive=case_sensitive, whole_words=whole_words, start=start, end=end
        )

    # --- scrolling ---------------------------------------------------------------------------

    def scroll_to_position(self, position: int, *, top: bool = False) -> None:
        """Scroll to a position: at the top (headings) or in the upper third."""
        self.run_js(f"Margin.scrollToOffset({int(position)}, {json.dumps(top)})")

    def scroll_to_article_offset(self, offset: int) -> None:
        position = self._map.to_position(offset)
        if position is not None:
            self.scroll_to_position(position)

    def reading_fraction(self) -> float:
        return self._position.fraction

    @property
    def scroll_y(self) -> int:
        return self._position.scroll_y

    def set_reading_fraction(self, fraction: float) -> None:
        self._position.set_fraction(fraction)

    def scroll_by(self, pixels: int) -> None:
        self.run_js(f"Margin.scrollBy({int(pixels)})")

    def flush_reading_position(self) -> None:
        """Report a pending scroll position now (before closing or switching)."""
        self._position.flush()

    # --- back and forward ---------------------------------------------------------------------

    def remember_place(self) -> None:
        """Record where the reader is before a jump (a link, a reference, another article)."""
        self._position.remember()

    def go_back(self) -> bool:
        return self._position.back()

    def go_forward(self) -> bool:
        return self._position.forward()
