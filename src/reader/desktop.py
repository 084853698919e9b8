"""``margin desktop install`` / ``uninstall``: Margin in the user's application menu.

For people who installed Margin with pip or pipx (or unpacked the bundle), nothing has
told the desktop about it. ``install`` writes, under ``$XDG_DATA_HOME`` (by default
``~/.local/share``), following the freedesktop.org specifications:

- ``applications/ID.desktop``: the menu entry. Its ``Exec`` is the command that ran
  ``install`` (full path), because ``~/.local/bin`` is often not on the desktop
  session's PATH. ``%F`` hands opened files to Margin, which imports and shows them.
- ``icons/hicolor/scalable/apps/ID.svg`` and ``icons/hicolor/NxN/apps/ID.png``.
- ``mime/packages/ID.xml``: a MIME type for JATS ``.nxml`` files, which
  shared-mime-info does not know; the other formats use the system's types.
- ``metainfo/ID.metainfo.xml``: the AppStream description software centres show.

Margin offers itself for these types ("Open With") but never makes itself the default
application for JSON, HTML or zip files. ``uninstall`` removes exactly these files.
The caches are refreshed when the tools are installed; desktops rescan without them.
This module is Qt-free: it only copies files that ship in ``reader.resources``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.core.errors import MarginError
from reader.core.paths import resources_dir

APP_ID = "io.github.margin_reader.Margin"
ICON_SIZES = (48, 128, 256)
# Characters that force quoting in an Exec key (Desktop Entry spec, "The Exec key").
_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


class DesktopUnsupported(MarginError):
    """Not a freedesktop.org desktop: Windows and macOS installers do this instead."""


@dataclass(frozen=True, slots=True)
class DesktopFile:
    """One file that ``install`` writes: its source in resources, its target under XDG."""

    source: Path
    target: Path


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when unset or not absolute (the spec)."""
    env = os.environ.get("XDG_DATA_HOME", "")
    if env and os.path.isabs(env):
        return Path(env)
    return Path.home() / ".local" / "share"


def planned_files(target_home: Path | None = None) -> list[DesktopFile]:
    """Every file install writes and uninstall removes, in install order."""
    home = target_home or data_home()
    res = resources_dir()
    icons = res / "icons"
    files = [
        DesktopFile(
            icons / f"{APP_ID}.svg",
            home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
        )
    ]
    for size in ICON_SIZES:
        files.append(
            DesktopFile(
                icons / f"{APP_ID}-{size}.png",
                home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png",
            )
        )
    desktop = res / "desktop"
    files += [
        DesktopFile(desktop / f"{APP_ID}.mime.xml", home / "mime" / "packages" / f"{APP_ID}.xml"),
        DesktopFile(
            desktop / f"{APP_ID}.metainfo.xml", home / "metainfo" / f"{APP_ID}.metainfo.xml"
        ),
        # Last: the menu entry appears only once its icon and types are in place.
        DesktopFile(desktop / f"{APP_ID}.desktop", home / "applications" / f"{APP_ID}.desktop"),
    ]
    return files


def launcher_command() -> list[str]:
    """The command that starts this very Margin, as an argument list.

    The bundle's executable, else the ``margin`` script that is running (pipx puts it in
    its own venv; the path survives ``pipx upgrade``), else ``python -m reader``.
    """
    if getattr(sys, "frozen", False):
        return [str(Path(sys.executable).absolute())]
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is not None and script.name == "margin" and script.is_file():
        return [str(script.absolute())]
    found = shutil.which("margin", path=str(Path(sys.executable).parent))
    if found:
        return [found]
    return [str(Path(sys.executable).absolute()), "-m", "reader"]


def exec_value(command: Sequence[str]) -> str:
    """An ``Exec=`` value that runs ``command`` with the opened files (``%F``).

    An argument with reserved characters is double-quoted, and a double quote, backtick,
    dollar sign or backslash in it gets a backslash; then every backslash is doubled once
    more, because Exec is also a string value whose escapes are read first (Desktop Entry
    specification, "The Exec key"). A literal ``%`` is written ``%%``.
    """
    parts = []
    for arg in command:
        if arg and not (set(arg) & _EXEC_RESERVED) and "%" not in arg:
            parts.append(arg)
            continue
        quoted = "".join("\\" + c if c in '"`$\\' else c for c in arg.replace("%", "%%"))
        parts.append('"' + quoted.replace("\\", "\\\\") + '"')
    return " ".join([*parts, "%F"])


def desktop_entry(command: Sequence[str]) -> str:
    """The shipped ``.desktop`` file with its ``Exec`` pointed at ``command``."""
    template = (resources_dir() / "desktop" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    lines = []
    for line in template.splitlines():
        if line.startswith("Exec="):
            line = "Exec=" + exec_value(command)
        elif line.startswith("TryExec="):
            line = "TryExec=" + command[0]
        lines.append(line)
    return "\n".join(lines) + "\n"


def install(target_home: Path | None = None, command: Sequence[str] | None = None) -> list[Path]:
    """Write the menu entry, icons, MIME type and metainfo; returns the files written."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        raise DesktopUnsupported(
            "margin desktop install is for Linux and BSD desktops; on Windows and macOS "
            "the installer adds Margin to the Start menu or Applications"
        )
    command = list(command or launcher_command())
    written = []
    for item in planned_files(target_home):
        item.target.parent.mkdir(parents=True, exist_ok=True)
        if item.target.suffix == ".desktop":
            item.target.write_text(desktop_entry(command), encoding="utf-8")
        else:
            shutil.copyfile(item.source, item.target)
        written.append(item.target)
    refresh_caches(target_home or data_home())
    return written


def uninstall(target_home: Path | None = None) -> list[Path]:
    """Remove what :func:`install` wrote (nothing else); returns the files removed."""
    removed = []
    for item in reversed(planned_files(target_home)):
        if item.target.is_file():
            item.target.unlink()
            removed.append(item.target)
    refresh_caches(target_home or data_home())
    return removed


def refresh_caches(home: Path) -> None:
    """Rebuild the MIME and desktop caches under ``home`` when the tools exist.

    Without them the files still work: desktops watch these folders. A tool that fails
    is not Margin's failure either, so its output is dropped.
    """
    jobs = [
        ("update-mime-database", home / "mime"),
        ("update-desktop-database", home / "applications"),
    ]
    for tool, folder in jobs:
        exe = shutil.which(tool)
        if exe and folder.is_dir():
            subprocess.run(
                [exe, str(folder)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
                timeout=60,
            )
