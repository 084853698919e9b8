"""Citations extracted from canonical article HTML: what the reader's popovers will show."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import lxml.html
import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from reader.core.citations import article_keys, citation_keys, classify_url, extract_citations
from reader.core.identifiers import normalise_url
from reader.core.model import Citation, CitationKind, ReferenceEntry
from reader.core.sanitize import canonicalize
from reader.core.sentences import split_sentences

K = CitationKind


def cite(html: str) -> list[Citation]:
    c = canonicalize(html)
    return extract_citations(c.html, c.text)


# --- the seed article ------------------------------------------------------------------


@pytest.fixture
def seed(fixtures: Path):
    post = json.loads((fixtures / "ketamine-for-pain.json").read_text(encoding="utf-8"))
    return canonicalize(post["content"]["rendered"])


def test_seed_finds_every_link_and_both_sources(seed) -> None:
    cites = extract_citations(seed.html, seed.text)
    in_text = [c for c in cites if c.reference is None]
    sources = [c for c in cites if c.reference is not None]

    assert len(in_text) == 17
    assert Counter(c.kind for c in in_text) == {
        K.PUBMED: 1, K.PMC: 8, K.DOI: 1, K.PII: 2, K.WEB: 5,
    }  # fmt: skip
    own_site = [c for c in in_text if c.kind is K.WEB and "psyclehealth.com" in c.identifier]
    assert len(own_site) == 4

    assert [(c.kind, c.identifier) for c in sources] == [
        (K.PUBMED, "23432384"),
        (K.PUBMED, "30969646"),
    ]
    assert [c.reference.label for c in sources] == ["1", "2"]
    assert sources[0].reference.pmid == "23432384"
    assert sources[0].href == "https://pubmed.ncbi.nlm.nih.gov/23432384/"
    assert sum(c.kind is K.PUBMED for c in cites) == 3
    assert [c.ordinal for c in cites] == list(range(19))


def test_seed_citations_carry_exact_href_text_and_sentence(seed) -> None:
    cites = extract_citations(seed.html, seed.text)
    by_id = {c.identifier: c for c in cites}

    frontiers = by_id["10.3389/fpain.2023.1268985"]
    assert frontiers.kind is K.DOI
    assert frontiers.text == "study"
    assert frontiers.href == (
        "https://www.frontiersin.org/journals/pain-research/articles/"
        "10.3389/fpain.2023.1268985/full#h3"
    )
    assert frontiers.context == (
        "A study of over 70 patients with treatment-resistant chronic pain showed regular "
        "use of oral ketamine decreased pain levels and improved their quality of life."
    )
    studies = by_id["PMC4014022"]
    assert studies.text == "Studies"
    assert studies.context == (
        "Studies have shown that a series of ketamine treatments can provide pain relief "
        "for up to three months."
    )
    assert by_id["S0306453021003796"].context.startswith("Research studies show that")
    assert by_id["30819549"].text == "functional connectivity"

    for c in cites:
        # every href is in the HTML as written, so a hovered link maps back to it
        assert c.href in seed.html
        assert c.context in seed.text


def test_seed_is_stable_across_runs(seed) -> None:
    assert extract_citations(seed.html, seed.text) == extract_citations(seed.html)


def test_seed_keys_match_the_examples(seed) -> None:
    cites = extract_citations(seed.html, seed.text)
    keys = {k for c in cites for k in citation_keys(c)}
    assert {
        "pmid:30819549",
        "pmc:pmc6767816",
        "doi:10.3389/fpain.2023.1268985",
        "pii:s0740547202002751",
        "url:psyclehealth.com/psyclehealth-sta/alternative-treatments/what-is-ketamine-therapy",
        "pmid:23432384",
    } <= keys


# --- classify_url ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind", "identifier"),
    [
        ("https://pubmed.ncbi.nlm.nih.gov/30819549/", K.PUBMED, "30819549"),
        ("https://www.ncbi.nlm.nih.gov/pubmed/30819549", K.PUBMED, "30819549"),
        ("http://ncbi.nlm.nih.gov/pubmed/30819549/", K.PUBMED, "30819549"),
        ("https://www.ncbi.nlm.nih.gov/pubmed/?term=23432384", K.PUBMED, "23432384"),
        ("https://europepmc.org/article/MED/30819549", K.PUBMED, "30819549"),
        ("https://pmc.ncbi.nlm.nih.gov/articles/PMC6767816/", K.PMC, "PMC6767816"),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6767816/", K.PMC, "PMC6767816"),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/pmc6767816", K.PMC, "PMC6767816"),
        ("https://europepmc.org/articles/PMC6767816", K.PMC, "PMC6767816"),
        ("https://europepmc.org/article/PMC/6767816", K.PMC, "PMC6767816"),
        ("https://doi.org/10.1016/J.PAIN.2019.01.001", K.DOI, "10.1016/j.pain.2019.01.001"),
        (
            "http://dx.doi.org/10.1002/14651858.CD012345.pub2",
            K.DOI,
            "10.1002/14651858.cd012345.pub2",
        ),
        (
            "https://www.frontiersin.org/articles/10.3389/fpain.2023.1268985/full",
            K.DOI,
            "10.3389/fpain.2023.1268985",
        ),
        (
            "https://www.frontiersin.org/journals/pain-research/articles/10.3389/fpain.2023.1268985/full#h3",
            K.DOI,
            "10.3389/fpain.2023.1268985",
        ),
        (
            "http://journals.sagepub.com/doi/abs/10.1177/0956797612446024",
            K.DOI,
            "10.1177/0956797612446024",
        ),
        ("https://onlinelibrary.wiley.com/doi/pdf/10.1002/ejp.1234", K.DOI, "10.1002/ejp.1234"),
        (
            "https://www.biorxiv.org/content/10.1101/2020.03.01.123456v2.full.pdf",
            K.DOI,
            "10.1101/2020.03.01.123456",
        ),
        (
            "https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0123456",
            K.DOI,
            "10.1371/journal.pone.0123456",
        ),
        ("https://www.nature.com/articles/s41586-020-2012-7", K.DOI, "10.1038/s41586-020-2012-7"),
        (
            "https://www.sciencedirect.com/science/article/pii/S0740547202002751",
            K.PII,
            "S0740547202002751",
        ),
        (
            "https://www.sciencedirect.com/science/article/abs/pii/S0306453021003796",
            K.PII,
            "S0306453021003796",
        ),
        (
            "http://www.cell.com/current-biology/fulltext/S0960-9822(17)30784-4",
            K.PII,
            "S0960982217307844",
        ),
        (
            "https://www.thelancet.com/journals/lancet/article/PIIS0140-6736(20)30183-5/fulltext",
            K.PII,
            "S0140673620301835",
        ),
        ("https://clinicaltrials.gov/ct2/show/NCT01234567", K.TRIAL, "NCT01234567"),
        ("https://clinicaltrials.gov/study/nct01234567?tab=results", K.TRIAL, "NCT01234567"),
        (
            "https://psyclehealth.com/psyclehealth-sta/alternative-treatments/ketamines-side-effects/",
            K.WEB,
            "https://psyclehealth.com/psyclehealth-sta/alternative-treatments/ketamines-side-effects/",
        ),
        # a PubMed search that is not one PMID is just a web page
        (
            "https://pubmed.ncbi.nlm.nih.gov/?term=ketamine+pain",
            K.WEB,
            "https://pubmed.ncbi.nlm.nih.gov/?term=ketamine+pain",
        ),
    ],
)
def test_classify_url(url: str, kind: CitationKind, identifier: str) -> None:
    assert classify_url(url) == (kind, identifier)


@pytest.mark.parametrize(
    "url", ["#ref3", "mailto:editor@example.com", "/relative/page", "javascript:void(0)", ""]
)
def test_classify_url_ignores_what_is_not_a_web_link(url: str) -> None:
    assert classify_url(url) is None


# --- normalise_url and keys ------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://psyclehealth.com/path/", "psyclehealth.com/path"),
        ("http://WWW.PsycleHealth.com/path", "psyclehealth.com/path"),
        ("https://psyclehealth.com/path/?utm_source=x&utm_medium=y#top", "psyclehealth.com/path"),
        ("https://example.com/a?id=3&fbclid=abc", "example.com/a?id=3"),
        ("https://example.com:443/CaseKept", "example.com/CaseKept"),
        ("https://example.com/", "example.com"),
    ],
)
def test_normalise_url(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


def test_a_citation_matches_the_library_article_it_names() -> None:
    pmc_link = Citation(
        K.PMC, "PMC6767816", href="https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6767816/"
    )
    jats = article_keys({"pmid": "31234567", "pmcid": "PMC6767816", "doi": "10.1/X"}, "")
    assert set(citation_keys(pmc_link)) & set(jats) == {"pmc:pmc6767816"}
    assert jats == ["pmid:31234567", "pmc:pmc6767816", "doi:10.1/x"]

    web_link = Citation(
        K.WEB,
        "http://www.psyclehealth.com/guide/?utm_campaign=x",
        href="http://www.psyclehealth.com/guide/?utm_campaign=x",
    )
    wordpress = article_keys(
        {}, "https://psyclehealth.com/guide/", "https://psyclehealth.com/?p=42"
    )
    assert citation_keys(web_link) == ["url:psyclehealth.com/guide"]
    assert "url:psyclehealth.com/guide" in wordpress
    assert "url:psyclehealth.com?p=42" in wordpress


def test_a_numbered_reference_without_any_identifier_has_no_keys() -> None:
    ref = ReferenceEntry(label="2", anchor="fn2", text="A personal communication.")
    assert citation_keys(Citation(K.REFERENCE, "fn2", href="#fn2", reference=ref)) == []


# --- sentences -------------------------------------------------------------------------


def test_split_sentences_knows_abbreviations_initials_and_decimals() -> None:
    text = (
        "Ketamine (e.g. as an infusion) cut pain by 2.5 points. Smith et al. found the same "
        "in 2019. J. Doe disagreed! Was it dose? The U.S. trial said so."
    )
    assert split_sentences(text) == [
        "Ketamine (e.g. as an infusion) cut pain by 2.5 points.",
        "Smith et al. found the same in 2019.",
        "J. Doe disagreed!",
        "Was it dose?",
        "The U.S. trial said so.",
    ]


def test_context_is_the_sentence_around_the_link() -> None:
    [c] = cite(
        "<p>Pain is common. Ketamine helps, e.g. in CRPS, according to "
        '<a href="https://pubmed.ncbi.nlm.nih.gov/1/">a trial</a> by Smith et al. in 2020. '
        "More is needed.</p>"
    )
    assert (
        c.context == "Ketamine helps, e.g. in CRPS, according to a trial by Smith et al. in 2020."
    )


# --- numbered references ---------------------------------------------------------------

REFERENCES_HTML = """
<p>Ketamine blocks NMDA receptors [1]. It also acts on inflammation<sup>2</sup>.
Depression improves too <a href="#ref3">3</a>. Unknown [9] stays plain.</p>
<h2>References</h2>
<ol>
<li id="ref1">Smith J, Doe AB. Ketamine and NMDA. J Pain. 2019;20(3):100-10.
  <a href="https://doi.org/10.1016/j.jpain.2019.01.001">doi:10.1016/j.jpain.2019.01.001</a></li>
