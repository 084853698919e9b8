"""Reading what people type into a Whoosh query.

Whoosh's parser never fails: it reads an unclosed quote as a word and drops a field name
with nothing after it. :func:`check_syntax` calls these unreadable (a
:class:`~reader.core.errors.QueryError` with a message saying what to fix) so the user
can fix them rather than get results for a different question. Only real field names
(and their aliases, :data:`~.schema.FIELD_ALIASES`) make a field query, so "1:2" or
"PMID:123" in running text stay words; "PMID:123", "PMC123" and DOIs typed alone also
look in citations.

Filters filter: plain words are OR-ed and ranked (:class:`~.matchers.WordsOr`), but a
field or range clause beside them (``published:[2010 to 2015] cancer``,
``tag:sleep coffee``) restricts the results instead of adding to them
(:func:`restrict_by_filters`): Whoosh's OR read that query as "published in those years
*or* about cancer", which scored nearly every article and was the slow tail. Filters on
different fields are all required (``author:smith tag:sleep``); values of one field are
alternatives (``tag:sleep tag:coffee``), as in the facets of a shop.

A prefix needs at least :data:`MIN_PREFIX` characters before ``*``: ``a*`` took
225-425 ms at 10,000 articles and matched nearly everything anyway.
"""

from __future__ import annotations

import re

from whoosh import fields, qparser, query

from reader.core.errors import QueryError
from reader.core.index.matchers import Filtered, WordsOr
from reader.core.index.schema import (
    DEFAULT_FIELD,
    FIELD_ALIASES,
    STOP_WORDS,
    WORD_RE,
    make_schema,
)

__all__ = ["MIN_PREFIX", "QUERY_GROUP", "QueryParser", "check_syntax", "restrict_by_filters"]

# Characters a prefix or wildcard needs before its first "*".
MIN_PREFIX = 2


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


# "cites:" (or an alias) and the identifier, link or key after it.
_CITES_NAMES = sorted(["cites", *FIELD_ALIASES["cites"]], key=len, reverse=True)
_CITES_TERM_RE = re.compile(rf"(?<![\w\"])(?:{'|'.join(_CITES_NAMES)}):([^\s\"]+)", re.I)
_IDENTIFIER_RE = re.compile(rf"{_CITES_TERM_RE.pattern}|{_BARE_ID_RE.pattern}", re.IGNORECASE)


def _cites_term(written: str) -> str:
    """``cites:`` with the key the library stores for what was written, quoted for Whoosh.

    ``PMC6493703``, ``PMC:PMC6493703``, a PMC or doi.org address and a printed PII all
    become the same key (:func:`reader.core.citations.identifier_key`); what names no
    identifier or link stays as written.
    """
    tail = ""
    while written.endswith(")") and written.count(")") > written.count("("):
        written, tail = written[:-1], ")" + tail  # the ")" closes the user's group
    # Imported here: the citations package (classifier, URL rules, sentence splitter)
    # costs every `margin search` start-up, and only a cites: query needs it (issue 13).
    from reader.core.citations import identifier_key

    key = identifier_key(written)
    return f"cites:'{key}'{tail}" if key and "'" not in key else f"cites:{written}{tail}"


def _quote_bare_ids(text: str) -> str:
    """Let "PMID:123" typed alone find the articles that cite it, and the text itself;
    and let ``cites:`` find an identifier however it is written."""
    out: list[str] = []
    pos = 0
    for m in _IDENTIFIER_RE.finditer(text):
        if text.count('"', 0, m.start()) % 2 == 1:
            continue  # inside a quoted phrase: leave it as the user wrote it
        out.append(text[pos : m.start()])
        if m.group(1) is not None:
            out.append(_cites_term(m.group(1)))
        else:
            ident = m.group(0).replace(" ", "")
            out.append(f'({_cites_term(ident)} OR "{ident}")')
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


# A date field named in a query (its aliases too), where the date grammar is needed.
_DATE_FIELD = re.compile(
    r"\b(?:" + "|".join(["published", *FIELD_ALIASES.get("published", [])]) + r")\s*:",
    re.IGNORECASE,
)


class WordsGroup(qparser.OrGroup):
    qclass = WordsOr


# How the words of a query combine (benchmarks/bench_search.py swaps it to compare).
QUERY_GROUP: type[qparser.GroupNode] = WordsGroup


