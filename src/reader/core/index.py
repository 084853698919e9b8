"""The full-text index of a library (Whoosh): schema, indexing, search and snippets.

The index is derived data. SQLite is the system of record and the library rebuilds this
index whenever it is missing or unreadable, so everything here may be thrown away:
:meth:`ArticleIndex.open_or_create` says when that is needed.

Choices that matter for speed (measured on a 2-core machine, see benchmarks/):

- the article body is indexed but not stored: snippets are made from the plain text the
  caller hands to :meth:`ArticleIndex.search` (``text_for``), and only for the hits shown;
- plain words search one combined field ("text"), not five: one postings list per word;
- storage is opened without mmap (1.5 GB → 32 MB resident at 50,000 articles);
- ``len(results)`` re-runs the query, so totals come from ``estimated_length()``;
- prefix and wildcard queries expand to at most :data:`MAX_EXPANSION` terms per field
  (the most frequent ones), so ``a*`` is not a slow tail;
- a rebuild writes one segment in one process (Whoosh's two-process writer was slower
  once analysis got cheap: its final merge is serial), and never ``optimize()``.

Relevance: people type several words without operators. A plain AND loses every article
that misses one of them (nDCG@10 on NFCorpus dev 0.18 vs 0.31); a plain OR can rank an
article that repeats one word above one that has them all. Words are OR-ed and ranked by
BM25F, and articles that have every word get their score doubled (:class:`_WordsOr`), so
they come first and the others still follow. Whoosh's own ``OrGroup.factory(0.9)``
coordination adds ~0.01 to a BM25 score per word: it changes no ranking.
"""

from __future__ import annotations

import array
import contextlib
import datetime as dt
import fnmatch
import functools
import gc
import html
import os
import pickle
import re
import shutil
import struct
import threading
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import ClassVar

from whoosh import fields, matching, qparser, query, scoring
from whoosh.analysis import (
    Analyzer,
    IDTokenizer,
    LowercaseFilter,
    RegexTokenizer,
    StemmingAnalyzer,
    SubstitutionFilter,
    Token,
)
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex, LockError
from whoosh.lang.porter import stem as _porter_stem
from whoosh.qparser.dateparse import DateParserPlugin
from whoosh.searching import Searcher
from whoosh.util import make_binary_tree
from whoosh.writing import SegmentWriter

from reader.core.errors import MarginError, QueryError
from reader.core.model import IndexDocument, SearchHit, SearchResults

__all__ = [
    "FIELD_ALIASES",
    "MAX_EXPANSION",
    "ArticleIndex",
    "IndexUnavailable",
    "make_snippet",
    "normalize_identifier",
]

# The index name carries the schema version: an index written with another schema is
# simply "missing" for this version, so the library rebuilds it instead of failing.
INDEX_NAME = "margin_v3"

# Prefix/wildcard queries use at most this many terms per field (the most frequent).
MAX_EXPANSION = 32
# ...found among at most this many candidate terms, so expansion time is bounded too.
MAX_EXPANSION_SCAN = 2000

# Posting buffer of a rebuild before it spills a sorted run to disk; each spill and the
# final merge of runs cost more than the memory (3,000 articles: 256 MB 38/s, 512 MB 59/s).
REBUILD_LIMIT_MB = 512

# How long a writer waits for another process holding the Whoosh lock.
WRITER_TIMEOUT_S = 30.0

SNIPPET_CHARS = 220
_MATCH = '<b class="match">'

# Words dropped from both the articles and the queries. Whoosh's default list plus the
# question words people put in health searches ("why does coffee cause cancer"), which
# carry no topic and would otherwise reward articles for saying "why".
STOP_WORDS = frozenset(
    """a an and are as at be but by can could did do does for from had has have how i if in
    into is it its may might must my no not of on or our should so such than that the
    their them then there these they this those to too tbd us was we were what when
    where which while who why will with would yet you your""".split()  # noqa: SIM905
)

# Same word pattern as Whoosh's default tokenizer, so snippets find the words it indexed.
WORD_PATTERN = r"\w+(?:\.?\w+)*"
_WORD_RE = re.compile(WORD_PATTERN)

# Identifiers are compared without their scheme: "PMID:123" and "123" are the same
# citation, as are "doi:10.1/x", "https://doi.org/10.1/x" and "10.1/X".
_ID_SCHEME = r"^(?:pmid:\s*|pmcid:\s*|doi:\s*|https?://(?:dx\.)?doi\.org/)"
_ID_SCHEME_RE = re.compile(_ID_SCHEME, re.IGNORECASE)

# Query-syntax names → schema field names. The schema uses the singular names people type.
FIELD_ALIASES: dict[str, list[str]] = {
    "author": ["authors", "by"],
    "tag": ["tags"],
    "category": ["categories"],
    "published": ["date", "year"],
    "note": ["notes"],
    "highlight": ["highlights"],
    "cites": ["cite", "cited", "citation", "citations"],
    "site": ["source"],
    "text": ["body", "all"],
}

