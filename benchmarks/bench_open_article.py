"""How long opening a long article takes in the reading view (prints milliseconds).

Builds a 20,000-word article with headings, lists and links, imports it into a
temporary library, then times ``ReaderView.show_article`` (render, header, text
alignment, layout, scroll restore) and the contents/TOC extraction. Offscreen.

    /work/venv/bin/python benchmarks/bench_open_article.py [WORDS]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from reader.core.library import Library
from reader.ui.reader_view import ReaderView


def article_markdown(words: int) -> str:
    sentence = (
        "Low-dose ketamine infusions reduced pain scores in several small trials, "
        "although [the evidence](https://pubmed.ncbi.nlm.nih.gov/23432384/) remains limited. "
    )
    per = len(sentence.split())
    parts = ["---\ntitle: Benchmark article\nauthor: Bench Writer\nsite: Bench\n---\n"]
    for i in range(words // per):
        if i % 25 == 0:
            parts.append(f"\n## Section {i // 25 + 1}\n\n- point one\n- point two\n")
        parts.append(("\n" if i % 4 == 0 else "") + sentence)
    return "".join(parts)


def main() -> None:
    words = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.md"
        path.write_text(article_markdown(words), encoding="utf-8")
        with Library.open(Path(tmp) / "lib") as library:
            (result,) = library.import_paths([path]).results
            article = library.article(result.article_id)
            view = ReaderView()
            view.resize(1000, 800)
            view.show()
            app.processEvents()
            timings = []
            for _ in range(5):
                start = time.perf_counter()
                view.show_article(article)
                view.headings()
                timings.append((time.perf_counter() - start) * 1000)
                app.processEvents()
            fetch = time.perf_counter()
            library.article(article.id)
            fetch_ms = (time.perf_counter() - fetch) * 1000
            print(
                f"article: {len(article.text.split()):,} words, {len(article.html):,} chars of HTML"
            )
            print(f"library.article(): {fetch_ms:.1f} ms")
            print(
                f"show_article + headings: median {statistics.median(timings):.0f} ms, "
                f"min {min(timings):.0f} ms, max {max(timings):.0f} ms"
            )


if __name__ == "__main__":
    main()
