"""run_agent(): context -> prompt -> model -> parse -> checks -> (repair rounds) -> ChangeSet.
No LSP.

Cancelling the task that awaits `run_agent` cancels the model call, which closes
its HTTP stream; nothing here has side effects on the user's files.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import time
from collections.abc import Callable, Sequence

from agentls.checks.misfire import requested_new_files
from agentls.checks.model import CheckInput, CheckReport
from agentls.checks.stage import run_builtin_checks
from agentls.config import Settings
from agentls.context.gather import ContextBundle, gather_context
from agentls.context.index import WorkspaceIndex
from agentls.context.secrets import redact, redact_values
from agentls.edits import build_changeset, parse_answer
from agentls.edits.model import ChangeSet, Problem
from agentls.engine.budget import (
    answer_limit,
    check_prompt,
    fit_context,
    fit_repair,
    learn_window,
)
from agentls.engine.edit_format import (
    choose_edit_format,
    choose_prompt_profile,
    repair_temperature,
)
from agentls.engine.followup import follow_up
from agentls.engine.model import Progress, ProgressCallback, RunOutcome, RunRequest
from agentls.engine.prompt import build_messages, request_text
from agentls.engine.repair import repair_message, round_progress
from agentls.engine.transcript import TranscriptRecorder
from agentls.files import read_utf8
from agentls.llm.base import Answer, ChatMessage, ChatRequest, Provider
from agentls.paths import confine

# Progress reports while streaming: the first token at once, then at most this often.
_REPORT_INTERVAL = 0.1


class _StreamMeter:
    """Counts streamed fragments and reports progress without flooding the client."""

    def __init__(self, report: ProgressCallback) -> None:
        self._report = report
        self.tokens = 0
        self._last = 0.0

    def __call__(self, fragment: str) -> None:
        self.tokens += 1
        now = time.monotonic()
        if self.tokens == 1 or now - self._last >= _REPORT_INTERVAL:
            self._last = now
            self._report(
                Progress("streaming", f"Streaming answer: {self.tokens} tokens", self.tokens)
            )  # type: ignore[arg-type]


def _ignore(_: Progress) -> None:
    return None


def _changed_on_disk(request: RunRequest, paths: Sequence[str], since_ns: int) -> list[Problem]:
    """Files not open in the editor that were created or written after the run began.

    The model never saw those versions, so its change must not replace them.
    """
    problems: list[Problem] = []
    for rel in paths:
        if rel in request.open_documents or (
            request.document is not None and rel == request.document.path
        ):
            continue
        try:
            modified = (request.workspace_root / rel).stat().st_mtime_ns
        except OSError:
            continue
        if modified > since_ns:
            problems.append(
                Problem(
                    "this file was created or changed on disk while the agent was working, "
                    "so its change was not applied; run the agent again",
                    path=rel,
                )
            )
    return problems


def _current_texts(request: RunRequest, paths: Sequence[str]) -> dict[str, str]:
    """Text of every named file that exists: the editor's buffer first, else the disk."""
    texts: dict[str, str] = {}
    for rel in paths:
        open_doc = request.open_documents.get(rel)
        if open_doc is not None:
            texts[rel] = open_doc.text
        elif request.document is not None and rel == request.document.path:
            texts[rel] = request.document.text
        else:
            text = read_utf8(request.workspace_root / rel)
            if text is not None:
                texts[rel] = text
    return texts


def answer_to_changes(answer_text: str, request: RunRequest, started_ns: int = 0) -> ChangeSet:
    """Parse an answer and turn it into confined, minimal file changes (plus problems)."""
    parsed = parse_answer(answer_text)
    refusals: list[Problem] = []
    allowed: dict[str, str] = {}
    for raw in parsed.paths:
        confined = confine(request.workspace_root, raw)
        if isinstance(confined, str):
            allowed[raw] = confined
        else:
            shown = raw if len(raw) <= 120 else raw[:117] + "..."
            refusals.append(Problem(f"refused to touch this path: {confined.reason}", path=shown))
    parsed = parsed.with_paths(allowed)
    target = request.document.path if request.document is not None else None
    names = [*allowed.values(), *([target] if target else [])]
    texts = _current_texts(request, names)
    changes = build_changeset(
        parsed,
        files=texts,
        scope=request.scope,
        target_path=target,
        selection=request.selection if request.document is not None else None,
    )
    moved = _changed_on_disk(request, list(allowed.values()), started_ns) if started_ns else []
    problems = (*refusals, *moved, *changes.problems)
    return ChangeSet(changes.files, changes.explanation, tuple(problems))


def _errors(changes: ChangeSet) -> list[Problem]:
    return [p for p in changes.problems if p.severity == "error"]


