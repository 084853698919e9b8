"""Who wrote a page: the byline element of the page when no metadata names anyone, and
the names in a byline ("By Jane Doe, MD and John Roe" → two names)."""

from __future__ import annotations

import re

from lxml import etree

from reader.core.htmlmeta.title import word_count

_BYLINE_HINT = re.compile(r"byline|author|dateline|writtenby|p-author", re.I)
_CREDENTIAL = re.compile(
    r"^(?:[A-Z]{1,6}|M\.?D\.?|Ph\.?D\.?|PhD|MSc|MPH|RD|RN|DO|MBBS|FACP|Jr\.?|Sr\.?|MA|BA|BSc|"
    r"[A-Z][a-z]?[A-Z]{1,4})$"
)


def content_byline(root: etree._Element) -> str:
    body = root.find(".//body")
    if body is None:
        return ""
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "meta", "link"):
            continue
        hint = f"{el.get('class', '')} {el.get('id', '')}"
        if (
            el.get("rel") == "author"
            or "author" in (el.get("itemprop") or "")
            or _BYLINE_HINT.search(hint)
        ):
            text = el.text_content().strip()
            if 0 < len(text) < 100:
                return text
    return ""


def split_byline(byline: str) -> list[str]:
    """Names in a byline: "By Ana Sandoiu" → ["Ana Sandoiu"]; "A, MD and B" → two names.

    Only the first line counts (the next ones are usually a desk or a date), and
    credentials after a comma ("Brenda Goodman, MA") stay with the name before them.
    """
    text = re.sub(r"^\s*(?:(?:posted|written)\s+)?by\b[:\s]*", "", byline, flags=re.I)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    text = " ".join(lines[0].split())
    # "Dan Goodin - Apr 16, 2015": the name, then a date after a separator.
    parts = re.split(r"\s+[-|•–—]\s+", text, maxsplit=1)
    if len(parts) == 2 and re.search(r"\d", parts[1]):
        text = parts[0]
    if is_url(text) or re.search(r"\d{4}|^(?:last\s+)?(?:updated|published)\b", text, re.I):
        return []
    names: list[str] = []
    for chunk in _split_top_level(text):
        for piece in (p.strip() for p in chunk.split(",")):
            if not piece:
                continue
            if names and _CREDENTIAL.match(piece):
                names[-1] = f"{names[-1]}, {piece}"
            else:
                names.append(piece)
    return names


def _split_top_level(text: str) -> list[str]:
    """Split "A and B" / "A & B" / "A; B" outside parentheses.

    A conjunction splits only when both sides look like names of two words or more,
    so that a desk called "Mac & i" stays whole.
    """
    if "(" in text:
        depth, out, current = 0, [], ""
        for char in text:
            depth += (char == "(") - (char == ")")
            if char == ";" and depth == 0:
                out.append(current)
                current = ""
            else:
                current += char
        return [*out, current]
    pieces = [p for p in re.split(r";|\|", text) if p.strip()]
    result: list[str] = []
    for piece in pieces:
        halves = re.split(r"\s+(?:and|&|und|et|e|y)\s+", piece)
        if len(halves) > 1 and all(word_count(h) >= 2 for h in halves):
            result.extend(halves)
        else:
            result.append(piece)
    return result


def is_url(text: str) -> bool:
    """A value that is only a web address (sites put an author's page where a name goes)."""
    return bool(re.match(r"^https?://\S+$", text.strip()))
