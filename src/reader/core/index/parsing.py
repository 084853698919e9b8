"""Reading what people type into a Whoosh query.

Whoosh's parser never fails: it reads an unclosed quote as a word and drops a field name
with nothing after it. :func:`check_syntax` calls these unreadable (a
:class:`~reader.core.errors.QueryError` with a message saying what to fix) so the user
can fix them rather than get results for a different question. Only real field names
(and their aliases, :data:`~.schema.FIELD_ALIASES`) make a field query, so "1:2" or
"PMID:123" in running text stay words; "PMID:123", "PMC123" and DOIs typed alone also
look in citations.
"""

from __future__ import annotations

import re

from whoosh import fields, qparser, query
from whoosh.qparser.dateparse import DateParserPlugin

from reader.core.errors import QueryError
from reader.core.index.matchers import WordsOr
from reader.core.index.schema import DEFAULT_FIELD, FIELD_ALIASES, make_schema

__all__ = ["QUERY_GROUP", "QueryParser", "check_syntax"]


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


def check_syntax(text: str) -> None:
    """Raise QueryError for what Whoosh would silently misread (see the module docstring)."""
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


class WordsGroup(qparser.OrGroup):
    qclass = WordsOr


# How the words of a query combine (benchmarks/bench_search.py swaps it to compare).
QUERY_GROUP: type[qparser.GroupNode] = WordsGroup


class QueryParser:
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
        check_syntax(text)
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