# An article that has all the words of a query gets this much of their score again, so
# it ranks above articles that have some of them (Whoosh's own OrGroup.factory(0.9)
# "coordination" bonus is ~0.01 of a BM25 score per extra word: it changes nothing).
ALL_WORDS_BONUS = 1.0

# Plain words search one field, "text": the title (twice, as a boost), authors, body,
# notes and highlighted passages together. Searching five fields instead made every word
# five postings lists to merge in Python: 3-5x slower for multi-word queries.
DEFAULT_FIELD = "text"
# Fields analysed with the stemmer: their query terms are what snippets highlight.
_STEMMED_FIELDS = frozenset({"title", "text", "note", "highlight"})


class IndexUnavailable(MarginError):
    """The index directory exists but cannot be read: the library rebuilds it."""


# --- schema ----------------------------------------------------------------------------


class FusedStemmingAnalyzer(Analyzer):
    """Whoosh's ``StemmingAnalyzer(WORD_PATTERN, STOP_WORDS, minsize=2)`` in one pass.

    Same tokens, positions and character offsets (tests compare the two), but one
    Python loop per word instead of a generator per filter per word: analysis was a
    third of indexing time. Stems go in a plain dict shared by every instance. It is
    pickled into the index schema, so it must stay importable under this name.
    """

    _stems: ClassVar[dict[str, str]] = {}

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # The whole value is one token (Whoosh asks for this for some query terms).
            yield from StemmingAnalyzer(
                expression=WORD_PATTERN, stoplist=STOP_WORDS, minsize=2, cachesize=-1
            )(
                value,
                positions=positions,
                chars=chars,
                keeporiginal=keeporiginal,
                removestops=removestops,
                start_pos=start_pos,
                start_char=start_char,
                tokenize=False,
                mode=mode,
                **kwargs,
            )
            return
        stems = self._stems
        stop_words = STOP_WORDS
        raw_pos = start_pos - 1  # the tokenizer's position: every word counts
        kept_pos = None  # StopFilter(renumber=True): kept words are numbered 1 apart
        for match in _WORD_RE.finditer(value):
            raw_pos += 1
            original = match.group()
            word = original.lower()
            stopped = len(word) < 2 or word in stop_words
            if stopped and removestops:
                continue
            if keeporiginal:
                token.original = original
            token.boost = 1.0
            token.stopped = stopped
            if stopped:
                token.text = word
                if positions:
                    token.pos = raw_pos
            else:
                stem = stems.get(word)
                if stem is None:
                    stem = stems[word] = _porter_stem(word)
                token.text = stem
                if positions:
                    kept_pos = raw_pos if kept_pos is None else kept_pos + 1
                    token.pos = kept_pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


def _text_analyzer() -> FusedStemmingAnalyzer:
    return FusedStemmingAnalyzer()


def _id_analyzer():  # type: ignore[no-untyped-def]
    # one lower-cased token: "format:JATS" finds "jats"
    return IDTokenizer() | LowercaseFilter()


def _cite_analyzer():  # type: ignore[no-untyped-def]
    # Whole identifiers (DOIs hold "/" and "."), lower-cased, scheme removed. Only
    # built-in Whoosh classes: the analyzer is pickled into the index.
    return (
        RegexTokenizer(r"[^\s,;]+")
        | LowercaseFilter()
        | SubstitutionFilter(_ID_SCHEME, "")
        | SubstitutionFilter(r"[.)\]]+$", "")
    )


def make_schema() -> fields.Schema:
    text = _text_analyzer()
    return fields.Schema(
        article_id=fields.ID(unique=True, stored=True),
        title=fields.TEXT(analyzer=text, stored=True, field_boost=2.0),
        text=fields.TEXT(analyzer=text),
        author=fields.TEXT(),  # no stemming: names
        site=fields.TEXT(),
        tag=fields.KEYWORD(lowercase=True, commas=True, scorable=True),
        category=fields.KEYWORD(lowercase=True, commas=True, scorable=True),
        published=fields.DATETIME(),
        format=fields.ID(analyzer=_id_analyzer()),
        url=fields.ID(analyzer=_id_analyzer()),
        note=fields.TEXT(analyzer=text),
        highlight=fields.TEXT(analyzer=text),
        cites=fields.TEXT(analyzer=_cite_analyzer(), phrase=False),
        # what a hit shows besides the title, without a trip to SQLite
        meta=fields.STORED(),
    )


def normalize_identifier(identifier: str) -> str:
    """The form an identifier is indexed and searched in (``PMID:1`` → ``1``)."""
    return _ID_SCHEME_RE.sub("", identifier.strip()).lower().rstrip(".)]")


def _naive_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def _fields_of(doc: IndexDocument) -> dict[str, object]:
    """The Whoosh document for one article. Empty fields are left out."""
    published = _naive_utc(doc.published)
    values: dict[str, object] = {
        "article_id": str(doc.article_id),
        "title": doc.title,
        "text": "\n".join(
            p
            for p in (doc.title, doc.title, *doc.authors, doc.body, doc.notes, doc.highlights)
            if p
        ),
        "author": "\n".join(doc.authors),
        "site": doc.site_name,
        "tag": ",".join(t.replace(",", " ") for t in doc.tags),
        "category": ",".join(c.replace(",", " ") for c in doc.categories),
        "published": published,
        "format": doc.source_format.lower(),
        "url": doc.url,
        "note": doc.notes,
        "highlight": doc.highlights,
        "cites": " ".join(c.replace(" ", "") for c in doc.cites),
        "meta": {
            "site": doc.site_name,
            "authors": list(doc.authors),
            "published": doc.published.isoformat() if doc.published else "",
        },
    }
    return {k: v for k, v in values.items() if v not in ("", None) or k == "title"}


