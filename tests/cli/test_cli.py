"""The `margin` command line: what a terminal user types and sees, and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "ketamine-for-pain.json"


@pytest.fixture
def lib(tmp_path: Path) -> list[str]:
    return ["--library", str(tmp_path / "lib")]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_list_search_show(capsys, lib) -> None:
    code, out, _ = run(capsys, *lib, "import", str(SEED))
    assert code == 0
    assert out.startswith("added")
    assert "1 added" in out

    code, out, _ = run(capsys, *lib, "list", "--json")
    rows = json.loads(out)
    assert rows[0]["title"] == "Ketamine for Pain: A Guide"
    assert set(rows[0]) >= {"id", "title", "site", "authors", "published", "url", "highlights"}
    article_id = rows[0]["id"]

    code, out, _ = run(capsys, *lib, "search", "bladder", "--json")
    payload = json.loads(out)
    assert payload["hits"][0]["id"] == article_id
    assert "match" in payload["hits"][0]["snippet"]

    code, out, _ = run(capsys, *lib, "search", "bladder")
    assert "Ketamine for Pain" in out and "**bladder**" in out.lower()

    code, out, _ = run(capsys, *lib, "show", str(article_id))
    assert out.startswith("Ketamine for Pain: A Guide\n")
    assert "Martha Allitt" in out

    code, out, _ = run(capsys, *lib, "show", str(article_id), "--format", "json")
    assert json.loads(out)["site_name"] == "Psycle Health"


def test_failed_file_exits_1_and_names_it(capsys, lib, tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"id": 1, "title": ', encoding="utf-8")
    code, out, _ = run(capsys, *lib, "import", str(SEED), str(bad))
    assert code == 1
    assert "failed" in out and "broken.json" in out
    code, out, _ = run(capsys, *lib, "list", "--json")
    assert len(json.loads(out)) == 1


MHTML_PAGE = """From: <Saved by Blink>
Snapshot-Content-Location: https://example.org/sleep
Subject: Sleep and memory
MIME-Version: 1.0
Content-Type: multipart/related; type="text/html"; boundary="----boundary----"

------boundary----
Content-Type: text/html
Content-Location: https://example.org/sleep

