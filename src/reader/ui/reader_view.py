"""The reading view: one article's canonical HTML, typeset for reading.

A QTextBrowser that never navigates away: links are reported (``link_activated``) and
only external ones go to the system browser, in-article ``#anchors`` scroll, and
``loadResource`` serves nothing from disk or the network (the library's own images
are a placeholder until the store keeps images).

The article header (site, title, byline, dates, source link) is rendered into the same
document above the body so it scrolls away like a page. Its text is masked out of the
:class:`TextAlignment` target (replaced by spaces of the same length) so article-text
offsets still map to document positions one-to-one.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from PySide6.QtCore import QPoint, QRectF, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFontMetricsF,
    QImage,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPen,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QWidget

from reader.core.model import Article
from reader.core.textalign import TextAlignment
from reader.ui import theme as themes

COLUMN_CHARS = 68  # a comfortable measure: 60-75 characters per line
MIN_SIDE_MARGIN = 28
TOP_MARGIN = 36
BOTTOM_MARGIN = 120
POSITION_SAVE_DELAY_MS = 700
IMAGE_SCHEME = "margin-image"
LAYER_ORDER = ("highlights", "search", "find")  # later layers paint over earlier ones
MAX_FIND_MATCHES = 5000

# Tags Qt's HTML parser does not know: rename them to ones it lays out as blocks.
_TAG_RENAMES = [
    (re.compile(r"<figure\b", re.I), '<div class="figure"'),
    (re.compile(r"</figure\s*>", re.I), "</div>"),
    (re.compile(r"<figcaption\b", re.I), '<p class="figcaption"'),
    (re.compile(r"</figcaption\s*>", re.I), "</p>"),
    (re.compile(r"<section\b", re.I), "<div"),
    (re.compile(r"</section\s*>", re.I), "</div>"),
]


@dataclass(slots=True)
class Heading:
    level: int
    text: str
    position: int  # document position of the heading block


@dataclass(slots=True)
class _Span:
    start: int
    end: int
    fmt: QTextCharFormat


def prepare_body_html(body: str) -> str:
    for pattern, replacement in _TAG_RENAMES:
        body = pattern.sub(replacement, body)
    return body


def _pretty_date(value: str) -> str:
    if not value:
        return ""
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return value[:10]
    return f"{stamp.day} {stamp.strftime('%B %Y')}"


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def header_html(article: Article, cited_by: Sequence[tuple[int, str]] = ()) -> str:
    """The header blocks: kicker (site), title, byline, dates and source, and which
    saved articles cite this one (links with the ``margin-article:ID`` scheme)."""
    esc = html.escape
    parts: list[str] = []
    kicker = article.site_name or article.journal
    if kicker:
        parts.append(f'<p class="kicker">{esc(kicker.upper())}</p>')
    parts.append(f'<h1 class="title">{esc(article.title or "Untitled")}</h1>')
    if article.authors:
        parts.append(f'<p class="byline">{esc(", ".join(article.authors))}</p>')
    meta: list[str] = []
    published = _pretty_date(article.published)
    if published:
        meta.append(f"Published {esc(published)}")
    modified = _pretty_date(article.modified)
    if modified and modified != published:
        meta.append(f"updated {esc(modified)}")
    if article.url and urlsplit(article.url).scheme in ("http", "https"):
        meta.append(
            f'<a href="{esc(article.url, quote=True)}">{esc(_host(article.url) or article.url)}</a>'
        )
    if meta:
        parts.append(f'<p class="meta">{" · ".join(meta)}</p>')
    if cited_by:
        links = ", ".join(
            f'<a href="margin-article:{article_id}">{esc(title or "Untitled")}</a>'
            for article_id, title in cited_by
        )
        parts.append(f'<p class="meta citedby">Cited by {len(cited_by)} saved: {links}</p>')
    return "".join(parts)


def header_css(theme: themes.Theme) -> str:
    sans = ", ".join(f"'{f}'" for f in themes.SANS_FAMILIES[:-1]) + ", sans-serif"
    return f"""
p.kicker {{ font-family: {sans}; font-size: small; color: {theme.muted}; font-weight: 600;
  margin-bottom: 4px; }}
