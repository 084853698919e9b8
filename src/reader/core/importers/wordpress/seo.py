"""What Yoast, All in One SEO and similar plugins put beside a post: ``<meta>`` tags,
the canonical link and JSON-LD graphs, read from their ``*_head_json`` objects and
``*_head`` HTML strings alike.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any

from reader.core.importers.wordpress.values import (
    as_text,
    http_url,
    parse_datetime,
    plain_text,
    unique,
)

_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " · ", " :: ", " » ")
_META = re.compile(r"<meta\s[^>]*>", re.IGNORECASE)
_LINK = re.compile(r"<link\s[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([a-zA-Z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_JSON_LD = re.compile(
    r"<script[^>]*application/ld\+json[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL
)
_ARTICLE_TYPES = {
    "Article", "BlogPosting", "NewsArticle", "MedicalScholarlyArticle", "ScholarlyArticle",
    "Report", "TechArticle", "MedicalWebPage", "HealthTopicContent",
}  # fmt: skip


class Seo:
    """What Yoast, All in One SEO and similar plugins put beside a post.

    Both ``*_head_json`` objects and ``*_head`` HTML strings are read: their ``<meta>``
    and ``<link rel=canonical>`` tags, and their JSON-LD graphs.
    """

    def __init__(self, obj: dict[str, Any]) -> None:
        self.meta: dict[str, Any] = {}
        self.nodes: list[dict[str, Any]] = []
        self.breadcrumbs: list[dict[str, Any]] = []
        self.legacy_title = ""
        heads: list[str] = []
        for key, value in obj.items():
            if key.endswith("_head_json") and isinstance(value, dict):
                for name, item in value.items():
                    self.meta.setdefault(_meta_key(name), item)
                self._add_graph(value.get("schema"))
            elif key.endswith("_head") and isinstance(value, str):
                heads.append(value)
            elif key.endswith("_breadcrumb_json") and isinstance(value, list):
                self.breadcrumbs = [b for b in value if isinstance(b, dict)]
        for head in heads:
            self._read_head(head)
        legacy = obj.get("yoast_meta")
        if isinstance(legacy, dict):
            self.legacy_title = as_text(legacy.get("title") or legacy.get("yoast_wpseo_title"))
        self.by_id = {as_text(n.get("@id")): n for n in self.nodes if as_text(n.get("@id"))}

    def _read_head(self, head: str) -> None:
        for tag in _META.findall(head):
            attrs = _attributes(tag)
            name = attrs.get("property") or attrs.get("name")
            if name and "content" in attrs:
                self.meta.setdefault(_meta_key(name), attrs["content"])
        for tag in _LINK.findall(head):
            attrs = _attributes(tag)
            if attrs.get("rel", "").lower() == "canonical" and attrs.get("href"):
                self.meta.setdefault("canonical", attrs["href"])
        for block in _JSON_LD.findall(head):
            try:
                self._add_graph(json.loads(block))
            except (ValueError, RecursionError):
                continue

    def _add_graph(self, data: Any) -> None:
        if isinstance(data, list):
            items = data
        elif isinstance(data, dict):
            graph = data.get("@graph")
            items = graph if isinstance(graph, list) else [data]
        else:
            return
        self.nodes.extend(item for item in items if isinstance(item, dict))

    def _text(self, key: str) -> str:
        return plain_text(as_text(self.meta.get(key)))

    def _nodes_of(self, types: set[str]) -> list[dict[str, Any]]:
        return [n for n in self.nodes if _types(n) & types]

    def _resolve(self, ref: Any) -> list[dict[str, Any]]:
        refs = ref if isinstance(ref, list) else [ref]
        out = []
        for item in refs:
            if isinstance(item, dict):
                out.append(self.by_id.get(as_text(item.get("@id")), item))
            elif isinstance(item, str) and item in self.by_id:
                out.append(self.by_id[item])
        return out

    def article(self) -> dict[str, Any] | None:
        found = self._nodes_of(_ARTICLE_TYPES)
        return found[0] if found else None

    def headline(self) -> str:
        node = self.article()
        return plain_text(as_text(node.get("headline"))) if node else ""

    def title(self) -> str:
        return self._text("title") or self._text("og_title") or plain_text(self.legacy_title)

    def description(self) -> str:
        return self._text("description") or self._text("og_description")

    def canonical(self) -> str:
        return http_url(as_text(self.meta.get("canonical") or self.meta.get("canonical_url")))

    def authors(self) -> list[str]:
        names: list[str] = []
        node = self.article()
        if node is not None:
            names = [plain_text(as_text(p.get("name"))) for p in self._resolve(node.get("author"))]
        names = unique(names)
        if names:
            return names
        misc = self.meta.get("twitter_misc")
        written_by = as_text(misc.get("Written by")) if isinstance(misc, dict) else ""
        for candidate in (self._text("author"), plain_text(written_by)):
            if candidate and not candidate.startswith(("http://", "https://")):
                return [candidate]
        return []

    def site_name(self, title: str) -> str:
        for types in ({"WebSite"}, {"Organization", "NewsMediaOrganization"}):
            for node in self._nodes_of(types):
                name = plain_text(as_text(node.get("name")))
                if name:
                    return name
        og_site = self._text("og_site_name")
        if og_site:
            return og_site.split(" | ")[0].strip()
        # "Post title - Site": compared with quotes straightened, since SEO titles often
        # keep the typed ' where WordPress's title shows ’.
        wanted = _fold(title)
        seo_titles = (self._text("title"), self._text("og_title"), plain_text(self.legacy_title))
        for seo_title in seo_titles:
            folded = _fold(seo_title)
            for separator in _TITLE_SEPARATORS:
                prefix = wanted + separator
                rest = seo_title[len(prefix) :].strip()
                if wanted and folded.startswith(prefix) and rest:
                    return rest
        return ""

    def language(self) -> str:
        for node in [self.article(), *self._nodes_of({"WebPage", "WebSite"})]:
            if node and as_text(node.get("inLanguage")):
                return as_text(node.get("inLanguage"))
        locale = self._text("og_locale")
        return locale.replace("_", "-") if locale else ""

    def offset(self, which: str) -> dt.timedelta | None:
        key = "article_published_time" if which == "published" else "article_modified_time"
        ld_key = "datePublished" if which == "published" else "dateModified"
        candidates = [self.meta.get(key)]
        node = self.article()
        candidates += [node.get(ld_key)] if node else []
        candidates += [n.get(ld_key) for n in self._nodes_of({"WebPage"})]
        for value in candidates:
            parsed = parse_datetime(value)
            if parsed is not None and parsed.tzinfo is not None:
                return parsed.utcoffset()
        return None

    def breadcrumb_category(self, category_id: Any) -> str:
        if not isinstance(category_id, int):
            return ""
        pattern = re.compile(rf"[?&]cat={category_id}(?:&|$)")
        for crumb in self.breadcrumbs:
            if pattern.search(as_text(crumb.get("link"))):
                return plain_text(as_text(crumb.get("label")))
        return ""

    def section_names(self) -> list[str]:
        """Names the article node lists in ``articleSection`` (categories, maybe tags)."""
        node = self.article()
        value = node.get("articleSection") if node else None
        if isinstance(value, str):
            value = value.split(",")
        return _names(value) if isinstance(value, list) else []

    def yoast_sections(self) -> list[str]:
        """Yoast lists only categories in ``articleSection``, as a JSON list."""
        node = self.article()
        value = node.get("articleSection") if node else None
        return _names(value) if isinstance(value, list) else []

    def yoast_keywords(self) -> list[str]:
        """Yoast's article ``keywords`` are the post's tags, as a JSON list."""
        node = self.article()
        value = node.get("keywords") if node else None
        return _names(value) if isinstance(value, list) else []

    def image(self) -> dict[str, str] | None:
        candidates: list[Any] = []
        node = self.article()
        if node is not None:
            candidates.append(node.get("image"))
        for page in self._nodes_of({"WebPage"}):
            candidates.append(page.get("primaryImageOfPage"))
        for candidate in candidates:
            for image in self._resolve(candidate):
                url = http_url(as_text(image.get("url") or image.get("contentUrl")))
                if url:
                    caption = plain_text(as_text(image.get("caption")))
                    return {"alt": "", "caption": caption, "url": url}
        return None


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _names(values: list[Any]) -> list[str]:
    """The non-empty names in a JSON list, as plain text."""
    return [plain_text(as_text(v)) for v in values if plain_text(as_text(v))]


def _fold(text: str) -> str:
    """Curly quotes straightened, one character for one (so slices line up)."""
    return text.translate(_QUOTES)


def _meta_key(name: str) -> str:
    """``og:site_name``, ``og_site_name`` and ``canonical_url`` under one spelling."""
    return name.strip().lower().replace(":", "_")


def _attributes(tag: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for name, double, single, bare in _ATTR.findall(tag):
        attrs.setdefault(name.lower(), html.unescape(double or single or bare))
    return attrs


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type")
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set()
