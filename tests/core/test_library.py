"""The Library facade end to end: import, re-import, search, remove, reindex, bad input."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from reader.core.errors import NotFound, QueryError
from reader.core.library import Library, LibraryFilter
from reader.core.model import ImportStatus

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "ketamine-for-pain.json"


@pytest.fixture
def library(tmp_path: Path):
    lib = Library(tmp_path / "lib")
    yield lib
    lib.close()


def _seed_post() -> dict:
    return json.loads(SEED.read_text(encoding="utf-8"))


def test_seed_imports_with_its_metadata(library: Library) -> None:
    report = library.import_paths([SEED])
    assert [r.status for r in report.results] == [ImportStatus.ADDED]
    article = library.article(report.results[0].article_id)
    assert article.title == "Ketamine for Pain: A Guide"
    assert article.authors == ["Martha Allitt"]
    assert article.site_name == "Psycle Health"
    assert article.categories == ["Alternative Treatments"]
    assert article.tags == ["ketamine"]
    assert article.published.startswith("2025-01-08")
    assert "<script" not in article.html
    assert "NMDA receptors" in article.text


def test_reimport_is_unchanged_then_updated_in_place(library: Library, tmp_path: Path) -> None:
    first = library.import_paths([SEED]).results[0]
    again = library.import_paths([SEED]).results[0]
    assert again.status is ImportStatus.UNCHANGED
    assert again.article_id == first.article_id

    highlight = library.add_highlight_by_quote(first.article_id, "lower risk of abuse")
    post = _seed_post()
    post["content"]["rendered"] = post["content"]["rendered"].replace(
        "Ketamine has evolved", "Ketamine, an old anaesthetic, has evolved"
    )
    post["modified_gmt"] = "2025-02-01T10:00:00"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(post), encoding="utf-8")
    updated = library.import_paths([edited]).results[0]
    assert updated.status is ImportStatus.UPDATED
    assert updated.article_id == first.article_id
    assert library.count() == 1
    # The highlight followed the edit: it is still on the same words.
    found = library.anchored_annotations(first.article_id)
    assert not found.orphans
    (kept, start, end) = found.anchored[0]
    assert kept.uuid == highlight.uuid
    assert library.article(first.article_id).text[start:end] == "lower risk of abuse"


def test_search_finds_body_phrase_and_fields(library: Library) -> None:
    library.import_paths([SEED])
    assert library.search("bladder").hits[0].title == "Ketamine for Pain: A Guide"
    assert library.search('"mu-opioid receptors"').hits
    assert library.search("author:allitt").hits
    assert library.search("tag:ketamine").hits
    assert not library.search('"receptors opioid mu"').hits
    hit = library.search("bladder").hits[0]
    assert '<b class="match">bladder</b>' in hit.snippet_html.lower()


def test_bad_query_is_a_clear_error(library: Library) -> None:
    library.import_paths([SEED])
    with pytest.raises(QueryError):
        library.search("title:(")


def test_batch_with_bad_files_imports_the_good_ones(library: Library, tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(SEED, batch / "good.json")
    (batch / "truncated.json").write_text(SEED.read_text(encoding="utf-8")[:500], encoding="utf-8")
    (batch / "empty.json").write_bytes(b"")
    (batch / "binary.json").write_bytes(bytes(range(256)) * 4)
    (batch / "not-wordpress.json").write_text('{"hello": "world"}', encoding="utf-8")
    report = library.import_paths([batch])
    by_name = {Path(r.source).name: r for r in report.results}
    assert by_name["good.json"].status is ImportStatus.ADDED
    for bad in ("truncated.json", "empty.json", "binary.json", "not-wordpress.json"):
        assert by_name[bad].status is ImportStatus.FAILED, bad
        assert by_name[bad].message, bad
    assert report.failed
    assert library.count() == 1


def test_zip_archives_import_their_members(library: Library, tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(SEED, "posts/ketamine.json")
        zf.writestr("posts/notes.md", "---\ntitle: A note\n---\n\nPain relief notes.\n")
        zf.writestr("__MACOSX/._ketamine.json", b"\x00\x01junk")
        zf.writestr("cover.png", b"\x89PNG....")
    report = library.import_paths([archive])
    sources = sorted(r.source.split(":", 1)[1] for r in report.results)
    assert sources == ["posts/ketamine.json", "posts/notes.md"]
    assert library.count() == 2


def test_not_a_zip_with_zip_name_fails_clearly(library: Library, tmp_path: Path) -> None:
    fake = tmp_path / "broken.zip"
    fake.write_bytes(b"PK\x03\x04 this is not really a zip")
    report = library.import_paths([fake])
    assert report.failed
    assert "not a readable zip archive" in report.results[0].message
    assert library.count() == 0


def test_a_damaged_or_unsafe_zip_member_is_named_and_the_rest_imports(
    library: Library, tmp_path: Path
) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.md", "---\ntitle: Sleep\n---\n\nSleep helps memory.\n")
        zf.writestr("b.md", "---\ntitle: Coffee\n---\n\nCoffee and sleep.\n")
        zf.writestr("../outside.md", "---\ntitle: Outside\n---\n\nNot read.\n")
    data = bytearray(archive.read_bytes())
    second = data.index(b"PK\x03\x04", 4)  # b.md's local header
    data[second : second + 4] = b"XXXX"
    archive.write_bytes(bytes(data))
    report = library.import_paths([archive])
    by_member = {r.source.split(":", 1)[1]: r for r in report.results}
    assert by_member["a.md"].status is ImportStatus.ADDED
    assert by_member["b.md"].status is ImportStatus.FAILED
    assert "the archive is damaged" in by_member["b.md"].message
    assert by_member["../outside.md"].status is ImportStatus.SKIPPED
    assert "leads out of the archive" in by_member["../outside.md"].message
    assert [s.title for s in library.summaries()] == ["Sleep"]


def test_missing_path_is_reported(library: Library, tmp_path: Path) -> None:
    report = library.import_paths([tmp_path / "nope.json"])
    assert report.results[0].status is ImportStatus.FAILED
    assert "no such file" in report.results[0].message


def test_originals_are_kept_once_by_hash(library: Library) -> None:
    library.import_paths([SEED])
    library.import_paths([SEED])
    stored = [p for p in (library.root / "originals").rglob("*") if p.is_file()]
    assert len(stored) == 1
    assert stored[0].read_bytes() == SEED.read_bytes()


def test_remove_deletes_article_and_index_entry(library: Library) -> None:
    article_id = library.import_paths([SEED]).results[0].article_id
    assert library.remove([article_id]) == 1
    assert library.count() == 0
    assert not library.search("ketamine").hits
    with pytest.raises(NotFound):
        library.article(article_id)
    with pytest.raises(NotFound):
        library.remove([article_id])


def test_index_is_rebuilt_when_missing_or_corrupt(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    with Library(root) as lib:
        lib.import_paths([SEED])
    shutil.rmtree(root / "index")
    with Library(root) as lib:
        assert lib.search("ketamine").hits
    for f in (root / "index").iterdir():
        if f.is_file():
            f.write_bytes(b"garbage")
    with Library(root) as lib:
        assert lib.search("ketamine").hits


def test_database_settings_and_schema_version(library: Library) -> None:
    library.import_paths([SEED])
    conn = sqlite3.connect(library.root / "library.sqlite3")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1
    finally:
        conn.close()


def test_filters_and_sorting(library: Library, tmp_path: Path) -> None:
    library.import_paths([SEED])
    note = tmp_path / "note.md"
    note.write_text("---\ntitle: Aardvark notes\ntags: [zoology]\n---\n\nText.\n", encoding="utf-8")
    library.import_paths([note])
    titles = [s.title for s in library.summaries(sort="title", descending=False)]
    assert titles == ["Aardvark notes", "Ketamine for Pain: A Guide"]
    assert [s.title for s in library.summaries(LibraryFilter(tag="ketamine"))] == [
        "Ketamine for Pain: A Guide"
    ]
    assert library.count(LibraryFilter(source_format="markdown")) == 1
    values = library.filter_values()
    assert "ketamine" in values["tag"] and "zoology" in values["tag"]
    first = library.summaries()[0]
    library.set_read(first.id, True)
    assert library.count(LibraryFilter(read=False)) == 1


def test_annotations_are_searchable_and_persist(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    with Library(root) as lib:
        article_id = lib.import_paths([SEED]).results[0].article_id
        lib.add_highlight_by_quote(
            article_id, "lower risk of abuse", color="red", note="zebrafish check", tags=["dose"]
        )
        lib.set_article_note(article_id, "Overview for the journal club")
    with Library(root) as lib:
        hit = lib.search("note:zebrafish").hits[0]
        assert hit.article_id == article_id
        # The hit points at the highlight, and shows it as the snippet.
        (annotation,) = lib.annotations(article_id)
        assert hit.annotation_uuid == annotation.uuid
        assert '<b class="match">zebrafish</b>' in hit.snippet_html
        # A word that is only in a note (not in the article) also leads there.
        assert lib.search("zebrafish").hits[0].annotation_uuid == annotation.uuid
        assert lib.search("bladder").hits[0].annotation_uuid is None
        assert lib.search("journal club").hits
        assert lib.search('highlight:"risk of abuse"').hits
        (annotation,) = lib.annotations(article_id)
        assert annotation.color == "red" and annotation.tags == ["dose"]
        lib.remove_annotation(annotation.uuid)
        assert lib.annotations(article_id) == []
        assert not lib.search("note:zebrafish").hits


def test_cancel_stops_between_files(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(5):
        (folder / f"n{i}.md").write_text(
            f"---\ntitle: Note {i}\n---\n\nBody {i}.\n", encoding="utf-8"
        )
    seen = []

    def progress(p) -> None:
        seen.append(p.done)

    report = library.import_paths([folder], progress=progress, cancel=lambda: len(seen) >= 3)
    assert report.cancelled
    assert 0 < library.count() < 5


def test_latin1_and_utf16_files(library: Library, tmp_path: Path) -> None:
    post = _seed_post()
    text = json.dumps(post, ensure_ascii=False)
    (tmp_path / "utf16.json").write_bytes(text.encode("utf-16"))
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    report = library.import_paths([tmp_path / "utf16.json", tmp_path / "bom.json"])
    assert [r.status for r in report.results] == [ImportStatus.ADDED, ImportStatus.UNCHANGED]


def test_import_bytes_in_memory(library: Library) -> None:
    buf = io.BytesIO(SEED.read_bytes())
    results = library.import_bytes(buf.getvalue(), "dropped.json")
    assert results[0].status is ImportStatus.ADDED


def test_highlight_on_deleted_passage_becomes_orphan_not_moved(
    library: Library, tmp_path: Path
) -> None:
    article_id = library.import_paths([SEED]).results[0].article_id
    kept = library.add_highlight_by_quote(article_id, "lower risk of abuse", note="keep me")
    lost = library.add_highlight_by_quote(
        article_id, "beneficial for individuals with chronic pain", note="my note"
    )
    post = _seed_post()
    html = post["content"]["rendered"]
    start = html.index("<li>Ketamine is beneficial for individuals")
    end = html.index("</li>", start) + len("</li>")
    post["content"]["rendered"] = html[:start] + html[end:]
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(post), encoding="utf-8")
    assert library.import_paths([edited]).results[0].status is ImportStatus.UPDATED

    found = library.anchored_annotations(article_id)
    assert [a.uuid for a, _, _ in found.anchored] == [kept.uuid]
    (orphan,) = found.orphans
    # Listed with the user's own quote and note, never silently rewritten or dropped.
    assert orphan.uuid == lost.uuid
    assert orphan.quote.exact == "beneficial for individuals with chronic pain"
    assert orphan.note == "my note"


def test_edits_index_in_the_background_but_search_sees_them(library: Library) -> None:
    article_id = library.import_paths([SEED]).results[0].article_id
    for i in range(5):  # a burst of edits, as in the window
        library.add_highlight_by_quote(
            article_id, "particularly to the bladder", note=f"quokka{i}", tags=["t"]
        )
    # Searching waits for queued edits: the latest note is found at once.
    assert library.search("note:quokka4").hits[0].article_id == article_id
    library.add_highlight_by_quote(article_id, "lower risk of abuse", note="wombat")
    # Removing right after an edit does not let the queued re-index bring it back.
    library.remove([article_id])
    assert not library.search("wombat").hits
    assert not library.search("ketamine").hits


def test_pages_of_the_list_sorted_every_way_cover_the_library_once(
    library: Library, tmp_path: Path
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    for i in range(23):
        (folder / f"n{i:02d}.md").write_text(
            f"---\ntitle: Note {(i * 7) % 23:02d}\ndate: 2020-01-{i + 1:02d}\n---\n\nBody {i}.\n",
            encoding="utf-8",
        )
    library.import_paths([folder])
    first = library.summaries(sort="title", descending=False)[0]
    library.add_highlight_by_quote(first.id, "Body")
    for sort in ("title", "published", "added", "site", "highlights"):
        pages = [library.summaries(sort=sort, offset=o, limit=5) for o in range(0, 25, 5)]
        ids = [s.id for page in pages for s in page]
        assert sorted(ids) == sorted(s.id for s in library.summaries()), sort
    titles = [s.title for s in library.summaries(sort="title", descending=False)]
    assert titles == sorted(titles)
    top = library.summaries(sort="highlights", limit=1)[0]
    assert top.id == first.id and top.highlight_count == 1


def test_highlights_are_anchored_once_per_article_then_kept_up_to_date(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window asks for the anchored set after every click: that must not re-read the
    article or re-anchor every highlight, and must still show each edit at once."""
    from reader.core import anchoring
    from reader.core.library.store import Store

    article_id = library.import_paths([SEED]).results[0].article_id
    first = library.add_highlight_by_quote(article_id, "lower risk of abuse")
    passes: list[int] = []
    reads: list[int] = []
    real_reanchor, real_text = anchoring.reanchor_all, Store.article_text
    monkeypatch.setattr(anchoring, "reanchor_all", lambda *a: passes.append(1) or real_reanchor(*a))
    monkeypatch.setattr(Store, "article_text", lambda s, i: reads.append(i) or real_text(s, i))

    found = library.annotations_for(article_id)
    assert [a.uuid for a, _, _ in found.anchored] == [first.uuid]
    text = library.article(article_id).text
    start = text.index("particularly to the bladder")
    second = library.add_highlight(article_id, start, start + 27, color="red")
    library.update_annotation(first.uuid, note="check the dose", tags=["dose"])
    found = library.annotations_for(article_id)
    library.remove_annotation(second.uuid)
    after_remove = library.annotations_for(article_id)

    assert len(passes) == 1 and len(reads) == 1  # one load, then incremental updates
    placed = {a.uuid: (a, s, e) for a, s, e in found.anchored}
    assert text[placed[second.uuid][1] : placed[second.uuid][2]] == "particularly to the bladder"
    assert placed[second.uuid][0].color == "red"
    assert placed[first.uuid][0].note == "check the dose"
    assert [s for _, s, _ in found.anchored] == sorted(s for _, s, _ in found.anchored)
    assert [a.uuid for a, _, _ in after_remove.anchored] == [first.uuid]

    # What callers get is theirs to change: the kept set is not touched.
    after_remove.anchored[0][0].note = "scribbled on by a caller"
    assert library.annotations_for(article_id).anchored[0][0].note == "check the dose"
    # A fresh library (another process, a restart) sees the same thing from the database.
    library.flush_index()
    with Library(library.root) as again:
        (only,) = again.annotations_for(article_id).anchored
        assert only[0].note == "check the dose" and only[1:] == after_remove.anchored[0][1:]


def test_editing_an_orphan_keeps_it_an_orphan(library: Library, tmp_path: Path) -> None:
    article_id = library.import_paths([SEED]).results[0].article_id
    lost = library.add_highlight_by_quote(
        article_id, "beneficial for individuals with chronic pain"
    )
    post = _seed_post()
    html = post["content"]["rendered"]
    start = html.index("<li>Ketamine is beneficial for individuals")
    post["content"]["rendered"] = html[:start] + html[html.index("</li>", start) + 5 :]
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(post), encoding="utf-8")
    library.import_paths([edited])
    library.update_annotation(lost.uuid, note="where did this go?")
    found = library.annotations_for(article_id)
    assert not found.anchored and [a.note for a in found.orphans] == ["where did this go?"]
    with Library(library.root) as again:
        assert [a.uuid for a in again.annotations_for(article_id).orphans] == [lost.uuid]
