"""JATS inline content → HTML: text runs, emphasis, links, identifiers, formulas,
footnote markers and in-text citations.

:class:`InlineRenderer` holds what one article's rendering gathers (its citations, their
sentences, its footnotes, the element ids already used); :class:`.render.Renderer`
builds the blocks on top of it. Each ``<xref ref-type="bibr" rid="B3">`` becomes
``<a href="#ref-B3">`` and one :class:`~reader.core.model.Citation` (several for
``rid="B1 B2"``), with its sentence (:mod:`.contexts`) and its entry (:mod:`.references`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from lxml import etree

from reader.core.identifiers import (
    identifier_url,
    normalise_doi,
    normalise_pmcid,
    normalise_pmid,
)
from reader.core.images.collect import OPTIONAL, PACKAGE_FILE
from reader.core.images.collect import active as image_collector
from reader.core.importers.jats.contexts import Contexts
from reader.core.importers.jats.math import (
    formula_text,
    math_text,
    mathml_html,
    plain,
    tex_text,
)
from reader.core.importers.jats.references import Ref, kind_and_id, ref_ids
from reader.core.importers.jats.tree import (
    INLINE_MAP,
    SKIP_TAGS,
    XLINK_HREF,
    child_named,
    local,
    norm,
)
from reader.core.model import Citation

_NEWLINE_SPACE = re.compile(r"\s*\n\s*")


def escape_text(text: str | None) -> str:
    """Escape text for HTML; line breaks of the XML source are only spaces."""
    if not text:
        return ""
    return html.escape(_NEWLINE_SPACE.sub(" ", text), quote=False)


def escape_attr(text: str) -> str:
    return html.escape(text, quote=True)


def formula_html(el: etree._Element, *, block: bool = False) -> str:
    """A formula as MathML (the reading view renders it) whose alttext is the readable
    line the plain text has always had; TeX or text alone stay text."""
    text = formula_text(el)
    math = next((d for d in el.iter() if local(d) == "math"), None)
    if math is not None and text and norm(math_text(math)) == text:
        return mathml_html(math, text, block=block)
    return escape_text(text)


def graphic_img(graphic: etree._Element | None, alt: str, *, optional: bool = False) -> str:
    """An ``<img>`` for a ``<graphic>``: its ``xlink:href`` names the file beside the XML
    (PMC leaves the extension off). Stored when an import finds the file; otherwise the
    sanitizer makes it the placeholder it always was (or drops an ``optional`` one)."""
    href = (graphic.get(XLINK_HREF) or "").strip() if graphic is not None else ""
    src = f' src="{escape_attr(href)}"' if href else ""
    flag = f" {PACKAGE_FILE}" + (f" {OPTIONAL}" if optional else "")
    return f'<img alt="{escape_attr(alt)}"{src}{flag}>'


@dataclass
class InlineRenderer:
    """One article's inline elements → HTML, gathering its citations and footnotes."""

    refs: dict[str, Ref]
    citations: list[Citation] = field(default_factory=list)
    contexts: Contexts = field(default_factory=Contexts)
    footnotes: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)

    # ids -------------------------------------------------------------------------------

    def id_attr(self, el: etree._Element) -> str:
        ident = el.get("id", "")
        if not ident or ident in self.ids or not re.fullmatch(r"[A-Za-z][\w.:-]*", ident):
            return ""
        self.ids.add(ident)
        return f' id="{escape_attr(ident)}"'

    # inline ----------------------------------------------------------------------------

    def inline(self, el: etree._Element) -> str:
        """The content of ``el`` as inline HTML (block children flattened into it)."""
        out = [escape_text(el.text)]
        for child in el:
            if isinstance(child.tag, str):
                out.append(self.inline_element(child))
            out.append(escape_text(child.tail))
        return "".join(out)

    def inline_element(self, el: etree._Element) -> str:
        name = local(el)
        if name in SKIP_TAGS or (name in ("label",) and local(el.getparent()) in ("fn",)):
            return ""
        if name in INLINE_MAP:
            tag = INLINE_MAP[name]
            return f"<{tag}>{self.inline(el)}</{tag}>"
        if name == "break":
            return "<br>"
        if name == "xref":
            return self.xref(el)
        if name in ("ext-link", "uri", "self-uri"):
            return self.link(el)
        if name == "email":
            addr = plain(el)
            return f'<a href="mailto:{escape_attr(addr)}">{escape_text(addr)}</a>'
        if name == "pub-id":
            return self.pub_id(el)
        if name in ("inline-formula", "disp-formula"):
            return f"<span>{formula_html(el)}{self.formula_image(el)}</span>"
        if name == "math":
            text = norm(math_text(el))
            return f"<span>{mathml_html(el, text) if text else ''}</span>"
        if name == "tex-math":
            return f"<span>{escape_text(tex_text(el))}</span>"
        if name == "inline-graphic" and image_collector() is not None:
            # An equation or symbol given only as a picture; without a stored file it
            # says nothing (no placeholder inside a sentence).
            return graphic_img(el, plain(child_named(el, "alt-text")), optional=True)
        if name in ("inline-graphic", "graphic", "media"):
            return ""
        if name == "fn":
            return self.inline_fn(el)
        if name == "p":
            return " " + self.inline(el) + " "
        if name == "table-wrap" or name == "fig" or name == "list":
            # Rare: a float inside inline content (e.g. a table cell). Flatten its text.
            return " " + escape_text(plain(el)) + " "
        return self.inline(el)

    def link(self, el: etree._Element) -> str:
        href = (el.get(XLINK_HREF) or plain(el)).strip()
        link_type = (el.get("ext-link-type") or "").lower()
        if link_type == "doi" and not href.startswith("http"):
            href = identifier_url("doi", normalise_doi(href))
        elif link_type == "pmid" and href.isdigit():
            href = identifier_url("pmid", href)
        elif href.startswith("www."):
            href = "https://" + href
        text = self.inline(el) or escape_text(href)
        if not re.match(r"(?:https?|mailto|ftp):", href):
            return text
        return f'<a href="{escape_attr(href)}">{text}</a>'

    def pub_id(self, el: etree._Element) -> str:
        value = plain(el)
        id_type = (el.get("pub-id-type") or "").lower()
        if id_type == "doi":
            doi = normalise_doi(value)
            return (
                f'<a href="{escape_attr(identifier_url("doi", doi))}">doi:{escape_text(value)}</a>'
            )
        if id_type == "pmid":
            pmid = normalise_pmid(value)
            return f'<a href="{identifier_url("pmid", pmid)}">PMID: {escape_text(value)}</a>'
        if id_type in ("pmcid", "pmc"):
            pmcid = normalise_pmcid(value)
            return f'<a href="{identifier_url("pmcid", pmcid)}">{pmcid}</a>'
        return escape_text(value)

    def inline_fn(self, el: etree._Element) -> str:
        label = plain(child_named(el, "label")) or str(len(self.footnotes) + 1)
        fn_id = el.get("id") or f"fn-auto-{len(self.footnotes) + 1}"
        body = " ".join(self.inline(p) for p in el if local(p) == "p") or self.inline(el)
        self.footnotes.append(
            f'<li id="{escape_attr(fn_id)}"><sup>{escape_text(label)}</sup> {body}</li>'
        )
        return f'<sup><a href="#{escape_attr(fn_id)}">{escape_text(label)}</a></sup>'

    def xref(self, el: etree._Element) -> str:
        ref_type = el.get("ref-type", "")
        rids = (el.get("rid") or "").split()
        text = self.inline(el)
        if ref_type != "bibr":
            if not rids:
                return text
            return f'<a href="#{escape_attr(rids[0])}">{text}</a>' if text.strip() else ""
        if not rids:
            return text
        shown = plain(el)
        context = self.contexts.sentence(el)
        parts = [p.strip() for p in re.split(r"[,;]", shown)] if len(rids) > 1 else [shown]
        if len(rids) > 1 and len(parts) != len(rids):
            parts = [
                self.refs[r].entry.label if r in self.refs else r for r in rids
            ]  # "1–3" for three ids: show each reference's own label
        links = []
        for rid, part in zip(rids, parts, strict=True):
            anchor = f"ref-{rid}"
            ref = self.refs.get(rid)
            entry = ref.entry if ref else None
            kind, ident = kind_and_id(entry, anchor)
            self.citations.append(
                Citation(
                    kind=kind,
                    identifier=ident,
                    href=f"#{anchor}",
                    text=part,
                    context=context,
                    reference=entry,
                    ordinal=len(self.citations),
                    ids=ref_ids(entry) if entry else {},
                )
            )
            inner = text if len(rids) == 1 else escape_text(part)
            links.append(f'<a href="#{escape_attr(anchor)}">{inner}</a>')
        return ", ".join(links)

    def formula_image(self, el: etree._Element) -> str:
        """A formula that exists only as a picture (no MathML, no TeX), while an import
        is storing images; nothing otherwise, so the text stays what it always was."""
        if image_collector() is None:
            return ""
        if any(local(d) in ("math", "tex-math") for d in el.iter()):
            return ""
        graphic = next((g for g in el.iter() if local(g) in ("graphic", "inline-graphic")), None)
        return graphic_img(graphic, "formula", optional=True) if graphic is not None else ""
