"""The article page the web view shows: header, body, CSS variables, the policy.

Everything here is plain text building (no Qt web classes), so the scheme handler can
serve a page and tests can read one without an engine.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from reader.core import highlight_colors
from reader.core.model import Article
from reader.ui import theme as themes
from reader.ui.library_model import short_date

SCHEME = "margin"
HOST = "app"
ORIGIN = f"{SCHEME}://{HOST}"
# Only Margin's own files may load; nothing else, not even an inline script.
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; script-src {ORIGIN}; style-src {ORIGIN} 'unsafe-inline'; "
    f"img-src {ORIGIN}; font-src {ORIGIN}; connect-src 'none'; frame-src 'none'; "
    "media-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
)
DARK_MIX = 0.42  # share of a highlight colour over a dark page: text stays readable
FONT_FAMILIES = {"serif": "var(--serif)", "sans": "var(--sans)"}
LIBRARY_IMAGE = re.compile(r"""(\bsrc\s*=\s*["'])margin-image:""", re.I)


@dataclass(frozen=True, slots=True)
class Typography:
    """What Preferences set: body font family, line spacing and column width."""

    family: str = "serif"  # "serif", "sans" or an installed family name
    line_spacing: float = 1.6
    column_chars: int = 68


def find_spans(
    haystack: str,
    needle: str,
    *,
    case_sensitive: bool = False,
    whole_words: bool = False,
    start: int = 0,
    end: int | None = None,
    limit: int = 5000,
) -> list[tuple[int, int]]:
    """Where ``needle`` occurs in ``haystack[start:end]``: find in page and search marks."""
    if not needle or not haystack:
        return []
    pattern = re.escape(needle)
    if whole_words:
        pattern = rf"(?<!\w){pattern}(?!\w)"
    flags = 0 if case_sensitive else re.IGNORECASE
    stop = len(haystack) if end is None else end
    found: list[tuple[int, int]] = []
    for match in re.compile(pattern, flags).finditer(haystack, start, stop):
        found.append(match.span())
        if len(found) >= limit:
            break
    return found


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def header_html(article: Article, cited_by: Sequence[tuple[int, str]] = ()) -> str:
    """Kicker (site), title, byline, dates and source, and which saved articles cite
    this one (links with the ``margin-article:ID`` scheme)."""
    esc = html.escape
    parts: list[str] = []
    kicker = article.site_name or article.journal
    if kicker:
        parts.append(f'<p class="kicker">{esc(kicker.upper())}</p>')
    parts.append(f'<h1 class="title">{esc(article.title or "Untitled")}</h1>')
    if article.authors:
        parts.append(f'<p class="byline">{esc(", ".join(article.authors))}</p>')
    meta: list[str] = []
    published = short_date(article.published, long_month=True)
    if published:
        meta.append(f"Published {esc(published)}")
    modified = short_date(article.modified, long_month=True)
    if modified and modified != published:
        meta.append(f"updated {esc(modified)}")
    if article.url and urlsplit(article.url).scheme in ("http", "https"):
        label = esc(_host(article.url) or article.url)
        meta.append(f'<a href="{esc(article.url, quote=True)}">{label}</a>')
    if meta:
        parts.append(f'<p class="meta">{" · ".join(meta)}</p>')
    if cited_by:
        links = ", ".join(
            f'<a href="margin-article:{article_id}">{esc(title or "Untitled")}</a>'
            for article_id, title in cited_by
        )
        parts.append(f'<p class="meta citedby">Cited by {len(cited_by)} saved: {links}</p>')
    return "".join(parts)


def _mix(colour: str, page: str, share: float) -> str:
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(page[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(
        f"{round(y * (1 - share) + x * share):02x}" for x, y in zip(a, b, strict=True)
    )


def highlight_paint(name: str, theme: themes.Theme) -> str:
    """The colour a highlight is painted with: plain on light pages, mixed into the page
    on dark ones so light text keeps its contrast while the hue still reads."""
    colours = highlight_colors.DEFAULT_COLORS
    colour = colours.get(name, colours["yellow"])[1]
    return _mix(colour, theme.page, DARK_MIX) if theme.dark else colour


def css_variables(
    theme: themes.Theme, font_size: int, typography: Typography = Typography()
) -> dict[str, str]:
    """The page's CSS variables for a theme, a size and the typography preferences."""
    family = FONT_FAMILIES.get(typography.family)
    if family is None:
        family = f'"{typography.family.replace(chr(34), "")}", var(--serif)'
    out = {
        "--page": theme.page,
        "--text": theme.text,
        "--muted": theme.muted,
        "--link": theme.link,
        "--rule": theme.rule,
        "--quote-bg": theme.quote_bg,
        "--code-bg": theme.code_bg,
        "--accent": theme.accent,
        "--selection-text": theme.selection_text,
        # Search and find marks: an underline in a colour no highlight uses.
        "--mark": "#ff5fa2" if theme.dark else "#c2185b",
        "--current-bg": theme.accent,
        "--current-text": "#ffffff",
        "--font-size": f"{int(font_size)}px",
        "--line-height": f"{typography.line_spacing:g}",
        "--column": f"{int(typography.column_chars)}ch",
        "--body-font": family,
        "color-scheme": "dark" if theme.dark else "light",
    }
    for name in highlight_colors.DEFAULT_COLORS:
        out[f"--hl-{name}"] = highlight_paint(name, theme)
    return out


def _root_style(variables: dict[str, str]) -> str:
    body = "; ".join(f"{k}: {v}" for k, v in variables.items())
    return f":root {{ {html.escape(body, quote=False)} }}"


def page_html(
    article: Article | None,
    variables: dict[str, str],
    *,
    cited_by: Sequence[tuple[int, str]] = (),
    empty_text: str = "Choose an article from the list, or search with Ctrl+K.",
) -> str:
    """The whole page: policy, Margin's CSS and JS, the header and the article body.

    The body is the stored canonical HTML as it is; only library images are pointed at
    Margin's scheme. Nothing else is rewritten (the page script wraps tables in boxes).
    """
    if article is None:
        content = f'<p id="margin-empty">{html.escape(empty_text)}</p>'
        lang = "en"
    else:
        body = LIBRARY_IMAGE.sub(rf"\1{ORIGIN}/image/", article.html)
        content = (
            f'<header id="margin-header">{header_html(article, cited_by)}</header>'
            f'<article id="margin-body">{body}</article>'
        )
        lang = html.escape(article.language or "en", quote=True)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
        '<meta name="referrer" content="no-referrer">'
        f'<link rel="stylesheet" href="{ORIGIN}/web/reader.css">'
        f'<style id="margin-vars">{_root_style(variables)}</style>'
        f'<script src="{ORIGIN}/web/qwebchannel.js" defer></script>'
        f'<script src="{ORIGIN}/web/reader.js" defer></script>'
        f'</head><body><main id="margin-page">{content}</main></body></html>'
    )
