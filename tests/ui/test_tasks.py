"""Background work in one shape (tasks), the change bus, and noticing other processes."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QWidget

from reader.core.errors import MarginError
from reader.core.library import Library
from reader.core.model import ImportReport, ImportResult, ImportStatus
from reader.ui.events import LibraryEvents, LibraryWatcher
from reader.ui.importing import ImportController, ImportSummaryDialog, summary_line
from reader.ui.tasks import TaskContext, TaskRunner

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def test_a_task_runs_off_the_ui_thread_and_answers_on_it(qtbot, pool: QThreadPool) -> None:
    runner = TaskRunner(pool)
    ui_thread = threading.get_ident()
    seen: dict[str, Any] = {}

    def work(context: TaskContext) -> int:
        seen["worker"] = threading.get_ident()
        context.progress(1, 2, "half")
        return 42

    progress: list[tuple[int, int, str]] = []
    answers: list[Any] = []
    # Listeners are given to start(): connected before the work can finish.
    runner.start(work, on_progress=lambda *p: progress.append(p), on_done=answers.append)
    qtbot.waitUntil(lambda: answers == [42])
    assert seen["worker"] != ui_thread
    assert progress == [(1, 2, "half")]  # delivered in order, before the answer
    qtbot.waitUntil(lambda: not runner.busy)


def test_an_error_is_handed_over_not_raised(qtbot, pool: QThreadPool) -> None:
    runner = TaskRunner(pool)

    def work(_context: TaskContext) -> None:
        raise MarginError("the disk is full")

    errors: list[BaseException] = []
    answers: list[Any] = []
    runner.start(work, on_error=errors.append, on_done=answers.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert str(errors[0]) == "the disk is full" and answers == []


def test_cancel_reaches_the_work(qtbot, pool: QThreadPool) -> None:
    runner = TaskRunner(pool)
    started = threading.Event()

    def work(context: TaskContext) -> str:
        started.set()
        while not context.cancelled():
            threading.Event().wait(0.01)
        return "stopped"

    answers: list[Any] = []
    task = runner.start(work, on_done=answers.append)
    assert started.wait(5)
    task.cancel()
    qtbot.waitUntil(lambda: answers == ["stopped"])


def test_synchronous_runner_answers_before_start_returns() -> None:
    runner = TaskRunner(synchronous=True)
    answers: list[Any] = []
    task = runner.start(lambda _c: "now", on_done=answers.append)
    assert answers == ["now"] and not task.running


def test_import_controller_runs_the_import_as_a_task(
    qtbot, library: Library, tmp_path: Path
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    importer = ImportController(library, parent, TaskRunner(synchronous=True))
    path = tmp_path / "one.md"
    path.write_text("---\ntitle: Quick\n---\n\nText.\n", encoding="utf-8")
    with qtbot.waitSignal(importer.finished) as finished:
        assert importer.start([path])
    assert [r.title for r in finished.args[0].results] == ["Quick"]
    assert not importer.busy


def test_two_files_holding_one_post_explain_updated() -> None:
    report = ImportReport(
        results=[
            ImportResult("posts-2024.json", ImportStatus.ADDED, article_id=7, title="A post"),
            ImportResult("posts-all.json", ImportStatus.UPDATED, article_id=7, title="A post"),
        ]
    )
    assert "the same article was in more than one file" in summary_line(report)
    dialog = ImportSummaryDialog(report)
    assert "more than one of the files" in dialog.explanation.text()
    assert not dialog.explanation.isHidden()
    dialog.deleteLater()


def test_the_selected_row_shows_its_whole_reason(qtbot) -> None:
    reason = "invalid JSON at line 3, column 7: Expecting ',' delimiter " + "x" * 300
    report = ImportReport(results=[ImportResult("broken.json", ImportStatus.FAILED, reason)])
    dialog = ImportSummaryDialog(report)
    qtbot.addWidget(dialog)
    assert dialog.tree.wordWrap()
    dialog.tree.setCurrentItem(dialog.tree.topLevelItem(0))
    assert reason in dialog.detail.text()


def test_watcher_notices_another_connection_only(qtbot, library: Library, tmp_path: Path) -> None:
    events = LibraryEvents()
    watcher = LibraryWatcher(library.change_token, events, interval_ms=60_000)
    with qtbot.assertNotEmitted(events.articles_changed):
        library.set_setting("ours", 1)  # the window announces its own writes itself
        assert not watcher.check()
    with Library.open(library.root) as other:  # `margin import` in a terminal
        other.set_setting("theirs", 1)
    with qtbot.waitSignal(events.articles_changed) as changed:
        assert watcher.check()
    assert changed.args == [[]]  # "anything may have changed"
    watcher.stop()


def test_a_progress_dialog_attached_before_start_sees_the_first_report(
    qtbot, pool: QThreadPool
) -> None:
    from reader.ui.tasks import TaskProgress

    parent = QWidget()
    qtbot.addWidget(parent)
    runner = TaskRunner(pool)
    reported = threading.Event()
    release = threading.Event()

    def work(context: TaskContext) -> None:
        context.progress(5, 300, "file 5")  # at once, before anyone could connect later
        reported.set()
        release.wait(10)

    progress: list[TaskProgress] = []
    runner.start(
        work,
        before_start=lambda task: progress.append(
            TaskProgress(task, parent, title="Working", object_name="p", label=lambda *a: "x")
        ),
    )
    assert reported.wait(5)
    dialog = progress[0].dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.value() == 5 and dialog.maximum() == 300)
    release.set()
    qtbot.waitUntil(lambda: not runner.busy)