# --- query parsing ---------------------------------------------------------------------


def _field_names() -> list[str]:
    names = set(make_schema().names()) - {"meta"}
    for aliases in FIELD_ALIASES.values():
        names.update(aliases)
    # longest first so "categories" is not read as "category" + "ies"
    return sorted(names, key=len, reverse=True)


_FIELD_NAMES = _field_names()
_FIELD_RE = "|".join(re.escape(n) for n in _FIELD_NAMES)
# A field name with nothing to search after it: "title:", "title: ", "title:)".
_EMPTY_FIELD_RE = re.compile(rf"(?<![\w\"])({_FIELD_RE}):(?=\s*(?:$|\)))", re.IGNORECASE)
# "PMID:123", "PMC123" and DOIs typed without "cites:": look in citations too.
_BARE_ID_RE = re.compile(
    r"(?<![\w:\"/.])(pmid:\s?\d+|pmc\d+|doi:\s?10\.\d{4,9}/\S+|10\.\d{4,9}/[^\s\"()]+)",
    re.IGNORECASE,
)


def _check_syntax(text: str) -> None:
    """Raise QueryError for what Whoosh would silently misread.

    Whoosh's parser never fails: it reads an unclosed quote as a word and drops a field
    name with nothing after it. We call these unreadable so the user can fix them rather
    than get results for a different question.
    """
    depth = 0
    quote_at = -1
    range_at = -1
    for i, ch in enumerate(text):
        if quote_at >= 0:
            if ch == '"':
                quote_at = -1
            continue
        if ch == '"':
            quote_at = i
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise QueryError(
                    f"The “)” at character {i + 1} closes nothing: remove it or add a “(”."
                )
        elif ch in "[{" and range_at < 0:
            range_at = i
        elif ch in "]}":
            range_at = -1
    if quote_at >= 0:
        raise QueryError(
            f'The quote at character {quote_at + 1} is never closed: add a closing " '
            "to search for the exact phrase, or remove it."
        )
    if depth > 0:
        raise QueryError("A “(” is never closed: add a “)” or remove it.")
    if range_at >= 0:
        raise QueryError(
            f"The range at character {range_at + 1} is never closed: write it like [2020 to 2023]."
        )
    m = _EMPTY_FIELD_RE.search(text)
    if m:
        raise QueryError(f"Nothing to search for after “{m.group(0)}”: add a word after it.")
    if re.search(r"\(\s*\)", text):
        raise QueryError("Empty parentheses “()”: put some words inside them or remove them.")


def _quote_bare_ids(text: str) -> str:
    """Let "PMID:123" typed alone find the articles that cite it, and the text itself."""
    out: list[str] = []
    pos = 0
    for m in _BARE_ID_RE.finditer(text):
        if text.count('"', 0, m.start()) % 2 == 1:
            continue  # inside a quoted phrase: leave it as the user wrote it
        ident = m.group(0).replace(" ", "")
        out.append(text[pos : m.start()])
        out.append(f'(cites:{ident} OR "{ident}")')
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


class _WordsOr(query.Or):
    """The words of a query typed without operators: any of them, all of them first.

    Matches like OR, ranked by BM25F; the score of an article that has every word is
    multiplied by ``1 + ALL_WORDS_BONUS``, so those come first and articles with some of
    the words still follow. (Giving partial matches a share of the bonus measured worse
    on NFCorpus.) ``NOT x`` beside the words excludes ``x``: a plain Or would have
    matched everything without ``x``.
    """

    def _matcher(self, subs, searcher, context):  # type: ignore[no-untyped-def]
        positives = [q for q in subs if not isinstance(q, query.Not)]
        negatives = [q.query for q in subs if isinstance(q, query.Not)]
        if not positives:
            return query.Not(_any_of(negatives)).matcher(searcher, context)
        m = _any_of(positives).with_boost(self.boost).matcher(searcher, context)
        if len(positives) > 1 and ALL_WORDS_BONUS > 0 and m.is_active():
            words = {term: i for i, sub in enumerate(positives) for term in _positive_terms(sub)}
            m = _AllWordsMatcher(m, words, len(positives), 1.0 + ALL_WORDS_BONUS)
        if negatives:
            excluded = _any_of(negatives).matcher(searcher, context)
            m = matching.AndNotMatcher(m, excluded)
        return m


