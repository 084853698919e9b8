"""Highlights and selections put on the clipboard as Markdown quotes with their source
(the same quote the Markdown export writes)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from reader.core import anchoring, export
from reader.core.model import Annotation, Article


def copy_quote(article: Article, annotation: Annotation) -> str:
    """Copy a highlight as a Markdown quote with its citation; returns the text."""
    text = export.highlight_markdown_quote(article, annotation)
    QGuiApplication.clipboard().setText(text)
    return text


def copy_range(article: Article, start: int, end: int) -> str:
    """Copy the article's text between two offsets (highlighted or not) the same way."""
    quote, position = anchoring.make_selectors(article.text, start, end)
    transient = Annotation(uuid="", article_id=article.id, quote=quote, position=position)
    return copy_quote(article, transient)