async def check_changes(
    request: RunRequest,
    changes: ChangeSet,
    settings: Settings | None = None,
    report: ProgressCallback = _ignore,
    secret_values: Sequence[str] = (),
) -> CheckReport:
    """The check stage: built-in checks of the change's new texts, off the event loop;
    then, when those pass, the user's `checks.commands` on a shadow copy. Syntax is
    among them; only problems the change introduces are reported."""
    if changes.is_empty:
        return CheckReport()

    def read(rel: str) -> str | None:
        if confine(request.workspace_root, rel) != rel:
            return None
        return _current_texts(request, [rel]).get(rel)

    target = request.document.path if request.document is not None else None
    requested = requested_new_files(request_text(request), lambda rel: read(rel) is not None)
    check = CheckInput(
        changes, request.workspace_root, target, request.scope == "selection", read, requested
    )
    found = await asyncio.to_thread(run_builtin_checks, check)
    commands = settings.checks.commands if settings is not None else ()
    if not commands or found.problems or _errors(changes):
        return found
    from agentls.checks.project import run_project_checks

    results, problems = await run_project_checks(
        request.workspace_root,
        [f for f in changes.files if f.edits or f.kind == "create"],
        commands,
        timeout=settings.checks.timeout if settings is not None else 120.0,
        limit=settings.checks.max_output if settings is not None else 4_000,
        env=_command_env(secret_values),
        report=lambda text: report(Progress("checking", text)),
    )
    return CheckReport((*found.results, *results), tuple(problems))


def _command_env(secret_values: Sequence[str]) -> dict[str, str]:
    """The environment for project checks: ours, minus the variables holding our keys."""
    secrets = set(secret_values)
    return {k: v for k, v in os.environ.items() if v not in secrets}


async def _ask(provider: Provider, request: ChatRequest, report: ProgressCallback) -> Answer:
    report(Progress("waiting", f"Waiting for {request.model}"))
    return await provider.complete(request, on_delta=_StreamMeter(report))


def secret_scrubber(
    secret_values: Sequence[str], patterns: bool = True
) -> Callable[[str, str | None], str]:
    """Scrub key-like strings (unless the user turned that off) and, always, our own keys."""

    def scrub(text: str, path: str | None = None) -> str:
        if patterns:
            return redact(text, secret_values, path=path)[0]
        return redact_values(text, secret_values)[0]

    return scrub


