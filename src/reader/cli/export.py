"""``margin export`` and ``margin import-annotations``: highlights in and out of files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from reader.cli.output import (
    ExitCode,
    Subparsers,
    UsageError,
    add_command,
    emit,
    id_number,
    json_flag,
    open_library,
    say,
)

# What --all takes, by format: W3C files also carry deletions to other copies.
_WHAT_ALL_TAKES = {
    "markdown": "highlights or a note",
    "w3c": "highlights, a note or deleted highlights",
}


def cmd_export(args: argparse.Namespace) -> int:
    if not (args.ids or args.all or args.all_articles):
        raise UsageError("name article ids to export, or --all")
    with open_library(args) as library:
        if args.all_articles:
            ids = library.article_ids()
        elif args.all:
            ids = library.annotated_article_ids(args.format)
        else:
            ids = args.ids
        if args.out == "-":
            if len(ids) != 1:
                raise UsageError("--out - writes one article to standard output: name one ID")
            sys.stdout.write(library.export_text(ids[0], args.format))
            return ExitCode.OK
        written = library.export_articles(ids, args.format, args.out, images=args.images)
    if not written:
        print(
            f"nothing to export: no article has {_WHAT_ALL_TAKES[args.format]} "
            "(--all-articles exports every article)",
            file=sys.stderr,
        )
    paths = [str(path.resolve()) for path in written]  # where it went, also by default

    def text(out: TextIO) -> None:
        for path in paths:
            out.write(path + "\n")

    emit(args, {"written": paths}, text)
    return ExitCode.OK


def cmd_import_annotations(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        count, unmatched = library.import_annotations(Path(args.file))
    say(
        args,
        f"imported {count} annotations",
        {"imported": count, "not_imported": unmatched},
    )
    if not getattr(args, "json", False):
        for message in unmatched:
            print(f"not imported: {message}", file=sys.stderr)
    return ExitCode.FAILED if unmatched else ExitCode.OK


def register(sub: Subparsers) -> None:
    p = add_command(
        sub, "export", cmd_export, "export highlights and notes as Markdown or W3C JSON-LD"
    )
    p.add_argument("ids", nargs="*", type=id_number, metavar="ID", help="articles to export")
    p.add_argument(
        "--all",
        action="store_true",
        help="every article with highlights or a note; with --format w3c also those whose "
        "highlights were all deleted, so the deletions reach the other copies",
    )
    p.add_argument(
        "--all-articles",
        action="store_true",
        help="every article in the library, also those with nothing highlighted",
    )
    p.add_argument(
        "--format",
        choices=["markdown", "w3c"],
        default="markdown",
        help="Markdown for notes apps, or W3C Web Annotation JSON-LD",
    )
    p.add_argument(
        "--out",
        metavar="PATH",
        default=".",
        help="folder to write into (one file per article), a file name for one article, "
        "or - for standard output",
    )
    p.add_argument(
        "--images",
        action="store_true",
        help="Markdown: copy the pictures of highlighted figures into attachments/ beside "
        "the notes and show them under their quotes",
    )
    json_flag(p)

    p = add_command(
        sub,
        "import-annotations",
        cmd_import_annotations,
        "import a W3C Web Annotation JSON-LD file",
    )
    p.add_argument("file", metavar="FILE", help="a .jsonld file written by margin export")
    json_flag(p)
