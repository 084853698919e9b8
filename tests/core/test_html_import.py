"""Saved web pages: the article without the page around it, and the page's metadata."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from reader.core.errors import ImportFailure
from reader.core.importers import find_importer
from reader.core.importers import html as html_importer
from reader.core.model import ImportedArticle, ImportOptions, SourceFormat


def flat(text: str) -> str:
    """Text with white space collapsed: the sanitizer keeps source line breaks in <p>."""
    return " ".join(text.split())


def import_page(data: bytes, name: str = "page.html") -> ImportedArticle:
    assert find_importer(data, name).name == "html"
    result = html_importer.parse(data, name, ImportOptions())
    assert len(result.articles) == 1
    return result.articles[0]


def page(corpora: Path, name: str) -> tuple[ImportedArticle, dict]:
    folder = corpora / "readability" / "test-pages" / name
    meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
    return import_page((folder / "source.html").read_bytes(), "source.html"), meta


# --- health pages from the real corpus -------------------------------------------------


def test_medical_news_today_article_and_metadata(corpora: Path) -> None:
    article, meta = page(corpora, "medicalnewstoday")
    assert article.source_format is SourceFormat.HTML
    assert article.title == meta["title"]
    assert article.authors == ["Ana Sandoiu"]
    assert article.site_name == "Medical News Today"
    assert article.language == "en"
    assert article.url == "https://www.medicalnewstoday.com/articles/318674.php"
    assert article.excerpt == meta["excerpt"]
    assert article.text.startswith("Neuroscience tells us that most of the work")
    assert "the human mind." in flat(article.text)
    # navigation menu, footer, cookie script: none of it is article text
    for leak in ("Top categories", "Blood / Hematology", "Knowledge center", "glob_mntcookie"):
        assert leak not in flat(article.text)
    assert "<script" not in article.html


def test_webmd_keeps_the_news_and_drops_the_site_menus(corpora: Path) -> None:
    article, _ = page(corpora, "webmd-1")
    assert article.title == "Babies Who Eat Peanuts Early May Avoid Allergy"
    assert article.authors == ["Brenda Goodman, MA"]
    assert "peanut allergies have mysteriously been on the rise" in flat(article.text)
    assert "anaphylaxis" in flat(article.text)
    for leak in ("Health A-Z", "Enter Search Keywords", "webmd.m.share.init", "s_sponsor"):
        assert leak not in flat(article.text)


def test_buzzfeed_drops_share_buttons_and_page_header(corpora: Path) -> None:
    article, meta = page(corpora, "buzzfeed-1")
    assert article.title == meta["title"]
    assert article.site_name == "BuzzFeed"
    assert article.url == "http://www.buzzfeed.com/markdistefano/diet-pills-burns-up"
    assert "literally burning up from within" in flat(article.text)
    assert "It is a deadly toxin." in flat(article.text)
    for leak in ("Bookmark it", "Make A Post!", "advertise jobs mobile", "US Edition"):
        assert leak not in flat(article.text)


def test_titles_match_readability_expectations_on_every_page(corpora: Path) -> None:
    pages = sorted(p for p in (corpora / "readability" / "test-pages").iterdir() if p.is_dir())
    assert len(pages) >= 20
    wrong = []
    for folder in pages:
        meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        article = import_page((folder / "source.html").read_bytes(), "source.html")
        if " ".join(article.title.split()) != " ".join(meta["title"].split()):
            wrong.append((folder.name, article.title, meta["title"]))
    assert wrong == []


def test_json_ld_graph_gives_authors_site_and_aware_date(corpora: Path) -> None:
    article, _ = page(corpora, "schema-org-context-object")
    assert article.authors == ["Stella Kim", "Jennifer Jett"]
    assert article.site_name == "NBC News"
    assert article.published == dt.datetime(2024, 12, 6, 22, 0, 40, tzinfo=dt.UTC)


def test_parsely_tags_fill_title_author_and_date(corpora: Path) -> None:
    article, _ = page(corpora, "parsely-metadata")
    assert (article.title, article.authors) == ("Some Other Title", ["Jane Doe"])
    assert article.published == dt.datetime(2024, 4, 20, 4, 20, tzinfo=dt.UTC)
    assert article.published.tzinfo is not None


def test_published_time_keeps_its_offset(corpora: Path) -> None:
    article, _ = page(corpora, "article-author-tag")
    assert article.published is not None
    assert article.published.utcoffset() == dt.timedelta(hours=-4)


def test_canonical_url_from_link_rel_canonical(corpora: Path) -> None:
    article, _ = page(corpora, "wordpress")
    assert article.url.startswith("https://wptavern.com/stack-overflow-jobs-data-shows")
    # Jetpack's "Like this" / related posts block under the post is not article text
    assert "Like this:" not in flat(article.text)
    assert 'In "News"' not in article.text


# --- fixtures copied into the repository (no corpora needed) ---------------------------


def test_dublin_core_wins_over_open_graph_and_title(fixtures: Path) -> None:
    folder = fixtures / "readability" / "003-metadata-preferred"
    expected = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
    article = import_page((folder / "source.html").read_bytes())
    assert article.title == expected["title"] == "Dublin Core property title"
    assert article.authors == [expected["byline"]]
    assert article.excerpt == expected["excerpt"]
    assert article.site_name == ""
    # The page's own h1 differs from the metadata title, so it stays in the body.
    assert "Test document title" in flat(article.text)
    assert article.text.count("Lorem ipsum dolor sit amet") >= 2


def test_right_to_left_page(fixtures: Path) -> None:
    article = import_page((fixtures / "readability" / "rtl-1" / "source.html").read_bytes())
    assert article.title == "RTL Test"
    assert article.language == ""  # the page has dir="rtl" but no lang
    assert article.metadata["dir"] == "rtl"
    assert article.text.startswith("Lorem")


# --- charsets --------------------------------------------------------------------------

PAGE = (
    "<!DOCTYPE html><html lang='fr'><head>{meta}<title>Café et santé</title></head>"
    "<body><article><h1>Café et santé</h1><p>Le café “filtre” réduit-il le risque de diabète ? "
    "Plusieurs études de cohorte le suggèrent, sans preuve de causalité.</p>"
    "<p>Une tasse contient environ 95 mg de caféine, selon la préparation.</p>"
    "</article></body></html>"
)


def test_meta_charset_windows_1252() -> None:
    data = PAGE.format(meta='<meta charset="windows-1252">').encode("cp1252")
    article = import_page(data)
    assert article.title == "Café et santé"
    assert "Le café “filtre” réduit-il" in flat(article.text)
    assert article.language == "fr"


def test_latin1_label_is_read_as_windows_1252() -> None:
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
    data = PAGE.format(meta=meta).encode("cp1252")  # curly quotes: cp1252-only bytes
    article = import_page(data)
    assert "“filtre”" in flat(article.text)


def test_undeclared_latin1_bytes_fall_back_to_cp1252() -> None:
    article = import_page(PAGE.format(meta="").encode("cp1252"))
    assert "Le café “filtre”" in flat(article.text)


def test_utf8_bom_beats_a_wrong_declaration() -> None:
    data = b"\xef\xbb\xbf" + PAGE.format(meta='<meta charset="iso-8859-1">').encode("utf-8")
    article = import_page(data)
    assert article.title == "Café et santé"
    assert "réduit-il" in flat(article.text)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_pages(encoding: str) -> None:
    data = PAGE.format(meta='<meta charset="utf-16">').encode(encoding)
    article = import_page(data)
    assert article.title == "Café et santé"
    assert "95 mg de caféine" in flat(article.text)


def test_xml_declaration_and_xhtml() -> None:
    data = (
        '<?xml version="1.0" encoding="windows-1252"?>\n'
        + PAGE.format(meta="").replace("<html ", '<html xmlns="http://www.w3.org/1999/xhtml" ')
    ).encode("cp1252")
    article = import_page(data, "page.xhtml")
    assert "Le café “filtre”" in flat(article.text)


# --- what a health article needs kept ---------------------------------------------------

HEALTH_PAGE = """<!DOCTYPE html><html lang="en"><head>
<title>Vitamin D and falls | Example Health</title>
<link rel="canonical" href="https://health.example.org/vitamin-d-falls">
<meta property="og:site_name" content="Example Health">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebSite", "@id": "#site", "name": "Example Health"},
 {"@type": "Person", "@id": "#jane", "name": "Jane Roe"},
 {"@type": "MedicalWebPage", "name": "Vitamin D and falls", "author": {"@id": "#jane"},
  "datePublished": "2023-05-04T09:30:00+02:00"}]}</script>
