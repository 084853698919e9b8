"""The reading view on its own: the page, offsets, privacy, links, marks, themes, position."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest
from web_helpers import (
    dom_select,
    input_widget,
    js,
    make_article,
    point,
    show,
    text_rect,
)

from reader.core.library import Library
from reader.core.model import Article
from reader.ui import theme as themes
from reader.ui.library_model import short_date
from reader.ui.reader import ReaderView, Typography
from reader.ui.reader.page import header_html

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "resources" / "sample"
LONG = "<p>" + "words " * 4000 + "</p>"


def ketamine(library: Library) -> Article:
    (summary,) = [s for s in library.summaries() if s.title == "Ketamine for Pain"]
    return library.article(summary.id)


def imported(library: Library, path: Path) -> Article:
    (result,) = library.import_paths([path]).results
    assert result.article_id is not None, result
    return library.article(result.article_id)


# --- the page and its offsets ------------------------------------------------------------


def test_header_is_outside_the_alignment_and_offsets_round_trip(
    qtbot: Any, reader_view: ReaderView, filled_library: Library
) -> None:
    view = reader_view
    article = ketamine(filled_library)
    show(qtbot, view, article)
    header = view.text[: view.body_start]
    # The header shows the title, byline and site above the body...
    assert "Ketamine for Pain" in header and "Dr Jane Example" in header
    assert "PAIN CLINIC NOTES" in header
    # ...and the body starts where the article text starts.
    assert view.text[view.body_start :].lstrip().startswith(article.text[:40])
    # DOM text selected by the browser itself lands on the same canonical offsets.
    for word in ("NMDA", "Central sensitization", "Bladder toxicity", "Intranasal"):
        dom_select(qtbot, view, word)
        start = article.text.index(word)
        assert view.selected_article_range() == (start, start + len(word))


def test_selection_in_the_header_is_not_an_article_range(
    qtbot: Any, reader_view: ReaderView, filled_library: Library
) -> None:
    show(qtbot, reader_view, ketamine(filled_library))
    dom_select(qtbot, reader_view, "Dr Jane Example")
    assert reader_view.selected_article_range() is None


@pytest.mark.parametrize(
    ("source", "words"),
    [
        # the seed: a WordPress post
        ("ketamine-for-pain.json", ["NMDA receptors", "dissociative anesthetic", "Ketamine"]),
        # JATS with tables: words before, in and after the tables
        ("journal.pmed.1001518.xml", ["PHQ-9", "counselling", "acupuncture"]),
    ],
)
def test_dom_selections_land_on_canonical_offsets(
    qtbot: Any, reader_view: ReaderView, library: Library, source: str, words: list[str]
) -> None:
    article = imported(library, SAMPLE / source)
    show(qtbot, reader_view, article)
    for word in words:
        in_header = reader_view.text[: reader_view.body_start].count(word)
        in_text = [m.start() for m in re.finditer(re.escape(word), article.text)]
        for nth in sorted({0, len(in_text) // 2, len(in_text) - 1}):
            dom_select(qtbot, reader_view, word, nth=in_header + nth)
            start = in_text[nth]
            assert reader_view.selected_article_range() == (start, start + len(word))


def test_a_saved_page_maps_selections_to_canonical_offsets(
    qtbot: Any, reader_view: ReaderView, library: Library, fixtures: Path
) -> None:
    article = imported(library, fixtures / "readability" / "003-metadata-preferred" / "source.html")
    show(qtbot, reader_view, article)
    words = [w.strip(".,;:()") for w in article.text.split() if len(w) > 7 and w.isalpha()]
    assert words
    for word in words[:3]:
        dom_select(qtbot, reader_view, word)
        start, end = reader_view.selected_article_range() or (0, 0)
        assert article.text[start:end] == word


def test_headings_feed_the_contents_and_exclude_the_title(
    qtbot: Any, reader_view: ReaderView, filled_library: Library
) -> None:
    show(qtbot, reader_view, ketamine(filled_library))
    headings = [(h.level, h.text) for h in reader_view.headings()]
    assert headings[:3] == [
        (2, "Key takeaways"),
        (2, "How does ketamine relieve pain?"),
        (3, "Blocking NMDA receptors"),
    ]
    assert all(h.position >= reader_view.body_start for h in reader_view.headings())
    first = reader_view.headings()[0]
    assert reader_view.text[first.position :].startswith("Key takeaways")


def test_a_heading_with_a_formula_picture_reads_without_empty_brackets(
    qtbot: Any, reader_view: ReaderView
) -> None:
    # JATS headings hold formulas as pictures ("Estimation of Aerobic Capacity (<img>)"):
    # their text has none, and the contents listed "Estimation of Aerobic Capacity ()".
    body = (
        '<h2>Estimation of Aerobic Capacity (<img src="margin-image:f.png" alt="formula">)</h2>'
        "<p>Text.</p><h2>Speed [<img alt='x'>] and fuel</h2><p>More.</p>"
        "<h2>Doses (mg) and ()</h2><p>Kept as written when no picture is involved.</p>"
    )
    show(qtbot, reader_view, make_article(body))
    assert [h.text for h in reader_view.headings()] == [
        "Estimation of Aerobic Capacity",
        "Speed and fuel",
        "Doses (mg) and ()",
    ]


def test_text_column_is_centred_and_keeps_a_readable_measure(
    qtbot: Any, reader_view: ReaderView, filled_library: Library
) -> None:
    show(qtbot, reader_view, ketamine(filled_library))
    measure = (
        "(() => { const r = document.getElementById('margin-body').getBoundingClientRect();"
        " const s = document.createElement('span'); s.textContent = 'abcdefghij'.repeat(10);"
        " document.body.appendChild(s); const w = s.getBoundingClientRect().width / 100;"
        " s.remove(); return [r.left, innerWidth - r.right, r.width / w]; })()"
    )
    reader_view.resize(1600, 700)
    qtbot.waitUntil(lambda: js(qtbot, reader_view, "innerWidth") > 1500)
    left, right, chars = js(qtbot, reader_view, measure)
    assert abs(left - right) < 20 and left > 200
    assert 50 < chars < 110  # a measure, not a sprawl
    reader_view.set_typography(Typography(column_chars=50))
    qtbot.waitUntil(lambda: js(qtbot, reader_view, measure)[2] < chars * 0.85)
    reader_view.resize(500, 700)
    qtbot.waitUntil(lambda: js(qtbot, reader_view, "innerWidth") < 520)
    narrow_left, _right, _chars = js(qtbot, reader_view, measure)
    assert narrow_left < left


def test_placeholder_when_nothing_is_open(qtbot: Any, reader_view: ReaderView) -> None:
    with qtbot.waitSignal(reader_view.article_painted, timeout=15000):
        reader_view.clear_article()
    assert reader_view.article is None
    assert "Choose an article" in js(qtbot, reader_view, "document.body.innerText")


# --- privacy -----------------------------------------------------------------------------

HOSTILE = """
<link rel="prefetch" href="https://prefetch.example/next">
<link rel="stylesheet" href="https://css.example/style.css">
<style>body { background: url(https://css-url.example/bg.png); }
@font-face { font-family: x; src: url(https://font.example/x.woff2); }
p { font-family: x; }</style>
<p>Remote <img src="https://img.example/a.png" alt="a"> and
<img srcset="https://srcset.example/b.png 2x" alt="b"> and
<img src="file:///etc/passwd" alt="c"></p>
<iframe src="https://frame.example/"></iframe>
<script>fetch("https://script.example/")</script>
<p><a href="javascript:fetch('https://js-link.example/')">js link</a></p>
<video src="https://video.example/v.mp4" autoplay></video>
<p>The end.</p>
"""


def test_hostile_article_sends_no_request_out(qtbot: Any, reader_view: ReaderView) -> None:
    guard = reader_view.profile_.guard
    allowed_before = len(guard.allowed)
    show(qtbot, reader_view, make_article(HOSTILE))
    # Clicking the javascript: link runs nothing and loads nothing.
    js(qtbot, reader_view, "(document.querySelector('#margin-body a').click(), 1)")
    # Nothing but Margin's own scheme got past the interceptor...
    assert all(url.startswith("margin://") for url in guard.allowed[allowed_before:])
    # ...no image, frame or font loaded, the script never ran, the page is still ours.
    state = js(
        qtbot,
        reader_view,
        "[Array.from(document.images).map(i => i.naturalWidth), location.href,"
        " document.fonts.check('12px x'), document.body.innerText.includes('The end.')]",
    )
    widths, href, _font, text = state
    assert widths == [0, 0, 0]
    assert href.startswith("margin://app/page/") and text
    assert reader_view.url().scheme() == "margin"
    # The page's policy reported what it refused (the inline script, the frame).
    assert any("Content Security Policy" in m for m in reader_view.page().console)


def test_links_never_navigate_the_view(
    qtbot: Any, reader_view: ReaderView, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True
    )
    body = (
        '<p><a href="https://example.org/x">out</a> and <a href="#part">in</a></p>'
        + "<p>filler</p>" * 120
        + '<h2 id="part">Part</h2><p>there</p>'
    )
    view = reader_view
    show(qtbot, view, make_article(body))
    page_url = view.url()
    with qtbot.waitSignal(view.link_activated) as blocker:
        js(qtbot, view, "(document.querySelector('#margin-body a[href^=https]').click(), 1)")
    assert blocker.args == ["https://example.org/x"]
    assert opened == ["https://example.org/x"]
    js(qtbot, view, "(document.querySelector('a[href=\"#part\"]').click(), 1)")
    qtbot.waitUntil(lambda: view.scroll_y > 500)
    assert opened == ["https://example.org/x"]  # in-page links don't open the browser
    # Back returns to where the reader was before the jump.
    assert view.go_back()
    qtbot.waitUntil(lambda: view.scroll_y == 0)
    # Nothing else can be loaded into the view.
    view.page().setUrl(QUrl("https://example.org/"))
    view.page().setUrl(QUrl("file:///etc/passwd"))
    qtbot.waitUntil(lambda: view.url() == page_url)
    assert "there" in js(qtbot, view, "document.body.innerText")


def test_keyboard_tab_walks_the_links(
    qtbot: Any, reader_view: ReaderView, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True
    )
    body = (
        '<p><a href="https://a.example/">first</a> then <a href="https://b.example/">second</a></p>'
    )
    view = reader_view
    show(qtbot, view, make_article(body))
    widget = input_widget(view)
    view.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    hrefs = []
    for _ in range(3):  # the header's source link, then the two in the body
        before = js(qtbot, view, "document.activeElement.getAttribute('href')")
        QTest.keyClick(widget, Qt.Key.Key_Tab)
        qtbot.waitUntil(
            lambda before=before: (
                js(qtbot, view, "document.activeElement.getAttribute('href')") not in (None, before)
            )
        )
        hrefs.append(js(qtbot, view, "document.activeElement.getAttribute('href')"))
    assert hrefs == ["https://example.org/a", "https://a.example/", "https://b.example/"]
    # Enter asks for a card (the window follows non-citations); Shift+Enter follows.
    with qtbot.waitSignal(view.link_card_requested) as blocker:
        QTest.keyClick(widget, "\r")
    assert blocker.args[0] == "https://b.example/"
    with qtbot.waitSignal(view.link_activated):
        QTest.keyClick(widget, "\r", Qt.KeyboardModifier.ShiftModifier)
    assert opened == ["https://b.example/"]


def test_hovering_a_link_reports_href_and_its_rectangle(
    qtbot: Any, reader_view: ReaderView, filled_library: Library
) -> None:
    view = reader_view
    show(qtbot, view, ketamine(filled_library))
    rect = text_rect(qtbot, view, "the review")
    widget = input_widget(view)
    with qtbot.waitSignal(view.link_hovered, timeout=5000) as blocker:
        QTest.mouseMove(widget, point(rect, 4))
    href, global_rect, occurrence, modifier = blocker.args
    assert href == "https://pubmed.ncbi.nlm.nih.gov/23432384/"
    assert global_rect.contains(view.mapToGlobal(point(rect, 4)))
    assert occurrence == 0 and not modifier


# --- marks, themes, size ---------------------------------------------------------------


def _highlighted(qtbot: Any, view: ReaderView) -> dict[str, list[str]]:
    return js(
        qtbot,
        view,
        "Object.fromEntries(Array.from(CSS.highlights.entries())"
        ".map(([k, h]) => [k, Array.from(h).map(r => r.toString())]))",
    )


def test_marks_are_layers_that_survive_a_live_theme_change(
    qtbot: Any, reader_view: ReaderView, filled_library: Library
) -> None:
    view = reader_view
    article = ketamine(filled_library)
    show(qtbot, view, article)

    def marks(word: str, cls: str) -> list[tuple[int, int, str]]:
        start = article.text.index(word)
        a, b = view.article_range_to_positions(start, start + len(word))
        return [(a, b, cls)]

    view.set_mark_layer("highlights", marks("NMDA", "hl-yellow"))
    view.set_mark_layer("find", marks("Glutamate", "mark-find"))
    qtbot.waitUntil(
        lambda: _highlighted(qtbot, view) == {"hl-yellow": ["NMDA"], "mark-find": ["Glutamate"]}
    )
    view.set_mark_layer("find", [])
    qtbot.waitUntil(lambda: _highlighted(qtbot, view) == {"hl-yellow": ["NMDA"]})
    variable = "getComputedStyle(document.documentElement).getPropertyValue('--hl-yellow').trim()"
    light = js(qtbot, view, variable)
    view.set_theme(themes.theme_named("dark"))
    qtbot.waitUntil(lambda: js(qtbot, view, variable) != light)
    page = "getComputedStyle(document.body).backgroundColor"
    assert js(qtbot, view, page) == "rgb(28, 30, 34)"  # the dark theme's page, live
    assert _highlighted(qtbot, view) == {"hl-yellow": ["NMDA"]}


def test_font_size_changes_the_text_and_keeps_the_place(
    qtbot: Any, reader_view: ReaderView
) -> None:
    view = reader_view
    show(qtbot, view, make_article(LONG))
    view.set_reading_fraction(0.5)
    qtbot.waitUntil(lambda: abs(view.reading_fraction() - 0.5) < 0.02)
    size = "getComputedStyle(document.body).fontSize"
    with qtbot.waitSignal(view.font_size_changed):
        view.zoom_in()
    view.zoom_in()
    expected = f"{themes.DEFAULT_FONT_SIZE + 2}px"
    qtbot.waitUntil(lambda: js(qtbot, view, size) == expected)
    qtbot.waitUntil(lambda: abs(js(qtbot, view, "Margin.state().fraction") - 0.5) < 0.05)
    view.reset_zoom()
    assert view.font_size == themes.DEFAULT_FONT_SIZE


def test_reading_position_is_reported_after_scrolling(qtbot: Any, reader_view: ReaderView) -> None:
    show(qtbot, reader_view, make_article(LONG))
    with qtbot.waitSignal(reader_view.reading_position_changed, timeout=3000) as blocker:
        js(qtbot, reader_view, "Margin.setFraction(0.5)")
    article_id, fraction = blocker.args
    assert article_id == 99 and 0.45 < fraction < 0.55


def test_saved_reading_position_is_restored(qtbot: Any, reader_view: ReaderView) -> None:
    show(qtbot, reader_view, make_article(LONG, reading_position=0.75))
    qtbot.waitUntil(lambda: abs(reader_view.reading_fraction() - 0.75) < 0.02)


# --- tables ------------------------------------------------------------------------------


def test_jats_tables_scroll_in_their_own_box_with_a_header_that_stays(
    qtbot: Any, reader_view: ReaderView, library: Library
) -> None:
    view = reader_view
    article = imported(library, SAMPLE / "journal.pmed.1001518.xml")
    show(qtbot, view, article)
    # Word for word alignment through the tables (cells are " | "-separated in the text).
    pos = 0
    checked = 0
    for word in [w for w in article.text.split() if len(w) > 6 and w.isalpha()][:400]:
        start = article.text.index(word, pos)
        pos = start + len(word)
        a, b = view.article_range_to_positions(start, pos)
        assert view.text[a:b] == word
        checked += 1
    assert checked > 100
    state = js(
        qtbot,
        view,
        """(() => {
          const boxes = Array.from(document.querySelectorAll('.table-box'));
          const wide = boxes.find(b => b.scrollWidth > b.clientWidth + 20);
          const long = boxes.find(b => b.scrollHeight > b.clientHeight + 20
                                      && b.querySelector('thead'));
          let sticky = null;
          if (long) {
            long.scrollIntoView(); long.scrollTop = 200;
            const head = long.querySelector('thead th, thead td').getBoundingClientRect().top;
            sticky = Math.abs(head - long.getBoundingClientRect().top) < 3;
          }
          const nums = document.querySelectorAll('td.num');
          const cells = Array.from(document.querySelectorAll('td, th'));
          const broken = cells.filter(c => getComputedStyle(c).wordBreak !== 'normal'
                                        || getComputedStyle(c).overflowWrap !== 'normal');
          return {tables: document.querySelectorAll('table').length, boxes: boxes.length,
                  wide: !!wide, sticky: sticky, pageScrollsSideways:
                    document.documentElement.scrollWidth > innerWidth + 1,
                  nums: nums.length,
                  numAlign: nums.length ? getComputedStyle(nums[0]).textAlign : '',
                  broken: broken.length};
        })()""",
    )
    assert state["tables"] == state["boxes"] >= 5
    assert not state["pageScrollsSideways"]
    assert state["nums"] > 10 and state["numAlign"] == "right"
    assert state["broken"] == 0
    assert state["sticky"] is True  # a long table keeps its header row in view


def test_fast_alignment_pairs_like_a_full_diff() -> None:
    from difflib import SequenceMatcher

    from reader.core.textalign import greedy_pairs

    source = "Topic|#|Checklist item|Page TITLE|1|Identify the report" * 20 + "tail"
    target = "Topic#Checklist itemPage TITLE1Identify the reportX" * 20 + "tail"
    s_idx, t_idx = greedy_pairs(source, target)
    assert all(source[a] == target[b] for a, b in zip(s_idx, t_idx, strict=True))
    assert s_idx == sorted(s_idx) and t_idx == sorted(t_idx)
    full = sum(
        b.size for b in SequenceMatcher(None, source, target, autojunk=False).get_matching_blocks()
    )
    assert len(s_idx) >= full - 20  # nearly every character the full diff pairs


def test_formulas_render_as_mathml_and_selections_around_them_map(
    qtbot: Any, reader_view: ReaderView
) -> None:
    from reader.core.sanitize import canonicalize

    canonical = canonicalize(
        '<p>Pain scores fell <math display="inline" alttext="x^2 + 1"><msup><mi>x</mi>'
        "<mn>2</mn></msup><mo>+</mo><mn>1</mn></math> points after infusion therapy.</p>"
    )
    article = make_article(canonical.html, text=canonical.text)
    show(qtbot, reader_view, article)
    state = js(
        qtbot,
        reader_view,
        "(() => { const m = document.querySelector('math'); const r = m.getBoundingClientRect();"
        " const sup = m.querySelector('msup mn').getBoundingClientRect();"
        " return [m.namespaceURI, r.width, sup.top < r.top + r.height / 2]; })()",
    )
    namespace, width, raised = state
    assert namespace == "http://www.w3.org/1998/Math/MathML" and width > 10
    assert raised  # the exponent sits above the line: laid out as MathML, not text
    dom_select(qtbot, reader_view, "points after infusion")
    start = article.text.index("points after infusion")
    assert reader_view.selected_article_range() == (start, start + len("points after infusion"))


def test_header_dates_use_the_windows_date_format_with_the_month_in_full() -> None:
    article = make_article(
        "<p>Body.</p>", published="2025-01-08T09:30:00+00:00", modified="2025-02-01T00:00:00+00:00"
    )
    header = header_html(article)
    assert "Published 8 January 2025" in header and "updated 1 February 2025" in header
    assert short_date(article.published) == "8 Jan 2025"  # the list keeps the short month
    odd = make_article("<p>Body.</p>", published="not a date")
    assert "Published not a date" in header_html(odd)  # shown as stored
