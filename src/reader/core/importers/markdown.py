"""Markdown articles with front matter (``.md``, ``.markdown``).

Front matter: YAML between ``---`` lines (read with ``yaml.safe_load`` only, so a
``!!python/...`` tag is refused rather than executed), JSON between ``;;;`` lines, or a
JSON object as the very first block (Hugo's convention). Known keys fill the article
(title, author/authors, date, tags, categories, source/url/canonical_url/link, site,
language/lang, excerpt/description/summary); every other key is kept in ``metadata``.

The body is rendered by markdown-it-py: CommonMark plus tables, strikethrough and
footnotes, with raw HTML *off*, so ``<script>`` in a note is shown as text, never run.
Footnote references render as ``<a href="#fn1" id="fnref1">`` and the notes as
``<li id="fn1">``; the canonical sanitizer keeps ids and ``#fragment`` links, so the
citation extractor can pair them.

Without a title in the front matter, the first level-1 heading is the title (and is
removed from the body, since the reader view shows the title already), else the file
name. A first heading that repeats the front-matter title is removed too.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import PurePath
from typing import Any

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from reader.core.errors import ImportFailure
from reader.core.htmlmeta import parse_datetime, site_from_url
from reader.core.images.resources import VAULT_FRAGMENT
from reader.core.model import ImportedArticle, ImportOptions, ParseResult, SourceFormat
from reader.core.sanitize import canonicalize
from reader.core.textdecode import decode_text, sniff_bom

_YAML_START = re.compile(rb"^---[ \t]*\r?\n")
_JSON_START = re.compile(rb"^(?:;;;[ \t]*\r?\n|\{\s*\r?\n?\s*\")")
# Front matter is a few dozen keys; these caps only stop hostile files quickly.
MAX_FRONT_MATTER_CHARS = 256 * 1024
MAX_FRONT_MATTER_NODES = 100_000
# Block quotes and lists nested on one line ("> > > …", "- - - …") past this depth are
# flattened to it; a list level counts twice in markdown-it's nesting, hence the margin.
MAX_CONTAINER_DEPTH = 32
_MAX_NESTING = 100
# White space only ever trails a marker, so a line that falls short fails in linear time.
_CONTAINER_MARKER = re.compile(r"(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))[ \t]*")
_DEEP_CONTAINERS = re.compile(
    rf"^[ \t]*(?:{_CONTAINER_MARKER.pattern}){{{MAX_CONTAINER_DEPTH + 1},}}", re.MULTILINE
)
_MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd", ".mkdn"}
_NOT_MARKDOWN = re.compile(rb"^\s*(?:<\?xml|<!doctype|<html|<rss|\[|\{)", re.I)

# front-matter key → ImportedArticle field (first key present wins, in this order)
_TITLE_KEYS = ("title",)
_AUTHOR_KEYS = ("authors", "author", "byline")
_DATE_KEYS = ("date", "published", "pubdate", "publishdate", "created")
_MODIFIED_KEYS = ("updated", "modified", "lastmod", "last_modified")
_URL_KEYS = ("canonical_url", "url", "source", "link", "permalink")
_SITE_KEYS = ("site", "site_name", "publisher")
_LANGUAGE_KEYS = ("language", "lang", "locale")
_EXCERPT_KEYS = ("excerpt", "description", "summary", "abstract")
_KNOWN = {
    *_TITLE_KEYS, *_AUTHOR_KEYS, *_DATE_KEYS, *_MODIFIED_KEYS, *_URL_KEYS, *_SITE_KEYS,
    *_LANGUAGE_KEYS, *_EXCERPT_KEYS, "tags", "categories", "category", "keywords",
}  # fmt: skip


def sniff(head: bytes, name: str) -> bool:
    """Front matter at the start, or a Markdown file name on text that is not HTML/JSON/XML."""
    _, head = sniff_bom(head)
    if _YAML_START.match(head) or head.startswith((b";;;\n", b";;;\r\n")):
        return True
    if PurePath(name).suffix.lower() not in _MARKDOWN_SUFFIXES:
        return False
    if _JSON_START.match(head):
        return True  # JSON front matter: a JSON object opening a .md file
    return b"\x00" not in head[:1024] and not _NOT_MARKDOWN.match(head)


# Obsidian's image embed: ![[chart.png]], ![[images/chart.png|300]], ![[chart.png|A chart]].
_OBSIDIAN_EMBED = re.compile(
    r"!\[\[([^\]|#\n]+?\.(?:png|jpe?g|gif|webp|tiff?|svg))(?:\|([^\]\n]*))?\]\]", re.I
)


def obsidian_embeds(body: str) -> str:
    """Obsidian's ``![[file.png|alt]]`` as a CommonMark image, marked to be looked for
    in the whole vault as Obsidian does (a size such as ``|300`` is not an alt text)."""

    def image(match: re.Match[str]) -> str:
        target, extra = match.group(1).strip(), (match.group(2) or "").strip()
        alt = "" if re.fullmatch(r"\d+(x\d+)?", extra) else extra
        alt = alt or PurePath(target).stem
        return f"![{alt.replace(']', '')}](<{target}#{VAULT_FRAGMENT}>)"

    return _OBSIDIAN_EMBED.sub(image, body) if "![[" in body else body


def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    # markdown-it drops the whole rest of a document past this depth (commonmark's
    # preset says 20); :func:`_flatten_deep_containers` keeps real text below it.
    md.options["maxNesting"] = _MAX_NESTING
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    return md


def parse(data: bytes, name: str, options: ImportOptions) -> ParseResult:
    """One Markdown file → one article."""
    text = decode_text(data).lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    front, body, _ = split_front_matter(text)
    body = obsidian_embeds(body)
    result = ParseResult()
    body, flattened = _flatten_deep_containers(body)
    if flattened:
        result.warnings.append(
            f"{flattened} line(s) nested deeper than {MAX_CONTAINER_DEPTH} quote or list "
            "levels were flattened to that depth"
        )
    md = _renderer()
    tokens = md.parse(body)
    title = _text(front.get("title"))
    heading, without_heading = _take_first_h1(tokens)
    if not title:
        title, tokens = heading, without_heading
    elif heading.casefold() == title.casefold():
        tokens = without_heading  # the same title twice: keep the front matter's
    if not title:
        title = PurePath(name).stem.replace("-", " ").replace("_", " ").strip() or "Untitled"
    html = md.renderer.render(tokens, md.options, {})
    url = _first(front, _URL_KEYS)
    canonical = canonicalize(html, base_url=url)

    published = _date(front, _DATE_KEYS, result)
    modified = _date(front, _MODIFIED_KEYS, result)
    extra = {k: _jsonable(v) for k, v in front.items() if k not in _KNOWN}
    result.articles.append(
        ImportedArticle(
            title=title,
            html=canonical.html,
            text=canonical.text,
            source_format=SourceFormat.MARKDOWN,
            authors=_list(_first_value(front, _AUTHOR_KEYS)),
            site_name=_first(front, _SITE_KEYS) or site_from_url(url),
            url=url,
            published=published,
            modified=modified,
            excerpt=_first(front, _EXCERPT_KEYS),
            language=_first(front, _LANGUAGE_KEYS),
            categories=_list(front.get("categories", front.get("category"))),
            tags=_list(front.get("tags", front.get("keywords"))),
            metadata=extra,
        )
    )
    return result


def _flatten_deep_containers(body: str) -> tuple[str, int]:
    """Cut each line's run of ``>`` / list markers to :data:`MAX_CONTAINER_DEPTH`.

    ``>>>>…`` 50,000 deep would otherwise blow markdown-it's nesting limit, which
    silently drops everything after it. Returns the body and how many lines changed.
    """
    if not _DEEP_CONTAINERS.search(body):
        return body, 0
    changed = 0

    def cut(match: re.Match[str]) -> str:
        nonlocal changed
        changed += 1
        prefix = match.group()
        indent = prefix[: len(prefix) - len(prefix.lstrip(" \t"))]
        markers = _CONTAINER_MARKER.findall(prefix)
        return indent + "".join(markers[:MAX_CONTAINER_DEPTH])

    return _DEEP_CONTAINERS.sub(cut, body), changed


# --- front matter ----------------------------------------------------------------------


def split_front_matter(text: str) -> tuple[dict[str, Any], str, int]:
    """(front matter, body, line number where the body starts), for BOM-free LF text."""
    lines = text.split("\n")
    if lines and lines[0].rstrip() == "---":
        end = _closing_line(lines, ("---", "..."))
        if end is None:
            raise ImportFailure("the YAML front matter starting at line 1 is never closed by ---")
        return _load_yaml("\n".join(lines[1:end])), "\n".join(lines[end + 1 :]), end + 2
    if lines and lines[0].rstrip() == ";;;":
        end = _closing_line(lines, (";;;",))
        if end is None:
            raise ImportFailure("the JSON front matter starting at line 1 is never closed by ;;;")
        return _load_json("\n".join(lines[1:end]), 2), "\n".join(lines[end + 1 :]), end + 2
    if text.startswith("{"):
        try:
            value, end = json.JSONDecoder(parse_int=_json_int).raw_decode(text)
        except json.JSONDecodeError as exc:
            raise ImportFailure(
                f"invalid JSON front matter at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
        if not isinstance(value, dict):
            raise ImportFailure("the JSON front matter is not an object")
        return value, text[end:].lstrip("\n"), text[:end].count("\n") + 2
    return {}, text, 1


def _closing_line(lines: list[str], markers: tuple[str, ...]) -> int | None:
    for index in range(1, len(lines)):
        if lines[index].rstrip() in markers:
            return index
    return None


def _load_yaml(source: str) -> dict[str, Any]:
    if len(source) > MAX_FRONT_MATTER_CHARS:
        raise ImportFailure(
            f"the YAML front matter is {len(source) // 1024} KB; Margin reads front matter "
            f"up to {MAX_FRONT_MATTER_CHARS // 1024} KB"
        )
    loader = yaml.SafeLoader(source)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}
        _check_expanded_size(node)
        value = loader.construct_document(node)
    except RecursionError:
        raise ImportFailure("the YAML front matter is nested too deeply to read") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if mark is not None:
            # +2: the opening --- is line 1, and marks count from 0.
            where = f"line {mark.line + 2}, column {mark.column + 1}"
            raise ImportFailure(f"invalid YAML front matter at {where}: {problem}") from None
        raise ImportFailure(f"invalid YAML front matter: {problem}") from None
    finally:
        loader.dispose()
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ImportFailure("the YAML front matter is not a mapping of keys to values")
    return {str(k): v for k, v in value.items()}


def _check_expanded_size(root: yaml.Node) -> None:
    """Refuse front matter whose aliases expand past :data:`MAX_FRONT_MATTER_NODES`.

    YAML aliases share nodes, so ten lines of ``&a``/``*a`` can stand for 10**10 values
    (the "billion laughs" of YAML): cheap to compose, ruinous to walk. The expanded size
    is counted on the composed graph, each shared node once, before anything is built.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # started but not finished: the current path
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = _yaml_children(node)
        if finished:
            open_nodes.discard(key)
            size = 1 + sum(sizes[id(child)] for child in children)
            if size > MAX_FRONT_MATTER_NODES:
                raise ImportFailure(
                    "the YAML front matter's aliases (*name) expand to more than "
                    f"{MAX_FRONT_MATTER_NODES:,} values: refused as an alias bomb"
                )
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise ImportFailure("the YAML front matter has an alias that contains itself")
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)


