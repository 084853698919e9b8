"""Where Margin keeps things: the one place that decides, so tests and packagers can
point each elsewhere. Every ``MARGIN_*`` override of a location is read here.

=====================  ==================================================================
the library            ``--library DIR``, else ``MARGIN_LIBRARY``, else the platform's
                       user data folder (``platformdirs.user_data_dir("Margin")``)
the log                ``MARGIN_LOG_DIR``, else the platform's user log folder
resources              ``MARGIN_RESOURCES``, else the package ``reader.resources``
=====================  ==================================================================
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "Margin"
ENV_LIBRARY = "MARGIN_LIBRARY"
ENV_LOG_DIR = "MARGIN_LOG_DIR"
ENV_RESOURCES = "MARGIN_RESOURCES"


def library_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The library folder: the argument, else ``MARGIN_LIBRARY``, else the data folder."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_LIBRARY)
    if env:
        return Path(env).expanduser()
    # platformdirs is imported only when it is asked: `margin --library DIR` and
    # MARGIN_LIBRARY skip it at start-up (issue 13).
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """Where ``margin.log`` goes: ``MARGIN_LOG_DIR``, else the platform's log folder."""
    env = os.environ.get(ENV_LOG_DIR)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def resources_dir() -> Path:
    """The sample articles, icons and desktop files that ship with Margin.

    They are the package ``reader.resources`` (``resources/`` at the top of the
    repository, mapped in pyproject.toml), so the same lookup works in a source checkout,
    an editable install, a wheel and the PyInstaller bundle. ``MARGIN_RESOURCES``
    points elsewhere, for packagers who install them under ``/usr/share``.
    """
    env = os.environ.get(ENV_RESOURCES)
    if env:
        return Path(env).expanduser()
    import importlib.resources

    found = importlib.resources.files("reader.resources")
    # Installed from a wheel or a folder this is a real directory; Margin is never run
    # from inside a zip (its importers need the files on disk).
    return Path(str(found))
