"""JATS body → canonical HTML blocks: sections, paragraphs, lists, figures, tables,
boxes, display formulas, footnote groups, and one ``<li id="ref-…">`` per reference entry.

:class:`Renderer` extends :class:`.inline.InlineRenderer` (text, links, citations) with
the block structure; the importer (:mod:`reader.core.importers.jats`) calls it for the
abstracts, body, back matter and references of each article.
"""

from __future__ import annotations

import html
import re

from lxml import etree

from reader.core.identifiers import identifier_url
from reader.core.importers.jats.inline import (
    InlineRenderer,
    escape_attr,
    escape_text,
    formula_html,
    graphic_img,
)
from reader.core.importers.jats.math import plain
from reader.core.importers.jats.references import has_mixed_text
from reader.core.importers.jats.tree import (
    BLOCK_TAGS,
    SKIP_TAGS,
    child_named,
    children_named,
    has_descendant,
    local,
    norm,
)
from reader.core.model import ReferenceEntry

_FIGURE_EXTRAS = (
    "table-wrap",
    "disp-formula",
    "list",
    "supplementary-material",
    "media",
)


class Renderer(InlineRenderer):
    """One article's elements → canonical HTML, gathering its citations and footnotes."""

    # blocks ----------------------------------------------------------------------------

    def flow(self, el: etree._Element, depth: int, *, wrap: bool = True) -> str:
        """Children of ``el``: block children as blocks, runs of inline content as <p>."""
        out: list[str] = []
        run: list[str] = [escape_text(el.text)]

        def flush() -> None:
            text = "".join(run)
            if text.strip():
                out.append(f"<p>{text.strip()}</p>" if wrap else text.strip())
            run.clear()

        for child in el:
            if not isinstance(child.tag, str):
                run.append(escape_text(child.tail))
                continue
            name = local(child)
            if name in BLOCK_TAGS and name not in ("title", "caption", "label"):
                flush()
                out.append(self.block(child, depth))
            elif name in ("title", "label", "caption"):
                pass  # the parent renders these itself
            else:
                run.append(self.inline_element(child))
            run.append(escape_text(child.tail))
        flush()
        return "".join(out)

    def heading(self, el: etree._Element, depth: int, default: str = "") -> str:
        title = child_named(el, "title")
        label = plain(child_named(el, "label"))
        text = self.inline(title) if title is not None else escape_text(default)
        if label and text.strip():
            text = f"{escape_text(label)} {text}"
        elif label:
            text = escape_text(label)
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
            text = formula_html(el, block=True) + (f" {escape_text(label)}" if label else "")
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
            return f"<p{self.id_attr(el)}>{graphic_img(el, alt)}</p>"
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
        parts = [f"<strong>{escape_text(label)}</strong>"] if label else []
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
                body = f"{escape_text(label)} {body}"
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
        parts = [f"<strong>{escape_text(label)}</strong>"] if label else []
        if caption is not None:
            title = child_named(caption, "title")
            if title is not None:
                parts.append(f"<strong>{self.inline(title).strip()}</strong>")
            for p in caption:
                if local(p) == "p":
                    parts.append(self.inline(p).strip())
        return " ".join(p for p in parts if p)

    def figure(self, el: etree._Element) -> str:
        # The caption follows as text: the placeholder only needs to say which figure.
        alt = plain(child_named(el, "label")).rstrip(".:") or plain(child_named(el, "alt-text"))
        figcaption = self.caption_text(el)
        extra = "".join(self.block(c, 3) for c in el if local(c) in _FIGURE_EXTRAS)
        cap = f"<figcaption>{figcaption}</figcaption>" if figcaption else ""
        graphics = [g for g in el.iter() if local(g) == "graphic"] or [None]
        img = "".join(graphic_img(g, alt or "figure") for g in graphics[:1])
        return f"<figure{self.id_attr(el)}>{img}{extra}{cap}</figure>"

    def table_wrap(self, el: etree._Element, depth: int) -> str:
        ident = self.id_attr(el)
        label = plain(child_named(el, "label"))
        caption = child_named(el, "caption")
        cap_parts = [f"<strong>{escape_text(label)}</strong>"] if label else []
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
            body += "".join(f"<p>{graphic_img(g, alt)}</p>" for g in graphics)
        foot = ""
        for part in el:
            if local(part) == "table-wrap-foot":
                for item in part.iter():
                    if local(item) == "fn":
                        fn_label = plain(child_named(item, "label"))
                        text = " ".join(self.inline(p).strip() for p in children_named(item, "p"))
                        lead = f"<sup>{escape_text(fn_label)}</sup> " if fn_label else ""
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
            lead = f"<sup>{escape_text(label)}</sup> " if label else ""
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
                names = escape_text(", ".join(shown)) + etal
                pieces.append(names if names.endswith(".") else names + ".")
            if entry.title:
                title = escape_text(entry.title)
                pieces.append(title if title.endswith((".", "?", "!")) else title + ".")
            where = escape_text(entry.journal)
            detail = entry.year
            if entry.volume:
                detail += f";{entry.volume}"
            if entry.issue:
                detail += f"({entry.issue})"
            if entry.pages:
                detail += f":{entry.pages}"
            tail = " ".join(
                p for p in (f"<em>{where}</em>" if where else "", escape_text(detail)) if p
            )
            if tail:
                pieces.append(tail + ".")
            comment = plain(child_named(cit, "comment"))
            if comment and not re.match(r"(?i)doi:?\s*10\.", comment):
                pieces.append(escape_text(comment))
            body = " ".join(pieces) or escape_text(entry.text)
            known = ""
        else:
            body = self.flow(ref, 5, wrap=False)
            known = body
        links = []
        if entry.doi and "doi.org/" not in known:
            doi_url = escape_attr(identifier_url("doi", entry.doi))
            links.append(f'<a href="{doi_url}">doi:{escape_text(entry.doi)}</a>')
        if entry.pmid and "pubmed.ncbi.nlm.nih.gov/" not in known:
            pmid_url = identifier_url("pmid", entry.pmid)
            links.append(f'<a href="{pmid_url}">PMID: {entry.pmid}</a>')
        if entry.pmcid and entry.pmcid not in known:  # PMC's old and new addresses
            pmc_url = identifier_url("pmcid", entry.pmcid)
            links.append(f'<a href="{pmc_url}">{entry.pmcid}</a>')
        if entry.url and entry.url not in known:
            links.append(f'<a href="{escape_attr(entry.url)}">{escape_text(entry.url)}</a>')
        if cit is None or not has_mixed_text(cit):
            # The structured parts glued together read badly: use the formatted entry.
            entry.text = norm(html.unescape(re.sub(r"<[^>]+>", " ", body)))
        # The <ol> numbers the entries: a numeric label ("3", "3.", "[3]") would repeat it.
        label = "" if re.fullmatch(r"\[?\d+[.\]]?", entry.label) else entry.label
        lead = (
            f"<strong>{escape_text(label)}</strong> "
            if label and not body.startswith(label)
            else ""
        )
        return f'<li id="{escape_attr(entry.anchor)}">{lead}{body} {" ".join(links)}</li>'
