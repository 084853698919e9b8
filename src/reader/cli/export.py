"""``margin export`` and ``margin import-annotations``: highlights in and out of files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reader.cli.output import ExitCode, Subparsers, UsageError, add_command, open_library


def cmd_export(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        ids = library.article_ids() if args.all else args.ids
        if not ids:
            raise UsageError("name article ids to export, or --all")
        written = library.export_articles(ids, args.format, args.out)
    for path in written:
        print(path)
    return ExitCode.OK


def cmd_import_annotations(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        count, unmatched = library.import_annotations(Path(args.file))
    print(f"imported {count} annotations")
    for message in unmatched:
        print(f"not imported: {message}", file=sys.stderr)
    return ExitCode.FAILED if unmatched else ExitCode.OK


def register(sub: Subparsers) -> None:
    p = add_command(
        sub, "export", cmd_export, "export highlights and notes as Markdown or W3C JSON-LD"
    )
    p.add_argument("ids", nargs="*", type=int, metavar="ID", help="articles to export")
    p.add_argument("--all", action="store_true", help="every article in the library")
    p.add_argument("--format", choices=["markdown", "w3c"], default="markdown", help="file format")
    p.add_argument("--out", metavar="PATH", default=".", help="folder (or file, for one article)")

    p = add_command(
        sub,
        "import-annotations",
        cmd_import_annotations,
        "import a W3C Web Annotation JSON-LD file",
    )
    p.add_argument("file", metavar="FILE", help="a .jsonld file written by margin export")
