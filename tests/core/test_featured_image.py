"""A WordPress post's featured image opens its article when the post does not show it
(REST ``_embedded["wp:featuredmedia"]``, WXR ``_thumbnail_id``): a web image, never
fetched on import, with its caption and alt text; never a second copy of a picture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.model import ImportStatus

UPLOADS = "https://clinic.example.org/wp-content/uploads/2025/01"
BODY = "<p>" + "Ketamine infusions for complex regional pain syndrome. " * 12 + "</p>"


def imported(library: Library, path: Path) -> dict[str, tuple[str, str, list]]:
    """title → (html, text, image rows) of every article the file added."""
    report = library.import_paths([path])
    out = {}
    for result in report.results:
        if result.status is ImportStatus.ADDED:
            article = library.article(result.article_id)
            out[article.title] = (article.html, article.text, library.images(article.id))
    return out


def rest_post(content: str, media: dict | None, **extra) -> dict:
    post = {
        "id": 7,
        "date": "2025-01-10T09:00:00",
        "date_gmt": "2025-01-10T09:00:00",
        "link": "https://clinic.example.org/ketamine/",
        "title": {"rendered": "Ketamine for CRPS"},
        "content": {"rendered": content},
        "featured_media": 41,
        **extra,
    }
    if media is not None:
        post["_embedded"] = {"wp:featuredmedia": [media]}
    return post


MEDIA = {
    "id": 41,
    "source_url": f"{UPLOADS}/infusion.jpg",
    "alt_text": "An infusion pump at the bedside",
    "caption": {"rendered": "<p>Photo: <em>the clinic</em></p>\n"},
    "media_details": {
        "width": 4000,
        "sizes": {
            "thumbnail": {"source_url": f"{UPLOADS}/infusion-150x150.jpg", "width": 150},
            "large": {"source_url": f"{UPLOADS}/infusion-1024x683.jpg", "width": 1024},
            "2048x2048": {"source_url": f"{UPLOADS}/infusion-2048x1365.jpg", "width": 2048},
        },
    },
}


def test_the_featured_image_opens_the_article_with_its_caption(tmp_path, library_dir):
    path = tmp_path / "post.json"
    path.write_text(json.dumps(rest_post(BODY, MEDIA)), encoding="utf-8")
    with Library.open(library_dir) as library:
        html, text, rows = imported(library, path)["Ketamine for CRPS"]
        assert html.startswith("<figure><span class=")
        assert text.startswith("Image: An infusion pump at the bedside\nPhoto: the clinic")
        # Not fetched: a web image waiting for Download Images, in a sensible size.
        assert [(r.status, r.source, r.alt) for r in rows] == [
            ("remote", f"{UPLOADS}/infusion-2048x1365.jpg", "An infusion pump at the bedside")
        ]


@pytest.mark.parametrize(
    "shown",
    [
        f'<img src="{UPLOADS}/infusion-1024x683.jpg" alt="">',  # another size of it
        f'<img src="data:image/gif;base64,R0lGOD" data-lazy-src="{UPLOADS}/infusion-scaled.jpg">',
        '<img class="size-large wp-image-41" src="https://i0.wp.com/elsewhere/pump.jpg">',
    ],
)
def test_a_featured_image_the_post_shows_is_not_shown_twice(tmp_path, library_dir, shown):
    path = tmp_path / "post.json"
    path.write_text(json.dumps(rest_post(BODY + f"<p>{shown}</p>", MEDIA)), encoding="utf-8")
    with Library.open(library_dir) as library:
        html, _, rows = imported(library, path)["Ketamine for CRPS"]
        assert not html.startswith("<figure>")
        assert len(rows) == 1


@pytest.mark.parametrize(
    "post",
    [
        rest_post(BODY, None, featured_media=0),
        rest_post(BODY, {**MEDIA, "mime_type": "video/mp4", "source_url": f"{UPLOADS}/a.mp4"}),
        rest_post(BODY, {**MEDIA, "mime_type": "image/svg+xml", "source_url": f"{UPLOADS}/a.svg"}),
    ],
    ids=["none", "video", "svg"],
)
def test_no_featured_picture_no_figure(tmp_path, library_dir, post):
    path = tmp_path / "post.json"
    path.write_text(json.dumps(post), encoding="utf-8")
    with Library.open(library_dir) as library:
        html, _, rows = imported(library, path)["Ketamine for CRPS"]
        assert html.startswith("<p>") and rows == []


def test_seed_post_opens_with_its_featured_image(fixtures, library_dir):
    # No _embed; featured_media 48558 and AIOSEO's schema name the picture.
    with Library.open(library_dir) as library:
        _, text, rows = imported(library, fixtures / "ketamine-for-pain.json")[
            "Ketamine for Pain: A Guide"
        ]
        assert text.startswith("Image\nKetamine for pain\n\nKetamine has evolved")
        assert rows[0].source.endswith("/2025/01/Ketamine-for-Pain-A-Guide-1.jpg")
        assert all(r.status == "remote" for r in rows)


@pytest.mark.corpus
def test_frontity_archive_posts_open_with_their_featured_images(corpora, library_dir):
    path = corpora / "wp-rest-json/frontity/posts-from-category-7.json"
    with Library.open(library_dir) as library:
        articles = imported(library, path)
        assert len(articles) == 5
        for title, (html, _, rows) in articles.items():
            assert html.startswith("<figure>"), title  # none of the five shows it inline
            assert rows[0].status == "remote"
            assert "/wp-content/uploads/2016/11/" in rows[0].source
        _, text, rows = articles["Banff National Park"]
        assert text.startswith("Image: canada\n\n")


@pytest.mark.corpus
def test_frontity_post_showing_its_featured_image_in_a_gallery_gets_no_second(corpora, library_dir):
    path = corpora / "wp-rest-json/frontity/post-60.json"
    with Library.open(library_dir) as library:
        ((html, _, rows),) = imported(library, path).values()
        assert not html.startswith("<figure>")
        assert sum("Iceland-test" in r.source for r in rows) == 1  # the gallery's


@pytest.mark.corpus
def test_wxr_thumbnail_becomes_the_lead_figure_unless_the_post_shows_it(corpora, library_dir):
    path = corpora / "wxr/WPTRT-theme-unit-test/themeunittestdata.wordpress.xml"
    with Library.open(library_dir) as library:
        articles = imported(library, path)
        html, text, rows = articles["Template: Featured Image (Horizontal)"]
        assert text.startswith("Image: Horizontal Featured Image\n\n")
        assert rows[0].source.endswith("/2013/03/featured-image-horizontal.jpg")
        html, text, _ = articles["Post Format: Image (Caption)"]
        assert text.startswith("Image\nIt’s dangerous to go alone! Take this.")
        # The gallery post shows its featured picture (img_8399) in each of its galleries.
        html, _, rows = articles["Block: Gallery"]
        assert not html.startswith("<figure><span")
        assert sum("img_8399" in r.source for r in rows) == 3  # its three galleries, no fourth


def wxr_export(thumbnail_url: str, caption: str) -> bytes:
    """An export with one post and its featured attachment (written for this test)."""
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Clinic</title><link>https://clinic.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version>
<item><title>Ketamine for CRPS</title><link>https://clinic.example.org/k/</link>
  <content:encoded><![CDATA[{BODY}]]></content:encoded>
  <excerpt:encoded><![CDATA[]]></excerpt:encoded>
  <wp:post_id>7</wp:post_id><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
  <wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>41</wp:meta_value>
  </wp:postmeta></item>
<item><title>pump</title><link>https://clinic.example.org/pump/</link>
  <content:encoded><![CDATA[]]></content:encoded>
  <excerpt:encoded><![CDATA[{caption}]]></excerpt:encoded>
  <wp:post_id>41</wp:post_id><wp:status>inherit</wp:status>
  <wp:post_type>attachment</wp:post_type>
  <wp:attachment_url><![CDATA[{thumbnail_url}]]></wp:attachment_url></item>
</channel></rss>""".encode()


def test_wxr_featured_image_caption_is_text_and_only_web_addresses_count(tmp_path, library_dir):
    hostile = tmp_path / "hostile.xml"
    hostile.write_bytes(wxr_export("javascript:alert(1)", "Pump"))
    fine = tmp_path / "fine.xml"
    caption = '</figcaption><img src="https://evil.example/x.png" onerror="alert(1)">Pump "A"'
    fine.write_bytes(wxr_export(f"{UPLOADS}/pump.jpg", caption))
    with Library.open(library_dir) as library:
        html, _, rows = imported(library, hostile)["Ketamine for CRPS"]
        assert html.startswith("<p>") and rows == []  # no picture to show: no figure
    with Library.open(tmp_path / "other") as library:
        html, text, rows = imported(library, fine)["Ketamine for CRPS"]
        assert "onerror" not in html and text.startswith('Image\nPump "A"\n\nKetamine')
        assert [(r.status, r.source) for r in rows] == [("remote", f"{UPLOADS}/pump.jpg")]