<li id="ref2">Roe, C., &amp; Poe, D. (2021). Ketamine and inflammation.
  Brain Research, 12(4), 55–60.
  <a href="https://pubmed.ncbi.nlm.nih.gov/33333333/">PubMed</a></li>
<li id="ref3">World Health Organization. Depression fact sheet. 2023.</li>
</ol>
"""


def test_numbered_references_resolve_to_the_reference_list() -> None:
    cites = cite(REFERENCES_HTML)
    in_text = cites[:3]
    assert [(c.kind, c.identifier, c.href) for c in in_text] == [
        (K.DOI, "10.1016/j.jpain.2019.01.001", ""),
        (K.PUBMED, "33333333", ""),
        (K.REFERENCE, "ref3", "#ref3"),
    ]
    first, second, third = in_text
    assert first.context == "Ketamine blocks NMDA receptors [1]."
    assert first.reference.authors == ["Smith J", "Doe AB"]
    assert first.reference.title == "Ketamine and NMDA"
    assert first.reference.journal == "J Pain"
    assert (first.reference.year, first.reference.volume, first.reference.issue) == (
        "2019",
        "20",
        "3",
    )
    assert first.reference.anchor == "ref1"
    assert second.reference.year == "2021"
    assert second.reference.title == "Ketamine and inflammation"
    assert second.reference.pmid == "33333333"
    assert third.reference.text == "World Health Organization. Depression fact sheet. 2023."
    assert third.reference.year == "2023"
    assert not any(c.text == "[9]" for c in cites)
    # the links inside the list are citations of their own, tied to their entry
    in_list = [c for c in cites if c.href.startswith("https://")]
    assert [(c.kind, c.reference.label) for c in in_list] == [(K.DOI, "1"), (K.PUBMED, "2")]


def test_numbers_without_a_reference_list_are_not_citations() -> None:
    assert cite("<p>E = mc<sup>2</sup>, as shown in [1] and [2].</p>") == []


def test_paragraph_headed_references_with_numbered_paragraphs() -> None:
    cites = cite(
        "<p>As reported.<sup>1,2</sup></p><p><strong>Sources:</strong></p>"
        "<p>1. First source. 2018.</p><p>2. Second source, 2020.</p>"
    )
    markers = [c for c in cites if c.text == "1,2"]
    assert [c.reference.text for c in markers] == ["First source. 2018.", "Second source, 2020."]
    assert [c.reference.year for c in markers] == ["2018", "2020"]


# --- markdown-it footnotes -------------------------------------------------------------

FOOTNOTES_MD = """\
Ketamine cut pain by 2.5 points[^1]. Smith et al. found more.[^2]

