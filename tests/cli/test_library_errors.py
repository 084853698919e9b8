"""A library Margin cannot use says why, in one line, and exits 1: never a traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.errors import IndexUnavailable, MarginError, SchemaTooNew, StorageError
from reader.core.library import Library
from reader.core.library.store import SCHEMA_VERSION

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "ketamine-for-pain.json"


def _newer_library(root: Path) -> Path:
    root.mkdir(parents=True)
    conn = sqlite3.connect(root / "library.sqlite3")
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    return root


def test_every_error_of_opening_a_library_is_a_margin_error(tmp_path: Path) -> None:
    newer = _newer_library(tmp_path / "newer")
    with pytest.raises(SchemaTooNew) as raised:
        Library(newer)
    assert isinstance(raised.value, MarginError)
    assert "newer version of Margin" in str(raised.value)
    # Refused without touching it: the file still says what the newer Margin wrote.
    conn = sqlite3.connect(newer / "library.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    conn.close()

    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "library.sqlite3").write_bytes(b"this is not a database, " * 100)
    with pytest.raises(StorageError, match="is damaged"):
        Library(damaged)
    assert issubclass(IndexUnavailable, MarginError)


def test_a_file_given_as_the_library_is_named_as_one(tmp_path: Path, capsys) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# My notes\n", encoding="utf-8")
    assert main(["--library", str(notes), "list"]) == 1
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line == (
        f"margin: cannot use {notes} as the library: it is a file, not a folder "
        "(give --library a folder, or a name for a new one)"
    )
    assert notes.read_text(encoding="utf-8") == "# My notes\n"


def test_cli_on_a_library_from_a_newer_margin(tmp_path: Path) -> None:
    root = _newer_library(tmp_path / "lib")
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    done = subprocess.run(
        [sys.executable, "-m", "reader", "--library", str(root), "list"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("margin: ") and "newer version of Margin" in line
    assert done.stdout == ""


@pytest.mark.parametrize("command", [["list"], ["search", "ketamine"], ["import", str(SEED)]])
def test_cli_on_a_damaged_database(tmp_path: Path, capsys, command: list[str]) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "library.sqlite3").write_bytes(b"\x00garbage" * 512)
    assert main(["--library", str(root), *command]) == 1
    out, err = capsys.readouterr()
    assert "is damaged" in err and "Traceback" not in err
    assert out == ""


def test_cli_when_another_margin_holds_the_index(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index's write lock is held elsewhere: the import says so instead of crashing,
    and the articles it saved are searchable once the lock is free again."""
    from whoosh.index import open_dir

    from reader.core.index import article_index

    root = tmp_path / "lib"
    with Library(root) as library:
        library.reindex()  # an empty library with its index
    monkeypatch.setattr(article_index, "WRITER_TIMEOUT_S", 0.05)
    # What another Margin process importing at the same time holds: Whoosh's writer lock.
    writer = open_dir(str(root / "index"), indexname=article_index.INDEX_NAME).writer()
    try:
        assert main(["--library", str(root), "import", str(SEED)]) == 1
        _out, err = capsys.readouterr()
        assert "locked by another Margin process" in err and "Traceback" not in err
    finally:
        writer.cancel()
    assert main(["--library", str(root), "search", "ketamine", "--json"]) == 0
    assert '"Ketamine for Pain: A Guide"' in capsys.readouterr().out


def test_a_folder_of_other_files_is_not_made_into_a_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    (downloads / "report.pdf").write_bytes(b"%PDF-1.4")
    (downloads / ".DS_Store").write_bytes(b"")
    assert main(["--library", str(downloads), "list"]) == 1
    err = capsys.readouterr().err
    assert "holds other files (report.pdf, …) and no Margin library" in err
    assert sorted(p.name for p in downloads.iterdir()) == [".DS_Store", "report.pdf"]
    # An empty folder (hidden files aside) or a new one becomes a library, as before;
    # an existing library opens whatever else the user put beside it.
    (downloads / "report.pdf").unlink()
    assert main(["--library", str(downloads), "list"]) == 0
    (downloads / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["--library", str(downloads), "list"]) == 0
