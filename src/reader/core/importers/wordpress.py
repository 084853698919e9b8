"""WordPress REST API importer: ``/wp-json/wp/v2/posts`` (and pages) responses.

Accepted: one post object, a list of them (a saved archive page), with or without
``_embed``, pages and custom post types alike; also several objects one after another
(JSON Lines). Older WordPress and plugins that give plain strings instead of
``{"rendered": …}`` work too.

Where things come from, best source first:

* **title**: ``title.rendered``, tags stripped and entities decoded.
* **html/text**: :func:`reader.core.sanitize.canonicalize` of ``content.rendered``
  against the post's ``link``.
* **url**: the SEO plugin's canonical URL, else ``link``.
* **published/modified**: ``date`` with the offset ``date - date_gmt`` (so the wall time
  the site showed is kept and the instant is exact); with no ``date_gmt`` (drafts),
  the offset of the SEO head's ``article:published_time`` / JSON-LD ``datePublished``,
  then of ``modified - modified_gmt``; with none, naive.
* **authors**: ``_embedded.author``, then the JSON-LD ``Person`` the article node names,
  then Yoast's ``author``/"Written by", then ``<meta name="author">``.
* **site_name**: JSON-LD ``WebSite`` then ``Organization`` name, then ``og:site_name``
  cut at " | " (a tagline), then the part after the title in the SEO title
  ("Post - Site").
* **categories/tags**: ``_embedded["wp:term"]``; else breadcrumbs, Yoast's JSON-LD
  ``articleSection``/``keywords``, and ``class_list`` slugs (``category-…`` matched to a
  known name or title-cased; ``tag-…`` kept lower-case, as a tag's case is unknowable
  and AIOSEO's ``articleSection`` mixes categories and tags).
* **featured_image**: ``_embedded["wp:featuredmedia"]``; else the JSON-LD image.
* **language**: ``lang`` (Polylang/WPML), JSON-LD ``inLanguage``, ``og:locale``.

WordPress objects that are not articles (comments, media, terms, users, revisions, menu
items, blocks…) become :class:`Skipped`; unpublished posts too unless
``options.include_drafts``. In a list, a broken item becomes a warning and the rest
import; a file with nothing importable raises :class:`ImportFailure`.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

import nh3

from reader.core.errors import ImportFailure
from reader.core.model import ImportedArticle, ImportOptions, ParseResult, Skipped, SourceFormat
from reader.core.sanitize import canonicalize
from reader.core.textdecode import decode_text, sniff_bom

UNPUBLISHED = {"draft", "pending", "private", "future", "auto-draft"}
# Post types that hold no article: block-editor internals, menus, caches.
NOT_ARTICLE_TYPES = {
    "attachment": "WordPress media item",
    "revision": "WordPress revision",
    "nav_menu_item": "WordPress menu item",
    "wp_block": "WordPress reusable block",
    "wp_template": "WordPress template",
    "wp_template_part": "WordPress template part",
    "wp_navigation": "WordPress navigation menu",
    "wp_global_styles": "WordPress global styles",
    "wp_font_family": "WordPress font",
    "wp_font_face": "WordPress font",
    "customize_changeset": "WordPress customizer changeset",
    "oembed_cache": "WordPress oEmbed cache entry",
    "user_request": "WordPress privacy request",
    "custom_css": "WordPress custom CSS",
}
# Keys that only WordPress REST objects have (or nearly): two of them make a WP object.
_WP_KEYS = {
    "date_gmt", "modified_gmt", "guid", "slug", "link", "_links", "_embedded",
    "featured_media", "comment_status", "ping_status", "author_name", "avatar_urls",
    "taxonomy", "yoast_head", "yoast_head_json", "aioseo_head", "aioseo_head_json",
    "class_list", "sticky", "template", "menu_order",
}  # fmt: skip
_KEY = re.compile(r'"([A-Za-z_][A-Za-z0-9_:]*)"\s*:')
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " · ", " :: ", " » ")
_META = re.compile(r"<meta\s[^>]*>", re.IGNORECASE)
_LINK = re.compile(r"<link\s[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([a-zA-Z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_JSON_LD = re.compile(
    r"<script[^>]*application/ld\+json[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL
)
_BAD_CHARS = re.compile(r"[\x00\ud800-\udfff]")
_ARTICLE_TYPES = {
    "Article", "BlogPosting", "NewsArticle", "MedicalScholarlyArticle", "ScholarlyArticle",
    "Report", "TechArticle", "MedicalWebPage", "HealthTopicContent",
}  # fmt: skip


# --- sniff and parse ---------------------------------------------------------------------


def sniff(head: bytes, name: str) -> bool:
    """JSON whose keys look like a WordPress REST object (``.json`` breaks ties).

    A ``.json`` file that is not WordPress is claimed too, so that its user hears
    "JSON, but not a WordPress REST response" rather than "unknown format".
    """
    text = _decode_head(head).lstrip("\ufeff \t\r\n")
    if not text.startswith(("{", "[")):
        return False
    if '"rendered"' in text:
        return True
    if len(set(_KEY.findall(text)) & _WP_KEYS) >= 2:
        return True
    return name.lower().endswith(".json")


def parse(data: bytes, name: str, options: ImportOptions) -> ParseResult:
    """The articles in a WordPress REST response (see the module docstring)."""
    result = ParseResult()
    payload = _load_json(decode_text(data), result.warnings)
    if isinstance(payload, dict):
        if _is_rest_error(payload):
            message = _s(payload.get("message")) or _s(payload.get("code"))
            raise ImportFailure(f"this is a WordPress REST error response, not a post: {message}")
        items: list[Any] = [payload]
    elif isinstance(payload, list):
        items = payload
        if not items:
            raise ImportFailure("an empty JSON list: the WordPress response holds no posts")
    else:
        raise ImportFailure(
            "JSON, but not a WordPress REST response (expected a post object or a list)"
        )
    kinds = [_kind(item) if isinstance(item, dict) else None for item in items]
    if all(kind is None for kind in kinds):
        raise ImportFailure(
            "JSON, but not a WordPress REST response: no object has WordPress fields "
            'such as "title": {"rendered": …}, "content", "guid" or "link"'
        )
    skipped: list[str] = []
    for number, (item, kind) in enumerate(zip(items, kinds, strict=True), start=1):
        where = f"item {number}" if len(items) > 1 else "the post"
        if kind is None:
            what = "is not a JSON object" if not isinstance(item, dict) else "is not WordPress"
            result.warnings.append(f"{where} {what}; ignored")
            continue
        if kind != "post":
            skipped.append(_not_article_reason(item, kind))
            continue
        try:
            outcome = _article(item, options, result.warnings)
        except ImportFailure as exc:
            if len(items) == 1:
                raise
            title = _plain(_rendered(item.get("title")))[:120]
            named = f"{where} “{title}”" if title and title not in str(exc) else where
            result.failed.append(f"{named}: {exc}")
            continue
        if isinstance(outcome, Skipped):
            skipped.append(outcome.reason)
        else:
            result.articles.append(outcome)
    for reason, count in Counter(skipped).items():
        suffix = f" ({count} in this file)" if count > 1 else ""
        result.skipped.append(Skipped(reason + suffix))
    if not result.articles and not result.skipped and not result.failed:
        detail = result.warnings[0] if result.warnings else "no posts"
        raise ImportFailure(f"nothing to import from this WordPress response: {detail}")
    return result


def _decode_head(head: bytes) -> str:
    encoding, head = sniff_bom(head)
    if encoding is not None:
        return head.decode(encoding, errors="replace")
    sample = head[:200]
    if sample.count(0) > len(sample) // 3:
        encoding = "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
        return head.decode(encoding, errors="replace")
    return head.decode("utf-8", errors="replace")


def _load_json(text: str, warnings: list[str] | None = None) -> Any:
    text = text.lstrip("\ufeff")
    long_numbers: list[str] = []
    try:
        payload = json.loads(text, parse_int=_int_reader(long_numbers))
    except RecursionError:
        raise ImportFailure(
            "the JSON is nested too deeply to read (hundreds of levels): not a WordPress response"
        ) from None
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise ImportFailure(_json_error(exc, text)) from None
        payload = _json_lines(text, long_numbers)
        if payload is None:
            raise ImportFailure(_json_error(exc, text)) from None
    if long_numbers and warnings is not None:
        warnings.append(
            f"{len(long_numbers)} number(s) longer than {MAX_INT_DIGITS} digits were kept as text"
        )
    return payload


# No WordPress field holds a number this long; Python refuses to convert past 4,300
# digits with a message about sys.set_int_max_str_digits, which helps nobody here.
MAX_INT_DIGITS = 40


def _int_reader(long_numbers: list[str]) -> Callable[[str], int | str]:
    """json's ``parse_int``: an absurdly long integer is kept as its digits."""

    def read(digits: str) -> int | str:
        if len(digits) > MAX_INT_DIGITS:
            long_numbers.append(digits[:20])
            return digits
        return int(digits)

    return read


