"""The built wheel works on its own: not editable, not beside the repository.

``python -m build`` makes the sdist and, from it, the wheel (so a file missing from the
sdist is missing here too). The wheel goes into a fresh venv with ``pip --no-deps``;
the dependencies (PySide6 alone is ~600 MB) come from the project's venv through a
folder of links, minus Margin's own editable install, so nothing of the repository is
importable in the new venv. Then the installed ``margin`` runs from a folder outside
the repository: ``--version``, the sample library with a screenshot, a file opened from
the desktop (``margin FILE``) and the CLI's import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

import reader
from reader.desktop import APP_ID

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "ketamine-for-pain.json"


def run(*args: str | Path, cwd: Path, env: dict[str, str], timeout: int = 120) -> str:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def dependencies_only(target: Path) -> Path:
    """Links to everything in this venv's site-packages except Margin itself."""
    site = Path(sysconfig.get_paths()["purelib"])
    target.mkdir()
    for entry in site.iterdir():
        name = entry.name.lower()
        if name.startswith(("margin", "__editable__", "reader", "_margin")) or name.endswith(
            ".pth"
        ):
            continue
        (target / entry.name).symlink_to(entry)
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A fresh venv with the built wheel installed; returns its bin folder and env."""
    work = tmp_path_factory.mktemp("wheel")
    dist = work / "dist"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "MARGIN_"))}
    run(sys.executable, "-m", "build", "--outdir", dist, REPO, cwd=work, env=env, timeout=300)
    (wheel,) = dist.glob("margin-*.whl")

    target = work / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    bin_dir = target / "bin"
    target_site = Path(
        run(
            bin_dir / "python",
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            cwd=work,
            env=env,
        ).strip()
    )
    deps = dependencies_only(work / "deps")
    (target_site / "margin-test-deps.pth").write_text(f"{deps}\n")
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        bin_dir / "python",
        "install",
        "-q",
        "--no-deps",
        "--no-index",
        wheel,
        cwd=work,
        env=env,
        timeout=300,
    )
    home = work / "home"
    env |= {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "share"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "MARGIN_LIBRARY": str(work / "library"),
        "MARGIN_LOG_DIR": str(work / "logs"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    return bin_dir, env


def test_version_comes_from_the_one_source(installed: tuple[Path, dict[str, str]]) -> None:
    bin_dir, env = installed
    out = run(bin_dir / "margin", "--version", cwd=bin_dir, env=env)
    assert out.strip() == f"margin {reader.__version__}"
    meta = run(
        bin_dir / "python",
        "-c",
        "import importlib.metadata as m; d = m.metadata('margin');"
        "print(d['Version'], d['License-Expression'])",
        cwd=bin_dir,
        env=env,
    )
    assert meta.split() == [reader.__version__, "GPL-3.0-or-later"]


def test_imports_come_from_the_wheel_not_the_repository(
    installed: tuple[Path, dict[str, str]],
) -> None:
    bin_dir, env = installed
    out = run(
        bin_dir / "python",
        "-c",
        "import reader, reader.core.library, reader.ui.main_window, reader.desktop;"
        "from reader.core.paths import resources_dir; from reader.core.sample import sample_files;"
        "print(reader.__file__); print(resources_dir()); print(len(sample_files()))",
        cwd=bin_dir,
        env=env,
    )
    module, resources, samples = out.split("\n")[:3]
    venv_root = bin_dir.parent
    assert Path(module).is_relative_to(venv_root), module
    assert Path(resources).is_relative_to(venv_root), resources
    assert (Path(resources) / "icons" / f"{APP_ID}.svg").is_file()
    assert int(samples) == 5


def test_sample_screenshot_and_opening_a_file(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    bin_dir, env = installed
    env = env | {"MARGIN_LIBRARY": str(tmp_path / "library")}
    shot = tmp_path / "sample.png"
    run(bin_dir / "margin", "--sample", "--screenshot", shot, cwd=tmp_path, env=env)
    assert shot.stat().st_size > 20_000  # a rendered window, not an empty picture
    listed = json.loads(run(bin_dir / "margin", "list", "--json", cwd=tmp_path, env=env))
    assert len(listed) == 5

    # What a file manager runs through the desktop entry: margin FILE.
    article = tmp_path / "Downloads" / "lithium.md"
    article.parent.mkdir()
    article.write_text("---\ntitle: Lithium Levels\n---\n\nCheck levels weekly at first.\n")
    run(bin_dir / "margin", "--screenshot", tmp_path / "opened.png", article, cwd=tmp_path, env=env)
    listed = json.loads(run(bin_dir / "margin", "list", "--json", cwd=tmp_path, env=env))
    assert len(listed) == 6 and "Lithium Levels" in [a["title"] for a in listed]


def test_cli_import_from_the_wheel(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    bin_dir, env = installed
    env = env | {"MARGIN_LIBRARY": str(tmp_path / "library")}
    report = json.loads(run(bin_dir / "margin", "import", "--json", FIXTURE, cwd=tmp_path, env=env))
    assert report["summary"]["added"] == 1
    (row,) = report["results"]
    assert row["title"] == "Ketamine for Pain: A Guide"


def test_wheel_ships_every_data_file(installed: tuple[Path, dict[str, str]]) -> None:
    """CSS, scripts, icons and samples: what the package reads at run time, not only code."""
    bin_dir, env = installed
    installed_root = Path(
        run(
            bin_dir / "python",
            "-c",
            "import reader; print(reader.__path__[0])",
            cwd=bin_dir,
            env=env,
        ).strip()
    )
    wanted = {
        path.relative_to(REPO / "src" / "reader")
        for path in (REPO / "src" / "reader").rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"}
    }
    wanted |= {
        Path("resources") / path.relative_to(REPO / "resources")
        for path in (REPO / "resources").rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"}
    }
    missing = sorted(str(p) for p in wanted if not (installed_root / p).is_file())
    assert not missing, f"not in the wheel (add them to package-data in pyproject.toml): {missing}"
