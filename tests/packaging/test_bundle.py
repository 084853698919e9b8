"""Smoke test of the PyInstaller one-folder bundle (packaging/build-bundle.sh).

Building takes a minute or more, so the suite does not build it: set ``MARGIN_BUNDLE``
to the built folder (``dist/margin``) to run these tests; ``.ci/run`` builds the bundle
and runs them as its own step after the README's test command. The bundle runs with a
clean environment from a folder outside the repository, as a user would start it.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

import reader

pytestmark = [pytest.mark.bundle, pytest.mark.slow]

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ketamine-for-pain.json"


@pytest.fixture(scope="module")
def bundle() -> Path:
    folder = os.environ.get("MARGIN_BUNDLE")
    if not folder:
        pytest.skip("set MARGIN_BUNDLE=dist/margin after packaging/build-bundle.sh")
    exe = Path(folder).resolve() / "margin"
    assert exe.is_file(), f"MARGIN_BUNDLE={folder} has no margin executable"
    return exe


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    keep = ("PATH", "LANG", "LC_ALL", "TZ", "DISPLAY", "XAUTHORITY")
    home = tmp_path / "home"
    return {k: os.environ[k] for k in keep if k in os.environ} | {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "share"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
        "MARGIN_LIBRARY": str(tmp_path / "library"),
        "MARGIN_LOG_DIR": str(tmp_path / "logs"),
        "QT_QPA_PLATFORM": "offscreen",
    }


def run(*args: str | Path, env: dict[str, str], cwd: Path) -> str:
    result = subprocess.run(
        [str(a) for a in args], env=env, cwd=cwd, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_bundle_is_self_contained(bundle: Path) -> None:
    internal = bundle.parent / "_internal"
    qt = internal / "PySide6" / "Qt"
    # QtWebEngine's helper process, its resources and at least the fallback locale.
    assert (qt / "libexec" / "QtWebEngineProcess").is_file()
    assert (qt / "resources" / "qtwebengine_resources.pak").is_file()
    assert (qt / "resources" / "icudtl.dat").is_file()
    assert (qt / "translations" / "qtwebengine_locales" / "en-US.pak").is_file()
    assert len(list((internal / "reader" / "resources" / "sample").iterdir())) == 5


def test_bundle_version(bundle: Path, env: dict[str, str], tmp_path: Path) -> None:
    assert run(bundle, "--version", env=env, cwd=tmp_path).strip() == f"margin {reader.__version__}"


def test_bundle_renders_an_article(bundle: Path, env: dict[str, str], tmp_path: Path) -> None:
    shot = tmp_path / "sample.png"
    started = time.monotonic()
    run(bundle, "--sample", "--screenshot", shot, "--search", "PRISMA", env=env, cwd=tmp_path)
    elapsed = time.monotonic() - started
    assert shot.stat().st_size > 20_000
    listed = json.loads(run(bundle, "list", "--json", env=env, cwd=tmp_path))
    assert len(listed) == 5
    print(f"bundle: sample import + window + screenshot in {elapsed:.1f} s")


def test_bundle_cli_imports_and_opens_files(
    bundle: Path, env: dict[str, str], tmp_path: Path
) -> None:
    report = json.loads(run(bundle, "import", "--json", FIXTURE, env=env, cwd=tmp_path))
    assert report["summary"]["added"] == 1

    # margin FILE: what the desktop entry runs for a file opened from a file manager.
    note = tmp_path / "lithium.md"
    note.write_text("---\ntitle: Lithium Levels\n---\n\nCheck levels weekly at first.\n")
    run(bundle, "--screenshot", tmp_path / "opened.png", note, env=env, cwd=tmp_path)
    titles = [a["title"] for a in json.loads(run(bundle, "list", "--json", env=env, cwd=tmp_path))]
    assert sorted(titles) == ["Ketamine for Pain: A Guide", "Lithium Levels"]


def test_bundle_desktop_install_points_at_the_bundle(
    bundle: Path, env: dict[str, str], tmp_path: Path
) -> None:
    run(bundle, "desktop", "install", env=env, cwd=tmp_path)
    entry = Path(env["XDG_DATA_HOME"]) / "applications" / "io.github.margin_reader.Margin.desktop"
    exec_line = next(x for x in entry.read_text().splitlines() if x.startswith("Exec="))
    assert exec_line.startswith(f"Exec={bundle}") or exec_line.startswith(f'Exec="{bundle}"')
