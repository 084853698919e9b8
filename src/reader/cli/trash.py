"""Subcommands of the Trash: ``remove`` moves articles there, ``restore`` brings them back.

Removing never loses highlights: an article sits in the Trash with its annotations
until the user empties it, or for 30 days.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from reader.cli.output import (
    ExitCode,
    Subparsers,
    add_command,
    article_ids,
    emit,
    json_flag,
    open_library,
    plural,
    say,
)
from reader.core.errors import MarginError


def cmd_remove(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        for i in args.ids:
            library.article(i)  # "no article with id 9" before anything moves
        in_trash = {s.id for s in library.trashed()}
        already = [i for i in args.ids if i in in_trash]
        if already:
            raise MarginError(f"already in the Trash: {', '.join(map(str, already))}")
        highlights = sum(len(library.annotations(i)) for i in args.ids)
        moved = library.trash(args.ids)
    message = f"moved {plural(moved, 'article')} to the Trash"
    if highlights:
        # Said out loud: the highlights went with them and come back with them.
        message += f" with {plural(highlights, 'highlight')}"
    message += " (undo: margin restore " + " ".join(str(i) for i in args.ids) + ")"
    say(args, message, {"trashed": args.ids, "highlights": highlights})
    return ExitCode.OK


def cmd_trash(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        if args.empty:
            emptied = library.empty_trash()
            say(args, f"deleted {plural(emptied, 'article')} for good", {"deleted": emptied})
            return ExitCode.OK
        rows = library.trashed()
    data = [
        {"id": s.id, "title": s.title, "site": s.site_name, "trashed": s.trashed_at} for s in rows
    ]

    def text(out: TextIO) -> None:
        if not rows:
            out.write("The Trash is empty.\n")
        for s in rows:
            out.write(f"{s.id:>5}  {s.trashed_at[:10]}  {s.title}\n")

    emit(args, data, text)
    return ExitCode.OK


def cmd_restore(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        for i in args.ids:
            library.article(i)
        in_trash = {s.id for s in library.trashed()}
        listed = [i for i in args.ids if i not in in_trash]
        if listed:
            raise MarginError(f"not in the Trash: {', '.join(map(str, listed))}")
        restored = library.restore_from_trash(args.ids)
    say(args, f"restored {plural(restored, 'article')}", {"restored": args.ids})
    return ExitCode.OK


def register(sub: Subparsers) -> None:
    p = add_command(sub, "remove", cmd_remove, "move articles (with their highlights) to the Trash")
    article_ids(p)
    json_flag(p)

    p = add_command(
        sub,
        "trash",
        cmd_trash,
        "list the articles in the Trash (emptied after 30 days)",
    )
    p.add_argument("--empty", action="store_true", help="delete everything in the Trash for good")
    json_flag(p)

    p = add_command(sub, "restore", cmd_restore, "bring articles back from the Trash")
    article_ids(p)
    json_flag(p)
