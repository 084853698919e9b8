"""What the window costs in memory on a big library (issue 13: under 300 MB at 50,000).

A child process opens the main window on the library (offscreen), runs a few searches,
opens the top hit and waits for its painted page, scrolls the article list to its end
(the list loads the rows it shows), and then reports. The
parent reads /proc for the window's own process and for its QtWebEngine helper
processes (renderer, GPU, utility), as RSS (shared pages counted in every process) and
PSS (shared pages shared out: what the machine really spends).

    python benchmarks/bench_library.py --n 50000 --keep /tmp/lib50k   # a big library
    python benchmarks/bench_window_memory.py --library /tmp/lib50k

An empty library is measured in the same run for comparison (what Qt, Python and the
engine cost before any article). Figures, not assertions.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_open_article import _kib, memory_mib

QUERIES = ["cancer", "breast cancer risk", '"blood pressure"', "title:diet", "neuro*"]


def child(library_dir: str) -> None:
    """Open the window, use it, print the window's pid, wait until stdin closes."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
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
        first = None
        for query in QUERIES:
            window.search_field.setText(query)
            results = window.search.search_now()
            if first is None and results is not None and results.hits:
                first = results.hits[0].article_id
        window.search_field.setText("")
        window.search.search_now()
        table = window.library_panel.table
        model = table.model()
        table.scrollToBottom()  # the list loads the rows it shows, page by page
        app.processEvents()
        if first is not None:
            window.open_article(first)
            wait_until_painted(app, window)
        app.processEvents()
        print(f"ready {os.getpid()} {model.rowCount()}", flush=True)
        sys.stdin.read()  # the parent has measured when it closes our stdin
        os._exit(0)


def measure(library_dir: Path) -> tuple[float, float, float, float, int, int]:
    """(window RSS, window PSS, all RSS, all PSS in MiB, processes, rows listed)."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", str(library_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    line = proc.stdout.readline().split()
    if not line or line[0] != "ready":
        proc.kill()
        raise SystemExit(f"the window did not start on {library_dir}")
    pid, rows = int(line[1]), int(line[2])
    rss = _kib(Path(f"/proc/{pid}/status"), "VmRSS") / 1024
    pss = _kib(Path(f"/proc/{pid}/smaps_rollup"), "Pss") / 1024
    all_rss, all_pss, count = memory_mib(pid)
    proc.stdin.close()
    proc.wait(timeout=30)
    return rss, pss, all_rss, all_pss, count, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--library", required=True, help="a library folder to open")
    args = parser.parse_args()
    print(f"machine load before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as empty:
        rows = [("empty library", *measure(Path(empty)))]
    rows.append((args.library, *measure(Path(args.library))))
    print(
        f"{'library':<28} {'window RSS':>10} {'PSS':>7} {'+engine RSS':>12} {'PSS':>7} procs rows"
    )
    for name, rss, pss, all_rss, all_pss, count, listed in rows:
        print(
            f"{Path(name).name[:28]:<28} {rss:>10.0f} {pss:>7.0f} {all_rss:>12.0f} "
            f"{all_pss:>7.0f} {count:>5} {listed}"
        )
    print("MiB; window = the app's own process; +engine = with QtWebEngine's helpers")
    print(f"machine load after: {os.getloadavg()[0]:.2f}  ({time.strftime('%H:%M:%S')})")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
