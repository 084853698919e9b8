"""The sentence around each in-text citation (``<xref ref-type="bibr">``).

The block holding a citation (a paragraph, a table cell, a caption…) is laid out as
plain text once, recording where each ``xref`` starts and ends; the sentence comes from
:func:`reader.core.sentences.sentence_around`. Measured on the 22 JATS corpus articles:
all 1,828 citing sentences hold their own marker. About 800 did not while positions were
keyed by ``id()`` of lxml proxies (the count changed from run to run);
``journal.pmed.1001518.xml`` had 16 distinct sentences for 31 citations, now 27.
"""

from __future__ import annotations

from lxml import etree

from reader.core.importers.jats.math import math_text
from reader.core.importers.jats.tree import BLOCK_TAGS, SKIP_TAGS, local, norm
from reader.core.sentences import sentence_around

_CONTEXT_BLOCKS = {
    "p", "td", "th", "list-item", "title", "caption", "def", "term", "fn", "disp-quote",
    "license-p", "attrib", "statement",
}  # fmt: skip


class Contexts:
    """The sentence around each in-text citation, from the plain text of its block.

    Positions are keyed by the ``xref`` elements themselves, and the dictionaries keep
    those elements alive. lxml makes a fresh Python proxy for a node whenever none is
    alive, so ``id()`` of an element names nothing stable: keyed by ``id()``, most
    lookups missed and a citation quoted the first sentence of its paragraph.
    """

    def __init__(self) -> None:
        self._layouts: dict[etree._Element, str] = {}
        self._spans: dict[etree._Element, tuple[int, int]] = {}

    def _block_of(self, xref: etree._Element) -> etree._Element | None:
        node = xref.getparent()
        while node is not None and local(node) not in _CONTEXT_BLOCKS:
            node = node.getparent()
        return node

    def _layout(self, block: etree._Element) -> str:
        """The block's text, recording where each xref's text starts and ends in it."""
        if block in self._layouts:
            return self._layouts[block]
        parts: list[str] = []
        length = 0

        def add(text: str) -> None:
            nonlocal length
            if text:
                parts.append(text)
                length += len(text)

        def walk(node: etree._Element) -> None:
            name = local(node)
            if name == "math":
                add(math_text(node))
                return
            if name in SKIP_TAGS:
                return
            start = length
            add(node.text or "")
            for child in node:
                if isinstance(child.tag, str):
                    if local(child) in BLOCK_TAGS and local(child) not in ("title",):
                        add(" ")
                    walk(child)
                add(child.tail or "")
            if name == "xref":
                self._spans[node] = (start, length)

        walk(block)
        text = "".join(parts)
        self._layouts[block] = text
        return text

    def sentence(self, xref: etree._Element) -> str:
        block = self._block_of(xref)
        if block is None:
            return ""
        text = self._layout(block)
        at, end = self._spans.get(xref, (0, 0))
        start, stop = sentence_around(text, at, end)
        sentence = norm(text[start:stop])
        if len(sentence) > 600:
            rel = max(0, at - start - 300)
            sentence = "…" + norm(text[start + rel : start + rel + 600]) + "…"
        return sentence
