"""What a page's ``<meta>`` and ``<link>`` tags say: Readability's ``values`` (Dublin
Core, Open Graph, Twitter, plain names, Parse.ly), keywords, canonical URL and language."""

from __future__ import annotations

import ipaddress
import json
import re
from urllib.parse import urlsplit

from lxml import etree

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


def meta_values(root: etree._Element) -> dict[str, str]:
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


def parsely_page(root: etree._Element) -> dict[str, str]:
    """The older Parse.ly form: one ``parsely-page`` meta holding a JSON object."""
    raw = first_meta(root, "name", "parsely-page")
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {k: v.strip() for k, v in value.items() if isinstance(v, str) and v.strip()}


def first_meta(root: etree._Element, attr: str, *names: str) -> str:
    wanted = {n.lower() for n in names}
    for el in root.iter("meta"):
        if (el.get(attr) or "").strip().lower() in wanted and (el.get("content") or "").strip():
            return el.get("content", "").strip()
    return ""


def keywords(root: etree._Element) -> list[str]:
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


def canonical_url(root: etree._Element, values: dict[str, str]) -> str:
    for el in root.iter("link"):
        rels = (el.get("rel") or "").lower().split()
        href = (el.get("href") or "").strip()
        if "canonical" in rels and href.startswith(("http://", "https://")):
            return href
    og_url = first_meta(root, "property", "og:url") or first_meta(root, "name", "og:url")
    if og_url.startswith(("http://", "https://")):
        return og_url
    return ""


def site_from_url(url: str) -> str:
    """A readable site name from a web address's host: "https://www.zotero.org/x" →
    "zotero.org"; "" for anything that names no public site.

    Kept plain on purpose: the host says where the page came from and cannot be wrong,
    whereas turning "nytimes.com" into a brand name would be a guess. Only "www." goes
    (it names no site of its own); other sub-domains ("siliconexposed.blogspot.com")
    are the site. An IP address or a single-label host ("localhost") is no site name.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or "." not in host:
        return ""
    try:
        ipaddress.ip_address(host)
        return ""
    except ValueError:
        pass
    try:
        host = host.encode("ascii").decode("idna")  # "xn--…" labels as their letters
    except UnicodeError:
        pass
    return host.rstrip(".").removeprefix("www.")


def language(root: etree._Element) -> str:
    html = root if root.tag == "html" else root.find(".//html")
    lang = (html.get("lang") or html.get("xml:lang") or "").strip() if html is not None else ""
    if not lang:
        lang = first_meta(root, "http-equiv", "content-language")
    if not lang:
        lang = first_meta(root, "property", "og:locale").replace("_", "-")
    return lang
