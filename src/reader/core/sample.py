"""The bundled sample library offered on first run (``margin --sample``).

The files are ``resources/sample/`` in the repository, installed as package data of
``reader.resources`` (see :func:`reader.core.paths.resources_dir`), so a wheel, an
editable install and the bundle all find them the same way.
"""

from __future__ import annotations

from pathlib import Path

from reader.core.library import Library, ProgressFn
from reader.core.model import ImportReport
from reader.core.paths import resources_dir

SAMPLE_SUFFIXES = frozenset({".json", ".xml", ".md"})


def sample_dir() -> Path | None:
    folder = resources_dir() / "sample"
    return folder if folder.is_dir() else None


def sample_files() -> list[Path]:
    folder = sample_dir()
    if folder is None:
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in SAMPLE_SUFFIXES)


def import_sample(library: Library, progress: ProgressFn | None = None) -> ImportReport:
    """Import the sample articles (again: re-importing is harmless, they come back unchanged)."""
    return library.import_paths(sample_files(), progress=progress)
