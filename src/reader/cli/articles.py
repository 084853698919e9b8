"""Subcommands about whole articles: import, list, show, read/unread, tags, citations."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import Any, TextIO

from reader.cli.output import (
    ExitCode,
    Subparsers,
    add_command,
    article_id,
    article_ids,
    dump_json,
    emit,
    json_flag,
    open_library,
    plural,
    say,
    terminal_safe,
)

SORTS = ["added", "published", "title", "site"]
FORMATS = ["wordpress-json", "wxr", "html", "mhtml", "markdown", "jats"]  # SourceFormat


def cmd_import(args: argparse.Namespace) -> int:
    # The core is imported by the commands that use it: `margin --help` stays fast.
    from reader.core.model import ImportOptions, ImportStatus

    options = ImportOptions(include_drafts=args.include_drafts)
    tty = sys.stderr.isatty() and not args.json

    def progress(p: Any) -> None:
        if tty and p.total:
            label = terminal_safe(p.current[-50:])
            sys.stderr.write(f"\r\x1b[K[{p.done}/{p.total}] {label}")
            sys.stderr.flush()

    with open_library(args) as library:
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
    # "picture" lines are about articles that were imported: counted apart from the
    # files that were skipped, and said after them in the text summary.
    summary = {str(s): report.count(s) for s in ImportStatus}

    def text(out: TextIO) -> None:
        saved = (ImportStatus.ADDED, ImportStatus.UPDATED, ImportStatus.UNCHANGED)
        for r in report.results:
            detail = r.message
            if r.status in saved:
                detail = f"{r.title} (repaired: {r.message})" if r.message else r.title
            ident = f" #{r.article_id}" if r.article_id is not None else ""
            out.write(f"{r.status.value:<9} {r.source}{ident}: {detail}\n")
        files = [s for s in ImportStatus if s is not ImportStatus.PICTURE]
        line = ", ".join(f"{summary[s]} {s}" for s in files)
        if pictures := summary[ImportStatus.PICTURE]:
            line += f"; {plural(pictures, 'picture problem')}"
        out.write(line + "\n")

    emit(args, {"results": rows, "summary": summary}, text)
    return ExitCode.FAILED if report.failed else ExitCode.OK


def summary_dict(s: Any) -> dict[str, Any]:
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

    with open_library(args) as library:
        site = args.site or ""
        if site:  # any case, as --tag: "elife" is the site the list shows as "eLife"
            sites = {known.casefold(): known for known in library.filter_values()["site"]}
            site = sites.get(site.casefold()) or site
        filt = LibraryFilter(tag=args.tag or "", site=site, source_format=args.format or "")
        rows = library.summaries(filt, sort=args.sort, descending=not args.ascending)
        filtered = bool(args.tag or args.site or args.format) and library.count() > 0

    def text(out: TextIO) -> None:
        if not rows and filtered:
            asked = ((n, getattr(args, n)) for n in ("tag", "site", "format"))
            words = " ".join(f"--{name} {value!r}" for name, value in asked if value)
            out.write(f"No articles match {terminal_safe(words)} (margin tags lists the tags)\n")
        elif not rows:
            out.write("The library is empty. Add articles with: margin import PATH\n")
        for s in rows:
            site = f" ({s.site_name})" if s.site_name else ""
            date = s.published[:10] if s.published else "          "
            out.write(f"{s.id:>5}  {date}  {s.title}{site}\n")

    emit(args, [summary_dict(s) for s in rows], text)
    return ExitCode.OK


def cmd_show(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    with open_library(args) as library:
        article = library.article(args.id)
        trashed = not library.is_listed(args.id)
    if args.format == "html":
        sys.stdout.write(terminal_safe(article.html) + "\n")
    elif args.format == "json":
        dump_json(asdict(article))
    else:
        head = [article.title, "=" * min(len(article.title), 80)]
        byline = ", ".join(article.authors)
        meta = " · ".join(x for x in (byline, article.site_name, article.published[:10]) if x)
        if meta:
            head.append(meta)
        if article.url:
            head.append(article.url)
        if trashed:  # shown as any other, it looked like an article still in the list
            head.append(f"In the Trash (margin restore {article.id} brings it back)")
        sys.stdout.write(terminal_safe("\n".join(head) + "\n\n" + article.text) + "\n")
    return ExitCode.OK


def cmd_reindex(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        total = library.reindex()
    say(args, f"reindexed {total} articles", {"reindexed": total})
    return ExitCode.OK


def cmd_read(args: argparse.Namespace) -> int:
    is_read = args.command == "read"
    with open_library(args) as library:
        for i in args.ids:
            library.article(i)  # NotFound before anything changes
        for i in args.ids:
            library.set_read(i, is_read)
    state = "read" if is_read else "unread"
    say(
        args,
        f"marked {plural(len(args.ids), 'article')} {state}",
        {"ids": args.ids, "read": is_read},
    )
    return ExitCode.OK


def cmd_tag(args: argparse.Namespace) -> int:
    given = [t.strip() for t in args.tags if t.strip()]  # as the library stores them
    with open_library(args) as library:
        current = library.article(args.id).tags
        if args.remove:
            gone = {t.casefold() for t in given}
            tags = [t for t in current if t.casefold() not in gone]
        else:
            tags = list(current) + given  # the library keeps one of each, in any case
        library.set_article_tags(args.id, tags)
        tags = library.article(args.id).tags  # what is stored is what is said
    shown = " ".join("#" + t for t in tags) or "(no tags)"
    say(args, f"article {args.id}: {shown}", {"id": args.id, "tags": tags})
    return ExitCode.OK


def cmd_tags(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        tags = library.filter_values()["tag"]

    def text(out: TextIO) -> None:
        if not tags:
            out.write("No tags yet. Tag an article with: margin tag ID TAG\n")
        for t in tags:
            out.write(t + "\n")

    emit(args, tags, text)
    return ExitCode.OK


def cmd_citations(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    with open_library(args) as library:
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

    emit(args, rows, text)
    return ExitCode.OK


def register(sub: Subparsers) -> None:
    p = add_command(
        sub, "import", cmd_import, "import files, folders (recursively) and .zip archives"
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or .zip archives")
    p.add_argument(
        "--include-drafts",
        action="store_true",
        help="also import draft and private WordPress posts",
    )
    json_flag(p)

    p = add_command(sub, "list", cmd_list, "list the articles in the library")
    p.add_argument("--sort", choices=SORTS, default="added", help="sort order")
    p.add_argument("--ascending", action="store_true", help="oldest / A first")
    p.add_argument("--tag", metavar="TAG", help="only articles with this tag (any case)")
    p.add_argument("--site", metavar="SITE", help="only articles from this site (any case)")
    p.add_argument("--format", choices=FORMATS, help="only articles imported from this format")
    json_flag(p)

    p = add_command(sub, "show", cmd_show, "print one article")
    article_id(p)
    p.add_argument(
        "--format", choices=["text", "html", "json"], default="text", help="output format"
    )
    p.add_argument(  # every command takes --json (the README says so)
        "--json", dest="format", action="store_const", const="json", help="same as --format json"
    )

    p = add_command(
        sub, "reindex", cmd_reindex, "rebuild the search index from the library database"
    )
    json_flag(p)

    for name, help in (("read", "mark articles read"), ("unread", "mark articles unread")):
        p = add_command(sub, name, cmd_read, help)
        article_ids(p)
        json_flag(p)

    p = add_command(sub, "tag", cmd_tag, "add tags to an article (or take them off)")
    article_id(p)
    p.add_argument("tags", nargs="+", metavar="TAG", help="tags to add")
    p.add_argument("--remove", action="store_true", help="take these tags off instead")
    json_flag(p)

    p = add_command(sub, "tags", cmd_tags, "list every tag in the library")
    json_flag(p)

    p = add_command(sub, "citations", cmd_citations, "list the sources an article cites")
    article_id(p)
    json_flag(p)
