"""Search relevance (nDCG@10 on NFCorpus dev or test) and speed (index, latency) of ArticleIndex.

Reads NFCorpus from ../shared/corpora (or MARGIN_CORPORA) at run time; it is free for
academic use only and is never copied into the repository.

    python benchmarks/bench_search.py relevance            # nDCG@10, app search vs AND/OR, FTS5
    python benchmarks/bench_search.py relevance --split test  # the held-out split, once
    python benchmarks/bench_search.py relevance --experiments  # + the ideas measured on dev
    python benchmarks/bench_search.py speed                # 2,000 articles of ~2,000 words
    python benchmarks/bench_search.py speed -n 10000       # the 10,000-article target
    python benchmarks/bench_search.py speed -n 10000 --keep /tmp/bench  # reuse its index
    python benchmarks/bench_search.py all

Everything goes through reader.core.index.ArticleIndex, the same code the app uses:
rebuild() for bulk indexing and search() (with snippets) for queries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from whoosh import qparser

from reader.core.errors import QueryError
from reader.core.index import ArticleIndex, matchers, parsing
from reader.core.model import IndexDocument

REPO = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("MARGIN_CORPORA", REPO.parent / "shared" / "corpora"))
NFCORPUS = CORPORA / "nfcorpus"


# --- NFCorpus --------------------------------------------------------------------------

# Tune on "dev" only; "test" (the held-out split, not in the shared corpora: point
# MARGIN_CORPORA at a folder with nfcorpus/test.*) is reported once, at the end.
SPLITS = ("dev", "test")


def load_docs(split: str = "dev") -> list[tuple[str, str]]:
    """(MED id, text) of the split's documents: already lower-cased, no title field."""
    docs = []
    with open(NFCORPUS / f"{split}.docs", encoding="utf-8") as f:
        for line in f:
            doc_id, _, text = line.rstrip("\n").partition("\t")
            docs.append((doc_id, text))
    return docs


def load_queries(kind: str, split: str = "dev") -> dict[str, str]:
    queries = {}
    with open(NFCORPUS / f"{split}.{kind}.queries", encoding="utf-8") as f:
        for line in f:
            qid, _, text = line.rstrip("\n").partition("\t")
            queries[qid] = text
    return queries


def load_qrels(split: str = "dev") -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    with open(NFCORPUS / f"{split}.2-1-0.qrel", encoding="utf-8") as f:
        for line in f:
            qid, _, doc_id, rel = line.split()
            if int(rel) > 0:
                qrels[qid][doc_id] = int(rel)
    return qrels


