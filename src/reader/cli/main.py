"""The `margin` command: subcommands drive the library; no subcommand opens the window.

Every subcommand goes through :class:`reader.core.library.Library`, exactly like the
window. Each group of subcommands lives in its own module and registers itself here;
every subcommand takes ``--json`` and prints the shapes documented in the README.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from reader import __version__
from reader.cli import output
from reader.cli.output import ExitCode, HelpFormatter, UsageError, id_number
from reader.core.errors import MarginError

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
  margin remove 3 && margin restore 3
  margin export --all --out ~/notes/margin/
  margin fetch-images 3       (the only command that uses the network)

exit codes: 0 success, 1 something failed (see the message), 2 usage error,
130 interrupted (Ctrl+C; what was done so far is kept).
"""

# Each module of reader.cli adds its subcommands; the order here is the order
# `margin --help` lists them. A command imports only its own module: a module is ~1 ms
# of a new process's start-up, and `margin search` is timed (issue 13).
# tests/cli/test_lazy_imports.py checks these names against what each module registers.
COMMAND_GROUPS: dict[str, tuple[str, ...]] = {
    "articles": (
        *("import", "list", "show", "reindex", "read", "unread", "tag", "tags"),
        "citations",
    ),
    "search": ("search",),
    "annotations": (
        *("highlight", "edit-highlight", "remove-highlight", "note", "annotations"),
        "colors",
    ),
    "trash": ("remove", "trash", "restore"),
    "export": ("export", "import-annotations"),
    "images": ("fetch-images",),
    "desktop": ("desktop",),
    "care": ("backup", "restore-backup", "check"),
}
GLOBAL_OPTIONS_WITH_VALUES = (
    *("--library", "--screenshot", "--open", "--search", "--theme", "--size"),
)


def command_group(name: str) -> ModuleType:
    """The module of reader.cli that registers a group of commands."""
    return importlib.import_module(f"reader.cli.{name}")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or only of ``command``'s group."""
    parser = argparse.ArgumentParser(
        prog="margin",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=HelpFormatter,
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
    window.add_argument("--open", metavar="ID", type=id_number, help="open this article")
    window.add_argument("--search", metavar="QUERY", help="start with this search")
    window.add_argument(
        "--theme", choices=["light", "dark", "sepia"], help="colour theme (default: your setting)"
    )
    window.add_argument(
        "--size",
        metavar="WxH",
        type=window_size,
        help="window size for --screenshot (default: 1280x800)",
    )

    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group, commands in COMMAND_GROUPS.items():
        if command is None or command in commands:
            command_group(group).register(sub)
    return parser


def named_command(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names, if its first word that is not an option is one."""
    words = iter(argv)
    for word in words:
        if word == "--":
            return None
        if word in GLOBAL_OPTIONS_WITH_VALUES:
            next(words, None)
        elif not word.startswith("-"):
            known = any(word in commands for commands in COMMAND_GROUPS.values())
            return word if known else None
    return None


def window_size(text: str) -> str:
    """argparse type for --size: "1100x700"; anything else is a usage error (exit 2),
    said before the window's libraries load (it was exit 1, after Qt had started)."""
    width, x, height = text.lower().partition("x")
    if not (x and width.strip().isdigit() and height.strip().isdigit()):
        raise argparse.ArgumentTypeError(f"wants WIDTHxHEIGHT, e.g. 1280x800, not {text!r}")
    return text


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    command = named_command(argv)
    parser = build_parser(command)
    open_files: list[str] = []
    if command is None:
        # `margin FILE...` (how the desktop entry opens files): import them, show the window.
        argv, open_files = command_group("desktop").split_open_files(parser, argv)
    args = parser.parse_args(argv)
    args.open_files = open_files
    if args.command is None:
        from reader.ui.app import run

        return run(args)
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # a closed pipe must surface here, not at interpreter exit
        return code
    except UsageError as exc:
        args.command_parser.error(str(exc))  # the subcommand's usage, exit 2
    except MarginError as exc:
        output.error(str(exc))
        return ExitCode.FAILED
    except BrokenPipeError:
        # `margin list | head`: the reader stopped listening, which is not an error of ours.
        _silence_stdout()
        return ExitCode.OK
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    return ExitCode.OK


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's flush at exit does not raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (tests capture stdout)
        pass
