"""Metadata of a saved web page: title, authors, site, dates, canonical URL, language.

The precedence follows Mozilla Readability (``Readability.js``, ``_getJSONLD`` and
``_getArticleMetadata``), because its test pages (``expected-metadata.json``) are our
golden data and because its choices are sensible for news and health sites:

1. schema.org JSON-LD of an article type (also inside ``@graph``, ``mainEntity`` and
   lists; ``@id`` references to a Person/Organization node are resolved),
2. Dublin Core (``dc:``/``dcterm:`` properties, then ``DC.`` names),
3. Open Graph / Twitter / plain ``<meta name>`` tags, then Parse.ly ``parsely-*``,
4. the document ``<title>``, cleaned of its " | Site name" part the way Readability does,
5. for the byline only: a byline element in the page (``rel=author``, ``itemprop=author``,
   ``class=byline``…).

Everything here reads an already parsed lxml tree and never fetches anything.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

# --- charset --------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""", re.I)
# The HTML standard maps these labels to windows-1252, and pages labelled so really are.
_CP1252_LABELS = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii"}


def declared_charset(head: bytes) -> str | None:
    """The encoding a page declares in its first KiB (meta charset or XML declaration).

    A page that is readable as ASCII cannot really be UTF-16, so such a declaration is
    ignored (browsers do the same); a real UTF-16 file is caught by its BOM or NUL bytes.
    """
    head = head[:4096]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii", "replace").strip().lower()
    if label.startswith(("utf-16", "utf16", "utf-32", "ucs")):
        return None
    if label in _CP1252_LABELS:
        return "cp1252"
    return label


# --- metadata -------------------------------------------------------------------------


@dataclass(slots=True)
class PageMetadata:
    """What a web page says about itself: title, byline, dates, identifiers."""

    title: str = ""
    byline: str = ""  # as the page writes it ("By Jane Doe, MD")
    authors: list[str] = field(default_factory=list)  # byline split into names
    site_name: str = ""
    published: dt.datetime | None = None
    published_raw: str = ""
    modified: dt.datetime | None = None
    canonical_url: str = ""
    language: str = ""
    excerpt: str = ""
    tags: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    image: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# Readability's property and name patterns (property may hold several space-separated
# values; the first matching one names the value).
_PROPERTY = re.compile(
    r"\s*(article|dc|dcterm|og|twitter)\s*:\s*"
    r"(author|creator|description|published_time|title|site_name)\s*",
    re.I,
)
_NAME = re.compile(
    r"^\s*(?:(dc|dcterm|og|twitter|parsely|weibo:(article|webpage))\s*[-.:]\s*)?"
    r"(author|creator|pub-date|description|title|site_name)\s*$",
    re.I,
)
_ARTICLE_TYPES = {
    "Article", "AdvertiserContentArticle", "NewsArticle", "AnalysisNewsArticle",
    "AskPublicNewsArticle", "BackgroundNewsArticle", "OpinionNewsArticle",
    "ReportageNewsArticle", "ReviewNewsArticle", "Report", "SatiricalArticle",
    "ScholarlyArticle", "MedicalScholarlyArticle", "SocialMediaPosting", "BlogPosting",
    "LiveBlogPosting", "DiscussionForumPosting", "TechArticle", "APIReference",
}  # fmt: skip
# Health sites often describe the article as a MedicalWebPage only: use it when no
# article type is present (Readability ignores it).
_FALLBACK_TYPES = {"MedicalWebPage"}
_SCHEMA_ORG = re.compile(r"^https?://schema\.org/?$")
_BYLINE_HINT = re.compile(r"byline|author|dateline|writtenby|p-author", re.I)
_TITLE_SEPARATORS = re.compile(r" [|\-–—\\/>»] ")
_CREDENTIAL = re.compile(
    r"^(?:[A-Z]{1,6}|M\.?D\.?|Ph\.?D\.?|PhD|MSc|MPH|RD|RN|DO|MBBS|FACP|Jr\.?|Sr\.?|MA|BA|BSc|"
    r"[A-Z][a-z]?[A-Z]{1,4})$"
)


