"""The schema.org article a page describes in JSON-LD, read the way Readability's
``_getJSONLD`` reads it: article types also inside ``@graph``, ``mainEntity`` and lists,
``@id`` references to a Person/Organization node resolved."""

from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree

from reader.core.htmlmeta.byline import is_url
from reader.core.htmlmeta.title import document_title, text_similarity

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


def article_json_ld(root: etree._Element) -> dict[str, Any]:
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
                return _read_article(article, by_id, document_title(root))
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
        elif isinstance(item, str) and item.strip() and not is_url(item):
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
