"""What one highlight click costs before the window can draw it, at many highlights.

    python benchmarks/bench_anchoring.py --words 20000 --highlights 300

One long article with H highlights already on it; then 20 more clicks, each an
``add_highlight`` followed by ``annotations_for`` (what the window asks for to repaint).
Printed beside it: what the same repaint cost when every click re-read the article and
re-anchored every highlight on it (``anchoring.reanchor_all`` over the whole set).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from reader.core import anchoring
from reader.core.library import Library

WORDS = [
    "ketamine",
    "dose",
    "pain",
    "receptor",
    "trial",
    "patients",
    "placebo",
    "chronic",
    "relief",
    "infusion",
    "week",
    "study",
    "results",
    "adverse",
    "effects",
    "opioid",
    "sparing",
    "analgesia",
    "protocol",
    "outcome",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--highlights", type=int, default=300)
    args = parser.parse_args(argv)
    body = " ".join(
        f"{WORDS[i % len(WORDS)]}{i}" + ("." if i % 17 == 16 else "") for i in range(args.words)
    )
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "long.md"
        source.write_text(f"---\ntitle: Long article\n---\n\n{body}\n", encoding="utf-8")
        with Library(Path(tmp) / "library") as library:
            article_id = library.import_paths([source]).results[0].article_id
            text = library.article(article_id).text
            step = max(1, len(text) // (args.highlights + 40))
            for i in range(args.highlights):
                library.add_highlight(article_id, i * step, i * step + 12, note=f"n{i}")
            library.annotations_for(article_id)  # the article is opened: anchored once
            saves, now, before = [], [], []
            for i in range(args.highlights, args.highlights + 20):
                start = time.perf_counter()
                library.add_highlight(article_id, i * step, i * step + 12)
                saves.append(time.perf_counter() - start)
                start = time.perf_counter()
                library.annotations_for(article_id)
                now.append(time.perf_counter() - start)
                start = time.perf_counter()
                # The old repaint: read the article, re-anchor every highlight on it.
                anchoring.reanchor_all(
                    library.article(article_id).text, library.annotations(article_id)
                )
                before.append(time.perf_counter() - start)
            library.flush_index()
    print(f"{args.words} words, {args.highlights}+ highlights, 20 clicks")
    ms = {k: statistics.median(v) * 1000 for k, v in (("s", saves), ("n", now), ("b", before))}
    print(f"save (SQLite commit):                      median {ms['s']:6.1f} ms")
    print(f"the anchored set after it, now:            median {ms['n']:6.1f} ms")
    print(f"the same, re-read and re-anchored (was):   median {ms['b']:6.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
