"""Did you mean: corrections for the words of a query that the library does not contain.

Corrections come from the library's own vocabulary (the terms of the index's "text"
field, which holds every title, body, note and highlight), so drug and disease names are
spelled as the articles spell them, and nothing is shipped or downloaded.

Only a word that is in no article at all is corrected: a rare word that exists ("statin"
beside the far more common "station") is what the user meant more often than not.
Words shorter than :data:`MIN_LENGTH` letters, numbers and stop words are left alone.

How a word is corrected (measured in benchmarks/bench_spelling.py):

1. every spelling one edit away from the typed word (a letter deleted, inserted,
   replaced, or two neighbours swapped: ~450 for an 8-letter word) is stemmed like
   the index stems, and the stem found in the most articles wins, its count weighted
   by how common the typing error is (:data:`ERROR_WEIGHT`), among those that keep the
   typed first letter if any do (people rarely get it wrong: 95.6% → 96.1% right).
   One lookup per candidate (~9 µs each);
2. for a longer word with no such neighbour, Whoosh's own corrector over the field's
   terms (Levenshtein automata, up to two edits) with the first letter kept: it costs
   25-150 ms at 3,000 articles, 400-600 ms without the first-letter rule, so it only
   runs when step 1 found nothing.

Only a one-edit correction is sure enough to show its results in place of a query that
found nothing ("ketamne" shows the ketamine articles); a two-edit one is offered, not
applied: "placebo", in no article of the sample library, is not "place".

The suggestion shows a word as the articles write it ("ketamine", not the stem
"ketamin"): the most frequent form of the corrected stem in the first articles that
have it.

Measured on NFCorpus dev and the sample articles (3,198 articles), 1,195 misspellings
of 303 health words made by one deletion, swap, substitution or insertion: 97.7% get
the meant word, 2.3% another word, none get no suggestion. A suggestion adds ~20 ms
(p50) to a search of an unknown word; a search whose words are all known pays nothing.
"""

from __future__ import annotations

import functools
import string
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from whoosh import query
from whoosh.lang.porter import stem as _porter_stem
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from reader.core.index.schema import DEFAULT_FIELD, STOP_WORDS, WORD_RE
from reader.core.index.snippets import match_spans

__all__ = ["MIN_LENGTH", "Correction", "corrected_query", "corrections"]

# Words shorter than this are never corrected: too many real words are one edit apart.
MIN_LENGTH = 4
# Step 2 (Whoosh's automaton corrector, up to two edits) for words at least this long.
TWO_EDITS_LENGTH = 6
# Articles read to find how a corrected stem is written.
SURFACE_SAMPLE = 3

_LETTERS = string.ascii_lowercase
_stem = functools.lru_cache(maxsize=100_000)(_porter_stem)


@dataclass(frozen=True, slots=True)
class Correction:
    """A word of the query (``query_text[start:end]``) and what to write instead."""

    start: int
    end: int
    typed: str
    replacement: str
    sure: bool = True  # one edit away; two-edit corrections are only suggested


def corrections(
    query_text: str,
    stems: Iterable[str],
    searcher: Searcher,
    text_for: Callable[[int], str] | None = None,
) -> list[Correction]:
    """Corrections for the words of ``query_text`` that no article contains.

    ``stems`` are the stemmed terms the query searches for (of the stemmed fields): a
    word is considered only when it became one of them, so field values such as
    ``author:`` names are never "corrected".
    """
    reader = searcher.reader()
    wanted = set(stems)
    found: list[Correction] = []
    for match in WORD_RE.finditer(query_text):
        typed = match.group()
        word = typed.lower()
        if len(word) < MIN_LENGTH or not word.isalpha() or word in STOP_WORDS:
            continue
        stem = _stem(word)
        if stem not in wanted or reader.doc_frequency(DEFAULT_FIELD, stem):
            continue
        fixed = _correct(word, stem, reader)
        if fixed is None:
            continue
        better_stem, candidate = fixed  # candidate: the one-edit spelling, if step 1 found it
        surface = _surface_form(better_stem, candidate, searcher, text_for)
        if typed[:1].isupper():
            surface = surface[:1].upper() + surface[1:]
        found.append(Correction(match.start(), match.end(), typed, surface, candidate is not None))
    return found


