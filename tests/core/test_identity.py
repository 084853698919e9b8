"""What counts as "the same article again": a WordPress guid only within its own site."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.model import ImportStatus

WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>{site}</title><link>http://localhost</link>
<wp:wxr_version>1.2</wp:wxr_version>
<item><title>{title}</title><link>http://localhost/{slug}/</link>
<guid isPermaLink="false">http://localhost/?page_id=2</guid>
<content:encoded><![CDATA[<p>{body}</p>]]></content:encoded>
<wp:post_id>2</wp:post_id><wp:status>publish</wp:status><wp:post_type>page</wp:post_type>
</item></channel></rss>
"""


def export(tmp_path: Path, name: str, site: str, title: str, body: str) -> Path:
    path = tmp_path / name
    slug = title.lower().replace(" ", "-")
    path.write_text(WXR.format(site=site, title=title, slug=slug, body=body), encoding="utf-8")
    return path


@pytest.fixture
def library(tmp_path: Path):
    lib = Library(tmp_path / "lib")
    yield lib
    lib.close()


def test_the_same_guid_from_another_site_is_another_article(
    library: Library, tmp_path: Path
) -> None:
    first = export(tmp_path, "a.xml", "Clinic blog", "Sample Page", "Opening hours and staff.")
    second = export(tmp_path, "b.xml", "Sleep notes", "About", "Who writes these notes.")
    [a] = library.import_paths([first]).results
    [b] = library.import_paths([second]).results
    assert (a.status, b.status) == (ImportStatus.ADDED, ImportStatus.ADDED)
    assert a.article_id != b.article_id
    assert library.article(a.article_id).title == "Sample Page"
    assert library.article(b.article_id).title == "About"


def test_the_same_guid_from_the_same_site_is_an_update(library: Library, tmp_path: Path) -> None:
    first = export(tmp_path, "a.xml", "Clinic blog", "Sample Page", "Opening hours.")
    later = export(tmp_path, "b.xml", "Clinic blog", "Visiting", "Opening hours, now longer.")
    [a] = library.import_paths([first]).results
    [b] = library.import_paths([later]).results
    assert b.status is ImportStatus.UPDATED and b.article_id == a.article_id
    assert library.article(a.article_id).title == "Visiting"
    assert library.count() == 1
