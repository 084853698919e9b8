"""The window on a library it cannot open: a message box that says why, not a crash."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from reader import cli
from reader.core.library.store import SCHEMA_VERSION


def test_window_on_a_library_from_a_newer_margin(
    qapp: Any, tmp_path: Path, modal_calls: Any, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MARGIN_LOG_DIR", str(tmp_path / "logs"))
    root = tmp_path / "lib"
    root.mkdir()
    conn = sqlite3.connect(root / "library.sqlite3")
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()

    assert cli.main(["--library", str(root)]) == 1

    ((name, args),) = modal_calls
    assert name == "QMessageBox.critical"
    title, text = args[1], args[2]
    assert "cannot open the library" in title
    assert "newer version of Margin" in text and str(root) in text
    assert not qapp.topLevelWidgets() or not any(w.isVisible() for w in qapp.topLevelWidgets())
    assert "newer version of Margin" in capsys.readouterr().err
