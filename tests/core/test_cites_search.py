"""Search's ``cites:`` finds an article by any way of writing what it cites (issue 9).

The library stores each citation under its keys (``pmc:pmc6493703``); what a person
types after ``cites:`` goes through the same normaliser, so a PMCID with or without
its scheme, a PMC or doi.org address, or an Elsevier PII in either of its printed forms
all find the article that cites it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.library import Library

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED = FIXTURES / "ketamine-for-pain.json"
LETTER = FIXTURES / "jats" / "journal.pmed.0030205.xml"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory):
    lib = Library(tmp_path_factory.mktemp("cites") / "lib")
    report = lib.import_paths([SEED, LETTER])
    ids = [r.article_id for r in report.results]
    yield lib, ids
    lib.close()


def found(library: tuple[Library, list[int]], query: str) -> list[int]:
    lib, _ = library
    return [hit.article_id for hit in lib.search(query).hits]


@pytest.mark.parametrize(
    "query",
    [
        "cites:PMC6493703",
        "cites:pmc6493703",
        "cites:PMC:PMC6493703",
        "cites:pmcid:PMC6493703",
        "cites:https://pmc.ncbi.nlm.nih.gov/articles/PMC6493703/",
        "cites:https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6493703",
        "cites:S0740547202002751",
        "cites:PII:S0740547202002751",
        "cites:https://doi.org/10.3389/FPAIN.2023.1268985",
        "cites:doi:10.3389/fpain.2023.1268985",
        "cites:10.3389/fpain.2023.1268985",
        "cite:PMC6767816",
        "PMC6767816",  # typed alone: in citations too
        "ketamine (cites:PMC6767816)",
    ],
)
def test_cites_finds_the_web_article_however_the_identifier_is_written(library, query) -> None:
    seed_id = library[1][0]
    assert found(library, query) == [seed_id]


def test_cites_finds_a_jats_reference_by_its_doi(library) -> None:
    letter_id = library[1][1]
    for query in (
        "cites:10.1371/journal.pmed.0020312",
        "cites:https://doi.org/10.1371/JOURNAL.PMED.0020312",
    ):
        assert found(library, query) == [letter_id], query


def test_cites_of_what_neither_article_cites_finds_nothing(library) -> None:
    assert found(library, "cites:PMC6493704") == []
    assert found(library, "cites:S0740547202002752") == []
    assert found(library, "cites:nothing-like-an-identifier") == []
