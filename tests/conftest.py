"""Shared test configuration: headless Qt, temporary libraries, the corpora."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Set before anything imports Qt: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("MARGIN_LIBRARY", None)

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# ../shared/corpora beside the repository (CI always has it); MARGIN_CORPORA overrides.
CORPORA = Path(os.environ.get("MARGIN_CORPORA", REPO.parent / "shared" / "corpora"))


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def corpora() -> Path:
    """The third-party corpora; tests that need the whole set skip without it."""
    if not CORPORA.is_dir():
        pytest.skip(f"../shared/corpora is not beside this clone ({CORPORA}); corpus-wide test")
    return CORPORA


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    path = tmp_path / "library"
    return path
