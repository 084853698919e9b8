"""End-to-end library benchmark: import N real-text articles, then search them.

The articles are Markdown files made from the NFCorpus dev documents (medical
abstracts, read from ../shared/corpora at run time and never committed): each article
joins ``--docs-per-article`` abstracts, about 2,000 words with the default of 14. They
go through exactly what a user's import does (`Library.import_paths`: sniff, parse,
sanitize, citations, SQLite, Whoosh), then the same mixed query set as
bench_search.py runs through `Library.search` with snippets.

    python benchmarks/bench_library.py --n 10000

Prints: import throughput (articles/s), library and index size on disk, and search
latency p50/p95 per query kind. Figures, not assertions: nothing here fails.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from reader.core.library import Library

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"

QUERIES = {
    "single term": ["cancer", "cholesterol", "vitamin", "inflammation", "soy", "arsenic"],
    "several words": [
        "breast cancer risk",
        "red meat mortality",
        "dietary fiber colon",
        "green tea antioxidants",
    ],
    "AND": ["diabetes AND insulin", "fish AND mercury", "milk AND acne"],
    "phrase": ['"blood pressure"', '"heart disease"', '"randomized controlled trial"'],
    "field": ["title:cancer", "title:diet AND body:protein", "tag:nutrition"],
    "prefix": ["neuro*", "cardio*", "carcino*"],
}


def make_articles(folder: Path, n: int, per_article: int) -> int:
    docs = []
    for line in (CORPORA / "nfcorpus" / "dev.docs").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t", 1)
        if len(parts) == 2:
            docs.append(parts)
    words = 0
    for i in range(n):
        chosen = [docs[(i * 7 + k * 131) % len(docs)] for k in range(per_article)]
        title = " ".join(chosen[0][1].split()[:8]).capitalize()
        body = "\n\n".join(f"## {d[0]}\n\n{d[1]}" for d in chosen)
        words += len(body.split())
        front = f"title: {json.dumps(f'Article {i}: {title}')}\ntags: [nutrition, b{i % 50}]"
        text = f"---\n{front}\n---\n\n{body}\n"
        (folder / f"{i:06d}.md").write_text(text, encoding="utf-8")
    return words // max(n, 1)


def size_of(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="number of articles (default 2000)")
    parser.add_argument("--docs-per-article", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query")
    args = parser.parse_args(argv)
    if not (CORPORA / "nfcorpus" / "dev.docs").exists():
        print(f"needs {CORPORA}/nfcorpus (../shared beside the repository)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "articles"
        source.mkdir()
        avg_words = make_articles(source, args.n, args.docs_per_article)
        library = Library(Path(tmp) / "library")
        start = time.perf_counter()
        report = library.import_paths([source])
        elapsed = time.perf_counter() - start
        added = sum(1 for r in report.results if r.status.value == "added")
        print(f"articles: {args.n} (~{avg_words} words each), added {added}")
        print(f"import:   {elapsed:.1f} s = {added / elapsed:.0f} articles/s")
        print(
            f"library:  {size_of(library.root) / 2**20:.1f} MB on disk, "
            f"index {size_of(library.index_dir) / 2**20:.1f} MB"
        )
        library.search("warm up")
        print(f"\n{'query kind':<14} {'p50 ms':>8} {'p95 ms':>8}")
        every: list[float] = []
        for kind, queries in QUERIES.items():
            times = []
            for _ in range(args.repeat):
                for q in queries:
                    t0 = time.perf_counter()
                    library.search(q, limit=20)
                    times.append((time.perf_counter() - t0) * 1000)
            every += times
            print(f"{kind:<14} {percentile(times, 0.5):>8.1f} {percentile(times, 0.95):>8.1f}")
        print(f"{'all':<14} {percentile(every, 0.5):>8.1f} {percentile(every, 0.95):>8.1f}")
        print(
            f"(mean {statistics.mean(every):.1f} ms over {len(every)} searches, snippets included)"
        )
        library.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
