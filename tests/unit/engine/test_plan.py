"""engine/plan.py: the run plan (provider, model precedence, notices, secrets) and the
one verdict on an outcome that the LSP and the CLI both render."""

from __future__ import annotations

import dataclasses

import pytest

from agentls.agents.model import AgentSpec
from agentls.config import Settings
from agentls.edits.model import ChangeSet, FileChange, Problem, TextEdit
from agentls.engine.model import RunOutcome
from agentls.engine.plan import PlanError, new_run_id, plan_run, verdict
from agentls.llm.errors import ProviderConfigError
from agentls.llm.factory import WORKSPACE_ENDPOINT_NOTICE

AGENT = AgentSpec("coder", "d", "p", "/x/coder.md", "bundled")
KEY = "sk-test-" + "a" * 32
ENV = {"OPENAI_API_KEY": KEY}


def test_model_precedence_env_then_agent_then_settings() -> None:
    settings = Settings(provider="openai", model="from-settings")
    assert plan_run(settings, ENV, AGENT, endpoint_from_workspace=False).model == "from-settings"
    agent = dataclasses.replace(AGENT, model="from-agent")
    assert plan_run(settings, ENV, agent, endpoint_from_workspace=False).model == "from-agent"
    env = {**ENV, "AGENTLS_MODEL": "from-env"}
    assert plan_run(settings, env, agent, endpoint_from_workspace=False).model == "from-env"


def test_plan_names_the_provider_and_the_secrets_to_redact() -> None:
    plan = plan_run(Settings(provider="openai"), ENV, AGENT, endpoint_from_workspace=False)
    assert plan.provider == "openai"
    assert plan.base_url
    assert plan.notices == ()
    assert KEY in plan.secret_values
    assert plan.env.get("OPENAI_API_KEY") == KEY


def test_a_workspace_endpoint_gets_no_keys_and_a_notice() -> None:
    settings = Settings(provider="openai", base_url="http://127.0.0.1:9/v1")
    plan = plan_run(settings, ENV, AGENT, endpoint_from_workspace=True)
    assert "OPENAI_API_KEY" not in plan.env
    assert [n.text for n in plan.notices] == [
        WORKSPACE_ENDPOINT_NOTICE.format(url="http://127.0.0.1:9/v1")
    ]
    assert plan.notices[0].level == "warning"
    assert KEY in plan.secret_values  # still redacted wherever it appears


def test_no_provider_is_a_plan_error_that_keeps_the_notices(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_provider(*_: object) -> None:
        raise ProviderConfigError("no provider")

    monkeypatch.setattr("agentls.engine.plan.resolve_provider", no_provider)
    with pytest.raises(PlanError) as raised:
        plan_run(Settings(), {}, AGENT, endpoint_from_workspace=True)
    assert isinstance(raised.value.error, ProviderConfigError)
    assert str(raised.value) == "no provider"
    assert len(raised.value.notices) == 1


def test_run_ids_are_distinct() -> None:
    assert new_run_id() != new_run_id()


def outcome(changes: ChangeSet, check_problems: tuple[Problem, ...] = ()) -> RunOutcome:
    return RunOutcome(
        run_id="r",
        agent="coder",
        scope="selection",
        changes=changes,
        explanation=changes.explanation,
        provider="openai",
        model="m",
        instruction="",
        check_problems=check_problems,
    )


CHANGE = FileChange("a.py", "modify", "x = 1\n", "x = 2\n", (TextEdit(4, 5, "2"),))
FAILED = (Problem("undefined name 'y'", path="a.py"),)


def test_unusable_edits_come_first() -> None:
    bad = Problem("SEARCH not found", path="a.py")
    judged = verdict(outcome(ChangeSet((CHANGE,), "", (bad,)), FAILED), "apply", True)
    assert (judged.kind, judged.problems) == ("unusable", (bad,))


def test_warnings_alone_do_not_refuse() -> None:
    note = Problem("odd", severity="warning")
    assert verdict(outcome(ChangeSet((CHANGE,), "", (note,))), "refuse", True).kind == "apply"


@pytest.mark.parametrize(
    ("policy", "can_confirm", "kind"),
    [
        ("refuse", True, "refused"),
        ("confirm", True, "confirm"),
        ("confirm", False, "refused"),
        ("apply", False, "apply"),
    ],
)
def test_failing_checks_follow_the_policy(policy: str, can_confirm: bool, kind: str) -> None:
    judged = verdict(outcome(ChangeSet((CHANGE,)), FAILED), policy, can_confirm)  # type: ignore[arg-type]
    assert judged.kind == kind
    assert "undefined name" in judged.message
    assert judged.problems == (FAILED if kind == "refused" else ())


def test_an_answer_without_a_change_is_empty() -> None:
    assert verdict(outcome(ChangeSet(explanation="hi")), "refuse", True).kind == "empty"


def test_a_passing_change_is_applied_without_a_word() -> None:
    judged = verdict(outcome(ChangeSet((CHANGE,))), "refuse", False)
    assert (judged.kind, judged.message) == ("apply", "")
