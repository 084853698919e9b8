"""The page's text map without a page: what the reader selects in the header never
anchors a highlight, and the body's words map to the article's own text."""

from __future__ import annotations

from reader.ui.reader.text_map import TextMap

ARTICLE = "Sleep and memory\nSleep helps memory. Memory needs sleep."
HEADER = "Sleep and memory\nBy A. Author\n"
BODY = "Sleep and memory\n\nSleep helps memory. Memory needs sleep."


def ready_report() -> dict[str, object]:
    """What the page script reports once a page is ready (the shape reader.js sends)."""
    text = HEADER + BODY
    body = len(HEADER)
    return {
        "text": text,
        "bodyStart": body,
        "titleRange": [0, len("Sleep and memory")],
        "headings": [{"level": 2, "text": "Sleep and memory", "position": body}],
        "links": [["#ref1", body + 6], ["https://example.org", body + 20], ["#ref1", body + 30]],
    }


def test_body_words_map_to_the_article_not_the_title_that_repeats_them() -> None:
    text_map = TextMap.from_report(ready_report(), ARTICLE)
    heading = text_map.body_start  # the body's own "Sleep and memory"
    span = (heading, heading + len("Sleep and memory"))
    assert text_map.to_article_range(*span) == (0, len("Sleep and memory"))
    assert text_map.to_positions(0, len("Sleep and memory")) == span  # not the title's


def test_a_selection_from_the_header_into_the_body_keeps_only_the_body() -> None:
    text_map = TextMap.from_report(ready_report(), ARTICLE)
    end = text_map.text.index(" helps") + len(" helps")
    start, stop = text_map.to_article_range(0, end)  # from the title's first word
    assert ARTICLE[start:stop].split() == ["Sleep", "and", "memory", "Sleep", "helps"]
    assert text_map.to_article_range(0, text_map.body_start) is None  # header only


def test_links_headings_and_find_come_from_the_report() -> None:
    text_map = TextMap.from_report(ready_report(), ARTICLE)
    body = text_map.body_start
    assert text_map.link_positions("#ref1") == [body + 6, body + 30]
    assert text_map.link_positions("#missing") == []
    assert [h.text for h in text_map.headings] == ["Sleep and memory"]
    # From the body on (the header's "memory" is not counted), any case, whole words.
    found = text_map.find_all("memory", whole_words=True, start=body)
    assert [text_map.text[s:e].lower() for s, e in found] == ["memory"] * 3


def test_the_blank_page_has_no_article_offsets() -> None:
    text_map = TextMap.from_report({"text": "Open an article", "bodyStart": 0}, None)
    assert text_map.alignment is None
    assert text_map.to_article_range(0, 4) is None
    assert text_map.to_positions(0, 4) == (0, 0)
    assert text_map.to_article_offset(2) == -1
    assert text_map.to_position(2) is None
