"""Plain data of the check stage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from agentls.edits.model import ChangeSet, Problem

CheckStatus = Literal["clean", "problems", "skipped"]


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check's verdict on a change, as stored with the run and shown in hovers."""

    name: str  # "pyflakes", "node --check", ...
    status: CheckStatus
    summary: str  # "pyflakes clean", "pyflakes: 2 problems"


@dataclass(frozen=True, slots=True)
class CheckInput:
    changes: ChangeSet
    workspace_root: Path
    # The file the run was started in, and whether the run was on a selection there.
    target_path: str | None
    selection_scope: bool
    # Current text of a workspace file (editor buffer first, else disk), None if absent.
    read: Callable[[str], str | None]
    # Files the request asks to create ("create money.py as the README says").
    requested_files: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckReport:
    results: tuple[CheckResult, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def summary(self) -> str:
        """One line for hovers and logs: "pyflakes clean, node --check clean"."""
        return ", ".join(r.summary for r in self.results)


def result(name: str, problems: int, skipped: str | None = None) -> CheckResult:
    if skipped is not None:
        return CheckResult(name, "skipped", f"{name} skipped ({skipped})")
    if problems == 0:
        return CheckResult(name, "clean", f"{name} clean")
    noun = "problem" if problems == 1 else "problems"
    return CheckResult(name, "problems", f"{name}: {problems} {noun}")
