"""Markdown export with images (issue 11): a highlighted figure caption shows its picture,
copied once into attachments/ beside the note; search and the text are unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from reader.cli.main import main
from reader.core.library import Library

CAPTION_WORDS = "Distribution of SNVs, insertions, and deletions"


@pytest.fixture
def library(fixtures: Path, tmp_path: Path, library_dir: Path):
    folder = tmp_path / "package"
    shutil.copytree(fixtures / "pmc-package", folder)
    with Library.open(library_dir) as opened:
        opened.import_paths([folder])
        yield opened


def embeds(note: str) -> list[tuple[str, str]]:
    tokens = MarkdownIt().parse(note)
    return [
        (child.attrs["src"], child.content)
        for token in tokens
        if token.children
        for child in token.children
        if child.type == "image"
    ]


def test_a_highlighted_caption_shows_its_figure_from_attachments(library, tmp_path):
    (article_id,) = library.article_ids()
    library.add_highlight_by_quote(article_id, CAPTION_WORDS, note="the key figure")
    library.add_highlight_by_quote(article_id, "database-independent program")
    out = tmp_path / "notes"
    (note_path,) = library.export_articles([article_id], "markdown", out, images=True)
    note = note_path.read_text(encoding="utf-8")
    ((src, alt),) = embeds(note)  # only the figure whose caption is highlighted
    assert alt == "Figure 1" and src.startswith("attachments/") and src.endswith(".jpg")
    assert (out / src).read_bytes() == library.image(src.split("/")[1])[0]
    assert note.index(CAPTION_WORDS) < note.index(src)  # under its quote

    before = sorted((out / "attachments").iterdir())
    stamp = before[0].stat().st_mtime_ns
    again = library.export_articles([article_id], "markdown", out, images=True)
    assert again == [note_path]
    assert sorted((out / "attachments").iterdir()) == before  # no second copy
    assert before[0].stat().st_mtime_ns == stamp  # not even rewritten
    assert len(embeds(note_path.read_text(encoding="utf-8"))) == 1


def test_without_images_the_export_is_as_before(library, tmp_path):
    (article_id,) = library.article_ids()
    library.add_highlight_by_quote(article_id, CAPTION_WORDS)
    (note_path,) = library.export_articles([article_id], "markdown", tmp_path)
    assert embeds(note_path.read_text(encoding="utf-8")) == []
    assert not (tmp_path / "attachments").exists()


def test_search_finds_captions_not_pictures(library):
    (article_id,) = library.article_ids()
    library.flush_index()
    assert [h.article_id for h in library.search('"Hawaiian isolate CB4856"').hits] == [article_id]
    assert library.search("jpg").hits == []
    assert "margin-image" not in library.article(article_id).text


def test_margin_export_images(library, tmp_path, capsys, library_dir):
    (article_id,) = library.article_ids()
    library.add_highlight_by_quote(article_id, CAPTION_WORDS)
    library.close()
    out = tmp_path / "vault"
    code = main(["--library", str(library_dir), "export", "--all", "--images", "--out", str(out)])
    assert code == 0
    assert len(list((out / "attachments").iterdir())) == 1