<html><head><title>Sleep and memory</title></head><body><article><h1>Sleep and memory</h1>
<p>Sleep helps the brain keep what it learnt during the day. Students who slept after
studying remembered more words the next morning than those who stayed awake.</p>
<p>Short naps helped as well, though less than a full night.</p></article></body></html>
------boundary------
"""


def test_list_filters_by_every_format_an_article_can_have(capsys, lib, tmp_path: Path) -> None:
    from reader.core.model import SourceFormat

    page = tmp_path / "sleep.mhtml"
    page.write_text(MHTML_PAGE, encoding="utf-8")
    run(capsys, *lib, "import", str(SEED), str(page))
    code, out, _ = run(capsys, *lib, "list", "--format", "mhtml", "--json")
    assert code == 0 and [row["title"] for row in json.loads(out)] == ["Sleep and memory"]
    for source_format in SourceFormat:  # `margin list --format` offers each of them
        code, _, _ = run(capsys, *lib, "list", "--format", source_format.value)
        assert code == 0


def test_tag_says_the_tags_the_article_has(capsys, lib) -> None:
    run(capsys, *lib, "import", str(SEED))  # tagged "ketamine" by its post
    code, out, _ = run(capsys, *lib, "tag", "1", " Chronic pain ", "", "KETAMINE", "--json")
    assert code == 0 and json.loads(out) == {"id": 1, "tags": ["ketamine", "Chronic pain"]}
    code, out, _ = run(capsys, *lib, "tag", "1", "--remove", "chronic pain ")
    assert out == "article 1: #ketamine\n"


def test_a_repaired_page_says_repaired_once(capsys, lib, tmp_path: Path) -> None:
    page = tmp_path / "sleep.mhtml"
    # A header line without a colon ends the header early: the parts are found by hand.
    page.write_text(MHTML_PAGE.replace("Subject:", "a broken line\nSubject:"), encoding="utf-8")
    code, out, _ = run(capsys, *lib, "import", str(page))
    assert code == 0
    assert "Sleep and memory (repaired: the MHTML header was malformed)\n" in out


def test_a_file_of_no_known_format_is_told_what_margin_reads(capsys, lib, tmp_path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Ask about the dose on Thursday.\n", encoding="utf-8")
    code, out, _ = run(capsys, *lib, "import", str(notes))
    assert code == 1 and f"failed    {notes}: not an article format Margin knows" in out
    # Every format it does read, so the user knows what to bring (or to rename it .md).
    for name in ("WordPress", "WXR", "HTML", "MHTML", "Markdown", ".md", "front matter", "JATS"):
        assert name in out


def test_list_filters_say_when_nothing_matches_and_take_a_site_in_any_case(capsys, lib) -> None:
    run(capsys, *lib, "import", str(SEED))  # from "Psycle Health"
    code, out, _ = run(capsys, *lib, "list", "--site", "psycle health")
    assert code == 0 and "Ketamine for Pain" in out
    code, out, _ = run(capsys, *lib, "list", "--site", "Nowhere")
    # The library is not empty: the filter found nothing.
    assert code == 0 and out == "No articles match --site 'Nowhere' (margin tags lists the tags)\n"


def test_usage_errors_exit_2(capsys, lib) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*lib, "frobnicate"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main([*lib, "show", "not-a-number"])
    assert exc.value.code == 2


def test_a_missing_file_to_open_is_named_not_taken_for_a_command(capsys, lib, tmp_path) -> None:
    missing = tmp_path / "posts.json"
    with pytest.raises(SystemExit) as exc:
        main([*lib, str(missing)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"no such file or folder: {missing}" in err and "invalid choice" not in err
    with pytest.raises(SystemExit):  # a mistyped command is still named as one
        main([*lib, "improt"])
    assert "invalid choice: 'improt'" in capsys.readouterr().err


def test_a_bad_window_size_is_a_usage_error(capsys, lib, tmp_path) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*lib, "--screenshot", str(tmp_path / "x.png"), "--size", "big"])
    assert exc.value.code == 2
    assert "--size: wants WIDTHxHEIGHT, e.g. 1280x800, not 'big'" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_unknown_id_exits_1(capsys, lib) -> None:
    code, _, err = run(capsys, *lib, "show", "999")
    assert code == 1
    assert "no article with id 999" in err


def test_bad_query_message_not_traceback(capsys, lib) -> None:
    run(capsys, *lib, "import", str(SEED))
    code, _, err = run(capsys, *lib, "search", "title:(")
    assert code == 1
    assert "Traceback" not in err and err.strip()


def test_remove_and_reindex(capsys, lib) -> None:
    run(capsys, *lib, "import", str(SEED))
    code, out, _ = run(capsys, *lib, "reindex")
    assert code == 0 and "reindexed 1" in out
    code, out, _ = run(capsys, *lib, "remove", "1")
    assert code == 0
    code, out, _ = run(capsys, *lib, "list")
    assert "empty" in out


def test_help_teaches(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for word in ("import", "search", "export", "examples:", "exit codes"):
        assert word in out


def test_python_dash_m_reader_works(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "reader", "--library", str(tmp_path / "lib"), "list"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0
    assert "empty" in proc.stdout


def test_environment_variable_chooses_library(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MARGIN_LIBRARY", str(tmp_path / "envlib"))
    code, _, _ = run(capsys, "import", str(SEED))
    assert code == 0
    assert (tmp_path / "envlib" / "library.sqlite3").exists()


def test_highlight_note_export_and_w3c_round_trip(capsys, lib, tmp_path: Path) -> None:
    run(capsys, *lib, "import", str(SEED))
    code, out, _ = run(
        capsys, *lib, "highlight", "1", "--quote", "lower risk of abuse",
        "--color", "red", "--note", "check **dose**", "--tag", "dose", "pharm",
    )  # fmt: skip
    assert code == 0
    uuid = out.strip().rsplit(" ", 1)[-1]
    code, _, err = run(capsys, *lib, "highlight", "1", "--quote", "ketamine")
    assert code == 1 and "add --prefix or --suffix" in err
    code, _, err = run(capsys, *lib, "highlight", "1", "--quote", "no such words here")
    assert code == 1 and "not found" in err
    run(capsys, *lib, "note", "1", "Journal club overview")

    code, out, _ = run(capsys, *lib, "annotations", "1", "--json")
    payload = json.loads(out)
    assert payload["note"] == "Journal club overview"
    (row,) = payload["annotations"]
    assert row["uuid"] == uuid and row["tags"] == ["dose", "pharm"] and not row["orphan"]

    md_dir, w3c_dir = tmp_path / "md", tmp_path / "w3c"
    assert run(capsys, *lib, "export", "1", "--out", str(md_dir))[0] == 0
    (md,) = md_dir.glob("*.md")
    text = md.read_text(encoding="utf-8")
    assert "> lower risk of abuse" in text and "Journal club overview" in text
    # What the user adds outside Margin's block survives a re-export.
    md.write_text(text + "\nMy own thoughts.\n", encoding="utf-8")
    run(capsys, *lib, "export", "1", "--out", str(md_dir))
    assert "My own thoughts." in md.read_text(encoding="utf-8")

    assert run(capsys, *lib, "export", "--all", "--format", "w3c", "--out", str(w3c_dir))[0] == 0
    (jsonld,) = w3c_dir.glob("*.jsonld")
    # A fresh library with the same article gets the highlight back from the file.
    other = ["--library", str(tmp_path / "other")]
    run(capsys, *other, "import", str(SEED))
    code, out, _ = run(capsys, *other, "import-annotations", str(jsonld))
    assert code == 0 and "imported 1" in out
    code, out, _ = run(capsys, *other, "annotations", "1", "--json")
    (copied,) = json.loads(out)["annotations"]
    assert copied["uuid"] == uuid and copied["note"] == "check **dose**"
    assert json.loads(out)["note"] == "Journal club overview"


def test_window_without_a_display_explains_instead_of_crashing(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.run(
        [sys.executable, "-m", "reader", "--library", str(tmp_path / "lib")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "no display" in proc.stderr and "--help" in proc.stderr
