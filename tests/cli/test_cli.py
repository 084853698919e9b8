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


def test_usage_errors_exit_2(capsys, lib) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*lib, "frobnicate"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main([*lib, "show", "not-a-number"])
    assert exc.value.code == 2


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
