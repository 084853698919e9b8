"""Subcommands about highlights and notes: add, edit, remove, list, colour meanings."""

from __future__ import annotations

import argparse
import textwrap
from typing import Any, TextIO

from reader.cli.output import (
    ExitCode,
    Subparsers,
    UsageError,
    add_command,
    article_id,
    emit,
    json_flag,
    open_library,
    say,
)
from reader.core.highlight_colors import DEFAULT_COLORS

COLORS = list(DEFAULT_COLORS)


def annotation_dict(a: Any) -> dict[str, Any]:
    return {
        "uuid": a.uuid,
        "article": a.article_id,
        "exact": a.quote.exact,
        "prefix": a.quote.prefix,
        "suffix": a.quote.suffix,
        "color": a.color,
        "note": a.note,
        "tags": a.tags,
        "created": a.created,
        "modified": a.modified,
    }


def cmd_highlight(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        annotation = library.add_highlight_by_quote(
            args.id,
            args.quote,
            prefix=args.prefix or "",
            suffix=args.suffix or "",
            color=args.color,
            note=args.note or "",
            tags=args.tag or [],
        )
    say(
        args,
        f"highlighted in article {args.id}: {annotation.uuid}",
        annotation_dict(annotation),
    )
    return ExitCode.OK


def cmd_edit_highlight(args: argparse.Namespace) -> int:
    if args.color is None and args.note is None and args.tag is None:
        raise UsageError("say what to change: --color, --note or --tag")
    with open_library(args) as library:
        annotation = library.update_annotation(
            args.uuid, color=args.color, note=args.note, tags=args.tag
        )
    say(args, f"edited highlight {annotation.uuid}", annotation_dict(annotation))
    return ExitCode.OK


def cmd_remove_highlight(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        annotation = library.remove_annotation(args.uuid)
    say(
        args,
        f"removed highlight {annotation.uuid} from article {annotation.article_id}",
        {"removed": annotation.uuid, "article": annotation.article_id},
    )
    return ExitCode.OK


def cmd_note(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        library.set_article_note(args.id, args.text)
    say(args, f"saved the note of article {args.id}", {"article": args.id, "note": args.text})
    return ExitCode.OK


def cmd_annotations(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        found = library.anchored_annotations(args.id)
        note = library.article_note(args.id)
    # One shape for every row: an orphan has no place in the text, so null, not missing.
    rows = [
        {**annotation_dict(a), "start": start, "end": end, "orphan": False}
        for a, start, end in found.anchored
    ] + [{**annotation_dict(a), "start": None, "end": None, "orphan": True} for a in found.orphans]

    def text(out: TextIO) -> None:
        if note:
            out.write(f"Note: {note}\n\n")
        if not rows:
            out.write("No highlights yet.\n")
        for r in rows:
            flag = " (orphan: not found in the current text)" if r["orphan"] else ""
            out.write(f"[{r['color']}] “{r['exact']}”{flag}  {r['uuid']}\n")
            if r["note"]:
                out.write(textwrap.indent(r["note"], "    ") + "\n")
            if r["tags"]:
                out.write("    " + " ".join("#" + t for t in r["tags"]) + "\n")

    emit(args, {"article": args.id, "note": note, "annotations": rows}, text)
    return ExitCode.OK


def cmd_colors(args: argparse.Namespace) -> int:
    from reader.core import highlight_colors

    with open_library(args) as library:
        if args.set:
            color, meaning = args.set
            if color not in DEFAULT_COLORS:
                raise UsageError(f"unknown colour {color!r}: choose from {', '.join(COLORS)}")
            highlight_colors.set_meaning(library, color, meaning)
        meanings = highlight_colors.meanings(library)

    def text(out: TextIO) -> None:
        for color, meaning in meanings.items():
            out.write(f"{color:<7} {meaning}\n")

    emit(args, meanings, text)
    return ExitCode.OK


def register(sub: Subparsers) -> None:
    p = add_command(sub, "highlight", cmd_highlight, "highlight a passage, found by its text")
    article_id(p)
    p.add_argument("--quote", required=True, metavar="TEXT", help="the exact passage")
    p.add_argument(
        "--prefix", metavar="TEXT", help="text just before it, when it occurs more than once"
    )
    p.add_argument("--suffix", metavar="TEXT", help="text just after it")
    p.add_argument("--color", default="yellow", choices=COLORS, help="highlight colour")
    p.add_argument("--note", metavar="TEXT", help="a note (Markdown)")
    p.add_argument("--tag", nargs="+", metavar="TAG", help="tags for the highlight")
    json_flag(p)

    p = add_command(
        sub, "edit-highlight", cmd_edit_highlight, "change a highlight's colour, note or tags"
    )
    p.add_argument("uuid", metavar="UUID", help="the highlight (see: margin annotations ID)")
    p.add_argument("--color", choices=COLORS, help="new colour")
    p.add_argument("--note", metavar="TEXT", help="new note (Markdown); '' clears it")
    p.add_argument(
        "--tag", nargs="*", metavar="TAG", help="new tags (replace the old); none clears them"
    )
    json_flag(p)

    p = add_command(sub, "remove-highlight", cmd_remove_highlight, "remove a highlight")
    p.add_argument("uuid", metavar="UUID", help="the highlight (see: margin annotations ID)")
    json_flag(p)

    p = add_command(sub, "note", cmd_note, "set the note of a whole article")
    article_id(p)
    p.add_argument("text", metavar="TEXT", help="the note (Markdown); '' clears it")
    json_flag(p)

    p = add_command(sub, "annotations", cmd_annotations, "list an article's note and highlights")
    article_id(p)
    json_flag(p)

    p = add_command(
        sub, "colors", cmd_colors, "list what each highlight colour means, or change a meaning"
    )
    p.add_argument("--set", nargs=2, metavar=("COLOR", "MEANING"), help="give COLOR a new meaning")
    json_flag(p)
