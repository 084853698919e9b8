"""Where images come from besides PMC packages (issue 11): Markdown page bundles, saved
pages (data: URIs, "Web page, complete", MHTML) and zips of them. Nothing is fetched."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest
from PIL import Image

from reader.core.errors import ImportFailure
from reader.core.importers import mhtml, parse_file
from reader.core.library import Library
from reader.core.model import ImportStatus

SHOWN = re.compile(r'<img src="margin-image:([0-9a-f]{64}\.\w+)" alt="([^"]*)"')
BODY = "Sleep and learning. " * 12


def png(color: str, size: tuple[int, int] = (8, 6)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def imported(library: Library, path: Path) -> tuple[str, list[str]]:
    """(the one article's HTML, the report's other lines)."""
    report = library.import_paths([path])
    saved = [r for r in report.results if r.status is ImportStatus.ADDED]
    assert len(saved) == 1, report.results
    others = [r.message for r in report.results if r is not saved[0]]
    return library.article(saved[0].article_id).html, others


# --- Markdown with relative images -------------------------------------------------------


def make_bundle(folder: Path) -> Path:
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "Curve.PNG").write_bytes(png("red"))
    (folder / "images" / "map.png").write_bytes(png("green"))
    page = folder / "index.md"
    page.write_text(
        "---\ntitle: Epidemic curves\n---\n\n"
        f"{BODY}\n\n![The epidemic curve](images/curve.png?width=30pc)\n\n"
        f"{BODY}\n\n![A map](images/map.png)\n\n![Gone](images/gone.jpg)\n",
        encoding="utf-8",
    )
    return page


def test_a_page_bundle_stores_its_images_ignoring_case_and_query(tmp_path, library_dir):
    page = make_bundle(tmp_path / "bundle")
    with Library.open(library_dir) as library:
        html, others = imported(library, page)
        shown = SHOWN.findall(html)
        assert [alt for _, alt in shown] == ["The epidemic curve", "A map"]
        assert library.image(shown[0][0]) == (png("red"), "image/png")
        assert library.image(shown[1][0]) == (png("green"), "image/png")
        assert "Image: Gone" in html
        assert others == ["images/gone.jpg: image not found (its description is shown instead)"]


def test_a_zipped_page_bundle_imports_the_same(tmp_path, library_dir):
    folder = tmp_path / "bundle"
    make_bundle(folder)
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, f"post/{path.relative_to(folder)}")
    with Library.open(library_dir) as library:
        html, others = imported(library, archive)
        assert len(SHOWN.findall(html)) == 2
        assert len(others) == 1 and "images/gone.jpg" in others[0]


def test_an_image_link_may_not_leave_the_folder_being_imported(tmp_path, library_dir):
    (tmp_path / "secret.png").write_bytes(png("black"))
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "note.md").write_text(
        f"# Note\n\n{BODY}\n\n![x](../secret.png)\n\n![y](/etc/hosts)\n", encoding="utf-8"
    )
    with Library.open(library_dir) as library:
        html, _ = imported(library, folder)
        assert SHOWN.findall(html) == []
    assert not list((library_dir / "images").glob("*/*"))


# --- saved pages ---------------------------------------------------------------------------


def page_html(images: str) -> str:
    paragraphs = "".join(f"<p>{BODY}</p>" for _ in range(4))
    return (
        "<html><head><title>Sleep study</title></head><body><article><h1>Sleep study</h1>"
        f"{paragraphs}{images}{paragraphs}</article></body></html>"
    )


def test_data_uri_images_are_stored_and_svg_is_refused(tmp_path, library_dir):
    jpeg = io.BytesIO()
    Image.new("RGB", (20, 10), "blue").save(jpeg, "JPEG")
    inline = base64.b64encode(jpeg.getvalue()).decode()
    (tmp_path / "logo.svg").write_bytes(
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    )
    page = tmp_path / "single.html"
    page.write_text(
        page_html(
            f"<figure><img alt='Sleep stages' src='data:image/jpeg;base64,{inline}'>"
            "<figcaption>Stages</figcaption></figure><p><img alt='Logo' src='logo.svg'></p>"
        ),
        encoding="utf-8",
    )
    with Library.open(library_dir) as library:
        html, others = imported(library, page)
        ((name, alt),) = SHOWN.findall(html)
        assert alt == "Sleep stages" and library.image(name)[1] == "image/jpeg"
        assert "Image: Logo" in html
        assert others == [
            f"{tmp_path / 'logo.svg'}: SVG images are not kept (they can hold scripts)"
        ]


def test_web_page_complete_uses_its_files_folder_and_srcset(tmp_path, library_dir):
    files = tmp_path / "Sleep study_files"
    files.mkdir()
    (files / "small.png").write_bytes(png("red", (4, 3)))
    (files / "large.png").write_bytes(png("red", (40, 30)))
    (files / "frame.html").write_text(page_html(""), encoding="utf-8")  # an iframe's page
    (tmp_path / "Sleep study.html").write_text(
        page_html(
            '<p><img alt="Hypnogram" src="./Sleep%20study_files/small.png" '
            'srcset="Sleep%20study_files/small.png 1x, Sleep%20study_files/large.png 2x"></p>'
        ),
        encoding="utf-8",
    )
    with Library.open(library_dir) as library:
        report = library.import_paths([tmp_path])
        assert [r.status for r in report.results] == [ImportStatus.ADDED]  # not frame.html
        html = library.article(report.results[0].article_id).html
        ((name, _),) = SHOWN.findall(html)
        assert library.image(name)[0] == png("red", (40, 30))  # the larger candidate


def mhtml_page(image: bytes) -> bytes:
    message = MIMEMultipart("related", type="text/html")
    message["From"] = "<Saved by Blink>"
    message["Snapshot-Content-Location"] = "https://example.org/sleep/study.html"
    page = MIMEText(page_html('<p><img alt="Hypnogram" src="../img/h.png"></p>'), "html")
    page["Content-Location"] = "https://example.org/sleep/study.html"
    message.attach(page)
    part = MIMEImage(image, "png")
    part["Content-Location"] = "https://example.org/img/h.png"
    message.attach(part)
    return message.as_bytes()


def test_mhtml_images_come_from_its_parts(tmp_path, library_dir):
    path = tmp_path / "study.mhtml"
    path.write_bytes(mhtml_page(png("purple")))
    with Library.open(library_dir) as library:
        html, others = imported(library, path)
        ((name, alt),) = SHOWN.findall(html)
        assert alt == "Hypnogram" and library.image(name)[0] == png("purple")
        assert others == []


def test_malformed_mhtml_gives_a_clear_error():
    broken = b"From: <Saved by Blink>\nMIME-Version: 1.0\nContent-Type: multipart/related\n\nx"
    with pytest.raises(ImportFailure, match="no MIME boundary"):
        parse_file(broken, "page.mhtml")
    no_page = mhtml_page(png("red")).replace(b"text/html", b"text/plain")
    with pytest.raises(ImportFailure, match="no HTML page"):
        mhtml.parse(no_page, "page.mhtml", None)  # type: ignore[arg-type]


# --- the real saved pages and bundles ---------------------------------------------------------


@pytest.mark.corpus
def test_r4epi_outbreak_page_four_stored_one_missing(corpora, library_dir):
    page = corpora / "images/markdown-bundles/r4epi-website/content/outbreaks/_index.en.md"
    with Library.open(library_dir) as library:
        html, others = imported(library, page)
        # hevperson.png is hevperson.PNG on disk; msfepimeasles.jpg is not in the snapshot.
        assert len(SHOWN.findall(html)) == 4
        assert others == [
            "images/msfepimeasles.jpg?width=30pc: image not found (its description is shown "
            "instead)"
        ]


@pytest.mark.corpus
def test_singlefile_page_keeps_its_screenshots(corpora, library_dir):
    page = corpora / "images/saved-pages/zotero-reader-singlefile/demo.html"
    with Library.open(library_dir) as library:
        html, _ = imported(library, page)
        kinds = sorted(library.image(name)[1] for name, _ in SHOWN.findall(html))
        assert kinds == ["image/jpeg", "image/png"]  # the two large screenshots


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["iframes.mhtml", "portfolio.mhtml"])
def test_chrome_mhtml_saves_import(corpora, library_dir, name):
    path = corpora / "images/saved-pages/mhtml2html-chrome-mhtml" / name
    with Library.open(library_dir) as library:
        report = library.import_paths([path])
        (result,) = report.results
        assert result.status is ImportStatus.ADDED
        article = library.article(result.article_id)
        assert article.source_format == "mhtml"
        assert article.url.startswith("http")
        if name == "portfolio.mhtml":  # its header is malformed: read anyway, and said
            assert "malformed" in result.message


def test_a_zip_member_climbing_out_is_never_an_image(tmp_path, library_dir):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("post/index.md", f"# Post\n\n{BODY}\n\n![Evil](../../evil.png)\n")
        zf.writestr("../../evil.png", png("black"))
    with Library.open(library_dir) as library:
        html, others = imported(library, archive)
        assert SHOWN.findall(html) == [] and "Image: Evil" in html
        assert others == ["../../evil.png: image not found (its description is shown instead)"]


def test_an_obsidian_vault_embed_finds_its_picture_anywhere_in_the_vault(tmp_path, library_dir):
    vault = tmp_path / "vault"
    (vault / "Attachments").mkdir(parents=True)
    (vault / "Attachments" / "Sleep Chart.PNG").write_bytes(png("orange"))
    (vault / "notes").mkdir()
    (vault / "notes" / "sleep.md").write_text(
        f"# Sleep\n\n{BODY}\n\n![[sleep chart.png|400]]\n\n![[gone.png|The missing one]]\n",
        encoding="utf-8",
    )
    with Library.open(library_dir) as library:
        html, others = imported(library, vault)
        ((name, alt),) = SHOWN.findall(html)
        assert alt == "sleep chart" and library.image(name)[0] == png("orange")
        assert "Image: The missing one" in html
        assert others == ["gone.png: image not found (its description is shown instead)"]


def test_a_missing_picture_never_borrows_another_articles_file_of_that_name(tmp_path, library_dir):
    for name, has_picture in (("one", False), ("two", True)):
        folder = tmp_path / "posts" / name
        folder.mkdir(parents=True)
        if has_picture:
            (folder / "fig1.png").write_bytes(png("green"))
        (folder / "index.md").write_text(
            f"# Post {name}\n\n{BODY}\n\n![Figure 1](fig1.png)\n", encoding="utf-8"
        )
    with Library.open(library_dir) as library:
        report = library.import_paths([tmp_path / "posts"])
        shown = {
            library.article(r.article_id).title: SHOWN.findall(library.article(r.article_id).html)
            for r in report.results
            if r.article_id
        }
        assert shown["Post one"] == [] and len(shown["Post two"]) == 1