def corrected_query(query_text: str, fixes: list[Correction]) -> str:
    """``query_text`` with each correction written in place of the typed word."""
    out = query_text
    for fix in sorted(fixes, key=lambda f: f.start, reverse=True):
        out = out[: fix.start] + fix.replacement + out[fix.end :]
    return out


def _edits1(word: str) -> Iterator[tuple[str, str]]:
    """Every string one edit from ``word`` (Norvig's), with the typing error the edit
    undoes: an ``extra`` letter deleted, a ``swap`` undone, a letter ``replaced``, a
    ``missing`` letter inserted."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    for left, right in splits:
        if right:
            yield left + right[1:], "extra"
            if len(right) > 1:
                yield left + right[1] + right[0] + right[2:], "swap"
            for c in _LETTERS:
                if c != right[0]:
                    yield left + c + right[1:], "replaced"
        for c in _LETTERS:
            yield left + c + right, "missing"


# How much likelier each typing error is than a replaced letter (people leave letters
# out and swap neighbours more often than they type a wrong or an extra one): a
# candidate's article count is weighted by it, so "pian" is "pain" (a swap) rather than
# "plan", however common plans are. Measured with benchmarks/bench_spelling.py (1,195
# misspellings, an equal share of each kind): all weights 1, 96.1% right; swaps 3 and
# missing letters 4, 97.7% (letters left out 90.0% -> 95.8%, swaps 97.7% -> 98.3%, the
# others unchanged); larger weights gained at most 0.2 more.
ERROR_WEIGHT = {"swap": 3.0, "missing": 4.0, "replaced": 1.0, "extra": 1.0}


def _correct(word: str, stem: str, reader: IndexReader) -> tuple[str, str | None] | None:
    """(stem, a spelling of it or None) of the best correction of ``word``."""
    best: tuple[bool, float, str, str] | None = None  # (first letter kept, weight, stem, spelling)
    seen: dict[str, float] = {stem: 0.0}
    for candidate, error in _edits1(word):
        candidate_stem = _stem(candidate)
        weight = ERROR_WEIGHT[error]
        if seen.get(candidate_stem, -1.0) >= weight:
            continue
        seen[candidate_stem] = weight
        articles = reader.doc_frequency(DEFAULT_FIELD, candidate_stem)
        key = (candidate[0] == word[0], articles * weight)
        if articles and (best is None or key > best[:2]):
            best = (*key, candidate_stem, candidate)
    if best is not None:
        return best[2], best[3]
    if len(word) < TWO_EDITS_LENGTH:
        return None
    suggestions = reader.corrector(DEFAULT_FIELD).suggest(stem, limit=1, maxdist=2, prefix=1)
    return (suggestions[0], None) if suggestions else None


def _surface_form(
    stem: str,
    candidate: str | None,
    searcher: Searcher,
    text_for: Callable[[int], str] | None,
) -> str:
    """How the articles write ``stem``: its most frequent form in a few of them.

    The edit that found the stem (``candidate``) is kept when the articles write it so:
    it is the spelling closest to what was typed ("diabetes" for "diabetis").
    """
    forms: Counter[str] = Counter()
    if text_for is not None:
        hits = searcher.search(query.Term(DEFAULT_FIELD, stem), limit=SURFACE_SAMPLE)
        for hit in hits:
            text = text_for(int(hit["article_id"])) or hit.get("title", "")
            forms.update(text[s:e].lower() for s, e, _ in match_spans(text, frozenset([stem])))
    if candidate is not None and (not forms or candidate in forms):
        return candidate
    if forms:
        return forms.most_common(1)[0][0]
    return candidate or stem
