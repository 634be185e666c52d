"""Neovim 0.7 and 0.11, headless, with the shipped snippets from editors/nvim/.

The scenario runs inside Neovim (tests/editors/nvim/scenario.lua) through Neovim's own
code-action machinery; this side prepares the workspace and the scripted model and checks
the files on disk and the JSON report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from editor_harness import (
    ANSWER,
    EDITORS_TESTS,
    EXPLANATION,
    HOVER_LINE,
    QUESTION,
    REFINE_INSTRUCTION,
    REVIEW_LINE,
    SNIPPETS,
    TODO_LINE,
    EditorRun,
    FakeModel,
    answer_turn,
    copy_workspace,
    expected_files,
    find_editor,
    main_without_the_endpoint,
    messages,
    original_files,
    refined_main,
    refined_turn,
    run_editor,
    scripted_answer,
    server_env,
    slow_turn,
    snapshot,
)

AGENT = "backend-developer"


@dataclass(frozen=True)
class Neovim:
    name: str
    binary: str
    version_prefix: str
    snippet: Path


def _neovim(name: str) -> Neovim:
    if name == "nvim07":
        return Neovim(
            name, find_editor("AGENTLS_NVIM07", "nvim"), "0.7.", SNIPPETS / "nvim/agentls.lua"
        )
    binary = find_editor("AGENTLS_NVIM011", "/opt/agentls-editors/nvim011/bin/nvim")
    return Neovim(name, binary, "0.11.", SNIPPETS / "nvim/agentls-0.11.lua")


@pytest.fixture(params=["nvim07", "nvim011"])
def nvim(request: pytest.FixtureRequest) -> Neovim:
    return _neovim(request.param)


def run_nvim(
    nvim: Neovim,
    tmp_path: Path,
    model: FakeModel,
    scenario: str,
    snippets: list[Path] | None = None,
    **extra: str,
) -> tuple[EditorRun, Path]:
    workspace = copy_workspace(tmp_path / "workspace")
    report = tmp_path / "report.json"
    env = server_env(model, tmp_path / "home")
    env.update(
        AGENTLS_TEST_DIR=str(EDITORS_TESTS),
        AGENTLS_TEST_SNIPPETS=",".join(str(p) for p in (snippets or [nvim.snippet])),
        AGENTLS_TEST_SCENARIO=scenario,
        AGENTLS_TEST_FILE=str(workspace / "app/main.py"),
        AGENTLS_TEST_RESULT=str(report),
        AGENTLS_TEST_TODO=TODO_LINE,
        AGENTLS_TEST_MODEL_PORT=str(model.port),
        **extra,
    )
    argv = [
        nvim.binary,
        "--headless",
        "-n",
        "-i",
        "NONE",
        "-u",
        str(EDITORS_TESTS / "nvim/init.lua"),
    ]
    run = run_editor(argv, env, report, cwd=workspace)
    assert run.report["nvim"].startswith(nvim.version_prefix), run.report["nvim"]
    assert run.report.get("error") is None, failure_details(run)
    return run, workspace


def failure_details(run: EditorRun) -> str:
    log = Path(run.report.get("lsp_log") or "/nonexistent")
    tail = log.read_text()[-3000:] if log.exists() else "(no LSP log)"
    return f"report: {run.report}\nstderr: {run.stderr}\nLSP log tail:\n{tail}"


def after_implement(original: dict[str, str]) -> dict[str, str]:
    return {**original, **expected_files()}


def progress_kinds(report: dict[str, Any]) -> list[str]:
    return [p["kind"] for p in report["progress"]]


def test_implement_backend_through_code_action(
    nvim: Neovim, tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    model = start_model([answer_turn()])
    original = snapshot(copy_workspace(tmp_path / "original"))
    run, workspace = run_nvim(
        nvim, tmp_path, model, "implement", AGENTLS_TEST_HOVER_LINE=HOVER_LINE
    )
    report = run.report

    assert {"Implement backend", "Implement backend in workspace"} <= set(report["offered"])
    assert snapshot(workspace) == after_implement(original)
    assert [e["label"] for e in report["apply_edits"]] == [f"agentls: {AGENT}"]
    assert report["shown"] == [], "window/showMessage during a good run"
    assert EXPLANATION in report["hover"]
    assert AGENT in report["hover"]


def test_progress_reported(
    nvim: Neovim, tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    model = start_model([answer_turn()])
    run, _ = run_nvim(nvim, tmp_path, model, "implement")
    kinds = progress_kinds(run.report)

    assert kinds[0] == "begin" and kinds[-1] == "end", kinds
    assert run.report["progress"][0]["title"] == f"agentls: {AGENT}"


@pytest.mark.parametrize("how", ["cancel", "cancel-request"])
def test_cancel_leaves_files_unchanged(
    how: str, nvim: Neovim, tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    # "cancel": the agentls.cancel command through keymap.lua's <leader>ac function;
    # "cancel-request": $/cancelRequest on the executeCommand request that started the run.
    model = start_model([slow_turn(30.0)])
    original = snapshot(copy_workspace(tmp_path / "original"))
    run, workspace = run_nvim(
        nvim, tmp_path, model, how, AGENTLS_TEST_KEYMAP=str(SNIPPETS / "nvim/keymap.lua")
    )

    assert run.report["steps"][-1] == "written"
    assert run.report["apply_edits"] == []
    assert snapshot(workspace) == original
    assert len(model.requests()) == 1, "the run never reached the model"
    assert run.seconds < 20, f"cancel took {run.seconds:.1f}s against a 30s model delay"


def test_keymap_sends_instruction(
    nvim: Neovim, tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    model = start_model([answer_turn()])
    instruction = "return the build version as well"
    original = snapshot(copy_workspace(tmp_path / "original"))
    _, workspace = run_nvim(
        nvim,
        tmp_path,
        model,
        "keymap",
        AGENTLS_TEST_KEYMAP=str(SNIPPETS / "nvim/keymap.lua"),
        AGENTLS_TEST_INSTRUCTION=instruction,
    )

    assert snapshot(workspace) == after_implement(original)
    [request] = model.requests()
    assert instruction in str(request)
    assert TODO_LINE in str(request)


def test_new_file_in_a_new_folder(
    nvim: Neovim, tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    files = {**expected_files(), "app/routes/status.py": "STATUS = 'ok'\n"}
    files.pop("app/health.py")
    model = start_model([answer_turn(files)])
    original = snapshot(copy_workspace(tmp_path / "original"))
    _, workspace = run_nvim(nvim, tmp_path, model, "implement")

    assert snapshot(workspace) == {**original, **files}


def test_lspconfig_style_setup(
    nvim: Neovim, tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    # nvim-lspconfig is not packaged for Debian 12: a stand-in with the same API
    # (tests/editors/nvim/lspconfig-stand-in) checks that the snippet uses it right.
    model = start_model([answer_turn()])
    _, workspace = run_nvim(
        nvim,
        tmp_path,
        model,
        "implement",
        snippets=[SNIPPETS / "nvim/lspconfig.lua"],
        AGENTLS_TEST_RTP=str(EDITORS_TESTS / "nvim/lspconfig-stand-in"),
    )

    assert snapshot(workspace)["app/main.py"] == expected_files()["app/main.py"]


def test_start_snippet_on_nvim011_takes_the_vim_lsp_start_path(
    tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    # editors/nvim/agentls.lua serves 0.7 to 0.10: on 0.8+ it calls vim.lsp.start.
    nvim = _neovim("nvim011")
    model = start_model([answer_turn()])
    run, workspace = run_nvim(
        nvim, tmp_path, model, "implement", snippets=[SNIPPETS / "nvim/agentls.lua"]
    )

    assert snapshot(workspace)["app/main.py"] == expected_files()["app/main.py"]
    assert run.report["shown"] == []


def test_user_edit_during_the_run_is_kept(
    nvim: Neovim, tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    # The buffer changes (a new line 2) while the model thinks; the agent's edit arrives
    # for an older version and must be rebased, keeping the user's line.
    user_line = "# typed while the agent ran"
    model = start_model([slow_turn(2.0)])
    run, workspace = run_nvim(
        nvim, tmp_path, model, "edit-during-run", AGENTLS_TEST_USER_LINE=user_line
    )

    assert "user edited" in run.report["steps"]
    lines = expected_files()["app/main.py"].split("\n")
    wanted = "\n".join([lines[0], user_line, *lines[1:]])
    assert (workspace / "app/main.py").read_text(encoding="utf-8") == wanted


def test_model_failure_is_shown_and_changes_nothing(
    nvim: Neovim, tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    model = start_model([{"answer": "", "status": 401}])
    original = snapshot(copy_workspace(tmp_path / "original"))
    run, workspace = run_nvim(nvim, tmp_path, model, "implement")

    [shown] = run.report["shown"]
    assert shown["type"] in (1, 2), shown  # Error or Warning
    assert run.report["apply_edits"] == []
    assert snapshot(workspace) == original


# -- review and iterate: Revert, Undo, :AgentlsRefine, :AgentlsAnswer ------------------
# Each starts from the applied "Implement backend" run: app/main.py changed in two hunks
# (the import, the endpoint), app/health.py created. editors/nvim/commands.lua is loaded
# after the setup snippet, as a user's plugin/ folder would.


def run_review(
    nvim: Neovim, tmp_path: Path, model: FakeModel, scenario: str, **extra: str
) -> tuple[EditorRun, Path]:
    run, workspace = run_nvim(
        nvim,
        tmp_path,
        model,
        scenario,
        snippets=[nvim.snippet, SNIPPETS / "nvim/commands.lua"],
        **extra,
    )
    assert run.report["steps"][-1] == "written", failure_details(run)
    return run, workspace


def test_revert_this_change_restores_only_that_hunk(
    nvim: Neovim, tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    model = start_model([answer_turn()])
    title = f"Revert this change ({AGENT})"
    run, workspace = run_review(
        nvim,
        tmp_path,
        model,
        "revert",
        AGENTLS_TEST_REVIEW_LINE=REVIEW_LINE,
        AGENTLS_TEST_REVIEW_ACTION=title,
    )
    report = run.report

    offered = set(report["offered_review"])
    assert {f"Keep this change ({AGENT})", title, f"Undo {AGENT} run", "Refine…"} <= offered
    [_, revert] = report["apply_edits"]
    assert revert["applied"] is True, revert
    # The endpoint hunk is back to the TODO; the import hunk and the new file stay.
    assert report["buffers"]["app/main.py"] == main_without_the_endpoint()
    assert snapshot(workspace) == {
        **original_files(),
        "app/main.py": main_without_the_endpoint(),
        "app/health.py": expected_files()["app/health.py"],
    }
    assert len(model.requests()) == 1, "a revert must not ask the model"


def test_undo_run_restores_the_run_and_deletes_its_new_file(
    nvim: Neovim, tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    model = start_model([answer_turn()])
    run, workspace = run_review(
        nvim,
        tmp_path,
        model,
        "undo",
        AGENTLS_TEST_REVIEW_LINE=REVIEW_LINE,
        AGENTLS_TEST_REVIEW_ACTION=f"Undo {AGENT} run",
    )
    report = run.report

    [_, undo] = report["apply_edits"]
    assert undo["applied"] is True, undo
    assert snapshot(workspace) == original_files()  # app/health.py is gone
    assert not (workspace / "app/health.py").exists()
    assert report["buffers"]["app/main.py"] == original_files()["app/main.py"]
    [shown] = report["shown"]
    assert f"undid {AGENT}'s run" in shown["message"], shown


def test_undo_leaves_a_file_the_user_edited_alone_and_says_so(
    nvim: Neovim, tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    # The user typed inside the endpoint hunk; Undo (chosen on the import hunk) must keep
    # app/main.py as it is, still delete the new file, and name the file it left alone.
    model = start_model([answer_turn()])
    typed = "  # checked by me"
    run, workspace = run_review(
        nvim,
        tmp_path,
        model,
        "undo",
        AGENTLS_TEST_REVIEW_LINE="from app.health import health",
        AGENTLS_TEST_REVIEW_ACTION=f"Undo {AGENT} run",
        AGENTLS_TEST_TYPED_LINE=REVIEW_LINE,
        AGENTLS_TEST_TYPED=typed,
    )
    report = run.report

    assert "user typed" in report["steps"]
    assert len(report["apply_edits"]) == 1, "nothing to restore: no edit sent"
    assert report["command_results"][-1]["status"] == "partial"
    edited = expected_files()["app/main.py"].replace(
        "def health_endpoint():", "def health_endpoint():" + typed
    )
    assert report["buffers"]["app/main.py"] == edited
    assert snapshot(workspace) == {**original_files(), "app/main.py": edited}
    [shown] = report["shown"]
    assert shown["type"] == 2, shown  # Warning
    assert "Left alone: app/main.py" in shown["message"], shown
    assert "deleted app/health.py" in shown["message"], shown


def test_agentls_refine_sends_the_instruction_and_the_change_lands(
    nvim: Neovim, tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    model = start_model([answer_turn(), refined_turn()])
    run, workspace = run_review(
        nvim,
        tmp_path,
        model,
        "refine",
        AGENTLS_TEST_REVIEW_LINE=REVIEW_LINE,
        AGENTLS_TEST_INSTRUCTION=REFINE_INSTRUCTION,
    )
    report = run.report

    [asked] = report["input_prompts"]  # vim.ui.input, once
    assert asked["prompt"] == f"Refine {AGENT}'s change: ", asked
    assert report["buffers"]["app/main.py"] == refined_main()
    refined = {**after_implement(original_files()), "app/main.py": refined_main()}
    assert snapshot(workspace) == refined
    # The refine continued the first run's conversation with the instruction.
    first, second = (messages(r) for r in model.requests())
    assert second[: len(first)] == first
    assert second[len(first)] == {"role": "assistant", "content": scripted_answer()}
    assert second[-1]["role"] == "user" and REFINE_INSTRUCTION in second[-1]["content"]


def test_agentls_refine_offers_the_agentls_comment_and_consumes_it(
    nvim: Neovim, tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    # The user wrote `# agentls: <words>` above the generated code: :AgentlsRefine offers
    # those words in vim.ui.input, and the run removes the comment with its change.
    model = start_model([answer_turn(), refined_turn()])
    run, workspace = run_review(
        nvim,
        tmp_path,
        model,
        "refine",
        AGENTLS_TEST_REVIEW_LINE=REVIEW_LINE,
        AGENTLS_TEST_INSTRUCTION=REFINE_INSTRUCTION,
        AGENTLS_TEST_COMMENT_ABOVE='@app.get("/health")',
        AGENTLS_TEST_COMMENT=f"# agentls: {REFINE_INSTRUCTION}",
    )
    report = run.report

    assert "user commented" in report["steps"]
    [asked] = report["input_prompts"]
    assert asked["default"] == REFINE_INSTRUCTION, asked
    assert report["buffers"]["app/main.py"] == refined_main()
    assert (workspace / "app/main.py").read_text(encoding="utf-8") == refined_main()


def test_agentls_answer_replies_to_the_question_and_the_change_lands(
    nvim: Neovim, tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    model = start_model([{"answer": QUESTION}, {**answer_turn(), "match": ANSWER}])
    run, workspace = run_review(nvim, tmp_path, model, "answer", AGENTLS_TEST_INSTRUCTION=ANSWER)
    report = run.report

    question = next(r for r in report["command_results"] if r and r.get("status") == "question")
    assert question["question"] == QUESTION
    assert [QUESTION in q for q in report["questions"]] == [True]  # showMessageRequest
    [asked] = report["input_prompts"]
    assert asked["prompt"] == f"{AGENT} asks: {QUESTION} Your answer: ", asked
    assert snapshot(workspace) == after_implement(original_files())
    first, second = (messages(r) for r in model.requests())
    assert second[len(first)] == {"role": "assistant", "content": QUESTION}
    assert second[-1]["role"] == "user" and ANSWER in second[-1]["content"]


def test_agentls_answer_elsewhere_replies_to_the_question_it_saw(
    nvim: Neovim, tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    # :AgentlsAnswer in another file, where the server offers no Answer action: the
    # snippet replies to the question result it saw, and the change lands in app/main.py.
    model = start_model([{"answer": QUESTION}, {**answer_turn(), "match": ANSWER}])
    run, workspace = run_review(
        nvim,
        tmp_path,
        model,
        "answer",
        AGENTLS_TEST_INSTRUCTION=ANSWER,
        AGENTLS_TEST_ANSWER_IN="pyproject.toml",
    )
    report = run.report

    assert "in another file" in report["steps"]
    [asked] = report["input_prompts"]
    assert asked["prompt"] == f"{AGENT} asks: {QUESTION} Your answer: ", asked
    assert report["buffers"]["app/main.py"] == expected_files()["app/main.py"]
    assert snapshot(workspace) == after_implement(original_files())
    second = messages(model.requests()[1])
    assert second[-1]["role"] == "user" and ANSWER in second[-1]["content"]
