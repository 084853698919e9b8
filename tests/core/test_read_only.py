"""A read-only library (a read-only disk, a folder the user may not write): every
command that only reads works and writes nothing; one that would change it says so.

Tests usually run as root, whom file modes do not stop, so "read-only" is what the
operating system answers to ``os.access(…, W_OK)`` here, and the test checks that not
one file in the library folder was created, changed or removed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.errors import StorageError
from reader.core.library import Library

NOTE = "# Sleep\n\nMagnesium and sleep: what the trials found.\n"


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.fixture
def read_only_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "lib"
    with Library(root) as library:
        [result] = library.import_bytes(NOTE.encode(), "sleep.md")
        library.add_highlight_by_quote(result.article_id, "the trials", note="doses")
    with Library(root):
        pass  # the daily backup exists: opening read-only has nothing left to do
    real_access = os.access

    def access(path: object, mode: int, *args: object, **kwargs: object) -> bool:
        inside = Path(os.fspath(path)).resolve().is_relative_to(root.resolve())  # type: ignore[arg-type]
        if mode & os.W_OK and inside:
            return False
        return real_access(path, mode, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    return root


def test_reading_commands_work_and_write_nothing(read_only_library: Path) -> None:
    before = snapshot(read_only_library)
    with Library.open(read_only_library) as library:
        assert library.read_only
        [summary] = library.summaries()
        article = library.article(summary.id)
        assert "Magnesium" in article.text
        assert library.search("magnesium").hits
        assert library.annotations(summary.id)[0].note == "doses"
        assert "doses" in library.export_markdown(summary.id)
    assert snapshot(read_only_library) == before


def test_changing_commands_say_the_library_is_read_only(read_only_library: Path) -> None:
    with Library.open(read_only_library) as library:
        article_id = library.article_ids()[0]
        with pytest.raises(StorageError, match="read-only"):
            library.set_article_note(article_id, "new note")
        with pytest.raises(StorageError, match="read-only"):
            library.add_highlight_by_quote(article_id, "Magnesium")


def test_the_cli_lists_and_refuses_clearly(
    read_only_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = ["--library", str(read_only_library)]
    assert main([*lib, "list"]) == 0
    assert "Sleep" in capsys.readouterr().out
    assert main([*lib, "search", "magnesium"]) == 0
    capsys.readouterr()
    assert main([*lib, "highlight", "1", "--quote", "Magnesium"]) == 1
    err = capsys.readouterr().err
    assert "read-only" in err and "Traceback" not in err
