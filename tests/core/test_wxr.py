"""WordPress WXR export importer, on WordPress's own test exports and small written ones."""

from __future__ import annotations

import datetime as dt
import re
import socket
from pathlib import Path

import pytest

from reader.core import xmlsafe
from reader.core.errors import ImportFailure
from reader.core.importers import find_importer, wxr
from reader.core.model import ImportedArticle, ImportOptions, ParseResult, SourceFormat


def parse_file(path: Path, *, drafts: bool = False) -> ParseResult:
    return wxr.parse(path.read_bytes(), path.name, ImportOptions(include_drafts=drafts))


def by_title(result: ParseResult) -> dict[str, ImportedArticle]:
    return {a.title: a for a in result.articles}


def wxr_doc(items: str, *, version: str = "1.2", channel_extra: str = "") -> bytes:
    """A minimal export around ``items`` (written for these tests)."""
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
  xmlns:excerpt="http://wordpress.org/export/{version}/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/{version}/">
<channel>
  <title>Health Notes</title>
  <link>https://health.example.org</link>
  <language>en-GB</language>
  <wp:wxr_version>{version}</wp:wxr_version>
  <wp:author><wp:author_login><![CDATA[jdoe]]></wp:author_login>
    <wp:author_display_name><![CDATA[Dr Jane Doe]]></wp:author_display_name></wp:author>
  {channel_extra}
  {items}
</channel>
</rss>""".encode()


def item(
    title: str,
    content: str,
    *,
    post_id: int = 10,
    status: str = "publish",
    post_type: str = "post",
    extra: str = "",
    gmt: str = "2021-03-04 05:06:07",
) -> str:
    return f"""<item>
  <title>{title}</title>
  <link>https://health.example.org/{post_id}/</link>
  <guid isPermaLink="false">https://health.example.org/?p={post_id}</guid>
  <dc:creator><![CDATA[jdoe]]></dc:creator>
  <content:encoded><![CDATA[{content}]]></content:encoded>
  <excerpt:encoded><![CDATA[]]></excerpt:encoded>
  <wp:post_id>{post_id}</wp:post_id>
  <wp:post_date><![CDATA[2021-03-04 07:06:07]]></wp:post_date>
  <wp:post_date_gmt><![CDATA[{gmt}]]></wp:post_date_gmt>
  <wp:status><![CDATA[{status}]]></wp:status>
  <wp:post_type><![CDATA[{post_type}]]></wp:post_type>
  <wp:post_password><![CDATA[]]></wp:post_password>
  {extra}
