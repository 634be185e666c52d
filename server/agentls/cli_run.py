"""`agentls run`: run an agent headless; print its explanation and diff, or `--apply` it.

Exit codes: 0 the change was printed or applied; 1 the model's answer could not be used
(its problems are printed) or the model failed mid-run; 2 usage or configuration error;
130 cancelled by Ctrl-C. Progress goes to stderr, as a spinner only when stderr is a TTY.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import difflib
import functools
import itertools
import json
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from agentls.edits.model import FileChange
from agentls.engine.model import DocumentSnapshot, Progress, RunOutcome, RunRequest, Scope
from agentls.files import write_atomically
from agentls.llm.errors import (
    AuthenticationFailed,
    BadRequest,
    LLMError,
    ModelNotFound,
    PromptTooLarge,
    ProviderConfigError,
)

if TYPE_CHECKING:
    from agentls.config import FailurePolicy

EXIT_OK, EXIT_UNUSABLE, EXIT_USAGE, EXIT_CANCELLED = 0, 1, 2, 130
# Errors the user fixes by changing something (a prompt over the window included).
_CONFIG_ERRORS = (
    ProviderConfigError,
    AuthenticationFailed,
    ModelNotFound,
    BadRequest,
    PromptTooLarge,
)
_RANGE = re.compile(r"^(?P<path>.+?):(?P<start>\d+)(?:-(?P<end>\d+))?$")


class UsageError(Exception):
    """Bad flags or workspace; the message says what to change."""


@dataclass(frozen=True, slots=True)
class RunOptions:
    workspace: Path
    instruction: str = ""
    agent: str | None = None
    file: str | None = None
    scope: Scope | None = None
    apply: bool = False
    as_json: bool = False
    transcript: bool = False  # print what was sent to the model and its raw answer
    continues: str | None = None  # RUN_ID: go on with that run's conversation


def main(args: argparse.Namespace) -> int:
    options = RunOptions(
        workspace=Path(args.workspace or "."),
        instruction=args.instruction or "",
        agent=args.agent,
        file=args.file,
        scope=args.scope,
        apply=bool(args.apply),
        as_json=bool(args.json),
        transcript=bool(getattr(args, "transcript", False)),
        continues=getattr(args, "continues", None),
    )
    try:
        return asyncio.run(run(options, env=os.environ, out=sys.stdout, err=sys.stderr))
    except KeyboardInterrupt:
        # asyncio.run cancelled the run (closing the model's stream) before re-raising.
        if options.as_json:
            print(json.dumps({"status": "cancelled", "applied": False}))
        print("agentls: cancelled; nothing was changed.", file=sys.stderr)
        return EXIT_CANCELLED


async def run(options: RunOptions, *, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from agentls.agents.registry import discover_agents
    from agentls.cli_transcript import after_run
    from agentls.context.index import WorkspaceIndex
    from agentls.engine.plan import PlanError, new_run_id, plan_run
    from agentls.engine.run import run_agent
    from agentls.engine.transcript import TranscriptRecorder
    from agentls.llm.factory import make_provider
    from agentls.settings_loader import load_settings

    report = _Reporter(options.as_json, out, err)
    try:
        root = _workspace(options.workspace)
        loaded = load_settings(workspace_root=root, editor_settings=None, env=env)
        for config_problem in loaded.problems:
            print(f"agentls: config: {config_problem.render()}", file=err)
        settings = loaded.settings
        registry = discover_agents(workspace_root=root, settings=settings, env=env)
        conversation = _conversation(options, settings, env)
        wanted = conversation.agent if conversation else options.agent
        agent = registry.get(wanted) if wanted else registry.default()
        if agent is None:
            names = ", ".join(a.name for a in registry.agents) or "none"
            raise UsageError(f"no agent named {wanted!r}; agents found: {names}")
        if conversation is not None:
            request = _follow_up_request(options, root, agent, conversation)
        else:
            request = _request(options, root, agent)
        try:
            plan = plan_run(
                settings, env, agent, endpoint_from_workspace=loaded.endpoint_from_workspace
            )
        except PlanError as failed:
            for notice in failed.notices:
                print(f"agentls: {notice.text}", file=err)
            raise failed.error from None
        for notice in plan.notices:
            print(f"agentls: {notice.text}", file=err)
        provider = make_provider(plan.choice, settings, plan.env)
    except (UsageError, LLMError) as error:
        return report.fail(EXIT_USAGE, str(error))

    spinner = _Spinner(err) if err.isatty() and not options.as_json else None
    recorder = TranscriptRecorder()  # ours: it keeps what was said even if the run fails
    keep_transcript = functools.partial(
        after_run,
        settings=settings.provenance,
        env=env,
        wanted=options.transcript,
        as_json=options.as_json,
        err=err,
    )
    try:
        outcome = await run_agent(
            request,
            settings=settings,
            provider=provider,
            provider_name=plan.provider,
            model=plan.model,
            index=WorkspaceIndex(root, settings.context),
            on_progress=spinner.update if spinner else None,
            secret_values=plan.secret_values,
            run_id=new_run_id(),  # minted here: the transcript and --json carry this one
            recorder=recorder,
        )
    except LLMError as error:
        code = EXIT_USAGE if isinstance(error, _CONFIG_ERRORS) else EXIT_UNUSABLE
        report.transcript = keep_transcript(recorder.snapshot())
        return report.fail(code, f"{agent.name} failed: {error}")
    finally:
        if spinner:
            spinner.stop()
        await provider.aclose()
    transcript = outcome.transcript or recorder.snapshot()
    report.transcript = keep_transcript(transcript)
    if options.apply:
        report.left_out = sensitive_left_out(outcome, settings)
    code = report.outcome(outcome, root, apply=options.apply, on_failure=settings.checks.on_failure)
    _keep_conversation(request, outcome, settings, env, report.question, err)
    if report.written:
        _record(root, settings, env, outcome, report.written, err)
    return code


def _record(
    root: Path,
    settings: Any,
    env: Mapping[str, str],
    outcome: RunOutcome,
    written: tuple[FileChange, ...],
    err: TextIO,
) -> None:
    """Into the provenance ledger, so hovers know the code and `agentls undo` can undo it."""
    from agentls.provenance.on_disk import record_applied
    from agentls.provenance.record import run_record

    changes = dataclasses.replace(outcome.changes, files=written)
    record = run_record(dataclasses.replace(outcome, changes=changes))
    for problem in record_applied(root, settings.provenance, env, record, changes):
        print(f"agentls: {problem}", file=err)
    if settings.provenance.enabled:
        print(f"agentls: undo this run with: agentls undo {outcome.run_id}", file=err)


def sensitive_left_out(outcome: RunOutcome, settings: Any) -> dict[str, str]:
    """A terminal cannot ask before writing a file that runs code (.vscode/tasks.json,
    CI workflows, ...): such files are left out unless the user's settings allow them."""
    from agentls.checks.sensitive import plan_sensitive, sensitive_files

    files = outcome.changes.files
    found = sensitive_files(files, settings.sensitive_paths)
    _, left_out = plan_sensitive(
        files, found, can_confirm=False, can_create=False, allow=settings.allow_sensitive_edits
    )
    return left_out


