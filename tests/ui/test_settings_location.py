"""The README tells users where the window keeps its settings: the name must be the one
Qt writes (an INI file, ``Margin.ini``; the README once said ``Margin.conf``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.ui.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_names_the_settings_file_the_window_writes(temp_settings: Path) -> None:
    settings = Settings()
    settings.theme = "dark"
    settings.sync()
    written = Path(settings.store.fileName())
    assert written.exists() and written.name == "Margin.ini"
    assert written.parent.name == "Margin"
    if not README.exists():
        pytest.skip("no README.md next to the tests (an installed copy)")
    text = README.read_text(encoding="utf-8")
    assert f"Margin/{written.name}" in text
    assert "Margin.conf" not in text
