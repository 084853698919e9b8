"""The one sentence splitter: the sentence that cites a source, for every importer.

A citation card quotes the sentence around an in-text citation, so the splitter decides
what a reader sees as evidence. The HTML extractor (:mod:`reader.core.citations`) and
the JATS importer both call :func:`sentence_around`. Measured on the 22 JATS corpus
articles (1,828 in-text citations), every citing sentence holds its own marker; before
(a second splitter in the JATS importer, and positions it lost), about 800 did not (798
and 812 in two runs: the lost positions depended on memory reuse), and
``journal.pmed.1001518.xml`` had 16 distinct sentences for 31 citations (now 27).

Rules, in order:

* a sentence ends at ``.``, ``!``, ``?`` or ``…`` followed by white space, with any
  closing quotes or brackets, and a bracketed footnote marker written after the stop
  (``"…as shown.[3] Then"``: the ``[3]`` belongs to the sentence it follows), and a
  superscript number glued after a word's stop before a capital (``"shown.3 Then"``);
* a full stop after a known abbreviation ("e.g.", "et al.", "Fig.", "Dr.", month
  names…), a capital initial ("J. Smith"; "5.7 m. This" ends), a dotted acronym
  ("U.S."), or followed by a lower-case word or ``,;:`` does not end a sentence;
  "3.5" is a number;
* :func:`split_sentences` also ends a sentence at every line break.
"""

from __future__ import annotations

import re

__all__ = ["ABBREVIATIONS", "sentence_around", "sentence_spans", "split_sentences"]

# Words that end in a full stop without ending the sentence (compared lower-case,
# without the final stop).
ABBREVIATIONS = frozenset({
    "e.g", "i.e", "al", "vs", "cf", "dr", "mr", "mrs", "ms", "prof", "fig", "figs", "no",
    "nos", "approx", "ca", "st", "jr", "sr", "inc", "ltd", "co", "corp", "dept", "vol",
    "eq", "ref", "refs", "p", "pp", "ed", "eds", "u.s", "u.k", "e.u", "mt", "ph.d", "m.d",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "est", "viz", "resp", "incl", "max", "avg", "gen", "gov", "univ",
})  # fmt: skip
# A full stop, any closing quotes/brackets, and a footnote marker written after it
# ("…as shown.[3] Then"), before white space. Or a superscript marker after the stop of
# a word, which plain text glues on ("…as shown.3 Then", "shown.4,5 The"): only before
# a capital, and never after a digit, so "2.5 The" stays a number.
_SENTENCE_END = re.compile(
    r"[.!?…]+[\"'”’)\]]*(?:\[\d{1,4}(?:\s*[,–—-]\s*\d{1,4})*\])?(?=\s)"
    r"|(?<=[^\W\d_)])[.!?][\"'”’)]*\d{1,3}(?:[,–—-]\d{1,3})*(?=\s+[\"“‘']?[A-Z])"
)
_LAST_WORD = re.compile(r"(\S*)$")


def _continues(text: str, start: int, stop: re.Match[str], rest: str) -> bool:
    """True when the full stop ``stop`` does not end the sentence begun at ``start``."""
    if "." not in stop.group() or any(ch in stop.group() for ch in "!?…"):
        return False
    found = _LAST_WORD.search(text, start, stop.start())
    written = (found.group(1) if found else "").lstrip("([\"'“‘")
    word = written.lower()
    return (
        word in ABBREVIATIONS
        or re.fullmatch(r"[A-Z]", written) is not None  # an initial: "J. Smith", not "5.7 m."
        or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word) is not None  # "U.S.", "e.g."
        or (rest[0].islower() and len(word) <= 5)  # "approx. the", not "score. z"
        or rest[0] in ",;:"
    )


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, white space trimmed off both ends.

    Line breaks are white space here; :func:`split_sentences` treats them as ends.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        rest = text[m.end() :].lstrip()
        if not rest:
            break
        if _continues(text, start, m, rest):
            continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def split_sentences(text: str) -> list[str]:
    """Split plain text into sentences; line breaks always end one.

    Knows that "e.g.", "et al.", "Dr." and initials do not end a sentence, and that
    "3.5" is a number.
    """
    out: list[str] = []
    for line in text.split("\n"):
        out += [line[s:e] for s, e in sentence_spans(line)]
    return out


def sentence_around(text: str, start: int, end: int | None = None) -> tuple[int, int]:
    """The span of the sentence(s) that hold ``text[start:end]`` (a citation marker).

    A marker that straddles a sentence end (rare: "[3]. [4]") gets every sentence it
    touches. A position in the white space between two sentences takes the next one;
    past the last sentence, the whole text.
    """
    end = start if end is None else end
    spans = sentence_spans(text)
    chosen = [(s, e) for s, e in spans if s <= max(end - 1, start) and e > start]
    if not chosen:
        chosen = [(s, e) for s, e in spans if s >= start][:1]
    if not chosen:
        return 0, len(text)
    return chosen[0][0], chosen[-1][1]
