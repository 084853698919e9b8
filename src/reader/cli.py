"""The `margin` command: subcommands drive the library; no subcommand opens the window.

Every subcommand goes through :class:`reader.core.library.Library`, exactly like the
window. Listing commands take ``--json`` and print the shapes documented in the README.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import asdict
from enum import IntEnum
from pathlib import Path
from typing import Any, TextIO

from reader import __version__
from reader.core.errors import MarginError, NotFound
from reader.core.model import ImportOptions, ImportStatus


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # the command ran but something failed (a file did not import, not found…)
    USAGE = 2  # the command line itself is wrong (argparse uses 2 too)
    INTERRUPTED = 130


DESCRIPTION = """\
Margin reads, searches and annotates health articles offline.

Run without a command to open the window. With a command, work on the library from
the terminal. The library is a folder: --library DIR, else $MARGIN_LIBRARY, else
your user data folder.
"""

EPILOG = """\
examples:
  margin import ~/Downloads/posts.json exports/ archive.zip
  margin search 'ketamine "chronic pain"'
  margin search 'author:allitt tag:ketamine published:[2024 to 2025]'
  margin search 'cites:PMID:30819549'
  margin show 3 --format text | less
  margin highlight 3 --quote "lower risk of abuse" --color red --note "check dose"
  margin export --all --out ~/notes/margin/