</item>"""


# --- the small copied fixture (runs without the corpora) --------------------------------


def test_theme_preview_fixture_imports_every_post(fixtures: Path) -> None:
    data = (fixtures / "wxr" / "theme-preview.xml").read_bytes()
    assert find_importer(data, "export.xml").name == "wxr"
    result = wxr.parse(data, "theme-preview.xml", ImportOptions())
    assert len(result.articles) == 7
    assert [s.reason for s in result.skipped] == ["2 comments: comments are not imported"]
    first = result.articles[0]
    assert first.title == "Worth A Thousand Words"
    assert first.source_format is SourceFormat.WXR
    assert first.authors == ["Theme Admin"]
    assert first.site_name == "Theme Preview"
    assert first.language == "en-US"
    assert first.url == "https://wp-themes.com/?p=19"
    assert first.guid == "http://wp-themes.com/?p=19"
    # This export has no post_date_gmt: the site's local time, naive.
    assert first.published == dt.datetime(2008, 10, 17, 4, 33, 51)
    # WXR 1.0-style <category> without a domain counts as a category.
    assert first.categories == ["Uncategorized", "boat", "lake"]
    for article in result.articles:
        assert article.text.strip()
        assert "<" not in article.text and "[/" not in article.text


# --- the Theme Unit Test export ----------------------------------------------------------


@pytest.fixture
def unit_test_export(corpora: Path) -> Path:
    return corpora / "wxr" / "WPTRT-theme-unit-test" / "themeunittestdata.wordpress.xml"


def test_theme_unit_test_counts_and_skips(unit_test_export: Path) -> None:
    result = parse_file(unit_test_export)
    posts = [a for a in result.articles if a.metadata["post_type"] == "post"]
    pages = [a for a in result.articles if a.metadata["post_type"] == "page"]
    # 48 published posts + the password-protected one; 21 published pages.
    assert (len(posts), len(pages)) == (49, 21)
    reasons = sorted(s.reason for s in result.skipped)
    assert reasons == sorted(
        [
            "38 attachments (media items): not articles",
            "70 navigation menu items: not articles",
            "1 post with status “draft” (import with drafts included to add them)",
            "1 post with status “future” (import with drafts included to add them)",
            "32 comments: comments are not imported",
        ]
    )
    assert result.warnings == []


def test_theme_unit_test_drafts_only_on_request(unit_test_export: Path) -> None:
    plain = {a.metadata["status"] for a in parse_file(unit_test_export).articles}
    assert plain == {"publish"}
    with_drafts = parse_file(unit_test_export, drafts=True)
    assert len(with_drafts.articles) == 72
    assert {a.metadata["status"] for a in with_drafts.articles} == {"publish", "draft", "future"}
    assert not any("status" in s.reason for s in with_drafts.skipped)


def test_theme_unit_test_every_post_is_readable(unit_test_export: Path) -> None:
    result = parse_file(unit_test_export)
    empty_on_purpose = {"Edge Case: No Content", "Επίπεδο 3"}
    for article in result.articles:
        assert article.title.strip()
        assert article.site_name == "Theme Unit Test Data"
        assert article.url.startswith("https://wpthemetestdata.wordpress.com/")
        assert article.published is not None and article.published.tzinfo is dt.UTC
        assert "<!--" not in article.html  # block comments and <!--more--> are gone
        assert not re.search(r"\[/?(caption|gallery|embed|audio|video)\b", article.text)
        # No markup of the export leaks into the text ("<blockquote>" written as
        # &lt;blockquote&gt; in the torture posts is text, and stays).
        assert not re.search(r"<(img|p|figure|div|a|span|br)\b", article.text), article.title
        if article.title not in empty_on_purpose:
            assert article.text.strip() or "Image" in article.html, article.title


def test_theme_unit_test_metadata(unit_test_export: Path) -> None:
    articles = by_title(parse_file(unit_test_export))
    keyboard = articles["Keyboard navigation"]
    assert keyboard.authors == ["Theme Reviewer"]
    assert keyboard.tags == ["Codex"]
    assert keyboard.external_id == "1724"
    about = articles["About The Tests"]
    assert about.authors == ["Theme Buster"]
    # Title markup is flattened; the no-title post is named from its text.
    assert "Markup: Title With Markup" in articles
    assert any(t.startswith("This post has no title") for t in articles)
    protected = articles['Template: Password Protected (the password is "enter")']
    assert protected.metadata["password_protected"] is True
    excerpt = articles["Template: Excerpt (Defined)"].excerpt
    assert excerpt.startswith("This is a user-defined post excerpt.")
    featured = articles["Template: Featured Image (Horizontal)"].featured_image
    assert featured is not None and featured["alt"] == "Horizontal Featured Image"
    assert featured["url"].endswith(".jpg")


def test_theme_unit_test_captions_become_figures(unit_test_export: Path) -> None:
    articles = by_title(parse_file(unit_test_export))
    linked = articles["Post Format: Image (Linked)"]
    assert "<figure>" in linked.html and "<figcaption>" in linked.html
    assert "Chunk of resinous blackboy husk, Clarkson, Western Australia." in linked.text
    assert "[caption" not in linked.html
    alignment = articles["Markup: Image Alignment"]
    assert alignment.html.count("<figcaption>") >= 4


def test_theme_unit_test_wpautop_and_blocks(unit_test_export: Path) -> None:
    articles = by_title(parse_file(unit_test_export))
    # Classic content: blank lines become paragraphs.
    chat = articles["Post Format: Chat"]
    assert chat.html.count("<p>") > 20
    assert "\n\nCostello: Funny names?\n\n" in chat.text
    # Block content keeps its own paragraphs, without the block comments.
    keyboard = articles["Keyboard navigation"]
    assert keyboard.html.startswith("<p>There are many different ways")
    assert "<h3>How to keyboard test:</h3>" in keyboard.html
    # Gallery shortcodes vanish, the headings around them stay.
    gallery = articles["Post Format: Gallery"]
    assert "gallery" not in gallery.text.lower().replace("gallery shortcode", "")
    assert "One Column" in gallery.text


# --- WordPress importer plugin fixtures: dialects and broken files ----------------------


@pytest.fixture
def importer_data(corpora: Path) -> Path:
    return corpora / "wxr" / "wordpress-importer"


def test_wxr_1_0_dialect(importer_data: Path) -> None:
    result = parse_file(importer_data / "valid-wxr-1.0.xml")
    assert len(result.articles) == 6
    alpha = by_title(result)["Alpha post"]
    assert alpha.categories == ["alpha"]
    assert alpha.tags == ["news", "roar"]  # WXR 1.0 tags use domain="tag"
    assert alpha.authors == ["admin"]  # 1.0 has no <wp:author>: the login is all there is
    assert alpha.site_name == "Export Dataset"


def test_wxr_1_1_dialect_uses_display_names(importer_data: Path) -> None:
    result = parse_file(importer_data / "valid-wxr-1.1.xml")
    assert [a.title for a in result.articles] == ["Hello world!", "About"]
    hello = result.articles[0]
    assert hello.authors == ["John Doe"]
    assert hello.categories == ["alpha"] and hello.tags == ["Clippable"]


def test_small_export_private_and_draft_need_the_option(importer_data: Path) -> None:
    assert len(parse_file(importer_data / "small-export.xml").articles) == 9
    assert len(parse_file(importer_data / "small-export.xml", drafts=True).articles) == 11


def test_malformed_export_is_rejected_with_its_line(importer_data: Path) -> None:
    with pytest.raises(ImportFailure, match=r"not well-formed XML at line 90\b"):
        parse_file(importer_data / "malformed.xml")


def test_nested_cdata_is_read_as_wordpress_reads_it(importer_data: Path) -> None:
    result = parse_file(importer_data / "crazy-cdata.xml")
    [article] = result.articles
    assert article.title == "Hello world!"
    # WordPress's parser keeps "Content with nested <![CDATA[ tags ]]> :)" as the HTML;
    # in HTML the inner "<![CDATA[ … ]]>" is a bogus comment, so a reader sees this:
    assert article.text == "Content with nested :)"
    assert "line 18" in result.warnings[0]


# --- behaviour on written exports -------------------------------------------------------


def test_sniff_needs_the_wordpress_namespace() -> None:
    assert wxr.sniff(wxr_doc("")[:8192], "x.xml")
    plain_rss = b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>'
    assert not wxr.sniff(plain_rss, "feed.xml")
    https_ns = b'<rss xmlns:wp="https://wordpress.org/export/1.2/">'
    assert wxr.sniff(https_ns, "x.xml")


def test_shortcodes_and_captions() -> None:
    content = (
        'Intro line one\nline two\n\n[caption id="attachment_7" width="300"]'
        '<img class="wp-image-7" src="https://health.example.org/x.jpg" alt="" /> '
        "A <em>fine</em> chart[/caption]\n\n"
        '[note type="warning"]Ask your doctor first.[/note]\n\n'
        '[gallery ids="1,2"]\n\n[embed]https://video.example.org/v/1[/embed]\n\n'
        "Bracketed [sic] and reference [1] stay."
    )
    attachment = item(
        "Chart",
        "",
        post_id=7,
        post_type="attachment",
        status="inherit",
        extra="<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>"
        "<wp:meta_value><![CDATA[Blood pressure chart]]></wp:meta_value></wp:postmeta>",
    )
    result = wxr.parse(wxr_doc(item("Shortcodes", content) + attachment), "x", ImportOptions())
    [article] = result.articles
    assert article.html.startswith("<p>Intro line one<br>")
    assert "<figure>" in article.html and "<figcaption>A <em>fine</em> chart</figcaption>" in (
        article.html
    )
    assert "Image: Blood pressure chart" in article.text  # alt from the attachment
    assert "Ask your doctor first." in article.text
    assert "[" not in article.text.replace("[sic]", "").replace("[1]", "")
    assert 'href="https://video.example.org/v/1"' in article.html
    assert "Bracketed [sic] and reference [1] stay." in article.text
    assert article.authors == ["Dr Jane Doe"]
    assert article.language == "en-GB"
    assert [s.reason for s in result.skipped] == ["1 attachments (media items): not articles"]


def test_gutenberg_comments_removed_and_no_autop() -> None:
    content = (
        "<!-- wp:paragraph -->\n<p>First</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:image {"id":3} -->\n<figure class="wp-block-image">'
        '<img src="https://h.example/i.png" alt="Scan"/><figcaption>MRI scan</figcaption>'
        "</figure>\n<!-- /wp:image -->"
    )
    [article] = wxr.parse(wxr_doc(item("Blocks", content)), "x", ImportOptions()).articles
    assert "wp:" not in article.html
    assert article.text.split() == ["First", "Image:", "Scan", "MRI", "scan"]
    assert "<figcaption>MRI scan</figcaption>" in article.html


def test_unknown_gmt_date_falls_back_to_local_time() -> None:
    doc = wxr_doc(item("Draft date", "Body", gmt="0000-00-00 00:00:00"))
    [article] = wxr.parse(doc, "x", ImportOptions()).articles
    assert article.published == dt.datetime(2021, 3, 4, 7, 6, 7)  # naive: site time


def test_an_export_with_nothing_is_refused() -> None:
    with pytest.raises(ImportFailure, match="no posts or pages"):
        wxr.parse(wxr_doc(""), "x", ImportOptions())


def test_not_rss_is_refused() -> None:
    doc = b'<?xml version="1.0"?><feed xmlns:wp="http://wordpress.org/export/1.2/"/>'
    with pytest.raises(ImportFailure, match="not a WordPress export"):
        wxr.parse(doc, "x", ImportOptions())


def test_entities_are_never_expanded_nor_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    dtd = f"""<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY xxe SYSTEM "file://{secret}">
  <!ENTITY net SYSTEM "http://127.0.0.1:{port}/evil.dtd">
]>"""
    doc = wxr_doc(item("Attack &lol4; &xxe; &net; &ndash; end", "Body"))
    doc = doc.replace(b"?>\n", b"?>\n" + dtd.encode() + b"\n", 1)
    try:
        [article] = wxr.parse(doc, "x", ImportOptions()).articles
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected
    finally:
        listener.close()
    assert "lol" not in article.title and "TOP-SECRET" not in article.title
    assert article.title == "Attack – end"
    root = xmlsafe.parse_bytes(doc)
    assert "TOP-SECRET" not in xmlsafe.text_of(root)


def test_large_export_streams(tmp_path: Path) -> None:
    """A multi-megabyte export (2,000 posts) parses in one pass with huge_tree off."""
    body = "<p>" + "Paragraph of a long post about sleep and health. " * 40 + "</p>"
    items = "".join(item(f"Post {i}", body, post_id=i + 1) for i in range(2000))
    doc = wxr_doc(items)
    assert len(doc) > 4_000_000
    result = wxr.parse(doc, "big.xml", ImportOptions())
    assert len(result.articles) == 2000
    assert result.articles[-1].title == "Post 1999"
