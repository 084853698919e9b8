"""``margin desktop install|uninstall``: the menu entry, icons and file types.

The work is in :mod:`reader.desktop`; here only the command line and what it prints.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from reader.cli.output import ExitCode, HelpFormatter, Subparsers, add_command, json_flag, say


def cmd_install(args: argparse.Namespace) -> int:
    from reader import desktop

    written = desktop.install()
    entry = written[-1]
    say(
        args,
        f"Margin is in your applications menu ({entry}); file managers offer it "
        "under Open With for articles. Undo: margin desktop uninstall",
        {"installed": [str(p) for p in written], "exec": desktop.launcher_command()},
    )
    return ExitCode.OK


def cmd_uninstall(args: argparse.Namespace) -> int:
    from reader import desktop

    removed = desktop.uninstall()
    message = (
        f"removed Margin's menu entry, icons and file types ({len(removed)} files)"
        if removed
        else f"nothing to remove: Margin was not installed in {desktop.data_home()}"
    )
    say(args, message, {"removed": [str(p) for p in removed]})
    return ExitCode.OK


def split_open_files(
    parser: argparse.ArgumentParser, argv: Sequence[str]
) -> tuple[list[str], list[str]]:
    """``margin [OPTIONS] FILE...`` (what ``Exec=margin %F`` runs): the files, apart.

    Returns the arguments for the parser and the files to import and show. The first
    word that is not an option decides: a command name, or something that does not
    exist on disk (a typo of a command, which argparse then reports), leaves everything
    to the parser; an existing path makes it and every later word a file; a path that
    does not exist (a word with a slash or an extension) is a usage error saying so.
    """
    # argparse has no public way to list a parser's options and subcommands.
    takes_value = {
        opt
        for action in parser._actions  # noqa: SLF001
        if action.option_strings and action.nargs != 0
        for opt in action.option_strings
    }
    commands: set[str] = set()
    for action in parser._actions:  # noqa: SLF001
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            commands.update(action.choices)
    options: list[str] = []
    files: list[str] = []
    words = list(argv)
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            files.extend(words[i + 1 :])
            break
        if files:
            files.append(word)
        elif word.startswith("-") and word != "-":
            options.append(word)
            if word in takes_value and i + 1 < len(words):
                i += 1
                options.append(words[i])  # the option's value, e.g. --library DIR
        elif word in commands:
            return list(argv), []
        elif not os.path.exists(word):
            if os.sep in word or os.path.splitext(word)[1]:
                # A path, not a mistyped command: "invalid choice" would mislead.
                parser.error(f"no such file or folder: {word}")
            return list(argv), []
        else:
            files.append(word)
        i += 1
    return options, files


def register(sub: Subparsers) -> None:
    p = add_command(
        sub,
        "desktop",
        lambda args: args.command_parser.error("name an action: install or uninstall"),
        "add Margin to (or remove it from) your desktop's applications menu",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", help="what to do")
    for name, func, help in (
        ("install", cmd_install, "menu entry, icons and article file types in $XDG_DATA_HOME"),
        ("uninstall", cmd_uninstall, "remove what `margin desktop install` wrote"),
    ):
        q = actions.add_parser(name, help=help, description=help, formatter_class=HelpFormatter)
        q.set_defaults(func=func, command_parser=q)
        json_flag(q)
