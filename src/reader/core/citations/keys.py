"""The keys a citation and an article are known by, so that the two can meet.

A citation matches a library article when they share a key: ``pmid:30819549``,
``pmc:pmc6493703``, ``doi:10.1/x``, ``pii:s0960982217307844``, ``trial:nct01234567``
or ``url:host/path`` (:func:`~reader.core.identifiers.normalise_url`). The library stores
them beside each article and citation, and the search index's ``cites:`` field holds
them; :func:`identifier_key` turns what a person types after ``cites:`` into the same
key, so ``cites:PMC6493703``, ``cites:PMC:PMC6493703``, ``cites:https://doi.org/…`` and
a printed PII all find the article.
"""

from __future__ import annotations

from reader.core.citations.classify import classify_url
from reader.core.identifiers import id_name, is_http, normalise, normalise_url, parse_identifier
from reader.core.model import Citation, CitationKind

__all__ = ["article_keys", "citation_keys", "identifier_key", "keys_from_ids"]

_KEY_PREFIX = {"pmid": "pmid", "pmcid": "pmc", "doi": "doi", "pii": "pii", "nct": "trial"}
_PREFIX_NAME = {prefix: name for name, prefix in _KEY_PREFIX.items()}
_KEY_ORDER = ["pmid", "pmc", "doi", "pii", "trial", "url"]


def keys_from_ids(ids: dict[str, str]) -> list[str]:
    """Keys of an identifiers dict (``{"pmid": "123", "url": "https://…"}``)."""
    keys: list[str] = []
    for name in ("pmid", "pmcid", "doi", "pii", "nct"):
        value = normalise(name, (ids.get(name) or "").strip())
        if value:
            keys.append(f"{_KEY_PREFIX[name]}:{value.lower()}")
    url = (ids.get("url") or "").strip()
    if is_http(url):
        keys.append("url:" + normalise_url(url))
    return keys


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def citation_keys(c: Citation) -> list[str]:
    """Lookup keys for a citation: every identifier it is known by, most specific first.

    ``["pmid:30819549", "url:pubmed.ncbi.nlm.nih.gov/30819549"]``. The same key space as
    :func:`article_keys`, so a citation matches a library article when they share a key.
    A bare numbered reference with no identifier and no URL has no keys.
    """
    ids: dict[str, str] = {}
    name = id_name(c.kind)
    if name and c.identifier:
        ids[name] = c.identifier
    keys = keys_from_ids(ids)
    keys += keys_from_ids(c.ids)
    ref = c.reference
    if ref is not None:
        keys += keys_from_ids(
            {"pmid": ref.pmid, "pmcid": ref.pmcid, "doi": ref.doi, "url": ref.url}
        )
    if is_http(c.href):
        keys.append("url:" + normalise_url(c.href))
    return _sort_keys(_dedupe(keys))


def _sort_keys(keys: list[str]) -> list[str]:
    return sorted(keys, key=lambda k: _KEY_ORDER.index(k.split(":", 1)[0]))


def article_keys(identifiers: dict[str, str], url: str, guid: str = "") -> list[str]:
    """Keys an article is known by, in the key space of :func:`citation_keys`.

    JATS articles carry ``pmid``/``pmcid``/``doi`` in ``identifiers``; web articles are
    known by their URL, and by their WordPress guid when it is a URL
    (``https://site/?p=123``). A URL that itself names a PMC article or DOI adds that key.
    """
    keys = keys_from_ids(identifiers)
    for candidate in (url, guid):
        if not is_http(candidate):
            continue
        found = classify_url(candidate)
        if found and found[0] is not CitationKind.WEB:
            keys += keys_from_ids({id_name(found[0]): found[1]})
        keys.append("url:" + normalise_url(candidate))
    return _sort_keys(_dedupe(keys))


def identifier_key(text: str) -> str:
    """The key of an identifier or address as a person writes it; ``""`` if it names none.

    ``"PMC6493703"``, ``"PMC:PMC6493703"`` and ``"https://pmc.ncbi.nlm.nih.gov/articles/
    PMC6493703/"`` → ``"pmc:pmc6493703"``; ``"30819549"`` → ``"pmid:30819549"``;
    ``"S0960-9822(17)30784-4"`` → ``"pii:s0960982217307844"``; any other web address →
    ``"url:host/path"``. Keys pass through unchanged.
    """
    text = text.strip()
    prefix, _, rest = text.partition(":")
    if prefix.lower() == "url" and rest and not rest.startswith("//"):
        return "url:" + normalise_url(rest)
    if prefix.lower() in _PREFIX_NAME and rest:
        value = normalise(_PREFIX_NAME[prefix.lower()], rest)
        return f"{prefix.lower()}:{value.lower()}" if value else ""
    if is_http(text):
        found = classify_url(text)
        if found is None:
            return ""
        kind, ident = found
        if kind is CitationKind.WEB:
            return "url:" + normalise_url(ident)
        return keys_from_ids({id_name(kind): ident})[0]
    parsed = parse_identifier(text)
    if parsed is None:
        return ""
    return keys_from_ids({parsed[0]: parsed[1]})[0]