def _yaml_children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _json_int(digits: str) -> int | str:
    """An integer too long for Python's int() limit (4,300 digits) stays text."""
    return digits if len(digits) > 40 else int(digits)


def _load_json(source: str, first_line: int) -> dict[str, Any]:
    try:
        value = json.loads(source, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        line = exc.lineno + first_line - 1
        raise ImportFailure(
            f"invalid JSON front matter at line {line}, column {exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(value, dict):
        raise ImportFailure("the JSON front matter is not an object")
    return value


# --- values ----------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return " ".join(str(value).split())


def _first_value(front: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if front.get(key) not in (None, "", []):
            return front[key]
    return None


def _first(front: dict[str, Any], keys: tuple[str, ...]) -> str:
    return _text(_first_value(front, keys))


def _list(value: Any) -> list[str]:
    """A YAML list, a comma-separated string, or {name: …} objects → list of strings."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name", "")
        if isinstance(item, str) and "," in item and not isinstance(value, list):
            out.extend(p.strip() for p in item.split(","))
        else:
            out.append(_text(item))
    return [s for s in dict.fromkeys(out) if s]


def _date(front: dict[str, Any], keys: tuple[str, ...], result: ParseResult) -> dt.datetime | None:
    value = _first_value(front, keys)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    parsed = parse_datetime(str(value))
    if parsed is None:
        result.warnings.append(f"the date {str(value)!r} in the front matter was not understood")
    return parsed


def _jsonable(value: Any) -> Any:
    """Front-matter values as JSON-friendly data (YAML gives dates and datetimes)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# --- body ------------------------------------------------------------------------------


def _take_first_h1(tokens: list[Any]) -> tuple[str, list[Any]]:
    """The first level-1 heading's text, and the tokens without it."""
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h1" and token.level == 0:
            inline = tokens[index + 1]
            title = " ".join(inline.content.split())
            if not title:
                return "", tokens
            return _strip_markup(title), tokens[:index] + tokens[index + 3 :]
    return "", tokens


def _strip_markup(title: str) -> str:
    """A heading's inline Markdown as plain text: "*Vitamin* D" → "Vitamin D"."""
    html = MarkdownIt("commonmark", {"html": False}).renderInline(title)
    text = re.sub(r"<[^>]+>", "", html)
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    )