[^1]: Doe J. Ketamine for pain. Pain. 2019;1(2):3-4. <https://pmc.ncbi.nlm.nih.gov/articles/PMC123456/>
[^2]: A note without a link.
"""


def test_markdown_it_footnotes_are_references_and_backrefs_are_not() -> None:
    html = MarkdownIt().use(footnote_plugin).render(FOOTNOTES_MD)
    assert 'class="footnote-backref"' in html  # the shape this test is about
    cites = cite(html)
    assert [(c.kind, c.identifier, c.href, c.text) for c in cites] == [
        (K.PMC, "PMC123456", "#fn1", "[1]"),
        (K.REFERENCE, "fn2", "#fn2", "[2]"),
        # the footnotes themselves, in document order
        (K.PMC, "PMC123456", "https://pmc.ncbi.nlm.nih.gov/articles/PMC123456/",
         "https://pmc.ncbi.nlm.nih.gov/articles/PMC123456/"),
        (K.REFERENCE, "fn2", "", "2"),
    ]  # fmt: skip
    assert cites[0].context == "Ketamine cut pain by 2.5 points[1]."
    assert cites[1].context == "Smith et al. found more.[2]"
    assert cites[1].reference.text == "A note without a link."  # no "↩︎"
    assert not any(c.href.startswith("#fnref") for c in cites)


def test_footnote_html_works_before_sanitizing_too() -> None:
    html = (
        '<p>Claim<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>.</p>'
        '<section class="footnotes"><ol class="footnotes-list"><li id="fn1" '
        'class="footnote-item"><p>See <a href="https://doi.org/10.1/ABC">it</a> '
        '<a href="#fnref1" class="footnote-backref">↩︎</a></p></li></ol></section>'
    )
    cites = extract_citations(html)
    assert [(c.kind, c.identifier, c.href) for c in cites] == [
        (K.DOI, "10.1/abc", "#fn1"),
        (K.DOI, "10.1/abc", "https://doi.org/10.1/ABC"),
    ]


# --- what is not a citation ------------------------------------------------------------


def test_internal_links_mail_and_images_are_not_citations() -> None:
    cites = cite(
        '<p><a href="#intro">Contents</a> <a href="mailto:a@b.org">Write</a> '
        '<a href="https://example.com/photo.jpg">photo</a> '
        '<a href="https://example.com/page"><img src="https://example.com/x.png" alt=""></a> '
        '<a href="https://example.com/study">a study</a></p><h2 id="intro">Intro</h2>'
    )
    assert [(c.kind, c.identifier) for c in cites] == [(K.WEB, "https://example.com/study")]


def test_bare_and_linked_source_urls_give_the_same_citation() -> None:
    url = "https://pubmed.ncbi.nlm.nih.gov/23432384/"
    bare = extract_citations(f"<h2>Sources</h2><ul><li>{url}</li></ul>")
    linked = extract_citations(f'<h2>Sources</h2><ul><li><a href="{url}">{url}</a></li></ul>')
    assert [(c.kind, c.identifier, c.href, c.reference.pmid) for c in bare] == [
        (K.PUBMED, "23432384", url, "23432384")
    ]
    assert [(c.kind, c.identifier, c.href) for c in linked] == [(K.PUBMED, "23432384", url)]


def test_bare_url_in_a_sentence_drops_the_full_stop() -> None:
    [c] = extract_citations(
        "<p>Read https://www.ncbi.nlm.nih.gov/pmc/articles/PMC99/. Then rest.</p>"
    )
    assert (c.kind, c.identifier, c.href) == (
        K.PMC,
        "PMC99",
        "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC99/",
    )
    assert c.context == "Read https://www.ncbi.nlm.nih.gov/pmc/articles/PMC99/."


# --- real pages ------------------------------------------------------------------------


def readability_page(corpora: Path, name: str):
    path = corpora / "readability" / "test-pages" / name / "expected.html"
    return canonicalize(path.read_text(encoding="utf-8"))


@pytest.mark.corpus
def test_medicalnewstoday_publisher_links(corpora: Path) -> None:
    page = readability_page(corpora, "medicalnewstoday")
    cites = extract_citations(page.html, page.text)
    assert [(c.kind, c.identifier, c.text) for c in cites] == [
        (K.DOI, "10.1177/0956797612446024", "studies"),
        (K.WEB, "http://fakehost/articles/248680.php", "neuroscience"),
        (K.PII, "S0960982217307844", "findings"),
    ]
    # "Ph.D." and "B." inside the sentence do not cut it short
    assert cites[2].context.startswith("The scientists were led by Michael Shadlen, Ph.D., of")
    assert cites[2].context.endswith("were published in the journal Current Biology.")


@pytest.mark.corpus
def test_webmd_links_and_their_sentences(corpora: Path) -> None:
    page = readability_page(corpora, "webmd-1")
    cites = extract_citations(page.html, page.text)
    assert [c.text for c in cites] == [
        "eczema",
        "food allergies",
        "allergic to peanuts",
        "anaphylaxis",
    ]
    assert all(c.kind is K.WEB for c in cites)
    assert cites[0].context == (
        "Those at high risk were already allergic to egg, they had the skin condition "
        "eczema, or both."
    )
    assert cites[3].context == (
        "Nuts are the main reason people get a life-threatening problem called anaphylaxis."
    )


@pytest.mark.corpus
def test_table_of_contents_links_are_not_citations(corpora: Path) -> None:
    page = readability_page(corpora, "toc-missing")
    root = lxml.html.fragment_fromstring(page.html, create_parent="div")
    hrefs = [a.get("href", "") for a in root.iter("a")]
    cites = extract_citations(page.html, page.text)
    assert sum(h.startswith("#") for h in hrefs) > 20
    assert cites and not any(c.href.startswith("#") for c in cites)
    assert "https://en.wikipedia.org/wiki/Standard_deviation" in {c.href for c in cites}


@pytest.mark.corpus
def test_mailto_in_a_news_page_is_not_a_citation(corpora: Path) -> None:
    page = readability_page(corpora, "schema-org-context-object")
    assert "mailto:" in page.html
    cites = extract_citations(page.html, page.text)
    assert len(cites) == 8
    assert not any("mailto" in c.href for c in cites)


@pytest.mark.corpus
def test_wordpress_post_skips_gallery_images(corpora: Path) -> None:
    post = json.loads(
        (corpora / "wp-rest-json" / "frontity" / "post-60.json").read_text(encoding="utf-8")
    )
    page = canonicalize(post["content"]["rendered"])
    cites = extract_citations(page.html, page.text)
    assert cites[0].href == "https://en.wikipedia.org/wiki/Gullfoss"
    assert cites[0].context == "Gullfoss is one of the most popular tourist attractions in Iceland."
    assert all(c.text for c in cites)  # the linked gallery thumbnails are not sources
    assert not any(c.href.endswith((".jpg", ".png")) for c in cites)
    tweet = next(c for c in cites if "twitter.com" in c.href)
    assert citation_keys(tweet) == ["url:twitter.com/Travel_Places_/status/911998747198009344"]


def test_a_numbered_link_whose_anchor_is_missing_matches_by_number() -> None:
    cites = cite(
        '<p>Shown before.<sup><a href="#cite-2">2</a></sup></p><h3>Bibliography</h3><ol>'
        "<li>First book. 1999.</li>"
        '<li>Second paper. <a href="https://pubmed.ncbi.nlm.nih.gov/42/">PubMed</a>'
        "<ul><li>A comment on it.</li></ul></li></ol>"
        "<h3>Next section</h3><ul><li>Not a ref</li></ul>"
    )
    assert (cites[0].kind, cites[0].identifier, cites[0].href) == (K.PUBMED, "42", "#cite-2")
    assert cites[0].reference.text == "Second paper. PubMed A comment on it."
    # one citation per entry of the list (the nested list is part of entry 2), none after it
    assert [c.reference.label for c in cites[1:]] == ["1", "2"]
