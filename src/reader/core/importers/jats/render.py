"""JATS body → canonical HTML: sections, paragraphs, lists, figures, tables, boxes,
formulas, footnotes, and one ``<li id="ref-…">`` per reference entry.

Each ``<xref ref-type="bibr" rid="B3">`` becomes ``<a href="#ref-B3">`` and one
:class:`~reader.core.model.Citation` (several for ``rid="B1 B2"``), with its sentence
(:mod:`.contexts`) and its entry (:mod:`.references`).
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
from reader.core.importers.jats.references import (
    Ref,
    has_mixed_text,
    kind_and_id,
    ref_ids,
)
from reader.core.importers.jats.tree import (
    BLOCK_TAGS,
    INLINE_MAP,
    SKIP_TAGS,
    XLINK_HREF,
    child_named,
    children_named,
    has_descendant,
    local,
    norm,
)
from reader.core.model import Citation, ReferenceEntry

_FIGURE_EXTRAS = (
    "table-wrap",
    "disp-formula",
    "list",
    "supplementary-material",
    "media",
)

_NEWLINE_SPACE = re.compile(r"\s*\n\s*")


def _esc(text: str | None) -> str:
    """Escape text for HTML; line breaks of the XML source are only spaces."""
    if not text:
        return ""
    return html.escape(_NEWLINE_SPACE.sub(" ", text), quote=False)


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def _formula_html(el: etree._Element, *, block: bool = False) -> str:
    """A formula as MathML (the reading view renders it) whose alttext is the readable
    line the plain text has always had; TeX or text alone stay text."""
    text = formula_text(el)
    math = next((d for d in el.iter() if local(d) == "math"), None)
    if math is not None and text and norm(math_text(math)) == text:
        return mathml_html(math, text, block=block)
    return _esc(text)


def _img(graphic: etree._Element | None, alt: str, *, optional: bool = False) -> str:
    """An ``<img>`` for a ``<graphic>``: its ``xlink:href`` names the file beside the XML
    (PMC leaves the extension off). Stored when an import finds the file; otherwise the
    sanitizer makes it the placeholder it always was (or drops an ``optional`` one)."""
    href = (graphic.get(XLINK_HREF) or "").strip() if graphic is not None else ""
    src = f' src="{_attr(href)}"' if href else ""
    flag = f" {PACKAGE_FILE}" + (f" {OPTIONAL}" if optional else "")
    return f'<img alt="{_attr(alt)}"{src}{flag}>'


@dataclass
class Renderer:
    """One article's elements → canonical HTML, gathering its citations and footnotes."""

    refs: dict[str, Ref]
    citations: list[Citation] = field(default_factory=list)
    contexts: Contexts = field(default_factory=Contexts)
    footnotes: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    rendered_fns: set[str] = field(default_factory=set)

    # ids -------------------------------------------------------------------------------

    def id_attr(self, el: etree._Element) -> str:
        ident = el.get("id", "")
        if not ident or ident in self.ids or not re.fullmatch(r"[A-Za-z][\w.:-]*", ident):
            return ""
        self.ids.add(ident)
        return f' id="{_attr(ident)}"'

    # inline ----------------------------------------------------------------------------

    def inline(self, el: etree._Element) -> str:
        """The content of ``el`` as inline HTML (block children flattened into it)."""
        out = [_esc(el.text)]
        for child in el:
            if isinstance(child.tag, str):
                out.append(self.inline_element(child))
            out.append(_esc(child.tail))
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
            return f'<a href="mailto:{_attr(addr)}">{_esc(addr)}</a>'
        if name == "pub-id":
            return self.pub_id(el)
        if name in ("inline-formula", "disp-formula"):
            return f"<span>{_formula_html(el)}{self.formula_image(el)}</span>"
        if name == "math":
            text = norm(math_text(el))
            return f"<span>{mathml_html(el, text) if text else ''}</span>"
        if name == "tex-math":
            return f"<span>{_esc(tex_text(el))}</span>"
        if name == "inline-graphic" and image_collector() is not None:
            # An equation or symbol given only as a picture; without a stored file it
            # says nothing (no placeholder inside a sentence).
            return _img(el, plain(child_named(el, "alt-text")), optional=True)
        if name in ("inline-graphic", "graphic", "media"):
            return ""
        if name == "fn":
            return self.inline_fn(el)
        if name == "p":
            return " " + self.inline(el) + " "
        if name == "table-wrap" or name == "fig" or name == "list":
            # Rare: a float inside inline content (e.g. a table cell). Flatten its text.
            return " " + _esc(plain(el)) + " "
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
        text = self.inline(el) or _esc(href)
        if not re.match(r"(?:https?|mailto|ftp):", href):
            return text
        return f'<a href="{_attr(href)}">{text}</a>'

    def pub_id(self, el: etree._Element) -> str:
        value = plain(el)
        id_type = (el.get("pub-id-type") or "").lower()
        if id_type == "doi":
            doi = normalise_doi(value)
            return f'<a href="{_attr(identifier_url("doi", doi))}">doi:{_esc(value)}</a>'
        if id_type == "pmid":
            pmid = normalise_pmid(value)
            return f'<a href="{identifier_url("pmid", pmid)}">PMID: {_esc(value)}</a>'
        if id_type in ("pmcid", "pmc"):
            pmcid = normalise_pmcid(value)
            return f'<a href="{identifier_url("pmcid", pmcid)}">{pmcid}</a>'
        return _esc(value)

    def inline_fn(self, el: etree._Element) -> str:
        label = plain(child_named(el, "label")) or str(len(self.footnotes) + 1)
        fn_id = el.get("id") or f"fn-auto-{len(self.footnotes) + 1}"
        body = " ".join(self.inline(p) for p in el if local(p) == "p") or self.inline(el)
        self.footnotes.append(f'<li id="{_attr(fn_id)}"><sup>{_esc(label)}</sup> {body}</li>')
        return f'<sup><a href="#{_attr(fn_id)}">{_esc(label)}</a></sup>'

    def xref(self, el: etree._Element) -> str:
        ref_type = el.get("ref-type", "")
        rids = (el.get("rid") or "").split()
        text = self.inline(el)
        if ref_type != "bibr":
            if not rids:
                return text
            return f'<a href="#{_attr(rids[0])}">{text}</a>' if text.strip() else ""
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
            inner = text if len(rids) == 1 else _esc(part)
            links.append(f'<a href="#{_attr(anchor)}">{inner}</a>')
        return ", ".join(links)

    # blocks ----------------------------------------------------------------------------

    def flow(self, el: etree._Element, depth: int, *, wrap: bool = True) -> str:
        """Children of ``el``: block children as blocks, runs of inline content as <p>."""
        out: list[str] = []
        run: list[str] = [_esc(el.text)]

        def flush() -> None:
            text = "".join(run)
            if text.strip():
                out.append(f"<p>{text.strip()}</p>" if wrap else text.strip())
            run.clear()

        for child in el:
            if not isinstance(child.tag, str):
                run.append(_esc(child.tail))
                continue
            name = local(child)
            if name in BLOCK_TAGS and name not in ("title", "caption", "label"):
                flush()
                out.append(self.block(child, depth))
            elif name in ("title", "label", "caption"):
                pass  # the parent renders these itself
            else:
                run.append(self.inline_element(child))
            run.append(_esc(child.tail))
        flush()
        return "".join(out)

    def heading(self, el: etree._Element, depth: int, default: str = "") -> str:
        title = child_named(el, "title")
        label = plain(child_named(el, "label"))
        text = self.inline(title) if title is not None else _esc(default)
        if label and text.strip():
            text = f"{_esc(label)} {text}"
        elif label:
            text = _esc(label)
        if not text.strip():
            return ""
        level = min(depth + 2, 6)
        return f"<h{level}>{text.strip()}</h{level}>"

    def section(self, el: etree._Element, depth: int, default: str = "") -> str:
        head = self.heading(el, depth, default)
        body = self.flow(el, depth + 1)
        if not head and not body:
            return ""
        return f"<section{self.id_attr(el)}>{head}{body}</section>"

    def block(self, el: etree._Element, depth: int) -> str:
        name = local(el)
        if name in SKIP_TAGS:
            return ""
        if name == "p":
            return self.flow(el, depth)
        if name in ("sec", "app", "notes", "question-wrap"):
            return self.section(el, depth)
        if name == "ack":
            return self.section(el, depth, "Acknowledgments")
        if name == "app-group":
            return self.section(el, depth, "Appendix" if child_named(el, "title") is None else "")
        if name == "glossary":
            return self.section(el, depth, "Abbreviations")
        if name == "fn-group":
            return self.fn_group(el, depth)
        if name == "ref-list":
            return ""  # gathered into one References section at the end
        if name == "list":
            return self.list(el, depth)
        if name == "def-list":
            return self.def_list(el, depth)
        if name in ("fig",):
            return self.figure(el)
        if name in (
            "fig-group",
            "table-wrap-group",
            "disp-formula-group",
            "alternatives",
        ):
            return self.group(el, depth)
        if name == "table-wrap":
            return self.table_wrap(el, depth)
        if name in ("table", "array"):
            return self.table(el)
        if name == "disp-formula":
            label = plain(child_named(el, "label"))
            text = _formula_html(el, block=True) + (f" {_esc(label)}" if label else "")
            return f"<p{self.id_attr(el)}>{self.formula_image(el)}{text}</p>"
        if name in ("disp-quote", "statement", "speech", "verse-group"):
            head = self.caption_line(el)
            return f"<blockquote{self.id_attr(el)}>{head}{self.flow(el, depth + 1)}</blockquote>"
        if name == "boxed-text":
            head = self.caption_line(el)
            return f"<blockquote{self.id_attr(el)}>{head}{self.flow(el, depth + 1)}</blockquote>"
        if name in ("preformat", "code"):
            return f"<pre>{html.escape(''.join(el.itertext()), quote=False)}</pre>"
        if name == "supplementary-material":
            head = self.caption_line(el)
            rest = self.flow(el, depth + 1)
            return f"<div{self.id_attr(el)}>{head}{rest}</div>" if head or rest else ""
        if name == "media":
            head = self.caption_line(el)
            return f"<div{self.id_attr(el)}>{head}</div>" if head else ""
        if name in ("graphic", "chem-struct-wrap"):
            alt = plain(child_named(el, "alt-text")) or plain(child_named(el, "caption")) or "image"
            return f"<p{self.id_attr(el)}>{_img(el, alt)}</p>"
        if name == "title":
            return f"<p><strong>{self.inline(el)}</strong></p>"
        if name == "caption":
            return self.flow(el, depth)
        return self.flow(el, depth)

    def caption_line(self, el: etree._Element) -> str:
        """Label and caption of a box/quote/supplement as a bold lead-in paragraph."""
        label = plain(child_named(el, "label"))
        caption = child_named(el, "caption")
        title = child_named(caption, "title") if caption is not None else child_named(el, "title")
        parts = [f"<strong>{_esc(label)}</strong>"] if label else []
        if title is not None:
            parts.append(f"<strong>{self.inline(title)}</strong>")
        head = f"<p>{' '.join(parts)}</p>" if parts else ""
        if caption is not None:
            head += self.flow(caption, 0)
        return head

    def group(self, el: etree._Element, depth: int) -> str:
        if local(el) == "alternatives":
            preferred = child_named(el, "table")
            if preferred is None:
                preferred = child_named(el, "graphic")
            return self.block(preferred, depth) if preferred is not None else ""
        return self.caption_line(el) + self.flow(el, depth)

    def list(self, el: etree._Element, depth: int) -> str:
        list_type = el.get("list-type", "")
        tag = "ol" if list_type in ("order", "alpha-lower", "alpha-upper", "roman-lower",
                                    "roman-upper") else "ul"  # fmt: skip
        title = child_named(el, "title")
        head = f"<p><strong>{self.inline(title)}</strong></p>" if title is not None else ""
        items = []
        for item in el:
            if local(item) != "list-item":
                continue
            paras = [c for c in item if isinstance(c.tag, str)]
            label = plain(child_named(item, "label"))
            if (
                len(paras) == 1
                and local(paras[0]) == "p"
                and not any(local(c) in BLOCK_TAGS for c in paras[0])
            ):
                body = self.inline(paras[0]).strip()
            else:
                body = self.flow(item, depth + 1)
            # A list that numbers itself shows no label; "simple" and custom lists do.
            if label and (list_type == "simple" or (tag == "ul" and list_type != "bullet")):
                body = f"{_esc(label)} {body}"
            items.append(f"<li>{body}</li>")
        return f"{head}<{tag}{self.id_attr(el)}>{''.join(items)}</{tag}>"

    def def_list(self, el: etree._Element, depth: int) -> str:
        title = child_named(el, "title")
        head = f"<p><strong>{self.inline(title)}</strong></p>" if title is not None else ""
        rows = []
        for item in el:
            if local(item) != "def-item":
                continue
            for part in item:
                if local(part) == "term":
                    rows.append(f"<dt>{self.inline(part).strip()}</dt>")
                elif local(part) == "def":
                    rows.append(f"<dd>{self.flow(part, depth + 1, wrap=False)}</dd>")
        return f"{head}<dl{self.id_attr(el)}>{''.join(rows)}</dl>"

    def caption_text(self, el: etree._Element) -> str:
        label = plain(child_named(el, "label"))
        caption = child_named(el, "caption")
        parts = [f"<strong>{_esc(label)}</strong>"] if label else []
        if caption is not None:
            title = child_named(caption, "title")
            if title is not None:
                parts.append(f"<strong>{self.inline(title).strip()}</strong>")
            for p in caption:
                if local(p) == "p":
                    parts.append(self.inline(p).strip())
        return " ".join(p for p in parts if p)

    def formula_image(self, el: etree._Element) -> str:
        """A formula that exists only as a picture (no MathML, no TeX), while an import
        is storing images; nothing otherwise, so the text stays what it always was."""
        if image_collector() is None:
            return ""
        if any(local(d) in ("math", "tex-math") for d in el.iter()):
            return ""
        graphic = next((g for g in el.iter() if local(g) in ("graphic", "inline-graphic")), None)
        return _img(graphic, "formula", optional=True) if graphic is not None else ""

    def figure(self, el: etree._Element) -> str:
        # The caption follows as text: the placeholder only needs to say which figure.
        alt = plain(child_named(el, "label")).rstrip(".:") or plain(child_named(el, "alt-text"))
        figcaption = self.caption_text(el)
        extra = "".join(self.block(c, 3) for c in el if local(c) in _FIGURE_EXTRAS)
        cap = f"<figcaption>{figcaption}</figcaption>" if figcaption else ""
        graphics = [g for g in el.iter() if local(g) == "graphic"] or [None]
        img = "".join(_img(g, alt or "figure") for g in graphics[:1])
        return f"<figure{self.id_attr(el)}>{img}{extra}{cap}</figure>"

    def table_wrap(self, el: etree._Element, depth: int) -> str:
        ident = self.id_attr(el)
        label = plain(child_named(el, "label"))
        caption = child_named(el, "caption")
        cap_parts = [f"<strong>{_esc(label)}</strong>"] if label else []
        title = child_named(caption, "title") if caption is not None else None
        if title is not None:
            cap_parts.append(self.inline(title).strip())
        notes = "".join(f"<p>{self.inline(p).strip()}</p>" for p in children_named(caption, "p"))
        tables = [c for c in el.iter() if local(c) == "table"]
        cap_html = f"<caption>{' '.join(cap_parts)}</caption>" if cap_parts else ""
        if tables:
            body = "".join(self.table(t, cap_html if i == 0 else "") for i, t in enumerate(tables))
        else:
            alt = ": ".join(p for p in (label, plain(title)) if p) or "table"
            body = f"<p>{' '.join(cap_parts)}</p>" if cap_parts else ""
            # A table given only as pictures (medRxiv: one TIFF per page of the table).
            graphics = [g for g in el.iter() if local(g) == "graphic"] or [None]
            body += "".join(f"<p>{_img(g, alt)}</p>" for g in graphics)
        foot = ""
        for part in el:
            if local(part) == "table-wrap-foot":
                for item in part.iter():
                    if local(item) == "fn":
                        fn_label = plain(child_named(item, "label"))
                        text = " ".join(self.inline(p).strip() for p in children_named(item, "p"))
                        lead = f"<sup>{_esc(fn_label)}</sup> " if fn_label else ""
                        foot += f"<p{self.id_attr(item)}><small>{lead}{text}</small></p>"
                    elif local(item) == "p" and local(item.getparent()) == "table-wrap-foot":
                        foot += f"<p><small>{self.inline(item).strip()}</small></p>"
        return f"<div{ident}>{body}{notes}{foot}</div>"

    def table(self, table: etree._Element, caption: str = "") -> str:
        out = [f"<table>{caption}"]
        for part in table:
            name = local(part)
            if name in ("thead", "tbody", "tfoot"):
                out.append(f"<{name}>")
                out.extend(self.row(r) for r in part if local(r) == "tr")
                out.append(f"</{name}>")
            elif name == "tr":
                out.append(self.row(part))
        out.append("</table>")
        return "".join(out)

    def row(self, tr: etree._Element) -> str:
        cells = []
        for cell in tr:
            name = local(cell)
            if name in ("td", "th"):
                cells.append(f"<{name}>{self.flow(cell, 4, wrap=False)}</{name}>")
        return f"<tr>{''.join(cells)}</tr>"

    def fn_group(self, el: etree._Element, depth: int) -> str:
        head = self.heading(el, depth, "Notes")
        items = []
        for fn in el:
            if local(fn) != "fn":
                continue
            label = plain(child_named(fn, "label"))
            lead = f"<sup>{_esc(label)}</sup> " if label else ""
            body = " ".join(self.inline(p).strip() for p in children_named(fn, "p")) or self.inline(
                fn
            )
            items.append(f"<li{self.id_attr(fn)}>{lead}{body}</li>")
        return f"<section{self.id_attr(el)}>{head}<ul>{''.join(items)}</ul></section>"

    # references ------------------------------------------------------------------------

    def reference_html(
        self, ref: etree._Element, entry: ReferenceEntry, cit: etree._Element | None
    ) -> str:
        """One ``<li id="ref-…">``: mixed citations as written, structured ones formatted."""
        if cit is not None and has_mixed_text(cit):
            body = self.inline(cit).strip()
            known = body
        elif cit is not None:
            pieces = []
            if entry.authors:
                shown = entry.authors[:6]
                etal = ", et al." if len(entry.authors) > 6 or has_descendant(cit, "etal") else ""
                names = _esc(", ".join(shown)) + etal
                pieces.append(names if names.endswith(".") else names + ".")
            if entry.title:
                title = _esc(entry.title)
                pieces.append(title if title.endswith((".", "?", "!")) else title + ".")
            where = _esc(entry.journal)
            detail = entry.year
            if entry.volume:
                detail += f";{entry.volume}"
            if entry.issue:
                detail += f"({entry.issue})"
            if entry.pages:
                detail += f":{entry.pages}"
            tail = " ".join(p for p in (f"<em>{where}</em>" if where else "", _esc(detail)) if p)
            if tail:
                pieces.append(tail + ".")
            comment = plain(child_named(cit, "comment"))
            if comment and not re.match(r"(?i)doi:?\s*10\.", comment):
                pieces.append(_esc(comment))
            body = " ".join(pieces) or _esc(entry.text)
            known = ""
        else:
            body = self.flow(ref, 5, wrap=False)
            known = body
        links = []
        if entry.doi and "doi.org/" not in known:
            doi_url = _attr(identifier_url("doi", entry.doi))
            links.append(f'<a href="{doi_url}">doi:{_esc(entry.doi)}</a>')
        if entry.pmid and "pubmed.ncbi.nlm.nih.gov/" not in known:
            pmid_url = identifier_url("pmid", entry.pmid)
            links.append(f'<a href="{pmid_url}">PMID: {entry.pmid}</a>')
        if entry.pmcid and entry.pmcid not in known:  # PMC's old and new addresses
            pmc_url = identifier_url("pmcid", entry.pmcid)
            links.append(f'<a href="{pmc_url}">{entry.pmcid}</a>')
        if entry.url and entry.url not in known:
            links.append(f'<a href="{_attr(entry.url)}">{_esc(entry.url)}</a>')
        if cit is None or not has_mixed_text(cit):
            # The structured parts glued together read badly: use the formatted entry.
            entry.text = norm(html.unescape(re.sub(r"<[^>]+>", " ", body)))
        # The <ol> numbers the entries: a numeric label ("3", "3.", "[3]") would repeat it.
        label = "" if re.fullmatch(r"\[?\d+[.\]]?", entry.label) else entry.label
        lead = f"<strong>{_esc(label)}</strong> " if label and not body.startswith(label) else ""
        return f'<li id="{_attr(entry.anchor)}">{lead}{body} {" ".join(links)}</li>'
