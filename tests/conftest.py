"""Shared test configuration: headless Qt, temporary libraries, the corpora."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Set before anything imports Qt: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("MARGIN_LIBRARY", None)

# The reading view's URL scheme must be registered before pytest-qt makes the
# QApplication (and Chromium needs --no-sandbox when the tests run as root).
from reader.ui.reader.scheme import prepare_web_engine

prepare_web_engine()

# What Qt WebEngine says on a headless machine with software rendering: harmless.
WEB_ENGINE_NOISE = [
    "Failed to connect to the bus",
    "QRhiGles2: Failed to create",
    "Failed to create RHI for backend",
    "This plugin does not support createPlatformVulkanInstance",
    "QVulkanInstance: Failed to initialize Vulkan",
    "GBM is not supported",
    "GPUInfo not initialized",
]


def pytest_configure(config: pytest.Config) -> None:
    for pattern in WEB_ENGINE_NOISE:
        config.addinivalue_line("qt_log_ignore", pattern)


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