# -- building the request ------------------------------------------------------------


def _workspace(path: Path) -> Path:
    root = path.expanduser().resolve()
    if not root.is_dir():
        raise UsageError(f"workspace {path} is not a folder")
    return root


def _conversation(options: RunOptions, settings: Any, env: Mapping[str, str]) -> Any:
    """The conversation `--continue RUN_ID` names; None without the flag."""
    from agentls.provenance.conversations import kept_on_disk, load

    if options.continues is None:
        return None
    if not options.instruction.strip():
        raise UsageError('say what to change: agentls run --continue RUN_ID "instruction"')
    folder = kept_on_disk(settings.provenance, env)
    if folder is None:
        raise UsageError(
            "--continue needs conversations kept on disk: provenance.enabled true and "
            "provenance.transcripts above 0"
        )
    found = load(folder, options.continues)
    if found is None:
        raise UsageError(
            f"no kept conversation for run {options.continues} (agentls keeps the newest 50)"
        )
    return found


def _follow_up_request(
    options: RunOptions, root: Path, agent: Any, conversation: Any
) -> RunRequest:
    """The next request in ``conversation``, on its file as it is on disk now."""
    from agentls.files import read_utf8

    text = read_utf8(root / conversation.path)
    if text is None:
        raise UsageError(f"{conversation.path} (the file of run {conversation.run_id}) is gone")
    detached = conversation.detached
    return RunRequest(
        agent=agent,
        scope=conversation.scope,
        workspace_root=root,
        document=None if detached else DocumentSnapshot(conversation.path, text, None),
        selection=(0, 0) if detached else conversation.locate(text),
        instruction=options.instruction,
        history=conversation.messages,
    )