class QueryParser:
    """The app's query parser. Not thread-safe (date errors are collected per call)."""

    def __init__(self, schema: fields.Schema) -> None:
        self._date_errors: list[str] = []
        self._schema = schema
        self._parser = self._make(dates=False)
        # Whoosh's English date grammar compiles ~70 regular expressions: ~10 ms that a
        # new `margin search` process would spend on every query. Only a query that
        # names a date field needs it.
        self._date_parser: qparser.QueryParser | None = None

    def _make(self, *, dates: bool) -> qparser.QueryParser:
        parser = qparser.QueryParser(DEFAULT_FIELD, self._schema, group=QUERY_GROUP)
        # Only real field names (and their aliases) make a field query, so "1:2" or
        # "PMID:123" in running text stay words.
        parser.replace_plugin(qparser.FieldsPlugin(expr=rf"(?P<text>(?:{_FIELD_RE})):"))
        parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
        if dates:
            from whoosh.qparser.dateparse import DateParserPlugin  # 2 ms at import

            parser.add_plugin(DateParserPlugin(callback=self._date_error))
        return parser

    def _parser_for(self, text: str) -> qparser.QueryParser:
        if not _DATE_FIELD.search(text):
            return self._parser
        if self._date_parser is None:
            self._date_parser = self._make(dates=True)
        return self._date_parser

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
            parsed = self._parser_for(rewritten).parse(rewritten)
        except Exception as exc:  # Whoosh rarely raises; never show a traceback
            raise QueryError(f"Could not read the search “{text}”: {exc}") from exc
        if self._date_errors:
            bad = self._date_errors[0]
            raise QueryError(
                f"Could not read the date “{bad}”: write a year (2024), a month "
                "(2024-03), a day (2024-03-15) or a range like [2020 to 2023]."
            )
        _check_prefixes(parsed)
        return restrict_by_filters(parsed)


def only_common_words(text: str) -> bool:
    """A query whose words are all stop words, which the index leaves out: it finds
    nothing, and "No articles match 'the'" would be untrue (the CLI and the window say
    the words are too common instead)."""
    words = [w.lower() for w in WORD_RE.findall(text)]
    return bool(words) and all(w in STOP_WORDS for w in words)


def _check_prefixes(q: query.Query) -> None:
    """Refuse ``a*``: a one-letter prefix is slow and matches most of the library."""
    for node in q.leaves():
        if isinstance(node, query.Prefix):
            literal = node.text
        elif isinstance(node, query.Wildcard) and "*" in node.text:
            literal = re.split(r"[*?\[]", node.text, maxsplit=1)[0]
        else:
            continue
        if len(literal) < MIN_PREFIX:
            typed = f"{literal}*" if isinstance(node, query.Prefix) else node.text
            raise QueryError(
                f"“{typed}” is too short to search for: type at least {MIN_PREFIX} letters "
                "before the * (one letter would match most of the library)."
            )


def _fields_in(q: query.Query) -> set[str]:
    names: set[str] = set()
    fieldname = getattr(q, "fieldname", None)
    if fieldname:
        names.add(fieldname)
    for child in q.children():
        names |= _fields_in(child)
    return names


def _is_filter(q: query.Query) -> bool:
    """A clause that names fields, none of them the plain-words field (or a range)."""
    if isinstance(q, query.Not):
        return False
    names = _fields_in(q)
    return bool(names) and DEFAULT_FIELD not in names


def restrict_by_filters(q: query.Query) -> query.Query:
    """Field and range clauses beside plain words restrict them (see the module docstring).

    Within each group of words: the words stay one ranked OR (with their ``NOT``s); the
    filters become a required clause that adds nothing to the score (Whoosh's
    ``Require``), so ranking is that of the words alone. A group of one field's values
    alone (``title:(pain chronic)``) stays a ranked OR within that field.
    """

    def split(node: query.Query) -> query.Query:
        if not isinstance(node, WordsOr):
            return node
        by_fields: dict[frozenset[str], list[query.Query]] = {}
        rest: list[query.Query] = []
        for sub in node.subqueries:
            if _is_filter(sub):
                by_fields.setdefault(frozenset(_fields_in(sub)), []).append(sub)
            else:
                rest.append(sub)
        if not by_fields or (not rest and len(by_fields) == 1):
            return node  # words, or values of one field ("tag:a tag:b"): any of them
        parts = [subs[0] if len(subs) == 1 else query.Or(subs) for subs in by_fields.values()]
        required = parts[0] if len(parts) == 1 else query.And(parts)
        if any(not isinstance(sub, query.Not) for sub in rest):
            return Filtered(WordsOr(rest, boost=node.boost), required)
        if rest:  # only exclusions beside the filters: "tag:sleep NOT coffee"
            excluded = [sub.query for sub in rest if isinstance(sub, query.Not)]
            either = excluded[0] if len(excluded) == 1 else query.Or(excluded)
            return query.AndNot(required, either)
        return required

    return q.accept(split)
