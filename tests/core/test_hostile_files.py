"""What the import reads from disk: only regular files, links only inside the folder,
archives within caps. Each refusal is one report line with the reason; the batch goes on."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from reader.core.library import Library, sources
from reader.core.model import ImportStatus

NOTE = "# A note\n\nMagnesium and sleep, briefly.\n"


@pytest.fixture
def library(tmp_path: Path):
    lib = Library(tmp_path / "lib")
    yield lib
    lib.close()


def by_name(report) -> dict[str, tuple[ImportStatus, str]]:  # type: ignore[no-untyped-def]
    return {Path(r.source).name: (r.status, r.message) for r in report.results}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_on_the_command_line_is_refused_not_waited_on(
    library: Library, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    good = tmp_path / "good.md"
    good.write_text(NOTE, encoding="utf-8")
    report = library.import_paths([fifo, good])
    status, message = by_name(report)["pipe.md"]
    assert status is ImportStatus.FAILED and "named pipe" in message
    assert by_name(report)["good.md"][0] is ImportStatus.ADDED


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_is_refused_as_a_device(library: Library) -> None:
    report = library.import_paths(["/dev/zero"])
    [(status, message)] = by_name(report).values()
    assert status is ImportStatus.FAILED and "character device" in message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_inside_a_folder_is_refused(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    os.mkfifo(folder / "pipe.md")
    (folder / "note.md").write_text(NOTE, encoding="utf-8")
    found = by_name(library.import_paths([folder]))
    assert found["pipe.md"][0] is ImportStatus.FAILED
    assert found["note.md"][0] is ImportStatus.ADDED


def test_links_are_followed_only_inside_the_folder(library: Library, tmp_path: Path) -> None:
    outside = tmp_path / "private.md"
    outside.write_text("# Private\n\nNot for the library.\n", encoding="utf-8")
    folder = tmp_path / "exports"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "real.md").write_text(NOTE, encoding="utf-8")
    (folder / "escape.md").symlink_to(outside)
    (folder / "inside.md").symlink_to(folder / "sub" / "real.md")
    found = by_name(library.import_paths([folder]))
    assert found["escape.md"][0] is ImportStatus.SKIPPED
    assert "outside the folder" in found["escape.md"][1]
    assert found["inside.md"][0] is ImportStatus.ADDED
    assert library.search("private").hits == []


def test_an_archive_with_too_many_entries_is_one_failure_line(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "MAX_ZIP_ENTRIES", 50)
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for n in range(60):
            zf.writestr(f"note-{n}.md", f"# Note {n}\n\nText {n}.\n")
    report = library.import_paths([archive])
    assert len(report.results) == 1
    assert report.results[0].status is ImportStatus.FAILED
    assert "60 entries" in report.results[0].message
    assert library.count() == 0


def test_an_oversized_archive_member_fails_with_the_cap(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "MAX_MEMBER_BYTES", 64 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("huge.md", "# Huge\n\n" + "word " * 100_000)
        zf.writestr("small.md", NOTE)
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(buffer.getvalue())
    found = {r.source.rsplit(":", 1)[1]: r for r in library.import_paths([archive]).results}
    assert found["huge.md"].status is ImportStatus.FAILED
    assert "64 KB" in found["huge.md"].message
    assert found["small.md"].status is ImportStatus.ADDED
