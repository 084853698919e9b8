"""How long saving a highlight keeps the caller (the window's UI thread) waiting.

    python benchmarks/bench_edit.py --n 1500

Imports N ~2,000-word articles (NFCorpus abstracts, as bench_library.py), then adds 30
highlights with notes one after another and prints how long each `add_highlight` call
took: the SQLite commit only, since the search index catches up on a background lane.
Then one search, which waits for that lane, shows the catch-up time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench_library import CORPORA, make_articles
from reader.core.library import Library


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1500)
    args = parser.parse_args(argv)
    if not (CORPORA / "nfcorpus" / "dev.docs").exists():
        print(f"needs {CORPORA}/nfcorpus", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "articles"
        source.mkdir()
        make_articles(source, args.n, 14)
        library = Library(Path(tmp) / "library")
        library.import_paths([source])
        article_id = library.summaries(limit=1)[0].id
        times = []
        for i in range(30):
            start = time.perf_counter()
            library.add_highlight(article_id, 10 + i * 20, 20 + i * 20, note=f"note {i}")
            times.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        library.search("note:note")
        caught_up = (time.perf_counter() - start) * 1000
        print(f"library: {args.n} articles")
        print(f"add_highlight: median {sorted(times)[15]:.1f} ms, max {max(times):.1f} ms")
        print(f"first search after the burst (waits for the index lane): {caught_up:.0f} ms")
        library.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
