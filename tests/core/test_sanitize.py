"""The sanitizer every importer ends in: safe canonical HTML and stable plain text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from reader.core.sanitize import MAX_DEPTH, canonicalize, html_to_text

BASE = "https://site.example/health/post/"


def canon_html(markup: str, base_url: str = BASE) -> str:
    return canonicalize(markup, base_url=base_url).html


def hrefs(markup: str) -> list[str]:
    root = etree.HTML(f"<div>{markup}</div>")
    return [a.get("href") for a in root.iter("a") if a.get("href") is not None]


def seed_content(fixtures: Path) -> tuple[str, str]:
    post = json.loads((fixtures / "ketamine-for-pain.json").read_text(encoding="utf-8"))
    return post["content"]["rendered"], post["link"]


# --- attacks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "forbidden"),
    [
        ('<p>a<script>alert("owned")</script>b</p>', "owned"),
        ("<style>body { display: none }</style><p>ok</p>", "display"),
        ("<noscript><p>Please enable JavaScript</p></noscript><p>ok</p>", "JavaScript"),
        ("<template><p>hidden template</p></template><p>ok</p>", "hidden template"),
        ('<svg onload="alert(1)"><text>svg secret</text></svg><p>ok</p>', "svg secret"),
        # MathML stays (formulas render), but never with a link: tests/core/test_mathml.py
        ('<math><mi href="javascript:alert(1)">mathvar</mi></math><p>ok</p>', "javascript"),
        ("<form><label>Your email</label><input><button>Subscribe</button></form>", "Subscribe"),
        ("<p>x</p><!--[if lt IE 9]><script>document.write('ie')</script><![endif]-->", "ie'"),
        ("<object data='x.swf'>flash fallback</object><p>ok</p>", "flash fallback"),
    ],
)
def test_script_style_and_friends_leave_no_text(markup: str, forbidden: str) -> None:
    result = canonicalize(markup)
    assert forbidden not in result.html
    assert forbidden not in result.text


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " jav&#x09;ascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "tel:+441234",
        "file:///etc/passwd",
    ],
)
def test_links_with_other_schemes_lose_the_link_but_keep_the_text(href: str) -> None:
    result = canonicalize(f'<p>Read <a href="{href}">this study</a>.</p>')
    assert result.html == "<p>Read this study.</p>"
    assert result.text == "Read this study."


def test_event_handlers_styles_and_classes_are_dropped() -> None:
    html = canon_html(
        '<p onclick="steal()" style="background:url(javascript:x)" class="wp-block">Text</p>'
        '<a href="https://ok.example/" onmouseover="steal()" target="_blank" rel="x">ok</a>'
    )
    assert html == '<p>Text</p><a href="https://ok.example/">ok</a>'


def test_iframes_and_media_become_placeholders_that_name_their_source() -> None:
    result = canonicalize(
        '<p><iframe src="https://www.youtube.com/embed/abc" title="Ketamine explained">'
        "<script>alert(1)</script></iframe></p>"
        '<video src="https://cdn.example/v.mp4">Your browser cannot play this</video>'
        '<audio controls><source src="https://cdn.example/a.mp3"></audio>'
    )
    assert "iframe" not in result.html and "script" not in result.html
    assert "cannot play" not in result.text
    assert result.text.splitlines() == [
        "Embedded content from www.youtube.com: Ketamine explained",
        "",
        "Video Audio",
    ]


def test_placeholders_do_not_glue_to_neighbouring_words() -> None:
    result = canonicalize('<p>See<img alt="chart">below<img alt="a"><img alt="b"></p>')
    assert result.text == "See Image: chart below Image: a Image: b"
    assert canonicalize(result.html) == result


def test_meta_refresh_base_and_link_tags_vanish() -> None:
    markup = (
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
        '<base href="https://evil.example/"><link rel="stylesheet" href="x.css"><p>text</p>'
    )
    assert canon_html(markup) == "<p>text</p>"


def test_only_allowlisted_tags_survive() -> None:
    html = canon_html(
        "<article><header><h1>T</h1></header><section><p><b>b</b> <i>i</i> <font>f</font>"
        "<marquee>m</marquee></p></section></article>"
    )
    root = etree.HTML(f"<div>{html}</div>")
    tags = {el.tag for el in root.iter()} - {"html", "body"}
    assert tags == {"div", "h1", "p", "strong", "em"}
    assert "f" in html and "m" in html  # unknown tags are unwrapped, their text kept


# --- links -------------------------------------------------------------------------------


def test_relative_links_are_resolved_against_the_article_url() -> None:
    html = canon_html(
        '<a href="/about/">about</a> <a href="refs.html">refs</a> <a href="//cdn.example/x">x</a>'
    )
    assert hrefs(html) == [
        "https://site.example/about/",
        "https://site.example/health/post/refs.html",
        "https://cdn.example/x",
    ]


def test_relative_links_without_a_base_url_are_unwrapped() -> None:
    result = canonicalize('<p>See <a href="/about/">about us</a>.</p>')
    assert result.html == "<p>See about us.</p>"


def test_fragment_links_and_ids_are_kept_so_references_resolve() -> None:
    html = canon_html(
        '<p>Ketamine helps<sup><a href="#ref-1">1</a></sup>, see note '
        f'<a href="{BASE}#fn-2">2</a>.</p>'
        '<ol><li id="ref-1">Smith 2020</li></ol><p id="fn-2">A footnote.</p>'
        '<a name="legacy-anchor"></a>'
    )
    assert hrefs(html) == ["#ref-1", "#fn-2"]
    assert 'id="ref-1"' in html and 'id="fn-2"' in html
    assert 'id="legacy-anchor"' in html  # <a name> becomes an id


def test_bare_urls_become_links_but_not_inside_links_code_or_pre() -> None:
    html = canon_html(
        "<p>See https://pubmed.ncbi.nlm.nih.gov/123/. Also (https://en.wikipedia.org/wiki/A_(b))"
        " and <code>https://example.org/code</code></p>"
        "<pre>curl https://example.org/pre</pre>"
        '<p><a href="https://doi.org/10.1/x">https://doi.org/10.1/x</a></p>'
    )
    assert hrefs(html) == [
        "https://pubmed.ncbi.nlm.nih.gov/123/",
        "https://en.wikipedia.org/wiki/A_(b)",
        "https://doi.org/10.1/x",
    ]
    assert "https://pubmed.ncbi.nlm.nih.gov/123/</a>." in html  # the full stop stays text


def test_the_seed_sources_list_becomes_links(fixtures: Path) -> None:
    content, link = seed_content(fixtures)
    html = canonicalize(content, base_url=link).html
    assert (
        '<li><a href="https://pubmed.ncbi.nlm.nih.gov/23432384/">'
        "https://pubmed.ncbi.nlm.nih.gov/23432384/</a></li>"
    ) in html
    assert "https://pubmed.ncbi.nlm.nih.gov/30969646/" in hrefs(html)


# --- images ------------------------------------------------------------------------------


def test_images_become_placeholders_with_their_alt_text() -> None:
    html = canon_html(
        '<figure><img src="https://cdn.example/chart.png" alt="Dose–response chart" '
        'onerror="alert(1)" srcset="a.png 2x"><figcaption>Figure 1</figcaption></figure>'
    )
    assert html == (
        '<figure><span class="image-placeholder">Image: Dose–response chart</span>'
        "<figcaption>Figure 1</figcaption>\n</figure>"
    )
    assert "cdn.example" not in html


def test_image_without_alt_uses_title_or_says_image() -> None:
    assert canon_html('<img src="x.png" title="Brain scan">') == (
        '<span class="image-placeholder">Image: Brain scan</span>'
    )
    assert canon_html('<p><img src="data:image/png;base64,AAAA"></p>') == (
        '<p><span class="image-placeholder">Image</span></p>'
    )


def test_library_images_are_kept_as_images() -> None:
    markup = '<img src="margin-image:3f2a9c" alt="Stored chart" onload="x()">'
    html = canonicalize(markup, own_images={"3f2a9c"}).html
    assert html == '<img src="margin-image:3f2a9c" alt="Stored chart">'


def test_no_img_with_a_remote_source_survives_the_seed_or_frontity(fixtures: Path) -> None:
    post = json.loads((fixtures / "wp-rest-json" / "page-211.json").read_text("utf-8"))
    for content in (seed_content(fixtures)[0], post["content"]["rendered"]):
        root = etree.HTML(f"<div>{canonicalize(content).html}</div>")
        assert list(root.iter("img")) == []


# --- clutter -----------------------------------------------------------------------------


def test_empty_paragraphs_and_nbsp_clutter_are_gone() -> None:
    result = canonicalize(
        "<p></p>\n\n<p>&nbsp;</p><p> <br> </p><p><strong> </strong></p>"
        "<p>Ketamine&nbsp;&nbsp; works&nbsp;fast.&nbsp;</p><h2>Title&nbsp;</h2><p></p>"
    )
    assert result.html == "<p>Ketamine works fast.</p>\n<h2>Title</h2>"


def test_empty_block_with_an_id_stays_as_an_anchor() -> None:
    assert canon_html('<p id="ref-9"></p><p>x</p>') == '<p id="ref-9"></p>\n<p>x</p>'


def test_gutenberg_comments_are_gone() -> None:
    html = canon_html(
        '<!-- wp:heading {"level":3} --><h3 class="wp-block-heading">H</h3><!-- /wp:heading -->'
        "<!-- wp:paragraph --><p>Body</p><!-- /wp:paragraph -->"
    )
    assert html == "<h3>H</h3>\n<p>Body</p>"


def test_pre_keeps_its_spaces() -> None:
    result = canonicalize("<pre>dose  =  0.5&nbsp;mg\n    per kg</pre>")
    assert result.text == "dose  =  0.5\u00a0mg\n    per kg"


def test_control_characters_and_nuls_go_and_lone_surrogates_are_replaced() -> None:
    result = canonicalize("<p>a\x00b\x07c\ud800d</p>")
    assert result.html == "<p>abc\ufffdd</p>"


def test_pathological_nesting_is_flattened_quickly_keeping_the_text() -> None:
    depth = 20 * MAX_DEPTH
    markup = "<div>" * depth + "deep text" + "</div>" * depth + "<p>after</p>"
    result = canonicalize(markup)
    assert result.text == "deep text\n\nafter"


def test_canonical_html_canonicalizes_to_itself(fixtures: Path) -> None:
    content, link = seed_content(fixtures)
    once = canonicalize(content, base_url=link)
    assert canonicalize(once.html, base_url=link) == once


# --- plain text --------------------------------------------------------------------------


def test_text_separates_blocks_lists_and_table_cells() -> None:
    result = canonicalize(
        "<h2>Dosing</h2><p>Start <em>low</em>.<br>Go slow.</p>"
        "<ul><li>one<ul><li>nested</li></ul></li><li>two</li></ul>"
        "<table><caption>Doses</caption><tr><th>Route</th><th>Dose</th></tr>"
        "<tr><td>IV</td><td><p>0.5 mg/kg</p></td></tr></table><p>End</p>"
    )
    assert result.text == (
        "Dosing\n\nStart low.\nGo slow.\n\none\nnested\ntwo\n\n"
        "Doses\nRoute | Dose\nIV | 0.5 mg/kg\n\nEnd"
    )


def test_text_of_the_seed_is_stable_and_readable(fixtures: Path) -> None:
    content, link = seed_content(fixtures)
    result = canonicalize(content, base_url=link)
    assert html_to_text(result.html) == result.text  # same HTML, same text
    assert canonicalize(content, base_url=link).text == result.text
    assert result.text.startswith("Ketamine has evolved from being used primarily in surgeries")
    assert "\n\nKey Takeaways\n\nKetamine is a promising treatment" in result.text
    assert result.text.endswith(
        "Sources\n\nhttps://pubmed.ncbi.nlm.nih.gov/23432384/\n"
        "https://pubmed.ncbi.nlm.nih.gov/30969646/"
    )
    assert "\u00a0" not in result.text and "\n\n\n" not in result.text


def test_empty_input_gives_empty_output() -> None:
    assert canonicalize("") == canonicalize("  \n ") == canonicalize("<p>&nbsp;</p>")
    assert canonicalize("").html == "" and canonicalize("").text == ""
    assert html_to_text("") == ""


def test_ratio_sign_becomes_a_colon_so_paragraph_spacing_stays_even() -> None:
    from reader.core.sanitize import canonicalize

    result = canonicalize("<p>randomised 2\u22362\u22361 to acupuncture</p>")
    assert "2:2:1" in result.html and "2:2:1" in result.text
