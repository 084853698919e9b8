"""Figures in a Markdown export: which highlights fall on a figure's caption, and the
image files a note embeds (copied into ``attachments/`` beside it, as Obsidian does).

A figure's caption is text (it can be highlighted); its picture is not. When a highlight
covers part of a stored figure's caption, the exported note shows that figure's picture
under the quote, as a relative embed ``![alt](attachments/<sha256>.<ext>)``. The file
name is the image's content hash, so exporting again (or another article with the same
figure) never makes a second copy.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from reader.core.model import Annotation, Article
from reader.core.sanitize import html_to_text, library_image_name

ATTACHMENTS = "attachments"
_PARSER = etree.HTMLParser(no_network=True, collect_ids=False)


@dataclass(frozen=True, slots=True)
class FigureImage:
    """A stored figure: its image's library name, alt text, and its caption's span in
    the article's plain text."""

    name: str
    alt: str
    start: int
    end: int


def figures(article: Article) -> list[FigureImage]:
    """The article's figures that have a stored image and a caption, in text order."""
    if "<figure" not in article.html:
        return []
    root = etree.fromstring(f"<html><body><div>{article.html}</div></body></html>", _PARSER)
    found: list[FigureImage] = []
    cursor = 0
    for figure in root.iter("figure"):
        img = next(figure.iter("img"), None)
        caption = next(figure.iter("figcaption"), None)
        if img is None or caption is None:
            continue
        name = library_image_name(img.get("src") or "")
        if name is None:
            continue
        words = html_to_text(etree.tostring(caption, encoding="unicode", method="html"))
        words = " ".join(words.split())
        start = article.text.find(words, cursor) if words else -1
        if start < 0:
            continue
        cursor = start + len(words)
        found.append(FigureImage(name, img.get("alt") or "", start, cursor))
    return found


def embeds_for(article: Article, annotations: Sequence[Annotation]) -> dict[str, list[FigureImage]]:
    """Highlight uuid → the figures whose caption it touches."""
    shown = figures(article)
    if not shown:
        return {}
    out: dict[str, list[FigureImage]] = {}
    for annotation in annotations:
        start, end = annotation.position.start, annotation.position.end
        hits = [f for f in shown if start < f.end and end > f.start]
        if hits:
            out[annotation.uuid] = hits
    return out


def copy_attachments(
    names: Sequence[str], folder: Path, read: Callable[[str], tuple[bytes, str] | None]
) -> list[Path]:
    """Copy the named library images into ``folder/attachments``; an image already there
    (same name, same size) is not written again. Returns the files written."""
    if not names:
        return []
    target = folder / ATTACHMENTS
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in dict.fromkeys(names):
        found = read(name)
        if found is None:
            continue
        data = found[0]
        path = target / name
        if path.is_file() and path.stat().st_size == len(data):
            continue
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        written.append(path)
    return written
