"""How long opening a long article takes in the web reading view, and what it costs.

Prints three figures (offscreen, software rendering):

* **warm**: a 20,000-word article shown in a view whose engine is already running,
  until its text map is ready (``article_shown``: offsets, headings, marks work) and
  until its first frame is in the view (``painted``). Target: < 300 ms.
* **cold**: a fresh ``python`` process that opens the library, builds the main window
  and shows the article, until the window shows its painted page (wall clock from the
  parent, interpreter start-up included). Target: < 1.5 s.
* **memory**: the app and its engine helper processes together, as resident set (RSS,
  which counts shared pages once per process) and as proportional set (PSS, which
  shares them out; closer to what the machine really spends), from /proc.

    .venv/bin/python benchmarks/bench_open_article.py [WORDS]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

RUNS = 7


def article_markdown(words: int, title: str = "Benchmark article") -> str:
    sentence = (
        "Low-dose ketamine infusions reduced pain scores in several small trials, "
        "although [the evidence](https://pubmed.ncbi.nlm.nih.gov/23432384/) remains limited. "
    )
    per = len(sentence.split())
    parts = [f"---\ntitle: {title}\nauthor: Bench Writer\nsite: Bench\n---\n"]
    for i in range(words // per):
        if i % 25 == 0:
            parts.append(f"\n## Section {i // 25 + 1}\n\n- point one\n- point two\n")
        parts.append(("\n" if i % 4 == 0 else "") + sentence)
    return "".join(parts)


# --- processes and memory -------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def process_tree(pid: int) -> list[int]:
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += _children(current)
    return tree


def _kib(path: Path, field: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory_mib(pid: int) -> tuple[float, float, int]:
    """(RSS, PSS) in MiB of ``pid`` and all its descendants, and how many processes."""
    pids = process_tree(pid)
    rss = sum(_kib(Path(f"/proc/{p}/status"), "VmRSS") for p in pids)
    pss = sum(_kib(Path(f"/proc/{p}/smaps_rollup"), "Pss") for p in pids)
    return rss / 1024, pss / 1024, len(pids)


# --- the child that measures a cold start -----------------------------------------------------


def cold_child(library_dir: str, article_id: int) -> None:
    """Open the window on one article and exit as soon as it shows the painted page."""
    from reader.ui.reader import prepare_web_engine

    prepare_web_engine()
    from PySide6.QtWidgets import QApplication

    from reader.core.library import Library
    from reader.ui.app import wait_until_painted
    from reader.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    with Library.open(Path(library_dir)) as library:
        window = MainWindow(library)
        window.resize(1280, 800)
        window.show()
        window.open_article(article_id)
        painted = wait_until_painted(app, window)
        print("painted" if painted else "timeout", flush=True)
        window.close()
        window.deleteLater()
        app.processEvents()
    os._exit(0)  # the figure is taken: skip the engine's slow orderly shutdown


def cold_start(library_dir: Path, article_id: int) -> float:
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, __file__, "--cold", str(library_dir), str(article_id)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    elapsed = time.perf_counter() - start
    child.wait(timeout=30)
    if line != "painted":
        raise SystemExit(f"cold start: the window did not paint ({line!r})")
    return elapsed * 1000


# --- the warm view -----------------------------------------------------------------------------


def main() -> None:
    words = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    from reader.ui.reader import prepare_web_engine

    prepare_web_engine()
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from reader.core.library import Library
    from reader.ui.reader import ReaderView

    app = QApplication(sys.argv[:1])

    def wait(condition: object, timeout_s: float = 20.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition():  # type: ignore[operator]
            if time.monotonic() > deadline:
                raise SystemExit("timed out")
            pause = QEventLoop()
            QTimer.singleShot(1, pause.quit)
            pause.exec()

    with tempfile.TemporaryDirectory() as tmp:
        for name in ("a", "b"):
            (Path(tmp) / f"long-{name}.md").write_text(
                article_markdown(words, f"Benchmark article {name}"), encoding="utf-8"
            )
        lib_dir = Path(tmp) / "lib"
        with Library.open(lib_dir) as library:
            report = library.import_paths(sorted(Path(tmp).glob("long-*.md")))
            ids = [r.article_id for r in report.results if r.article_id is not None]
            articles = [library.article(i) for i in ids]
            view = ReaderView()
            view.resize(1000, 800)
            view.show()
            wait(lambda: view.painted)  # the engine is up (the empty page painted)
            shown, painted = [], []
            for run in range(RUNS):
                article = articles[run % 2]  # alternate, so nothing is the page already shown
                start = time.perf_counter()
                view.show_article(article, restore_position=False)
                wait(lambda: view.ready)
                shown.append((time.perf_counter() - start) * 1000)
                wait(lambda: view.painted and view.frame_shows_page())
                painted.append((time.perf_counter() - start) * 1000)
            rss, pss, processes = memory_mib(os.getpid())
            print(
                f"article: {len(articles[0].text.split()):,} words, "
                f"{len(articles[0].html):,} chars of HTML"
            )
            print(
                f"warm engine, text map ready: median {statistics.median(shown):.0f} ms "
                f"(min {min(shown):.0f}, max {max(shown):.0f})"
            )
            print(
                f"warm engine, first frame in the view: median {statistics.median(painted):.0f}"
                f" ms (min {min(painted):.0f}, max {max(painted):.0f}); target < 300 ms"
            )
            print(
                f"memory, app + {processes - 1} engine processes: RSS {rss:.0f} MiB, "
                f"PSS {pss:.0f} MiB"
            )
            view.close()
            view.deleteLater()
            app.processEvents()
        colds = [cold_start(lib_dir, ids[0]) for _ in range(3)]
        print(
            f"cold start to the first painted article (new process, window, library): "
            f"median {statistics.median(colds):.0f} ms (min {min(colds):.0f}, "
            f"max {max(colds):.0f}); target < 1500 ms"
        )
    os._exit(0)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--cold":
        cold_child(sys.argv[2], int(sys.argv[3]))
    else:
        main()