def ndcg_at(ranked: list[str], judged: dict[str, int], k: int = 10) -> float:
    """nDCG@k with linear gains, as trec_eval's ndcg_cut (and BEIR) compute it."""
    dcg = sum(judged.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(judged.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


# --- relevance -------------------------------------------------------------------------

# name → (query group, all-words bonus); the first is what the app uses.
_APP_GROUP = parsing.QUERY_GROUP
VARIANTS: dict[str, tuple[Callable[[], object], float]] = {
    "app: OR + all-words bonus": (lambda: _APP_GROUP, matchers.ALL_WORDS_BONUS),
    "plain OR (BM25F)": (lambda: qparser.OrGroup, 0.0),
    **{
        f"OR + all-words bonus {b}": (lambda: _APP_GROUP, b)
        for b in map(
            float, os.environ.get("BONUSES", "").split(",") if os.environ.get("BONUSES") else []
        )
    },
    "OR + Whoosh coordination 0.9": (lambda: qparser.OrGroup.factory(0.9), 0.0),
    "AND (Whoosh default)": (lambda: qparser.AndGroup, 0.0),
}


def _fts5_ndcg(
    docs: list[tuple[str, str]], queries: dict[str, str], qrels: dict[str, dict[str, int]]
) -> float:
    """FTS5's nDCG@10 on the same documents and queries: porter stemming, words OR-ed,
    ranked by its bm25()."""
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE fts USING fts5(body, tokenize='porter unicode61')")
    con.executemany("INSERT INTO fts(rowid, body) VALUES (?, ?)", enumerate(t for _, t in docs))
    scores = []
    for qid, text in queries.items():
        words = [w for w in re.findall(r"\w+", text)]
        ranked: list[str] = []
        if words:
            match = " OR ".join(f'"{w}"' for w in words)
            rows = con.execute(
                "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT 10", (match,)
            )
            ranked = [docs[r][0] for (r,) in rows]
        scores.append(ndcg_at(ranked, qrels[qid]))
    con.close()
    return sum(scores) / len(scores)


def _app_search(index: ArticleIndex, texts: dict[int, str]) -> Callable[[str], list[int]]:
    def search(text: str) -> list[int]:
        return [h.article_id for h in index.search(text, limit=10, text_for=texts.get).hits]

    return search


def relevance(kinds: list[str], split: str = "dev", experiments: bool = False) -> None:
    docs = load_docs(split)
    qrels = load_qrels(split)
    ids = {i + 1: doc_id for i, (doc_id, _) in enumerate(docs)}
    texts = {i + 1: text for i, (_, text) in enumerate(docs)}
    app_group, app_bonus = parsing.QUERY_GROUP, matchers.ALL_WORDS_BONUS
    query_sets = {
        kind: {q: t for q, t in load_queries(kind, split).items() if q in qrels} for kind in kinds
    }
    with tempfile.TemporaryDirectory() as tmp:
        index = ArticleIndex(Path(tmp) / "index")
        index.rebuild(
            IndexDocument(
                article_id=i,
                title="",  # NFCorpus's .docs have the title run into the text
                body=texts[i],
                authors=[],
                site_name="",
                tags=[],
                categories=[],
                published=None,
                source_format="nfcorpus",
                url="",
            )
            for i in texts
        )
        index.close()
        print(f"NFCorpus {split}: {len(docs)} documents, {len(qrels)} judged queries")

        def report(name: str, search: Callable[[str], list[int]]) -> None:
            for kind, queries in query_sets.items():
                scores = []
                for qid, text in queries.items():
                    try:
                        found = search(text)
                    except QueryError:
                        found = []
                    scores.append(ndcg_at([ids[a] for a in found], qrels[qid]))
                mean = sum(scores) / len(scores)
                print(f"  nDCG@10 {mean:.4f}  {kind:16} ({len(queries)} queries)  {name}")

        for name, (group, bonus) in VARIANTS.items():
            parsing.QUERY_GROUP, matchers.ALL_WORDS_BONUS = group(), bonus
            index = ArticleIndex(Path(tmp) / "index")  # a fresh parser for the group
            report(name, _app_search(index, texts))
            index.close()
        parsing.QUERY_GROUP, matchers.ALL_WORDS_BONUS = app_group, app_bonus
        if experiments:
            from relevance_experiments import EXPERIMENTS

            index = ArticleIndex(Path(tmp) / "index")
            for name, make in EXPERIMENTS.items():
                report(name, make(index, texts))
            index.close()
    for kind, queries in query_sets.items():
        fts = _fts5_ndcg(docs, queries, qrels)
        print(f"  nDCG@10 {fts:.4f}  {kind:16} ({len(queries)} queries)  SQLite FTS5 bm25, OR")


# --- speed -----------------------------------------------------------------------------

NAMES = ["Ana Silva", "Wei Zhang", "John Smith", "Fatima Khan", "Maria Rossi", "Kenji Sato"]
SITES = ["Health News", "PLOS ONE", "Nutrition Facts", "Pain Research"]
TAGS = ["nutrition", "back pain", "cancer", "diabetes", "sleep", "heart", "opioids"]


def make_articles(n: int, words: int) -> list[IndexDocument]:
    """n articles of ~words words, each a run of consecutive NFCorpus documents."""
    docs = [text for _, text in load_docs()]
    rng = random.Random(7)
    articles = []
    for i in range(n):
        start = rng.randrange(len(docs))
        parts: list[str] = []
        count = 0
        j = start
        while count < words:
            text = docs[j % len(docs)]
            parts.append(text)
            count += text.count(" ") + 1
            j += 1
        body = "\n\n".join(parts)
        articles.append(
            IndexDocument(
                article_id=i + 1,
                title=" ".join(parts[0].split()[:9]),
                body=body,
                authors=rng.sample(NAMES, 2),
                site_name=rng.choice(SITES),
                tags=rng.sample(TAGS, 2),
                categories=["research"],
                published=dt.datetime(2000 + rng.randrange(26), 1 + rng.randrange(12), 1),
                source_format=rng.choice(["jats", "html", "wordpress-json"]),
                url=f"https://example.org/{i + 1}",
                cites=[f"PMID:{30000000 + rng.randrange(5000)}", f"PMC{6000000 + i}"],
            )
        )
    return articles


# (Whoosh query, FTS5 query or None when FTS5 has no equivalent)
QUERIES: list[tuple[str, str | None]] = [
    ("cancer", "cancer"),
    ("vitamin", "vitamin"),
    ("cholesterol", "cholesterol"),
    ("mercury", "mercury"),
    ("arsenic", "arsenic"),
    ("breast", "breast"),
    ("sclerosis", "sclerosis"),
    ("prostate", "prostate"),
    ("meat AND cancer", "meat AND cancer"),
    ("fish AND mercury", "fish AND mercury"),
    ("diet AND diabetes AND insulin", "diet AND diabetes AND insulin"),
    ("soy NOT cancer", "soy NOT cancer"),
    ('"breast cancer"', '"breast cancer"'),
    ('"blood pressure"', '"blood pressure"'),
    ('"red meat"', '"red meat"'),
    ('"randomized controlled trial"', '"randomized controlled trial"'),
    ("title:cancer", "title : cancer"),
    ("author:smith", "authors : smith"),
    ('tag:"back pain"', 'tags : "back pain"'),
    ("date:[2010 to 2015] cancer", None),
    ("cites:PMID:30001234", None),
    ("neuro*", "neuro*"),
    ("cardio*", "cardio*"),
    ("ca*", "ca*"),  # "a*" is refused now: a prefix needs 2 letters
    ("inflam*", "inflam*"),
    ("why deep fried foods may cause cancer", "deep OR fried OR foods OR cause OR cancer"),
    ("how to treat multiple sclerosis with diet", "treat OR multiple OR sclerosis OR diet"),
    ("dietary guidelines", "dietary OR guidelines"),
    ("breast cancer survival", "breast OR cancer OR survival"),
    ("eggs cholesterol heart disease", "eggs OR cholesterol OR heart OR disease"),
    ("coffee", "coffee"),
    ("turmeric curcumin", "turmeric OR curcumin"),
]


def _percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = math.floor(k), math.ceil(k)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def _dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def speed(n: int, words: int, rounds: int, limit: int, keep: str | None = None) -> None:
    print(f"building {n} articles of ~{words} words from NFCorpus dev…", flush=True)
    articles = make_articles(n, words)
    texts = {a.article_id: a.body for a in articles}
    total_words = sum(t.count(" ") + 1 for t in texts.values())
    print(f"  {n} articles, {total_words / n:.0f} words each on average")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(keep) if keep else Path(tmp)
        directory = root / f"index-{n}"
        index = ArticleIndex(directory)
        if keep and index.doc_count() == n + 50:
            print(f"Whoosh: reusing the index in {directory} (--keep)")
        else:
            t0 = time.perf_counter()
            index.rebuild(articles)
            build_s = time.perf_counter() - t0
            print(
                f"Whoosh rebuild: {build_s:.1f} s, {n / build_s:.0f} articles/s, "
                f"index {_dir_size(directory) / 2**20:.1f} MiB, doc_count {index.doc_count()}"
            )
            # An import adds to a big index through add(): time a batch of 50.
            extra = make_articles(50, words)
            for k, a in enumerate(extra):
                a.article_id = n + 1 + k
            t0 = time.perf_counter()
            index.add(extra)
            print(f"Whoosh add() 50 more: {time.perf_counter() - t0:.2f} s")
        index.close()

        index = ArticleIndex(directory)  # as the app finds it at start-up
        whoosh_ms: dict[str, list[float]] = defaultdict(list)
        for q, _ in QUERIES:  # warm-up: caches, first searcher
            index.search(q, limit=limit, text_for=texts.get)
        for _ in range(rounds):
            for q, _ in QUERIES:
                t0 = time.perf_counter()
                res = index.search(q, limit=limit, text_for=texts.get)
                whoosh_ms[q].append((time.perf_counter() - t0) * 1000)
                assert res.hits or q.startswith("cites:"), q
        index.close()

        fts_path = root / f"fts-{n}.sqlite"
        fts_path.unlink(missing_ok=True)
        con = sqlite3.connect(fts_path)
        con.execute(
            "CREATE VIRTUAL TABLE fts USING fts5(title, body, authors, tags, "
            "tokenize='porter unicode61')"
        )
        t0 = time.perf_counter()
        with con:
            con.executemany(
                "INSERT INTO fts(rowid, title, body, authors, tags) VALUES (?,?,?,?,?)",
                (
                    (a.article_id, a.title, a.body, " ".join(a.authors), ", ".join(a.tags))
                    for a in articles
                ),
            )
        fts_build = time.perf_counter() - t0
        print(
            f"SQLite FTS5 build: {fts_build:.1f} s, {n / fts_build:.0f} articles/s, "
            f"{fts_path.stat().st_size / 2**20:.1f} MiB (stores the text itself)"
        )
        sql = (
            "SELECT rowid, title, snippet(fts, 1, '<b class=\"match\">', '</b>', '…', 32) "
            "FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT ?"
        )
        fts_ms: dict[str, list[float]] = defaultdict(list)
        for _, fq in QUERIES:
            if fq:
                con.execute(sql, (fq, limit)).fetchall()
        for _ in range(rounds):
            for q, fq in QUERIES:
                if fq is None:
                    continue
                t0 = time.perf_counter()
                con.execute(sql, (fq, limit)).fetchall()
                fts_ms[q].append((time.perf_counter() - t0) * 1000)
        con.close()

    print(f"\nsearch latency with snippets, limit={limit}, {rounds} rounds, ms:")
    print(f"  {'query':44} {'whoosh p50':>10} {'fts5 p50':>9}")
    for q, _ in QUERIES:
        w = statistics.median(whoosh_ms[q])
        f = f"{statistics.median(fts_ms[q]):9.1f}" if q in fts_ms else f"{'-':>9}"
        print(f"  {q[:44]:44} {w:10.1f} {f}")
    all_w = [v for vs in whoosh_ms.values() for v in vs]
    common = [q for q in whoosh_ms if q in fts_ms]
    w_common = [v for q in common for v in whoosh_ms[q]]
    f_common = [v for q in common for v in fts_ms[q]]
    print(
        f"\nWhoosh, all {len(QUERIES)} queries: p50 {_percentile(all_w, 0.5):.1f} ms, "
        f"p95 {_percentile(all_w, 0.95):.1f} ms, max {max(all_w):.1f} ms"
    )
    wp50, wp95 = _percentile(w_common, 0.5), _percentile(w_common, 0.95)
    fp50, fp95 = _percentile(f_common, 0.5), _percentile(f_common, 0.95)
    print(
        f"queries both can run ({len(common)}): Whoosh p50 {wp50:.1f} / p95 {wp95:.1f} ms; "
        f"FTS5 p50 {fp50:.1f} / p95 {fp95:.1f} ms; Whoosh/FTS5 ratio p50 "
        f"{wp50 / fp50:.1f}x, p95 {wp95 / fp95:.1f}x"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["relevance", "speed", "all"])
    parser.add_argument("-n", type=int, default=2000, help="articles for the speed run")
    parser.add_argument("--words", type=int, default=2000, help="words per article")
    parser.add_argument("--rounds", type=int, default=5, help="timed runs of each query")
    parser.add_argument("--limit", type=int, default=20, help="hits per search")
    parser.add_argument(
        "--keep", metavar="DIR", help="keep the Whoosh index in DIR and reuse it next time"
    )
    parser.add_argument(
        "--split", choices=SPLITS, default="dev", help="NFCorpus split for relevance"
    )
    parser.add_argument(
        "--experiments",
        action="store_true",
        help="also score the ranking ideas in benchmarks/relevance_experiments.py",
    )
    parser.add_argument(
        "--queries",
        default="titles,vid-titles,nontopic-titles",
        help="NFCorpus dev query sets for relevance (comma-separated)",
    )
    args = parser.parse_args(argv)
    split = args.split if args.what != "speed" else "dev"
    if not (NFCORPUS / f"{split}.docs").is_file():
        print(
            f"NFCorpus {split} split not found at {NFCORPUS} ({split}.docs, "
            f"{split}.2-1-0.qrel, {split}.<kind>.queries; set MARGIN_CORPORA)",
            file=sys.stderr,
        )
        return 2
    if args.what in ("relevance", "all"):
        relevance(args.queries.split(","), split, args.experiments)
    if args.what in ("speed", "all"):
        speed(args.n, args.words, args.rounds, args.limit, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
