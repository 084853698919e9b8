"""How fast `margin` starts: `margin --help`, `margin --version` and `margin search`, each a
new process, timed like hyperfine (warm-up runs, then N runs: mean ± sd, min, median),
and what the search spends importing (``python -X importtime``, biggest first).

    python benchmarks/bench_library.py --n 10000 --keep /tmp/lib10k   # a library
    python benchmarks/bench_cli_start.py --library /tmp/lib10k

Users get `margin` from a wheel (pipx); an editable checkout adds setuptools' import
finder and a longer site-packages (~10-25 ms a start). To time what users get, install
the wheel in its own venv that borrows the checkout's dependencies, and run this script
with that venv's Python:

    python -m pip wheel --no-deps -w /tmp/wheel . && python3 -m venv /tmp/wv
    /tmp/wv/bin/pip install --no-deps /tmp/wheel/margin-*.whl
    echo "$PWD/.venv/lib/python3.11/site-packages" > /tmp/wv/lib/python3.11/site-packages/deps.pth
    /tmp/wv/bin/python benchmarks/bench_cli_start.py --library /tmp/lib10k

On a busy machine, `nice -n -15` (as root) keeps the other work from taking the CPU
between the runs' steps; CPU time (user + system) is printed beside the wall time.

Targets (issue 13): `margin --help` under 100 ms, `margin search` end to end under
150 ms at 10,000 articles. The machine's load is printed with the figures: on a shared
machine a process start is only as fast as the machine is quiet. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ENTRY = "import sys; from reader.cli import main; sys.exit(main())"


def margin(*args: str) -> list[str]:
    """The command line of `margin ARGS` with this interpreter (the console script does
    the same: import reader.cli, call main)."""
    return [sys.executable, "-c", ENTRY, *args]


def load() -> str:
    try:
        return ", ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def timed(
    command: list[str], runs: int, warmup: int, env: dict[str, str]
) -> tuple[list[float], list[float]]:
    """Wall times and CPU times (user + system, from the kernel's accounting of the
    child) in ms. CPU time is what a process costs whatever else the machine runs:
    the figure to compare between runs on a busy machine."""
    walls, cpus = [], []
    for i in range(warmup + runs):
        start = time.perf_counter()
        child = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _pid, _status, usage = os.wait4(child.pid, 0)
        child.returncode = 0  # reaped here
        if i >= warmup:
            walls.append((time.perf_counter() - start) * 1000)
            cpus.append((usage.ru_utime + usage.ru_stime) * 1000)
    return walls, cpus


def import_times(command: list[str], env: dict[str, str], top: int) -> list[tuple[int, str]]:
    """(cumulative µs, module) of the top-level imports of one run, biggest first."""
    run = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    rows = []
    for line in run.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        if cumulative.strip().isdigit() and len(name) - len(name.lstrip()) <= 3:
            rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:top]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--library", metavar="DIR", help="a library to search (else --help only)")
    parser.add_argument("--query", default="cancer", help="what margin search looks for")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if args.library:
        env["MARGIN_LIBRARY"] = args.library
    commands = {"margin --help": margin("--help"), "margin --version": margin("--version")}
    if args.library:
        commands[f"margin search {args.query} --json"] = margin("search", args.query, "--json")
    bare = [sys.executable, "-c", "pass"]
    commands["python -c pass (the floor)"] = bare
    print(f"machine: {os.cpu_count()} cores; load average (1, 5, 15 min): {load()}")
    print(f"{'command':40} {'mean ± sd ms':>14} {'min':>6} {'median':>7} {'CPU median':>11}")
    for name, command in commands.items():
        times, cpu = timed(command, args.runs, args.warmup, env)
        sd = statistics.stdev(times) if len(times) > 1 else 0.0
        print(
            f"{name:40} {statistics.mean(times):>7.0f} ± {sd:<4.0f} {min(times):>6.0f} "
            f"{statistics.median(times):>7.0f} {statistics.median(cpu):>11.0f}"
        )
    for name, command in commands.items():
        if name.startswith("python"):
            continue
        print(f"\nbiggest imports of `{name}` (cumulative ms, -X importtime, one run):")
        for micros, module in import_times(command, env, 8):
            print(f"  {micros / 1000:7.1f}  {module}")
    print(f"\nload average at the end: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