h1.title {{ font-size: xx-large; margin-top: 0px; margin-bottom: 10px; }}
p.byline {{ font-family: {sans}; color: {theme.text}; margin-bottom: 2px; }}
p.meta {{ font-family: {sans}; font-size: small; color: {theme.muted}; margin-bottom: 30px; }}
p.kicker, h1.title, p.byline, p.meta {{ line-height: 120%; }}
"""


class ReaderView(QTextBrowser):
    """Shows one article.

    Signals:
        article_shown(int): an article was rendered (its id).
        link_hovered_at(str, QPoint): the link under the mouse changed (href, global
            position); "" when the mouse leaves a link.
        link_activated(str): a link was clicked or activated from the keyboard.
        reading_position_changed(int, float): debounced scroll position (id, 0..1).
        font_size_changed(int): the article font size (px) changed.
        escape_pressed(): Esc in the view (close the find bar, clear search marks).
    """

    article_shown = Signal(int)
    link_hovered_at = Signal(str, QPoint)
    link_activated = Signal(str)
    reading_position_changed = Signal(int, float)
    font_size_changed = Signal(int)
    escape_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readerView")
        self.setAccessibleName("Article")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setTabChangesFocus(False)
        self.setUndoRedoEnabled(False)
        # Links reachable with Tab, text selectable with the mouse; no blinking caret.
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        self.document().setUndoRedoEnabled(False)
        self.article: Article | None = None
        self._cited_by: list[tuple[int, str]] = []
        self.alignment: TextAlignment | None = None
        self._theme = themes.theme_named(None)
        self._font_size = themes.DEFAULT_FONT_SIZE
        self._body_start = 0
        self._layers: dict[str, list[_Span]] = {}
        self._hovered = ""
        self._placeholder: QImage | None = None
        self._restoring = False
        self._save_timer = QTimer(self, singleShot=True, interval=POSITION_SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self._emit_position)
        self.anchorClicked.connect(self._on_anchor_clicked)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self._apply_font()
        self._show_placeholder_text()

    # --- public interface ----------------------------------------------------------------

    @property
    def body_start(self) -> int:
        """Document position where the article body begins (after the header)."""
        return self._body_start

    @property
    def font_size(self) -> int:
        return self._font_size

    @property
    def theme(self) -> themes.Theme:
        return self._theme

    def show_article(
        self,
        article: Article,
        *,
        restore_position: bool = True,
        cited_by: Sequence[tuple[int, str]] = (),
    ) -> None:
        """Render ``article``; scroll to its saved reading position. ``cited_by`` lists
        (id, title) of saved articles that cite it, shown in the header."""
        self._flush_position()
        self.article = article
        self._cited_by = list(cited_by)
        self._layers.clear()
        self._render()
        self._ensure_layout()
        if restore_position and article.reading_position > 0:
            self.set_reading_fraction(article.reading_position)
        else:
            self.verticalScrollBar().setValue(0)
        self.article_shown.emit(article.id)

    def clear_article(self) -> None:
        self._flush_position()
        self.article = None
        self.alignment = None
        self._layers.clear()
        self._show_placeholder_text()

    def set_theme(self, theme: themes.Theme) -> None:
        self._theme = theme
        self._rerender()

    def set_font_size(self, size: int) -> None:
        size = max(themes.MIN_FONT_SIZE, min(themes.MAX_FONT_SIZE, int(size)))
        if size == self._font_size:
            return
        fraction = self.reading_fraction()
        self._font_size = size
        self._apply_font()
        self._update_margins()
        self.set_reading_fraction(fraction)
        self.font_size_changed.emit(size)

    def zoom_in(self) -> None:
        self.set_font_size(self._font_size + 1)

    def zoom_out(self) -> None:
        self.set_font_size(self._font_size - 1)

    def reset_zoom(self) -> None:
        self.set_font_size(themes.DEFAULT_FONT_SIZE)

    def article_range_to_cursor(self, start: int, end: int) -> QTextCursor:
        """A cursor selecting ``article.text[start:end]`` in the document."""
        cursor = QTextCursor(self.document())
        if self.alignment is None:
            return cursor
        a, b = self.alignment.range_to_target(start, end)
        last = self._last_position()
        cursor.setPosition(max(0, min(a, last)))
        cursor.setPosition(max(0, min(max(a, b), last)), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def selected_article_range(self) -> tuple[int, int] | None:
        """The selection as ``(start, end)`` offsets into ``article.text``, if any."""
        cursor = self.textCursor()
        if self.alignment is None or not cursor.hasSelection():
            return None
        start = max(cursor.selectionStart(), self._body_start)
        end = cursor.selectionEnd()
        if end <= start:
            return None
        a, b = self.alignment.range_to_source(start, end)
        return (a, b) if b > a else None

    def scroll_to_article_offset(self, offset: int) -> None:
        """Scroll so the text at ``article.text[offset]`` sits in the upper third."""
        if self.alignment is None:
            return
        self.scroll_to_position(self.alignment.to_target(offset))

    def scroll_to_position(self, position: int, *, top: bool = False) -> None:
        """Scroll to a document position: at the top (headings) or in the upper third."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(max(0, min(position, self._last_position())))
        self._ensure_layout()
        rect = self.cursorRect(cursor)
        bar = self.verticalScrollBar()
        offset = 12 if top else self.viewport().height() // 4
        bar.setValue(bar.value() + rect.top() - offset)

    def set_extra_selection_layer(
        self, name: str, selections: list[QTextEdit.ExtraSelection]
    ) -> None:
        """Replace one named layer of marks; all layers are merged into setExtraSelections.

        Layers are kept as positions, so they survive re-rendering (theme changes).
        """
        spans = []
        for sel in selections:
            c = sel.cursor
            if c.hasSelection():
                spans.append(
                    _Span(c.selectionStart(), c.selectionEnd(), QTextCharFormat(sel.format))
                )
        if spans:
            self._layers[name] = spans
        else:
            self._layers.pop(name, None)
        self._apply_layers()

    def extra_selection_layer(self, name: str) -> list[tuple[int, int]]:
        """The (start, end) document ranges of one layer (for tests and helpers)."""
        return [(s.start, s.end) for s in self._layers.get(name, [])]

    def headings(self) -> list[Heading]:
        """The article's headings (not the header's title), for the table of contents."""
        found: list[Heading] = []
        block = self.document().findBlock(self._body_start)
        while block.isValid():
            level = block.blockFormat().headingLevel()
            if level:
                text = " ".join(block.text().split())
                if text:
                    found.append(Heading(level, text, block.position()))
            block = block.next()
        return found

    def find_all(
        self, text: str, *, case_sensitive: bool = False, whole_words: bool = False, start: int = 0
    ) -> list[QTextCursor]:
        """Every occurrence of ``text`` from ``start`` on (capped for one-letter queries)."""
        if not text:
            return []
        flags = QTextDocument.FindFlag(0)
        if case_sensitive:
            flags |= QTextDocument.FindFlag.FindCaseSensitively
        if whole_words:
            flags |= QTextDocument.FindFlag.FindWholeWords
        doc = self.document()
        found: list[QTextCursor] = []
        cursor = QTextCursor(doc)
        cursor.setPosition(max(0, min(start, self._last_position())))
        while len(found) < MAX_FIND_MATCHES:
            cursor = doc.find(text, cursor, flags)
            if cursor.isNull():
                break
            found.append(QTextCursor(cursor))
        return found

    def reading_fraction(self) -> float:
        bar = self.verticalScrollBar()
        return bar.value() / bar.maximum() if bar.maximum() > 0 else 0.0

    def set_reading_fraction(self, fraction: float) -> None:
        self._ensure_layout()
        bar = self.verticalScrollBar()
        self._restoring = True
        try:
            bar.setValue(round(max(0.0, min(1.0, fraction)) * bar.maximum()))
        finally:
            self._restoring = False

    def flush_reading_position(self) -> None:
        """Report a pending scroll position now (before closing or switching)."""
        if self._save_timer.isActive():
            self._save_timer.stop()
            self._emit_position()

    # --- rendering -----------------------------------------------------------------------

    def _render(self) -> None:
        article = self.article
        if article is None:
            self._show_placeholder_text()
            return
        doc = self.document()
        css = themes.document_css(self._theme, self._font_size) + header_css(self._theme)
        doc.setDefaultStyleSheet(css)
        head = header_html(article, self._cited_by)
        # The number of blocks the header makes, measured on a scratch document with
        # the same style sheet, tells where the body starts.
        scratch = QTextDocument()
        scratch.setDefaultStyleSheet(css)
        scratch.setHtml(head)
        header_blocks = scratch.blockCount()
        self._apply_palette_to_viewport()
        doc.setHtml(head + prepare_body_html(article.html))
        self._apply_font()
        self.setTextCursor(QTextCursor(doc))
        body_block = doc.findBlockByNumber(header_blocks)
        self._body_start = (
            body_block.position() if body_block.isValid() else doc.characterCount() - 1
        )
        plain = doc.toPlainText()
        masked = " " * self._body_start + plain[self._body_start :]
        self.alignment = TextAlignment(article.text, masked)
        self._update_margins()
        self._apply_layers()

    def _rerender(self) -> None:
        if self.article is None:
            self._apply_palette_to_viewport()
            self._show_placeholder_text()
            return
        fraction = self.reading_fraction()
        spans = dict(self._layers)
        self._render()
        self._layers = spans
        self._apply_layers()
        self.set_reading_fraction(fraction)

    def _show_placeholder_text(self) -> None:
        self._apply_palette_to_viewport()
        doc = self.document()
        doc.setDefaultStyleSheet(themes.document_css(self._theme, self._font_size))
        muted = self._theme.muted
        doc.setHtml(
            f'<p style="color:{muted}" align="center"><br/><br/>'
            "Choose an article from the list, or search with Ctrl+K.</p>"
        )
        self._body_start = 0
        self._update_margins()

    def _apply_palette_to_viewport(self) -> None:
        # The app style sheet makes QStyleSheetStyle paint the viewport; say it there too.
        t = self._theme
        self.setStyleSheet(
            f"QTextBrowser#readerView {{ background-color: {t.page}; color: {t.text};"
            f" selection-background-color: {t.accent}; selection-color: {t.selection_text}; }}"
        )
        pal = self.palette()
        pal.setColor(pal.ColorRole.Base, QColor(self._theme.page))
        pal.setColor(pal.ColorRole.Text, QColor(self._theme.text))
        pal.setColor(pal.ColorRole.Link, QColor(self._theme.link))
        self.setPalette(pal)

    def _apply_font(self) -> None:
        font = themes.reading_font(self._font_size)
        self.document().setDefaultFont(font)

    def _column_width(self) -> float:
        metrics = QFontMetricsF(themes.reading_font(self._font_size))
        return metrics.averageCharWidth() * COLUMN_CHARS

    def _update_margins(self) -> None:
        """Centre a column of ~COLUMN_CHARS characters in whatever width we have."""
        width = self.viewport().width()
        side = max(MIN_SIDE_MARGIN, int((width - self._column_width()) / 2))
        root = self.document().rootFrame()
        fmt = root.frameFormat()
        if (fmt.leftMargin(), fmt.rightMargin(), fmt.topMargin()) != (side, side, TOP_MARGIN):
            fmt.setLeftMargin(side)
            fmt.setRightMargin(side)
            fmt.setTopMargin(TOP_MARGIN)
            fmt.setBottomMargin(BOTTOM_MARGIN)
            root.setFrameFormat(fmt)

    def _ensure_layout(self) -> None:
        # documentSize() finishes the (otherwise incremental) layout, so scroll ranges
        # are final before we restore a position or scroll to a match.
        # The layout reports its final size from a timer; QTextEdit sets its scroll
        # range from that signal. Announce it now so the range is final at once.
        layout = self.document().documentLayout()
        layout.documentSizeChanged.emit(layout.documentSize())

    def _last_position(self) -> int:
        return max(0, self.document().characterCount() - 1)

    def _apply_layers(self) -> None:
        names = [n for n in LAYER_ORDER if n in self._layers]
        names += [n for n in self._layers if n not in LAYER_ORDER]
        merged: list[QTextEdit.ExtraSelection] = []
        last = self._last_position()
        for name in names:
            for span in self._layers[name]:
                sel = QTextEdit.ExtraSelection()
                cursor = QTextCursor(self.document())
                cursor.setPosition(min(span.start, last))
                cursor.setPosition(min(span.end, last), QTextCursor.MoveMode.KeepAnchor)
                sel.cursor = cursor
                sel.format = span.fmt
                merged.append(sel)
        self.setExtraSelections(merged)

    # --- resources: nothing from disk or the network -------------------------------------

    def loadResource(self, type: int, name: QUrl) -> object:
        """Serve only the library's own images; everything else gets nothing.

        Never calls the base class, which would read ``file:`` URLs and relative paths.
        """
        if int(type) == int(QTextDocument.ResourceType.ImageResource):
            return self.placeholder_image()
        return None

    def placeholder_image(self) -> QImage:
        """A small picture glyph standing in for an image that is not stored."""
        if self._placeholder is None:
            image = QImage(QSize(28, 20), QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            pen = QPen(QColor(self._theme.muted))
            pen.setWidthF(1.4)
            painter.setPen(pen)
            painter.drawRoundedRect(QRectF(1.5, 1.5, 25, 17), 3, 3)
            painter.drawLine(5, 15, 11, 9)
            painter.drawLine(11, 9, 15, 13)
            painter.drawLine(15, 13, 18, 10)
            painter.drawLine(18, 10, 23, 15)
            painter.drawEllipse(QRectF(17, 4.5, 3, 3))
            painter.end()
            self._placeholder = image
        return self._placeholder

    # --- links -----------------------------------------------------------------------------

    def _on_anchor_clicked(self, url: QUrl) -> None:
        href = url.toString()
        self.link_activated.emit(href)
        if href.startswith("#") or (not url.scheme() and url.hasFragment()):
            self.scrollToAnchor(url.fragment())
        elif url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)

    def setSource(
        self,
        name: QUrl,
        type: QTextDocument.ResourceType = QTextDocument.ResourceType.UnknownResource,
    ) -> None:
        """Links never navigate the view: in-page anchors scroll, the rest is ignored."""
        if name.hasFragment() and not name.scheme() and not name.path():
            self.scrollToAnchor(name.fragment())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        href = self.anchorAt(event.position().toPoint())
        if href != self._hovered:
            self._hovered = href
            self.link_hovered_at.emit(href, event.globalPosition().toPoint())

    def leaveEvent(self, event: object) -> None:
        super().leaveEvent(event)  # type: ignore[arg-type]
        if self._hovered:
            self._hovered = ""
            self.link_hovered_at.emit("", QPoint())

    # --- geometry, scrolling ---------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        fraction = self.reading_fraction()
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self._update_margins()
            if self.article is not None and fraction > 0:
                self.set_reading_fraction(fraction)

    def keyPressEvent(self, event: object) -> None:
        # Space / Shift+Space page like a browser even though the view is read-only.
        from PySide6.QtGui import QKeyEvent

        assert isinstance(event, QKeyEvent)
        bar = self.verticalScrollBar()
        if (
            event.key() == Qt.Key.Key_Space
            and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        ):
            step = bar.pageStep() - 40
            bar.setValue(bar.value() + (-step if event.modifiers() else step))
            return
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self.escape_pressed.emit()
            return
        if event.matches(QKeySequence.StandardKey.MoveToStartOfDocument):
            bar.setValue(0)
            return
        if event.matches(QKeySequence.StandardKey.MoveToEndOfDocument):
            bar.setValue(bar.maximum())
            return
        super().keyPressEvent(event)

    def _on_scrolled(self, _value: int) -> None:
        if self.article is not None and not self._restoring:
            self._save_timer.start()

    def _emit_position(self) -> None:
        if self.article is not None:
            fraction = round(self.reading_fraction(), 4)
            self.article.reading_position = fraction
            self.reading_position_changed.emit(self.article.id, fraction)

    def _flush_position(self) -> None:
        if self.article is not None and self._save_timer.isActive():
            self._save_timer.stop()
            self._emit_position()