class _AllWordsMatcher(matching.WrappingMatcher):
    """Multiplies a union's score by ``boost`` for articles that have all the words.

    One pass over the union (an extra AND clause would read every posting twice).
    ``boost`` is also applied to the quality bounds, so Whoosh's block skipping stays
    correct: no article scores above ``boost`` times the union's bound.
    """

    def __init__(self, child, words: dict[tuple[str, object], int], count: int, boost: float):  # type: ignore[no-untyped-def]
        super().__init__(child, boost=boost)
        self._words = words
        self._count = count

    def copy(self):  # type: ignore[no-untyped-def]
        return self.__class__(self.child.copy(), self._words, self._count, self.boost)

    def _replacement(self, newchild):  # type: ignore[no-untyped-def]
        return self.__class__(newchild, self._words, self._count, self.boost)

    def replace(self, minquality=0):  # type: ignore[no-untyped-def]
        # WrappingMatcher passes minquality on unscaled: parts of the union that could
        # still reach it with the bonus would be dropped.
        r = self.child.replace(minquality / self.boost if minquality else 0)
        return self if r is self.child else self._replacement(r)

    def score(self) -> float:
        found = set()
        for fieldname, text in self.child.matching_terms():
            if isinstance(text, bytes):
                text = text.decode("utf-8", "replace")
            i = self._words.get((fieldname, text))
            if i is not None:
                found.add(i)
        score = self.child.score()
        return score * self.boost if len(found) == self._count else score


def _any_of(queries: list[query.Query]) -> query.Query:
    return queries[0] if len(queries) == 1 else _TreeOr(queries)


class _WordsGroup(qparser.OrGroup):
    qclass = _WordsOr


# How the words of a query combine (benchmarks/bench_search.py swaps it to compare).
QUERY_GROUP: type[qparser.GroupNode] = _WordsGroup


class _Parser:
    """The app's query parser. Not thread-safe (date errors are collected per call)."""

    def __init__(self, schema: fields.Schema) -> None:
        self._date_errors: list[str] = []
        parser = qparser.QueryParser(DEFAULT_FIELD, schema, group=QUERY_GROUP)
        # Only real field names (and their aliases) make a field query, so "1:2" or
        # "PMID:123" in running text stay words.
        parser.replace_plugin(qparser.FieldsPlugin(expr=rf"(?P<text>(?:{_FIELD_RE})):"))
        parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
        parser.add_plugin(DateParserPlugin(callback=self._date_error))
        self._parser = parser

    def _date_error(self, node: object) -> None:
        self._date_errors.append(str(getattr(node, "text", node)))

    def parse(self, text: str) -> query.Query:
        _check_syntax(text)
        rewritten = _quote_bare_ids(text)
        # field names are case-insensitive for people: "Title:pain"
        rewritten = re.sub(
            rf"(?<![\w\"])({_FIELD_RE}):",
            lambda m: m.group(1).lower() + ":",
            rewritten,
            flags=re.IGNORECASE,
        )
        self._date_errors = []
        try:
            parsed = self._parser.parse(rewritten)
        except Exception as exc:  # Whoosh rarely raises; never show a traceback
            raise QueryError(f"Could not read the search “{text}”: {exc}") from exc
        if self._date_errors:
            bad = self._date_errors[0]
            raise QueryError(
                f"Could not read the date “{bad}”: write a year (2024), a month "
                "(2024-03), a day (2024-03-15) or a range like [2020 to 2023]."
            )
        return parsed


# --- bounded prefix / wildcard expansion -----------------------------------------------


def _bounded_terms(reader, fieldname: str, pattern: str, *, is_prefix: bool) -> list[str]:  # type: ignore[no-untyped-def]
    """The most frequent terms matching a prefix or glob, scanning a bounded lexicon."""
    if fieldname not in reader.schema:
        return []
    field = reader.schema[fieldname]
    if is_prefix:
        literal, regex = pattern, None
    else:
        cut = min((pattern.find(c) for c in "*?[" if c in pattern), default=len(pattern))
        literal, regex = pattern[:cut], re.compile(fnmatch.translate(pattern))
    # (text, terminfo) pairs: the document frequency comes with the term, no lookups.
    candidates = reader.iter_prefix(fieldname, literal) if literal else reader.iter_field(fieldname)
    found: list[tuple[int, str]] = []
    for n, (term, info) in enumerate(candidates):
        if n >= MAX_EXPANSION_SCAN:
            break
        if isinstance(term, bytes):
            term = field.from_bytes(term)
        if regex is not None and not regex.match(term):
            continue
        found.append((info.doc_frequency(), term))
    found.sort(key=lambda ft: (-ft[0], ft[1]))
    return [t for _, t in found[:MAX_EXPANSION]]


class _TreeOr(query.Or):
    """Or that always uses Whoosh's tree of union matchers.

    Whoosh picks an "array" matcher (score every posting up front) for Or on indexes
    under 5,000 articles, and the tree above: the tree lets the collector skip blocks
    that cannot reach the top hits, about twice as fast for words and phrases.
    """

    matcher_type = query.Or.DEFAULT_MATCHER


