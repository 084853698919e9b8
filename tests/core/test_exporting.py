"""Export and re-import of annotations through the library (files, not just text)."""

from __future__ import annotations

import json
from pathlib import Path

from reader.core import export
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
