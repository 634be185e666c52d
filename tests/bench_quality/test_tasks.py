"""Every bench task is well formed and its hidden check is real: it fails on the untouched
workspace and passes once the reference solution is overlaid. The same holds for the
project tests each workspace carries (all but the task whose work is writing tests)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from bench.quality.tasks import (
    copy_workspace,
    load_tasks,
    overlay,
    project_test_command,
    run_check,
    run_project_tests,
)

TASKS = load_tasks()
PROJECT_TESTED = [t for t in TASKS if t.project_tests]
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


# Each judge of a change: the hidden check, and the project tests a workspace carries.
JUDGES = {"hidden check": run_check, "project tests": run_project_tests}
JUDGED = [(t, j) for t in TASKS for j in JUDGES if j == "hidden check" or t.project_tests]


@pytest.mark.parametrize(("task", "judge"), JUDGED, ids=[f"{t.name}-{j}" for t, j in JUDGED])
def test_judge_fails_untouched_and_passes_with_the_solution(
    task, judge: str, tmp_path: Path
) -> None:
    if task.is_javascript and shutil.which("node") is None:
        pytest.skip("node is not installed")
    untouched = copy_workspace(task, tmp_path / "untouched")
    assert not JUDGES[judge](task, untouched).passed, f"the {judge} pass without any change"
    solved = copy_workspace(task, tmp_path / "solved")
    overlay(task.solution, solved)
    result = JUDGES[judge](task, solved)
    assert result.passed, result.output


def _project_test_files(task) -> list[str]:
    pattern = "*.test.*js" if task.is_javascript else "test_*.py"
    return sorted(p.relative_to(task.workspace).as_posix() for p in task.workspace.rglob(pattern))


def test_only_a_test_writing_task_goes_without_project_tests() -> None:
    assert len(PROJECT_TESTED) >= len(TASKS) - 1
    for task in TASKS:
        if not task.project_tests:
            assert "test" in task.instruction.lower()
            assert _project_test_files(task) in ([], [task.file])  # only the file to fill in


@pytest.mark.parametrize("task", PROJECT_TESTED, ids=[t.name for t in PROJECT_TESTED])
def test_project_tests_sit_in_the_workspace_and_are_not_the_change(task) -> None:
    found = _project_test_files(task)
    assert found, "no project test file in the workspace"
    assert not set(found) & task.allowed, "a project test file is one the model may change"
    assert project_test_command(task)[0] == ("node" if task.is_javascript else sys.executable)
