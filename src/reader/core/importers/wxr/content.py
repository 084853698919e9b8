"""A WordPress post's content as WordPress itself would show it, before canonicalizing.

Gutenberg block comments are dropped, ``[caption]`` becomes ``<figure>``/``<figcaption>``,
other shortcodes keep their inner text (media shortcodes become a link), a URL alone on
its line becomes a link, classic content gets ``wpautop``'s paragraphs, and images with
no alt text take their attachment's.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import lxml.html

from reader.core.importers.wxr.reading import Item

_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^>]*?-->")
_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s'"\]]+))""")
_CAPTION = re.compile(r"\[(caption|wp_caption)\b([^\]]*)\](.*?)\[/\1\]", re.S)
_CAPTION_IMAGE = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.S)
_ENCLOSING = re.compile(r"\[([A-Za-z][\w-]*)\b([^\]]*)\](.*?)\[/\1\]", re.S)
# Shortcodes whose output is media or markup Margin cannot show offline.
_DROPPED = ("gallery", "playlist", "embed", "audio", "video", "wpvideo", "soundcloud", "youtube")
_MEDIA_URL = re.compile(r"https?://[^\s\"'\]]+")
_SELF_CLOSING_KNOWN = re.compile(
    r"\[(?:" + "|".join(_DROPPED) + r"|contact-form(?:-7)?|gravityforms?|wpforms|"
    r"instagram|tweet|googlemaps|slideshow|toc)\b[^\]]*\]",
    re.I,
)
# Any other "[name key=value …]" or "[name /]" is a shortcode; "[1]", "[sic]" are not.
_SELF_CLOSING_ATTRS = re.compile(r"\[[A-Za-z][\w-]*\s+[^\]]*=[^\]]*\]|\[[A-Za-z][\w-]*\s*/\]")

_BARE_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.M)

_ALLBLOCKS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|"
    "map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|"
    "aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary"
)


def _attrs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ATTR.finditer(text):
        out[m.group(1).lower()] = next((g for g in m.groups()[1:] if g is not None), "")
    return out


@dataclass(slots=True)
class Media:
    """An attachment of the export, as the posts that show it use it."""

    url: str = ""
    alt: str = ""
    caption: str = ""
    title: str = ""


def _captions_to_figures(content: str, media: dict[str, Media]) -> str:
    def repl(m: re.Match[str]) -> str:
        attrs = _attrs(m.group(2))
        inner = m.group(3)
        split = _CAPTION_IMAGE.match(inner)
        image, rest = (split.group(1), split.group(2)) if split else ("", inner)
        caption = attrs.get("caption") or rest.strip()
        ident = attrs.get("id", "").removeprefix("attachment_")
        if not caption and ident in media:
            caption = html.escape(media[ident].caption)
        if not image and not caption:
            return ""
        figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
        return f"\n\n<figure>{image}{figcaption}</figure>\n\n"

    return _CAPTION.sub(repl, content)


def _media_link(name: str, attrs_text: str, inner: str) -> str:
    """An audio/video/embed shortcode's URL as a plain link (nothing plays offline)."""
    if name.lower() not in ("embed", "audio", "video"):
        return ""
    found = _MEDIA_URL.search(inner) or _MEDIA_URL.search(attrs_text)
    if not found:
        return ""
    url = html.escape(found.group(0))
    return f'<a href="{url}">{url}</a>'


def _strip_shortcodes(content: str) -> str:
    # Enclosing shortcodes: keep their inner text (repeat for nesting), except media.
    for _ in range(5):

        def repl(m: re.Match[str]) -> str:
            name = m.group(1)
            if name.lower() in _DROPPED:
                return _media_link(name, m.group(2), m.group(3))
            return m.group(3)

        new = _ENCLOSING.sub(repl, content)
        if new == content:
            break
        content = new
    content = _SELF_CLOSING_KNOWN.sub(
        lambda m: _media_link(m.group(0)[1:].split()[0].rstrip("]"), m.group(0), ""), content
    )
    return _SELF_CLOSING_ATTRS.sub("", content)


def autop(text: str) -> str:
    """WordPress's ``wpautop``, reduced: blank lines make paragraphs, single newlines <br>.

    Block-level tags are set apart first so they are never wrapped in <p>, and
    <pre> blocks keep their newlines, as in WordPress.
    """
    if not text.strip():
        return ""
    pres: list[str] = []

    def keep_pre(m: re.Match[str]) -> str:
        pres.append(m.group(0))
        return f"<pre wp-pre-tag-{len(pres) - 1}></pre>"

    text = re.sub(r"<pre\b.*?</pre>", keep_pre, text, flags=re.S | re.I)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text, flags=re.I)
    text = re.sub(rf"(<(?:{_ALLBLOCKS})[\s/>])", r"\n\n\1", text, flags=re.I)
    text = re.sub(rf"(</(?:{_ALLBLOCKS})>)", r"\1\n\n", text, flags=re.I)
    chunks = [c.strip() for c in re.split(r"\n\s*\n", text) if c.strip()]
    out: list[str] = []
    block_start = re.compile(rf"^</?(?:{_ALLBLOCKS})[\s/>]", re.I)
    block_end = re.compile(rf"</?(?:{_ALLBLOCKS})[^>]*>$", re.I)
    for chunk in chunks:
        if block_start.match(chunk) or block_end.search(chunk):
            out.append(chunk)
            continue
        if re.fullmatch(r"(?:<!--.*?-->\s*)+", chunk, flags=re.S):
            out.append(chunk)
            continue
        out.append("<p>" + re.sub(r"\s*\n\s*", "<br />\n", chunk) + "</p>")
    result = "\n".join(out)
    for i, pre in enumerate(pres):
        result = result.replace(f"<pre wp-pre-tag-{i}></pre>", pre)
    return result


def _fill_images(content: str, media: dict[str, Media]) -> str:
    """Give images with no alt text the alt their attachment has in the export."""
    if "<img" not in content or not media:
        return content
    root = lxml.html.fragment_fromstring(content, create_parent="div")
    changed = False
    for img in root.iter("img"):
        if (img.get("alt") or "").strip():
            continue
        found = re.search(r"\bwp-image-(\d+)\b", img.get("class", ""))
        entry = media.get(found.group(1)) if found else None
        if entry is None:
            src = (img.get("src") or "").split("?")[0]
            entry = next((m for m in media.values() if m.url and m.url == src), None)
        if entry is not None and (entry.alt or entry.title):
            img.set("alt", entry.alt or entry.title)
            changed = True
    if not changed:
        return content
    parts = [root.text or ""]
    parts += [lxml.html.tostring(child, encoding="unicode") for child in root]
    return "".join(parts)


def content_html(item: Item, media: dict[str, Media]) -> str:
    content = item.content
    has_blocks = "<!-- wp:" in content
    content = _BLOCK_COMMENT.sub("", content)
    content = _captions_to_figures(content, media)
    content = _strip_shortcodes(content)
    # A URL alone on its line is what WordPress turns into an embed: keep it as a link.
    content = _BARE_URL_LINE.sub(r'<a href="\1">\1</a>', content)
    if not has_blocks:
        content = autop(content)
    return _fill_images(content, media)
