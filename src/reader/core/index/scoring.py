"""Scoring, date filters and the top-hits collector, tuned for speed.

The index is opened without mmap (resident memory stays small on large libraries), so
every small read Whoosh makes is a seek and a read. Two kinds of read were a large part
of a search at 10,000 articles (measured with cProfile, 2 busy cores):

- BM25F asks each scored article's field length: one read per article per term,
  ~25 µs each, 13% of a single-word search. :class:`CachedBM25F` reads a segment's
  lengths once (one byte an article and field) and then looks them up in an array;
- a date range (``published:[2010 to 2015]``) expands into hundreds of terms of
  Whoosh's tiered numeric field whose postings are merged in Python: ~150 ms per
  segment for each search. :class:`ColumnDateRange` reads the segment's dates once
  from a column (8 bytes an article) and compares numbers.

The top-hits collector knows early that tied hits cannot enter (:class:`TopCollector`).

Ranking stays BM25F with the all-words bonus (matchers.WordsOr). Measured on NFCorpus
dev and not kept (issue 13; ``bench_search.py relevance --experiments``, figures in
benchmarks/relevance_experiments.py): RM3-style feedback from the top 3 articles
gained +0.011 nDCG@10 on title queries only by listing articles that lack the typed
word (+0.003 when a one-word search keeps to its word) and tripled p95 latency; a
phrase-proximity bonus lost 0.002-0.010.

Segments never change once written (deletions aside, which matchers check), so what is
read is kept per segment id and shared by every searcher; a handful of segments'
worth is kept (:data:`CACHED_SEGMENTS`).
"""

from __future__ import annotations

import array
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from whoosh import collectors, columns, matching, query, scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.util.numeric import byte_to_length

__all__ = [
    "CACHED_SEGMENTS",
    "CachedBM25F",
    "ColumnDateRange",
    "TopCollector",
    "cached",
    "column_ranges",
    "field_lengths",
    "numeric_column",
    "segment_id",
]

# How many (segment, field) arrays are kept: a library has one large segment and a
# few small ones between merges.
CACHED_SEGMENTS = 64

_LENGTH_OF_BYTE = [byte_to_length(b) for b in range(256)]
_cache: OrderedDict[tuple[str, str], array.array] = OrderedDict()
_cache_lock = threading.Lock()


def segment_id(reader: Any) -> str | None:
    """The id of the one segment ``reader`` reads (None: not a segment's reader)."""
    segment = getattr(reader, "segment", None)
    if not callable(segment):
        return None
    found: Any = segment()  # a Whoosh segment (untyped)
    return found.segment_id()


def cached(reader, kind: str, load: Callable[[], array.array]) -> array.array | None:
    """The array ``load()`` reads for this segment, read once."""
    segment = segment_id(reader)
    if segment is None:  # not one segment's reader: no caching
        return None
    key = (segment, kind)
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    values = load()
    with _cache_lock:
        _cache[key] = values
        while len(_cache) > CACHED_SEGMENTS:
            _cache.popitem(last=False)
    return values


def numeric_column(column: Any, typecode: str) -> array.array:
    """Every value of a segment's numeric column as an array of ``typecode``.

    Whoosh's own ``load()`` reads a value at a time, a file read each: 43 ms for the
    lengths of 10,000 articles on a library's first search. Its fixed-size columns
    are one run of big-endian numbers, read here at once.
    """
    if isinstance(column, columns.NumericColumn.Reader):
        # Whoosh keeps the column's place and size on the reader only.
        dbfile, base = column._dbfile, column._basepos  # noqa: SLF001
        count, size = column._count, column._fixedlen  # noqa: SLF001
        stored = array.array(column._typecode)  # noqa: SLF001
        if stored.itemsize == size:
            stored.frombytes(bytes(dbfile.get(base, count * size)))
            if size > 1 and sys.byteorder == "little":
                stored.byteswap()
            missing = column._doccount - count  # noqa: SLF001 - the rest have the default
            values = array.array(typecode, stored)
            values.extend([column._default] * missing)  # noqa: SLF001
            return values
    return array.array(typecode, column.load())


def field_lengths(reader, fieldname: str) -> array.array | None:
    """A segment's length of ``fieldname`` for every article, read once (None: not a
    segment of Whoosh's codec)."""
    def load() -> array.array:
        # The per-document reader's own length column (Whoosh keeps no public way to
        # read a whole column of lengths); a byte an article, decoded once.
        column = reader._perdoc.column_reader(f"_{fieldname}_len", LENGTHS_COLUMN)  # noqa: SLF001
        return array.array("I", (_LENGTH_OF_BYTE[b] for b in numeric_column(column, "B")))

    try:
        return cached(reader, f"len:{fieldname}", load)
    except (AttributeError, KeyError, OSError):
        return None  # another reader or codec: Whoosh's own lookups still work


class CachedBM25F(scoring.BM25F):
    """Whoosh's BM25F, same scores, with field lengths looked up in memory."""

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, scoring.BM25FScorer):
            lengths = field_lengths(searcher.reader(), fieldname)
            if lengths is not None:
                scorer.dfl = lengths.__getitem__
        return scorer


class TopCollector(collectors.TopCollector):
    """Whoosh's top-N collector, told the lowest score that can still enter once full.

    Whoosh raised that bar only when a better hit replaced a worse one, so when the
    first page tied (a prefix alone scores every article the same) no block was ever
    skipped and every matching article was read.
    """

    def _collect(self, global_docnum, score):
        sort_key = super()._collect(global_docnum, score)
        if len(self.items) == self.limit:
            self.minscore = self.items[0][0]
        return sort_key


class ColumnDateRange(query.NumericRange):
    """A date range matched from the field's column (see the module docstring).

    Same articles as Whoosh's :class:`~whoosh.query.DateRange`; it falls back to it
    when the segment has no column.
    """

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        field = reader.schema[self.fieldname]

        def load() -> array.array:
            column = reader.column_reader(self.fieldname, translate=False)
            return numeric_column(column, "Q")

        if not reader.has_column(self.fieldname):
            return super().matcher(searcher, context)
        values = cached(reader, f"col:{self.fieldname}", load)
        if values is None:
            return super().matcher(searcher, context)
        missing = field.default  # the column's value for an article without a date
        low, high = self.start, self.end
        ids = array.array(
            "I",
            (
                docnum
                for docnum, value in enumerate(values)
                if value != missing
                and (low is None or value > low or (value == low and not self.startexcl))
                and (high is None or value < high or (value == high and not self.endexcl))
            ),
        )
        if reader.has_deletions():
            ids = array.array("I", (d for d in ids if not reader.is_deleted(d)))
        if not ids:
            return matching.NullMatcher()
        return matching.ListMatcher(ids, all_weights=self.boost)


def column_ranges(q: query.Query, sortable: frozenset[str]) -> query.Query:
    """``q`` with its numeric ranges on ``sortable`` fields read from their columns."""

    def replace(node: query.Query) -> query.Query:
        if type(node) in (query.NumericRange, query.DateRange) and node.fieldname in sortable:
            return ColumnDateRange(
                node.fieldname,
                node.start,
                node.end,
                startexcl=node.startexcl,
                endexcl=node.endexcl,
                boost=node.boost,
            )
        return node

    return q.accept(replace)
