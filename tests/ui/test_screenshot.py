"""`margin --screenshot`: the window renders offscreen to a real picture and exits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage
from ui_articles import write_articles

from reader import cli

# The offscreen platform warns when a shown top-level changes its size limits or is raised.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "This plugin does not support raise"
)


def distinct_colours(image: QImage, step: int = 16) -> int:
    colours = set()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            colours.add(image.pixel(x, y))
    return len(colours)


@pytest.fixture(autouse=True)
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "logs"
    monkeypatch.setenv("MARGIN_LOG_DIR", str(folder))
    return folder


def test_screenshot_of_an_open_article(qapp: Any, tmp_path: Path, capsys: Any) -> None:
    from reader.core.library import Library

    with Library.open(tmp_path / "lib") as library:
        library.import_paths(write_articles(tmp_path / "articles"))
        (ketamine,) = [s.id for s in library.summaries() if s.title == "Ketamine for Pain"]
    out = tmp_path / "shot.png"
    code = cli.main(
        [
            "--library",
            str(tmp_path / "lib"),
            "--screenshot",
            str(out),
            "--open",
            str(ketamine),
            "--theme",
            "sepia",
            "--size",
            "1100x700",
        ]
    )
    assert code == 0
    assert out.stat().st_size > 20_000
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1100, 700)
    assert distinct_colours(image) > 20  # text, panes, list: not a blank picture


def test_open_with_an_id_not_in_the_library_says_so(qapp: Any, tmp_path: Path, capsys) -> None:
    library = ["--library", str(tmp_path / "lib")]
    code = cli.main([*library, "--screenshot", str(tmp_path / "shot.png"), "--open", "9999"])
    assert code == 0 and (tmp_path / "shot.png").exists()  # the window as it opens
    assert "margin: No article with id 9999" in capsys.readouterr().err


def test_the_window_on_a_file_given_as_the_library_says_so(
    qapp: Any, tmp_path: Path, capsys
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# My notes\n", encoding="utf-8")
    code = cli.main(["--library", str(notes), "--screenshot", str(tmp_path / "shot.png")])
    assert code == 1  # was a traceback (FileExistsError)
    assert "it is a file, not a folder" in capsys.readouterr().err


def test_screenshot_of_the_empty_first_run(qapp: Any, tmp_path: Path) -> None:
    out = tmp_path / "empty.png"
    assert cli.main(["--library", str(tmp_path / "new"), "--screenshot", str(out)]) == 0
    image = QImage(str(out))
    assert not image.isNull() and distinct_colours(image, 8) > 5
