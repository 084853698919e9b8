"""A page's title: the document ``<title>`` cleaned of its " | Site name" part the way
Readability's ``_getArticleTitle`` does, and Readability's ``textSimilarity``."""

from __future__ import annotations

import re

from lxml import etree

_TITLE_SEPARATORS = re.compile(r" [|\-–—\\/>»] ")


def document_title(root: etree._Element) -> str:
    title = root.find(".//title")
    if title is None:
        return ""
    return " ".join((title.text_content() if hasattr(title, "text_content") else "").split())


def word_count(text: str) -> int:
    return len(text.split())


def article_title(root: etree._Element, orig: str) -> str:
    """Readability's ``_getArticleTitle``: strip " | Site" parts off the <title>."""
    cur = orig
    hierarchical = False
    if _TITLE_SEPARATORS.search(cur):
        hierarchical = bool(re.search(r" [\\/>»] ", cur))
        last = list(_TITLE_SEPARATORS.finditer(orig))[-1]
        cur = orig[: last.start()]
        if word_count(cur) < 3:
            cur = re.sub(r"^[^|\-–—\\/>»]*[|\-–—\\/>»]", "", orig)
    elif ": " in cur:
        headings = [" ".join(h.text_content().split()) for h in root.iter("h1", "h2")]
        if orig.strip() not in headings:
            cur = orig[orig.rfind(":") + 1 :].strip()
            if word_count(cur) < 3:
                cur = orig[orig.find(":") + 1 :].strip()
            elif word_count(orig[: orig.find(":")]) > 5:
                cur = orig
    elif len(cur) > 150 or len(cur) < 15:
        h1s = list(root.iter("h1"))
        if len(h1s) == 1:
            cur = " ".join(h1s[0].text_content().split())
    cur = " ".join(cur.split())
    count = word_count(cur)
    if count <= 4 and (
        not hierarchical or count != word_count(re.sub(r"[|\-–—\\/>»]+", "", orig)) - 1
    ):
        cur = orig
    return cur


def text_similarity(a: str, b: str) -> float:
    """Readability's ``textSimilarity``: 1 − share of b's token text not found in a."""
    tokens_a = [t for t in re.split(r"\W+", a.lower()) if t]
    tokens_b = [t for t in re.split(r"\W+", b.lower()) if t]
    if not tokens_a or not tokens_b:
        return 0.0
    unique_b = [t for t in tokens_b if t not in tokens_a]
    return 1 - len(" ".join(unique_b)) / len(" ".join(tokens_b))