async def run_agent(
    request: RunRequest,
    *,
    settings: Settings,
    provider: Provider,
    provider_name: str,
    model: str,
    index: WorkspaceIndex,
    on_progress: ProgressCallback | None = None,
    secret_values: Sequence[str] = (),
    run_id: str,
    recorder: TranscriptRecorder | None = None,
) -> RunOutcome:
    """``run_id``: minted by the caller (engine.plan.new_run_id), the run's only id.
    ``recorder``: pass one to keep the transcript even when the run fails mid-way."""
    report = on_progress or _ignore
    started_ns = time.time_ns()
    recorder = recorder or TranscriptRecorder()
    provider = recorder.start(run_id, request, provider_name, model, provider, secret_values)

    edit_format = choose_edit_format(settings.edit_format, request.agent, provider_name, model)
    scrub = secret_scrubber(secret_values, settings.context.redact_secrets)
    profile = choose_prompt_profile(settings.prompt, provider_name, model)

    def prompt(context: ContextBundle) -> tuple[ChatMessage, ...]:
        return build_messages(request, context, edit_format, redact=scrub, profile=profile)

    # Context gets what the model's window leaves; a prompt that cannot fit is never sent.
    window = await learn_window(settings, provider, model)
    if request.history:  # a follow-up: the conversation already holds the context
        messages = follow_up(request, profile, scrub)
    else:
        context_settings = fit_context(settings, window, prompt, request.document)
        report(Progress("context", "Gathering context"))
        bundle = await asyncio.to_thread(
            gather_context,
            index=index,
            scope=request.scope,
            document=request.document,
            selection=request.selection,
            instruction=request.instruction,
            open_documents=request.open_documents,
            settings=context_settings,
            secret_values=secret_values,
        )
        messages = prompt(bundle)
    check_prompt(messages, window, settings.max_tokens)
    temperature = (
        request.agent.temperature if request.agent.temperature is not None else settings.temperature
    )
    limit = answer_limit(window, settings.max_tokens)
    chat = ChatRequest(model, messages, temperature, limit)
    answer = _scrubbed(await _ask(provider, chat, report), secret_values)
    input_tokens, output_tokens = answer.usage.input_tokens, answer.usage.output_tokens
    last = answer

    async def ask_again(sent: Sequence[ChatMessage], warmer: float | None) -> Answer:
        """A repair-round request; its tokens count toward the run's."""
        nonlocal input_tokens, output_tokens
        again = _scrubbed(
            await _ask(provider, ChatRequest(model, tuple(sent), warmer, limit), report),
            secret_values,
        )
        input_tokens = _add(input_tokens, again.usage.input_tokens)
        output_tokens = _add(output_tokens, again.usage.output_tokens)
        return again

    checked = CheckReport()
    rounds_used = 0
    last_sent = messages
    if request.mode in ("explain", "plan"):  # prose: nothing to parse as edits
        changes = ChangeSet(explanation=answer.text.strip())
    else:
        report(Progress("applying", "Reading the answer"))
        changes = await _build_change(answer.text, request, started_ns, messages)
        report(Progress("checking", "Checking the change"))
        checked = await check_changes(request, changes, settings, report, secret_values)
        first_explanation = changes.explanation
        conversation: list[ChatMessage] = []  # the repair rounds after the first request
        seen: set[str] = set()  # every answer so far, stripped
        rounds = settings.repair_rounds
        while rounds_used < rounds and (_errors(changes) or checked.problems):
            rounds_used += 1
            remaining = len(_errors(changes)) + len(checked.problems)
            report(Progress("repairing", round_progress(remaining, rounds_used, rounds)))
            feedback = repair_message(
                _errors(changes),
                checked.problems,
                selection_only=profile == "lean" and request.scope == "selection",
            )
            conversation += [
                ChatMessage("assistant", last.text),
                ChatMessage("user", scrub(feedback, None)),
            ]
            fitted = fit_repair(messages, conversation, window, settings.max_tokens)
            if fitted is None:  # another round cannot fit the window: report what remains
                rounds_used -= 1
                break
            warmer = repair_temperature(temperature, profile, rounds_used)
            seen.add(last.text.strip())
            last_sent = fitted
            last = await ask_again(fitted, warmer)
            if last.text.strip() in seen and profile == "lean":
                # A small model that repeats itself after feedback rarely stops: draw a
                # fresh answer to the first request instead, at this round's temperature.
                report(Progress("repairing", "The same answer again: asking afresh"))
                last_sent = messages
                last = await ask_again(messages, warmer)
            if last.text.strip() in seen:
                break  # an answer seen before: another round would not change it either
            changes = await _build_change(last.text, request, started_ns, messages)
            if not changes.explanation:
                changes = ChangeSet(changes.files, first_explanation, changes.problems)
            report(Progress("checking", "Checking the change"))
            checked = await check_changes(request, changes, settings, report, secret_values)

    return RunOutcome(
        conversation=(*last_sent, ChatMessage("assistant", last.text)),
        run_id=run_id,
        agent=request.agent.name,
        scope=request.scope,
        changes=changes,
        explanation=changes.explanation,
        provider=provider_name,
        model=answer.model or model,
        instruction=request_text(request),
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        checks=checked.results,
        check_problems=checked.problems,
        repair_rounds=rounds_used,
        transcript=recorder.finish((*changes.problems, *checked.problems)),
    )


async def _build_change(
    text: str, request: RunRequest, started_ns: int, messages: Sequence[ChatMessage]
) -> ChangeSet:
    """Parse the answer (once) and build its change, off the event loop: a big answer
    takes long enough to build that typing in the editor would wait for it."""

    def build() -> ChangeSet:
        return without_echoed_prompt(answer_to_changes(text, request, started_ns), messages)

    return await asyncio.to_thread(build)


# Explanation lines at least this long that the prompt already holds are echoes of it.
_ECHO_MIN_CHARS = 24


def without_echoed_prompt(changes: ChangeSet, messages: Sequence[ChatMessage]) -> ChangeSet:
    """The change with explanation lines the model copied from our prompt taken out
    (small models repeat the rules after their code); hovers show the model's words."""
    sent = "\n".join(m.content for m in messages if m.role != "assistant")
    kept = [
        line
        for line in changes.explanation.split("\n")
        if len(line.strip()) < _ECHO_MIN_CHARS or line.strip() not in sent
    ]
    explanation = "\n".join(kept).strip()
    if explanation == changes.explanation:
        return changes
    return dataclasses.replace(changes, explanation=explanation)


def _scrubbed(answer: Answer, secret_values: Sequence[str]) -> Answer:
    """The model may echo one of our keys (injected, or pasted into a file): it goes no
    further. Only the exact values: pattern redaction would corrupt generated code."""
    return dataclasses.replace(answer, text=redact_values(answer.text, secret_values)[0])


def _add(a: int | None, b: int | None) -> int | None:
    if a is None and b is None:
        return None
    return (a or 0) + (b or 0)
