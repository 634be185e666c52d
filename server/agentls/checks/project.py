"""Project checks (opt-in `checks.commands`): the user's own commands, such as
`python -m pytest -q -x`, run on a shadow copy of the workspace with the change applied.

- No shell: each command is an argv list, started in its own process group, killed
  with the group at `checks.timeout` or when the run is cancelled.
- The shadow is a copy (copy-on-write where the filesystem can: `cp --reflink=auto`),
  never hard links: a command that rewrites a file in place would write through a hard
  link into the user's file. `.git` is left out. The shadow lives in the temp folder
  and is removed afterwards.
- Output is bounded while it is read (head and tail kept), and trimmed for the model.
- A failure counts only when the change introduces it: the command is run again on the
  unchanged shadow, and a failure that says nothing new (numbers, times and the shadow's
  path set aside) was there before the change.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from agentls.checks.model import CheckResult
from agentls.edits.model import FileChange, Problem
from agentls.textutil import shorten

_HEAD_BYTES = 4_000
_TAIL_BYTES = 64_000
_NUMBERS = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class CommandRun:
    argv: tuple[str, ...]
    exit_code: int | None  # None: timed out, or could not start
    output: str  # bounded: head … tail
    note: str = ""  # "timed out after 120 s", "cannot start: …"

    @property
    def passed(self) -> bool:
        return self.exit_code == 0


def shown(argv: Sequence[str]) -> str:
    return " ".join(argv)


def make_shadow(root: Path) -> Path:
    """A copy of the workspace (without .git) in the temp folder."""
    shadow = Path(tempfile.mkdtemp(prefix="agentls-shadow-"))
    entries = [e for e in os.listdir(root) if e != ".git"]
    cp = shutil.which("cp")
    if entries and cp is not None:
        done = subprocess.run(
            [cp, "-a", "--reflink=auto", "--", *(str(root / e) for e in entries), str(shadow)],
            capture_output=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if done.returncode == 0:
            return shadow
    for entry in entries:  # no GNU cp: a plain copy
        source = root / entry
        if source.is_dir() and not source.is_symlink():
            shutil.copytree(source, shadow / entry, symlinks=True, dirs_exist_ok=True)
        else:
            shutil.copy2(source, shadow / entry, follow_symlinks=False)
    return shadow


def write_change(shadow: Path, files: Sequence[FileChange], after: bool) -> None:
    """Put the new texts (after=True) or the old ones back (after=False) in the shadow."""
    for change in files:
        target = shadow / change.path
        if change.kind == "create" and not after:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)  # a fresh file, whatever the copy shared
        target.write_text(change.new_text if after else change.old_text, encoding="utf-8")


async def run_command(
    argv: Sequence[str], cwd: Path, timeout: float, env: Mapping[str, str]
) -> CommandRun:
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            cwd=str(cwd),
            env=dict(env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as error:
        return CommandRun(tuple(argv), None, "", f"cannot start: {error}")
    head, tail, total = bytearray(), bytearray(), 0

    async def read() -> None:
        nonlocal tail, total
        assert process.stdout is not None
        while chunk := await process.stdout.read(65_536):
            total += len(chunk)
            room = _HEAD_BYTES - len(head)
            if room > 0:
                head.extend(chunk[:room])
                chunk = chunk[room:]
            tail.extend(chunk)
            if len(tail) > _TAIL_BYTES:
                del tail[: len(tail) - _TAIL_BYTES]
        await process.wait()

    note = ""
    try:
        await asyncio.wait_for(read(), timeout)
    except TimeoutError:
        note = f"timed out after {timeout:g} s"
        _kill(process)
        await process.wait()
    except BaseException:  # cancelled: the command dies with the run
        _kill(process)
        raise
    middle = total - len(head) - len(tail)
    text = head.decode("utf-8", "replace")
    if middle > 0:
        text += f"\n… ({middle:,} bytes of output left out) …\n"
    text += tail.decode("utf-8", "replace")
    code = None if note else process.returncode
    return CommandRun(tuple(argv), code, text, note)


def _kill(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


# Lines that tell the model nothing about its code: the runtime's own stack frames and
# per-test timings (node's test runner prints both for every test).
_NOISE = re.compile(r"\(node:[\w/:.]+\)\s*$|^\s*at node:|^\s*duration_ms:")


def for_model(output: str, shadow: Path) -> str:
    """The output as the model should read it: paths relative to the workspace, and
    without runtime-internal stack frames and timings."""
    output = output.replace(f"{shadow}{os.sep}", "").replace(str(shadow), ".")
    return "\n".join(line for line in output.splitlines() if not _NOISE.search(line))


def trimmed(output: str, limit: int) -> str:
    """The end of the output (where test runners summarise), at most `limit` characters."""
    output = output.strip()
    if len(output) <= limit:
        return output
    return "… " + output[-limit:].split("\n", 1)[-1]


def _said(output: str, shadow: Path) -> set[str]:
    text = output.replace(str(shadow), "<workspace>")
    return {_NUMBERS.sub("N", line.strip()) for line in text.splitlines() if line.strip()}


def introduced(after: CommandRun, before: CommandRun | None, shadow: Path) -> bool:
    if after.passed:
        return False
    if before is None or before.passed:
        return True
    return bool(_said(after.output, shadow) - _said(before.output, shadow))


def verdict(
    run: CommandRun, counted: bool, limit: int, shadow: Path
) -> tuple[CheckResult, Problem | None]:
    name = shown(run.argv)
    last = next((ln.strip() for ln in reversed(run.output.splitlines()) if ln.strip()), "")
    last = shorten(last, 80)
    if run.passed:
        return CheckResult(name, "clean", f"{name}: {last or 'passed'}"), None
    why = run.note or f"exit {run.exit_code}"
    if not counted:
        summary = f"{name}: failing before the change too ({why})"
        return CheckResult(name, "skipped", summary), None
    problem = Problem(
        f"`{name}` failed ({why}) after the change",
        hints=(trimmed(for_model(run.output, shadow), limit) or "(no output)",),
    )
    return CheckResult(name, "problems", f"{name}: failed ({why})"), problem


async def run_project_checks(
    root: Path,
    files: Sequence[FileChange],
    commands: Sequence[Sequence[str]],
    *,
    timeout: float,
    limit: int,
    env: Mapping[str, str],
    report: Callable[[str], None],
) -> tuple[list[CheckResult], list[Problem]]:
    """Each command on the shadow with the change; the failures rerun without it."""
    shadow = await asyncio.to_thread(make_shadow, root)
    try:
        await asyncio.to_thread(write_change, shadow, files, True)
        afters: list[CommandRun] = []
        for number, argv in enumerate(commands, 1):
            report(f"Running check `{shown(argv)}` ({number} of {len(commands)})")
            afters.append(await run_command(argv, shadow, timeout, env))
        befores: dict[tuple[str, ...], CommandRun] = {}
        failed = [run for run in afters if not run.passed]
        if failed:
            await asyncio.to_thread(write_change, shadow, files, False)
            for run in failed:
                report(f"Running `{shown(run.argv)}` on the code before the change")
                befores[run.argv] = await run_command(run.argv, shadow, timeout, env)
        results: list[CheckResult] = []
        problems: list[Problem] = []
        for run in afters:
            counted = introduced(run, befores.get(run.argv), shadow)
            result, problem = verdict(run, counted, limit, shadow)
            results.append(result)
            if problem is not None:
                problems.append(problem)
        return results, problems
    finally:
        await asyncio.to_thread(shutil.rmtree, shadow, True)
