"""WordPress REST JSON importer: the seed article, the frontity captures, bad input."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from reader.core.errors import ImportFailure
from reader.core.importers import find_importer, parse_file, wordpress
from reader.core.model import ImportedArticle, ImportOptions, ParseResult, SourceFormat
from reader.core.textdecode import sniff_bom

FRONTITY = Path("wp-rest-json") / "frontity"


def load(path: Path) -> ParseResult:
    data = path.read_bytes()
    assert wordpress.sniff(data[:8192], path.name)
    return wordpress.parse(data, path.name, ImportOptions())


def parse_obj(obj: Any, *, drafts: bool = False) -> ParseResult:
    data = json.dumps(obj).encode("utf-8")
    return wordpress.parse(data, "posts.json", ImportOptions(include_drafts=drafts))


def only(result: ParseResult) -> ImportedArticle:
    assert len(result.articles) == 1, result
    return result.articles[0]


def assert_no_leaks(article: ImportedArticle) -> None:
    """Nothing from a script, style or SEO head reaches the reader or the index."""
    for needle in ("<script", "<style", "<iframe", "javascript:", "@context", "onerror"):
        assert needle not in article.html.lower()
        assert needle not in article.text.lower()
    assert "<img" not in article.html  # remote images are never shown (or fetched)


def a_post(**changes: Any) -> dict[str, Any]:
    """A minimal REST post, as WordPress sends it without _embed."""
    post: dict[str, Any] = {
        "id": 7,
        "date": "2024-06-01T12:00:00",
        "date_gmt": "2024-06-01T10:00:00",
        "guid": {"rendered": "https://clinic.example/?p=7"},
        "modified": "2024-06-02T09:30:00",
        "modified_gmt": "2024-06-02T07:30:00",
        "slug": "sleep-and-pain",
        "status": "publish",
        "type": "post",
        "link": "https://clinic.example/sleep-and-pain/",
        "title": {"rendered": "Sleep &amp; <em>Pain</em>"},
        "content": {"rendered": "<p>Poor sleep worsens pain.</p>", "protected": False},
        "excerpt": {"rendered": "<p>Poor sleep worsens pain [&hellip;]</p>", "protected": False},
        "author": 3,
        "categories": [4],
        "tags": [],
    }
    post.update(changes)
    return post


# --- the seed ----------------------------------------------------------------------------


@pytest.fixture
def seed(fixtures: Path) -> ImportedArticle:
    return only(load(fixtures / "ketamine-for-pain.json"))


def test_seed_metadata(seed: ImportedArticle) -> None:
    assert seed.title == "Ketamine for Pain: A Guide"
    assert seed.authors == ["Martha Allitt"]
    assert seed.site_name == "Psycle Health"
    assert seed.categories == ["Alternative Treatments"]
    assert seed.tags == ["ketamine"]
    assert seed.published == dt.datetime(2025, 1, 8, 20, 16, 6, tzinfo=dt.UTC)
    assert seed.published.utcoffset() == dt.timedelta(0)
    assert seed.modified == dt.datetime(2025, 1, 8, 20, 16, 12, tzinfo=dt.UTC)
    assert seed.url == "https://psyclehealth.com/psyclehealth-sta/?p=48555"
    assert seed.guid == "https://psyclehealth.com/?p=48555"
    assert seed.external_id == "48555"
    assert seed.language == "en-US"
    assert seed.source_format is SourceFormat.WORDPRESS_JSON


def test_seed_extras(seed: ImportedArticle) -> None:
    assert seed.excerpt.startswith("Ketamine has evolved from being used primarily")
    assert seed.excerpt.endswith("Ketamine is…")  # WordPress's "[&hellip;]" tidied
    assert "<" not in seed.excerpt and "&" not in seed.excerpt
    assert seed.featured_image == {
        "alt": "",
        "caption": "Ketamine for pain",
        "url": "https://psyclehealth.com/psyclehealth-sta/wp-content/uploads/2025/01/"
        "Ketamine-for-Pain-A-Guide-1.jpg",
    }
    assert seed.metadata["slug"] == "ketamine-for-pain-a-guide"
    assert seed.metadata["wp_type"] == "post"
    assert seed.metadata["status"] == "publish"
    assert seed.metadata["seo_description"].startswith("Discover how ketamine is revolutionizing")


def test_seed_body_is_clean_and_its_sources_are_links(seed: ImportedArticle) -> None:
    assert_no_leaks(seed)
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/23432384/">' in seed.html
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/30969646/">' in seed.html
    assert "wp:" not in seed.html and "<p></p>" not in seed.html
    # The featured image (not in the post's HTML) opens the article, then the post.
    assert seed.text.startswith("Image\nKetamine for pain\n\nKetamine has evolved")
    assert "\nSources\n" in seed.text


def test_seed_through_the_registry(fixtures: Path) -> None:
    data = (fixtures / "ketamine-for-pain.json").read_bytes()
    assert find_importer(data, "export.txt").name == "wordpress-json"
    assert only(parse_file(data, "export.txt")).title == "Ketamine for Pain: A Guide"


# --- the frontity captures ---------------------------------------------------------------


def test_frontity_single_post_with_embedded_terms(corpora: Path) -> None:
    post = only(load(corpora / FRONTITY / "post-60.json"))
    assert post.title == "The Beauties of Gullfoss"
    assert post.authors == ["Alan Martin"]
    assert post.site_name == "Demo Worona"  # from "… - Demo Worona" SEO titles
    assert post.categories == ["Photography", "Travel"]
    assert post.tags == ["Gullfoss", "Iceland", "Nature", "Waterfall"]
    assert post.metadata["terms"] == {"latest": ["Demo Worona"]}
    assert post.published == dt.datetime(2016, 11, 25, 18, 31, 11, tzinfo=dt.UTC)
    assert post.featured_image == {
        "alt": "iceland",
        "caption": "",
        "url": "https://demo.worona.org/wp-content/uploads/2016/11/Iceland-test.jpg",
    }
    assert_no_leaks(post)
    assert "Embedded content from www.youtube.com" in post.text
    assert "Image: gullfoss\nGullfoss, an iconic waterfall of Iceland." in post.text


def test_frontity_archive_pages(corpora: Path) -> None:
    first = load(corpora / FRONTITY / "posts-from-category-7.json").articles
    second = load(corpora / FRONTITY / "posts-from-category-7-page-2.json").articles
    assert [a.title for a in first] == [
        "Shinjuku Gyoen National Garden",
        "Antelope Canyon",
        "Kebumen City",
        "Banff National Park",
        "The Al Hajar Mountains",
    ]
    assert [a.title for a in second] == [
        "Machu Picchu",
        "Discovering Iceland",
        "Switzerland’s Mountains",  # &#8217; decoded
        "Somewhere in Romania",
        "The Land of Fire & Ice",  # &#038; decoded
    ]
    for article in first + second:
        assert article.site_name == "Demo Worona"
        assert "Nature" in article.categories
        assert article.authors and article.authors[0] in {
            "Alan Martin",
            "Luis Herranz",
            "Reyes Martinez",
        }
        assert article.published is not None and article.published.tzinfo is not None
        assert article.featured_image is not None
        assert article.featured_image["url"].startswith("https://demo.worona.org/wp-content/")
        assert_no_leaks(article)
    assert second[0].tags == ["Inca", "Machu Picchu", "Peru"]
    assert first[1].featured_image["alt"] == "canyon"


def test_frontity_newer_wordpress_posts(corpora: Path) -> None:
    posts = load(corpora / FRONTITY / "posts.json").articles
    assert [p.title for p in posts] == [
        "Hello world!",
        "Veniam reiciendis esse aliquid",
        "Eum ipsum eos sit sed sint",
    ]
    assert posts[0].authors == ["admin"]
    assert posts[0].categories == ["Uncategorized"]
    assert posts[0].tags == []
    assert posts[0].published == dt.datetime(2019, 3, 11, 11, 46, 53, tzinfo=dt.UTC)


def test_frontity_pages(corpora: Path) -> None:
    page = only(load(corpora / FRONTITY / "page-with-subpage.json"))
    assert page.title == "About us"
    assert page.authors == ["worona"]
    assert page.metadata["wp_type"] == "page"
    assert page.metadata["parent_id"] == 211
    assert "Image: about-us-team" in page.text
    assert "Embedded content from www.google.com" in page.text
    assert_no_leaks(page)


def test_frontity_page_with_audio_and_an_ie_script(fixtures: Path) -> None:
    page = only(load(fixtures / "wp-rest-json" / "page-211.json"))
    assert page.title == "Audio TEST"
    assert page.authors == ["David Arenas"]
    assert page.site_name == "Demo Worona"
    assert page.text == (
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
        "incididunt ut labore et dolore magna aliqua.\n\nAudio"
    )
    assert "createElement" not in page.html
    assert_no_leaks(page)


def test_comments_are_skipped_not_failed(fixtures: Path) -> None:
    result = load(fixtures / "wp-rest-json" / "post-60-comments.json")
    assert result.articles == []
    assert [s.reason for s in result.skipped] == [
        "WordPress comment, not an article (3 in this file)"
    ]


def test_every_frontity_file_imports_or_skips_with_a_reason(corpora: Path) -> None:
    files = sorted((corpora / FRONTITY).glob("*.json"))
    assert len(files) >= 8
    for path in files:
        result = load(path)
        assert result.articles or result.skipped, path.name
        assert result.warnings == [], path.name
        for article in result.articles:
            assert article.title and article.text and article.url.startswith("http")
            assert_no_leaks(article)


def test_media_object_is_skipped(corpora: Path) -> None:
    result = load(corpora / FRONTITY / "media-581.json")
    assert result.articles == []
    assert [s.reason for s in result.skipped] == [
        "WordPress media item (attachment), not an article"
    ]


# --- SEO heads, dates, statuses ----------------------------------------------------------


def yoast_post() -> dict[str, Any]:
    site = "https://clinic.example/"
    return a_post(
        date="2024-03-10T09:00:00",
        date_gmt=None,
        class_list=["post-7", "category-sleep-medicine", "tag-insomnia"],
        yoast_head_json={
            "title": "Sleep & Pain - Clinic Notes",
            "description": "How sleep and pain feed each other.",
            "canonical": "https://clinic.example/sleep-and-pain/?utm=x",
            "og_locale": "en_GB",
            "og_site_name": "Clinic Notes | Evidence for patients",
            "article_published_time": "2024-03-10T08:00:00+00:00",
            "author": "Dr Ada Byron",
            "schema": {
                "@context": "https://schema.org",
                "@graph": [
                    {
                        "@type": "Article",
                        "@id": f"{site}sleep-and-pain/#article",
                        "author": {"@id": f"{site}#/schema/person/1"},
                        "articleSection": ["Sleep Medicine"],
                        "keywords": ["insomnia", "CBT-I"],
                        "inLanguage": "en-GB",
                    },
                    {"@type": "Person", "@id": f"{site}#/schema/person/1", "name": "Ada Byron"},
                    {"@type": "WebSite", "@id": f"{site}#website", "name": "Clinic Notes"},
                ],
            },
        },
    )


def test_yoast_head_json_fills_what_the_rest_fields_lack() -> None:
    post = only(parse_obj(yoast_post()))
    assert post.title == "Sleep & Pain"
    assert post.authors == ["Ada Byron"]  # JSON-LD Person before the plain author field
    assert post.site_name == "Clinic Notes"
    assert post.categories == ["Sleep Medicine"]
    assert post.tags == ["insomnia", "CBT-I"]
    assert post.url == "https://clinic.example/sleep-and-pain/?utm=x"
    assert post.language == "en-GB"
    assert post.metadata["seo_description"] == "How sleep and pain feed each other."
    # No date_gmt: the local date gets the offset the SEO head shows.
    assert post.published == dt.datetime(2024, 3, 10, 9, tzinfo=dt.timezone(dt.timedelta(0)))


def test_og_site_name_is_cut_at_the_tagline() -> None:
    obj = yoast_post()
    obj["yoast_head_json"]["schema"]["@graph"].pop()  # no WebSite node
    assert only(parse_obj(obj)).site_name == "Clinic Notes"


def test_head_html_strings_and_class_list_as_the_last_resort() -> None:
    head = (
        '<meta name="author" content="Jo Smith" /><meta property="og:locale" content="fr_FR" />'
        '<meta property="og:site_name" content="Santé &amp; Douleur | Le blog" />'
        '<link rel="canonical" href="https://clinic.example/fr/sommeil/" />'
        '<script type="application/ld+json">{"broken": </script>'
    )
    obj = a_post(yoast_head=head, class_list=["category-sleep-medicine", "tag-night-shift"])
    post = only(parse_obj(obj))
    assert post.authors == ["Jo Smith"]
    assert post.site_name == "Santé & Douleur"
    assert post.language == "fr-FR"
    assert post.url == "https://clinic.example/fr/sommeil/"
    assert post.categories == ["Sleep Medicine"]
    assert post.tags == ["night shift"]


def test_dates_keep_the_sites_offset_and_the_exact_instant() -> None:
    post = only(parse_obj(a_post()))
    plus_two = dt.timezone(dt.timedelta(hours=2))
    assert post.published == dt.datetime(2024, 6, 1, 12, tzinfo=plus_two)
    assert post.published.astimezone(dt.UTC).hour == 10
    assert post.modified == dt.datetime(2024, 6, 2, 9, 30, tzinfo=plus_two)


def test_title_entities_and_tags_and_excerpt_marker() -> None:
    post = only(parse_obj(a_post()))
    assert post.title == "Sleep & Pain"
    assert post.excerpt == "Poor sleep worsens pain…"
    assert post.external_id == "7"
    assert post.guid == "https://clinic.example/?p=7"


def test_drafts_only_with_the_option() -> None:
    draft = a_post(status="draft", date_gmt=None)
    result = parse_obj(draft)
    assert result.articles == []
    assert [s.reason for s in result.skipped] == [
        "draft post “Sleep & Pain” (import with drafts included to add it)"
    ]
    article = only(parse_obj(draft, drafts=True))
    assert article.metadata["status"] == "draft"
    # No date_gmt: the offset comes from the modified pair.
    assert article.published is not None
    assert article.published.utcoffset() == dt.timedelta(hours=2)
    private = parse_obj(a_post(status="private"))
    assert "private post" in private.skipped[0].reason


def test_password_protected_and_trashed_posts_are_skipped() -> None:
    protected = a_post(content={"rendered": "", "protected": True})
    assert "password-protected" in parse_obj(protected).skipped[0].reason
    assert "trash" in parse_obj(a_post(status="trash")).skipped[0].reason


def test_a_list_with_bad_items_imports_the_good_ones() -> None:
    good = a_post()
    no_content = a_post(id=8, title={"rendered": "Half a post"})
    del no_content["content"]
    comment = {"id": 5, "post": 7, "author_name": "Reader", "content": {"rendered": "Hi"}}
    result = parse_obj([good, 42, no_content, comment, {"unrelated": True}])
    assert [a.title for a in result.articles] == ["Sleep & Pain"]
    assert [s.reason for s in result.skipped] == ["WordPress comment, not an article"]
    assert result.failed == ["item 3: post “Half a post” has no content field"]
    assert result.warnings == [
        "item 2 is not a JSON object; ignored",
        "item 5 is not WordPress; ignored",
    ]


def test_a_page_and_a_custom_post_type_are_articles() -> None:
    result = parse_obj([a_post(type="page", id=1), a_post(type="health_topic", id=2)])
    assert [a.metadata["wp_type"] for a in result.articles] == ["page", "health_topic"]


def test_other_wordpress_objects_are_skipped() -> None:
    term = {"id": 3, "name": "Pain", "slug": "pain", "taxonomy": "category", "count": 4}
    user = {"id": 1, "name": "Ada", "slug": "ada", "avatar_urls": {}, "link": "https://x/"}
    menu = a_post(type="nav_menu_item")
    reasons = [s.reason for s in parse_obj([term, user, menu]).skipped]
    assert reasons == [
        "WordPress category, not an article",
        "WordPress user, not an article",
        "WordPress menu item, not an article",
    ]


def test_embedded_errors_are_ignored() -> None:
    denied = {"code": "rest_forbidden", "message": "Sorry", "data": {"status": 401}}
    post = a_post(_embedded={"author": [denied], "wp:featuredmedia": [denied]})
    article = only(parse_obj(post))
    assert article.authors == []
    assert article.featured_image is None


def test_json_lines_of_posts() -> None:
    data = (json.dumps(a_post()) + "\n" + json.dumps(a_post(id=9)) + "\n").encode()
    result = wordpress.parse(data, "posts.jsonl", ImportOptions())
    assert [a.external_id for a in result.articles] == ["7", "9"]


# --- bad input ---------------------------------------------------------------------------


def failure(data: bytes) -> str:
    with pytest.raises(ImportFailure) as info:
        wordpress.parse(data, "posts.json", ImportOptions())
    return str(info.value)


def test_invalid_json_names_line_and_column() -> None:
    message = failure(b'{\n  "id": 7,\n  "title": {"rendered": "x"}\n  "content": {}\n}')
    assert message == "invalid JSON at line 4, column 3: Expecting ',' delimiter"


def test_truncated_json_says_it_looks_cut_off(fixtures: Path) -> None:
    data = (fixtures / "ketamine-for-pain.json").read_bytes()
    message = failure(data[: len(data) // 2])
    assert message.startswith("invalid JSON at line ")
    assert message.endswith("(the file seems cut off)")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "the file is empty"),
        (b"  \n\t ", "the file is empty"),
        (b"[]", "an empty JSON list: the WordPress response holds no posts"),
        (b'"just a string"', "JSON, but not a WordPress REST response"),
        (b'{"name": "package", "version": "1.0"}', "JSON, but not a WordPress REST response"),
        (b"[1, 2, 3]", "JSON, but not a WordPress REST response"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "the file is not text"),
        (
            b'{"code": "rest_post_invalid_id", "message": "Invalid post ID.", '
            b'"data": {"status": 404}}',
            "this is a WordPress REST error response, not a post: Invalid post ID.",
        ),
        (b"[" * 100_000, "the JSON is nested too deeply to read"),
    ],
)
def test_bad_files_fail_with_a_specific_message(data: bytes, expected: str) -> None:
    assert failure(data).startswith(expected)


def test_deep_nesting_inside_a_post_is_refused_cleanly() -> None:
    deep = '{"id": 1, "title": {"rendered": "x"}, "content": ' + "[" * 50_000 + "]" * 50_000 + "}"
    assert failure(deep.encode()).startswith("the JSON is nested too deeply")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_byte_order_marks_and_utf16(encoding: str) -> None:
    text = json.dumps(a_post(title={"rendered": "Schlaf und Schmerz – Überblick"}))
    data = text.encode(encoding)
    assert wordpress.sniff(data[:8192], "x")  # with its BOM
    assert wordpress.sniff(sniff_bom(data)[1][:8192], "x")  # as the registry passes it
    result = wordpress.parse(data, "x.json", ImportOptions())
    assert only(result).title == "Schlaf und Schmerz – Überblick"


def test_latin1_bytes_are_read_as_windows_1252() -> None:
    text = json.dumps(a_post(title={"rendered": "Café – douleur"}), ensure_ascii=False)
    data = text.encode("cp1252")
    assert only(wordpress.parse(data, "x.json", ImportOptions())).title == "Café – douleur"


def test_lone_surrogates_and_nuls_in_json_escapes_are_cleaned() -> None:
    raw = json.dumps(a_post()).replace('"Sleep &amp; <em>Pain</em>"', '"Sleep\\u0000 \\ud800Pain"')
    raw = raw.replace("Poor sleep worsens pain.", "Poor\\u0000 sleep \\udfffworsens")
    article = only(wordpress.parse(raw.encode(), "x.json", ImportOptions()))
    assert article.title == "Sleep \ufffdPain"
    assert "\x00" not in article.text
    article.text.encode("utf-8")  # no lone surrogate left: it would raise here
    article.html.encode("utf-8")


# --- sniffing ----------------------------------------------------------------------------


def test_sniff_recognises_wordpress_json_by_content(fixtures: Path) -> None:
    seed_head = (fixtures / "ketamine-for-pain.json").read_bytes()[:8192]
    assert wordpress.sniff(seed_head, "download")
    comments = (fixtures / "wp-rest-json" / "post-60-comments.json").read_bytes()[:8192]
    assert wordpress.sniff(comments, "comments")
    no_rendered = json.dumps({"id": 1, "slug": "a", "link": "https://x/", "date_gmt": None})
    assert wordpress.sniff(no_rendered.encode(), "item")


@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        (b"<!DOCTYPE html><html><body><p>{}</p>", "page.json", False),
        (b"---\ntitle: Notes\n---\n# Notes", "notes.md", False),
        (b'<?xml version="1.0"?><rss version="2.0">', "export.xml", False),
        (b'{"name": "package", "version": "1.0"}', "package.txt", False),
        (b'{"name": "package", "version": "1.0"}', "package.json", True),
    ],
)
def test_sniff_leaves_other_formats_alone(head: bytes, name: str, expected: bool) -> None:
    assert wordpress.sniff(head, name) is expected


def test_parsing_does_not_mutate_shared_input() -> None:
    obj = yoast_post()
    before = copy.deepcopy(obj)
    parse_obj(obj)
    assert obj == before
