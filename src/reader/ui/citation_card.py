"""The citation card: what a link in an article cites, shown over the reader view.

The card is a ``Qt.ToolTip`` frame shown with ``WA_ShowWithoutActivating`` (as
novelWriter's hover card), so it appears over the article without taking keyboard focus
from it. It only *emits intents* (open this URL, go to that reference, open that library
article); the window decides what to do with them, so tests never open a browser.

Everything a reader needs to decide whether to follow a reference is on the card: the
kind of source, its identifiers, the reference entry when the article has one, the
sentence that cites it, where else the article cites it, and — Margin's own feature —
whether the cited article is already in the library, with a button to open it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QHideEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.export.citation_text import format_citation
from reader.core.identifiers import citation_url
from reader.core.model import Citation, StoredCitation
from reader.ui.citation_details import (
    KIND_BADGES,
    citation_body_html,
    cited_times,
    reference_anchor,
)

CARD_WIDTH = 440  # wide enough for a reference entry on two or three lines
MAX_JUMP_BUTTONS = 12  # more places than this are summarised as "+N more"


def _solid(colour: QColor, background: QColor) -> str:
    """``colour`` blended onto ``background``: rich text ignores alpha, and Fusion's
    placeholder colour is the text colour at half opacity."""
    a = colour.alphaF()
    mixed = QColor.fromRgbF(
        colour.redF() * a + background.redF() * (1 - a),
        colour.greenF() * a + background.greenF() * (1 - a),
        colour.blueF() * a + background.blueF() * (1 - a),
    )
    return mixed.name()


class CitationCard(QFrame):
    """A hover card describing one cited source (and every place the article cites it).

    Signals:
        jump_to_citation(int): the reader asked to go to the citation with this ordinal.
        open_external(QUrl): the reader clicked "Open in browser"; the owner opens it.
        go_to_reference(str): the reader asked for the reference-list entry with this id.
        open_article(int): the reader clicked Open on the "In your library" line.
        pinned_changed(bool): the card was pinned (it then stays until closed) or unpinned.
        copied(str): a citation was put on the clipboard (the text copied).
        closed(): the card was hidden (Esc, the close button, or its controller).
    """

    jump_to_citation = Signal(int)
    open_external = Signal(QUrl)
    go_to_reference = Signal(str)
    open_article = Signal(int)
    pinned_changed = Signal(bool)
    copied = Signal(str)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.ToolTip)
        self._citations: list[StoredCitation] = []
        self._current = 0
        self._local_id: int | None = None
        self._pinned = False
        # Body HTML per citation set: hovering back and forth over the same link must not
        # rebuild it. Cleared when the palette changes, since the HTML uses its colours.
        self._html_cache: dict[tuple[object, ...], str] = {}

        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setObjectName("citationCard")
        self.setAccessibleName("Citation details")
        self.setFrameShape(QFrame.Shape.NoFrame)  # paintEvent draws a palette-coloured edge
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setForegroundRole(QPalette.ColorRole.Text)
        self.setFixedWidth(CARD_WIDTH)

        self._badge = QLabel()
        self._badge.setAccessibleName("Citation kind")
        self._count = QLabel()
        self._count.setAccessibleName("Times cited in this article")
        self._count.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._pin = QToolButton()
        self._pin.setCheckable(True)
        self._pin.setAutoRaise(True)
        self._pin.setAccessibleName("Pin the card")
        self._pin.setToolTip("Pinned cards stay open until closed (click anywhere on the card)")
        self._pin.toggled.connect(self.set_pinned)
        self._close = QToolButton()
        self._close.setText("✕")
        self._close.setAutoRaise(True)
        self._close.setAccessibleName("Close the citation card")
        self._close.setToolTip("Close (Esc)")
        self._close.clicked.connect(self.hide)

        header = QHBoxLayout()
        header.setSpacing(8)
        header.addWidget(self._badge)
        header.addWidget(self._count, 1)
        header.addWidget(self._pin)
        header.addWidget(self._close)

        self._body = QLabel()
        self._body.setAccessibleName("Cited source")
        self._body.setWordWrap(True)
        self._body.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._body.setTextFormat(Qt.TextFormat.RichText)
        self._body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._body.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

        # The places this source is cited: one small button per place.
        self._jumps = QWidget()
        self._jumps_layout = QHBoxLayout(self._jumps)
        self._jumps_layout.setContentsMargins(0, 0, 0, 0)
        self._jumps_layout.setSpacing(2)

        # "In your library": the feature that sets Margin apart, so it gets its own band.
        self._library = QFrame()
        self._library.setObjectName("inLibrary")
        self._library.setAccessibleName("In your library")
        self._library.setAutoFillBackground(True)
        self._library.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        accent = QFrame()  # a bar in the highlight colour: visible in any theme
        accent.setFixedWidth(4)
        accent.setAutoFillBackground(True)
        accent.setBackgroundRole(QPalette.ColorRole.Highlight)
        self._library_label = QLabel()
        self._library_label.setWordWrap(True)
        self._library_label.setTextFormat(Qt.TextFormat.RichText)
        self._library_label.setAccessibleName("Library article")
        self._library_label.setContentsMargins(0, 6, 0, 6)
        self._open_local = QPushButton("Open")
        self._open_local.setAccessibleName("Open the library copy")
        self._open_local.setToolTip("Open the copy of this source saved in your library")
        self._open_local.clicked.connect(self._emit_open_article)
        library_row = QHBoxLayout(self._library)
        library_row.setContentsMargins(0, 0, 6, 0)
        library_row.setSpacing(8)
        library_row.addWidget(accent)
        library_row.addWidget(self._library_label, 1)
        library_row.addWidget(self._open_local)

        self._copy_plain = self._action("Copy", "Copy the citation as plain text")
        self._copy_plain.clicked.connect(lambda: self._copy("plain"))
        self._copy_markdown = self._action("Copy Markdown", "Copy the citation as Markdown")
        self._copy_markdown.clicked.connect(lambda: self._copy("markdown"))
        self._open_web = self._action("Open in browser", "Open the source in your web browser")
        self._open_web.clicked.connect(self._emit_open_external)
        self._go_reference = self._action("Go to reference", "Show the entry in the reference list")
        self._go_reference.clicked.connect(self._emit_go_to_reference)
        actions = QHBoxLayout()
        actions.setSpacing(4)
        for button in (self._copy_plain, self._copy_markdown, self._open_web, self._go_reference):
            actions.addWidget(button)
        actions.addStretch(1)

        layout = QVBoxLayout(self)
        # _fit() sizes the card: the default constraint would impose a minimum height
        # computed for a narrower width, leaving gaps around wrapped text.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addWidget(self._body)
        layout.addWidget(self._jumps)
        layout.addWidget(self._library)
        layout.addLayout(actions)

        self._update_pin_button()
        for child in self.findChildren(QWidget):
            if child is not self._pin and child is not self._close:
                child.installEventFilter(self)

    def _action(self, text: str, description: str) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text)
        button.setToolTip(description)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button

    # --- content ----------------------------------------------------------------------------

    def set_citations(
        self,
        citations: Sequence[StoredCitation],
        *,
        current: int = 0,
        local_title: str = "",
    ) -> None:
        """Show ``citations``: every place the article cites one source (same href).

        ``current`` is the index, in ``citations``, of the place the reader is looking at
        (its sentence is shown); ``local_title`` is the title of the library article the
        source matches, when ``local_article_id`` is set.
        """
        if not citations:
            raise ValueError("a citation card needs at least one citation")
        self._citations = list(citations)
        self._current = max(0, min(current, len(self._citations) - 1))
        stored = self._citations[self._current]
        c = stored.citation
        self._local_id = next(
            (s.local_article_id for s in self._citations if s.local_article_id is not None), None
        )

        label, colour = KIND_BADGES.get(c.kind, (str(c.kind), "#52606d"))
        self._badge.setText(label)
        self._badge.setStyleSheet(
            f"QLabel {{ background: {colour}; color: white; border-radius: 8px;"
            " padding: 1px 8px; font-weight: bold; }"
        )
        self._count.setText(cited_times(len(self._citations)))
        self._body.setText(self._body_html(local_title))
        self._fill_jumps()

        if self._local_id is not None:
            shown = html.escape(local_title or f"article {self._local_id}")
            self._library_label.setText(f"In your library: <b>{shown}</b>")
            self._library.show()
        else:
            self._library.hide()

        self._open_web.setVisible(bool(citation_url(c)))
        self._go_reference.setVisible(bool(reference_anchor(c)))
        self.setAccessibleDescription(self.plain_text())
        self._fit()

    def _body_html(self, local_title: str) -> str:
        key = (
            tuple((s.id, s.citation.ordinal, s.citation.href) for s in self._citations),
            self._current,
            local_title,
        )
        cached = self._html_cache.get(key)
        if cached is None:
            cached = self._html_cache[key] = self._render_body()
        return cached

    def _render_body(self) -> str:
        muted = _solid(
            self.palette().color(QPalette.ColorRole.PlaceholderText),
            self.palette().color(QPalette.ColorRole.Base),
        )
        return citation_body_html(self._citations[self._current].citation, muted)

    def _fill_jumps(self) -> None:
        while (item := self._jumps_layout.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        if len(self._citations) < 2:
            # One place: the reader is looking at it, a jump button would be noise.
            self._jumps.hide()
            return
        caption = QLabel("Go to:")
        caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._jumps_layout.addWidget(caption)
        total = len(self._citations)
        for index, stored in enumerate(self._citations[:MAX_JUMP_BUTTONS]):
            button = QToolButton()
            button.setText(str(index + 1))
            button.setAccessibleName(f"Go to citation {index + 1} of {total}")
            button.setToolTip(
                " ".join(stored.citation.context.split())[:200] or stored.citation.text
            )
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            if index == self._current:
                font = button.font()
                font.setBold(True)
                button.setFont(font)
                button.setToolTip("You are here")
            ordinal = stored.citation.ordinal
            button.clicked.connect(lambda _=False, o=ordinal: self.jump_to_citation.emit(o))
            button.installEventFilter(self)
            self._jumps_layout.addWidget(button)
        if total > MAX_JUMP_BUTTONS:
            self._jumps_layout.addWidget(QLabel(f"+{total - MAX_JUMP_BUTTONS} more"))
        self._jumps_layout.addStretch(1)
        self._jumps.show()

    # --- what tests and assistive technology read --------------------------------------------

    @property
    def citations(self) -> list[StoredCitation]:
        return list(self._citations)

    @property
    def href(self) -> str:
        return self._citations[0].citation.href if self._citations else ""

    def plain_text(self) -> str:
        """The card's visible text, line by line (also its accessible description)."""
        lines = [self._badge.text(), self._count.text()]
        body = QTextDocumentFragment.fromHtml(self._body.text()).toPlainText()
        lines.extend(line for line in body.splitlines() if line.strip())
        if self._local_id is not None:
            library = QTextDocumentFragment.fromHtml(self._library_label.text()).toPlainText()
            lines.append(library)
        if self._pinned:
            lines.append("Pinned")
        return "\n".join(lines)

    # --- pinning and closing ----------------------------------------------------------------

    def is_pinned(self) -> bool:
        return self._pinned

    def set_pinned(self, pinned: bool) -> None:
        if pinned == self._pinned:
            return
        self._pinned = pinned
        self._update_pin_button()
        self.setAccessibleDescription(self.plain_text())
        self.pinned_changed.emit(pinned)

    def _update_pin_button(self) -> None:
        self._pin.blockSignals(True)
        self._pin.setChecked(self._pinned)
        self._pin.blockSignals(False)
        self._pin.setText("Pinned" if self._pinned else "Pin")
        self._pin.setAccessibleName("Unpin the card" if self._pinned else "Pin the card")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A click anywhere on the card (text, buttons) pins it: the reader is using it.
        if event.type() == QEvent.Type.MouseButtonPress:
            self.set_pinned(True)
        return False

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.set_pinned(True)
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            event.accept()
            return
        super().keyPressEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.set_pinned(False)
        self.closed.emit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._html_cache.clear()
            if self._citations:
                self._body.setText(self._render_body())

    def _fit(self) -> None:
        """Height for the card's fixed width (adjustSize() would wrap text narrower)."""
        layout = self.layout()
        if layout is None:  # set in __init__; never removed
            return
        layout.activate()
        if layout.hasHeightForWidth():
            height = layout.totalHeightForWidth(self.width())
        else:
            height = layout.totalSizeHint().height()
        self.resize(self.width(), height)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()

    # --- placement ----------------------------------------------------------------------------

    def show_near(self, anchor: QRect) -> None:
        """Show below ``anchor`` (global coordinates), or above it near the screen's bottom."""
        self._fit()
        size: QSize = self.size()
        screen = QGuiApplication.screenAt(anchor.center()) or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        x = anchor.left()
        y = anchor.bottom() + 6
        if y + size.height() > area.bottom() and anchor.top() - size.height() - 6 >= area.top():
            y = anchor.top() - size.height() - 6
        x = max(area.left(), min(x, area.right() - size.width()))
        y = max(area.top(), min(y, area.bottom() - size.height()))
        self.move(QPoint(x, y))
        self.show()  # no raise_(): tool tips stay on top, and offscreen warns on it

    # --- intents ------------------------------------------------------------------------------

    def _current_citation(self) -> Citation | None:
        return self._citations[self._current].citation if self._citations else None

    def _copy(self, style: str) -> None:
        c = self._current_citation()
        if c is None:
            return
        text = format_citation(c, style)
        QGuiApplication.clipboard().setText(text)
        self.copied.emit(text)

    def _emit_open_external(self) -> None:
        c = self._current_citation()
        if c is not None and (url := citation_url(c)):
            self.open_external.emit(QUrl(url))

    def _emit_go_to_reference(self) -> None:
        c = self._current_citation()
        if c is not None and (anchor := reference_anchor(c)):
            self.go_to_reference.emit(anchor)

    def _emit_open_article(self) -> None:
        if self._local_id is not None:
            self.open_article.emit(self._local_id)
