"""Identifiers in one normal form, the web address of a citation, and the copied text.

The citation card's "Open in browser" and "Copy", the Markdown export's sources and the
library's citation matching all read identifiers through :mod:`reader.core.identifiers`;
these tests pin what a reader sees from each.
"""

from __future__ import annotations

import lxml.html
import pytest
from markdown_it import MarkdownIt

from reader.core.citations import citation_keys, extract_citations, identifier_key
from reader.core.export import format_citation
from reader.core.identifiers import (
    citation_ids,
    citation_url,
    identifier_url,
    normalise,
    parse_identifier,
)
from reader.core.model import Citation, CitationKind, ReferenceEntry
from reader.core.sanitize import canonicalize

K = CitationKind


# --- normal forms ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "written", "normal"),
    [
        ("pmid", "PMID: 30819549", "30819549"),
        ("pmcid", "PMC:PMC6493703", "PMC6493703"),
        ("pmcid", "6493703", "PMC6493703"),
        ("doi", "https://doi.org/10.3389/FPAIN.2023.1268985/full", "10.3389/fpain.2023.1268985"),
        ("doi", "doi: 10.1101/2020.01.01.123456v2.", "10.1101/2020.01.01.123456"),
        ("pii", "S0960-9822(17)30784-4", "S0960982217307844"),
        ("pii", "pii:s0960982217307844", "S0960982217307844"),
        ("pii", "not a pii", ""),
        ("nct", "nct01234567", "NCT01234567"),
    ],
)
def test_normal_forms(name: str, written: str, normal: str) -> None:
    assert normalise(name, written) == normal


@pytest.mark.parametrize(
    ("written", "parsed"),
    [
        ("PMC:PMC6493703", ("pmcid", "PMC6493703")),
        ("pmcid: PMC6493703", ("pmcid", "PMC6493703")),
        ("PMID:30819549", ("pmid", "30819549")),
        ("30819549", ("pmid", "30819549")),
        ("doi:10.3389/FPAIN.1", ("doi", "10.3389/fpain.1")),
        ("S0960-9822(17)30784-4", ("pii", "S0960982217307844")),
        ("NCT01234567", ("nct", "NCT01234567")),
        ("ketamine", None),
    ],
)
def test_parse_identifier(written: str, parsed: tuple[str, str] | None) -> None:
    assert parse_identifier(written) == parsed


def test_a_doi_address_escapes_what_would_break_a_link() -> None:
    doi = "10.1002/1097-0096(200103/04)29:3<130::aid-jcu1012>3.0.co;2-x"
    assert identifier_url("doi", doi) == (
        "https://doi.org/10.1002/1097-0096(200103/04)29:3%3C130::aid-jcu1012%3E3.0.co;2-x"
    )


# --- the web address of a citation -------------------------------------------------------


def test_citation_url_prefers_the_articles_own_link() -> None:
    c = Citation(K.PUBMED, "42", href="https://www.ncbi.nlm.nih.gov/pubmed/42")
    assert citation_url(c) == "https://www.ncbi.nlm.nih.gov/pubmed/42"


def test_citation_url_of_a_numbered_reference_knows_every_identifier() -> None:
    pii = Citation(K.PII, "S0960982217307844", href="#ref-3", text="3")
    assert (
        citation_url(pii) == "https://www.sciencedirect.com/science/article/pii/S0960982217307844"
    )
    # a reference entry with only a PMCID: its own kind is REFERENCE
    entry = ReferenceEntry(label="4", anchor="ref-4", text="Doe A. Sleep.", pmcid="PMC99")
    ref = Citation(K.REFERENCE, "ref-4", href="#ref-4", text="4", reference=entry)
    assert citation_url(ref) == "https://pmc.ncbi.nlm.nih.gov/articles/PMC99/"
    assert citation_ids(ref) == {"pmcid": "PMC99"}
    # the citation's own identifier comes before others it is known by
    doi = Citation(K.DOI, "10.1/x", href="#ref-5", ids={"pmid": "7"})
    assert citation_url(doi) == "https://doi.org/10.1/x"
    assert citation_url(Citation(K.REFERENCE, "ref-6", href="#ref-6")) == ""