class _ExpansionOr(query.Or):
    """The terms a prefix expanded to, matched without scoring each posting.

    Like Whoosh's own Prefix (constant score): ``a*`` can touch most postings of the
    index, and scoring every one of them was the slowest query of the benchmark.
    Articles matching it still rank by the rest of the query.
    """

    matcher_type = query.Or.ARRAY_MATCHER

    def matcher(self, searcher, context=None):  # type: ignore[no-untyped-def]
        from whoosh.searching import SearchContext

        context = (context or SearchContext()).set(weighting=None)
        m = super().matcher(searcher, context)
        if context.needs_current or not m.is_active():
            return m
        ids = array.array("I", m.all_ids())
        return matching.ListMatcher(ids, all_weights=self.boost)


class _Phrase(query.Phrase):
    """A phrase (``"breast cancer"``): Whoosh's matches and scores, checked faster.

    Whoosh's own phrase matcher builds a Span object per position of every word in
    every article that has all the words, and never lets the collector skip a block of
    postings that cannot reach the top hits: phrases were the slow tail (10,000
    articles: "breast cancer" 300 ms where "meat AND cancer" took 60 ms). This one
    walks the same intersection of the words (so the score, BM25F of the words, is the
    same), lets block-quality skipping through, and checks adjacency with one set per
    word. Slop other than 1 (``"a b"~3``) goes to Whoosh.
    """

    def matcher(self, searcher, context=None):  # type: ignore[no-untyped-def]
        fieldname = self.fieldname
        if self.slop != 1 or len(self.words) < 2 or fieldname not in searcher.schema:
            return super().matcher(searcher, context)
        field = searcher.schema[fieldname]
        if not field.format or not field.format.supports("positions"):
            return super().matcher(searcher, context)  # raises Whoosh's error
        reader = searcher.reader()
        matchers = []
        for word in self.words:
            try:
                word_bytes = field.to_bytes(word)
            except ValueError:
                return matching.NullMatcher()
            if (fieldname, word_bytes) not in reader:
                return matching.NullMatcher()
            matchers.append(query.Term(fieldname, word_bytes).matcher(searcher, context))
        m: matching.Matcher = _PhraseMatcher(matchers)
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m


class _PhraseMatcher(matching.WrappingMatcher):
    """The articles of an intersection of words where the words are adjacent, in order.

    ``words`` are the term matchers (leaves) of ``child``; replacing the intersection
    for block quality keeps its leaves or goes inactive, so ``words`` stay valid.
    Positions are those the analyzer gave, stop words already removed and the rest
    renumbered, so adjacency here is what Whoosh's phrase query checks.
    """

    def __init__(self, words, child=None) -> None:  # type: ignore[no-untyped-def]
        if child is None:
            child = make_binary_tree(matching.IntersectionMatcher, words)
        super().__init__(child)
        self._words = words
        self._find_next()

    def copy(self):  # type: ignore[no-untyped-def]
        return self.__class__([m.copy() for m in self._words])

    def _replacement(self, newchild):  # type: ignore[no-untyped-def]
        return self.__class__(self._words, newchild)

    def replace(self, minquality=0):  # type: ignore[no-untyped-def]
        r = self.child.replace(minquality)
        if not r.is_active():
            return matching.NullMatcher()
        return self if r is self.child else self._replacement(r)

    def _adjacent(self) -> bool:
        words = self._words
        ends = words[0].value_as("positions")
        for m in words[1:]:
            after = {p + 1 for p in ends}
            ends = [p for p in m.value_as("positions") if p in after]
            if not ends:
                return False
        return True

    def _find_next(self) -> bool:
        """Move on to the next article that has the phrase; True if a block changed."""
        child = self.child
        moved = False
        while child.is_active() and not self._adjacent():
            moved = bool(child.next()) or moved
        return moved

    def next(self):  # type: ignore[no-untyped-def]
        moved = self.child.next()
        return self._find_next() or bool(moved)

    def skip_to(self, id):  # type: ignore[no-untyped-def]
        moved = self.child.skip_to(id)
        return self._find_next() or bool(moved)

    def skip_to_quality(self, minquality):  # type: ignore[no-untyped-def]
        # Whoosh's span matcher forgets to re-check after this skip.
        skipped = self.child.skip_to_quality(minquality)
        self._find_next()
        return skipped

    def all_ids(self):  # type: ignore[no-untyped-def]
        while self.is_active():
            yield self.id()
            self.next()

    def spans(self):  # type: ignore[no-untyped-def]
        raise NotImplementedError("phrase spans are not computed")


def _prepare(q: query.Query, reader) -> query.Query:  # type: ignore[no-untyped-def]
    """Bound prefix/wildcard expansion and choose the fast matcher for each Or/phrase."""

    def replace(node: query.Query) -> query.Query:
        if isinstance(node, query.Prefix | query.Wildcard) and node.text not in ("", "*"):
            terms = _bounded_terms(
                reader, node.fieldname, node.text, is_prefix=isinstance(node, query.Prefix)
            )
            if not terms:
                return query.NullQuery
            subs = [query.Term(node.fieldname, t, boost=node.boost) for t in terms]
            return _ExpansionOr(subs, boost=node.boost)
        if type(node) is query.Or:
            return _TreeOr(node.subqueries, boost=node.boost)
        if type(node) is query.Phrase:
            return _Phrase(
                node.fieldname,
                node.words,
                slop=node.slop,
                boost=node.boost,
                char_ranges=node.char_ranges,
            )
        return node

    return q.accept(replace)


