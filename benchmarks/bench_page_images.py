"""Which pictures the saved-page importer keeps, against Readability.js's own output.

For every folder of Mozilla Readability's test pages, import ``source.html`` into a
temporary library and count the pictures of the article: stored (the page held them)
and web (kept for Download Images), against the ``<img>`` elements of ``expected.html``
(what Readability.js shows, lazy images already resolved by its own rules). Also shown:
how many web addresses repeat (a picture shown twice) and how many point at a
placeholder (a ``data:`` URI or a ``.gif``): the first should match the repeats of
``expected.html`` itself (some pages show one picture twice), the second be 0.

Nothing is fetched: the counts come from the import alone.

Usage: python benchmarks/bench_page_images.py [CORPORA_DIR]
(default: ../shared/corpora beside the repository, or $MARGIN_CORPORA)
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

from reader.core.library import Library

REPO = Path(__file__).resolve().parent.parent
_IMG_SRC = re.compile(r"<img\b[^>]*?\ssrc=\"([^\"]*)\"", re.I)


def main() -> int:
    default = os.environ.get("MARGIN_CORPORA", str(REPO.parent / "shared" / "corpora"))
    corpora = Path(sys.argv[1] if len(sys.argv) > 1 else default)
    pages = sorted((corpora / "readability" / "test-pages").glob("*/source.html"))
    if not pages:
        print(f"no Readability test pages under {corpora}")
        return 1
    print(
        f"{'page':28} {'expected':>8} {'margin':>6} {'stored':>6} {'web':>4} {'twice':>5} {'ph':>3}"
    )
    totals = [0, 0, 0, 0, 0, 0]
    with tempfile.TemporaryDirectory() as folder, Library.open(Path(folder)) as library:
        for page in pages:
            golden = _IMG_SRC.findall((page.parent / "expected.html").read_text("utf-8"))
            expected, expected_twice = len(golden), len(golden) - len(set(golden))
            (result,) = library.import_paths([page]).results
            rows = library.images(result.article_id) if result.article_id else []
            web = [r.source for r in rows if r.status == "remote"]
            stored = sum(r.status == "stored" for r in rows)
            twice = len(web) - len(set(web))
            placeholders = sum(u.startswith("data:") or u.lower().endswith(".gif") for u in web)
            shown = stored + len(web)
            print(
                f"{page.parent.name[:28]:28} {expected:8} {shown:6} {stored:6} {len(web):4} "
                f"{twice:5} {expected_twice:5} {placeholders:3}"
            )
            values = (expected, shown, twice, placeholders, abs(shown - expected), expected_twice)
            for i, value in enumerate(values):
                totals[i] += value
    print(f"pages: {len(pages)}")
    print(f"pictures: Readability.js {totals[0]}, Margin {totals[1]} ({totals[3]} placeholders)")
    print(f"shown twice: {totals[2]} (in expected.html: {totals[5]})")
    print(f"sum over pages of |Margin - Readability.js|: {totals[4]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