def _json_lines(text: str, long_numbers: list[str]) -> list[Any] | None:
    """Several JSON documents one after another (JSON Lines), or None."""
    decoder = json.JSONDecoder(parse_int=_int_reader(long_numbers))
    documents: list[Any] = []
    position = 0
    try:
        while True:
            while position < len(text) and text[position] in " \t\r\n":
                position += 1
            if position >= len(text):
                return documents
            document, position = decoder.raw_decode(text, position)
            documents.append(document)
    except (json.JSONDecodeError, RecursionError):
        return None


def _json_error(exc: json.JSONDecodeError, text: str) -> str:
    message = f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
    stripped = len(text.rstrip())
    if not text.strip():
        return "the file is empty"
    # The decoder says "Unterminated string" only when the input ends inside a string.
    cut_off = exc.pos >= stripped or exc.msg.startswith("Unterminated string")
    return message + (" (the file seems cut off)" if cut_off else "")


# --- what kind of object -----------------------------------------------------------------


def _is_rest_error(obj: dict[str, Any]) -> bool:
    return isinstance(obj.get("code"), str) and "message" in obj and "id" not in obj


def _has_rendered(value: Any) -> bool:
    return isinstance(value, dict) and ("rendered" in value or "raw" in value)


def _kind(obj: dict[str, Any]) -> str | None:
    """post, comment, media, term, user, error, other; None when not WordPress."""
    if _is_rest_error(obj):
        return "error"
    wp_type = obj.get("type")
    if wp_type == "attachment" or ("media_type" in obj and "source_url" in obj):
        return "media"
    if wp_type == "comment" or ("author_name" in obj and "post" in obj):
        return "comment"
    if "taxonomy" in obj and "name" in obj and "content" not in obj:
        return "term"
    if "avatar_urls" in obj and "name" in obj and "content" not in obj:
        return "user"
    if "rest_base" in obj and ("slug" in obj or "name" in obj):
        return "other"  # /wp/v2/types or /wp/v2/taxonomies
    rendered = any(_has_rendered(obj.get(key)) for key in ("title", "content", "excerpt", "guid"))
    plain = isinstance(obj.get("content"), str) and isinstance(obj.get("title"), str)
    wp_keys = len(_WP_KEYS & obj.keys())
    if rendered or (plain and wp_keys >= 1) or (wp_keys >= 2 and "content" in obj):
        if isinstance(wp_type, str) and wp_type in NOT_ARTICLE_TYPES:
            return "other"
        if re.fullmatch(r"\d+-(?:auto)?(?:revision|autosave)-v\d+", _s(obj.get("slug"))):
            return "other"
        return "post"
    if wp_keys >= 2:
        return "other"
    return None