def _positive_terms(q: query.Query) -> Iterator[tuple[str, str]]:
    """(field, text) of every term that should be highlighted: not those under NOT."""
    if isinstance(q, query.Not):
        return
    if isinstance(q, query.AndNot):
        yield from _positive_terms(q.a)
        return
    if isinstance(q, query.Term):
        yield q.fieldname, q.text
    elif isinstance(q, query.Phrase):
        for word in q.words:
            yield q.fieldname, word
    elif isinstance(q, query.Variations):
        yield q.fieldname, q.text
    for child in q.children():
        yield from _positive_terms(child)


# --- snippets --------------------------------------------------------------------------

_stem = functools.lru_cache(maxsize=100_000)(_porter_stem)
_SPACE_RE = re.compile(r"\s+")


def _escape(text: str) -> str:
    return html.escape(_SPACE_RE.sub(" ", text), quote=False)


def _match_spans(text: str, wanted: frozenset[str], cap: int = 200) -> list[tuple[int, int, str]]:
    """(start, end, stem) of the words of ``text`` whose stem is wanted, at most ``cap``.

    A Porter stem is a prefix of its word but for the last letter ("studi" for
    "study"), so a regex finds candidates by that prefix in C, and only those are
    stemmed in Python to confirm.
    """
    prefixes = {t[:-1] if len(t) > 3 or t.endswith("i") else t for t in wanted}
    prefixes = {p for p in prefixes if len(p) >= 2} or set(wanted)
    alternation = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    finder = re.compile(rf"(?<![\w.])(?:{alternation})\w*(?:\.\w+)*", re.IGNORECASE)
    spans: list[tuple[int, int, str]] = []
    for m in finder.finditer(text):
        word = m.group(0).lower()
        stem = word if word in wanted else _stem(word)
        if stem in wanted:
            spans.append((m.start(), m.end(), stem))
            if len(spans) >= cap:
                break
    return spans


