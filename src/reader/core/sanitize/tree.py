"""The tree pass of :func:`~reader.core.sanitize.canonicalize`: placeholders for images
and media, links, renames, white space, empty blocks, one newline between blocks.

It runs between the two nh3 passes on the lxml tree of the first pass's output.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from reader.core.sanitize.allowlist import (
    BLOCK_TAGS,
    HEADINGS,
    IMAGE_PLACEHOLDER_CLASS,
    LIBRARY_IMAGE_SCHEME,
    MEDIA_PLACEHOLDER_CLASS,
    MEDIA_TAGS,
    PLACEHOLDER_CLASSES,
    RENAME,
)
from reader.core.sanitize.dom import remove, replace, unwrap, within
from reader.core.sanitize.links import fix_link, linkify

# A stored image's name: its content hash and an extension; never a path.
_IMAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}(?:\.[A-Za-z0-9]{1,8})?")
# Blocks that are dropped when they hold no text, image or anchor.
_DROP_WHEN_EMPTY = HEADINGS | {"p", "li", "div", "blockquote", "figcaption", "figure", "dt"}
# Descendants that make a block non-empty even without text.
_CONTENT_TAGS = {"img", "hr", "table", "span", "iframe", "video", "audio"}
_NBSP_RUN = re.compile(r"\s*\u00a0\s*")


def transform(root: etree._Element, base_url: str, own_images: frozenset[str]) -> None:
    """Placeholders, links, renames, linkify, whitespace and empty-block cleanup."""
    # Snapshot first: the loop replaces and removes elements.
    for el in list(root.iter()):
        if el is root or not isinstance(el.tag, str):
            continue
        tag = el.tag
        if tag == "img":
            _replace_image(el, own_images)
        elif tag in MEDIA_TAGS:
            _replace_media(el)
        elif tag == "source":
            remove(el)
        elif tag == "a":
            fix_link(el, base_url)
        elif tag == "span":
            if not el.get("id") and el.get("class") not in PLACEHOLDER_CLASSES:
                unwrap(el)
        elif tag in RENAME:
            el.tag = RENAME[tag]
    linkify(root)
    _tidy_whitespace(root)
    # Children before parents, so a div of empty paragraphs is empty in turn.
    for el in reversed(list(root.iter(*_DROP_WHEN_EMPTY))):
        if el is not root and _is_empty(el):
            remove(el)
    _separate_blocks(root)


def _placeholder(kind_class: str, text: str) -> etree._Element:
    span = etree.Element("span")
    span.set("class", kind_class)
    span.text = text
    return span


def library_image_name(src: str) -> str | None:
    """``NAME`` of a well-formed ``margin-image:NAME`` reference, else None."""
    scheme, _, name = src.strip().partition(":")
    if scheme.lower() != LIBRARY_IMAGE_SCHEME or not _IMAGE_NAME.fullmatch(name):
        return None
    return name


def _replace_image(img: etree._Element, own_images: frozenset[str]) -> None:
    src = (img.get("src") or "").strip()
    alt = " ".join((img.get("alt") or "").split())
    name = library_image_name(src)
    if name is not None and name in own_images:
        for attribute in list(img.attrib):
            if attribute not in ("src", "alt", "id"):
                del img.attrib[attribute]
        img.set("src", f"{LIBRARY_IMAGE_SCHEME}:{name}")
        img.set("alt", alt)
        return
    label = alt or " ".join((img.get("title") or "").split())
    span = _placeholder(IMAGE_PLACEHOLDER_CLASS, f"Image: {label}" if label else "Image")
    if img.get("id"):
        span.set("id", img.get("id"))
    replace(img, span)


def _replace_media(el: etree._Element) -> None:
    title = " ".join((el.get("title") or "").split())
    if el.tag == "iframe":
        host = urlsplit((el.get("src") or "").strip()).hostname or ""
        label = f"Embedded content from {host}" if host else "Embedded content"
    else:
        label = "Video" if el.tag == "video" else "Audio"
    if title:
        label = f"{label}: {title}"
    replace(el, _placeholder(MEDIA_PLACEHOLDER_CLASS, label))


def _tidy_whitespace(root: etree._Element) -> None:
    """Collapse &nbsp; clutter and trim white space at the edges of blocks."""
    in_pre = within(root, {"pre"})
    for el in root.iter():
        if el.text and "\u00a0" in el.text and el not in in_pre:
            el.text = _NBSP_RUN.sub(" ", el.text)
        if el.tail and "\u00a0" in el.tail:
            parent = el.getparent()
            if parent is not None and parent not in in_pre:
                el.tail = _NBSP_RUN.sub(" ", el.tail)
    for el in root.iter(*(BLOCK_TAGS - {"pre"})):
        if el not in in_pre:
            _strip_edges(el)


_EDGE_SPACE = " \t\r\n\u00a0"
# Inline children whose inner white space the edge trimming leaves alone.
_OPAQUE = {"br", "img", "span", "code"}


def _strip_edges(block: etree._Element) -> None:
    """Trim white space at the start and end of a block, down through inline children."""
    node = block
    while True:  # start: the first text, possibly inside the first inline child
        if node.text and node.text.strip(_EDGE_SPACE):
            node.text = node.text.lstrip(_EDGE_SPACE)
            break
        node.text = None
        if not len(node) or node[0].tag in BLOCK_TAGS or node[0].tag in _OPAQUE:
            break
        node = node[0]
    node = block
    while True:  # end: the last tail, or the last child's own text
        if len(node):
            last = node[-1]
            if last.tail and last.tail.strip(_EDGE_SPACE):
                last.tail = last.tail.rstrip(_EDGE_SPACE)
                break
            last.tail = None
            if last.tag in BLOCK_TAGS or last.tag in _OPAQUE:
                break
            node = last
        else:
            if node.text:
                node.text = node.text.rstrip(_EDGE_SPACE)
            break


def _is_empty(el: etree._Element) -> bool:
    if el.get("id"):
        return False
    if el.text and el.text.strip():
        return False  # the common case, decided without walking the subtree
    for child in el.iterdescendants():
        if not isinstance(child.tag, str):
            continue
        if child.tag in _CONTENT_TAGS or child.get("id"):
            return False
    return not "".join(el.itertext()).strip()


def _separate_blocks(root: etree._Element) -> None:
    """One newline between blocks in the HTML source, instead of WordPress's blank runs."""
    in_pre = within(root, {"pre"})
    for el in root.iter():
        if el in in_pre or el.tag == "code":
            continue
        children = list(el)
        if not children:
            continue
        if children[0].tag in BLOCK_TAGS and (el.text is None or not el.text.strip()):
            el.text = "\n"
        for index, child in enumerate(children):
            nxt = children[index + 1] if index + 1 < len(children) else None
            if child.tail is not None and child.tail.strip():
                continue
            if (child.tag in BLOCK_TAGS and (nxt is None or nxt.tag in BLOCK_TAGS)) or (
                nxt is not None and nxt.tag in BLOCK_TAGS and child.tail
            ):
                child.tail = "\n"