def extract_metadata(root: etree._Element) -> PageMetadata:
    """Read the metadata of a parsed HTML page (``lxml.html`` document root)."""
    values = _meta_values(root)
    jsonld = _json_ld(root)
    parsely = _parsely_page(root)
    doc_title = _document_title(root)
    meta = PageMetadata()

    meta.title = (
        jsonld.get("title")
        or values.get("dc:title")
        or values.get("dcterm:title")
        or values.get("og:title")
        or values.get("weibo:article:title")
        or values.get("weibo:webpage:title")
        or values.get("title")
        or values.get("twitter:title")
        or values.get("parsely-title")
        or _article_title(root, doc_title)
    )
    article_author = values.get("article:author", "")
    if _is_url(article_author):
        article_author = ""
    meta.byline = (
        jsonld.get("byline")
        or values.get("dc:creator")
        or values.get("dcterm:creator")
        or values.get("author")
        or values.get("parsely-author")
        or article_author
        or parsely.get("author", "")
        or _content_byline(root)
    )
    meta.authors = jsonld.get("authors") or split_byline(meta.byline)
    meta.excerpt = (
        jsonld.get("excerpt")
        or values.get("dc:description")
        or values.get("dcterm:description")
        or values.get("og:description")
        or values.get("weibo:article:description")
        or values.get("weibo:webpage:description")
        or values.get("description")
        or values.get("twitter:description")
        or ""
    )
    meta.site_name = jsonld.get("site_name") or values.get("og:site_name") or ""
    meta.published_raw = (
        jsonld.get("published")
        or values.get("article:published_time")
        or values.get("parsely-pub-date")
        or parsely.get("pub_date", "")
        or _first_meta(root, "property", "og:published_time")
        or _first_meta(root, "name", "dc.date", "dcterms.date", "date", "citation_date")
        or ""
    )
    meta.published = parse_datetime(meta.published_raw)
    meta.modified = parse_datetime(
        jsonld.get("modified")
        or _first_meta(root, "property", "article:modified_time", "og:updated_time")
        or ""
    )
    meta.canonical_url = _canonical_url(root, values)
    meta.language = _language(root)
    meta.tags = _keywords(root)
    section = _first_meta(root, "property", "article:section")
    if section:
        meta.categories = [section]
    meta.image = _first_meta(root, "property", "og:image") or ""
    for key in ("pmid", "doi"):
        value = _first_meta(root, "name", f"citation_{key}", f"dc.identifier.{key}")
        if value:
            meta.extra[key] = value
    return meta


# --- <meta> tags -----------------------------------------------------------------------


def _meta_values(root: etree._Element) -> dict[str, str]:
    """Readability's ``values``: later tags overwrite earlier ones with the same key."""
    values: dict[str, str] = {}
    for el in root.iter("meta"):
        content = (el.get("content") or "").strip()
        if not content:
            continue
        matched = False
        prop = el.get("property")
        if prop:
            match = _PROPERTY.search(prop)
            if match:
                values[re.sub(r"\s", "", match.group(0)).lower()] = content
                matched = True
        name = el.get("name")
        if not matched and name and _NAME.match(name):
            key = re.sub(r"\s", "", name).lower().replace(".", ":")
            values[key] = content
    return values


def _parsely_page(root: etree._Element) -> dict[str, str]:
    """The older Parse.ly form: one ``parsely-page`` meta holding a JSON object."""
    raw = _first_meta(root, "name", "parsely-page")
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {k: v.strip() for k, v in value.items() if isinstance(v, str) and v.strip()}


def _first_meta(root: etree._Element, attr: str, *names: str) -> str:
    wanted = {n.lower() for n in names}
    for el in root.iter("meta"):
        if (el.get(attr) or "").strip().lower() in wanted and (el.get("content") or "").strip():
            return el.get("content", "").strip()
    return ""


def _keywords(root: etree._Element) -> list[str]:
    tags: list[str] = []
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or "").strip().lower()
        content = (el.get("content") or "").strip()
        if not content:
            continue
        if key == "article:tag":
            tags.append(content)
        elif key in ("keywords", "news_keywords", "parsely-tags"):
            tags.extend(t.strip() for t in content.split(",") if t.strip())
    return list(dict.fromkeys(tags))


def _canonical_url(root: etree._Element, values: dict[str, str]) -> str:
    for el in root.iter("link"):
        rels = (el.get("rel") or "").lower().split()
        href = (el.get("href") or "").strip()
        if "canonical" in rels and href.startswith(("http://", "https://")):
            return href
    og_url = _first_meta(root, "property", "og:url") or _first_meta(root, "name", "og:url")
    if og_url.startswith(("http://", "https://")):
        return og_url
    return ""


def _language(root: etree._Element) -> str:
    html = root if root.tag == "html" else root.find(".//html")
    lang = (html.get("lang") or html.get("xml:lang") or "").strip() if html is not None else ""
    if not lang:
        lang = _first_meta(root, "http-equiv", "content-language")
    if not lang:
        lang = _first_meta(root, "property", "og:locale").replace("_", "-")
    return lang


