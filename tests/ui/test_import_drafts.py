"""File ▸ Import takes WordPress drafts only when Preferences say so (the CLI's
``--include-drafts``), and the choice is remembered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reader.core.library import Library
from reader.ui.window_preferences import show_preferences

# A WXR export with one published post and one draft (made here: the corpus exports
# have drafts only among hundreds of posts).
WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Clinic notes</title>
<link>https://clinic.example</link><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Published note on sleep</title><link>https://clinic.example/sleep</link>
<guid isPermaLink="false">https://clinic.example/?p=1</guid>
<content:encoded><![CDATA[<p>Magnesium and sleep: what the trials found.</p>]]></content:encoded>
<wp:post_id>1</wp:post_id><wp:post_date>2024-01-02 10:00:00</wp:post_date>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
<item><title>Draft note on statins</title><link>https://clinic.example/?p=2</link>
<guid isPermaLink="false">https://clinic.example/?p=2</guid>
<content:encoded><![CDATA[<p>Statins and muscle pain: a draft.</p>]]></content:encoded>
<wp:post_id>2</wp:post_id><wp:post_date>2024-01-03 10:00:00</wp:post_date>
<wp:status>draft</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>
"""


def titles(library: Library) -> list[str]:
    return sorted(s.title for s in library.summaries())


def test_drafts_are_imported_from_the_window_only_when_chosen(
    qtbot: Any, make_window: Any, library: Library, tmp_path: Path
) -> None:
    export = tmp_path / "site.xml"
    export.write_text(WXR, encoding="utf-8")
    window = make_window(library)
    with qtbot.waitSignal(window.importer.finished, timeout=30_000):
        assert window.imports.start([export])
    assert titles(library) == ["Published note on sleep"]

    dialog = show_preferences(window)
    assert not dialog.drafts_box.isChecked()
    dialog.drafts_box.setChecked(True)  # as a click would
    dialog.close()
    assert window.settings.import_drafts  # remembered
    with qtbot.waitSignal(window.importer.finished, timeout=30_000):
        assert window.imports.start([export])
    assert titles(library) == ["Draft note on statins", "Published note on sleep"]
    assert show_preferences(window).drafts_box.isChecked()
