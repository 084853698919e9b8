"""JATS elements: their names and children, and the element sets the importer uses.

JATS 1.2+ may put the whole article in a namespace; :func:`strip_namespaces` gives plain
names (MathML keeps its namespace), so every other module compares local names.
"""

from __future__ import annotations

from lxml import etree

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

CITATION_TAGS = {"mixed-citation", "element-citation", "nlm-citation", "citation"}

# Elements whose content is laid out as blocks (the rest is inline text).
BLOCK_TAGS = {
    "p", "sec", "list", "def-list", "fig", "fig-group", "table-wrap", "table-wrap-group",
    "disp-formula", "disp-formula-group", "disp-quote", "boxed-text", "statement", "speech",
    "verse-group", "preformat", "supplementary-material", "array", "chem-struct-wrap",
    "ack", "app", "app-group", "ref-list", "fn-group", "glossary", "notes", "table",
    "graphic", "media", "title", "caption", "alternatives", "sig-block", "question-wrap",
    "answer", "question", "explanation",
}  # fmt: skip
# Never shown as text: identifiers and descriptions meant for machines or for images.
SKIP_TAGS = {
    "object-id", "alt-text", "long-desc", "permissions", "sec-meta", "processing-meta",
    "kwd-group", "counts", "custom-meta-group", "funding-group", "history",
}  # fmt: skip
INLINE_MAP = {
    "italic": "em", "bold": "strong", "sup": "sup", "sub": "sub", "monospace": "code",
    "underline": "u", "strike": "s", "sc": "span", "roman": "span", "sans-serif": "span",
    "overline": "span", "code": "code", "abbrev": "abbr",
}  # fmt: skip


def local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def norm(text: str) -> str:
    return " ".join(text.split())


def child_named(el: etree._Element | None, *names: str) -> etree._Element | None:
    if el is None:
        return None
    for child in el:
        if local(child) in names:
            return child
    return None


def children_named(el: etree._Element | None, *names: str) -> list[etree._Element]:
    if el is None:
        return []
    return [c for c in el if local(c) in names]


def strip_namespaces(root: etree._Element) -> None:
    """JATS in a namespace (1.2+ variants) → plain names; MathML keeps its namespace."""
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            qname = etree.QName(el)
            if qname.namespace != MATHML_NS:
                el.tag = qname.localname


def has_descendant(el: etree._Element, name: str) -> bool:
    return any(local(d) == name for d in el.iter())
