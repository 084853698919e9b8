"""kill -9 in the middle of an import and in the middle of edits: afterwards the database
is sound, every annotation that was saved is there, and search finds everything.

The child prints a line after each save has returned; the test kills it once it has
seen a few, so the kill lands while the next save (and its indexing) is under way.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reader.core.library import Library, backup

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")

IMPORTER = textwrap.dedent(
    """
    import sys
    from reader.core.library import Library

    with Library.open(sys.argv[1]) as library:
        for n in range(10_000):
            text = f"# Kill note {n}\\n\\nMagnesium and sleep, killword{n}, briefly.\\n"
            library.import_bytes(text.encode(), f"note-{n}.md")
            print(f"imported killword{n}", flush=True)
    """
)
EDITOR = textwrap.dedent(
    """
    import sys
    from reader.core.library import Library

    with Library.open(sys.argv[1]) as library:
        article_id = library.article_ids()[0]
        text = library.article(article_id).text
        for n in range(10_000):
            start = (n * 5) % (len(text) - 20)
            highlight = library.add_highlight(article_id, start, start + 10)
            library.update_annotation(highlight.uuid, note=f"saved editnote{n}")
            print(highlight.uuid, f"editnote{n}", flush=True)
    """
)


def run_until_killed(script: str, library_dir: Path, lines: int) -> list[list[str]]:
    seen: list[list[str]] = []
    with subprocess.Popen(
        [sys.executable, "-c", script, str(library_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        for line in child.stdout:
            seen.append(line.split())
            if len(seen) >= lines:
                child.send_signal(signal.SIGKILL)
                break
        child.wait(timeout=60)
        errors = child.stderr.read()
    assert child.returncode == -signal.SIGKILL, errors
    return seen


def assert_sound(library_dir: Path) -> None:
    assert backup.integrity_problem(library_dir / "library.sqlite3", quick=False) == ""


def test_kill_during_an_import(tmp_path: Path) -> None:
    library_dir = tmp_path / "lib"
    seen = run_until_killed(IMPORTER, library_dir, 6)
    assert_sound(library_dir)
    with Library.open(library_dir) as library:
        for _, word in seen:
            assert library.search(word).hits, word
        assert library.count() >= len(seen)
        problems = library.check().problems
        assert problems == [], problems


def test_kill_during_edits(tmp_path: Path) -> None:
    library_dir = tmp_path / "lib"
    with Library.open(library_dir) as library:
        library.import_bytes(
            ("# Seed\n\n" + "Magnesium helps some people sleep. " * 30).encode(), "seed.md"
        )
    seen = run_until_killed(EDITOR, library_dir, 8)
    assert_sound(library_dir)
    with Library.open(library_dir) as library:
        for uuid, word in seen:
            assert library.annotation(uuid).note == f"saved {word}"
            assert library.search(word).hits, word
        problems = library.check().problems
        assert problems == [], problems