def make_snippet(text: str, stems: Iterable[str], *, max_chars: int = SNIPPET_CHARS) -> str:
    """An HTML fragment of ``text`` around the densest cluster of matched words.

    ``stems`` are indexed terms (already stemmed, lower-case); a word of ``text``
    matches when its stem is one of them, so "pains" is marked for the term "pain".
    Matched words are wrapped in ``<b class="match">``; everything else is escaped.
    Cost is one regex pass over the text plus a stem per candidate word, so it is
    cheap enough to run for every hit on a page.
    """
    wanted = frozenset(stems)
    if not text:
        return ""
    spans = _match_spans(text, wanted) if wanted else []
    if not spans:
        end = _cut_end(text, 0, max_chars)
        return _escape(text[:end]) + ("…" if end < len(text) else "")

    # The window of max_chars holding the most distinct matched words (then the most).
    best = (0, 0, 0)  # (distinct, count, index of first span)
    j = 0
    for i, (start, _, _) in enumerate(spans):
        if j < i:
            j = i
        while j + 1 < len(spans) and spans[j + 1][1] - start <= max_chars:
            j += 1
        window = spans[i : j + 1]
        score = (len({stem for _, _, stem in window}), len(window), -i)
        if score > best:
            best = score
    first = -best[2]
    anchor = spans[first][0]
    # Start a little before the first match, at a word boundary.
    start = max(0, anchor - max_chars // 5)
    if start > 0:
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space >= 0 and anchor - space < max_chars // 2 else start
    end = _cut_end(text, start, max_chars)

    parts: list[str] = ["…" if start > 0 else ""]
    pos = start
    for s, e, _ in spans:
        if s < start:
            continue
        if e > end:
            break
        parts.append(_escape(text[pos:s]))
        parts.append(f'<b class="match">{html.escape(text[s:e], quote=False)}</b>')
        pos = e
    parts.append(_escape(text[pos:end]))
    if end < len(text):
        parts.append("…")
    return "".join(parts).strip()


def _cut_end(text: str, start: int, max_chars: int) -> int:
    end = start + max_chars
    if end >= len(text):
        return len(text)
    space = text.rfind(" ", start, end)
    return space if space > start + max_chars // 2 else end


# --- the index -------------------------------------------------------------------------

_CORRUPTION = (OSError, EOFError, struct.error, pickle.UnpicklingError, zlib.error)


class ArticleIndex:
    """The Whoosh index of one library, safe to use from several threads.

    Writes (``add``, ``delete``, ``rebuild``) go through one lock, so an import thread
    and a note being saved never race for Whoosh's single writer. Searches hold a
    separate lock (a Whoosh searcher's files are not safe for concurrent reads) and are
    only blocked by a write while a rebuild swaps directories.

    ``created`` is True when the constructor found no index and made an empty one: the
    caller should then :meth:`rebuild` it from the store.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._write_lock = threading.RLock()
        self._search_lock = threading.RLock()
        self._searcher: Searcher | None = None
        self._parser: _Parser | None = None
        self.created = False
        self._ix = self._open(self.directory)

    # -- opening -------------------------------------------------------------------

    @staticmethod
    def _storage(directory: Path) -> FileStorage:
        # No mmap: resident memory stays small on large libraries.
        return FileStorage(str(directory), supports_mmap=False)

    @classmethod
    def exists(cls, directory: Path) -> bool:
        """True when ``directory`` holds an index of this version (readable or not)."""
        directory = Path(directory)
        if not directory.is_dir():
            return False
        try:
            return any(
                name.startswith(f"_{INDEX_NAME}_") and name.endswith(".toc")
                for name in os.listdir(directory)
            )
        except OSError:
            return False

    @classmethod
    def open_or_create(cls, directory: Path) -> tuple[ArticleIndex, bool]:
        """Open the index, making a fresh one if it is missing or unreadable.

        Returns the index and whether it must be rebuilt from the store.
        """
        try:
            index = cls(directory)
        except IndexUnavailable:
            cls.destroy(directory)
            index = cls(directory)
            index.created = True
        return index, index.created

    @classmethod
    def destroy(cls, directory: Path) -> None:
        """Remove an index directory (derived data) so it can be made afresh."""
        directory = Path(directory)
        if directory.is_dir():
            shutil.rmtree(directory, ignore_errors=True)
        elif directory.exists():
            directory.unlink()

    def _open(self, directory: Path) -> FileIndex:
        if directory.exists() and not directory.is_dir():
            raise IndexUnavailable(f"The search index path {directory} is not a folder.")
        if not self.exists(directory):
            try:
                directory.mkdir(parents=True, exist_ok=True)
                ix = self._storage(directory).create_index(make_schema(), indexname=INDEX_NAME)
            except OSError as exc:
                raise IndexUnavailable(
                    f"Could not create the search index in {directory}: {exc.strerror or exc}"
                ) from exc
            self.created = True
            return ix
        reason = ""
        # Whoosh leaves the files of a corrupt index open when it fails to read them;
        # they close when the exception is dropped: no ResourceWarnings for that.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                ix = self._storage(directory).open_index(INDEX_NAME)
                # Opening reads only the table of contents; a reader touches each segment.
                with ix.reader() as reader:
                    reader.doc_count()
                    for name in ("title", "text"):
                        next(iter(reader.lexicon(name)), None)
                if set(ix.schema.names()) != set(make_schema().names()):
                    reason = "it was made by another version of Margin"
            except Exception as exc:
                # Any failure to read derived data means "rebuild it", never a crash.
                reason = f"{type(exc).__name__}: {exc}"
            if reason:
                gc.collect()
        if reason:
            raise IndexUnavailable(f"The search index in {directory} cannot be read ({reason}).")
        return ix

    # -- writing -------------------------------------------------------------------

    def _writer(self, ix: FileIndex | None = None, **kwargs: object) -> SegmentWriter:
        ix = ix or self._ix
        try:
            return ix.writer(timeout=WRITER_TIMEOUT_S, **kwargs)
        except LockError as exc:
            raise IndexUnavailable(
                "The search index is locked by another Margin process; try again."
            ) from exc

    def add(self, docs: Iterable[IndexDocument]) -> None:
        """Index articles, replacing any earlier version with the same article_id."""
        with self._write_lock:
            writer = self._writer(limitmb=128)
            try:
                for doc in docs:
                    writer.update_document(**_fields_of(doc))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    def delete(self, article_ids: Iterable[int]) -> None:
        with self._write_lock:
            writer = self._writer()
            try:
                for article_id in article_ids:
                    writer.delete_by_term("article_id", str(article_id))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    def rebuild(
        self,
        docs: Iterable[IndexDocument],
        *,
        progress: Callable[[int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> bool:
        """Index ``docs`` into a fresh index and swap it in when complete.

        The old index keeps answering searches meanwhile. Returns False (and leaves the
        old index untouched) when ``cancel()`` said so.
        """
        with self._write_lock:
            tmp = self.directory.with_name(self.directory.name + ".rebuild")
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            new_ix = self._storage(tmp).create_index(make_schema(), indexname=INDEX_NAME)
            docs_iter = iter(docs)
            head: list[IndexDocument] = []
            # One process, one segment. Measured on 1,000 articles of 2,000 words with
            # the fused analyzer: 83 articles/s, where Whoosh's two-process writer made
            # 50/s (its final merge into one segment runs in one process) or 107/s
            # left as two segments, which every search then pays for.
            writer = self._writer(new_ix, limitmb=REBUILD_LIMIT_MB)
            count = 0
            # The writer holds millions of small posting tuples; the cyclic garbage
            # collector kept rescanning them (3,000 articles: 38 → 47 articles/s
            # without it). Reference counting still frees everything meanwhile.
            gc_was_enabled = gc.isenabled()
            gc.disable()
            try:
                for doc in _chain(head, docs_iter):
                    if cancel is not None and count % 50 == 0 and cancel():
                        _cancel_writer(writer)
                        shutil.rmtree(tmp, ignore_errors=True)
                        return False
                    writer.add_document(**_fields_of(doc))
                    count += 1
                    if progress is not None and count % 100 == 0:
                        progress(count)
                writer.commit()
            except BaseException:
                _cancel_writer(writer)
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            finally:
                if gc_was_enabled:
                    gc.enable()
            if progress is not None:
                progress(count)
            self._swap_in(tmp)
            return True

    def _swap_in(self, tmp: Path) -> None:
        old = self.directory.with_name(self.directory.name + ".old")
        with self._search_lock:
            self._close_searcher()
            shutil.rmtree(old, ignore_errors=True)
            if self.directory.exists():
                self.directory.rename(old)
            tmp.rename(self.directory)
            shutil.rmtree(old, ignore_errors=True)
            self._ix = self._storage(self.directory).open_index(INDEX_NAME)
            self.created = False

    # -- reading -------------------------------------------------------------------

    def doc_count(self) -> int:
        with self._search_lock:
            return self._current_searcher().doc_count()

    def _current_searcher(self) -> Searcher:
        if self._searcher is None:
            self._searcher = self._ix.searcher(weighting=_weighting())
        elif self._ix.latest_generation() != self._searcher.reader().generation():
            # Not Searcher.refresh(): it reuses segment readers whose deletions changed,
            # so deleted articles stayed visible, and it leaks their files.
            self._searcher.close()
            self._searcher = self._ix.searcher(weighting=_weighting())
        return self._searcher

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def parse(self, text: str) -> query.Query:
        """The Whoosh query for ``text`` (raises QueryError); useful for debugging."""
        with self._search_lock:
            if self._parser is None:
                self._parser = _Parser(self._ix.schema)
            return self._parser.parse(text)

    def search(
        self,
        query_text: str,
        *,
        limit: int = 20,
        text_for: Callable[[int], str] | None = None,
        annotations_for: Callable[[int], list[tuple[str, str]]] | None = None,
    ) -> SearchResults:
        """Search the library; snippets come from ``text_for(article_id)`` for each hit.

        ``annotations_for(article_id)`` gives (uuid, highlighted text + note + tags) of
        an article's annotations: when the query asks for notes or highlights
        (``note:``, ``highlight:``), or the article's text has none of the words, the hit
        points at the first annotation that matches and shows it as the snippet, so
        opening the result can scroll there.

        Raises QueryError for a query that cannot be read, IndexUnavailable when the
        index files cannot be read (the library then rebuilds).
        """
        text = query_text.strip()
        if not text:
            return SearchResults(query=query_text, hits=[], total=0)
        with self._search_lock:
            parsed = self.parse(text)
            try:
                searcher = self._current_searcher()
                bounded = _prepare(parsed, searcher.reader())
                results = searcher.search(bounded, limit=limit)
                scored = results.scored_length()
                total = scored if scored < limit else results.estimated_length()
                found = [(hit.fields(), hit.score) for hit in results]
            except QueryError:
                raise
            except _CORRUPTION as exc:
                raise IndexUnavailable(f"The search index cannot be read: {exc}") from exc
        positive = list(_positive_terms(bounded))
        stems = {t for f, t in positive if f in _STEMMED_FIELDS}
        wants_annotations = any(f in ("note", "highlight") for f, _ in positive)
        hits: list[SearchHit] = []
        for stored, score in found:
            article_id = int(stored["article_id"])
            meta = stored.get("meta") or {}
            snippet = make_snippet(text_for(article_id), stems) if text_for else ""
            annotation_uuid = None
            if annotations_for is not None and (wants_annotations or _MATCH not in snippet):
                for uuid, annotation_text in annotations_for(article_id):
                    marked = make_snippet(annotation_text, stems)
                    if _MATCH in marked:
                        annotation_uuid, snippet = uuid, marked
                        break
            hits.append(
                SearchHit(
                    article_id=article_id,
                    title=stored.get("title", ""),
                    score=float(score),
                    snippet_html=snippet,
                    site_name=meta.get("site", ""),
                    authors=list(meta.get("authors", [])),
                    published=meta.get("published", ""),
                    annotation_uuid=annotation_uuid,
                )
            )
        return SearchResults(query=query_text, hits=hits, total=total)

    def close(self) -> None:
        with self._search_lock:
            self._close_searcher()
            with contextlib.suppress(Exception):
                self._ix.close()

    def __enter__(self) -> ArticleIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# BM25F parameters (the usual defaults; titles are short, so length-normalised less).
BM25_K1 = 1.2
BM25_B = 0.75
BM25_TITLE_B = 0.5


def _weighting() -> scoring.WeightingModel:
    return scoring.BM25F(B=BM25_B, K1=BM25_K1, title_B=BM25_TITLE_B)


def _chain(head: list[IndexDocument], rest: Iterator[IndexDocument]) -> Iterator[IndexDocument]:
    yield from head
    yield from rest


def _cancel_writer(writer: SegmentWriter) -> None:
    """Abandon a writer; a multi-process writer's workers are stopped, not awaited."""
    for task in getattr(writer, "tasks", []):
        with contextlib.suppress(Exception):
            task.terminate()
            task.join(5)
    with contextlib.suppress(Exception):
        SegmentWriter.cancel(writer)
