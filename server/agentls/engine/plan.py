"""What a run will use, and what becomes of its outcome: plain data both front-ends share.

`plan_run` decides the provider, the model, the base URL, the notices to show and the
secret values to redact, from settings + environment + agent. `verdict` decides what
a finished run's outcome is: unusable (edits could not be applied), refused by the
checks policy, empty, or a change to apply (or to confirm first). The LSP and the CLI
only render these; neither repeats the decisions. No LSP.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from agentls.agents.model import AgentSpec
from agentls.config import FailurePolicy, Settings
from agentls.context.secrets import secret_values_from_env
from agentls.edits.model import Problem
from agentls.engine.model import RunOutcome
from agentls.engine.repair import decide
from agentls.llm.errors import LLMError
from agentls.llm.factory import (
    WORKSPACE_ENDPOINT_NOTICE,
    ProviderChoice,
    keyless_env,
    resolve_provider,
)
from agentls.replies import asked_question


def new_run_id() -> str:
    """A run's one id, minted by the front-end that starts it: cancel, provenance,
    explain, the transcript and `--json` all carry it."""
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True, slots=True)
class Notice:
    text: str  # without the "agentls: " prefix
    level: Literal["warning", "info"]


@dataclass(frozen=True, slots=True)
class RunPlan:
    provider: str  # the provider's name
    model: str  # AGENTLS_MODEL > the agent's model > settings (or the provider's default)
    base_url: str | None
    choice: ProviderChoice  # what make_provider needs
    env: Mapping[str, str]  # what the provider may read: no keys for a workspace's server
    notices: tuple[Notice, ...]
    secret_values: tuple[str, ...]


class PlanError(Exception):
    """No provider could be chosen; `notices` were decided before that."""

    def __init__(self, error: LLMError, notices: tuple[Notice, ...]) -> None:
        super().__init__(str(error))
        self.error = error
        self.notices = notices


def plan_run(
    settings: Settings,
    env: Mapping[str, str],
    agent: AgentSpec,
    *,
    endpoint_from_workspace: bool,
) -> RunPlan:
    """The run's plan. Opens nothing; raises PlanError when no provider fits."""
    provider_env: Mapping[str, str] = env
    notices: list[Notice] = []
    if endpoint_from_workspace:
        provider_env = keyless_env(env, settings.api_key_env)
        notices.append(Notice(WORKSPACE_ENDPOINT_NOTICE.format(url=settings.base_url), "warning"))
    try:
        choice = resolve_provider(settings, provider_env)
    except LLMError as error:
        raise PlanError(error, tuple(notices)) from error
    if choice.provider == "local" and settings.provider is None:
        from agentls.llm.local import LOCAL_FALLBACK_NOTICE

        notices.append(Notice(LOCAL_FALLBACK_NOTICE, "info"))
    return RunPlan(
        provider=choice.provider,
        model=env.get("AGENTLS_MODEL") or agent.model or choice.model,
        base_url=choice.base_url,
        choice=choice,
        env=provider_env,
        notices=tuple(notices),
        secret_values=secret_values_from_env(env, choice.api_key_env),
    )


VerdictKind = Literal["unusable", "refused", "empty", "question", "apply", "confirm"]


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: VerdictKind
    # unusable: the edits that could not be applied; refused: the failing checks' problems.
    problems: tuple[Problem, ...] = ()
    # The checks policy's word for the user ("" when the checks pass); a warning when
    # the change is applied anyway, the reason when it is refused.
    message: str = ""


def verdict(outcome: RunOutcome, policy: FailurePolicy, can_confirm: bool) -> Verdict:
    """The one decision on a finished run, in this order: edits that could not be applied
    refuse the whole change; then the checks policy; then an answer without a change."""
    errors = tuple(p for p in outcome.changes.problems if p.severity == "error")
    if errors:
        return Verdict("unusable", errors)
    decision = decide(
        outcome.check_problems, policy, can_confirm, outcome.agent, outcome.repair_rounds
    )
    if decision.action == "refuse":
        return Verdict("refused", tuple(outcome.check_problems), decision.message)
    if outcome.changes.is_empty:
        if asked_question(outcome.explanation):  # it waits for the user's reply
            return Verdict("question", (), decision.message)
        return Verdict("empty", (), decision.message)
    return Verdict(decision.action, (), decision.message)