exit codes: 0 success, 1 something failed (see the message), 2 usage error.
"""


def _out(args: argparse.Namespace, data: Any, text: Callable[[TextIO], None]) -> None:
    """One output helper: JSON when --json was given, human text otherwise."""
    if getattr(args, "json", False):
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        text(sys.stdout)


def _open_library(args: argparse.Namespace):  # -> Library (imported lazily: fast --help)
    from reader.core.library import Library

    return Library.open(args.library)


# --- subcommands -------------------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    options = ImportOptions(include_drafts=args.include_drafts)
    tty = sys.stderr.isatty() and not args.json

    def progress(p: Any) -> None:
        if tty and p.total:
            label = p.current[-50:]
            sys.stderr.write(f"\r\x1b[K[{p.done}/{p.total}] {label}")
            sys.stderr.flush()

    with _open_library(args) as library:
        try:
            report = library.import_paths(args.paths, options, progress=progress)
        except KeyboardInterrupt:
            sys.stderr.write("\ninterrupted: what was imported so far is kept\n")
            return ExitCode.INTERRUPTED
    if tty:
        sys.stderr.write("\r\x1b[K")
    rows = [
        {
            "source": r.source,
            "status": str(r.status),
            "id": r.article_id,
            "title": r.title,
            "message": r.message,
        }
        for r in report.results
    ]
    summary = {str(s): report.count(s) for s in ImportStatus}

    def text(out: TextIO) -> None:
        for r in report.results:
            detail = r.title if r.status is not ImportStatus.FAILED else r.message
            if r.status is ImportStatus.SKIPPED:
                detail = r.message
            ident = f" #{r.article_id}" if r.article_id is not None else ""
            out.write(f"{r.status.value:<9} {r.source}{ident}: {detail}\n")
        out.write(", ".join(f"{n} {s}" for s, n in summary.items()) + "\n")

    _out(args, {"results": rows, "summary": summary}, text)
    return ExitCode.FAILED if report.failed else ExitCode.OK


def _summary_dict(s: Any) -> dict[str, Any]:
    return {
        "id": s.id,
        "title": s.title,
        "site": s.site_name,
        "authors": s.authors,
        "published": s.published,
        "added": s.added,
        "format": s.source_format,
        "url": s.url,
        "read": s.is_read,
        "highlights": s.highlight_count,
    }


def cmd_list(args: argparse.Namespace) -> int:
    from reader.core.library import LibraryFilter

    with _open_library(args) as library:
        filt = LibraryFilter(
            tag=args.tag or "", site=args.site or "", source_format=args.format or ""
        )
        rows = library.summaries(filt, sort=args.sort, descending=not args.ascending)

    def text(out: TextIO) -> None:
        if not rows:
            out.write("The library is empty. Add articles with: margin import PATH\n")
        for s in rows:
            site = f" ({s.site_name})" if s.site_name else ""
            date = s.published[:10] if s.published else "          "
            out.write(f"{s.id:>5}  {date}  {s.title}{site}\n")

    _out(args, [_summary_dict(s) for s in rows], text)
    return ExitCode.OK


def cmd_search(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
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
        if not results.hits:
            out.write(f"No articles match {args.query!r}.\n")
        bold = ("\x1b[1m", "\x1b[0m") if sys.stdout.isatty() else ("**", "**")
        for h in results.hits:
            out.write(f"{h.article_id:>5}  {h.title}\n")
            snippet = _snippet_text(h.snippet_html, bold)
            if snippet:
                out.write(textwrap.indent(textwrap.fill(snippet, 90), "       ") + "\n")

    _out(args, {"query": args.query, "total": results.total, "hits": hits}, text)
    return ExitCode.OK


def _snippet_text(snippet_html: str, bold: tuple[str, str]) -> str:
    import html
    import re

    marked = re.sub(r"<b[^>]*>", bold[0], snippet_html)
    marked = marked.replace("</b>", bold[1])
    return html.unescape(re.sub(r"<[^>]+>", "", marked))


def cmd_show(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        article = library.article(args.id)
    if args.format == "html":
        sys.stdout.write(article.html + "\n")
    elif args.format == "json":
        json.dump(asdict(article), sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        head = [article.title, "=" * min(len(article.title), 80)]
        byline = ", ".join(article.authors)
        meta = " · ".join(x for x in (byline, article.site_name, article.published[:10]) if x)
        if meta:
            head.append(meta)
        if article.url:
            head.append(article.url)
        sys.stdout.write("\n".join(head) + "\n\n" + article.text + "\n")
    return ExitCode.OK


def cmd_remove(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        highlights = sum(len(library.annotations(i)) for i in args.ids)
        removed = library.remove(args.ids)
    message = f"removed {removed} article{'s' if removed != 1 else ''}"
    if highlights:
        # Said out loud: annotations are never dropped silently.
        message += f" and {highlights} highlight{'s' if highlights != 1 else ''} with notes"
    print(message)
    return ExitCode.OK


def cmd_reindex(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        total = library.reindex()
    print(f"reindexed {total} articles")
    return ExitCode.OK


def cmd_citations(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        stored = library.citations(args.id)
    rows = []
    for s in stored:
        c = s.citation
        rows.append(
            {
                "kind": str(c.kind),
                "identifier": c.identifier,
                "ids": c.ids,
                "href": c.href,
                "text": c.text,
                "context": c.context,
                "reference": asdict(c.reference) if c.reference else None,
                "local_id": s.local_article_id,
            }
        )

    def text(out: TextIO) -> None:
        if not rows:
            out.write("This article cites nothing Margin could recognise.\n")
        for r in rows:
            local = f"  [in library: #{r['local_id']}]" if r["local_id"] else ""
            out.write(f"{r['kind']:<9} {r['identifier']}{local}\n")
            if r["reference"] and r["reference"]["text"]:
                out.write(
                    textwrap.indent(textwrap.fill(r["reference"]["text"], 88), "          ") + "\n"
                )

    _out(args, rows, text)
    return ExitCode.OK


def cmd_highlight(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        annotation = library.add_highlight_by_quote(
            args.id,
            args.quote,
            prefix=args.prefix or "",
            suffix=args.suffix or "",
            color=args.color,
            note=args.note or "",
            tags=args.tag or [],
        )
    print(f"highlighted in article {args.id}: {annotation.uuid}")
    return ExitCode.OK


def cmd_note(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        library.set_article_note(args.id, args.text)
    print(f"saved the note of article {args.id}")
    return ExitCode.OK


def cmd_annotations(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        found = library.anchored_annotations(args.id)
        note = library.article_note(args.id)
    rows = [
        {**_annotation_dict(a), "start": start, "end": end, "orphan": False}
        for a, start, end in found.anchored
    ] + [{**_annotation_dict(a), "orphan": True} for a in found.orphans]

    def text(out: TextIO) -> None:
        if note:
            out.write(f"Note: {note}\n\n")
        if not rows:
            out.write("No highlights yet.\n")
        for r in rows:
            flag = " (orphan: not found in the current text)" if r["orphan"] else ""
            out.write(f"[{r['color']}] “{r['exact']}”{flag}\n")
            if r["note"]:
                out.write(textwrap.indent(r["note"], "    ") + "\n")
            if r["tags"]:
                out.write("    " + " ".join("#" + t for t in r["tags"]) + "\n")

    _out(args, {"article": args.id, "note": note, "annotations": rows}, text)
    return ExitCode.OK


def _annotation_dict(a: Any) -> dict[str, Any]:
    return {
        "uuid": a.uuid,
        "exact": a.quote.exact,
        "prefix": a.quote.prefix,
        "suffix": a.quote.suffix,
        "color": a.color,
        "note": a.note,
        "tags": a.tags,
        "created": a.created,
        "modified": a.modified,
    }


def cmd_export(args: argparse.Namespace) -> int:
    from reader.core import exporting

    with _open_library(args) as library:
        ids = library.article_ids() if args.all else args.ids
        if not ids:
            raise UsageError("name article ids to export, or --all")
        written = exporting.export_articles(library, ids, args.format, args.out)
    for path in written:
        print(path)
    return ExitCode.OK


def cmd_import_annotations(args: argparse.Namespace) -> int:
    from reader.core import exporting

    with _open_library(args) as library:
        count, unmatched = exporting.import_w3c_file(library, Path(args.file))
    print(f"imported {count} annotations")
    for message in unmatched:
        print(f"not imported: {message}", file=sys.stderr)
    return ExitCode.FAILED if unmatched else ExitCode.OK


class UsageError(Exception):
    pass


# --- parser ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="margin",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"margin {__version__}")
    parser.add_argument(
        "--library",
        metavar="DIR",
        help="library folder (default: $MARGIN_LIBRARY or your data folder)",
    )
    # Window options (used when no command is given).
    window = parser.add_argument_group("window options (no command)")
    window.add_argument(
        "--sample", action="store_true", help="import the bundled sample articles first"
    )
    window.add_argument(
        "--screenshot", metavar="FILE.png", help="render the window offscreen to a PNG and exit"
    )
    window.add_argument("--open", metavar="ID", type=int, help="open this article")
    window.add_argument("--search", metavar="QUERY", help="start with this search")
    window.add_argument("--theme", choices=["light", "dark", "sepia"], help="colour theme")
    window.add_argument("--size", metavar="WxH", help="window size for --screenshot, e.g. 1280x800")

    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(
        name: str, func: Callable[[argparse.Namespace], int], help: str, **kw: Any
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help, **kw)
        p.set_defaults(func=func)
        return p

    def json_flag(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--json", action="store_true", help="print JSON (shape documented in the README)"
        )

    p = add("import", cmd_import, "import files, folders (recursively) and .zip archives")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument(
        "--include-drafts",
        action="store_true",
        help="also import draft and private WordPress posts",
    )
    json_flag(p)

    p = add("list", cmd_list, "list the articles in the library")
    p.add_argument("--sort", choices=["added", "published", "title", "site"], default="added")
    p.add_argument("--ascending", action="store_true")
    p.add_argument("--tag")
    p.add_argument("--site")
    p.add_argument("--format", choices=["wordpress-json", "wxr", "html", "markdown", "jats"])
    json_flag(p)

    p = add(
        "search",
        cmd_search,
        'full-text search: words, "phrases", field:value, AND/OR/NOT, prefix*',
        epilog="fields: title author site tag category format published url note highlight cites",
    )
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20, metavar="N")
    json_flag(p)

    p = add("show", cmd_show, "print one article")
    p.add_argument("id", type=int)
    p.add_argument("--format", choices=["text", "html", "json"], default="text")

    p = add("remove", cmd_remove, "remove articles (and their highlights) from the library")
    p.add_argument("ids", nargs="+", type=int, metavar="ID")

    add("reindex", cmd_reindex, "rebuild the search index from the library database")

    p = add("citations", cmd_citations, "list the sources an article cites")
    p.add_argument("id", type=int)
    json_flag(p)

    p = add("highlight", cmd_highlight, "highlight a passage, found by its text")
    p.add_argument("id", type=int)
    p.add_argument("--quote", required=True, metavar="TEXT", help="the exact passage")
    p.add_argument(
        "--prefix", metavar="TEXT", help="text just before it, when it occurs more than once"
    )
    p.add_argument("--suffix", metavar="TEXT", help="text just after it")
    p.add_argument(
        "--color", default="yellow", help="highlight colour (yellow red blue green purple)"
    )
    p.add_argument("--note", metavar="TEXT", help="a note (Markdown)")
    p.add_argument("--tag", nargs="+", metavar="TAG")

    p = add("note", cmd_note, "set the note of a whole article")
    p.add_argument("id", type=int)
    p.add_argument("text")

    p = add("annotations", cmd_annotations, "list an article's note and highlights")
    p.add_argument("id", type=int)
    json_flag(p)

    p = add("export", cmd_export, "export highlights and notes as Markdown or W3C JSON-LD")
    p.add_argument("ids", nargs="*", type=int, metavar="ID")
    p.add_argument("--all", action="store_true", help="every article in the library")
    p.add_argument("--format", choices=["markdown", "w3c"], default="markdown")
    p.add_argument("--out", metavar="PATH", default=".", help="folder (or file, for one article)")

    p = add(
        "import-annotations", cmd_import_annotations, "import a W3C Web Annotation JSON-LD file"
    )
    p.add_argument("file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from reader.ui.app import run

        return run(args)
    try:
        return int(args.func(args))
    except UsageError as exc:
        parser.error(str(exc))
    except NotFound as exc:
        print(f"margin: {exc}", file=sys.stderr)
        return ExitCode.FAILED
    except MarginError as exc:
        print(f"margin: {exc}", file=sys.stderr)
        return ExitCode.FAILED
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    return ExitCode.OK
