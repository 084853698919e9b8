"""Whoosh's multi-process writer, its processes started by forkserver (or spawn), never
by fork: the window's process has Qt's threads, which fork would copy in an unknown
state. Used by :meth:`reader.core.index.ArticleIndex.import_writer` for big imports;
a module of its own so that searching never imports multiprocessing.
"""

from __future__ import annotations

import gc
import multiprocessing
from typing import Any

from whoosh.index import FileIndex
from whoosh.multiproc import MpWriter, SubWriterTask

# How the index writer's worker processes start: not fork, which copies a process
# that may hold Qt's threads and locks (the window's); forkserver forks a clean server.
START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


class SubWriter(SubWriterTask):
    """Whoosh's sub-writer process, started by :data:`START_METHOD`."""

    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        # How multiprocessing's own context classes choose their start method.
        context: Any = multiprocessing.get_context(START_METHOD)
        return context.Process._Popen(process_obj)  # noqa: SLF001

    def run(self) -> None:
        # As in rebuild(): the posting buffer's millions of tuples made the cyclic
        # collector the writer's biggest cost; reference counting frees them anyway.
        gc.disable()
        super().run()


class ProcessWriter(MpWriter):
    """Whoosh's multi-process writer, its queues and processes from :data:`START_METHOD`."""

    def __init__(self, ix: FileIndex, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        context = multiprocessing.get_context(START_METHOD)
        self.jobqueue = context.Queue(self.procs * 4)
        self.resultqueue = context.Queue()

    def _new_task(self) -> SubWriter:
        task = SubWriter(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        self.tasks.append(task)
        task.start()
        return task
