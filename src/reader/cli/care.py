"""Looking after the library: ``backup``, ``restore-backup`` and ``check``.

``restore-backup`` (not ``restore``, which brings articles back from the Trash) replaces
the database by a backup; close the window first.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from reader.cli.output import ExitCode, Subparsers, add_command, emit, json_flag, open_library


def cmd_backup(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        if args.list:
            found = library.backups()

            def listing(out: TextIO) -> None:
                if not found:
                    out.write("No backups yet. Make one with: margin backup\n")
                for b in found:
                    made = b.made.strftime("%Y-%m-%d %H:%M UTC")
                    out.write(f"{made}  {b.reason:<17} {b.size // 1024:>7} KB  {b.path}\n")

            rows = [
                {"path": str(b.path), "made": b.made.isoformat(), "reason": b.reason} for b in found
            ]
            emit(args, rows, listing)
            return ExitCode.OK
        path = library.backup()
    emit(args, {"backup": str(path)}, lambda out: out.write(f"backed up to {path}\n"))
    return ExitCode.OK


def cmd_restore_backup(args: argparse.Namespace) -> int:
    from reader.core.library import Library

    chosen = Path(args.backup) if args.backup else None
    used, aside = Library.restore_backup(args.library, chosen)
    data = {"restored": str(used), "set_aside": str(aside) if aside else None}

    def text(out: TextIO) -> None:
        out.write(f"restored {used}\n")
        if aside:
            out.write(f"the database it replaced was kept as {aside}\n")
        out.write("the search index is rebuilt the next time the library is opened\n")

    emit(args, data, text)
    return ExitCode.OK


def cmd_check(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        report = library.check(repair=args.repair)
    data = {"problems": report.problems, "repaired": report.repaired, "sound": report.sound}

    def text(out: TextIO) -> None:
        if not report.problems:
            out.write("the library is sound: database, originals and search index\n")
        for problem in report.problems:
            out.write(f"problem: {problem}\n")
        for fix in report.repaired:
            out.write(f"repaired: {fix}\n")
        if report.problems and not args.repair:
            out.write("run margin check --repair to fix what can be fixed\n")

    emit(args, data, text)
    return ExitCode.OK if report.sound else ExitCode.FAILED


def register(sub: Subparsers) -> None:
    p = add_command(sub, "backup", cmd_backup, "back up the library database now (verified)")
    p.add_argument("--list", action="store_true", help="list the backups instead")
    json_flag(p)

    p = add_command(
        sub,
        "restore-backup",
        cmd_restore_backup,
        "replace the library database by a backup (close the window first)",
    )
    p.add_argument(
        "backup", nargs="?", metavar="BACKUP", help="a backup file (default: the newest sound one)"
    )
    json_flag(p)

    p = add_command(
        sub, "check", cmd_check, "check the database, the original files and the search index"
    )
    p.add_argument("--repair", action="store_true", help="fix what can be fixed")
    json_flag(p)
