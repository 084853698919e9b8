"""The full-text index of a library (Whoosh): schema, query parsing, matching, snippets,
spelling suggestions and :class:`ArticleIndex`, which puts them together.

One module per idea, each with its own measurements in its docstring:

- :mod:`.schema`: the fields and the one-pass stemming analyzer;
- :mod:`.parsing`: what people type → a Whoosh query, with clear errors;
- :mod:`.matchers`: the ranked OR of plain words, filters, NOT, the phrase matcher;
- :mod:`.expansion`: prefix and wildcard queries, bounded;
- :mod:`.snippets`: the lines around a hit's matched words, as safe HTML;
- :mod:`.hits`: what a hit shows, and the highlight or note it opens at;
- :mod:`.spelling`: "did you mean", from the library's own words;
- :mod:`.scoring`: BM25F, date ranges and the top-hits collector, tuned for speed;
- :mod:`.bulk`: words, AND and phrases scored a term at a time, for big libraries;
- :mod:`.ranking`: which evaluation finds the top hits;
- :mod:`.light_whoosh`: Whoosh imported without what it never uses here;
- :mod:`.article_index`: opening, writing, rebuilding and searching the index.

Everything callers use is re-exported here: ``from reader.core.index import ArticleIndex``.
"""

from reader.core.index import light_whoosh

light_whoosh.import_whoosh()  # before any module below imports Whoosh: see light_whoosh

from reader.core.index.article_index import ArticleIndex, IndexUnavailable  # noqa: E402
from reader.core.index.expansion import MAX_EXPANSION  # noqa: E402
from reader.core.index.schema import (  # noqa: E402
    FIELD_ALIASES,
    STOP_WORDS,
    WORD_PATTERN,
    FusedStemmingAnalyzer,
    normalise_identifier,
)
from reader.core.index.snippets import make_snippet  # noqa: E402

__all__ = [
    "FIELD_ALIASES",
    "MAX_EXPANSION",
    "STOP_WORDS",
    "WORD_PATTERN",
    "ArticleIndex",
    "FusedStemmingAnalyzer",
    "IndexUnavailable",
    "make_snippet",
    "normalise_identifier",
]
