"""Markdown notes and articles with YAML or JSON front matter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reader.core.errors import ImportFailure
from reader.core.importers import find_importer
from reader.core.importers import markdown as md_importer
from reader.core.model import ImportedArticle, ImportOptions, SourceFormat


def flat(text: str) -> str:
    return " ".join(text.split())


def import_md(data: bytes, name: str) -> ImportedArticle:
    assert find_importer(data, name).name == "markdown"
    result = md_importer.parse(data, name, ImportOptions())
    assert len(result.articles) == 1
    return result.articles[0]


def fixture(fixtures: Path, name: str) -> ImportedArticle:
    return import_md((fixtures / "markdown" / name).read_bytes(), name)


def test_yaml_front_matter_fills_the_article(fixtures: Path) -> None:
    article = fixture(fixtures, "vitamin-d-yaml.md")
    assert article.source_format is SourceFormat.MARKDOWN
    assert article.title == "Vitamin D and falls in older adults"
    assert article.authors == ["Jane Roe, MD", "Sam Lee"]
    assert article.published == dt.datetime(
        2023, 5, 4, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))
    )
    assert article.tags == ["vitamin d", "falls", "ageing"]
    assert article.categories == ["Nutrition"]
    assert article.url == "https://example.org/health/vitamin-d-falls"
    assert article.site_name == "Example Health Notes"
    assert article.language == "en"
    assert article.excerpt.startswith("What the trials say")
    assert article.metadata == {"reviewed_by": "Dr. A. Reviewer"}  # unknown keys kept


def test_heading_repeating_the_front_matter_title_is_not_shown_twice(fixtures: Path) -> None:
    article = fixture(fixtures, "vitamin-d-yaml.md")
    assert "<h1>" not in article.html
    assert "Vitamin D and falls in older adults" not in article.text
    assert article.text.startswith("Large trials found no reduction")


def test_footnotes_render_as_linked_references(fixtures: Path) -> None:
    article = fixture(fixtures, "vitamin-d-yaml.md")
    # What the citation extractor pairs: the reference links to the note, and back.
    assert '<a href="#fn1" id="fnref1">' in article.html
    assert '<a href="#fn2" id="fnref2">' in article.html
    assert '<li id="fn1">' in article.html and '<li id="fn2">' in article.html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/34536289/"' in article.html
    assert 'href="https://doi.org/10.1001/jama.2010.594"' in article.html


def test_tables_and_strikethrough(fixtures: Path) -> None:
    article = fixture(fixtures, "vitamin-d-yaml.md")
    assert "<table>" in article.html and "<th>Dose</th>" in article.html
    assert "<td>500,000 IU/year</td>" in article.html
    assert "<s>help</s>" in article.html


def test_raw_html_is_shown_as_text_not_rendered(fixtures: Path) -> None:
    article = fixture(fixtures, "vitamin-d-yaml.md")
    assert "<script" not in article.html and "<b>" not in article.html
    assert "&lt;script&gt;" in article.html
    assert '<script>alert("x")</script> <b>not bold</b>' in article.text


def test_crlf_and_bom(fixtures: Path) -> None:
    data = (fixtures / "markdown" / "iron-crlf-bom.md").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf---\r\n")
    article = import_md(data, "iron-crlf-bom.md")
    assert article.title == "Iron deficiency without anaemia"
    assert article.authors == ["Ruth Okafor"]
    assert article.published == dt.datetime(2022, 11, 30, tzinfo=dt.UTC)
    assert "\r" not in article.html + article.text
    assert "<li>Check ferritin</li>" in article.html


def test_json_object_front_matter(fixtures: Path) -> None:
    article = fixture(fixtures, "sleep-json.md")
    assert article.title == "Sleep and blood pressure"
    assert article.authors == ["Lee Park"]
    assert article.tags == ["sleep", "hypertension"]
    assert article.url == "https://example.org/sleep-bp"
    assert article.metadata == {"reading_time": 4}
    assert flat(article.text) == (
        "Short sleep is linked with higher blood pressure in cohort studies."
    )


def test_json_front_matter_between_semicolons(fixtures: Path) -> None:
    article = fixture(fixtures, "hydration-semicolons.md")
    assert article.title == "Hydration myths"
    assert article.authors == ["Ana Silva", "Tom Berg"]
    assert article.language == "pt"
    assert flat(article.text) == "You do not need exactly eight glasses a day."


def test_title_from_first_heading_which_leaves_the_body(fixtures: Path) -> None:
    article = fixture(fixtures, "no-front-matter.md")
    assert article.title == "Statins and muscle pain"
    assert "Statins and muscle pain" not in article.text
    assert '<a href="https://doi.org/10.1056/NEJMc2031173">' in article.html


def test_title_from_file_name_when_nothing_else() -> None:
    article = import_md(b"Just a paragraph about *sodium*.\n", "salt-intake_notes.md")
    assert article.title == "salt intake notes"
    assert "<em>sodium</em>" in article.html


def test_invalid_yaml_names_the_line(fixtures: Path) -> None:
    data = (fixtures / "markdown" / "bad-yaml.md").read_bytes()
    with pytest.raises(ImportFailure, match=r"invalid YAML front matter at line \d+"):
        md_importer.parse(data, "bad-yaml.md", ImportOptions())


def test_python_tags_are_refused_not_run(fixtures: Path) -> None:
    data = (fixtures / "markdown" / "python-tag.md").read_bytes()
    with pytest.raises(ImportFailure, match="python/object/apply"):
        md_importer.parse(data, "python-tag.md", ImportOptions())


def test_unclosed_front_matter_and_bad_json() -> None:
    with pytest.raises(ImportFailure, match="never closed"):
        md_importer.parse(b"---\ntitle: x\n\nbody\n", "x.md", ImportOptions())
    with pytest.raises(ImportFailure, match="invalid JSON front matter at line 3"):
        md_importer.parse(b'{\n"title": "x",\n"tags": [1,}\n\nbody', "x.md", ImportOptions())


def test_front_matter_that_is_not_a_mapping() -> None:
    with pytest.raises(ImportFailure, match="not a mapping"):
        md_importer.parse(b"---\n- a\n- b\n---\nbody\n", "x.md", ImportOptions())


def test_unreadable_date_is_a_warning_not_a_failure() -> None:
    data = b"---\ntitle: T\ndate: last spring\n---\nbody\n"
    result = md_importer.parse(data, "x.md", ImportOptions())
    assert result.articles[0].published is None
    assert result.warnings and "last spring" in result.warnings[0]


@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        (b"---\ntitle: x\n---\n", "notes.txt", True),
        (b";;;\n{}\n;;;\n", "notes", True),
        (b"# Heading\n\ntext\n", "notes.md", True),
        (b'{\n  "title": "x"\n}\n\nbody', "notes.md", True),
        (b"# Heading\n\ntext\n", "notes.txt", False),
        (b"<!DOCTYPE html><html><body>", "page.md", False),
        (b'<?xml version="1.0"?><rss>', "feed.markdown", False),
        (b'[{"id": 1}]', "posts.md", False),
    ],
)
def test_sniff(head: bytes, name: str, expected: bool) -> None:
    assert md_importer.sniff(head, name) is expected
