"""``margin search``: the same index and query language as the window's search box."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import TextIO

from reader.cli.output import (
    ExitCode,
    Subparsers,
    add_command,
    emit,
    json_flag,
    open_library,
    positive_int,
)


def cmd_search(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        results = library.search(args.query, limit=args.limit)
    hits = [
        {
            "id": h.article_id,
            "title": h.title,
            "score": round(h.score, 4),
            "snippet": h.snippet_html,
            "site": h.site_name,
            "authors": h.authors,
            "published": h.published,
            "annotation": h.annotation_uuid,
        }
        for h in results.hits
    ]

    def text(out: TextIO) -> None:
        if results.corrected_from is not None:
            out.write(f"No articles match {args.query!r}. Showing results for: {results.query}\n")
        elif results.too_common:  # "the", "of the"
            out.write(
                f"{args.query!r} has only words too common to search for (the, and, of…): "
                "add a more telling word\n"
            )
        elif not results.hits:
            out.write(f"No articles match {args.query!r}.\n")
        if results.suggestion is not None and results.corrected_from is None:
            out.write(f"Did you mean: {results.suggestion}?\n")
        bold = ("\x1b[1m", "\x1b[0m") if sys.stdout.isatty() else ("**", "**")
        for h in results.hits:
            out.write(f"{h.article_id:>5}  {h.title}\n")
            snippet = snippet_text(h.snippet_html, bold)
            if snippet:
                out.write(textwrap.indent(textwrap.fill(snippet, 90), "       ") + "\n")
        more = (results.total or 0) - len(results.hits)
        if more > 0 and len(results.hits) == args.limit:
            out.write(f"… and {more} more (--limit {results.total} shows them all)\n")

    data = {
        "query": args.query,
        "total": results.total,
        "hits": hits,
        "suggestion": results.suggestion,  # the query with unknown words corrected
        "corrected": results.corrected_from is not None,  # hits are the suggestion's
    }
    emit(args, data, text)
    return ExitCode.OK


def snippet_text(snippet_html: str, bold: tuple[str, str]) -> str:
    import html
    import re

    marked = re.sub(r"<b[^>]*>", bold[0], snippet_html)
    marked = marked.replace("</b>", bold[1])
    return html.unescape(re.sub(r"<[^>]+>", "", marked))


def register(sub: Subparsers) -> None:
    p = add_command(
        sub,
        "search",
        cmd_search,
        'full-text search: words, "phrases", field:value, AND/OR/NOT, prefix*',
        epilog="fields: title author site tag category format published url note highlight cites",
    )
    p.add_argument("query", metavar="QUERY", help="what to look for (quote it in the shell)")
    p.add_argument("--limit", type=positive_int, default=20, metavar="N", help="at most N results")
    json_flag(p)
