"""Formulas: JATS MathML is kept as MathML for the reading view, its plain text is the
readable line (so search, anchoring and export read the same as before)."""

from __future__ import annotations

from pathlib import Path

from reader.core.importers import jats
from reader.core.sanitize import canonicalize

FORMULA = (
    '<p>Score <math display="inline" alttext="x^2 + 1"><msup><mi>x</mi><mn>2</mn></msup>'
    "<mo>+</mo><mn>1</mn></math> rose.</p>"
)


def test_presentation_mathml_is_kept_and_reads_as_its_alttext() -> None:
    result = canonicalize(FORMULA)
    assert "<msup><mi>x</mi><mn>2</mn></msup>" in result.html
    assert result.text == "Score x^2 + 1 rose."
    assert canonicalize(result.html) == result  # canonical HTML canonicalizes to itself


def test_mathml_carries_no_links_events_or_embedded_html() -> None:
    hostile = (
        '<p><math><mi href="javascript:alert(1)" onclick="x()" style="color:red">y</mi>'
        '<semantics><mi>z</mi><annotation-xml encoding="text/html"><img src="https://e.x/t">'
        "<a href='https://e.x'>bad</a></annotation-xml>"
        '<annotation encoding="application/x-tex">z</annotation></semantics>'
        '<maction actiontype="statusline">w</maction></math></p>'
    )
    result = canonicalize(hostile)
    for unwanted in ("href", "onclick", "style", "img", "annotation", "maction", "bad"):
        assert unwanted not in result.html, unwanted
    assert "<mi>y</mi>" in result.html and "<mi>z</mi>" in result.html


def test_jats_formulas_become_mathml_with_the_same_text(corpora: Path) -> None:
    path = corpora / "jats" / "elife-tools" / "elife-00666.xml"
    (article,) = jats.parse(path.read_bytes(), path.name, jats.ImportOptions()).articles
    assert article.html.count("<math") == 8
    assert 'display="block"' in article.html  # the displayed equations
    # The plain text has the readable line, never the MathML's pieces.
    assert "mp_m = 0" in article.text
    assert "<m" not in article.text
