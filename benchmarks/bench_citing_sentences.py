"""Does each JATS citation quote the sentence that cites it? A table per corpus article.

    python benchmarks/bench_citing_sentences.py

For every JATS article in ../shared/corpora/jats: its in-text citations, how many
distinct citing sentences they have, and how many sentences lack the citation's own
marker ("[3]", "3", "Smith et al., 2004"). Issue 9 found 16 distinct sentences for the
31 citations of journal.pmed.1001518.xml (cards quoting the sentence that cites [1] for
[3], [4] and [6]); tests/core/test_citing_sentences.py asserts the fixed figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench_library import CORPORA
from reader.core.importers import jats
from reader.core.model import ImportOptions

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "core"))
from test_citing_sentences import quotes_its_marker


def main() -> int:
    root = CORPORA / "jats"
    if not root.is_dir():
        print(f"needs {root}", file=sys.stderr)
        return 2
    files = sorted(p for p in root.rglob("*") if p.suffix in (".xml", ".nxml"))
    print(f"{'article':32} {'citations':>9} {'distinct':>8} {'no marker':>9}")
    totals = [0, 0, 0]
    for path in files:
        [article] = jats.parse(path.read_bytes(), path.name, ImportOptions()).articles
        citations = article.citations or []
        row = [
            len(citations),
            len({c.context for c in citations}),
            sum(not quotes_its_marker(c) for c in citations),
        ]
        totals = [t + r for t, r in zip(totals, row, strict=True)]
        print(f"{path.name:32} {row[0]:9} {row[1]:8} {row[2]:9}")
    print(f"{'all ' + str(len(files)) + ' articles':32} {totals[0]:9} {totals[1]:8} {totals[2]:9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