def _not_article_reason(obj: dict[str, Any], kind: str) -> str:
    if kind == "comment":
        return "WordPress comment, not an article"
    if kind == "media":
        return "WordPress media item (attachment), not an article"
    if kind == "term":
        taxonomy = _s(obj.get("taxonomy"))
        label = {"category": "category", "post_tag": "tag"}.get(taxonomy, f"{taxonomy} term")
        return f"WordPress {label}, not an article"
    if kind == "user":
        return "WordPress user, not an article"
    if kind == "error":
        return f"WordPress REST error ({_s(obj.get('message'))}), not an article"
    wp_type = _s(obj.get("type"))
    if wp_type in NOT_ARTICLE_TYPES:
        return f"{NOT_ARTICLE_TYPES[wp_type]}, not an article"
    if re.fullmatch(r"\d+-(?:auto)?(?:revision|autosave)-v\d+", _s(obj.get("slug"))):
        return "WordPress revision, not an article"
    return "WordPress object that is not a post, not an article"


# --- one post ----------------------------------------------------------------------------


def _article(
    obj: dict[str, Any], options: ImportOptions, warnings: list[str]
) -> ImportedArticle | Skipped:
    seo = _Seo(obj)
    title = _plain(_rendered(obj.get("title"))) or seo.headline() or "Untitled"
    status = _s(obj.get("status")) or "publish"
    wp_type = _s(obj.get("type")) or "post"
    noun = "page" if wp_type == "page" else "post"
    if status == "trash":
        return Skipped(f"{noun} “{title}” is in the trash")
    if status in UNPUBLISHED and not options.include_drafts:
        return Skipped(f"{status} {noun} “{title}” (import with drafts included to add it)")
    content_field = obj.get("content")
    content = _rendered(content_field)
    if isinstance(content_field, dict) and content_field.get("protected") and not content.strip():
        return Skipped(f"password-protected {noun} “{title}”: its text is not in the file")
    if content_field is None:
        raise ImportFailure(f"{noun} “{title}” has no content field")
    link = _http_url(_rendered(obj.get("link")))
    url = seo.canonical() or link
    canonical = canonicalize(content, base_url=link or url)
    if not canonical.text:
        warnings.append(f"{noun} “{title}” has no text")
    excerpt = _excerpt(_rendered(obj.get("excerpt")), link) or seo.description()
    categories, tags, other_terms = _terms(obj, seo)
    published = _date(obj, "date", "date_gmt", seo.offset("published"))
    modified = _date(obj, "modified", "modified_gmt", seo.offset("modified"))
    metadata: dict[str, Any] = {"wp_type": wp_type, "status": status}
    for key in ("slug", "format", "comment_status"):
        if _s(obj.get(key)):
            metadata[key] = _s(obj.get(key))
    if isinstance(obj.get("sticky"), bool):
        metadata["sticky"] = obj["sticky"]
    if isinstance(obj.get("parent"), int) and obj["parent"]:
        metadata["parent_id"] = obj["parent"]
    if seo.description():
        metadata["seo_description"] = seo.description()
    if seo.title():
        metadata["seo_title"] = seo.title()
    if other_terms:
        metadata["terms"] = other_terms
    return ImportedArticle(
        title=title,
        html=canonical.html,
        text=canonical.text,
        source_format=SourceFormat.WORDPRESS_JSON,
        authors=_authors(obj, seo),
        site_name=seo.site_name(title),
        url=url,
        guid=_s(html.unescape(_rendered(obj.get("guid")))),
        external_id=_s(obj.get("id")) if isinstance(obj.get("id"), int | str) else "",
        published=published,
        modified=modified,
        excerpt=excerpt,
        language=_s(obj.get("lang")) or seo.language(),
        categories=categories,
        tags=tags,
        featured_image=_featured_image(obj, seo),
        metadata=metadata,
    )


