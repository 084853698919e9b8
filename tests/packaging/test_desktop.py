"""`margin desktop install/uninstall` and the files behind them, checked like a desktop would."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from reader import __version__, desktop
from reader.cli import main
from reader.cli.desktop import split_open_files
from reader.cli.main import build_parser
from reader.core.paths import resources_dir

APP = desktop.APP_ID
DESKTOP_FILE = resources_dir() / "desktop" / f"{APP}.desktop"
METAINFO = resources_dir() / "desktop" / f"{APP}.metainfo.xml"


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def desktop_keys(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    tool = shutil.which(args[0])
    if tool is None:
        pytest.skip(f"{args[0]} is not installed (Debian: desktop-file-utils / appstream)")
    return subprocess.run([tool, *args[1:]], capture_output=True, text=True, timeout=60)


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def test_install_writes_entry_icons_types_and_metainfo(data_home: Path) -> None:
    written = desktop.install(command=["/opt/Margin Apps/margin"])

    entry = data_home / "applications" / f"{APP}.desktop"
    assert entry in written and entry.is_file()
    keys = desktop_keys(entry)
    # The full path of the command, quoted (it has a space), with the opened files.
    assert keys["Exec"] == '"/opt/Margin Apps/margin" %F'
    assert keys["Icon"] == APP
    mime_types = set(keys["MimeType"].rstrip(";").split(";"))
    assert {"application/json", "text/html", "text/markdown", "application/zip"} <= mime_types
    assert {"application/jats+xml", "application/x-mimearchive"} <= mime_types

    hicolor = data_home / "icons" / "hicolor"
    assert (hicolor / "scalable" / "apps" / f"{APP}.svg").read_text().lstrip().startswith("<?xml")
    for size in (48, 128, 256):
        assert png_size(hicolor / f"{size}x{size}" / "apps" / f"{APP}.png") == (size, size)
    assert (data_home / "mime" / "packages" / f"{APP}.xml").is_file()
    assert (data_home / "metainfo" / f"{APP}.metainfo.xml").is_file()


def test_nxml_files_get_the_jats_type(data_home: Path) -> None:
    if shutil.which("update-mime-database") is None:
        pytest.skip("update-mime-database is not installed (Debian: shared-mime-info)")
    desktop.install(command=["margin"])
    globs = (data_home / "mime" / "globs2").read_text(encoding="utf-8")
    assert "application/jats+xml:*.nxml" in globs


def test_uninstall_removes_exactly_what_install_wrote(data_home: Path) -> None:
    mine = data_home / "applications" / "someone-else.desktop"
    mine.parent.mkdir(parents=True)
    mine.write_text("[Desktop Entry]\n")
    written = desktop.install(command=["margin"])

    removed = desktop.uninstall()

    assert sorted(removed) == sorted(written)
    assert not any(p.exists() for p in written)
    assert mine.is_file()
    assert desktop.uninstall() == []  # a second time: nothing left, no error


def test_cli_desktop_install_and_uninstall(data_home: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["desktop", "install", "--json"]) == 0
    installed = json.loads(capsys.readouterr().out)
    entry = data_home / "applications" / f"{APP}.desktop"
    assert str(entry) in installed["installed"]
    # The entry starts this same Margin: its Exec is the launcher, by full path.
    assert desktop_keys(entry)["Exec"].startswith(installed["exec"][0])
    assert Path(installed["exec"][0]).is_absolute()

    assert main(["desktop", "uninstall"]) == 0
    assert "removed" in capsys.readouterr().out
    assert not entry.exists()


def test_desktop_without_an_action_is_a_usage_error(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["desktop"])
    assert stop.value.code == 2
    assert "install or uninstall" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["/usr/bin/margin"], "/usr/bin/margin %F"),
        (["/home/a b/margin"], '"/home/a b/margin" %F'),
        # $ and \ are escaped for the quoting, then every backslash once more (string rule).
        (["/srv/$x/m\\n"], '"/srv/\\\\$x/m\\\\\\\\n" %F'),
        (["/usr/bin/python3", "-m", "reader"], "/usr/bin/python3 -m reader %F"),
        (["/opt/100%/margin"], '"/opt/100%%/margin" %F'),
    ],
)
def test_exec_value_quotes_by_the_spec(command: list[str], expected: str) -> None:
    assert desktop.exec_value(command) == expected


def test_shipped_desktop_file_validates() -> None:
    result = run_tool("desktop-file-validate", str(DESKTOP_FILE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower()


def test_installed_desktop_file_validates(data_home: Path) -> None:
    desktop.install(command=["/opt/Margin Apps/margin"])
    result = run_tool("desktop-file-validate", str(data_home / "applications" / f"{APP}.desktop"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_metainfo_validates_and_names_this_release() -> None:
    result = run_tool("appstreamcli", "validate", "--no-net", str(METAINFO))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f'<release version="{__version__}"' in METAINFO.read_text(encoding="utf-8")


def test_opened_files_are_told_apart_from_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # relative words are looked up here: nothing by those names
    parser = build_parser()
    article = tmp_path / "a b.json"
    article.write_text("{}")
    other = tmp_path / "b.md"
    other.write_text("# B")

    # What a file manager runs: margin FILE FILE (absolute paths), maybe with options.
    assert split_open_files(parser, [str(article), str(other)]) == ([], [str(article), str(other)])
    assert split_open_files(parser, ["--library", "L", str(article)]) == (
        ["--library", "L"],
        [str(article)],
    )
    # Commands and their arguments are left alone, even when an argument is a file.
    assert split_open_files(parser, ["import", str(article)]) == (["import", str(article)], [])
    assert split_open_files(parser, ["--library", "L", "list"]) == (["--library", "L", "list"], [])
    # A word that is neither a command nor a file goes to argparse, which reports it.
    assert split_open_files(parser, ["serch", "x"]) == (["serch", "x"], [])


def test_install_elsewhere_says_what_to_do(
    data_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr(desktop.sys, "platform", "win32")
    assert main(["desktop", "install"]) == 1
    assert "installer" in capsys.readouterr().err
    assert not data_home.exists()
