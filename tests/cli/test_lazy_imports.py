"""`margin` loads only what a command uses (issue 13): `--help` loads no Qt, no parser
library and no search index; `margin search` loads the index but no Qt and none of the
importers. Checked in a fresh interpreter, by the modules it ended up with."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ["PySide6", "lxml", "trafilatura", "readability", "nh3", "markdown_it", "yaml"]

PROBE = """
import contextlib, io, json, sys
from reader.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exit:
        code = exit.code
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def run_margin(*args: str, library: Path | None = None) -> dict:
    env_args = ["--library", str(library)] if library else []
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *env_args, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def loaded(modules: list[str], names: list[str]) -> list[str]:
    return [m for m in modules if m.split(".")[0] in names]


def test_help_loads_no_qt_no_parsers_and_no_index() -> None:
    result = run_margin("--help")
    assert result["code"] == 0
    assert "margin search" in result["out"]  # the help was printed
    assert loaded(result["modules"], [*HEAVY, "whoosh"]) == []
    assert "reader.core.library" not in result["modules"]


def test_search_loads_the_index_but_no_qt_and_no_importers(tmp_path: Path, fixtures: Path) -> None:
    library = tmp_path / "lib"
    subprocess.run(
        [sys.executable, "-c", "import sys; from reader.cli import main; sys.exit(main())",
         "--library", str(library), "import", str(fixtures / "ketamine-for-pain.json")],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    result = run_margin("search", "ketamine", "--json", library=library)
    assert result["code"] == 0
    assert [hit["title"] for hit in json.loads(result["out"])["hits"]] == [
        "Ketamine for Pain: A Guide"
    ]
    assert "whoosh" in result["modules"]
    assert loaded(result["modules"], HEAVY) == []
    assert not [m for m in result["modules"] if m.startswith("reader.core.importers")]
