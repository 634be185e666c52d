"""Project checks: trust for a repository's commands, output trimming, and which
failures count as the change's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentls.checks.project import CommandRun, for_model, introduced, trimmed
from tests.unit.config.test_settings_loader import load, rendered

COMMANDS = "checks:\n  commands:\n    - [python, -m, pytest, -q]\n    - ruff check\n"


def test_a_repositorys_commands_are_ignored_with_a_warning_unless_trusted(
    tmp_path: Path,
) -> None:
    loaded = load(tmp_path, workspace=COMMANDS)
    assert loaded.settings.checks.commands == ()
    assert any(
        "checks.commands" in line and "only in a trusted workspace" in line
        for line in rendered(loaded)
    )


@pytest.mark.parametrize(
    ("user", "editor"),
    [
        ("trusted_workspaces: [{root}]", None),
        ("trusted_workspaces: ['~/../ws']", None),
        (None, {"workspace_trusted": True}),
    ],
)
def test_a_trusted_repository_may_set_commands(
    tmp_path: Path, user: str | None, editor: dict[str, object] | None
) -> None:
    user_text = user.format(root=tmp_path / "ws") if user else None
    loaded = load(tmp_path, user=user_text, workspace=COMMANDS, editor=editor)
    assert loaded.settings.checks.commands == (("python", "-m", "pytest", "-q"), ("ruff", "check"))
    assert not [line for line in rendered(loaded) if "checks.commands" in line]


def test_a_repository_cannot_trust_itself(tmp_path: Path) -> None:
    loaded = load(
        tmp_path,
        workspace=COMMANDS + f"trusted_workspaces: [{tmp_path / 'ws'}]\nworkspace_trusted: true\n",
    )
    assert loaded.settings.checks.commands == ()
    assert loaded.settings.workspace_trusted is False


def test_trimmed_keeps_the_end_where_runners_summarise() -> None:
    output = "\n".join(f"line {i}" for i in range(10_000)) + "\n3 failed, 9 passed"
    short = trimmed(output, 300)
    assert len(short) <= 302 and short.endswith("3 failed, 9 passed")
    assert trimmed("ok\n", 300) == "ok"


SHADOW = Path("/tmp/agentls-shadow-x")


def test_the_model_reads_workspace_paths_without_runtime_frames_or_timings() -> None:
    tap = f"""not ok 2 - a value below min becomes min
  ---
  duration_ms: 0.230123
  location: '{SHADOW}/numbers.test.js:11:1'
  error: 'Value must be between 0 and 10'
  stack: |-
    clamp ({SHADOW}/numbers.js:5:11)
    TestContext.<anonymous> ({SHADOW}/numbers.test.js:12:16)
    Test.runInAsyncScope (node:async_hooks:206:9)
    Test.run (node:internal/test_runner/test:796:25)
    at node:internal/main/run_main_module:28:49
  ..."""
    assert for_model(tap, SHADOW).splitlines() == [
        "not ok 2 - a value below min becomes min",
        "  ---",
        "  location: 'numbers.test.js:11:1'",
        "  error: 'Value must be between 0 and 10'",
        "  stack: |-",
        "    clamp (numbers.js:5:11)",
        "    TestContext.<anonymous> (numbers.test.js:12:16)",
        "  ...",
    ]
    assert for_model(f"cd {SHADOW} && pytest", SHADOW) == "cd . && pytest"


def run(code: int | None, output: str) -> CommandRun:
    return CommandRun(("pytest",), code, output)


@pytest.mark.parametrize(
    ("after", "before", "counts"),
    [
        (run(0, "1 passed"), None, False),
        (run(1, "FAILED test_total"), run(0, "1 passed in 0.01s"), True),
        (  # the same failure, other timings and paths: there before the change
            run(1, f"FAILED {SHADOW}/test_a.py::t - 2 != 3\n1 failed in 0.02s"),
            run(1, f"FAILED {SHADOW}/test_a.py::t - 2 != 3\n1 failed in 0.31s"),
            False,
        ),
        (run(1, "AssertionError: should be 3"), run(1, "NotImplementedError"), True),
    ],
)
def test_which_failures_the_change_introduces(
    after: CommandRun, before: CommandRun | None, counts: bool
) -> None:
    assert introduced(after, before, SHADOW) is counts
