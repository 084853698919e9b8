"""Where a library lives: the one place that decides, so tests can point it elsewhere.

Order: an explicit argument (``--library DIR``), then ``MARGIN_LIBRARY``, then the
platform's user data folder (``platformdirs.user_data_dir("Margin")``).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Margin"
ENV_LIBRARY = "MARGIN_LIBRARY"


def library_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_LIBRARY)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
