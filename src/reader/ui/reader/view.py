"""The reading view: one article served by Margin's scheme into a QWebEngineView.

Offsets. The page script reports the page's flat text (every text node of the header
and the body, in order) once per article. The view aligns it with the article's
canonical plain text (:class:`~reader.core.textalign.TextAlignment`, the header masked
out) in that one place; "positions" below are offsets into the flat text, "article
offsets" are offsets into ``Article.text``.

Everything the page does is asynchronous: :attr:`article_shown` says the text map is
ready (offsets, headings, selection work), :attr:`article_painted` that the first
frame has been drawn.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt, QTimer, QUrl, Signal
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
from reader.ui.reader.history import History, Place
from reader.ui.reader.scheme import MarginProfile, shared_profile

POSITION_SAVE_DELAY_MS = 700
MAX_FIND_MATCHES = 5000
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
        self._alignment: TextAlignment | None = None
        self.places = History()  # not history(): that is QWebEngineView's
        self.selection = Selection()
        self._key = f"v{next(_keys)}"
        self._url_path = ""
        self._cited_by: list[tuple[int, str]] = []
        self._theme = themes.theme_named(None)
        self._font_size = themes.DEFAULT_FONT_SIZE
        self._typography = pages.Typography()
        self._text = ""
        self._body_start = 0
        self._title_range = (0, 0)
        self._headings: list[Heading] = []
        self._links: dict[str, list[int]] = {}
        self._layers: dict[str, list[tuple[int, int, str]]] = {}
        self._ready = False
        self._painted = False
        self._queued: list[str] = []
        self._restore = 0.0
        self._fraction = 0.0
        self._scroll_y = 0
        self._save_timer = QTimer(self, singleShot=True, interval=POSITION_SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self._emit_position)
        self._load(None)

    # --- state ---------------------------------------------------------------------------

    @property
    def alignment(self) -> TextAlignment | None:
        """The one map between the page's flat text and the article's canonical text
        (the header masked out), made once per article when first needed."""
        if self._alignment is None and self._ready and self.article is not None:
            masked = " " * self._body_start + self._text[self._body_start :]
            self._alignment = TextAlignment(self.article.text, masked)
        return self._alignment

    @property
    def ready(self) -> bool:
        return self._ready

    @property
    def painted(self) -> bool:
        return self._painted

    @property
    def text(self) -> str:
        """The page's flat text (header and body); positions are offsets into it."""
        return self._text

    @property
    def body_start(self) -> int:
        return self._body_start

    @property
    def title_range(self) -> tuple[int, int]:
        return self._title_range

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
        return list(self._headings)

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
        self._flush_position()
        self.article = article
        self._cited_by = list(cited_by)
        if fraction is not None:
            self._restore = fraction
        else:
            self._restore = article.reading_position if restore_position else 0.0
        self._load(article)

    def clear_article(self) -> None:
        self._flush_position()
        self.article = None
        self._load(None)

    def _load(self, article: Article | None) -> None:
        self._ready = self._painted = False
        self._queued.clear()
        self._layers.clear()
        self._alignment = None
        self._text, self._body_start, self._headings, self._links = "", 0, [], {}
        self.selection = Selection()
        self._fraction = 0.0
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
        self._keep_place(self._apply_variables)

    def set_font_size(self, size: int) -> None:
        size = max(themes.MIN_FONT_SIZE, min(themes.MAX_FONT_SIZE, int(size)))
        if size == self._font_size:
            return
        self._font_size = size
        self._keep_place(self._apply_variables)
        self.font_size_changed.emit(size)

    def zoom_in(self) -> None:
        self.set_font_size(self._font_size + 1)

    def zoom_out(self) -> None:
        self.set_font_size(self._font_size - 1)

    def reset_zoom(self) -> None:
        self.set_font_size(themes.DEFAULT_FONT_SIZE)

    def _keep_place(self, change: Callable[[], None]) -> None:
        fraction = self._fraction
        change()
        if self.article is not None and fraction > 0:
            self.set_reading_fraction(fraction)

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
        self._text = str(data.get("text", ""))
        self._body_start = int(data.get("bodyStart", 0))
        title = data.get("titleRange") or [0, 0]
        self._title_range = (int(title[0]), int(title[1]))
        self._headings = [
            Heading(int(h["level"]), str(h["text"]), int(h["position"]))
            for h in data.get("headings", [])
        ]
        for href, position in data.get("links", []):
            self._links.setdefault(str(href), []).append(int(position))
        self._alignment = None  # made on first use: most articles open without highlights
        self._ready = True
        self._name_input_widget()
        self._set_state(data.get("state") or {})
        for code in self._queued:
            self._page.runJavaScript(code, 0)
        self._queued.clear()
        self._send_layers()
        if self.article is not None:
            if self._restore > 0:
                self.set_reading_fraction(self._restore)
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

    def _set_state(self, state: dict[str, Any]) -> None:
        self._fraction = float(state.get("fraction", self._fraction) or 0.0)
        self._scroll_y = round(float(state.get("y", self._scroll_y) or 0))

    def _on_scroll(self, data: dict[str, Any]) -> None:
        self._set_state(data)
        self.scrolled.emit()
        if self.article is not None:
            self._save_timer.start()

    def _on_selection(self, data: dict[str, Any]) -> None:
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
        return list(self._links.get(href, []))

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
        if self.alignment is None:
            return (0, 0)
        return self.alignment.range_to_target(start, end)

    def position_to_article_offset(self, position: int) -> int:
        return self.alignment.to_source(position) if self.alignment is not None else -1

    def selected_article_range(self) -> tuple[int, int] | None:
        """The selection as ``(start, end)`` offsets into ``article.text``, if any."""
        sel = self.selection
        if self.alignment is None or not sel:
            return None
        start = max(sel.start, self._body_start)
        if sel.end <= start:
            return None
        a, b = self.alignment.range_to_source(start, sel.end)
        return (a, b) if b > a else None

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
        cleaned = [(int(s), int(e), str(c)) for s, e, c in marks if e > s]
        if cleaned:
            self._layers[name] = cleaned
        else:
            self._layers.pop(name, None)
        self.run_js(f"Margin.setLayer({json.dumps(name)}, {json.dumps(cleaned)})")

    def mark_layer(self, name: str) -> list[tuple[int, int, str]]:
        return list(self._layers.get(name, []))

    def _send_layers(self) -> None:
        for name, marks in self._layers.items():
            self._page.runJavaScript(f"Margin.setLayer({json.dumps(name)}, {json.dumps(marks)})", 0)

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
        return pages.find_spans(
            self._text, text, case_sensitive=case_sensitive, whole_words=whole_words,
            start=start, end=end, limit=MAX_FIND_MATCHES,
        )  # fmt: skip

    # --- scrolling ---------------------------------------------------------------------------

    def scroll_to_position(self, position: int, *, top: bool = False) -> None:
        """Scroll to a position: at the top (headings) or in the upper third."""
        self.run_js(f"Margin.scrollToOffset({int(position)}, {json.dumps(top)})")

    def scroll_to_article_offset(self, offset: int) -> None:
        if self.alignment is not None:
            self.scroll_to_position(self.alignment.to_target(offset))

    def reading_fraction(self) -> float:
        return self._fraction

    @property
    def scroll_y(self) -> int:
        return self._scroll_y

    def set_reading_fraction(self, fraction: float) -> None:
        fraction = max(0.0, min(1.0, fraction))
        self.run_js(f"Margin.setFraction({fraction})")

    def scroll_by(self, pixels: int) -> None:
        self.run_js(f"Margin.scrollBy({int(pixels)})")

    def flush_reading_position(self) -> None:
        """Report a pending scroll position now (before closing or switching)."""
        self._flush_position()

    def _emit_position(self) -> None:
        if self.article is not None and self._ready:
            fraction = round(self._fraction, 4)
            self.article.reading_position = fraction
            self.reading_position_changed.emit(self.article.id, fraction)

    def _flush_position(self) -> None:
        if self._save_timer.isActive():
            self._save_timer.stop()
            self._emit_position()

    # --- back and forward ---------------------------------------------------------------------

    def here(self) -> Place | None:
        return Place(self.article.id, self._fraction) if self.article is not None else None

    def remember_place(self) -> None:
        """Record where the reader is before a jump (a link, a reference, another article)."""
        here = self.here()
        if here is not None and self._ready:
            self.places.record(here)

    def go_back(self) -> bool:
        return self._go(self.places.back)

    def go_forward(self) -> bool:
        return self._go(self.places.forward)

    def _go(self, step: Callable[[Place], Place | None]) -> bool:
        here = self.here()
        if here is None:
            return False
        place = step(here)
        if place is None:
            return False
        if place.article_id == here.article_id:
            self.set_reading_fraction(place.fraction)
        else:
            self.place_requested.emit(place.article_id, place.fraction)
        return True
