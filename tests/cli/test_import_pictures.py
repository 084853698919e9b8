"""`margin import` counts the files it skipped apart from the pictures an imported article
could not keep: the R4EPI outbreak page is imported with one picture missing, a file of
WordPress comments is skipped; "1 skipped" is the file, "1 picture problem" the picture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli import main

pytestmark = pytest.mark.corpus

R4EPI = "images/markdown-bundles/r4epi-website/content/outbreaks/_index.en.md"
MISSING = "images/msfepimeasles.jpg?width=30pc: image not found (its description is shown instead)"


def _import(capsys, corpora: Path, fixtures: Path, tmp_path: Path, *flags: str) -> str:
    page = corpora / R4EPI
    comments = fixtures / "wp-rest-json" / "post-60-comments.json"
    argv = ["--library", str(tmp_path / "lib"), "import", *flags, str(page), str(comments)]
    assert main(argv) == 0  # a skipped file and a missing picture are not failures
    return capsys.readouterr().out


def test_text_report_counts_the_skipped_file_and_the_missing_picture_apart(
    capsys, corpora: Path, fixtures: Path, tmp_path: Path
) -> None:
    lines = _import(capsys, corpora, fixtures, tmp_path).splitlines()
    page = str(corpora / R4EPI)
    assert lines[-1] == "1 added, 0 updated, 0 unchanged, 1 skipped, 0 failed; 1 picture problem"
    # Each line is still there with its reason; the picture names the article it is in.
    assert f"added     {page} #1: About Outbreak Templates" in lines
    assert f"picture   {page} #1: {MISSING}" in lines
    skipped = [line for line in lines if line.startswith("skipped ")]
    assert len(skipped) == 1 and skipped[0].endswith(
        "post-60-comments.json: WordPress comment, not an article (3 in this file)"
    )


def test_json_report_gives_pictures_their_own_status_and_count(
    capsys, corpora: Path, fixtures: Path, tmp_path: Path
) -> None:
    payload = json.loads(_import(capsys, corpora, fixtures, tmp_path, "--json"))
    assert payload["summary"] == {
        "added": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "failed": 0,
        "picture": 1,
    }
    (picture,) = [r for r in payload["results"] if r["status"] == "picture"]
    assert picture == {
        "source": str(corpora / R4EPI),
        "status": "picture",
        "id": 1,
        "title": "About Outbreak Templates",
        "message": MISSING,
    }
    (skipped,) = [r for r in payload["results"] if r["status"] == "skipped"]
    assert skipped["source"].endswith("post-60-comments.json") and "comment" in skipped["message"]
