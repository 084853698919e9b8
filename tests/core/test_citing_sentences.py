"""The citation card quotes the sentence that cites: each citation's own marker is in it.

Issue 9: JATS articles quoted the first sentence of a paragraph for most citations
(``journal.pmed.1001518.xml``: [3], [4] and [6] carried the sentence citing [1]). The
rule checked here holds for every importer: the context of an in-text citation holds
the marker the reader clicked, as the article writes it ("[3]", "3", "Smith et al.,
2004", or a link's text), so the card can show it in bold.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reader.core.citations import extract_citations
from reader.core.importers import jats, parse_file
from reader.core.model import Citation, ImportOptions
from reader.core.sanitize import canonicalize
from reader.core.sentences import sentence_around, split_sentences

_RANGE = re.compile(r"(\d{1,4})\]?\s*[–—-]\s*\[?(\d{1,4})")


def quotes_its_marker(c: Citation) -> bool:
    """The context shows the citation's own marker: its text, as a whole token.

    A number alone must stand apart from other digits ("3" is not found in "2013" or
    "3.5"),
    or fall inside a range the text writes ("1–3", "[4]–[7]") when one link stands
    for several references.
    """
    marker = " ".join(c.text.split())
    context = c.context
    if not marker:
        return False
    if not marker.isdigit():
        return marker in context
    if re.search(rf"(?<!\w)(?<!\d\.){marker}(?!\w|\.\d)", context):
        return True
    n = int(marker)
    return any(int(a) <= n <= int(b) for a, b in _RANGE.findall(context))


def in_text(citations: list[Citation]) -> list[Citation]:
    """Citations made where the article cites, not the reference-list entries."""
    return [c for c in citations if not (c.reference is not None and c.context == c.reference.text)]


def wrong(citations: list[Citation]) -> list[tuple[str, str]]:
    return [(c.text, c.context) for c in in_text(citations) if not quotes_its_marker(c)]


def jats_citations(path: Path) -> list[Citation]:
    [article] = jats.parse(path.read_bytes(), path.name, ImportOptions()).articles
    return article.citations or []


# --- JATS --------------------------------------------------------------------------------

# Written for Margin: numbered, ranged, multi-id, superscript and author-year citations,
# several per paragraph, as PLOS, BMC, Springer and eLife write them.
WRITTEN = """<?xml version="1.0"?>
<article xmlns:xlink="http://www.w3.org/1999/xlink" dtd-version="1.1">
<front><article-meta><title-group><article-title>Coffee</article-title></title-group>
</article-meta></front>
<body><sec><title>Introduction</title>
<p>Coffee is drunk worldwide [<xref ref-type="bibr" rid="B1">1</xref>]. It delays sleep
(e.g. by 40 min) in adults [<xref ref-type="bibr" rid="B2">2</xref>],[<xref
ref-type="bibr" rid="B3">3</xref>]. Fig. 2 shows doses; Smith et al. found more in the
U.S. trial [<xref ref-type="bibr" rid="B4">4</xref>]–[<xref ref-type="bibr"
rid="B6">6</xref>]. Naps help.<sup><xref ref-type="bibr" rid="B7">7</xref></sup> Decaf
does not [<xref ref-type="bibr" rid="B1 B2 B3">1–3</xref>].</p>
<p>Tea differs (<xref ref-type="bibr" rid="B8">Doe and Roe, 2004a</xref>). Its caffeine
is lower, as <xref ref-type="bibr" rid="B9">Moe et al., 2019</xref> showed.</p>
</sec></body>
<back><ref-list>
<ref id="B1"><mixed-citation>One A. Coffee. J Caf. 2001;1:1.</mixed-citation></ref>
<ref id="B2"><mixed-citation>Two B. Sleep. J Caf. 2002;2:2.</mixed-citation></ref>
<ref id="B3"><mixed-citation>Three C. Night. J Caf. 2003;3:3.</mixed-citation></ref>
<ref id="B4"><mixed-citation>Four D. Doses. J Caf. 2004;4:4.</mixed-citation></ref>
<ref id="B5"><mixed-citation>Five E. Trial. J Caf. 2005;5:5.</mixed-citation></ref>
<ref id="B6"><mixed-citation>Six F. More. J Caf. 2006;6:6.</mixed-citation></ref>
<ref id="B7"><mixed-citation>Seven G. Naps. J Caf. 2007;7:7.</mixed-citation></ref>
<ref id="B8"><mixed-citation>Doe A, Roe B. Tea. J Tea. 2004;8:8.</mixed-citation></ref>
<ref id="B9"><mixed-citation>Moe C. Leaves. J Tea. 2019;9:9.</mixed-citation></ref>
</ref-list></back></article>"""


def test_written_article_quotes_each_citations_own_sentence() -> None:
    [article] = jats.parse(WRITTEN.encode(), "coffee.xml", ImportOptions()).articles
    by_text = {}
    for c in article.citations or []:
        by_text.setdefault(c.text, c.context)
    assert by_text == {
        "1": "Coffee is drunk worldwide [1].",
        "2": "It delays sleep (e.g. by 40 min) in adults [2],[3].",
        "3": "It delays sleep (e.g. by 40 min) in adults [2],[3].",
        "4": "Fig. 2 shows doses; Smith et al. found more in the U.S. trial [4]–[6].",
        "6": "Fig. 2 shows doses; Smith et al. found more in the U.S. trial [4]–[6].",
        "7": "Naps help.7",
        "Doe and Roe, 2004a": "Tea differs (Doe and Roe, 2004a).",
        "Moe et al., 2019": "Its caffeine is lower, as Moe et al., 2019 showed.",
    }
    # "1–3" is one link for three references: each quotes the sentence that has it.
    decaf = [c for c in article.citations or [] if c.context.startswith("Decaf")]
    assert [c.text for c in decaf] == ["1", "2", "3"]
    assert wrong(article.citations or []) == []


def test_jats_fixtures_quote_their_own_markers(fixtures: Path) -> None:
    files = sorted((fixtures / "jats").glob("*.xml"))
    assert files
    for path in files:
        citations = jats_citations(path)
        assert citations, path.name
        assert wrong(citations) == [], path.name


@pytest.mark.corpus
def test_every_jats_corpus_citation_quotes_its_own_marker(corpora: Path) -> None:
    files = sorted(p for p in (corpora / "jats").rglob("*") if p.suffix in (".xml", ".nxml"))
    assert len(files) == 22
    total = 0
    for path in files:
        citations = jats_citations(path)
        total += len(citations)
        assert wrong(citations) == [], path.name
    assert total == 1828


@pytest.mark.corpus
def test_the_reported_article_no_longer_repeats_the_first_sentence(corpora: Path) -> None:
    citations = jats_citations(corpora / "jats" / "allofplos" / "journal.pmed.1001518.xml")
    context = {c.text: c.context for c in citations}
    assert context["[1]"].startswith("Depression will be the second leading cause")
    for marker in ("[3]", "[4]", "[6]"):
        assert context[marker] != context["[1]"]
        assert marker in context[marker]
    assert len({c.context for c in citations}) == 27  # of 31 (16 before the fix)


# --- HTML and WordPress ----------------------------------------------------------------


def html_citations(html: str) -> list[Citation]:
    page = canonicalize(html)
    return extract_citations(page.html, page.text)


NUMBERED = """
<p>Ketamine blocks NMDA receptors [1]. It also acts on inflammation<sup>2</sup>. Depression
improves too <a href="#r3">3</a>. Doses vary [1, 2]. Relief lasts a week.[4] Relapse is
common.<sup>5</sup> Smith et al. saw it [3–5].</p>
<h2>References</h2>
<ol>
<li id="r1">Smith J. Ketamine and NMDA. J Pain. 2019;20:100.</li>
<li id="r2">Roe C. Inflammation. Brain Res. 2021;12:55.</li>
<li id="r3">World Health Organization. Depression. 2023.</li>
<li id="r4">Doe A. Duration. Pain. 2020;3:4.</li>
<li id="r5">Poe E. Relapse. Pain. 2022;5:6.</li>
</ol>
"""


def test_numbered_html_references_quote_their_own_sentence() -> None:
    citations = in_text(html_citations(NUMBERED))
    assert [(c.text, c.context) for c in citations] == [
        ("[1]", "Ketamine blocks NMDA receptors [1]."),
        ("2", "It also acts on inflammation2."),
        ("3", "Depression improves too 3."),
        ("[1, 2]", "Doses vary [1, 2]."),
        ("[1, 2]", "Doses vary [1, 2]."),
        ("[4]", "Relief lasts a week.[4]"),
        ("5", "Relapse is common.5"),
        ("[3–5]", "Smith et al. saw it [3–5]."),
        ("[3–5]", "Smith et al. saw it [3–5]."),
        ("[3–5]", "Smith et al. saw it [3–5]."),
    ]


def test_seed_links_quote_their_own_sentence(fixtures: Path) -> None:
    post = json.loads((fixtures / "ketamine-for-pain.json").read_text(encoding="utf-8"))
    citations = html_citations(post["content"]["rendered"])
    assert len(in_text(citations)) == 17
    assert wrong(citations) == []


@pytest.mark.corpus
def test_web_corpus_citations_quote_their_own_text(corpora: Path) -> None:
    """Readability pages, WordPress REST posts and WXR exports, through their importers."""
    files = [
        corpora / "seed" / "ketamine-for-pain.json",
        *sorted((corpora / "readability" / "test-pages").glob("*/source.html")),
        *sorted((corpora / "wp-rest-json").rglob("*.json")),
        *sorted((corpora / "wxr").rglob("*.xml")),
    ]
    checked = 0
    for path in files:
        if path.name == "malformed.xml":
            continue  # refused by the WXR importer (its own test)
        for article in parse_file(path.read_bytes(), path.name).articles:
            citations = extract_citations(article.html, article.text)
            checked += len(in_text(citations))
            assert wrong(citations) == [], (path, article.title)
    assert checked > 300


# --- the splitter itself ---------------------------------------------------------------


def test_splitter_keeps_markers_with_the_sentence_they_follow() -> None:
    assert split_sentences("Naps help.7 Decaf does not.[8] Tea is 2.5 Times weaker.") == [
        "Naps help.7",
        "Decaf does not.[8]",
        "Tea is 2.5 Times weaker.",
    ]
    assert split_sentences("It ran for 65.1 min. Then it stopped at 5.7 m. Dr. J. Doe saw.") == [
        "It ran for 65.1 min.",
        "Then it stopped at 5.7 m.",
        "Dr. J. Doe saw.",
    ]


def test_sentence_around_a_marker() -> None:
    text = "First one [1]. Second one [2]. Third."
    at = text.index("[2]")
    start, end = sentence_around(text, at, at + 3)
    assert text[start:end] == "Second one [2]."
    # a position in the space between sentences takes the next one
    assert text[slice(*sentence_around(text, text.index(" Second")))] == "Second one [2]."