# --- JSON-LD ---------------------------------------------------------------------------


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type")
    items = value if isinstance(value, list) else [value]
    return {t.rsplit("/", 1)[-1] for t in items if isinstance(t, str)}


def _is_schema_org(obj: Any) -> bool:
    context = obj.get("@context") if isinstance(obj, dict) else None
    if isinstance(context, str):
        return bool(_SCHEMA_ORG.match(context))
    if isinstance(context, dict) and isinstance(context.get("@vocab"), str):
        return bool(_SCHEMA_ORG.match(context["@vocab"]))
    if isinstance(context, list):
        return any(isinstance(c, str) and _SCHEMA_ORG.match(c) for c in context)
    return False


def _walk_objects(value: Any, depth: int = 0) -> list[dict[str, Any]]:
    """Every JSON object in a JSON-LD block, outermost first (bounded depth)."""
    if depth > 6:
        return []
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        found.append(value)
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "hasPart", "itemListElement"):
            if key in value:
                found.extend(_walk_objects(value[key], depth + 1))
    elif isinstance(value, list):
        for item in value:
            found.extend(_walk_objects(item, depth + 1))
    return found


def _json_ld(root: etree._Element) -> dict[str, Any]:
    """The first schema.org article described in a JSON-LD block, as Readability reads it."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = re.sub(r"^\s*<!\[CDATA\[|\]\]>\s*$", "", script.text or "")
        try:
            parsed = json.loads(raw)
        except ValueError:
            continue
        blocks = parsed if isinstance(parsed, list) else [parsed]
        for block in blocks:
            if not _is_schema_org(block):
                continue
            objects = _walk_objects(block)
            by_id = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
            article = next((o for o in objects if _types(o) & _ARTICLE_TYPES), None)
            if article is None:
                article = next((o for o in objects if _types(o) & _FALLBACK_TYPES), None)
            if article is not None:
                return _read_article(article, by_id, _document_title(root))
    return {}


def _resolve(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in by_id:
        return by_id[value["@id"]]
    return value


def _names(value: Any, by_id: dict[str, dict[str, Any]]) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        item = _resolve(item, by_id)
        if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
            names.append(" ".join(item["name"].split()))
        elif isinstance(item, str) and item.strip() and not _is_url(item):
            names.append(" ".join(item.split()))
    return names


def _read_article(
    obj: dict[str, Any], by_id: dict[str, dict[str, Any]], doc_title: str
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    name, headline = obj.get("name"), obj.get("headline")
    if isinstance(name, str) and isinstance(headline, str) and name != headline:
        # Both given: take the one that resembles the document title (Readability).
        name_ok = text_similarity(name, doc_title) > 0.75
        headline_ok = text_similarity(headline, doc_title) > 0.75
        out["title"] = headline.strip() if headline_ok and not name_ok else name.strip()
    elif isinstance(name, str):
        out["title"] = name.strip()
    elif isinstance(headline, str):
        out["title"] = headline.strip()
    authors = _names(obj.get("author"), by_id)
    if authors:
        out["authors"] = authors
        out["byline"] = ", ".join(authors)
    if isinstance(obj.get("description"), str):
        out["excerpt"] = obj["description"].strip()
    publisher = _names(obj.get("publisher"), by_id)
    if not publisher:
        page = _resolve(obj.get("isPartOf"), by_id)
        if isinstance(page, dict):
            publisher = _names(_resolve(page.get("isPartOf"), by_id), by_id)
    if publisher:
        out["site_name"] = publisher[0]
    for key, field_name in (("datePublished", "published"), ("dateModified", "modified")):
        if isinstance(obj.get(key), str):
            out[field_name] = obj[key].strip()
    return {k: v for k, v in out.items() if v}


# --- title and byline ------------------------------------------------------------------


def _document_title(root: etree._Element) -> str:
    title = root.find(".//title")
    if title is None:
        return ""
    return " ".join((title.text_content() if hasattr(title, "text_content") else "").split())


def _words(text: str) -> int:
    return len(text.split())


def _article_title(root: etree._Element, orig: str) -> str:
    """Readability's ``_getArticleTitle``: strip " | Site" parts off the <title>."""
    cur = orig
    hierarchical = False
    if _TITLE_SEPARATORS.search(cur):
        hierarchical = bool(re.search(r" [\\/>»] ", cur))
        last = list(_TITLE_SEPARATORS.finditer(orig))[-1]
        cur = orig[: last.start()]
        if _words(cur) < 3:
            cur = re.sub(r"^[^|\-–—\\/>»]*[|\-–—\\/>»]", "", orig)
    elif ": " in cur:
        headings = [" ".join(h.text_content().split()) for h in root.iter("h1", "h2")]
        if orig.strip() not in headings:
            cur = orig[orig.rfind(":") + 1 :].strip()
            if _words(cur) < 3:
                cur = orig[orig.find(":") + 1 :].strip()
            elif _words(orig[: orig.find(":")]) > 5:
                cur = orig
    elif len(cur) > 150 or len(cur) < 15:
        h1s = list(root.iter("h1"))
        if len(h1s) == 1:
            cur = " ".join(h1s[0].text_content().split())
    cur = " ".join(cur.split())
    count = _words(cur)
    if count <= 4 and (not hierarchical or count != _words(re.sub(r"[|\-–—\\/>»]+", "", orig)) - 1):
        cur = orig
    return cur


