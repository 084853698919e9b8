"""Images from the real packages in ../shared/corpora/images (issue 11): each figure's
picture is stored and shown, and the counts of stored and missing images match what
corpora/images/SOURCES.md says of each file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.model import ImportStatus

pytestmark = pytest.mark.corpus

SHOWN = re.compile(r'<img src="margin-image:([0-9a-f]{64}\.(\w+))"')
PACKAGES = "images/pmc-packages"


def import_one(library: Library, path: Path) -> tuple[list[str], list[str], int]:
    """(image names in the order shown, report lines other than the article, article id)."""
    report = library.import_paths([path])
    added = [r for r in report.results if r.status is ImportStatus.ADDED]
    assert len(added) == 1, report.results
    article = library.article(added[0].article_id)
    for name, _ in SHOWN.findall(article.html):
        assert library.image(name) is not None, name
    others = [r.message for r in report.results if r is not added[0]]
    return [n for n, _ in SHOWN.findall(article.html)], others, article.id


@pytest.mark.parametrize(
    "package",
    [
        "oapmc-fixtures/pmc2958805.tar.gz",
        "oapmc-fixtures/PLoS_Comput_Biol_2010_Oct_21_6(10)_e1000960",
    ],
)
def test_marathon_runners_shows_all_292_pictures(corpora, library_dir, package):
    # 4 figures + 18 display formulas + 270 inline formulas, all present, JPG over GIF.
    with Library.open(library_dir) as library:
        shown, others, article_id = import_one(library, corpora / PACKAGES / package)
        assert len(shown) == 292
        assert others == []
        assert all(name.endswith(".jpg") for name in shown)
        figures = [r for r in library.images(article_id) if r.figure.startswith("pcbi-1000960-g")]
        assert sorted({r.figure for r in figures}) == [f"pcbi-1000960-g00{i}" for i in range(1, 5)]


def test_coovar_package_shows_its_two_figures(corpora, library_dir):
    with Library.open(library_dir) as library:
        shown, others, _ = import_one(
            library, corpora / PACKAGES / "oapmc-fixtures/pmc3532326.tar.gz"
        )
        assert len(shown) == 2 and others == []


def test_truncated_pmc_package_keeps_four_figures_and_says_it_was_cut(corpora, library_dir):
    path = corpora / PACKAGES / "pubmed-client-truncated/PMC10802347.tar.gz"
    with Library.open(library_dir) as library:
        shown, others, _ = import_one(library, path)
        # f0001's .jpg is past the cut: its .gif thumbnail is shown; f0002–f0004 full size.
        assert [ext for ext in (n.rsplit(".", 1)[1] for n in shown)] == ["gif", "jpg", "jpg", "jpg"]
        assert others[0] == (
            "nihpp-2023.12.31.573776v1-f0001: only the thumbnail "
            "(nihpp-2023.12.31.573776v1-f0001.gif) was found"
        )
        assert len(others) == 2 and "truncated or damaged" in others[1]


def test_elife_deposit_zip_tiffs_become_pngs(corpora, library_dir):
    path = corpora / PACKAGES / "elife-bot-pmc-deposit/elife-05-19405.zip"
    with Library.open(library_dir) as library:
        shown, others, _ = import_one(library, path)
        assert len(shown) == 2 and others == []
        for name in shown:
            data, mime = library.image(name)
            assert mime == "image/png" and data.startswith(b"\x89PNG")


def test_elife_jats_with_jpgs_shows_the_sub_article_figure_too(corpora, library_dir):
    with Library.open(library_dir) as library:
        shown, others, _ = import_one(library, corpora / PACKAGES / "encoda-elife-43154-v2")
        assert len(shown) == 3 and others == []


def test_meca_zip_imports_only_the_article_with_its_six_tiff_pictures(corpora, library_dir):
    path = corpora / PACKAGES / "elife-bot-meca/95901-v1-meca.zip"
    with Library.open(library_dir) as library:
        shown, others, _ = import_one(library, path)
        # fig1 plus five tables delivered only as TIFF pages; no manifest.xml "article".
        assert len(shown) == 6 and others == []
        assert all(name.endswith(".png") for name in shown)
