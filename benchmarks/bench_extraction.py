"""How well the saved-HTML importer finds the article and its metadata.

For every folder of Mozilla Readability's test pages, import ``source.html`` through
:mod:`reader.core.importers.html` and compare with Readability's golden output:

- token-level precision / recall / F1 (bags of lower-case words) of the article's plain
  text against the plain text of ``expected.html``;
- title, byline and declared site name against ``expected-metadata.json`` (case and
  white space ignored; a site name the importer took from the page's address is counted
  apart; a byline matches when our authors, joined with ", ", equal it or are
  contained in it, as in "By Brenda Goodman, MA WebMD Health News").

The same F1 is printed for the two extractors on their own (plain readability-lxml
and trafilatura), which is why the importer uses the combination it does.

Usage: python benchmarks/bench_extraction.py [CORPORA_DIR]
(default: ../shared/corpora beside the repository, or $MARGIN_CORPORA)
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

from readability import Document

from reader.core.importers import html as html_importer
from reader.core.importers.main_content import trafilatura_extract
from reader.core.model import ImportOptions
from reader.core.sanitize import canonicalize

REPO = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r"\w+")


def tokens(text: str) -> Counter[str]:
    return Counter(TOKEN.findall(text.lower()))


def prf(ours: str, expected: str) -> tuple[float, float, float]:
    a, b = tokens(ours), tokens(expected)
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision = overlap / sum(a.values())
    recall = overlap / sum(b.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def field_match(ours: str, expected: str | None, *, contains: bool = False) -> bool:
    """Both empty counts as a match: saying "no site name" when there is none is right."""
    a, b = norm(ours), norm(expected)
    if not b:
        return not a
    return a == b or (contains and bool(a) and a in b)


def main() -> int:
    default = os.environ.get("MARGIN_CORPORA", str(REPO.parent / "shared" / "corpora"))
    corpora = Path(sys.argv[1] if len(sys.argv) > 1 else default)
    pages = sorted(p for p in (corpora / "readability" / "test-pages").iterdir() if p.is_dir())
    if not pages:
        print(f"no test pages under {corpora}", file=sys.stderr)
        return 1
    header = (
        f"{'page':27} {'P':>5} {'R':>5} {'F1':>5} {'via':5} | {'rd-F1':>5} {'tf-F1':>5} | "
        "title byline site"
    )
    print(header)
    print("-" * len(header))
    f1s: list[float] = []
    alt: dict[str, list[float]] = {"readability-lxml": [], "trafilatura": []}
    hits = Counter[str]()
    for page in pages:
        source = (page / "source.html").read_bytes()
        expected = canonicalize((page / "expected.html").read_text(encoding="utf-8")).text
        meta = json.loads((page / "expected-metadata.json").read_text(encoding="utf-8"))
        article = html_importer.parse(source, "source.html", ImportOptions()).articles[0]
        p, r, f = prf(article.text, expected)
        f1s.append(f)
        # The alternatives see the same decoded page the importer sees.
        page_text = source.decode("utf-8", "replace")
        rd = canonicalize(Document(page_text).summary(html_partial=True)).text
        tf = canonicalize(trafilatura_extract(page_text)).text
        alt["readability-lxml"].append(prf(rd, expected)[2])
        alt["trafilatura"].append(prf(tf, expected)[2])
        title = field_match(article.title, meta.get("title"))
        byline = field_match(", ".join(article.authors), meta.get("byline"), contains=True)
        # Readability reports the site a page declares; a host the importer fell back
        # on ("zotero.org") is counted apart, as it is no claim of the page's.
        derived = article.metadata.get("site_name_from") == "address"
        site = field_match("" if derived else article.site_name, meta.get("siteName"))
        hits.update(title=title, byline=byline, site=site, derived_site=derived)
        marks = " ".join(("  ok " if ok else "  -- ") for ok in (title, byline, site))
        via = str(article.metadata.get("extractor", ""))[:5]
        print(
            f"{page.name[:27]:27} {p:5.3f} {r:5.3f} {f:5.3f} {via:5} | "
            f"{alt['readability-lxml'][-1]:5.3f} {alt['trafilatura'][-1]:5.3f} |{marks}"
        )
    n = len(pages)
    print("-" * len(header))
    print(f"pages: {n}")
    print(f"mean F1, Margin importer:      {sum(f1s) / n:.3f}")
    for name, values in alt.items():
        print(f"mean F1, {name + ' alone:':21} {sum(values) / n:.3f}")
    print(f"titles  matching: {hits['title']}/{n}")
    print(f"bylines matching: {hits['byline']}/{n}")
    print(f"site names matching: {hits['site']}/{n}")
    print(f"site names taken from the page's address (no declared one): {hits['derived_site']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
