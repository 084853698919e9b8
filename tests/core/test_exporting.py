"""Export and re-import of annotations through the library (files, not just text)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from reader.core import export
from reader.core.export import END_MARKER
from reader.core.library import Library

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "ketamine-for-pain.json"


def test_w3c_import_keeps_the_newer_edit_across_time_zones(tmp_path: Path) -> None:
    with Library(tmp_path / "lib") as library:
        article_id = library.import_paths([SEED]).results[0].article_id
        mine = library.add_highlight_by_quote(article_id, "lower risk of abuse", note="old")
        (path,) = export.export_articles(library, [article_id], "w3c", tmp_path / "out")
        data = json.loads(path.read_text(encoding="utf-8"))
        item = data["first"]["items"][0]
        # The file's copy was edited at 09:00 in New York = 14:00 UTC, later than ours
        # as an instant, though "2025-…T09" sorts before "2025-…T12" as text.
        library.update_annotation(mine.uuid, note="mine, at noon UTC")
        stored = library.annotation(mine.uuid)
        stored.modified = "2025-03-01T12:00:00+00:00"
        library.save_annotation(stored)
        item["modified"] = "2025-03-01T09:00:00-05:00"
        item["body"][0]["value"] = "theirs, later"
        path.write_text(json.dumps(data), encoding="utf-8")
        count, problems = export.import_w3c_file(library, path)
        assert (count, problems) == (1, [])
        assert library.annotation(mine.uuid).note == "theirs, later"
        # Importing the same file again changes nothing: ours is now as new.
        assert export.import_w3c_file(library, path) == (0, [])


def _sources_section(markdown: str) -> list[str]:
    if "## Sources" not in markdown:
        return []
    return markdown.split("## Sources", 1)[1].split(END_MARKER, 1)[0].strip().splitlines()


def test_sources_of_real_papers_carry_the_papers_own_numbers_and_text(
    corpora: Path, tmp_path: Path
) -> None:
    papers = sorted(p for p in (corpora / "jats").rglob("*") if p.suffix in (".xml", ".nxml"))
    with Library(tmp_path / "lib") as library:
        report = library.import_paths(papers)
        checked = 0
        for result in report.results:
            if result.article_id is None:
                continue
            cited = [s.citation for s in library.citations(result.article_id)]
            labels = {
                int(c.reference.label.strip("[]. ")): " ".join(c.reference.text.split())
                for c in cited
                if c.reference is not None and c.reference.label.strip("[]. ").isdigit()
            }
            sources = _sources_section(export.markdown_for(library, result.article_id))
            numbered = [s for s in sources if re.match(r"- \\\[\d+\\\] ", s)]
            numbers = [int(re.findall(r"\d+", s)[0]) for s in numbered]
            where = result.source
            # Each cited entry once, under the paper's own number, in the paper's order.
            assert numbers == sorted(labels), where
            for number, line in zip(numbers, numbered, strict=True):
                assert line.replace("\\", "").startswith(f"- [{number}] {labels[number][:40]}")
            anchors = {c.reference.anchor for c in cited if c.reference and c.reference.anchor}
            assert not any(anchor in line for anchor in anchors for line in sources), where
            checked += bool(numbers)
    assert checked >= 10


def test_sources_of_the_ioannidis_essay_match_its_reference_list(
    corpora: Path, tmp_path: Path
) -> None:
    path = corpora / "jats" / "allofplos" / "journal.pmed.0020124.xml"
    with Library(tmp_path / "lib") as library:
        article_id = library.import_paths([path]).results[0].article_id
        sources = _sources_section(export.markdown_for(library, article_id))
    assert sources[0].startswith(r"- \[1\] JP Ioannidis, AB Haidich, J Lau. Any casualties")
    assert sources[-1].startswith(r"- \[37\] HM Hsueh, JJ Chen, RL Kodell.")
    assert not any("Reference ref-" in line for line in sources)


def test_a_delete_travels_by_w3c_file_without_the_deleted_words(tmp_path: Path) -> None:
    with Library(tmp_path / "a") as mine, Library(tmp_path / "b") as theirs:
        article_id = mine.import_paths([SEED]).results[0].article_id
        theirs.import_paths([SEED])
        kept = mine.add_highlight_by_quote(article_id, "lower risk of abuse", note="keep")
        gone = mine.add_highlight_by_quote(
            article_id, "Ketamine is less addictive than opioids", note="oops"
        )
        (both,) = export.export_articles(mine, [article_id], "w3c", tmp_path / "first")
        assert export.import_w3c_file(theirs, both) == (2, [])

        mine.remove_annotation(gone.uuid)
        (after,) = export.export_articles(mine, [article_id], "w3c", tmp_path / "second")
        written = after.read_text(encoding="utf-8")
        assert "less addictive" not in written and "oops" not in written
        assert gone.uuid in written and "lower risk of abuse" in written

        assert export.import_w3c_file(theirs, after) == (1, [])
        removed = theirs.annotation(gone.uuid)
        assert removed.removed
        assert removed.quote.exact == gone.quote.exact  # our words stay ours
        assert not theirs.annotation(kept.uuid).removed
        # A tombstone for a highlight this library never had changes nothing.
        with Library(tmp_path / "c") as fresh:
            fresh.import_paths([SEED])
            assert export.import_w3c_file(fresh, after) == (1, [])
            assert [a.quote.exact for a in fresh.annotations(article_id)] == [kept.quote.exact]
