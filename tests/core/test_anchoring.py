"""Re-anchoring highlights after an article's text changed, on real articles.

The texts come from real files: PLOS / eLife JATS bodies (flattened simply with lxml,
independent of the JATS importer being written), a Readability test page and the seed
WordPress article, each through reader.core.sanitize.canonicalize like an import.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from lxml import etree

from reader.core.anchoring import (
    Anchor,
    anchor,
    make_selectors,
    reanchor_all,
    selectors_for_quote,
)
from reader.core.errors import AnchorError
from reader.core.model import Annotation, TextPositionSelector, TextQuoteSelector
from reader.core.sanitize import canonicalize

PLOS_STROKE = "jats/allofplos/journal.pmed.1001473.xml"  # ~9,500 words
ELIFE = "jats/elife-tools/elife06003.xml"


def jats_text(path: Path) -> str:
    """Plain text of a JATS body: section titles and paragraphs as HTML, canonicalized."""
    body = etree.parse(str(path)).find(".//body")
    assert body is not None
    parts = []
    for el in body.iter("title", "p"):
        words = " ".join("".join(el.itertext()).split())
        if words:
            tag = "h2" if el.tag == "title" else "p"
            parts.append(f"<{tag}>{html.escape(words)}</{tag}>")
    return canonicalize("".join(parts)).text


@pytest.fixture
def plos(corpora: Path) -> str:
    return jats_text(corpora / PLOS_STROKE)


@pytest.fixture
def seed(fixtures: Path) -> str:
    data = json.loads((fixtures / "ketamine-for-pain.json").read_text(encoding="utf-8"))
    return canonicalize(data["content"]["rendered"]).text


def passage(text: str, needle: str, length: int = 160) -> tuple[int, int]:
    """A word-aligned passage of about ``length`` characters starting at ``needle``."""
    start = text.index(needle)
    end = text.index(" ", start + length)
    return start, end


def found(text: str, result: Anchor | None) -> str:
    assert result is not None, "expected the highlight to re-anchor"
    return text[result.start : result.end]


# --- make_selectors / selectors_for_quote ---------------------------------------------


def test_make_selectors_keeps_32_characters_of_context(plos: str) -> None:
    start, end = passage(plos, "In one study, men")
    quote, position = make_selectors(plos, start, end)
    assert quote.exact == plos[start:end]
    assert quote.prefix == plos[start - 32 : start]
    assert quote.suffix == plos[end : end + 32]
    assert (position.start, position.end) == (start, end)


def test_make_selectors_at_the_edges_of_the_text(seed: str) -> None:
    quote, _ = make_selectors(seed, 0, 7)
    assert quote.exact == "Ketamin" and quote.prefix == ""
    quote, _ = make_selectors(seed, len(seed) - 5, len(seed))
    assert quote.suffix == ""


@pytest.mark.parametrize("bounds", [(5, 5), (-1, 4), (10, 10**7), (9, 3)])
def test_make_selectors_refuses_empty_or_outside_selections(
    seed: str, bounds: tuple[int, int]
) -> None:
    with pytest.raises(AnchorError):
        make_selectors(seed, *bounds)


def test_pasted_quote_with_other_whitespace_and_straight_apostrophes(seed: str) -> None:
    # The article has "haven’t" (curly); people paste with straight quotes and line breaks.
    pasted = "individuals with chronic pain who\n   haven't found relief with other treatments"
    quote, position = selectors_for_quote(seed, pasted)
    assert (
        quote.exact
        == "individuals with chronic pain who haven’t found relief with other treatments"
    )
    assert seed[position.start : position.end] == quote.exact
    assert quote.prefix == seed[position.start - 32 : position.start]


def test_quote_not_in_article_names_the_article(seed: str) -> None:
    with pytest.raises(AnchorError, match=r"quote not found in article 12: 'ketamine cures"):
        selectors_for_quote(seed, "ketamine cures everything", article_id=12)


def test_ambiguous_quote_asks_for_prefix_or_suffix(seed: str) -> None:
    count = seed.count("chronic pain")
    assert count > 2
    with pytest.raises(AnchorError, match=rf"quote occurs {count} times.*--prefix or --suffix"):
        selectors_for_quote(seed, "chronic pain")


def test_prefix_and_suffix_pick_one_occurrence(seed: str) -> None:
    target = seed.index("both chronic pain conditions") + len("both ")
    quote, position = selectors_for_quote(seed, "chronic pain", prefix="for both")
    assert position.start == target
    quote, position = selectors_for_quote(seed, "chronic  pain", suffix="conditions and mental")
    assert position.start == target
    assert quote.exact == "chronic pain"


def test_prefix_that_fits_no_occurrence_is_an_error(seed: str) -> None:
    with pytest.raises(AnchorError, match="none with that prefix"):
        selectors_for_quote(seed, "chronic pain", prefix="purple elephants")


# --- anchor: one kind of edit at a time ------------------------------------------------


def test_unchanged_text_anchors_by_position(plos: str) -> None:
    start, end = passage(plos, "In one study, men")
    quote, position = make_selectors(plos, start, end)
    assert anchor(plos, quote, position) == Anchor(start, end, "position", 1.0)


def test_text_inserted_before_shifts_to_quote_method(plos: str) -> None:
    start, end = passage(plos, "In one study, men")
    quote, position = make_selectors(plos, start, end)
    inserted = "Editor's note: this article was corrected on 3 May.\n\n"
    edited = inserted + plos
    result = anchor(edited, quote, position)
    assert result == Anchor(start + len(inserted), end + len(inserted), "quote", 1.0)


def test_words_changed_inside_the_quote_anchor_fuzzily(plos: str) -> None:
    start, end = passage(plos, "In one study, men", length=200)
    quote, position = make_selectors(plos, start, end)
    words = quote.exact.split(" ")
    words[4] = "females"  # a word replaced
    words[9] = words[9].upper()  # case change
    words[15] = words[15] + ","  # punctuation added
    new_passage = " ".join(words)
    edited = "A new first paragraph.\n\n" + plos[:start] + new_passage + plos[end:]
    result = anchor(edited, quote, position)
    assert found(edited, result) == new_passage
    assert result is not None and result.method == "fuzzy"
    assert 0.8 < result.score < 1


def test_deleted_passage_is_an_orphan(plos: str) -> None:
    start, end = passage(plos, "In one study, men")
    quote, position = make_selectors(plos, start, end)
    # Delete the whole paragraph holding the quote.
    para_start = plos.rindex("\n\n", 0, start)
    para_end = plos.index("\n\n", end)
    edited = plos[:para_start] + plos[para_end:]
    assert anchor(edited, quote, position) is None


@pytest.mark.parametrize("copy_at", ["far-before", "near-hint"])
def test_duplicated_passage_nearest_to_the_hint_wins(plos: str, copy_at: str) -> None:
    start, end = passage(plos, "In one study, men")
    quote, position = make_selectors(plos, start, end)
    para_start = plos.rindex("\n\n", 0, start) + 2
    para_end = plos.index("\n\n", end)
    paragraph = plos[para_start:para_end] + "\n\n"
    shift = 40  # the original moves too, so the position check fails
    if copy_at == "far-before":
        cut = plos.index("\n\n", 200) + 2
        edited = plos[:cut] + paragraph + "x" * shift + plos[cut:]
        expected = start + len(paragraph) + shift  # the original, now shifted
    else:
        # A copy where the passage used to be (shifted a little); the original pushed
        # 5,000 characters further down: the copy is now the nearer one.
        edited = "z" * shift + plos[:para_start] + paragraph + "y" * 5000 + plos[para_start:]
        expected = start + shift
    assert edited.count(quote.exact) == 2
    result = anchor(edited, quote, position)
    assert result is not None and result.method == "quote"
    assert result.start == expected


def test_context_beats_distance_for_a_repeated_short_quote(seed: str) -> None:
    # "ketamine" occurs many times; the prefix/suffix say which one was highlighted.
    start = seed.index("Ketamine is less addictive")
    quote, _ = make_selectors(seed, start, start + len("Ketamine"))
    edited = "Updated. " + seed
    nearer = TextPositionSelector(start=0, end=8)  # a misleading hint at the top
    result = anchor(edited, quote, nearer)
    assert result is not None and result.start == start + len("Updated. ")


def test_whitespace_changes_anchor_by_quote(plos: str) -> None:
    # A quote across a paragraph break; the new import joined the paragraphs.
    brk = plos.index("\n\n", plos.index("In one study, men"))
    start, end = brk - 80, brk + 60
    quote, position = make_selectors(plos, start, end)
    edited = "Intro  added.\n\n" + plos[:brk] + " " + plos[brk + 2 :]
    result = anchor(edited, quote, position)
    assert result is not None and result.method == "quote"
    assert " ".join(found(edited, result).split()) == " ".join(quote.exact.split())


def test_short_quote_with_a_changed_letter_and_no_context_is_an_orphan(seed: str) -> None:
    quote = TextQuoteSelector(exact="pain relief", prefix="xxxxxxxxxxxx", suffix="yyyyyyyyy")
    assert anchor(seed.replace("pain relief", "pain-relief"), quote, None) is None


def test_empty_quote_never_anchors(seed: str) -> None:
    assert anchor(seed, TextQuoteSelector(exact="  "), TextPositionSelector(0, 2)) is None


def test_fuzzy_match_in_a_long_article(corpora: Path) -> None:
    # ~20,000 words: several real articles back to back, the quote edited, near the end.
    names = [
        PLOS_STROKE,
        "jats/allofplos/journal.pmed.0020171.xml",
        "jats/allofplos/journal.pmed.1001080.xml",
        "jats/allofplos/journal.pmed.1001518.xml",
    ]
    text = "\n\n".join(jats_text(corpora / n) for n in names)
    assert len(text.split()) > 20_000
    start, end = passage(text, text[int(len(text) * 0.9) :].split("\n\n")[1][:30], length=300)
    quote, _ = make_selectors(text, start, end)
    new_passage = quote.exact.replace(" the ", " a ", 2).replace(",", ";", 1)
    assert new_passage != quote.exact
    edited = text[:start] + new_passage + text[end:]
    result = anchor(edited, quote, TextPositionSelector(0, 0))
    assert found(edited, result) == new_passage


def test_seed_article_edits(seed: str) -> None:
    start, end = passage(seed, "Ketamine is classified as a dissociative anesthetic", 120)
    quote, position = make_selectors(seed, start, end)
    # The publisher rewords a phrase and curly-quotes change: still found, fuzzily.
    edited = seed.replace("dissociative anesthetic", "dissociative anaesthetic").replace("’", "'")
    result = anchor(edited, quote, position)
    assert result is not None and result.method == "fuzzy"
    assert found(edited, result).startswith("Ketamine is classified as a dissociative anaesthetic")


# --- reanchor_all -----------------------------------------------------------------------


def make_annotation(text: str, start: int, end: int, uuid: str) -> Annotation:
    quote, position = make_selectors(text, start, end)
    return Annotation(
        uuid=uuid,
        article_id=1,
        quote=quote,
        position=position,
        note=f"note {uuid}",
        modified="2025-01-01T00:00:00+00:00",
    )


def test_reanchor_all_updates_selectors_and_keeps_orphans(corpora: Path) -> None:
    text = jats_text(corpora / ELIFE)
    paragraphs = [p for p in text.split("\n\n") if len(p) > 300]
    kept, edited_para, deleted = paragraphs[1], paragraphs[2], paragraphs[3]
    a_kept = make_annotation(text, text.index(kept), text.index(kept) + 120, "a")
    s = text.index(edited_para)
    a_edit = make_annotation(text, s, text.index(" ", s + 150), "b")
    s = text.index(deleted) + 10
    a_gone = make_annotation(text, s, text.index(" ", s + 100), "c")

    new_text = "Correction notice.\n\n" + text
    new_text = new_text.replace(deleted, "This paragraph was removed.")
    new_text = new_text.replace(edited_para[:150], edited_para[:150].replace(" ", "  ", 3))
    new_text = new_text.replace(edited_para[40:60], edited_para[40:60].upper())

    anchored, orphans = reanchor_all(new_text, [a_kept, a_gone, a_edit])
    assert [o.uuid for o in orphans] == ["c"]
    assert orphans[0] is a_gone  # unchanged, never dropped
    by_uuid = {a.uuid: (a, r) for a, r in anchored}
    assert set(by_uuid) == {"a", "b"}
    assert by_uuid["a"][1].method == "quote"
    assert by_uuid["b"][1].method == "fuzzy"
    for annotation, result in anchored:
        pos = annotation.position
        assert (pos.start, pos.end) == (result.start, result.end)
        assert annotation.note == f"note {annotation.uuid}"
    # An exact re-anchor describes the current text and re-anchors by position next time.
    a = by_uuid["a"][0]
    assert new_text[a.position.start : a.position.end] == a.quote.exact
    assert new_text[: a.position.start].endswith(a.quote.prefix)
    assert anchor(new_text, a.quote, a.position).method == "position"
    # A fuzzy one keeps the words the user highlighted (a guess must not overwrite them).
    b = by_uuid["b"][0]
    assert b.quote == a_edit.quote
    assert anchor(new_text, b.quote, b.position) == by_uuid["b"][1]
    for annotation, _ in anchored:
        assert annotation.modified == "2025-01-01T00:00:00+00:00"


def test_reanchor_all_on_a_readability_page(corpora: Path) -> None:
    page = corpora / "readability/test-pages/medicalnewstoday/expected.html"
    text = canonicalize(page.read_text(encoding="utf-8")).text
    words = text.split()
    assert len(words) > 500
    spans = []
    for fraction in (0.1, 0.5, 0.9):
        s = text.index(" ", int(len(text) * fraction)) + 1
        spans.append((s, text.index(" ", s + 60)))
    annotations = [make_annotation(text, s, e, str(i)) for i, (s, e) in enumerate(spans)]
    anchored, orphans = reanchor_all(text, annotations)
    assert orphans == []
    assert [r.method for _, r in anchored] == ["position"] * 3
    assert [a for a, _ in anchored] == annotations
