"""Editing a highlight's note and tags, and rendering notes.

Notes are Markdown, typed in a plain text editor (what you type is what is stored and
exported) and shown rendered in the annotations panel. Rendering uses CommonMark with
raw HTML off: a note pasted from a web page cannot inject markup into the panel.
"""

from __future__ import annotations

import html
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from PySide6.QtCore import QByteArray, Qt, QUrl, Signal
from PySide6.QtGui import QImage, QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

QUOTE_PREVIEW_CHARS = 240


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.add_render_rule("image", _image_as_text)
    return md


def _image_as_text(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    """``![alt](src)`` → "[image: alt]": a note never makes the panel load a file."""
    alt = self.renderInlineAsText(tokens[idx].children or [], options, env).strip()
    return html.escape(f"[image: {alt}]" if alt else "[image]")


def render_markdown(text: str) -> str:
    """A note as HTML for display; raw HTML in the note is shown as text, not markup.

    Notes load no resources, local or remote: images are shown as their alt text (and
    :class:`ResourceFreeDocument` refuses whatever might still ask).
    """
    return _markdown().render(text) if text.strip() else ""


class ResourceFreeDocument(QTextDocument):
    """A QTextDocument that never loads anything: no file, no network, no Qt resource.

    QTextDocument reads ``<img src="/any/local/file.png">`` from disk by itself, and
    when ``loadResource`` finds nothing, Qt's image handler still tries the file name
    itself: so an image is answered with an empty 1x1 picture, anything else with
    empty bytes.
    """

    def loadResource(self, type: int, name: QUrl) -> Any:
        if type == QTextDocument.ResourceType.ImageResource.value:
            image = QImage(1, 1, QImage.Format.Format_ARGB32)
            image.fill(0)
            return image
        return QByteArray()


def parse_tags(text: str) -> list[str]:
    """Comma-separated tags, trimmed, empty ones dropped, duplicates removed (order kept)."""
    seen: dict[str, None] = {}
    for part in text.split(","):
        tag = " ".join(part.split()).lstrip("#")
        if tag and tag.casefold() not in {t.casefold() for t in seen}:
            seen[tag] = None
    return list(seen)


def format_tags(tags: list[str]) -> str:
    return ", ".join(tags)


def elide(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class NoteEditor(QDialog):
    """A small window-modal dialog: the highlighted passage, its note and its tags.

    Opened with ``open()`` (never ``exec()``), so the reading view keeps running and
    tests can fill it in. Ctrl+Enter saves, Esc cancels.

    Signals:
        saved(str, list): the note (Markdown) and the tags, when the user saves.
    """

    saved = Signal(str, list)

    def __init__(
        self,
        quote: str,
        note: str = "",
        tags: list[str] | None = None,
        *,
        title: str = "Note",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("noteEditor")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(460, 320)

        self.quote_label = QLabel(f"“{elide(quote, QUOTE_PREVIEW_CHARS)}”")
        self.quote_label.setWordWrap(True)
        self.quote_label.setProperty("muted", True)
        self.quote_label.setAccessibleName("Highlighted passage")
        self.quote_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.note_edit = QPlainTextEdit(note)
        self.note_edit.setObjectName("noteText")
        self.note_edit.setAccessibleName("Note (Markdown)")
        self.note_edit.setPlaceholderText("Your note, in Markdown: *emphasis*, lists, links…")
        self.note_edit.setTabChangesFocus(True)

        self.tags_edit = QLineEdit(format_tags(tags or []))
        self.tags_edit.setObjectName("noteTags")
        self.tags_edit.setAccessibleName("Tags, separated by commas")
        self.tags_edit.setPlaceholderText("dosing, follow up")

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            button.setAccessibleName(button.text().replace("&", ""))

        form = QFormLayout()
        note_label = QLabel("&Note:")
        note_label.setBuddy(self.note_edit)
        tags_label = QLabel("&Tags:")
        tags_label.setBuddy(self.tags_edit)
        form.addRow(note_label, self.note_edit)
        form.addRow(tags_label, self.tags_edit)

        layout = QVBoxLayout(self)
        layout.addWidget(self.quote_label)
        layout.addLayout(form, 1)
        layout.addWidget(buttons)

        save = QShortcut(QKeySequence("Ctrl+Return"), self)
        save.activated.connect(self.accept)
        self.note_edit.setFocus()

    @property
    def note(self) -> str:
        return self.note_edit.toPlainText().strip("\n")

    @property
    def tags(self) -> list[str]:
        return parse_tags(self.tags_edit.text())

    def accept(self) -> None:
        self.saved.emit(self.note, self.tags)
        super().accept()
