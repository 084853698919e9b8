"""The index's schema and its text analyzer: what an article becomes in Whoosh.

Choices that matter for speed (measured on a 2-core machine, see benchmarks/):

- the article body is indexed but not stored: snippets are made from the plain text the
  caller hands to search (see :mod:`.snippets`), and only for the hits shown;
- plain words search one combined field ("text"), not five: one postings list per word
  (searching five fields made every word five postings lists to merge in Python: 3-5x
  slower for multi-word queries);
- analysis runs in one Python loop per word (:class:`FusedStemmingAnalyzer`): Whoosh's
  chain of generators was a third of indexing time.

The index name carries the schema version: an index written with another schema is
simply "missing" for this version, so the library rebuilds it instead of failing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import ClassVar

from whoosh import fields
from whoosh.analysis import (
    Analyzer,
    IDTokenizer,
    LowercaseFilter,
    RegexTokenizer,
    StemmingAnalyzer,
    SubstitutionFilter,
    Token,
)
from whoosh.lang.porter import stem as _porter_stem

from reader.core.index.snippets import note_text
from reader.core.model import IndexDocument

__all__ = [
    "DEFAULT_FIELD",
    "FIELD_ALIASES",
    "INDEX_NAME",
    "SORTABLE_FIELDS",
    "STEMMED_FIELDS",
    "STOP_WORDS",
    "WORD_PATTERN",
    "FusedStemmingAnalyzer",
    "fields_of",
    "make_schema",
    "normalise_identifier",
]

# v4: "tag" holds highlight tags too, and hits carry the article's own tags.
# v5: "published" has a column too (date ranges are read from it, see scoring.py).
# v6: notes are indexed as the text their Markdown reads as.
INDEX_NAME = "margin_v6"


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
WORD_RE = re.compile(WORD_PATTERN)

# Identifiers are compared without their scheme: "PMID:123" and "123" are the same
# citation, as are "doi:10.1/x", "https://doi.org/10.1/x" and "10.1/X".
ID_SCHEME = r"^(?:pmid:\s*|pmcid:\s*|doi:\s*|https?://(?:dx\.)?doi\.org/)"
ID_SCHEME_RE = re.compile(ID_SCHEME, re.IGNORECASE)

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

# Plain words search one field, "text": the title (twice, as a boost), authors, body,
# notes and highlighted passages together.
DEFAULT_FIELD = "text"
# Fields with a column (one value an article): ranges on them read it.
SORTABLE_FIELDS = frozenset({"published"})
# Fields analysed with the stemmer: their query terms are what snippets highlight.
STEMMED_FIELDS = frozenset({"title", "text", "note", "highlight"})


class FusedStemmingAnalyzer(Analyzer):
    """Whoosh's ``StemmingAnalyzer(WORD_PATTERN, STOP_WORDS, minsize=2)`` in one pass.

    Same tokens, positions and character offsets (tests compare the two), but one
    Python loop per word instead of a generator per filter per word: analysis was a
    third of indexing time. Stems go in a plain dict shared by every instance. It is
    pickled into the index schema, so it must stay importable as
    ``reader.core.index.FusedStemmingAnalyzer``.
    """

    _stems: ClassVar[dict[str, str]] = {}

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
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
        for match in WORD_RE.finditer(value):
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


# Pickled under the package's name, which the package re-exports: indexes written before
# the index module became a package still open, and moving this class between the
# package's modules cannot make an index unreadable.
FusedStemmingAnalyzer.__module__ = "reader.core.index"


def _text_analyzer() -> FusedStemmingAnalyzer:
    return FusedStemmingAnalyzer()


def _id_analyzer():
    # one lower-cased token: "format:JATS" finds "jats"
    return IDTokenizer() | LowercaseFilter()


def _cite_analyzer():
    # Whole identifiers (DOIs hold "/" and "."), lower-cased, scheme removed. Only
    # built-in Whoosh classes: the analyzer is pickled into the index.
    return (
        RegexTokenizer(r"[^\s,;]+")
        | LowercaseFilter()
        | SubstitutionFilter(ID_SCHEME, "")
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
        published=fields.DATETIME(sortable=True),
        format=fields.ID(analyzer=_id_analyzer()),
        url=fields.ID(analyzer=_id_analyzer()),
        note=fields.TEXT(analyzer=text),
        highlight=fields.TEXT(analyzer=text),
        cites=fields.TEXT(analyzer=_cite_analyzer(), phrase=False),
        # what a hit shows besides the title, without a trip to SQLite
        meta=fields.STORED(),
    )


def normalise_identifier(identifier: str) -> str:
    """The form an identifier is indexed and searched in (``PMID:1`` → ``1``)."""
    return ID_SCHEME_RE.sub("", identifier.strip()).lower().rstrip(".)]")


def _naive_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def fields_of(doc: IndexDocument) -> dict[str, object]:
    """The Whoosh document for one article. Empty fields are left out."""
    # Imported here: only indexing needs the citation keys, and `margin search` should
    # not load the citations package at start-up (issue 13).
    from reader.core.citations import identifier_key

    published = _naive_utc(doc.published)
    # Notes are Markdown: "_cystitis_" must be found as "cystitis"
    notes = note_text(doc.notes) if doc.notes else ""
    values: dict[str, object] = {
        "article_id": str(doc.article_id),
        "title": doc.title,
        "text": "\n".join(
            p for p in (doc.title, doc.title, *doc.authors, doc.body, notes, doc.highlights) if p
        ),
        "author": "\n".join(doc.authors),
        "site": doc.site_name,
        # "tag:" finds an article by its own tags and by the tags of its highlights
        "tag": ",".join(
            t.replace(",", " ") for t in dict.fromkeys([*doc.tags, *doc.highlight_tags])
        ),
        "category": ",".join(c.replace(",", " ") for c in doc.categories),
        "published": published,
        "format": doc.source_format.lower(),
        "url": doc.url,
        "note": notes,
        "highlight": doc.highlights,
        # citation keys; an identifier written any other way gets its key
        "cites": " ".join(identifier_key(c) or c.replace(" ", "") for c in doc.cites),
        "meta": {
            "site": doc.site_name,
            "authors": list(doc.authors),
            "published": doc.published.isoformat() if doc.published else "",
            "tags": [t.lower() for t in doc.tags],  # a "tag:" hit on these is the article's
        },
    }
    return {k: v for k, v in values.items() if v not in ("", None) or k == "title"}
