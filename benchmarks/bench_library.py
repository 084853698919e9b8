"""End-to-end library benchmark: import N real-text articles, then search them, with
SQLite FTS5's figures for the same texts and queries from the same run.

The articles are Markdown files made from the NFCorpus dev documents (medical
abstracts, read from ../shared/corpora at run time and never committed): each article
joins ``--docs-per-article`` abstracts, about 2,000 words with the default of 14. They
go through exactly what a user's import does (`Library.import_paths`: sniff, parse,
sanitize, citations, originals, SQLite, Whoosh, in worker processes from 48 files on:
see reader.core.library.pipeline), then the same mixed query set as bench_search.py
runs through `Library.search` with snippets.

    python benchmarks/bench_library.py --n 10000 --procs 2
    python benchmarks/bench_library.py --n 2000 --procs 1,2     # the scaling figures

For each ``--procs`` value (``MARGIN_IMPORT_PROCS``) a fresh library is imported and
it prints: wall time and articles/s, when the last file was saved (the rest is the
index writers finishing), CPU seconds of the importing thread (the serial part: saving,
index documents) and of this whole process. With procs=1 everything runs in this
process, so its CPU time is the whole work W; the serial fraction ``f`` = (what the
importing thread spends at procs=N: its CPU, and, pessimistically, its wall time with
the commits' fsync waits) / W, and Amdahl's law gives the speed at 8 cores:
1 / (f + (1 - f) / 8) times one core's (N / W). The machine's load (``uptime``) is
printed before and after: on a shared machine, wall times are only as good as it was
quiet. Figures, not assertions: nothing here fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from reader.core.library import Library, pipeline

CORPORA = Path(
    os.environ.get("MARGIN_CORPORA", Path(__file__).resolve().parents[2] / "shared" / "corpora")
)

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
# The same queries in FTS5's language (None: no equivalent; body: is FTS5's text column).
FTS5_QUERIES = {
    "title:diet AND body:protein": "title:diet AND body:protein",
    "tag:nutrition": "tags:nutrition",
    "title:cancer": "title:cancer",
}


def article_texts(n: int, per_article: int) -> list[tuple[str, str]]:
    """(title, Markdown body) of n articles, each joining ``per_article`` abstracts."""
    docs = []
    for line in (CORPORA / "nfcorpus" / "dev.docs").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t", 1)
        if len(parts) == 2:
            docs.append(parts)
    texts = []
    for i in range(n):
        chosen = [docs[(i * 7 + k * 131) % len(docs)] for k in range(per_article)]
        title = " ".join(chosen[0][1].split()[:8]).capitalize()
        body = "\n\n".join(f"## {d[0]}\n\n{d[1]}" for d in chosen)
        texts.append((f"Article {i}: {title}", body))
    return texts


def make_articles(folder: Path, n: int, per_article: int) -> tuple[int, list[tuple[str, str]]]:
    """Write n Markdown articles; returns the mean word count and (title, body) pairs."""
    texts = article_texts(n, per_article)
    words = 0
    for i, (title, body) in enumerate(texts):
        words += len(body.split())
        front = f"title: {json.dumps(title)}\ntags: [nutrition, b{i % 50}]"
        (folder / f"{i:06d}.md").write_text(f"---\n{front}\n---\n\n{body}\n", encoding="utf-8")
    return words // max(n, 1), texts


def size_of(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def load() -> str:
    try:
        return ", ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def tree_cpu() -> float:
    """CPU seconds of this process and of its children's processes, the workers (which
    the fork server starts and reaps: their time is in its ``cutime``/``cstime``)."""
    total = time.process_time()
    tick = os.sysconf("SC_CLK_TCK")
    me = str(os.getpid())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:  # ppid; then utime stime cutime cstime are fields 11-14
            total += sum(int(f) for f in fields[11:15]) / tick
    return total


def import_once(source: Path, root: Path, procs: int) -> dict[str, float]:
    os.environ["MARGIN_IMPORT_PROCS"] = str(procs)
    library = Library(root)
    saved_at = 0.0
    start = time.perf_counter()

    def progress(p: object) -> None:
        nonlocal saved_at
        if getattr(p, "current", "") == "indexing…" and not saved_at:
            saved_at = time.perf_counter() - start

    cpu0, thread0, all0 = time.process_time(), time.thread_time(), tree_cpu()
    report = library.import_paths([source], progress=progress)
    elapsed = time.perf_counter() - start
    cpu, thread = time.process_time() - cpu0, time.thread_time() - thread0
    every_cpu = tree_cpu() - all0
    added = sum(1 for r in report.results if r.status.value == "added")
    failed = [r for r in report.results if r.status.value == "failed"]
    segments = library._indexing.index().segment_count()  # noqa: SLF001 (a benchmark)
    timings = dict(pipeline.last_timings)
    library.close()
    return {
        "added": added,
        "failed": len(failed),
        "wall": elapsed,
        "saved": saved_at or elapsed,
        "cpu": cpu,
        "all_cpu": every_cpu,
        "thread": thread,
        "segments": segments,
        "timings": timings,
    }


def search_figures(library: Library, repeat: int) -> list[float]:
    """Each query ``repeat`` times; the first run of each is also reported alone (what
    a new word costs before its postings are remembered: reading them from disk)."""
    library.search("warm up")
    print(f"\n{'query kind':<14} {'p50 ms':>8} {'p95 ms':>8} {'first runs: p50':>16} {'p95':>6}")
    every: list[float] = []
    firsts: list[float] = []
    for kind, queries in QUERIES.items():
        times = []
        first = []
        for round_ in range(repeat):
            for q in queries:
                t0 = time.perf_counter()
                library.search(q, limit=20)
                times.append((time.perf_counter() - t0) * 1000)
                if round_ == 0:
                    first.append(times[-1])
        every += times
        firsts += first
        print(
            f"{kind:<14} {percentile(times, 0.5):>8.1f} {percentile(times, 0.95):>8.1f} "
            f"{percentile(first, 0.5):>16.1f} {percentile(first, 0.95):>6.1f}"
        )
    print(
        f"{'all':<14} {percentile(every, 0.5):>8.1f} {percentile(every, 0.95):>8.1f} "
        f"{percentile(firsts, 0.5):>16.1f} {percentile(firsts, 0.95):>6.1f}"
    )
    print(f"(mean {statistics.mean(every):.1f} ms over {len(every)} searches, snippets included)")
    return every


def fts5_figures(
    texts: list[tuple[str, str]], folder: Path, repeat: int
) -> tuple[float, list[float]]:
    """FTS5 over the same titles and bodies: build time, and the same queries with
    snippets (FTS5's snippet(), the closest thing to Margin's)."""
    path = folder / "fts5.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(title, body, tags, tokenize='porter unicode61')"
    )
    start = time.perf_counter()
    with conn:
        conn.executemany("INSERT INTO fts(title, body, tags) VALUES (?, ?, 'nutrition')", texts)
    build = time.perf_counter() - start
    every: list[float] = []
    for queries in QUERIES.values():
        for q in queries:
            fq = FTS5_QUERIES.get(q, q)
            fq = re.sub(r"\b(\w+)\*", r"\1*", fq)
            if " " in fq and not any(op in fq for op in ('"', "AND", ":")):
                fq = " OR ".join(fq.split())  # Margin's ranked OR of plain words
            for _ in range(repeat):
                t0 = time.perf_counter()
                conn.execute(
                    "SELECT rowid, title, snippet(fts, 1, '<b>', '</b>', '…', 24) FROM fts "
                    "WHERE fts MATCH ? ORDER BY bm25(fts, 2.0, 1.0, 1.0) LIMIT 20",
                    (fq,),
                ).fetchall()
                every.append((time.perf_counter() - t0) * 1000)
    conn.close()
    return build, every


def search_only(root: Path, args: argparse.Namespace) -> int:
    """Search figures of a kept library, with FTS5's over the same texts, same run."""
    print(f"machine: {os.cpu_count()} cores; load average (1, 5, 15 min) before: {load()}")
    library = Library(root)
    count = library.count()
    if count != args.n:
        print(f"{root} has {count} articles, not --n {args.n}", file=sys.stderr)
        return 2
    print(f"library: {count} articles, index {size_of(library.index_dir) / 2**20:.1f} MB")
    every = search_figures(library, args.repeat)
    library.close()
    texts = article_texts(args.n, args.docs_per_article)
    with tempfile.TemporaryDirectory() as tmp:
        build, fts = fts5_figures(texts, Path(tmp), args.repeat)
    print(
        f"\nSQLite FTS5, same texts, same run: build {build:.1f} s; search p50 "
        f"{percentile(fts, 0.5):.1f} / p95 {percentile(fts, 0.95):.1f} ms; Margin/FTS5 p50 "
        f"{percentile(every, 0.5) / percentile(fts, 0.5):.1f}×, p95 "
        f"{percentile(every, 0.95) / percentile(fts, 0.95):.1f}×"
    )
    print(f"load average at the end: {load()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="number of articles (default 2000)")
    parser.add_argument("--docs-per-article", type=int, default=14)
    parser.add_argument("--procs", default="2", help="comma-separated MARGIN_IMPORT_PROCS values")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query")
    parser.add_argument(
        "--keep", metavar="DIR", help="keep the last library here (for bench_cli_start.py)"
    )
    parser.add_argument(
        "--search-only",
        metavar="DIR",
        help="no import: search a library kept by an earlier --keep run of the same --n",
    )
    args = parser.parse_args(argv)
    if not (CORPORA / "nfcorpus" / "dev.docs").exists():
        print(f"needs {CORPORA}/nfcorpus (../shared beside the repository)", file=sys.stderr)
        return 2
    if args.search_only:
        return search_only(Path(args.search_only), args)
    procs_list = [int(p) for p in args.procs.split(",")]
    print(f"machine: {os.cpu_count()} cores; load average (1, 5, 15 min) before: {load()}")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "articles"
        source.mkdir()
        avg_words, texts = make_articles(source, args.n, args.docs_per_article)
        print(f"articles: {args.n} Markdown files (~{avg_words} words each)\n")
        print(f"{'procs':>5} {'wall s':>7} {'art/s':>6} {'saved s':>8} {'thread cpu':>10} "
              f"{'process cpu':>11} {'all cpu':>8} {'segments':>8}")  # fmt: skip
        runs = {}
        root = Path(tmp) / "library"
        for procs in procs_list:
            root = (
                Path(args.keep)
                if args.keep and procs == procs_list[-1]
                else Path(tmp) / f"lib{procs}"
            )
            r = import_once(source, root, procs)
            runs[procs] = r
            print(
                f"{procs:>5} {r['wall']:>7.1f} {r['added'] / r['wall']:>6.0f} {r['saved']:>8.1f} "
                f"{r['thread']:>10.1f} {r['cpu']:>11.1f} {r['all_cpu']:>8.1f} {r['segments']:>8}"
                + (f"  ({r['failed']} failed!)" if r["failed"] else "")
            )
            spent = ", ".join(f"{k} {v:.1f} s" for k, v in r["timings"].items() if k != "procs")
            print(f"      importing thread: {spent}")
            print(
                f"      all processes' CPU / {procs} cores = {r['all_cpu'] / procs:.1f} s: the "
                f"wall time on {procs} quiet cores if the work spread evenly "
                f"({r['added'] / (r['all_cpu'] / procs):.0f} articles/s)"
            )
        print(f"load average after the imports: {load()}")
        if 1 in runs and len(runs) > 1:
            whole = runs[1]["all_cpu"]  # the whole work, done in one process
            rate1 = runs[1]["added"] / whole  # articles per second of one quiet core
            for procs, r in runs.items():
                if procs == 1:
                    continue
                own = r["timings"].get("saving", 0.0) + r["timings"].get("feeding", 0.0)
                for name, serial in (
                    ("its CPU", r["thread"]),
                    ("its wall time, commits' fsync waits included", own),
                ):
                    f = min(1.0, serial / whole)
                    speedup8 = 1 / (f + (1 - f) / 8)
                    print(
                        f"serial part at procs={procs}: the importing thread, {name}: "
                        f"{serial:.1f} s of {whole:.1f} s of work, f = {f:.2f}; Amdahl at 8 "
                        f"cores: {speedup8:.1f}× one core = ~{rate1 * speedup8:.0f} articles/s "
                        f"(one quiet core: {rate1:.0f}/s)"
                    )
        library = Library(root)
        print(
            f"\nlibrary:  {size_of(library.root) / 2**20:.1f} MB on disk, "
            f"index {size_of(library.index_dir) / 2**20:.1f} MB"
        )
        every = search_figures(library, args.repeat)
        library.close()
        build, fts = fts5_figures(texts, Path(tmp), args.repeat)
        last = runs[procs_list[-1]]
        print(
            f"\nSQLite FTS5, same texts, same run: build {build:.1f} s "
            f"({args.n / build:.0f} articles/s; Margin's import is {last['wall'] / build:.0f}× "
            f"that, and does far more: parsing, sanitizing, citations, originals); search "
            f"p50 {percentile(fts, 0.5):.1f} / p95 {percentile(fts, 0.95):.1f} ms; "
            f"Margin/FTS5 p50 {percentile(every, 0.5) / percentile(fts, 0.5):.1f}×, "
            f"p95 {percentile(every, 0.95) / percentile(fts, 0.95):.1f}×"
        )
        print(f"load average at the end: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
