"""Bench tasks on disk: loading, workspace copies, change detection and the hidden check.

A task is a folder ``tasks/<name>/`` holding:

- ``task.json``: ``file`` (workspace-relative), ``lines`` ``[start, end]`` (1-based,
  inclusive; a cursor is one line), ``scope`` (``selection`` or ``workspace``),
  ``language`` (``python`` or ``javascript``), ``instruction`` and ``allowed`` (the files
  that may legitimately change or appear);
- ``workspace/``: what the model starts from;
- ``check.py`` (run with this Python) or ``check.mjs`` (run with node), executed with the
  changed workspace copy as its working directory; exit 0 means the change is correct;
- ``solution/``: reference files, overlaid on a copy only by the tests.

Each workspace is a small project that already has its own tests, written from the spec
the model also sees (docstrings, comments, README.md, the instruction) before the code, as
in test-driven work: ``test_<module>.py`` (pytest) or ``<module>.test.js`` (``node
--test``) at the workspace root. They fail on the untouched workspace and pass with the
solution; a flow may run them (`run_project_tests`, the command `project_test_command`) as
agentls's ``checks.commands`` and feed failures back to the model. They cover the
documented examples and the main behaviour only: the hidden check stays the judge and is
broader. A task whose own work is writing tests sets ``"project_tests": false`` in
``task.json`` (default true); its test runner then runs only the tests the model
writes. Python or JavaScript follows ``language``, or the check's kind for the
README-driven tasks (``language`` ``markdown``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

TASKS_DIR = Path(__file__).resolve().parent / "tasks"
CHECK_TIMEOUT = 30.0
# Written by tools rather than by a change: never counted as a change.
_IGNORED_PARTS = {"__pycache__", ".pytest_cache", "node_modules"}


@dataclass(frozen=True, slots=True)
class Task:
    name: str
    folder: Path
    file: str
    lines: tuple[int, int]
    scope: str
    language: str
    instruction: str
    allowed: frozenset[str]
    project_tests: bool = True

    @property
    def workspace(self) -> Path:
        return self.folder / "workspace"

    @property
    def solution(self) -> Path:
        return self.folder / "solution"

    @property
    def check_script(self) -> Path:
        for name in ("check.py", "check.mjs"):
            if (self.folder / name).is_file():
                return self.folder / name
        raise FileNotFoundError(f"task {self.name} has no check.py or check.mjs")

    @property
    def is_javascript(self) -> bool:
        """A JavaScript project (node), else Python; README-driven tasks have language
        ``markdown``, so the check's kind decides for them."""
        return self.language == "javascript" or self.check_script.suffix == ".mjs"

    @property
    def file_spec(self) -> str:
        """The ``--file`` value for `agentls run`: ``F:START-END`` or ``F:LINE``."""
        start, end = self.lines
        return f"{self.file}:{start}" if start == end else f"{self.file}:{start}-{end}"


def load_task(folder: Path) -> Task:
    data = json.loads((folder / "task.json").read_text(encoding="utf-8"))
    start, end = data["lines"]
    if data["scope"] not in ("selection", "workspace"):
        raise ValueError(f"{folder.name}: scope must be selection or workspace")
    return Task(
        name=folder.name,
        folder=folder,
        file=data["file"],
        lines=(int(start), int(end)),
        scope=data["scope"],
        language=data["language"],
        instruction=data["instruction"],
        allowed=frozenset(data.get("allowed") or [data["file"]]),
        project_tests=bool(data.get("project_tests", True)),
    )


def load_tasks(names: list[str] | None = None, root: Path = TASKS_DIR) -> list[Task]:
    every = {p.name: p for p in sorted(root.iterdir()) if (p / "task.json").is_file()}
    if not names:
        return [load_task(p) for p in every.values()]
    unknown = [n for n in names if n not in every]
    if unknown:
        raise SystemExit(f"unknown task(s) {unknown}; known: {', '.join(every)}")
    return [load_task(every[n]) for n in names]


def copy_workspace(task: Task, target: Path) -> Path:
    shutil.copytree(task.workspace, target)
    return target


def overlay(source: Path, target: Path) -> None:
    """Copy every file of ``source`` over ``target`` (used with ``solution/``)."""
    shutil.copytree(source, target, dirs_exist_ok=True)


def snapshot(root: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not _IGNORED_PARTS.intersection(rel.parts):
            files[rel.as_posix()] = path.read_bytes()
    return files


def changed_files(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """Paths modified, created or deleted between two snapshots."""
    return sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))


@dataclass(frozen=True, slots=True)
class CheckResult:
    passed: bool
    output: str  # the check's last lines, for the raw results


def run_check(task: Task, workspace: Path, timeout: float = CHECK_TIMEOUT) -> CheckResult:
    script = task.check_script
    interpreter = [sys.executable] if script.suffix == ".py" else ["node"]
    return _run([*interpreter, str(script)], workspace, timeout, "check")


def project_test_command(task: Task) -> list[str]:
    """The command that runs the workspace's tests, from the workspace root. A task
    without project tests gets it too: there it runs the tests the model writes."""
    if task.is_javascript:
        return ["node", "--test"]
    return [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"]


def run_project_tests(task: Task, workspace: Path, timeout: float = CHECK_TIMEOUT) -> CheckResult:
    return _run(project_test_command(task), workspace, timeout, "project tests")


def _run(command: list[str], workspace: Path, timeout: float, what: str) -> CheckResult:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPATH", None)
    try:
        done = subprocess.run(
            command,
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return CheckResult(False, f"{what} timed out after {timeout:.0f} s")
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-6:])
    return CheckResult(done.returncode == 0, tail)
