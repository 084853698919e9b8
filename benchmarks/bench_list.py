"""The library list at 50,000 articles: how long one page of rows takes to load.

    python benchmarks/bench_list.py --n 50000

Fills a store with N synthetic rows (no text to speak of: this measures the list, not
import), then times `Store.summaries` for a page of 200 at the top and in the middle
of the list, for each sort order, plus a tag filter. The window loads pages like this
as the user scrolls.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from reader.core.library.store import Store
from reader.core.model import LibraryFilter


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=50_000)
    args = parser.parse_args(argv)
    random.seed(1)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "library.sqlite3")
        with store.transaction() as conn:
            for i in range(args.n):
                store.insert_article(
                    conn,
                    {
                        "title": f"Article {random.random():.8f}",
                        "html": "<p>x</p>",
                        "text": "x",
                        "source_format": "markdown",
                        "authors": ["A. Author"],
                        "site_name": random.choice(["PLoS Medicine", "Psycle Health", "WebMD"]),
                        "published": f"20{random.randint(10, 25)}-01-01",
                        "tags": ["nutrition"] if i % 2 else [],
                        "categories": [],
                        "identifiers": {},
                        "featured_image": None,
                        "metadata": {},
                        "content_hash": str(i),
                        "fingerprint": str(i),
                    },
                )
        print(f"{args.n} articles; one page = 200 rows")
        print(f"{'sort':<12} {'top ms':>8} {'middle ms':>10}")
        for sort in ("added", "title", "published", "site", "highlights"):
            cells = []
            for offset in (0, args.n // 2):
                start = time.perf_counter()
                store.summaries(sort=sort, offset=offset, limit=200)
                cells.append((time.perf_counter() - start) * 1000)
            print(f"{sort:<12} {cells[0]:>8.1f} {cells[1]:>10.1f}")
        start = time.perf_counter()
        store.summaries(LibraryFilter(tag="nutrition"), sort="title", limit=200)
        print(f"tag filter, sorted by title: {(time.perf_counter() - start) * 1000:.1f} ms")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
