"""Time canonicalize() and html_to_text() on a 20,000-word WordPress-style article.

Run: /work/venv/bin/python benchmarks/bench_sanitize.py
The article is built from the seed's own content (tests/fixtures/ketamine-for-pain.json)
repeated until it has 20,000 words, so it carries WordPress's real markup: Gutenberg
comments, &nbsp; clutter, empty paragraphs, links, lists and bare URLs. Prints the
median and best of several runs; the target is well under 100 ms per article.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from reader.core.sanitize import canonicalize, html_to_text

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "tests" / "fixtures" / "ketamine-for-pain.json"
WORDS = 20_000
RUNS = 15


def build_article() -> str:
    post = json.loads(SEED.read_text(encoding="utf-8"))
    content = post["content"]["rendered"]
    extra = (
        '<figure class="wp-block-image"><img src="https://example.org/x.jpg" alt="A chart">'
        "<figcaption>Figure</figcaption></figure>\n<!-- wp:table -->"
        "<table><tr><th>Dose</th><th>Effect</th></tr><tr><td>0.5 mg/kg</td><td>Analgesia</td>"
        "</tr></table><!-- /wp:table -->\n<script>track()</script>"
    )
    words_per_copy = len(canonicalize(content + extra).text.split())
    copies = -(-WORDS // words_per_copy)
    return "\n".join(content + extra for _ in range(copies))


def time_it(func, *args, **kwargs) -> list[float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        func(*args, **kwargs)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    html = build_article()
    result = canonicalize(html, base_url="https://psyclehealth.com/?p=48555")
    words = len(result.text.split())
    canon = time_it(canonicalize, html, base_url="https://psyclehealth.com/?p=48555")
    text = time_it(html_to_text, result.html)
    print(f"article: {len(html):,} characters of HTML, {words:,} words of text")
    print(
        f"canonicalize: median {statistics.median(canon):.1f} ms, best {min(canon):.1f} ms "
        f"({RUNS} runs)"
    )
    print(
        f"html_to_text: median {statistics.median(text):.1f} ms, best {min(text):.1f} ms "
        f"({RUNS} runs)"
    )


if __name__ == "__main__":
    main()
