"""The Trash, changes from other processes, tags in any case, and highlights whose words
changed: what the window and the CLI rely on, through the Library facade."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from reader.core.library import Library, LibraryFilter
from reader.core.library.store import SCHEMA_VERSION, Store

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "ketamine-for-pain.json"


@pytest.fixture
def library(tmp_path: Path):
    lib = Library(tmp_path / "lib")
    yield lib
    lib.close()


def _markdown(folder: Path, name: str, title: str, tags: list[str]) -> Path:
    path = folder / f"{name}.md"
    path.write_text(
        f"---\ntitle: {title}\ntags: [{', '.join(tags)}]\n---\n\nBody of {title} with quokka.\n",
        encoding="utf-8",
    )
    return path


def test_trash_keeps_highlights_hides_the_article_and_restores_it(library: Library) -> None:
    article_id = library.import_paths([SEED]).results[0].article_id
    highlight = library.add_highlight_by_quote(article_id, "lower risk of abuse", note="dose")
    assert library.search("bladder").hits

    assert library.trash([article_id]) == 1
    assert library.count() == 0 and library.summaries() == []
    assert article_id not in library.article_ids()
    assert library.filter_values()["tag"] == []
    assert library.search("bladder").hits == []
    (trashed,) = library.trashed()
    assert trashed.id == article_id and trashed.trashed_at
    # The highlight waits in the Trash with its article.
    assert [a.note for a in library.annotations(article_id)] == ["dose"]

    assert library.restore_from_trash([article_id]) == 1
    assert library.count() == 1 and library.trashed() == []
    assert library.search("bladder").hits[0].article_id == article_id
    assert library.annotation(highlight.uuid).note == "dose"


def test_emptying_the_trash_deletes_for_good_and_old_items_go_by_themselves(
    library: Library, tmp_path: Path
) -> None:
    folder = tmp_path / "md"
    folder.mkdir()
    report = library.import_paths(
        [_markdown(folder, "a", "Old one", []), _markdown(folder, "b", "New one", [])]
    )
    old, new = (r.article_id for r in report.results)
    library.trash([old, new])
    # Pretend the first was trashed 31 days ago.
    conn = sqlite3.connect(library.root / "library.sqlite3")
    conn.execute(
        "UPDATE articles SET trashed_at = '2000-01-01T00:00:00+00:00' WHERE id = ?", (old,)
    )
    conn.commit()
    conn.close()
    library.close()
    reopened = Library.open(library.root)  # opening empties what is older than 30 days
    try:
        assert [s.id for s in reopened.trashed()] == [new]
        assert reopened.empty_trash() == 1
        assert reopened.trashed() == []
    finally:
        reopened.close()


def test_importing_a_trashed_article_again_brings_it_back(library: Library) -> None:
    article_id = library.import_paths([SEED]).results[0].article_id
    library.trash([article_id])
    library.import_paths([SEED])
    assert library.count() == 1 and library.trashed() == []


def test_version_2_database_gains_the_trash_column(tmp_path: Path) -> None:
    from reader.core.library.schema import SCHEMA_V1, SCHEMA_V2, split_sql

    path = tmp_path / "v2.sqlite3"
    conn = sqlite3.connect(path)
    for statement in split_sql(SCHEMA_V1) + split_sql(SCHEMA_V2):
        conn.execute(statement)
    conn.execute(
        "INSERT INTO articles(title, html, text, source_format, added, updated, content_hash,"
        " fingerprint) VALUES ('Kept', '<p>x</p>', 'x', 'markdown', '2025', '2025', 'h', 'f')"
    )
    conn.execute("PRAGMA user_version=2")
    conn.commit()
    conn.close()
    store = Store(path)
    assert [(s.title, s.trashed_at) for s in store.summaries()] == [("Kept", "")]
    store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 3
    conn.close()


def test_change_token_moves_only_when_another_process_writes(
    library: Library, tmp_path: Path
) -> None:
    token = library.change_token()
    library.import_paths([SEED])  # our own writes are announced by whoever made them
    assert library.change_token() == token
    with Library.open(library.root) as other:  # `margin import` in a terminal
        other.set_setting("x", 1)
    assert library.change_token() != token


def test_tag_filter_matches_any_case(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "md"
    folder.mkdir()
    library.import_paths(
        [_markdown(folder, "a", "Lower", ["cancer"]), _markdown(folder, "b", "Upper", ["Cancer"])]
    )
    assert library.count(LibraryFilter(tag="cancer")) == 2
    assert library.count(LibraryFilter(tag="CANCER")) == 2


def test_set_article_tags_folds_case_and_is_searchable(library: Library) -> None:
    article_id = library.import_paths([SEED]).results[0].article_id
    library.set_article_tags(article_id, ["Reading", "reading", "to-read "])
    assert library.article(article_id).tags == ["Reading", "to-read"]
    assert library.search("tag:to-read").hits[0].article_id == article_id


def _reimport_with(library: Library, tmp_path: Path, old: str, new: str) -> None:
    post = json.loads(SEED.read_text(encoding="utf-8"))
    html = post["content"]["rendered"]
    assert old in html
    post["content"]["rendered"] = html.replace(old, new)
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(post), encoding="utf-8")
    library.import_paths([edited])


def test_highlight_whose_words_changed_is_marked_and_can_take_the_new_words(
    library: Library, tmp_path: Path
) -> None:
    article_id = library.import_paths([SEED]).results[0].article_id
    highlight = library.add_highlight_by_quote(article_id, "lower risk of abuse", note="n")
    assert library.annotations_for(article_id).changed == {}
    _reimport_with(library, tmp_path, "lower risk of abuse", "lower risk of misuse")

    found = library.annotations_for(article_id)
    assert found.changed == {highlight.uuid: "lower risk of misuse"}
    (kept, _start, _end) = found.anchored[0]
    assert kept.quote.exact == "lower risk of abuse"  # the user's words until they choose

    accepted = library.accept_new_text(highlight.uuid)
    assert accepted.quote.exact == "lower risk of misuse" and accepted.note == "n"
    assert library.annotations_for(article_id).changed == {}
    with Library(library.root) as again:  # and it stays accepted
        assert again.annotations_for(article_id).changed == {}


def test_keeping_the_old_words_lists_the_highlight_as_not_found(
    library: Library, tmp_path: Path
) -> None:
    article_id = library.import_paths([SEED]).results[0].article_id
    highlight = library.add_highlight_by_quote(article_id, "lower risk of abuse")
    _reimport_with(library, tmp_path, "lower risk of abuse", "lower risk of misuse")
    library.keep_old_text(highlight.uuid)
    found = library.annotations_for(article_id)
    assert not found.anchored and not found.changed
    assert [a.quote.exact for a in found.orphans] == ["lower risk of abuse"]