def _keep_conversation(
    request: RunRequest,
    outcome: RunOutcome,
    settings: Any,
    env: Mapping[str, str],
    question: str,
    err: TextIO,
) -> None:
    """Kept, so that `--continue` can go on from it (and answer its question)."""
    from agentls.provenance.conversations import conversation_of, kept_on_disk, save

    conversation = conversation_of(request, outcome, question)
    folder = kept_on_disk(settings.provenance, env)
    if conversation is None or folder is None:
        return
    problem = save(folder, conversation)
    if problem:
        print(f"agentls: {problem}", file=err)
    elif question:
        print(
            f'agentls: answer with: agentls run --continue {outcome.run_id} "your answer"',
            file=err,
        )


def _request(options: RunOptions, root: Path, agent: Any) -> RunRequest:
    document, selection, has_range = read_file_selection(options.file, root)
    scope: Scope = options.scope or ("selection" if has_range else "workspace")
    if scope == "selection" and document is None:
        raise UsageError("--scope selection needs --file PATH[:START-END]")
    if not options.instruction.strip() and not has_range:
        raise UsageError('say what to do: agentls run "instruction" (or --file PATH:START-END)')
    return RunRequest(
        agent=agent,
        scope=scope,
        workspace_root=root,
        document=document,
        selection=selection,
        instruction=options.instruction,
    )


def read_file_selection(
    spec: str | None, root: Path
) -> tuple[DocumentSnapshot | None, tuple[int, int], bool]:
    """The file named by --file, and the code-point range of its lines START-END."""
    if spec is None:
        return None, (0, 0), False
    match = _RANGE.match(spec)
    raw_path = match["path"] if match else spec
    path = (root / raw_path).resolve()
    if not path.is_relative_to(root):
        raise UsageError(f"--file {raw_path} is outside the workspace {root}")
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read --file {raw_path}: {error}") from None
    snapshot = DocumentSnapshot(path.relative_to(root).as_posix(), text, None)
    if not match:
        return snapshot, (0, 0), False
    first, last = int(match["start"]), int(match["end"] or match["start"])
    lines = text.split("\n")  # editors count lines by \n only (\r\n ends in \n too)
    count = len(lines) - 1 if text.endswith("\n") else len(lines)
    if not 1 <= first <= last <= max(count, 1):
        raise UsageError(f"--file {spec}: lines {first}-{last} are not in 1-{count}")
    start = sum(len(line) + 1 for line in lines[: first - 1])
    end = sum(len(line) + 1 for line in lines[: last - 1]) + len(lines[last - 1].rstrip("\r"))
    return snapshot, (start, end), True


# -- reporting and applying ----------------------------------------------------------


def unified_diff(change: FileChange) -> str:
    old = "" if change.kind == "create" else change.old_text
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            change.new_text.splitlines(keepends=True),
            fromfile="/dev/null" if change.kind == "create" else f"a/{change.path}",
            tofile=f"b/{change.path}",
        )
    )


class ApplyRefused(Exception):
    pass


def apply_changes(root: Path, changes: tuple[FileChange, ...]) -> None:
    """Write every change atomically, after checking all of them (none is written on refusal)."""
    plan: list[tuple[Path, FileChange]] = []
    for change in changes:
        target = (root / change.path).resolve()
        if not target.is_relative_to(root):
            raise ApplyRefused(f"{change.path} is outside the workspace")
        current = target.read_bytes().decode("utf-8") if target.is_file() else None
        if change.kind == "modify" and current != change.old_text:
            raise ApplyRefused(f"{change.path} changed on disk during the run")
        if change.kind == "create" and current is not None and current != change.new_text:
            raise ApplyRefused(f"{change.path} appeared on disk during the run")
        plan.append((target, change))
    for target, change in plan:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, change.new_text, overwrite=True, keep_mode=True)


