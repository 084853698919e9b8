"""A saved page that names no site shows the host it came from in the Site column
("zotero.org"), while a site name the page declares is kept as it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.core.htmlmeta import site_from_url
from reader.core.importers import html as html_importer
from reader.core.importers import mhtml, parse_file
from reader.core.library import Library
from reader.core.model import ImportOptions, ImportStatus

SAVED_PAGES = Path("images/saved-pages")


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://www.zotero.org/support/pdf_reader", "zotero.org"),
        ("https://WWW.NYTimes.com:443/2017/a.html", "nytimes.com"),
        ("http://siliconexposed.blogspot.com/2016/05/x.html", "siliconexposed.blogspot.com"),
        ("https://xn--bcher-kva.example/", "bücher.example"),
        ("https://www.example.com./", "example.com"),
        # Nothing that names a public site:
        ("http://localhost:8000/notes.html", ""),
        ("http://192.168.1.4/page", ""),
        ("file:///home/me/page.html", ""),
        ("not a url", ""),
        ("", ""),
    ],
)
def test_site_from_url(url: str, site: str) -> None:
    assert site_from_url(url) == site


@pytest.mark.corpus
def test_singlefile_page_without_a_site_name_shows_its_host(corpora: Path, library_dir) -> None:
    path = corpora / SAVED_PAGES / "zotero-reader-singlefile/demo.html"
    with Library.open(library_dir) as library:
        (result,) = library.import_paths([path]).results
        assert result.status is ImportStatus.ADDED
        article = library.article(result.article_id)
        assert article.url == "https://www.zotero.org/support/pdf_reader"
        assert article.site_name == "zotero.org"
        (summary,) = library.summaries()
        assert summary.site_name == "zotero.org"  # what the Site column shows


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("name", "site"),
    [("iframes.mhtml", "tutorialspoint.com"), ("portfolio.mhtml", "msindwan.bitbucket.org")],
)
def test_mhtml_without_a_site_name_shows_the_host_it_was_saved_from(
    corpora: Path, name: str, site: str
) -> None:
    data = (corpora / SAVED_PAGES / "mhtml2html-chrome-mhtml" / name).read_bytes()
    (article,) = mhtml.parse(data, name, ImportOptions()).articles
    assert article.site_name == site
    assert article.metadata["site_name_from"] == "address"


@pytest.mark.corpus
def test_declared_site_names_still_match_readability(corpora: Path) -> None:
    """Where Readability finds a site name, ours is the page's own; where it finds none,
    ours is the host of the page's canonical address, or nothing without one."""
    pages = sorted(p for p in (corpora / "readability" / "test-pages").iterdir() if p.is_dir())
    derived: dict[str, str] = {}
    for folder in pages:
        expected = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        data = (folder / "source.html").read_bytes()
        (article,) = html_importer.parse(data, "source.html", ImportOptions()).articles
        if expected.get("siteName"):
            assert article.site_name == expected["siteName"], folder.name
            assert "site_name_from" not in article.metadata, folder.name
        elif article.site_name:
            assert article.metadata["site_name_from"] == "address", folder.name
            assert article.site_name == site_from_url(article.url), folder.name
            derived[folder.name] = article.site_name
    assert derived == {"blogger": "siliconexposed.blogspot.com", "nytimes-1": "nytimes.com"}


@pytest.mark.corpus
def test_wordpress_posts_without_a_site_name_show_their_host(corpora: Path) -> None:
    path = corpora / "wp-rest-json/frontity/posts.json"
    articles = parse_file(path.read_bytes(), path.name).articles
    assert articles and {a.site_name for a in articles} == {"frontity.test"}


def test_markdown_front_matter_url_gives_the_site_unless_it_names_one() -> None:
    body = "\n\nSleep helps memory. " * 5
    bare = b"---\ntitle: Sleep\nurl: https://www.example.org/sleep\n---" + body.encode()
    named = bare.replace(b"title: Sleep\n", b"title: Sleep\nsite: Example Health\n")
    assert parse_file(bare, "sleep.md").articles[0].site_name == "example.org"
    assert parse_file(named, "sleep.md").articles[0].site_name == "Example Health"
