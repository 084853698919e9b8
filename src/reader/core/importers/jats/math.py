"""Formulas as readable text, and the plain text of any element (which may hold one).

MathML becomes a line a reader can follow (``x^2``, ``a/b``, ``√(x)``); TeX loses the
document preamble PMC wraps around it; a formula with neither keeps its own text.
"""

from __future__ import annotations

import re

from lxml import etree

from reader.core.importers.jats.tree import local, norm
from reader.core.sanitize import MATHML_ATTRIBUTES, MATHML_TAGS


def plain(el: etree._Element | None, *, skip: frozenset[str] = frozenset()) -> str:
    """Text of ``el``, whitespace collapsed, leaving out ``skip`` elements (not their tails)."""
    if el is None:
        return ""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if local(node) in skip:
            return
        if local(node) == "math":
            parts.append(math_text(node))
            return
        parts.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            parts.append(child.tail or "")

    walk(el)
    return norm("".join(parts))


def math_text(el: etree._Element) -> str:
    """MathML as a readable line: x^2, a/b, √(x); other elements by their text."""
    name = local(el)
    kids = [c for c in el if isinstance(c.tag, str)]

    def group(node: etree._Element) -> str:
        text = math_text(node)
        return text if len(text) <= 1 or text.isalnum() else f"({text})"

    if name in ("annotation", "annotation-xml"):
        return ""
    if name == "semantics" and kids:
        return math_text(kids[0])
    if name == "mfrac" and len(kids) == 2:
        return f"{group(kids[0])}/{group(kids[1])}"
    if name == "msup" and len(kids) == 2:
        return f"{math_text(kids[0])}^{group(kids[1])}"
    if name == "msub" and len(kids) == 2:
        return f"{math_text(kids[0])}_{group(kids[1])}"
    if name == "msubsup" and len(kids) == 3:
        return f"{math_text(kids[0])}_{group(kids[1])}^{group(kids[2])}"
    if name in ("msqrt",):
        return "√(" + "".join(math_text(k) for k in kids) + ")"
    if name == "mroot" and len(kids) == 2:
        return f"root{group(kids[1])}({math_text(kids[0])})"
    if name == "mo":
        op = (el.text or "").strip()
        return f" {op} " if op in {"=", "+", "−", "-", "×", "<", ">", "≤", "≥", "±", "≈"} else op
    if name in ("mi", "mn", "mtext", "ms"):
        return (el.text or "").strip() if name != "mtext" else (el.text or "")
    if name == "mspace":
        return " "
    return "".join(math_text(k) for k in kids) or (el.text or "").strip()


def tex_text(el: etree._Element) -> str:
    """TeX source without the document preamble PMC wraps around it."""
    tex = "".join(el.itertext())
    body = re.search(r"\\begin\{document\}(.*?)\\end\{document\}", tex, re.S)
    if body:
        tex = body.group(1)
    tex = tex.strip()
    for open_, close in (("$$", "$$"), ("$", "$"), ("\\[", "\\]"), ("\\(", "\\)")):
        if tex.startswith(open_) and tex.endswith(close) and len(tex) > len(open_) + len(close):
            tex = tex[len(open_) : -len(close)]
            break
    return norm(tex)


def formula_text(el: etree._Element) -> str:
    """A formula element's best readable form: MathML text, else TeX, else its text."""
    math = next((d for d in el.iter() if local(d) == "math"), None)
    if math is not None:
        text = norm(math_text(math))
        if text:
            return text
    tex = next((d for d in el.iter() if local(d) == "tex-math"), None)
    if tex is not None:
        return tex_text(tex)
    return plain(el, skip=frozenset({"label", "graphic", "inline-graphic"}))


def mathml_html(el: etree._Element, alttext: str, *, block: bool = False) -> str:
    """MathML for the reading view: namespace dropped, presentation elements and layout
    attributes only (the sanitizer's lists), and ``alttext`` (the readable line) that
    the canonical plain text takes instead."""
    from html import escape

    def render(node: etree._Element) -> str:
        name = local(node)
        if name == "semantics":
            kids = [k for k in node if isinstance(k.tag, str)]
            return render(kids[0]) if kids else ""
        if name not in MATHML_TAGS:
            return escape(node.text or "", quote=False) if name else ""
        attrs = "".join(
            f' {local_name}="{escape(value)}"'
            for key, value in sorted(node.attrib.items())
            if (local_name := etree.QName(key).localname) in MATHML_ATTRIBUTES
            and local_name != "display"
        )
        inner = escape(node.text or "", quote=False)
        for child in node:
            if isinstance(child.tag, str):
                inner += render(child)
            inner += escape(child.tail or "", quote=False)
        return f"<{name}{attrs}>{inner}</{name}>"

    body = "".join(
        render(child) + escape(child.tail or "", quote=False)
        for child in el
        if isinstance(child.tag, str)
    )
    display = "block" if block else "inline"
    return f'<math display="{display}" alttext="{escape(alttext)}">{body}</math>'
