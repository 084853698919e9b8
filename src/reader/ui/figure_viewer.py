"""A figure shown large: the picture, its zoom, and its caption; Esc closes it.

Opened by a click (or Enter) on a stored image in the reading view. It starts fitted to
the dialog; Ctrl + wheel, ``+``/``-``, ``0`` (fit) and ``1`` (actual size) zoom, as do
the buttons. The picture's accessible name is its alt text, its description the
caption, so a screen reader says what the figure is.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QPixmap, QWheelEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

ZOOM_STEP = 1.25
MIN_SCALE, MAX_SCALE = 0.05, 16.0


class FigureViewer(QDialog):
    """One figure, large. ``scale`` is the current zoom (1.0: the image's own pixels)."""

    def __init__(self, data: bytes, alt: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("figureViewer")
        title = alt or "Figure"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.pixmap = QPixmap()
        self.pixmap.loadFromData(data)
        self.scale = 1.0
        self._fitted = True

        self.picture = QLabel(self)
        self.picture.setObjectName("figurePicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setAccessibleName(title)
        self.picture.setAccessibleDescription(caption)
        if self.pixmap.isNull():
            self.picture.setText("This image cannot be shown.")
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll_area.setWidget(self.picture)
        self.scroll_area.setWidgetResizable(False)
        self.scroll_area.viewport().installEventFilter(self)

        self.caption = QLabel(caption, self)
        self.caption.setObjectName("figureCaption")
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caption.setVisible(bool(caption))

        buttons = QHBoxLayout()
        for text, slot, name in (
            ("Zoom &Out", self.zoom_out, "Zoom out"),
            ("Zoom &In", self.zoom_in, "Zoom in"),
            ("&Fit", self.fit, "Fit to the window"),
            ("&Actual Size", self.actual_size, "Actual size"),
        ):
            button = QPushButton(text, self)
            button.setAccessibleName(name)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton("Close", self)
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.caption)
        layout.addLayout(buttons)
        if parent is not None:
            window = parent.window().size()
            self.resize(int(window.width() * 0.85), int(window.height() * 0.85))
        else:
            self.resize(900, 700)

    # --- zoom ---------------------------------------------------------------------------

    def fit_scale(self) -> float:
        """The zoom at which the whole picture fits the visible area (never above 1)."""
        if self.pixmap.isNull():
            return 1.0
        area = self.scroll_area.viewport().size()
        return min(1.0, area.width() / self.pixmap.width(), area.height() / self.pixmap.height())

    def set_scale(self, scale: float) -> None:
        self.scale = max(MIN_SCALE, min(MAX_SCALE, scale))
        if self.pixmap.isNull():
            return
        size = self.pixmap.size() * self.scale
        self.picture.setPixmap(
            self.pixmap.scaled(
                size,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        self.picture.resize(size)

    def zoom_in(self) -> None:
        self._fitted = False
        self.set_scale(self.scale * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._fitted = False
        self.set_scale(self.scale / ZOOM_STEP)

    def fit(self) -> None:
        self._fitted = True
        self.set_scale(self.fit_scale())

    def actual_size(self) -> None:
        self._fitted = False
        self.set_scale(1.0)

    # --- events ---------------------------------------------------------------------------

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._fitted:
            self.fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fitted:
            self.fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal) or event.matches(
            QKeySequence.StandardKey.ZoomIn
        ):
            self.zoom_in()
        elif key == Qt.Key.Key_Minus or event.matches(QKeySequence.StandardKey.ZoomOut):
            self.zoom_out()
        elif key == Qt.Key.Key_0:
            self.fit()
        elif key == Qt.Key.Key_1:
            self.actual_size()
        else:
            super().keyPressEvent(event)  # Esc closes

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Ctrl + wheel over the picture zooms; the scroll area would only scroll.
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(event, QWheelEvent)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            if event.angleDelta().y() > 0:
                self.zoom_in()
            elif event.angleDelta().y() < 0:
                self.zoom_out()
            return True
        return super().eventFilter(watched, event)