def _s(value: Any) -> str:
    """A clean, stripped string (no NULs or lone surrogates) from any JSON value."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        return ""
    return _clean(value).strip()


def _rendered(value: Any) -> str:
    """``{"rendered": …}`` (or ``raw``) or a plain string, as a string."""
    if isinstance(value, dict):
        for key in ("rendered", "raw"):
            if isinstance(value.get(key), str):
                return _clean(value[key])
        return ""
    return _clean(value) if isinstance(value, str) else ""


def _clean(text: str) -> str:
    """NULs dropped, lone surrogates (from ``\\ud800`` escapes) made U+FFFD."""
    if not _BAD_CHARS.search(text):
        return text
    return _BAD_CHARS.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def _plain(markup: str) -> str:
    """Text of a short HTML string: tags stripped, entities decoded, spaces collapsed."""
    if not markup:
        return ""
    text = html.unescape(nh3.clean(markup, tags=set()))
    return " ".join(_s(text).split())


def _http_url(value: str) -> str:
    value = _s(html.unescape(value))
    return value if urlsplit(value).scheme in ("http", "https") else ""


def _excerpt(markup: str, base_url: str) -> str:
    text = canonicalize(markup, base_url=base_url).text if markup else ""
    text = " ".join(text.split())
    # WordPress's "more" marker: "… [&hellip;]" or "[…]".
    text = re.sub(r"\s*\[(?:…|\.\.\.)\]\s*$", "…", text)
    return text


def _date(
    obj: dict[str, Any], local_key: str, gmt_key: str, seo_offset: dt.timedelta | None
) -> dt.datetime | None:
    local = _parse_datetime(obj.get(local_key))
    gmt = _parse_datetime(obj.get(gmt_key))
    if local is not None and local.tzinfo is not None:
        return local
    if gmt is not None:
        gmt = gmt.replace(tzinfo=dt.UTC) if gmt.tzinfo is None else gmt
        if local is None:
            return gmt
        offset = local - gmt.replace(tzinfo=None)
        if _plausible_offset(offset):
            return local.replace(tzinfo=dt.timezone(offset))
        return gmt
    if local is None:
        return None
    if seo_offset is not None:
        return local.replace(tzinfo=dt.timezone(seo_offset))
    # A draft has no date_gmt; the site's offset may still show in the modified pair.
    mod_local = _parse_datetime(obj.get("modified"))
    mod_gmt = _parse_datetime(obj.get("modified_gmt"))
    if mod_local is not None and mod_gmt is not None and mod_gmt.tzinfo is None:
        offset = mod_local.replace(tzinfo=None) - mod_gmt
        if _plausible_offset(offset):
            return local.replace(tzinfo=dt.timezone(offset))
    return local


def _parse_datetime(value: Any) -> dt.datetime | None:
    text = _s(value)
    if not text or text.startswith("0000"):
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _plausible_offset(offset: dt.timedelta) -> bool:
    return abs(offset) <= dt.timedelta(hours=14) and offset.total_seconds() % 900 == 0


# --- names from _embedded, SEO heads and class_list -------------------------------------


def _embedded(obj: dict[str, Any], key: str) -> list[Any]:
    embedded = obj.get("_embedded")
    value = embedded.get(key) if isinstance(embedded, dict) else None
    return value if isinstance(value, list) else []


def _ok(entry: Any) -> bool:
    """An embedded entry that is data, not a REST error (``rest_forbidden``…)."""
    return isinstance(entry, dict) and not _is_rest_error(entry)


def _authors(obj: dict[str, Any], seo: _Seo) -> list[str]:
    names = [_plain(_s(a.get("name"))) for a in _embedded(obj, "author") if _ok(a)]
    names = _unique(names)
    if not names:
        names = seo.authors()
    if not names and isinstance(obj.get("author_name"), str):
        names = _unique([_plain(obj["author_name"])])
    return names


def _terms(obj: dict[str, Any], seo: _Seo) -> tuple[list[str], list[str], dict[str, list[str]]]:
    categories: list[str] = []
    tags: list[str] = []
    others: dict[str, list[str]] = {}
    embedded_terms = False
    for group in _embedded(obj, "wp:term"):
        if not isinstance(group, list):
            continue
        for term in group:
            if not _ok(term):
                continue
            embedded_terms = True
            name = _plain(_s(term.get("name")))
            taxonomy = _s(term.get("taxonomy"))
            if not name:
                continue
            if taxonomy == "category":
                categories.append(name)
            elif taxonomy == "post_tag":
                tags.append(name)
            elif taxonomy:
                others.setdefault(taxonomy, []).append(name)
    if embedded_terms:
        return _unique(categories), _unique(tags), {k: _unique(v) for k, v in others.items()}
    # No _embed: names from the SEO plugin, then slugs from class_list.
    listed = obj.get("categories")
    category_ids = listed if isinstance(listed, list) else []
    known = seo.section_names()
    for category_id in category_ids:
        name = seo.breadcrumb_category(category_id)
        if name:
            categories.append(name)
    for slug in _class_slugs(obj, "category-"):
        if slug.isdigit() or any(_slugify(c) == slug for c in categories):
            continue
        match = next((n for n in known if _slugify(n) == slug), "")
        categories.append(match or _humanise(slug).title())
    if not categories:
        categories = seo.yoast_sections()
    tags = seo.yoast_keywords()
    if not tags:
        tags = [_humanise(slug) for slug in _class_slugs(obj, "tag-") if not slug.isdigit()]
    return _unique(categories), _unique(tags), others


def _class_slugs(obj: dict[str, Any], prefix: str) -> list[str]:
    classes = obj.get("class_list")
    if isinstance(classes, dict):  # PHP arrays with gaps serialise as objects
        classes = list(classes.values())
    if not isinstance(classes, list):
        return []
    return [
        unquote(c[len(prefix) :]).lower()
        for c in classes
        if isinstance(c, str) and c.startswith(prefix) and len(c) > len(prefix)
    ]


def _slugify(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name.lower()).strip("-")


def _humanise(slug: str) -> str:
    return " ".join(_s(slug).replace("-", " ").replace("_", " ").split())


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            out.append(value)
    return out


def _featured_image(obj: dict[str, Any], seo: _Seo) -> dict[str, str] | None:
    for media in _embedded(obj, "wp:featuredmedia"):
        if not _ok(media):
            continue
        url = _http_url(_s(media.get("source_url")))
        alt = _plain(_s(media.get("alt_text")))
        caption = _plain(_rendered(media.get("caption")))
        if url or alt or caption:
            return {"alt": alt, "caption": caption, "url": url}
    if obj.get("featured_media") in (0, None) and "featured_media" in obj:
        return None
    return seo.image()


class _Seo:
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
            self.legacy_title = _s(legacy.get("title") or legacy.get("yoast_wpseo_title"))
        self.by_id = {_s(n.get("@id")): n for n in self.nodes if _s(n.get("@id"))}

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
        return _plain(_s(self.meta.get(key)))

    def _nodes_of(self, types: set[str]) -> list[dict[str, Any]]:
        return [n for n in self.nodes if _types(n) & types]

    def _resolve(self, ref: Any) -> list[dict[str, Any]]:
        refs = ref if isinstance(ref, list) else [ref]
        out = []
        for item in refs:
            if isinstance(item, dict):
                out.append(self.by_id.get(_s(item.get("@id")), item))
            elif isinstance(item, str) and item in self.by_id:
                out.append(self.by_id[item])
        return out

    def article(self) -> dict[str, Any] | None:
        found = self._nodes_of(_ARTICLE_TYPES)
        return found[0] if found else None

    def headline(self) -> str:
        node = self.article()
        return _plain(_s(node.get("headline"))) if node else ""

    def title(self) -> str:
        return self._text("title") or self._text("og_title") or _plain(self.legacy_title)

    def description(self) -> str:
        return self._text("description") or self._text("og_description")

    def canonical(self) -> str:
        return _http_url(_s(self.meta.get("canonical") or self.meta.get("canonical_url")))

    def authors(self) -> list[str]:
        names: list[str] = []
        node = self.article()
        if node is not None:
            names = [_plain(_s(p.get("name"))) for p in self._resolve(node.get("author"))]
        names = _unique(names)
        if names:
            return names
        misc = self.meta.get("twitter_misc")
        written_by = _s(misc.get("Written by")) if isinstance(misc, dict) else ""
        for candidate in (self._text("author"), _plain(written_by)):
            if candidate and not candidate.startswith(("http://", "https://")):
                return [candidate]
        return []

    def site_name(self, title: str) -> str:
        for types in ({"WebSite"}, {"Organization", "NewsMediaOrganization"}):
            for node in self._nodes_of(types):
                name = _plain(_s(node.get("name")))
                if name:
                    return name
        og_site = self._text("og_site_name")
        if og_site:
            return og_site.split(" | ")[0].strip()
        # "Post title - Site": compared with quotes straightened, since SEO titles often
        # keep the typed ' where WordPress's title shows ’.
        wanted = _fold(title)
        for seo_title in (self._text("title"), self._text("og_title"), _plain(self.legacy_title)):
            folded = _fold(seo_title)
            for separator in _TITLE_SEPARATORS:
                prefix = wanted + separator
                rest = seo_title[len(prefix) :].strip()
                if wanted and folded.startswith(prefix) and rest:
                    return rest
        return ""

    def language(self) -> str:
        for node in [self.article(), *self._nodes_of({"WebPage", "WebSite"})]:
            if node and _s(node.get("inLanguage")):
                return _s(node.get("inLanguage"))
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
            parsed = _parse_datetime(value)
            if parsed is not None and parsed.tzinfo is not None:
                return parsed.utcoffset()
        return None

    def breadcrumb_category(self, category_id: Any) -> str:
        if not isinstance(category_id, int):
            return ""
        pattern = re.compile(rf"[?&]cat={category_id}(?:&|$)")
        for crumb in self.breadcrumbs:
            if pattern.search(_s(crumb.get("link"))):
                return _plain(_s(crumb.get("label")))
        return ""

    def section_names(self) -> list[str]:
        """Names the article node lists in ``articleSection`` (categories, maybe tags)."""
        node = self.article()
        value = node.get("articleSection") if node else None
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list):
            return []
        return [_plain(_s(v)) for v in value if _plain(_s(v))]

    def yoast_sections(self) -> list[str]:
        """Yoast lists only categories in ``articleSection``, as a JSON list."""
        node = self.article()
        value = node.get("articleSection") if node else None
        return [_plain(_s(v)) for v in value if _plain(_s(v))] if isinstance(value, list) else []

    def yoast_keywords(self) -> list[str]:
        """Yoast's article ``keywords`` are the post's tags, as a JSON list."""
        node = self.article()
        value = node.get("keywords") if node else None
        return [_plain(_s(v)) for v in value if _plain(_s(v))] if isinstance(value, list) else []

    def image(self) -> dict[str, str] | None:
        candidates: list[Any] = []
        node = self.article()
        if node is not None:
            candidates.append(node.get("image"))
        for page in self._nodes_of({"WebPage"}):
            candidates.append(page.get("primaryImageOfPage"))
        for candidate in candidates:
            for image in self._resolve(candidate):
                url = _http_url(_s(image.get("url") or image.get("contentUrl")))
                if url:
                    caption = _plain(_s(image.get("caption")))
                    return {"alt": "", "caption": caption, "url": url}
        return None


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


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
