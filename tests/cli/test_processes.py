"""Two real processes on one library: an import (or a reindex) in one, highlights, notes
and searches in the other. Both finish without a traceback, both print their report,
and every note saved is searchable at the end."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reader.core.library import Library

# The window's side: one long-lived library, edits and searches in a loop.
EDITOR = textwrap.dedent(
    """
    import sys
    from reader.core.library import Library

    library_dir, tag, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    saved = []
    with Library.open(library_dir) as library:
        article_id = library.article_ids()[0]
        text = library.article(article_id).text
        for n in range(rounds):
            word = f"{tag}note{n}"
            start = (n * 7) % (len(text) - 20)
            highlight = library.add_highlight(article_id, start, start + 12)
            library.update_annotation(highlight.uuid, note=f"remember {word}")
            library.set_article_note(article_id, f"article note {tag}article{n}")
            library.search("magnesium")
            saved.append(word)
    print("editor done:", len(saved), "notes")
    """
)


def margin(*args: str) -> list[str]:
    return [sys.executable, "-m", "reader", *args]


def start(command: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    assert "Traceback" not in err, err[-3000:]
    return process.returncode, out, err


def notes_folder(folder: Path, count: int, word: str) -> Path:
    folder.mkdir()
    for n in range(count):
        (folder / f"note-{n:04d}.md").write_text(
            f"# {word.title()} note {n}\n\nMagnesium and sleep, {word}{n}, briefly.\n",
            encoding="utf-8",
        )
    return folder


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    path = tmp_path / "lib"
    seed = tmp_path / "seed.md"
    seed.write_text(
        "# Seed\n\n" + "Magnesium helps some people sleep through the night. " * 20,
        encoding="utf-8",
    )
    with Library.open(path) as library:
        library.import_paths([seed])
    return path


def assert_searchable(library_dir: Path, words: list[str]) -> None:
    with Library.open(library_dir) as library:
        missing = [w for w in words if not library.search(w).hits]
    assert not missing, f"saved but not searchable: {missing[:10]} ({len(missing)} in all)"


def test_an_import_beside_highlights_notes_and_searches(library_dir: Path, tmp_path: Path) -> None:
    folder = notes_folder(tmp_path / "bulk", 320, "alpha")  # a bulk import: one rebuild
    importer = start(margin("--library", str(library_dir), "import", str(folder)))
    editor = start([sys.executable, "-c", EDITOR, str(library_dir), "b", "12"])
    code, out, _ = finish(importer)
    assert code == 0 and "320 added" in out
    code, out, _ = finish(editor)
    assert code == 0 and "editor done: 12 notes" in out
    assert_searchable(library_dir, [f"bnote{n}" for n in range(12)] + ["barticle11"])
    assert_searchable(library_dir, ["alpha0", "alpha160", "alpha319"])


def test_two_imports_at_once(library_dir: Path, tmp_path: Path) -> None:
    first = notes_folder(tmp_path / "one", 40, "gamma")
    second = notes_folder(tmp_path / "two", 40, "delta")
    a = start(margin("--library", str(library_dir), "import", str(first)))
    b = start(margin("--library", str(library_dir), "import", str(second)))
    for process in (a, b):
        code, out, _ = finish(process)
        assert code == 0 and "40 added" in out
    assert_searchable(library_dir, ["gamma0", "gamma39", "delta0", "delta39"])


def test_a_reindex_during_edits_loses_no_edit(library_dir: Path, tmp_path: Path) -> None:
    with Library.open(library_dir) as library:
        library.import_paths([notes_folder(tmp_path / "some", 60, "epsilon")])
    editor = start([sys.executable, "-c", EDITOR, str(library_dir), "c", "10"])
    reindexes = [start(margin("--library", str(library_dir), "reindex")) for _ in range(2)]
    for process in reindexes:
        code, out, _ = finish(process)
        assert code == 0 and "reindexed" in out
    code, out, _ = finish(editor)
    assert code == 0
    assert_searchable(library_dir, [f"cnote{n}" for n in range(10)] + ["epsilon59"])