</head><body>
<header><nav><a href="/">Home</a> <a href="/news">HeaderNavLink</a></nav></header>
<main><article><h1>Vitamin D and falls</h1>
{paragraphs}
<table><tr><th>Dose</th><th>Falls</th></tr><tr><td>2000 IU/day</td><td>no change</td></tr></table>
<h2>References</h2><ol>{refs}</ol>
<h2>Sources</h2><ul>{sources}</ul>
</article>
<div class="share-buttons"><a href="https://twitter.com/share">ShareOnTwitter</a></div>
<section id="comments"><h3>3 comments</h3>
<p>CommenterBob says: great article, thanks so much for writing this up for us.</p></section>
</main>
<footer>FooterCopyright 2024 Example Health</footer>
<script>var leakedScriptVariable = 1;</script>
</body></html>"""


def health_page() -> bytes:
    paragraphs = "".join(
        f"<p>Trial {i} gave older adults vitamin D and counted falls over several years, "
        f'with no clear benefit <a href="https://pubmed.ncbi.nlm.nih.gov/{3400 + i}/">'
        f"(Roe {2010 + i})</a>. The authors call for longer follow-up in frail groups.</p>"
        for i in range(6)
    )
    refs = "".join(
        f'<li><a href="https://pubmed.ncbi.nlm.nih.gov/{3400 + i}/">Roe J, et al. '
        f"Vitamin D trial {i}. BMJ. {2010 + i};3:12.</a></li>"
        for i in range(6)
    )
    sources = "".join(
        f"<li>Lee S, et al. Falls in care homes {i}. JAMA. 2019. "
        f'<a href="https://doi.org/10.1001/jama.{i}">https://doi.org/10.1001/jama.{i}</a></li>'
        for i in range(4)
    )
    return (
        HEALTH_PAGE.replace("{paragraphs}", paragraphs)
        .replace("{refs}", refs)
        .replace("{sources}", sources)
        .encode()
    )


def test_health_article_keeps_links_table_and_reference_list() -> None:
    article = import_page(health_page())
    # 6 in-text citations + 6 reference-list entries, all kept as links
    assert article.html.count('href="https://pubmed.ncbi.nlm.nih.gov/') == 12
    assert "<table>" in article.html and "2000 IU/day" in flat(article.text)
    assert "References" in flat(article.text)
    assert "Vitamin D trial 5. BMJ. 2015" in flat(article.text)
    # a "Sources" list of DOI links, which readability-lxml alone throws away
    assert article.html.count('href="https://doi.org/10.1001/jama.') == 4
    assert "Falls in care homes 3" in flat(article.text)
    for leak in ("HeaderNavLink", "ShareOnTwitter", "CommenterBob", "FooterCopyright"):
        assert leak not in flat(article.text)
    assert "leakedScriptVariable" not in article.html


def test_health_article_metadata_from_json_ld_graph() -> None:
    article = import_page(health_page())
    assert article.title == "Vitamin D and falls"
    assert article.text.startswith("Trial 0")  # the duplicate title heading is gone
    assert article.authors == ["Jane Roe"]
    assert article.site_name == "Example Health"
    assert article.url == "https://health.example.org/vitamin-d-falls"
    assert article.published == dt.datetime(
        2023, 5, 4, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))
    )


# --- sniffing and failures ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "a.bin", True),
        (b"  <html lang='en'><p>x</p></html>", "page", True),
        (b"<p>one</p><p>two</p>", "snippet.htm", True),
        (b'<?xml version="1.0"?><rss version="2.0"><channel>', "export.xml", False),
        (b'<?xml version="1.0"?>\n<!DOCTYPE article PUBLIC "-//NLM//DTD JATS">', "a.xml", False),
        (b'<article dtd-version="1.2"><front><body><p>x</p></body>', "a.nxml", False),
        (b'{"title": {"rendered": "<p>Hi</p>"}, "content": "<html><body>"}', "p.json", False),
        (b"# Heading\n\nSome *markdown* text.\n", "notes.md", False),
    ],
)
def test_sniff(head: bytes, name: str, expected: bool) -> None:
    assert html_importer.sniff(head, name) is expected


def test_page_without_any_text_is_refused() -> None:
    data = b"<!DOCTYPE html><html><head><title>Empty</title></head><body><nav>x</nav></body></html>"
    with pytest.raises(ImportFailure, match="no article text"):
        html_importer.parse(data, "empty.html", ImportOptions())


def test_binary_file_named_html_is_refused() -> None:
    with pytest.raises(ImportFailure):
        html_importer.parse(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "x.html", ImportOptions())


def test_reference_section_beside_the_article_body_is_kept() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {i}: intermittent fasting and weight loss were compared with daily "
        "calorie restriction in adults with obesity, with similar results at one year.</p>"
        for i in range(6)
    )
    refs = "".join(
        f"<li>Author {i}. Fasting trial. Lancet. 2020. PMID: 3100{i}</li>" for i in range(5)
    )
    data = (
        "<html><head><title>Fasting</title></head><body><div class='wrap'>"
        f"<div class='entry-content'>{paragraphs}</div>"
        f"<div class='references'><h3>References</h3><ol>{refs}</ol></div>"
        "<div class='sidebar'><p>Popular posts you may like this week.</p></div>"
        "</div></body></html>"
    ).encode()
    article = import_page(data)
    assert "Paragraph 5" in article.text
    assert "PMID: 31004" in article.text
    assert "Popular posts" not in article.text
