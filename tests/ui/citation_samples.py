"""Citations made by hand for the card, hover and references-panel tests."""

from __future__ import annotations

from reader.core.model import Citation, CitationKind, ReferenceEntry, StoredCitation

TRIAL = "https://pubmed.ncbi.nlm.nih.gov/30819549/"
REVIEW = "https://pmc.ncbi.nlm.nih.gov/articles/PMC6493703/"


def stored(
    ordinal: int,
    kind: CitationKind,
    identifier: str,
    href: str,
    text: str,
    context: str,
    reference: ReferenceEntry | None = None,
    local: int | None = None,
) -> StoredCitation:
    """A stored citation of article 1, as ``Library.citations`` would return it."""
    citation = Citation(kind, identifier, href, text, context, reference, ordinal)
    return StoredCitation(id=ordinal + 1, article_id=1, citation=citation, local_article_id=local)
