"""Element surgery for the tree pass: parse a fragment, unwrap, replace, remove, serialize.

lxml's plain etree elements (not ``lxml.html``'s), with a parser that never touches
the network. Each operation keeps the text around the element it changes in place,
so no word of an article is lost or glued to its neighbour.
"""

from __future__ import annotations

from lxml import etree

from reader.core.sanitize.allowlist import BLOCK_TAGS

# Plain etree elements, not lxml.html's: its per-element class lookup costs more than
# the rest of the tree pass. no_network: parsing never fetches anything.
PARSER = etree.HTMLParser(
    no_network=True,
    remove_comments=True,
    remove_pis=True,
    collect_ids=False,
    default_doctype=False,
)


def parse_fragment(html: str) -> etree._Element:
    """Parse an HTML fragment into a ``div`` holding it (no ``p`` wrapped around text)."""
    doc = etree.fromstring(f"<html><body><div>{html}</div></body></html>", PARSER)
    return doc[0][0]


def serialize_children(root: etree._Element) -> str:
    parts = [root.text or ""]
    parts.extend(etree.tostring(child, encoding="unicode", method="html") for child in root)
    return "".join(parts)


def within(root: etree._Element, tags: set[str]) -> set[etree._Element]:
    """Every element that is one of ``tags`` or inside one (computed once per pass)."""
    inside: set[etree._Element] = set()
    for el in root.iter(*tags):
        if el not in inside:
            inside.update(el.iter())
    return inside


def remove(el: etree._Element) -> None:
    """Remove ``el`` and its content, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    previous = el.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def unwrap(el: etree._Element) -> None:
    """Replace ``el`` by its content (text, children and tail stay in place)."""
    parent = el.getparent()
    if parent is None:
        return
    previous = el.getprevious()

    def append_text(text: str | None) -> None:
        if not text:
            return
        if previous is not None:
            previous.tail = (previous.tail or "") + text
        else:
            parent.text = (parent.text or "") + text

    append_text(el.text)
    children = list(el)
    if children:
        children[-1].tail = (children[-1].tail or "") + (el.tail or "")
    else:
        append_text(el.tail)
    index = parent.index(el)
    parent[index : index + 1] = children


def replace(old: etree._Element, new: etree._Element) -> None:
    new.tail = old.tail
    old.getparent().replace(old, new)
    space_around(new)


def space_around(el: etree._Element) -> None:
    """Keep a placeholder's words apart from the text and inline elements beside it."""
    parent = el.getparent()
    previous = el.getprevious()
    if previous is not None:
        if previous.tail:
            if not previous.tail[-1].isspace():
                previous.tail += " "
        elif previous.tag not in BLOCK_TAGS and previous.tag != "br":
            previous.tail = " "
    elif parent is not None and parent.text and not parent.text[-1].isspace():
        parent.text += " "
    following = el.getnext()
    if el.tail:
        if not el.tail[0].isspace():
            el.tail = " " + el.tail
    elif following is not None and following.tag not in BLOCK_TAGS and following.tag != "br":
        el.tail = " "
