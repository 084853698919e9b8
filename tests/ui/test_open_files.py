"""`margin FILE...` (the desktop entry's ``Exec=margin %F``): import, then show the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ui_articles import write_articles

from reader.ui.app import open_files


def test_opened_file_is_imported_and_shown(
    qtbot: Any, make_window: Any, filled_library: Any, tmp_path: Path
) -> None:
    window = make_window(filled_library)
    before = filled_library.count()
    (new_file,) = write_articles(
        tmp_path / "downloads",
        {"lithium.md": "---\ntitle: Lithium Levels\n---\n\nCheck levels weekly at first.\n"},
    )[-1:]

    assert open_files(window, [str(new_file)])

    qtbot.waitUntil(
        lambda: (
            window.reader_view.article is not None
            and window.reader_view.article.title == "Lithium Levels"
        ),
        timeout=10_000,
    )
    # Landed in the library (3 articles written again unchanged, one new) and is selected.
    assert filled_library.count() == before + 1
    assert window.library_panel.current_article_id() == window.reader_view.article.id


def test_opening_a_file_already_in_the_library_shows_it(
    qtbot: Any, make_window: Any, filled_library: Any, tmp_path: Path
) -> None:
    window = make_window(filled_library)
    statins = tmp_path / "articles" / "statins.md"  # imported by the fixture
    before = filled_library.count()

    assert open_files(window, [str(statins)])

    qtbot.waitUntil(
        lambda: (
            window.reader_view.article is not None and "Statin" in window.reader_view.article.title
        ),
        timeout=10_000,
    )
    assert filled_library.count() == before
