"""`margin` loads only what a command uses (issue 13): `--help` loads no Qt, no parser
library and no search index; `margin search` loads the index but no Qt and none of the
importers. Checked in a fresh interpreter, by the modules it ended up with."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ["PySide6", "lxml", "trafilatura", "readability", "nh3", "markdown_it", "yaml"]

# What a search has no use for: highlights are not placed (anchoring, merging, new
# uuids), citation keys are only worked out for a cites: query or at indexing, and the
# platform's data folder is not looked up when the library is named (issue 13).
NOT_FOR_A_SEARCH = [
    "reader.core.anchoring",
    "reader.core.annotations_merge",
    "reader.core.citations",
    "reader.core.identifiers",
    "reader.core.sentences",
    "platformdirs",
    "uuid",
    # Whoosh's own unused imports (reader.core.index.light_whoosh): downloads, asyncio
    "urllib.request",
    "http.client",
    "ssl",
    "asyncio",
    "cached_property",
]

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


def imported_library(tmp_path: Path, fixtures: Path) -> Path:
    library = tmp_path / "lib"
    subprocess.run(
        [sys.executable, "-c", "import sys; from reader.cli import main; sys.exit(main())",
         "--library", str(library), "import", str(fixtures / "ketamine-for-pain.json")],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    return library


def test_search_loads_the_index_but_no_qt_and_no_importers(tmp_path: Path, fixtures: Path) -> None:
    library = imported_library(tmp_path, fixtures)
    result = run_margin("search", "ketamine", "--json", library=library)
    assert result["code"] == 0
    assert [hit["title"] for hit in json.loads(result["out"])["hits"]] == [
        "Ketamine for Pain: A Guide"
    ]
    assert "whoosh" in result["modules"]
    assert loaded(result["modules"], HEAVY) == []
    assert not [m for m in result["modules"] if m.startswith("reader.core.importers")]


def test_search_leaves_out_highlight_placing_citation_keys_and_platform_folders(
    tmp_path: Path, fixtures: Path
) -> None:
    library = imported_library(tmp_path, fixtures)
    result = run_margin("search", "pain", "--json", library=library)
    assert result["code"] == 0
    assert json.loads(result["out"])["total"] == 1  # it searched
    assert [
        m for m in result["modules"] for name in NOT_FOR_A_SEARCH
        if m == name or m.startswith(name + ".")
    ] == []  # fmt: skip


def test_a_cites_query_loads_the_citation_keys_it_needs(tmp_path: Path, fixtures: Path) -> None:
    library = imported_library(tmp_path, fixtures)
    # written another way than the stored key "pmc6493703": the query needs the key rules
    result = run_margin("search", "cites:PMC:PMC6493703", "--json", library=library)
    assert result["code"] == 0
    assert [hit["title"] for hit in json.loads(result["out"])["hits"]] == [
        "Ketamine for Pain: A Guide"
    ]


def test_after_a_search_the_real_downloader_can_still_be_imported(tmp_path: Path) -> None:
    probe = (
        "import sys; from reader.core.index import ArticleIndex; "
        "import urllib.request, cached_property; "
        "print(urllib.request.urlopen.__module__, cached_property.__file__ is not None)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["urllib.request", "True"]


def test_the_command_table_names_what_each_module_registers() -> None:
    import argparse

    from reader.cli.main import COMMAND_GROUPS, command_group

    for group, commands in COMMAND_GROUPS.items():
        sub = argparse.ArgumentParser().add_subparsers()
        command_group(group).register(sub)
        assert tuple(sub.choices) == commands, group


def test_a_command_loads_only_its_own_command_module(tmp_path: Path, fixtures: Path) -> None:
    library = imported_library(tmp_path, fixtures)
    result = run_margin("search", "pain", "--json", library=library)
    assert result["code"] == 0
    cli_modules = {m for m in result["modules"] if m.startswith("reader.cli.")}
    assert cli_modules == {"reader.cli.main", "reader.cli.output", "reader.cli.search"}