# --- keys: what search's cites: and the library match by -------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "PMC6493703",
        "pmc6493703",
        "PMC:PMC6493703",
        "pmcid:PMC6493703",
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC6493703/",
        "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6493703",
        "https://europepmc.org/article/PMC/PMC6493703",
    ],
)
def test_every_way_of_writing_a_pmcid_gives_one_key(written: str) -> None:
    assert identifier_key(written) == "pmc:pmc6493703"


def test_identifier_keys_are_citation_keys() -> None:
    doi = Citation(
        K.DOI, "10.3389/fpain.2023.1268985", href="https://doi.org/10.3389/fpain.2023.1268985"
    )
    pii = Citation(K.PII, "S0960982217307844", href="#r1")
    assert identifier_key("https://doi.org/10.3389/FPAIN.2023.1268985") in citation_keys(doi)
    assert identifier_key("doi:10.3389/fpain.2023.1268985") in citation_keys(doi)
    assert identifier_key("S0960-9822(17)30784-4") in citation_keys(pii)
    assert identifier_key("pii:S0960982217307844") in citation_keys(pii)
    assert identifier_key("30819549") == identifier_key("PMID:30819549") == "pmid:30819549"
    assert identifier_key("trial:NCT01234567") == identifier_key("NCT01234567")
    assert identifier_key("https://example.com/a/?utm_source=x") == "url:example.com/a"
    assert identifier_key("ketamine") == ""


# --- format_citation -------------------------------------------------------------------


def test_format_a_link_citation() -> None:
    c = Citation(
        K.PUBMED,
        "30819549",
        href="https://pubmed.ncbi.nlm.nih.gov/30819549/",
        text="functional connectivity",
    )
    assert format_citation(c) == (
        "functional connectivity. PMID: 30819549. https://pubmed.ncbi.nlm.nih.gov/30819549/"
    )
    assert format_citation(c, "markdown") == (
        "[functional connectivity](https://pubmed.ncbi.nlm.nih.gov/30819549/) (PMID: 30819549)"
    )


def test_format_a_reference_entry_citation() -> None:
    page = canonicalize(
        '<p>Ketamine blocks NMDA receptors [1].</p><h2>References</h2><ol><li id="ref1">'
        "Smith J, Doe AB. Ketamine and NMDA. J Pain. 2019;20(3):100-10. "
        '<a href="https://doi.org/10.1016/j.jpain.2019.01.001">'
        "doi:10.1016/j.jpain.2019.01.001</a></li></ol>"
    )
    [c] = [c for c in extract_citations(page.html, page.text) if c.text == "[1]"]
    assert format_citation(c) == (
        "Smith J, Doe AB. Ketamine and NMDA. J Pain. 2019;20(3):100-10. "
        "doi:10.1016/j.jpain.2019.01.001. https://doi.org/10.1016/j.jpain.2019.01.001"
    )
    # Markdown: the same words, the URL as an autolink
    assert format_citation(c, "markdown") == (
        "Smith J, Doe AB. Ketamine and NMDA. J Pain. 2019;20(3):100-10. "
        "doi:10.1016/j.jpain.2019.01.001. <https://doi.org/10.1016/j.jpain.2019.01.001>"
    )


def test_markdown_citation_renders_with_its_link() -> None:
    c = Citation(
        K.PII,
        "S0960982217307844",
        href="http://www.cell.com/current-biology/fulltext/S0960-9822(17)30784-4",
        text="findings [in] *Current Biology*",
    )
    root = lxml.html.fragment_fromstring(
        MarkdownIt().render(format_citation(c, "markdown")), create_parent="div"
    )
    [a] = root.iter("a")
    assert a.get("href") == c.href
    assert a.text_content() == c.text


def test_format_a_bare_reference_uses_its_identifier_url() -> None:
    c = Citation(K.DOI, "10.1/x", href="#ref2", text="2")
    assert format_citation(c) == "2. doi:10.1/x. https://doi.org/10.1/x"
    with pytest.raises(ValueError, match="markdown"):
        format_citation(c, "html")
