"""Hostile and unlucky files: each one fails alone, fast and with a reason, or imports whole.

Every file here is generated in the test, small; caps are lowered where the real ones
would need megabytes.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from reader.core import sanitize
from reader.core.errors import ImportFailure
from reader.core.importers import parse_file
from reader.core.library import Library
from reader.core.model import ImportStatus

JATS = """<?xml version="1.0" encoding="{encoding}"?>
{doctype}
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article"
 dtd-version="1.1"><front><article-meta><title-group>
<article-title>Sleep and pain</article-title></title-group></article-meta></front>
<body><p>Alpha {body} omega.</p></body></article>
"""
PUBLIC_DOCTYPE = (
    '<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD v1.1 '
    '20151215//EN" "JATS-journalpublishing1.dtd">'
)


def jats(body: str = "beta", *, doctype: str = PUBLIC_DOCTYPE, encoding: str = "UTF-8") -> str:
    return JATS.format(body=body, doctype=doctype, encoding=encoding)


def yaml_bomb(levels: int = 10) -> bytes:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return ("---\n" + "\n".join(lines) + "\ntitle: Bomb\n---\n\nBody text.\n").encode()


@pytest.fixture
def library(tmp_path: Path):
    lib = Library(tmp_path / "lib")
    yield lib
    lib.close()


# --- YAML front matter -------------------------------------------------------------------


def test_a_yaml_alias_bomb_fails_fast_with_a_reason() -> None:
    started = time.monotonic()
    with pytest.raises(ImportFailure, match="alias bomb"):
        parse_file(yaml_bomb(), "bomb.md")
    assert time.monotonic() - started < 5


def test_a_yaml_alias_that_contains_itself_is_refused() -> None:
    with pytest.raises(ImportFailure, match="contains itself"):
        parse_file(b"---\nloop: &a [*a]\n---\n\nBody.\n", "loop.md")


def test_yaml_nested_too_deep_and_too_long_are_refused() -> None:
    deep = b"---\nx: " + b"[" * 20000 + b"]" * 20000 + b"\n---\n\nBody.\n"
    with pytest.raises(ImportFailure, match="front matter"):
        parse_file(deep, "deep.md")
    long = b"---\ntitle: T\nnotes: '" + b"x" * 300_000 + b"'\n---\n\nBody.\n"
    with pytest.raises(ImportFailure, match="KB"):
        parse_file(long, "long.md")


def test_ordinary_yaml_anchors_still_work() -> None:
    data = b"---\ntitle: Fine\nbase: &b {reviewed: true}\nextra: *b\n---\n\nBody text.\n"
    article = parse_file(data, "fine.md").articles[0]
    assert article.title == "Fine"
    assert article.metadata["extra"] == {"reviewed": True}


def test_the_batch_goes_on_after_a_yaml_bomb(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a-bomb.md").write_bytes(yaml_bomb())
    (folder / "b-good.md").write_text("# Good note\n\nMagnesium and sleep.\n", encoding="utf-8")
    report = library.import_paths([folder])
    statuses = {Path(r.source).name: r.status for r in report.results}
    assert statuses == {"a-bomb.md": ImportStatus.FAILED, "b-good.md": ImportStatus.ADDED}
    assert library.search("magnesium").hits
    assert library.setting("index_dirty", False) is False


def test_any_exception_in_one_file_is_that_files_failure(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An importer bug (here: an OverflowError) fails one file; the report is complete."""
    from reader.core.library import importing

    real = importing.parse_file

    def broken(data: bytes, name: str, options: object):  # type: ignore[no-untyped-def]
        if "bad" in name:
            raise OverflowError("Python int too large to convert to C long")
        return real(data, name, options)  # type: ignore[arg-type]

    monkeypatch.setattr(importing, "parse_file", broken)
    for name in ("a.md", "bad.md", "c.md"):
        (tmp_path / name).write_text(f"# {name}\n\nSome text.\n", encoding="utf-8")
    report = library.import_paths([tmp_path / n for n in ("a.md", "bad.md", "c.md")])
    assert [r.status for r in report.results] == [
        ImportStatus.ADDED,
        ImportStatus.FAILED,
        ImportStatus.ADDED,
    ]
    assert "OverflowError" in report.results[1].message


# --- nesting and size --------------------------------------------------------------------


def test_markdown_quotes_50000_deep_keep_their_text_and_what_follows() -> None:
    data = b"# Deep\n\n" + b">" * 50_000 + b" the deep words\n\nThe paragraph after.\n"
    result = parse_file(data, "deep.md")
    text = result.articles[0].text
    assert "the deep words" in text and "The paragraph after." in text
    assert any("flattened" in w for w in result.warnings)


def test_html_nested_50000_deep_keeps_its_text() -> None:
    page = (
        "<html><head><title>Deep</title></head><body><article><p>Intro words here.</p>"
        + "<div>" * 50_000
        + "The deep words."
        + "</div>" * 50_000
        + "</article></body></html>"
    )
    text = parse_file(page.encode(), "deep.html").articles[0].text
    assert "Intro words here." in text and "The deep words." in text


def test_a_paragraph_over_the_cap_fails_instead_of_being_stored_empty(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sanitize, "MAX_PARAGRAPH_CHARS", 10_000)
    data = b"# Long\n\n" + b"word " * 5_000 + b"\n"
    with pytest.raises(ImportFailure, match="paragraph"):
        parse_file(data, "long.md")