def _content_byline(root: etree._Element) -> str:
    body = root.find(".//body")
    if body is None:
        return ""
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "meta", "link"):
            continue
        hint = f"{el.get('class', '')} {el.get('id', '')}"
        if (
            el.get("rel") == "author"
            or "author" in (el.get("itemprop") or "")
            or _BYLINE_HINT.search(hint)
        ):
            text = el.text_content().strip()
            if 0 < len(text) < 100:
                return text
    return ""


def split_byline(byline: str) -> list[str]:
    """Names in a byline: "By Ana Sandoiu" → ["Ana Sandoiu"]; "A, MD and B" → two names.

    Only the first line counts (the next ones are usually a desk or a date), and
    credentials after a comma ("Brenda Goodman, MA") stay with the name before them.
    """
    text = re.sub(r"^\s*(?:(?:posted|written)\s+)?by\b[:\s]*", "", byline, flags=re.I)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    text = " ".join(lines[0].split())
    # "Dan Goodin - Apr 16, 2015": the name, then a date after a separator.
    parts = re.split(r"\s+[-|•–—]\s+", text, maxsplit=1)
    if len(parts) == 2 and re.search(r"\d", parts[1]):
        text = parts[0]
    if _is_url(text) or re.search(r"\d{4}|^(?:last\s+)?(?:updated|published)\b", text, re.I):
        return []
    names: list[str] = []
    for chunk in _split_top_level(text):
        for piece in (p.strip() for p in chunk.split(",")):
            if not piece:
                continue
            if names and _CREDENTIAL.match(piece):
                names[-1] = f"{names[-1]}, {piece}"
            else:
                names.append(piece)
    return names


def _split_top_level(text: str) -> list[str]:
    """Split "A and B" / "A & B" / "A; B" outside parentheses.

    A conjunction splits only when both sides look like names of two words or more,
    so that a desk called "Mac & i" stays whole.
    """
    if "(" in text:
        depth, out, current = 0, [], ""
        for char in text:
            depth += (char == "(") - (char == ")")
            if char == ";" and depth == 0:
                out.append(current)
                current = ""
            else:
                current += char
        return [*out, current]
    pieces = [p for p in re.split(r";|\|", text) if p.strip()]
    result: list[str] = []
    for piece in pieces:
        halves = re.split(r"\s+(?:and|&|und|et|e|y)\s+", piece)
        if len(halves) > 1 and all(_words(h) >= 2 for h in halves):
            result.extend(halves)
        else:
            result.append(piece)
    return result


def text_similarity(a: str, b: str) -> float:
    """Readability's ``textSimilarity``: 1 − share of b's token text not found in a."""
    tokens_a = [t for t in re.split(r"\W+", a.lower()) if t]
    tokens_b = [t for t in re.split(r"\W+", b.lower()) if t]
    if not tokens_a or not tokens_b:
        return 0.0
    unique_b = [t for t in tokens_b if t not in tokens_a]
    return 1 - len(" ".join(unique_b)) / len(" ".join(tokens_b))


# --- values ----------------------------------------------------------------------------


def _is_url(text: str) -> bool:
    return bool(re.match(r"^https?://\S+$", text.strip()))


def parse_datetime(raw: str) -> dt.datetime | None:
    """ISO 8601 (or RFC 2822) → aware datetime; a date or time without a zone is UTC.

    Margin sorts articles by date, and aware and naive datetimes cannot be compared,
    so a source that gives no zone is taken to mean UTC (the raw string is kept).
    """
    raw = raw.strip()
    if not raw:
        return None
    value: dt.datetime | None = None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        try:
            value = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value
