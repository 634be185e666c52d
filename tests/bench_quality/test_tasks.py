"""Every bench task is well formed and its hidden check is real: it fails on the untouched
workspace and passes once the reference solution is overlaid."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bench.quality.tasks import copy_workspace, load_tasks, overlay, run_check

TASKS = load_tasks()
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def test_the_bench_has_enough_tasks_of_each_kind() -> None:
    assert len(TASKS) >= 15
    assert {t.language for t in TASKS} >= {"python", "javascript"}
    assert {t.scope for t in TASKS} == {"selection", "workspace"}


@pytest.mark.parametrize("task", TASKS, ids=[t.name for t in TASKS])
def test_task_is_well_formed(task) -> None:
    text = (task.workspace / task.file).read_text(encoding="utf-8")
    start, end = task.lines
    assert 1 <= start <= end <= len(text.splitlines())
    assert task.instruction.strip()
    assert task.check_script.is_file()
    solved = {
        p.relative_to(task.solution).as_posix() for p in task.solution.rglob("*") if p.is_file()
    }
    assert solved and solved <= task.allowed, "the solution touches a file outside allowed"


@pytest.mark.parametrize("task", TASKS, ids=[t.name for t in TASKS])
def test_check_fails_untouched_and_passes_with_the_solution(task, tmp_path: Path) -> None:
    if task.check_script.suffix == ".mjs" and shutil.which("node") is None:
        pytest.skip("node is not installed")
    untouched = copy_workspace(task, tmp_path / "untouched")
    assert not run_check(task, untouched).passed, "the check passes without any change"
    solved = copy_workspace(task, tmp_path / "solved")
    overlay(task.solution, solved)
    result = run_check(task, solved)
    assert result.passed, result.output
