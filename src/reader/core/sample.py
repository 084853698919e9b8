"""The bundled sample library offered on first run (``margin --sample``).

The files live in the repository's ``resources/sample/`` folder; an installed copy
ships them under ``<prefix>/share/margin/sample`` (see pyproject's data-files).
``MARGIN_RESOURCES`` overrides both, for packagers.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from reader.core.library import Library, ProgressFn
from reader.core.model import ImportReport


def sample_dir() -> Path | None:
    candidates = []
    if env := os.environ.get("MARGIN_RESOURCES"):
        candidates.append(Path(env) / "sample")
    # A source checkout or an editable install: src/reader/core/sample.py → repo root.
    candidates.append(Path(__file__).resolve().parents[3] / "resources" / "sample")
    candidates.append(Path(sys.prefix) / "share" / "margin" / "sample")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return None


def sample_files() -> list[Path]:
    folder = sample_dir()
    if folder is None:
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in {".json", ".xml", ".md"})


def import_sample(library: Library, progress: ProgressFn | None = None) -> ImportReport:
    """Import the sample articles (again: re-importing is harmless, they come back unchanged)."""
    return library.import_paths(sample_files(), progress=progress)
