"""Recognise the sources an article cites, from its canonical HTML.

Citations are data: at import every reference an article makes becomes a
:class:`~reader.core.model.Citation` (kind, normalised identifier, the exact ``href`` of
the link, the sentence around it, and the reference-list entry when there is one). The
reader view shows them as popovers; the library matches them against its own articles
through the *keys* built here (``pmid:…``, ``pmc:pmc…``, ``doi:…``, ``url:host/path``),
and the search index stores the same keys in its ``cites:`` field.

Everything here is pure and deterministic: the same HTML always gives the same list, so
re-importing an article keeps its citations stable.

* :mod:`.classify`: what a link points at (PubMed, PMC, DOI, PII, trial, web page);
* :mod:`.references`: the reference list, its entries and their fields;
* :mod:`.extract`: the walk that finds every citation and its sentence;
* :mod:`.keys`: the keys citations and articles are matched by.

Identifiers are normalised by :mod:`reader.core.identifiers`, sentences found by
:mod:`reader.core.sentences`, and citations formatted for copying by
:mod:`reader.core.export.citation_text`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reader.core.citations.classify import classify_url
from reader.core.citations.keys import article_keys, citation_keys, identifier_key
from reader.core.identifiers import normalise_url
from reader.core.sentences import split_sentences

if TYPE_CHECKING:
    from reader.core.citations.extract import extract_citations


def __getattr__(name: str) -> Any:
    # The finder needs lxml (~40 ms to import); the search index only needs the keys,
    # so `margin search` does not pay for it (issue 13).
    if name == "extract_citations":
        from reader.core.citations.extract import extract_citations

        return extract_citations
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "article_keys",
    "citation_keys",
    "classify_url",
    "extract_citations",
    "identifier_key",
    "normalise_url",
    "split_sentences",
]
