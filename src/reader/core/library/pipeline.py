"""A big import on every core: files parsed in worker processes, saved in order in this
one, indexed as they are saved by the index's own worker processes.

::

    this process (the import's thread)                     worker processes
    ───────────────────────────────────                    ────────────────────────────
    sources.expand(paths): files, folders, zips (in order)
      │ read the bytes (≤ WINDOW_PER_PROC files a
      │ worker, ≤ WINDOW_BYTES, ahead of the saving)
      ├──── (bytes, name, options, resources) ────────▶  parse pool: `procs` processes
      │                                                   parse_source(): sniff, parse,
      │                                                   sanitize, citations, images;
      │                                                   keep the original (fsync)
      │ ◀──────────── Parsed (pickled), in file order ──┘
      │ cancel? → stop; progress(done, total, file)
      ▼
    save: one transaction per file (SQLite)  ─── a failing file fails alone
      │ new articles: document_for(store, id)
      ▼
    ImportFeed → Whoosh writer ─ 100 documents a job file ─▶ index writers: `procs`
      │                                                   processes analyse the text,
      │                                                   one segment each
      ▼ end (or cancel): commit without a merge ("indexing…")
    catch up the rest of the queue (updated articles, edits made meanwhile);
    more than MERGE_ABOVE segments → merged by a background thread when idle

Both pools start their processes with forkserver (spawn where there is none), never
fork: the window's process has Qt's threads, which fork would copy in an unknown state.
A small import (fewer than PARALLEL_FROM files) runs in this process, in
:mod:`.importing`, as before: starting the pools costs more than it saves.
``MARGIN_IMPORT_PROCS`` sets the number of processes of each pool (default: the cores,
at most MAX_PROCS); 1 keeps the parsing in this process and one index writer.

Measurements (`python benchmarks/bench_library.py`, Markdown articles of ~2,000
words, 2 cores shared with other people's test runs: load average 3.5–14, so CPU
seconds, summed over every process, are the figures to trust; wall times are not):

- **Where the work is**, per article: parsing, sanitizing, citations ~7 ms (workers),
  analysing and writing the index ~12–14 ms (index processes), saving ~1.5–2 ms of CPU
  in this process. Summed over every process: 20.5 ms at 1,000 articles, 23.6 ms at
  10,000 (the index processes' segments grow: more sorted runs to merge at the end).
- **10,000 articles**: procs=1, everything in one process: 229.7 CPU-seconds, so 44
  articles/s on a quiet core (403.8 s of wall time at load 3–5). procs=2: 235.6
  CPU-seconds in all (+2.6%: pickling, job files, two segments), so ~118 s on 2 quiet
  cores if the work spreads evenly (85 articles/s, 1.93× procs=1): the 120 s target,
  only just. On the shared machine it took 300.5 s (load 3.5–6.9; 1.34× procs=1's wall)
  and 379.5 s (load 8–14).
- **Amdahl**: what stays serial is the importing thread: 18.6 CPU-seconds of the 229.7
  at procs=2 (saving, reading documents back for the index, job files), f = 0.08, and
  at most the commits' waits besides (saving took 27.2 s of wall time at procs=1, fsync
  included: each file's transaction ends in one, WAL with synchronous=FULL), f ≤ 0.20.
  8 cores: 1 / (f + (1 - f) / 8) = 3.3–5.1× one core, ~147–226 articles/s. Saving
  several files per transaction (a savepoint each, so a file still lands whole or not
  at all) would take the fsyncs out of the serial part.
- **Indexing while importing vs importing, then rebuilding**: the rebuild at 10,000 took
  129–148 s in one process (issue 13), after ~50–77 s of reading and saving: ~200 s,
  one core busy at a time. procs=1 above is that shape's work in one process (the same
  512 MB buffer, one segment). Fed while importing at procs=2, the index processes run
  beside the parse workers and leave one segment each (no serial merge): the work is
  the same (+2.6%) and spreads over both cores. Searching 2 segments is as fast as 1
  (issue 13); past MERGE_ABOVE segments they are merged by a background thread, never
  on the user's path.
- **Start-up** (load ~4): the first pool of a process starts the fork server, which
  imports the importers and Whoosh once: 1.1 s to the first result; every later pool
  47 ms. spawn, for comparison: 0.45 s every time. Hence fewer than PARALLEL_FROM files
  stay in this process.
- Each index process's buffer (REBUILD_LIMIT_MB / procs = 256 MB vs 512 MB) made no
  difference at 2,000 articles (33.2 vs 32.4 CPU-seconds).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import sys
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from reader.core.errors import ImportFailure, StorageError
from reader.core.images.resources import Resources
from reader.core.index.process_writer import START_METHOD
from reader.core.library.blobs import Blobs
from reader.core.library.importing import Parsed, parse_source
from reader.core.library.indexing import Indexing
from reader.core.library.sources import Source
from reader.core.model import (
    CancelFn,
    ImportOptions,
    ImportReport,
    ImportResult,
    ImportStatus,
    Progress,
    ProgressFn,
)

log = logging.getLogger(__name__)
PROCS_ENV = "MARGIN_IMPORT_PROCS"
MAX_PROCS = 8
WINDOW_PER_PROC = 8  # files read ahead per worker: enough to keep them busy
WINDOW_BYTES = 256 * 2**20  # and never more than this many bytes in flight
# Imported once by the fork server, so each worker starts warm (~0.05 s, not ~0.4 s).
PRELOAD = ["reader.core.library.importing", "reader.core.index.process_writer"]

SaveFn = Callable[[bytes, str, ImportOptions, "Resources | None", Parsed], list[ImportResult]]


def import_procs() -> int:
    """Worker processes for a big import: ``$MARGIN_IMPORT_PROCS``, else the cores."""
    try:
        wanted = int(os.environ.get(PROCS_ENV, "0"))
    except ValueError:
        wanted = 0
    if wanted <= 0:
        wanted = min(os.cpu_count() or 1, MAX_PROCS)
    if getattr(sys, "frozen", False):
        return 1  # a bundled app's executable cannot serve as a worker's interpreter
    return max(1, wanted)


def import_many(
    save: SaveFn,
    indexing: Indexing,
    originals: Blobs,
    sources: Sequence[Source],
    options: ImportOptions,
    report: ImportReport,
    bulk: bool,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    procs: int | None = None,
) -> None:
    """Import ``sources`` (see the module's diagram); results go to ``report`` in order."""
    procs = procs or import_procs()
    total = len(sources)
    if progress:
        progress(Progress(done=0, total=total, current="reading…"))
    clock = _Clock(procs)
    parsed = parsed_in_order(sources, options, procs, originals)
    with indexing.feeding(procs, clean=bulk) as feed, contextlib.closing(parsed):
        done = 0
        for item in clock.timed("waiting", parsed):
            if cancel and cancel():
                report.cancelled = True
                break
            if item.data is None:
                results = item.prepared.failures
            else:
                clock.start()
                try:
                    results = save(item.data, item.label, options, item.resources, item.prepared)
                except StorageError as exc:
                    results = [ImportResult(item.label, ImportStatus.FAILED, str(exc))]
                clock.stop("saving")
            report.results.extend(results)
            if feed is not None:
                clock.start()
                feed.add(
                    r.article_id
                    for r in results
                    if r.status is ImportStatus.ADDED and r.article_id is not None
                )
                clock.stop("feeding")
            done += 1
            if progress:
                last = results[-1] if results else None
                progress(Progress(done=done, total=total, current=item.label, result=last))
        if progress:
            progress(Progress(done=done, total=total, current="indexing…"))
        clock.start()
    clock.stop("indexing")
    last_timings.clear()
    last_timings.update(clock.seconds)
    log.info("import of %d files, %d processes: %s", total, procs, clock.seconds)
    if progress:
        progress(Progress(done=total, total=total, current=""))


# Where the last big import's time went, in seconds of the importing thread: "waiting"
# for parsed files, "saving" them, "feeding" the index, "indexing" (the index writers
# finishing after the last file). Read by benchmarks/bench_library.py.
last_timings: dict[str, float] = {}


class _Clock:
    def __init__(self, procs: int) -> None:
        self.seconds: dict[str, float] = {"procs": procs}
        self._started = 0.0

    def start(self) -> None:
        self._started = time.perf_counter()

    def stop(self, what: str) -> None:
        elapsed = time.perf_counter() - self._started
        self.seconds[what] = self.seconds.get(what, 0.0) + elapsed

    def timed(self, what: str, items: Iterator[_Item]) -> Iterator[_Item]:
        while True:
            self.start()
            item = next(items, None)
            self.stop(what)
            if item is None:
                return
            yield item


@dataclass(slots=True)
class _Item:
    label: str
    data: bytes | None  # None: reading failed (``prepared.failures`` say why)
    resources: Resources | None
    prepared: Parsed


def parsed_in_order(
    sources: Sequence[Source], options: ImportOptions, procs: int, originals: Blobs
) -> Generator[_Item, None, None]:
    """Each source read and parsed, in the order given; by ``procs`` worker processes
    when ``procs`` > 1. Stopping the iteration stops the workers."""
    if procs <= 1:
        for label, read, resources in sources:
            data, failure = _read(label, read)
            if data is None:
                yield _Item(label, None, resources, failure)
            else:
                parsed = parse_source(data, label, options, resources, originals)
                yield _Item(label, data, resources, parsed)
        return
    pool = _Pool(procs, originals, options)
    pending: deque[tuple[_Item, Future[Parsed] | None]] = deque()
    in_flight = 0
    upcoming = iter(sources)
    exhausted = False
    try:
        while True:
            while (
                not exhausted
                and len(pending) < procs * WINDOW_PER_PROC
                and (in_flight < WINDOW_BYTES)
            ):
                source = next(upcoming, None)
                if source is None:
                    exhausted = True
                    break
                label, read, resources = source
                data, failure = _read(label, read)
                item = _Item(label, data, resources, failure)
                if data is None:
                    pending.append((item, None))
                else:
                    in_flight += len(data)
                    pending.append((item, pool.submit(item)))
            if not pending:
                return
            item, future = pending.popleft()
            if item.data is not None:
                in_flight -= len(item.data)
                item.prepared = pool.result(item, future, pending)
            yield item
    finally:
        pool.close()


class _Pool:
    """The parse workers; a worker that dies costs one file, not the import."""

    def __init__(self, procs: int, originals: Blobs, options: ImportOptions) -> None:
        self._procs = procs
        self._originals = originals
        self._options = options
        self._executor: ProcessPoolExecutor | None = self._start()
        self._worked = False  # some worker finished a file: the pool can start workers

    def _start(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context(START_METHOD)
        if START_METHOD == "forkserver":
            context.set_forkserver_preload(PRELOAD)
        return ProcessPoolExecutor(self._procs, mp_context=context)

    def submit(self, item: _Item) -> Future[Parsed] | None:
        """Send ``item`` to a worker; None when it must be parsed here (its resources
        cannot travel: an open archive)."""
        if self._executor is None:
            return None
        if item.resources is not None:
            try:
                pickle.dumps(item.resources)
            except (pickle.PicklingError, TypeError, AttributeError):
                return None
        assert item.data is not None
        return self._executor.submit(
            parse_source, item.data, item.label, self._options, item.resources, self._originals
        )

    def result(
        self,
        item: _Item,
        future: Future[Parsed] | None,
        pending: deque[tuple[_Item, Future[Parsed] | None]],
    ) -> Parsed:
        assert item.data is not None
        if future is None:
            return parse_source(item.data, item.label, self._options, item.resources)
        try:
            parsed = future.result()
            self._worked = True
            return parsed
        except BrokenProcessPool:
            pass
        # A worker died (a crash in a C library, the OOM killer): every file in flight
        # lost its worker. This one is tried again alone, and fails alone if it kills
        # its worker again; the others are sent again.
        self.close()
        self._executor = self._start()
        try:
            parsed = self._executor.submit(
                parse_source, item.data, item.label, self._options, item.resources,
                self._originals,
            ).result()  # fmt: skip
            self._worked = True
        except BrokenProcessPool:
            self.close()
            if not self._worked:
                # No worker ever finished a file: they cannot start here (a script run
                # without the `if __name__ == "__main__":` guard). Parse here instead.
                log.warning("import workers could not start; parsing in this process")
                self._executor = None
                return parse_source(item.data, item.label, self._options, item.resources)
            self._executor = self._start()
            why = "Margin could not read this file (the process reading it stopped)"
            parsed = Parsed(item.label, None, [ImportResult(item.label, ImportStatus.FAILED, why)])
        for index, (other, other_future) in enumerate(pending):
            if other_future is not None:
                pending[index] = (other, self.submit(other))
        return parsed

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)


def _read(label: str, read: Callable[[], bytes]) -> tuple[bytes | None, Parsed]:
    """The file's bytes, or None and why it could not be read."""
    try:
        return read(), Parsed(label, None)
    except (OSError, MemoryError) as exc:
        why = f"cannot read: {getattr(exc, 'strerror', None) or exc}"
    except ImportFailure as exc:
        why = str(exc)
    return None, Parsed(label, None, [ImportResult(label, ImportStatus.FAILED, why)])