def test_an_article_over_the_html_cap_fails_with_its_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sanitize, "MAX_ARTICLE_HTML_CHARS", 20_000)
    data = ("# Big\n\n" + "A short paragraph of text.\n\n" * 2_000).encode()
    with pytest.raises(ImportFailure, match="MB of HTML"):
        parse_file(data, "big.md")


def test_one_oversized_post_in_an_export_fails_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sanitize, "MAX_PARAGRAPH_CHARS", 10_000)

    def post(n: int, content: str) -> dict[str, object]:
        return {
            "id": n,
            "date_gmt": "2024-01-01T00:00:00",
            "guid": {"rendered": f"https://example.org/?p={n}"},
            "link": f"https://example.org/post-{n}/",
            "type": "post",
            "status": "publish",
            "title": {"rendered": f"Post {n}"},
            "content": {"rendered": content},
        }

    posts = [post(1, "<p>Fine.</p>"), post(2, "<p>" + "x" * 20_000 + "</p>")]
    result = parse_file(json.dumps(posts).encode(), "posts.json")
    assert [a.title for a in result.articles] == ["Post 1"]
    assert len(result.failed) == 1 and "Post 2" in result.failed[0]
    assert "paragraph" in result.failed[0]


def test_an_article_with_no_text_is_never_added(library: Library) -> None:
    results = library.import_bytes(b"---\ntitle: Only a title\n---\n\n", "empty.md")
    assert [r.status for r in results] == [ImportStatus.FAILED]
    assert "no text" in results[0].message
    assert library.count() == 0


# --- XML ----------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_jats_in_utf16_with_a_bom_imports(codec: str) -> None:
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    data = bom + jats("wide", encoding="UTF-16").encode(codec)
    article = parse_file(data, "article.xml").articles[0]
    assert article.title == "Sleep and pain"
    assert "Alpha wide omega." in article.text


def test_a_100_kb_dtd_does_not_hide_the_article_from_the_sniffer() -> None:
    entities = "".join(f'<!ENTITY e{i} "value {i}">\n' for i in range(4000))
    doctype = f"<!DOCTYPE article [\n{entities}]>"
    assert len(doctype) > 100_000
    article = parse_file(jats(doctype=doctype).encode(), "article.xml").articles[0]
    assert article.title == "Sleep and pain"


@pytest.mark.parametrize("doctype", [PUBLIC_DOCTYPE, ""])
def test_one_unknown_entity_is_kept_as_text(doctype: str) -> None:
    result = parse_file(jats("&notanentity; beta", doctype=doctype).encode(), "article.xml")
    assert "Alpha &notanentity; beta omega." in result.articles[0].text


def test_unknown_entities_and_control_characters_are_warned_about() -> None:
    from reader.core import xmlsafe

    warnings: list[str] = []
    root = xmlsafe.parse_bytes(b"<r>a &notanentity; b\x0bc &#11;d</r>", warnings)
    assert xmlsafe.text_of(root) == "a &notanentity; b c  d"
    assert any("&notanentity;" in w for w in warnings)
    assert any("control character" in w for w in warnings)


def test_a_vertical_tab_in_jats_is_filtered() -> None:
    article = parse_file(jats("vertical\x0btab").encode(), "article.xml").articles[0]
    assert "Alpha vertical tab omega." in article.text


# --- JSON ---------------------------------------------------------------------------------


def test_a_10000_digit_json_integer_does_not_refuse_the_file() -> None:
    post = (
        '{"id": %s, "date_gmt": "2024-01-01T00:00:00", "guid": {"rendered": '
        '"https://example.org/?p=1"}, "link": "https://example.org/a/", "type": "post", '
        '"status": "publish", "title": {"rendered": "Huge id"}, '
        '"content": {"rendered": "<p>Body text.</p>"}}'
    ) % ("9" * 10_000)
    result = parse_file(post.encode(), "post.json")
    assert result.articles[0].title == "Huge id"
    assert any("kept as text" in w for w in result.warnings)


# --- what may be stored -------------------------------------------------------------------


def test_imported_content_cannot_use_margins_image_scheme() -> None:
    data = (
        b"<html><head><title>Sneaky</title></head><body><article><p>Some words here "
        b'<img src="margin-image:../../../etc/passwd" alt="secret"> and '
        b'<img src="margin-image:3f2a9c" alt="forged"> '
        b'<img src="margin://app/image/x" alt="web"></p></article></body></html>'
    )
    html = parse_file(data, "page.html").articles[0].html
    assert "margin-image:" not in html and "margin://" not in html
    assert "Image: secret" in html


def test_control_characters_are_stripped_from_titles_and_names() -> None:
    data = (
        b'---\ntitle: "Evil \\e]0;pwned\\a\\e[31mred\\x9b"\nauthor: "A\\e[2J B"\n'
        b'tags: ["t\\x07ag"]\n---\n\nBody text.\n'
    )
    article = parse_file(data, "evil.md").articles[0]
    for value in (article.title, *article.authors, *article.tags):
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in value), value
    assert article.title.startswith("Evil") and "red" in article.title


def test_what_was_repaired_is_in_the_import_report(library: Library) -> None:
    [result] = library.import_bytes(jats("&notanentity; beta").encode(), "article.xml")
    assert result.status is ImportStatus.ADDED
    assert "&notanentity;" in result.message
    assert "&notanentity;" in library.article(result.article_id).text


def test_control_characters_never_reach_the_article_text() -> None:
    page = "# Title\n\nPlain \x1b[31mred\x1b[0m and \x9b6n and \x1b]0;bell.\n".encode()
    text = parse_file(page, "note.md").articles[0].text
    assert not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in text)
    assert "red" in text and "bell." in text