class _Reporter:
    """Prints the result as text (explanation on stdout, the rest on stderr) or as JSON."""

    written: tuple[FileChange, ...] = ()  # what `outcome` wrote to disk
    question: str = ""  # the model asked instead of changing code

    def __init__(self, as_json: bool, out: TextIO, err: TextIO) -> None:
        self.as_json, self.out, self.err = as_json, out, err
        self.transcript: dict[str, Any] | None = None  # `--transcript --json`
        self.left_out: dict[str, str] = {}  # sensitive files not written (path -> why)

    def fail(self, code: int, message: str) -> int:
        if self.as_json:
            status = "usage-error" if code == EXIT_USAGE else "failed"
            self._json({"status": status, "applied": False, "message": message})
        print(f"agentls: {message}", file=self.err)
        return code

    def outcome(
        self, outcome: RunOutcome, root: Path, *, apply: bool, on_failure: FailurePolicy = "refuse"
    ) -> int:
        from agentls.engine.plan import verdict

        changes = outcome.changes
        for problem in changes.problems:
            print(f"agentls: {problem.severity}: {problem.render()}", file=self.err)
        status, code, message = "printed", EXIT_OK, ""
        # A terminal cannot hold an edit for confirmation: `confirm` refuses here.
        judged = verdict(outcome, on_failure, can_confirm=False)
        errors = judged.problems if judged.kind in ("unusable", "refused") else ()
        if judged.kind == "unusable":
            status, code = "refused", EXIT_UNUSABLE
            message = "the answer could not be applied, so nothing was changed"
        elif judged.kind == "refused":
            status, code, message = "refused", EXIT_UNUSABLE, judged.message
        elif judged.kind == "question":
            status, code = "question", EXIT_UNUSABLE
            self.question = outcome.explanation.strip()
            message = f"{outcome.agent} asks a question instead of changing code"
        elif judged.kind == "empty":
            status, code = "empty", EXIT_UNUSABLE
            message = "the model answered without a code change"
        elif apply and all(f.path in self.left_out for f in changes.files):
            status, code = "refused", EXIT_UNUSABLE
            message = "only files that run code were changed, so nothing was written"
        elif apply:
            written = tuple(f for f in changes.files if f.path not in self.left_out)
            try:
                apply_changes(root, written)
                status = "applied"
                self.written = written
            except (ApplyRefused, OSError, UnicodeDecodeError) as error:
                status, code, message = "refused", EXIT_UNUSABLE, f"not applied: {error}"
        diffs = {} if errors else {f.path: unified_diff(f) for f in changes.files}
        if self.as_json:
            self._json(self._result(outcome, status, message, diffs))
        else:
            if outcome.explanation.strip():
                print(outcome.explanation.strip() + "\n", file=self.out)
            for text in diffs.values():
                self.out.write(text if text.endswith("\n") else text + "\n")
        if judged.message and not errors:
            print(f"agentls: warning: {judged.message}", file=self.err)
        if self.left_out and not errors:
            named = "\n".join(f"  {path}: {why}" for path, why in self.left_out.items())
            print(
                "agentls: warning: not written, because they run code or change tooling "
                f"(set `allow_sensitive_edits: true` in your user config to write them):\n{named}",
                file=self.err,
            )
        if message:
            print(f"agentls: {message}", file=self.err)
        elif status == "applied":
            print(f"agentls: applied changes to {len(diffs)} file(s)", file=self.err)
        return code

    def _result(
        self, outcome: RunOutcome, status: str, message: str, diffs: dict[str, str]
    ) -> dict[str, Any]:
        changes = outcome.changes
        return {
            "status": status,
            "applied": status == "applied",
            "message": message,
            "run_id": outcome.run_id,
            "provider": outcome.provider,
            "model": outcome.model,
            "explanation": outcome.explanation,
            "files": [
                {"path": f.path, "kind": f.kind, "diff": diffs[f.path]}
                for f in changes.files
                if f.path in diffs
            ],
            "problems": [
                {"severity": p.severity, "path": p.path, "message": p.message, "hints": p.hints}
                for p in changes.problems
            ],
            "checks": [
                {"name": c.name, "status": c.status, "summary": c.summary} for c in outcome.checks
            ],
            "check_problems": [
                {"path": p.path, "message": p.message, "hints": p.hints}
                for p in outcome.check_problems
            ],
            "repair_rounds": outcome.repair_rounds,
            "left_out": sorted(self.left_out),
            "input_tokens": outcome.input_tokens,
            "output_tokens": outcome.output_tokens,
        }

    def _json(self, data: dict[str, Any]) -> None:
        if self.transcript is not None:
            data = {**data, "transcript": self.transcript}
        json.dump(data, self.out, indent=2)
        self.out.write("\n")


class _Spinner:
    """A one-line spinner with the phase and token count, redrawn on stderr."""

    _FRAMES = "|/-\\"

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._frames = itertools.cycle(self._FRAMES)
        self._text = "starting"
        self._task = asyncio.get_running_loop().create_task(self._tick())

    def update(self, progress: Progress) -> None:
        tokens = f" ({progress.tokens} tokens)" if progress.tokens else ""
        self._text = f"{progress.message}{tokens}"
        self._draw()

    def _draw(self) -> None:
        line = f"{next(self._frames)} {self._text}"[:100]
        self._stream.write(f"\r\x1b[2K{line}")
        self._stream.flush()

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(0.12)
            self._draw()

    def stop(self) -> None:
        self._task.cancel()
        self._stream.write("\r\x1b[2K")
        self._stream.flush()
