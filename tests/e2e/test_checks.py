"""The check stage and repair rounds through a real LSP session and a scripted model:
problems the change introduces go back to the model; what still fails after the last
round is refused (or applied with a warning, or confirmed, per checks.on_failure)."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from tests.e2e.conftest import MAIN_PY
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import Session, lsp_session, offset_to_position, range_of

TODO = "# TODO: add a /health endpoint that reports the service status"
UNDEFINED = '```python\n@app.get("/health")\ndef health():\n    return service_status()\n```\n'
FIXED_ROUTE = '@app.get("/health")\ndef health():\n    return {"status": "ok"}\n'
FIXED = f"Defined inline now.\n\n```python\n{FIXED_ROUTE}```\n"


def progress_messages(session: Session) -> list[str]:
    return [
        v.message
        for values in session.client.progress_reports.values()
        for v in values
        if isinstance(v, types.WorkDoneProgressReport) and v.message
    ]


def shown(session: Session, kind: types.MessageType) -> list[str]:
    return [m.message for m in session.messages if m.type == kind]


async def test_an_undefined_name_is_repaired_in_round_one(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([Turn(UNDEFINED), Turn(FIXED, match="undefined name 'service_status'")])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(MAIN_PY, TODO))

        assert result["status"] == "applied", session.errors()
        assert session.editor.text("app/main.py") == MAIN_PY.replace(TODO + "\n", FIXED_ROUTE)
        assert "Fixing 1 problem (round 1 of 2)" in progress_messages(session)
        assert len(fake_model.requests) == 2
        # Same conversation: the first answer, then the feedback with the pyflakes finding.
        messages = fake_model.requests[1].body["messages"]
        assert messages[-2]["role"] == "assistant" and "service_status()" in messages[-2]["content"]
        assert "undefined name 'service_status' (pyflakes)" in messages[-1]["content"]
        assert result["checks"] == [
            "python syntax clean",
            "pyflakes clean",
            "workspace imports clean",
            "selection scope clean",
        ]
        assert not session.errors()


async def test_a_small_model_repeating_itself_gets_one_fresh_draw_per_round(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script(
        [
            Turn(UNDEFINED),  # the first request
            Turn(FIXED),  # the same first request again, drawn afresh
            Turn(UNDEFINED, match="undefined name 'service_status'"),  # the repair round
        ]
    )
    async with lsp_session(workspace, env | {"AGENTLS_PROMPT": "lean"}) as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(MAIN_PY, TODO))

        assert result["status"] == "applied", session.errors()
        assert session.editor.text("app/main.py") == MAIN_PY.replace(TODO + "\n", FIXED_ROUTE)
        first, repair, fresh = (r.body for r in fake_model.requests)
        assert "undefined name 'service_status'" in repair["messages"][-1]["content"]
        assert fresh["messages"] == first["messages"]
        assert fresh["temperature"] == repair["temperature"] > first["temperature"]
        assert "The same answer again: asking afresh" in progress_messages(session)
        assert "Fixing 1 problem (round 1 of 2)" in progress_messages(session)


ORDERS_PY = '''"""Orders."""


def total(prices: list[float]) -> float:
    # TODO: return the sum of the prices
    raise NotImplementedError
'''
ORDERS_DONE = ORDERS_PY.replace(
    "    # TODO: return the sum of the prices\n    raise NotImplementedError\n",
    "    return sum(prices)\n",
)
MISFIRE = (
    "I put it in a module.\n\napp/orders.py\n```python\n"
    "def total(prices: list[float]) -> float:\n    return sum(prices)\n```\n"
)
ON_TARGET = f"Edited the stub itself.\n\norders.py\n```python\n{ORDERS_DONE}```\n"


async def test_a_misfire_into_a_lookalike_file_is_repaired_by_the_hint(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    (workspace / "orders.py").write_text(ORDERS_PY, encoding="utf-8")
    fake_model.script([Turn(MISFIRE), Turn(ON_TARGET, match="did you mean `orders.py`?")])
    async with lsp_session(workspace, env) as session:
        session.editor.open("orders.py")
        result = await session.run("orders.py", range_of(ORDERS_PY, "# TODO: return the sum"))

        assert result["status"] == "applied", session.errors()
        assert session.editor.text("orders.py") == ORDERS_DONE
        assert not (workspace / "app" / "orders.py").exists()
        feedback = fake_model.requests[1].body["messages"][-1]["content"]
        assert "creates a new `app/orders.py`, but the selection is in `orders.py`" in feedback
        assert "leaves `orders.py`, where the selection is, untouched" in feedback
        assert "Fixing 2 problems (round 1 of 2)" in progress_messages(session)


async def test_a_change_broken_after_every_round_is_refused_with_its_problems(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    # Three different answers with the same mistake (the same answer twice ends the rounds).
    fake_model.script([Turn(UNDEFINED + f"\nTry {n}.") for n in range(3)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(MAIN_PY, TODO))

        assert result["status"] == "refused", result
        assert len(fake_model.requests) == 3  # the answer and two repair rounds
        assert progress_messages(session).count("Fixing 1 problem (round 2 of 2)") == 1
        errors = shown(session, types.MessageType.Error)
        assert len(errors) == 1, session.messages
        assert "failed its checks after 2 repair rounds, so nothing was changed" in errors[0]
        assert "undefined name 'service_status'" in errors[0]
        assert session.editor.applied == []
        assert session.editor.text("app/main.py") == MAIN_PY


async def test_on_failure_apply_applies_with_a_warning(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([Turn(UNDEFINED)])
    run_env = env | {"AGENTLS_CHECKS__ON_FAILURE": "apply", "AGENTLS_REPAIR_ROUNDS": "1"}
    async with lsp_session(workspace, run_env) as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(MAIN_PY, TODO))

        assert result["status"] == "applied", session.errors()
        assert len(fake_model.requests) == 2
        assert "return service_status()" in session.editor.text("app/main.py")
        warnings = shown(session, types.MessageType.Warning)
        assert len(warnings) == 1, session.messages
        assert "applied, but its checks still fail after 1 repair round" in warnings[0]
        assert "undefined name 'service_status'" in warnings[0]
        assert result["checks"][1] == "pyflakes: 1 problem"


async def test_on_failure_confirm_asks_in_vs_code_and_refuses_in_neovim(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    run_env = env | {"AGENTLS_CHECKS__ON_FAILURE": "confirm", "AGENTLS_REPAIR_ROUNDS": "0"}
    fake_model.script([Turn(UNDEFINED)])
    async with lsp_session(workspace, run_env) as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(MAIN_PY, TODO))
        assert result["status"] == "applied", session.errors()
        edit = session.editor.applied[0]
        assert edit.change_annotations is not None
        assert all(a.needs_confirmation for a in edit.change_annotations.values())
        assert "needs your confirmation" in shown(session, types.MessageType.Warning)[0]

    (workspace / "app" / "main.py").write_text(MAIN_PY, encoding="utf-8")
    async with lsp_session(workspace, run_env, capabilities="neovim@v0.7.0") as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(MAIN_PY, TODO))
        assert result["status"] == "refused", result
        errors = shown(session, types.MessageType.Error)
        assert "this editor cannot ask for confirmation" in errors[0]
        assert session.editor.applied == []


LEGACY_MAIN = MAIN_PY + "\nLEGACY = legacy_helper()\n"


async def test_a_pre_existing_undefined_name_is_not_blamed_on_the_change(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    (workspace / "app" / "main.py").write_text(LEGACY_MAIN, encoding="utf-8")
    fake_model.script([Turn(FIXED)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(LEGACY_MAIN, TODO))

        assert result["status"] == "applied", session.errors()
        assert len(fake_model.requests) == 1  # no repair round for legacy_helper
        text = session.editor.text("app/main.py")
        assert "legacy_helper()" in text and FIXED_ROUTE in text
        # The provenance hover shows the checks the change passed.
        position = offset_to_position(text, text.index('return {"status"'))
        hover = await session.client.text_document_hover_async(
            types.HoverParams(
                types.TextDocumentIdentifier(session.editor.uri("app/main.py")), position
            )
        )
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert "checks: python syntax clean, pyflakes clean" in hover.contents.value


UTIL_PY = "def helper() -> str:\n    return 'ok'\n"
BAD_IMPORT = (
    '```python\nfrom app.util import helpr\n\n\n@app.get("/health")\ndef health():\n'
    '    return {"status": helpr()}\n```\n'
)
GOOD_IMPORT = BAD_IMPORT.replace("helpr", "helper")


async def test_an_import_the_workspace_module_does_not_define_is_repaired(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    (workspace / "app" / "__init__.py").write_text("", encoding="utf-8")
    (workspace / "app" / "util.py").write_text(UTIL_PY, encoding="utf-8")
    fake_model.script([Turn(BAD_IMPORT), Turn(GOOD_IMPORT, match="did you mean `helper`?")])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(MAIN_PY, TODO))

        assert result["status"] == "applied", session.errors()
        feedback = fake_model.requests[1].body["messages"][-1]["content"]
        assert "the workspace module `app/util.py` does not define `helpr`" in feedback
        assert "from app.util import helper\n" in session.editor.text("app/main.py")
        # A third-party import (fastapi is not in the workspace) was never questioned.
        assert "fastapi" not in feedback
