"""`margin backup`, `margin restore-backup` and `margin check`, as a user meets them after
the library database was damaged."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reader.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_damaged_library_is_explained_and_restored(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lib = ["--library", str(tmp_path / "lib")]
    note = tmp_path / "sleep.md"
    note.write_text("# Sleep\n\nMagnesium and sleep.\n", encoding="utf-8")
    assert run(capsys, *lib, "import", str(note))[0] == 0
    code, out, _ = run(capsys, *lib, "backup")
    assert code == 0 and out.startswith("backed up to ")
    assert Path(out.split("backed up to ", 1)[1].strip()).exists()
    assert run(capsys, *lib, "check")[0] == 0

    db = tmp_path / "lib" / "library.sqlite3"
    db.write_bytes(os.urandom(32 * 1024))
    code, out, err = run(capsys, *lib, "list")
    assert code == 1 and "Traceback" not in err
    assert "damaged" in err and "margin restore-backup" in err

    code, out, _ = run(capsys, *lib, "restore-backup")
    assert code == 0 and "restored" in out
    code, out, _ = run(capsys, *lib, "list", "--json")
    assert [row["title"] for row in json.loads(out)] == ["Sleep"]
    code, out, _ = run(capsys, *lib, "search", "magnesium", "--json")
    assert json.loads(out)["hits"]
    code, out, _ = run(capsys, *lib, "check")
    assert code == 0 and "sound" in out
    code, out, _ = run(capsys, *lib, "backup", "--list")
    assert code == 0 and "manual" in out


def test_restoring_a_backup_that_is_not_there_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lib = ["--library", str(tmp_path / "lib")]
    missing = tmp_path / "library-2026-typo.sqlite3"
    code, _, err = run(capsys, *lib, "restore-backup", str(missing))
    assert code == 1
    assert f"there is no backup file {missing}" in err and "damaged" not in err


def test_check_reports_missing_originals(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lib = ["--library", str(tmp_path / "lib")]
    note = tmp_path / "sleep.md"
    note.write_text("# Sleep\n\nMagnesium and sleep.\n", encoding="utf-8")
    run(capsys, *lib, "import", str(note))
    for original in (tmp_path / "lib" / "originals").glob("*/*"):
        original.unlink()
    code, out, _ = run(capsys, *lib, "check")
    assert code == 1 and "missing" in out and "sleep.md" in out


def test_a_command_that_only_reads_leaves_the_daily_backup_to_one_that_writes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lib = ["--library", str(tmp_path / "lib")]
    note = tmp_path / "sleep.md"
    note.write_text("# Sleep\n\nMagnesium and sleep.\n", encoding="utf-8")
    assert run(capsys, *lib, "import", str(note))[0] == 0
    backups = tmp_path / "lib" / "backups"
    for old in backups.glob("*.sqlite3"):
        old.unlink()  # the day's backup is due
    for reading in (["search", "sleep"], ["list"], ["show", "1"], ["annotations", "1"]):
        assert run(capsys, *lib, *reading)[0] == 0
        assert not list(backups.glob("*.sqlite3")), reading
    assert run(capsys, *lib, "tag", "1", "sleep")[0] == 0  # changes the library
    [daily] = backups.glob("*.sqlite3")
    assert daily.name.endswith("-daily.sqlite3")
