"""What every subcommand shares: exit codes, the one output helper, opening the library.

Subcommand modules register their parsers with :func:`add_command` and print through
:func:`emit`, so ``--json`` means the same everywhere and every option's help shows
its default.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from enum import IntEnum
from typing import TYPE_CHECKING, Any, TextIO, cast

if TYPE_CHECKING:
    from reader.core.library import Library

Subparsers = Any  # argparse's _SubParsersAction is private; typed loosely on purpose
Command = Callable[[argparse.Namespace], int]


class ExitCode(IntEnum):
    """What ``margin`` exits with; listed in ``margin --help``."""

    OK = 0
    FAILED = 1  # the command ran but something failed (a file did not import, not found…)
    USAGE = 2  # the command line itself is wrong (argparse uses 2 too)
    INTERRUPTED = 130  # Ctrl+C: what was done so far is kept


class UsageError(Exception):
    """The arguments make no sense together; main() turns it into argparse's exit 2."""


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps hand-wrapped descriptions and appends "(default: …)" where there is one.

    argparse's ArgumentDefaultsHelpFormatter also prints "(default: False)" for every
    flag and "(default: None)" for every optional value, which only adds noise.
    """

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if (
            "%(default)" not in text
            and default not in (None, False, argparse.SUPPRESS, [], ())
            and (action.option_strings or action.nargs in ("?", "*"))
        ):
            text += " (default: %(default)s)"
        return text


def add_command(
    sub: Subparsers, name: str, func: Command, help: str, **kw: Any
) -> argparse.ArgumentParser:
    """One subcommand: its help is also its description; ``func`` runs it."""
    parser = sub.add_parser(name, help=help, description=help, formatter_class=HelpFormatter, **kw)
    parser.set_defaults(func=func, command_parser=parser)
    return parser


def json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="print JSON (shape documented in the README)"
    )


def id_number(text: str) -> int:
    """argparse type for article ids: a whole number SQLite can hold, else exit 2."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an article id (a number)") from None
    if not 0 < value < 2**63:
        raise argparse.ArgumentTypeError(f"{text} is not an article id (see: margin list)")
    return value


def article_id(parser: argparse.ArgumentParser, help: str = "the article's id") -> None:
    parser.add_argument("id", type=id_number, metavar="ID", help=help + " (see: margin list)")


def article_ids(parser: argparse.ArgumentParser, help: str = "article ids") -> None:
    parser.add_argument("ids", nargs="+", type=id_number, metavar="ID", help=help)


def positive_int(text: str) -> int:
    """argparse type for counts: ``--limit 0`` is a usage error (exit 2), not a crash."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


# C0 controls but tab and newline, DEL, and C1 (U+0080-U+009F: 8-bit CSI and OSC on
# some terminals). Printed raw, an imported title could recolour, retitle or rewrite the
# user's terminal; escaped, it reads "\x1b[31m".
_TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C1 = re.compile(r"[\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """``text`` with every control character a terminal would obey shown as an escape."""
    if not _TERMINAL_CONTROLS.search(text):
        return text
    return _TERMINAL_CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class SafeWriter:
    """A text stream that escapes control characters on their way to the terminal."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(terminal_safe(text))

    def flush(self) -> None:
        self._stream.flush()


def dump_json(data: Any, stream: TextIO | None = None) -> None:
    """JSON for machines; C1 controls escaped too (json escapes only C0 by itself)."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    text = _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    (stream or sys.stdout).write(text + "\n")


def emit(args: argparse.Namespace, data: Any, text: Callable[[TextIO], object]) -> None:
    """The one output helper: JSON when --json was given, human text otherwise.

    Either way nothing reaches the terminal raw: imported titles and file names may hold
    escape sequences, which are escaped here, once, for every command.
    """
    if getattr(args, "json", False):
        dump_json(data)
    else:
        # The commands only write() and flush(): a SafeWriter serves as their TextIO.
        text(cast(TextIO, SafeWriter(sys.stdout)))


def error(message: str) -> None:
    """``margin: MESSAGE`` on stderr, control characters escaped."""
    print(f"margin: {terminal_safe(message)}", file=sys.stderr)


def say(args: argparse.Namespace, message: str, data: dict[str, Any]) -> None:
    """A command that changes something: a sentence, or ``data`` with ``--json``."""
    emit(args, data, lambda out: print(message, file=out))


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# Commands that only read the library leave the day's backup (~6 s at 50,000 articles)
# to the next command or window that may change it.
READING_COMMANDS = frozenset(
    {"search", "list", "show", "tags", "citations", "annotations", "trash", "export"}
)


def open_library(args: argparse.Namespace) -> Library:
    from reader.core.errors import StorageError
    from reader.core.library import Library  # lazy: `margin --help` stays fast

    try:
        reads_only = getattr(args, "command", None) in READING_COMMANDS
        return Library.open(args.library, daily_backup=not reads_only)
    except OSError as exc:
        # --library naming a file, a folder we may not write, a missing drive…
        where = args.library or exc.filename or "the library folder"
        raise StorageError(f"cannot use {where} as the library: {exc.strerror or exc}") from exc
