"""Images kept in the library (issue 11): PMC packages as folders and .tar.gz, the
content-hash store, its caps and checks, and what removing an article takes with it."""

from __future__ import annotations

import base64
import io
import re
import shutil
import tarfile
from pathlib import Path

import pytest
from PIL import Image

from reader.core.errors import StorageError
from reader.core.images import collect
from reader.core.images.kinds import ImageRejected, keep, sniff
from reader.core.library import Library
from reader.core.library.store import Store
from reader.core.model import ImportStatus

PACKAGE = "pmc-package"  # tests/fixtures/pmc-package: BMC Res Notes 5:615 (CooVar), CC BY
STEM = "1756-0500-5-615"
STORED = re.compile(r'<img src="margin-image:([0-9a-f]{64}\.\w+)" alt="([^"]*)"')


@pytest.fixture
def package(fixtures: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "BMC_Res_Notes_2012_Nov_1_5_615"
    shutil.copytree(fixtures / PACKAGE, folder)
    return folder


def make_tar(folder: Path, target: Path) -> Path:
    with tarfile.open(target, "w:gz") as archive:
        archive.add(folder, arcname=folder.name)
    return target


def png(width: int = 4, height: int = 3, color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def only_article(library: Library) -> int:
    ids = library.article_ids()
    assert len(ids) == 1
    return ids[0]


def image_files(library_dir: Path) -> list[Path]:
    return sorted(p for p in (library_dir / "images").glob("*/*") if p.is_file())


# --- a PMC package ---------------------------------------------------------------------


def test_a_pmc_folder_stores_each_figure_full_size_and_shows_it(package, library_dir):
    with Library.open(library_dir) as library:
        report = library.import_paths([package])
        # Only the .nxml is an article: license.txt beside it is not.
        assert [r.status for r in report.results] == [ImportStatus.ADDED]
        article = library.article(only_article(library))
        shown = STORED.findall(article.html)
        assert [alt for _, alt in shown] == ["Figure 1", "Figure 2"]
        for (name, _), number in zip(shown, (1, 2), strict=True):
            data, mime = library.image(name)
            # The full-size JPEG, never the GIF thumbnail with the same base name.
            assert data == (package / f"{STEM}-{number}.jpg").read_bytes()
            assert mime == "image/jpeg"
        rows = library.images(article.id)
        assert [(r.status, r.figure) for r in rows] == [("stored", "F1"), ("stored", "F2")]
        # The caption is text; the picture is not.
        assert "Image:" not in article.text
        assert "CooVar" in article.text


def test_a_pmc_tar_gz_imports_like_its_folder(package, library_dir, tmp_path):
    archive = make_tar(package, tmp_path / "pmc3532326.tar.gz")
    with Library.open(library_dir) as library:
        report = library.import_paths([archive])
        assert [r.status for r in report.results] == [ImportStatus.ADDED]
        assert report.results[0].source.endswith(f"{STEM}.nxml")
        article = library.article(only_article(library))
        assert len(STORED.findall(article.html)) == 2
    assert len(image_files(library_dir)) == 2


def test_a_truncated_tar_imports_what_it_can_and_says_what_it_could_not(
    package, library_dir, tmp_path
):
    # Written in this order, so the cut falls inside the second figure's JPEG.
    order = [f"{STEM}.nxml", f"{STEM}-1.jpg", f"{STEM}-1.gif", f"{STEM}-2.gif", f"{STEM}-2.jpg"]
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as archive:
        for name in order:
            archive.add(package / name, arcname=f"pkg/{name}")
    whole = raw.getvalue()
    cut = whole.index((package / f"{STEM}-2.jpg").read_bytes()[:4096]) + 2000
    truncated = tmp_path / "cut.tar"
    truncated.write_bytes(whole[:cut])
    with Library.open(library_dir) as library:
        report = library.import_paths([truncated])
        statuses = [r.status for r in report.results]
        assert statuses[0] is ImportStatus.ADDED
        lines = [r.message for r in report.results[1:]]
        assert lines[0] == f"{STEM}-2: only the thumbnail ({STEM}-2.gif) was found"
        assert "truncated or damaged" in lines[1]
        article = library.article(only_article(library))
        names = [name for name, _ in STORED.findall(article.html)]
        # Figure 1 full size; figure 2 falls back to the thumbnail that was read in time.
        assert library.image(names[0])[0] == (package / f"{STEM}-1.jpg").read_bytes()
        assert library.image(names[1]) == ((package / f"{STEM}-2.gif").read_bytes(), "image/gif")


def test_a_tar_with_links_devices_and_climbing_names_reads_none_of_them(
    package, library_dir, tmp_path
):
    target = tmp_path / "hostile.tar.gz"
    with tarfile.open(target, "w:gz") as archive:
        archive.add(package / f"{STEM}.nxml", arcname=f"pkg/{STEM}.nxml")
        link = tarfile.TarInfo(f"pkg/{STEM}-1.jpg")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        archive.addfile(link)
        device = tarfile.TarInfo(f"pkg/{STEM}-2.jpg")
        device.type = tarfile.CHRTYPE
        archive.addfile(device)
        climbing = (package / f"{STEM}-2.jpg").read_bytes()
        info = tarfile.TarInfo(f"../../{STEM}-2.jpg")
        info.size = len(climbing)
        archive.addfile(info, io.BytesIO(climbing))
    with Library.open(library_dir) as library:
        report = library.import_paths([target])
        messages = " | ".join(r.message for r in report.results)
        assert report.results[0].status is ImportStatus.ADDED
        assert "a link; skipped" in messages
        assert "not a regular file; skipped" in messages
        assert "outside the archive; skipped" in messages
        article = library.article(only_article(library))
        assert STORED.findall(article.html) == []
        assert article.html.count("image-placeholder") == 2
    assert image_files(library_dir) == []
    assert not (tmp_path.parent / f"{STEM}-2.jpg").exists()


def test_a_missing_figure_is_a_placeholder_and_a_report_line(package, library_dir):
    for thumb_or_full in package.glob(f"{STEM}-2.*"):
        thumb_or_full.unlink()
    with Library.open(library_dir) as library:
        report = library.import_paths([package])
        lines = [r.message for r in report.results if r.status is ImportStatus.PICTURE]
        assert lines == [f"{STEM}-2: image not found (its description is shown instead)"]
        article = library.article(only_article(library))
        assert len(STORED.findall(article.html)) == 1
        assert "Image: Figure 2" in article.text


# --- the store: once by hash, removed with the last article that shows it --------------


def test_an_image_shown_by_two_articles_is_kept_once_and_until_both_are_gone(
    package, library_dir, tmp_path
):
    other = tmp_path / "other"
    shutil.copytree(package, other)
    nxml = other / f"{STEM}.nxml"
    # Another article (new title and text) with the same two figures.
    xml = nxml.read_bytes().replace(b"CooVar", b"OtherVar").replace(b">23116482<", b">1<")
    nxml.write_bytes(xml.replace(b">3532326<", b">2<").replace(b">10.1186/", b">10.9999/"))
    with Library.open(library_dir) as library:
        library.import_paths([package, other])
        first, second = library.article_ids()
        assert len(image_files(library_dir)) == 2
        library.remove([first])
        assert len(image_files(library_dir)) == 2  # the other article still shows them
        library.remove([second])
        assert image_files(library_dir) == []


def test_importing_the_same_package_again_adds_no_copies(package, library_dir):
    with Library.open(library_dir) as library:
        library.import_paths([package])
        again = library.import_paths([package])
        assert [r.status for r in again.results] == [ImportStatus.UNCHANGED]
        assert len(library.images(only_article(library))) == 2
    assert len(image_files(library_dir)) == 2


def test_a_failed_save_leaves_no_image_behind(package, library_dir, monkeypatch):
    def refuse(*_args: object) -> None:
        raise StorageError("the disk is full")

    monkeypatch.setattr(Store, "add_original", refuse)
    with Library.open(library_dir) as library:
        report = library.import_paths([package])
        assert report.results[0].status is ImportStatus.FAILED
        assert library.article_ids() == []
    assert image_files(library_dir) == []


def test_only_stored_image_names_are_ever_read(package, library_dir):
    with Library.open(library_dir) as library:
        library.import_paths([package])
        (library_dir / "secret.jpg").write_bytes(b"\xff\xd8\xff secret")
        for name in ("../secret.jpg", "secret.jpg", "/etc/passwd", "a" * 64, "A" * 64 + ".jpg"):
            assert library.image(name) is None
        assert library.image("0" * 64 + ".png") is None  # well-formed but not stored


def test_margin_check_finds_stray_and_missing_images_and_repairs_strays(package, library_dir):
    with Library.open(library_dir) as library:
        library.import_paths([package])
        assert library.check().problems == []
        stray = library_dir / "images" / "ab" / ("ab" * 32)
        stray.parent.mkdir(exist_ok=True)
        stray.write_bytes(b"stray")
        gone = image_files(library_dir)[0]
        gone.unlink()
        report = library.check()
        assert any("1 image file(s)" in p and "no article uses" in p for p in report.problems)
        assert any("missing" in p and gone.name in p for p in report.problems)
        repaired = library.check(repair=True)
        assert repaired.repaired == ["removed 1 unused image file(s)"]
        assert not stray.exists()
        assert any("missing" in p for p in library.check().problems)  # cannot be made again


# --- what counts as an image -----------------------------------------------------------


def test_image_kinds_are_judged_by_their_bytes():
    assert sniff(png()) == "png"
    assert sniff(b"GIF89a....") == "gif"
    assert sniff(b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>") == "svg"
    assert sniff(b"<html>not an image</html>") is None
    with pytest.raises(ImageRejected, match="SVG"):
        keep(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    with pytest.raises(ImageRejected, match="damaged"):
        keep(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)


def test_a_tiff_is_converted_to_png():
    raw = io.BytesIO()
    Image.new("RGB", (30, 20), "blue").save(raw, "TIFF", compression="tiff_lzw")
    kept = keep(raw.getvalue())
    assert (kept.kind, kept.mime) == ("png", "image/png")
    assert Image.open(io.BytesIO(kept.data)).size == (30, 20)


def test_a_decompression_bomb_is_refused_without_decoding_it():
    # A real PNG header claiming 20,000 × 20,000 pixels (400 megapixels), in 30 KB.
    raw = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(raw, "PNG")
    assert len(raw.getvalue()) < 200_000
    with pytest.raises(ImageRejected, match="too many pixels"):
        keep(raw.getvalue())


def test_per_article_caps_skip_images_and_say_so(monkeypatch):
    monkeypatch.setattr(collect, "MAX_IMAGES_PER_ARTICLE", 2)
    images = [png(color=c) for c in ("red", "green", "blue")]
    markup = "".join(
        f'<p><img alt="{i}" src="data:image/png;base64,{base64.b64encode(d).decode()}"></p>'
        for i, d in enumerate(images)
    )
    with collect.collecting() as collector:
        html, names = collector.rewrite(markup)
    assert len(names) == 2
    assert collector.notes == ["data:image/png image: skipped: an article keeps at most 2 images"]
    assert html.count("margin-image:") == 2


def test_a_reimport_with_another_figure_drops_the_image_no_longer_shown(package, library_dir):
    with Library.open(library_dir) as library:
        library.import_paths([package])
        old = {p.name for p in image_files(library_dir)}
        # The publisher replaced figure 2 (same name, new picture) and fixed a typo.
        (package / f"{STEM}-2.jpg").write_bytes(png(color="blue"))
        nxml = package / f"{STEM}.nxml"
        nxml.write_bytes(nxml.read_bytes().replace(b"CooVar", b"CooVar ", 1))
        (result,) = library.import_paths([package]).results
        assert result.status is ImportStatus.UPDATED
        new = {p.name for p in image_files(library_dir)}
        assert len(new) == 2 and len(old & new) == 1  # figure 1 kept, the old figure 2 gone


def test_a_corrupt_archive_leaves_the_library_as_it_was(package, library_dir, tmp_path):
    with Library.open(library_dir) as library:
        library.import_paths([package])
        before = (library.article_ids(), image_files(library_dir))
        bad = tmp_path / "bad.tar.gz"
        bad.write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 8)
        (result,) = library.import_paths([bad]).results
        assert result.status is ImportStatus.FAILED
        assert "not a readable tar archive" in result.message or "truncated" in result.message
        assert (library.article_ids(), image_files(library_dir)) == before


def test_an_image_over_the_size_cap_is_skipped_and_said(package, library_dir, monkeypatch):
    from reader.core.images import kinds

    monkeypatch.setattr(kinds, "MAX_IMAGE_BYTES", 60_000)  # figure 1 is 110 KB, figure 2 53 KB
    with Library.open(library_dir) as library:
        report = library.import_paths([package])
        lines = [r.message for r in report.results if r.status is ImportStatus.PICTURE]
        assert lines == [f"{package / (STEM + '-1.jpg')}: the image is larger than 58 KB"]
        article = library.article(only_article(library))
        assert [alt for _, alt in STORED.findall(article.html)] == ["Figure 2"]
        assert "Image: Figure 1" in article.text
