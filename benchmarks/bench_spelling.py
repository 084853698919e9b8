"""How often "Did you mean" finds the word that was meant, and what it costs.

The library is NFCorpus dev (3,193 medical abstracts) plus the app's sample articles
(resources/sample), indexed with the app's ArticleIndex. The words are the library's own
health vocabulary: every word of six letters or more in NFCorpus's dev queries (topics
people searched for: "sclerosis", "cholesterol", "acupuncture") and in the sample
articles' titles that at least 5 articles contain, one per stem. Each word is misspelled
four ways, deterministically (a seeded random position after the first letter, which
people rarely get wrong): a letter deleted, two neighbours swapped, a letter replaced,
a letter inserted. A misspelling that is itself a word of the library is dropped: it is
not misspelled as far as search can tell. (The first letter is kept because people
rarely get it wrong; the corrector prefers corrections that keep it, so a first-letter
typo is corrected less often than these figures say.)

Each misspelling is searched through ArticleIndex.search, as the app does. A suggestion
is *right* when it is the word (or a form of it with the same stem: "cancers" for
"cancer"), *wrong* when it is another word, *none* when there is no suggestion.

    python benchmarks/bench_spelling.py            # the table, and the issue's examples
    python benchmarks/bench_spelling.py --show 20  # also 20 of the misses
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from whoosh.index import open_dir
from whoosh.lang.porter import stem
from whoosh.reading import IndexReader

from reader.core.index import STOP_WORDS, ArticleIndex
from reader.core.index.schema import INDEX_NAME
from reader.core.library import Library
from reader.core.model import IndexDocument

REPO = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("MARGIN_CORPORA", REPO.parent / "shared" / "corpora"))
NFCORPUS = CORPORA / "nfcorpus"
SAMPLE = REPO / "resources" / "sample"
LETTERS = "abcdefghijklmnopqrstuvwxyz"
KINDS = ("deletion", "transposition", "substitution", "insertion")
MIN_WORD = 6
MIN_ARTICLES = 5
EXAMPLES = ["ketamne", "acupunture", "menigitis", "chronc pain", "diabetis diet", "cholestrol"]


def _document(article_id: int, title: str, body: str) -> IndexDocument:
    return IndexDocument(
        article_id=article_id,
        title=title,
        body=body,
        authors=[],
        site_name="",
        tags=[],
        categories=[],
        published=None,
        source_format="bench",
        url="",
    )


def library_documents() -> tuple[list[IndexDocument], list[str]]:
    """The NFCorpus dev abstracts and the sample articles; and the sample titles."""
    docs = []
    with open(NFCORPUS / "dev.docs", encoding="utf-8") as f:
        for line in f:
            docs.append(_document(len(docs) + 1, "", line.rstrip("\n").partition("\t")[2]))
    titles = []
    with tempfile.TemporaryDirectory() as tmp:
        library = Library.open(Path(tmp) / "sample")
        library.import_paths(sorted(SAMPLE.iterdir()))
        for article_id in library.article_ids():
            article = library.article(article_id)
            docs.append(_document(len(docs) + 1, article.title, article.text))
            titles.append(article.title)
        library.close()
    return docs, titles


def vocabulary(reader: IndexReader, titles: list[str]) -> list[str]:
    """Health words of the library, one per stem, that enough articles contain."""
    texts = list(titles)
    for kind in ("titles", "vid-titles", "nontopic-titles"):
        with open(NFCORPUS / f"dev.{kind}.queries", encoding="utf-8") as f:
            texts.extend(line.rstrip("\n").partition("\t")[2] for line in f)
    words: dict[str, str] = {}
    for text in texts:
        for word in text.lower().split():
            word = word.strip(".,:;()?!'\"")
            if len(word) < MIN_WORD or not word.isalpha() or word in STOP_WORDS:
                continue
            if reader.doc_frequency("text", stem(word)) >= MIN_ARTICLES:
                words.setdefault(stem(word), word)
    return sorted(words.values())


def misspell(word: str, kind: str) -> str:
    rng = random.Random(f"{word}/{kind}")
    i = rng.randrange(1, len(word) - 1)
    if kind == "deletion":
        return word[:i] + word[i + 1 :]
    if kind == "transposition":
        if word[i] == word[i + 1]:
            i = next((j for j in range(1, len(word) - 1) if word[j] != word[j + 1]), i)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "substitution":
        return word[:i] + rng.choice([c for c in LETTERS if c != word[i]]) + word[i + 1 :]
    return word[:i] + rng.choice(LETTERS) + word[i:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", type=int, default=0, help="print this many misses")
    args = parser.parse_args(argv)
    if not (NFCORPUS / "dev.docs").is_file():
        print(f"NFCorpus not found at {NFCORPUS} (set MARGIN_CORPORA)", file=sys.stderr)
        return 2
    docs, titles = library_documents()
    texts = {d.article_id: d.body for d in docs}
    with tempfile.TemporaryDirectory() as tmp:
        index = ArticleIndex(Path(tmp) / "index")
        index.rebuild(docs)
        # Whoosh's own reader of the same files, for document frequencies
        reader = open_dir(str(Path(tmp) / "index"), indexname=INDEX_NAME).reader()
        words = vocabulary(reader, titles)
        print(f"library: {len(docs)} articles; {len(words)} health words (>= {MIN_WORD} letters)")
        outcomes: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
        misses: list[tuple[str, str, str | None]] = []
        with_ms: list[float] = []
        without_ms: list[float] = []
        for kind in KINDS:
            for word in words:
                typo = misspell(word, kind)
                if reader.doc_frequency("text", stem(typo)):
                    outcomes[kind]["a word itself"] += 1
                    continue
                t0 = time.perf_counter()
                results = index.search(typo, limit=20, text_for=texts.get)
                with_ms.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                index.search(typo, limit=20, text_for=texts.get, suggest=False)
                without_ms.append((time.perf_counter() - t0) * 1000)
                got = results.suggestion
                if got is None:
                    outcomes[kind]["none"] += 1
                    misses.append((word, typo, None))
                elif got.lower() == word or stem(got.lower()) == stem(word):
                    outcomes[kind]["right"] += 1
                else:
                    outcomes[kind]["wrong"] += 1
                    misses.append((word, typo, got))
        print(f"\n{'edit':14} {'tried':>5} {'right':>6} {'wrong':>6} {'none':>5}", end="")
        print("  (and a word itself)")
        total: Counter[str] = Counter()
        for kind in KINDS:
            c = outcomes[kind]
            total.update(c)
            tried = c["right"] + c["wrong"] + c["none"]
            print(
                f"{kind:14} {tried:5} {c['right'] / tried:6.1%} {c['wrong'] / tried:6.1%} "
                f"{c['none'] / tried:5.1%}  ({c['a word itself']})"
            )
        tried = total["right"] + total["wrong"] + total["none"]
        print(
            f"{'all':14} {tried:5} {total['right'] / tried:6.1%} {total['wrong'] / tried:6.1%} "
            f"{total['none'] / tried:5.1%}  ({total['a word itself']})"
        )
        extra = [w - wo for w, wo in zip(with_ms, without_ms, strict=True)]
        print(
            f"\nsearch of a misspelled word: p50 {statistics.median(with_ms):.1f} ms with the "
            f"suggestion, {statistics.median(without_ms):.1f} ms without; the suggestion adds "
            f"p50 {statistics.median(extra):.1f} / max {max(extra):.1f} ms"
        )
        print("\nthe issue's examples:")
        for typed in EXAMPLES:
            results = index.search(typed, limit=20, text_for=texts.get)
            note = " (results for the suggestion)" if results.corrected_from else ""
            print(f"  {typed!r:18} → {results.suggestion!r}{note}, {len(results.hits)} hits")
        for word, typo, got in misses[: args.show]:
            print(f"  miss: {typo!r} for {word!r} → {got!r}")
        reader.close()
        index.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
