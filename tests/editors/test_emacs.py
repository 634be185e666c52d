"""Emacs 28 + eglot 1.9, headless (--batch), with editors/emacs/agentls-eglot.el.

eglot 1.9 has no CreateFile, no codeAction/resolve and no progress capability: the
server must write new files itself and must not send $/progress. The scenario runs in
tests/editors/emacs/scenario-eglot.el through eglot's own `eglot-code-actions`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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
    git_init,
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


def run_emacs(
    tmp_path: Path,
    model: FakeModel,
    scenario: str,
    client: str = "eglot",
    **extra: str,
) -> tuple[EditorRun, Path]:
    emacs = find_editor("AGENTLS_EMACS", "emacs")
    workspace = copy_workspace(tmp_path / "workspace")
    git_init(workspace)
    report = tmp_path / "report.json"
    env = server_env(model, tmp_path / "home")
    env.update(
        AGENTLS_TEST_SNIPPET=str(SNIPPETS / f"emacs/agentls-{client}.el"),
        AGENTLS_TEST_SCENARIO=scenario,
        AGENTLS_TEST_FILE=str(workspace / "app/main.py"),
        AGENTLS_TEST_RESULT=str(report),
        AGENTLS_TEST_TODO=TODO_LINE,
        AGENTLS_TEST_MODEL_PORT=str(model.port),
        **extra,
    )
    script = EDITORS_TESTS / "emacs" / f"scenario-{client}.el"
    argv = [emacs, "--batch", "-Q", "-l", str(script)]
    run = run_editor(argv, env, report, cwd=workspace)
    assert run.report["emacs"].startswith("28."), run.report["emacs"]
    assert run.report.get("error") is None, f"{run.report}\nstderr:\n{run.stderr[-3000:]}"
    return run, workspace


def test_implement_backend_through_code_action(
    tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    model = start_model([answer_turn()])
    original = snapshot(copy_workspace(tmp_path / "original"))
    run, workspace = run_emacs(tmp_path, model, "implement", AGENTLS_TEST_HOVER_LINE=HOVER_LINE)
    report = run.report

    assert {"Implement backend", "Implement backend in workspace"} <= set(report["offered"])
    assert report.get("command_error") is None, report
    assert snapshot(workspace) == {**original, **expected_files()}
    assert report["apply_edits"] == [f"agentls: {AGENT}"]
    assert EXPLANATION in report["hover"]
    assert AGENT in report["hover"]


def test_no_progress_without_the_capability(
    tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    model = start_model([answer_turn()])
    run, _ = run_emacs(tmp_path, model, "implement")

    assert run.report["capabilities_progress"] is None
    notifications = run.report["notifications"] or []
    assert "window/showMessage" not in notifications, run.report["messages"]
    assert "$/progress" not in notifications


def test_cancel_leaves_files_unchanged(
    tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    model = start_model([slow_turn(30.0)])
    original = snapshot(copy_workspace(tmp_path / "original"))
    run, workspace = run_emacs(tmp_path, model, "cancel")

    assert "cancel sent" in run.report["steps"], f"{run.report}\n{run.stderr[-2000:]}"
    assert run.report["apply_edits"] is None
    assert snapshot(workspace) == original
    assert len(model.requests()) == 1, f"the run never reached the model: {run.report}"
    assert run.seconds < 20, f"cancel took {run.seconds:.1f}s against a 30s model delay"


def test_long_run_neither_blocks_nor_times_out_eglot(
    tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    # eglot 1.9 waits for executeCommand synchronously (Emacs is frozen meanwhile) and
    # gives up after 10 s with "Timed out": real model runs often take longer.
    model = start_model([slow_turn(12.0)])
    original = snapshot(copy_workspace(tmp_path / "original"))
    run, workspace = run_emacs(tmp_path, model, "implement")

    assert run.report.get("command_error") is None, run.report
    assert run.report["command_seconds"] < 5, f"Emacs froze {run.report['command_seconds']:.1f}s"
    assert snapshot(workspace) == {**original, **expected_files()}


def test_lsp_mode_implement_backend(tmp_path: Path, start_model: Callable[..., FakeModel]) -> None:
    model = start_model([answer_turn()])
    original = snapshot(copy_workspace(tmp_path / "original"))
    run, workspace = run_emacs(
        tmp_path, model, "implement", client="lsp-mode", AGENTLS_TEST_HOVER_LINE=HOVER_LINE
    )
    report = run.report

    assert "Implement backend" in report["offered"]
    assert report.get("command_error") is None, report
    assert report["apply_edits"] == [f"agentls: {AGENT}"]
    assert snapshot(workspace) == {**original, **expected_files()}
    assert EXPLANATION in report["hover"]
    assert "$/progress" in report["notifications"]
    assert "window/showMessage" not in report["notifications"], report["messages"]


# -- review and iterate: Revert, Undo, M-x agentls-refine, M-x agentls-answer ----------
# Each starts from the applied "Implement backend" run: app/main.py changed in two hunks
# (the import, the endpoint), app/health.py created (written by agentls: eglot 1.9 has no
# CreateFile, nor DeleteFile, so Undo deletes it on disk too).


def run_review(
    tmp_path: Path, model: FakeModel, scenario: str, **extra: str
) -> tuple[EditorRun, Path]:
    run, workspace = run_emacs(tmp_path, model, scenario, **extra)
    assert run.report.get("command_error") is None, run.report
    assert "edit applied" in run.report["steps"], run.report
    return run, workspace


def test_revert_this_change_restores_only_that_hunk(
    tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    model = start_model([answer_turn()])
    title = f"Revert this change ({AGENT})"
    run, workspace = run_review(
        tmp_path,
        model,
        "revert",
        AGENTLS_TEST_REVIEW_LINE=REVIEW_LINE,
        AGENTLS_TEST_REVIEW_ACTION=title,
    )
    report = run.report

    offered = set(report["offered_review"])
    assert {f"Keep this change ({AGENT})", title, f"Undo {AGENT} run", "Refine…"} <= offered
    assert report["apply_edits"] == [f"agentls: {AGENT}", f"agentls: revert {AGENT}'s change"]
    assert report["buffer"] == main_without_the_endpoint()
    assert snapshot(workspace) == {
        **original_files(),
        "app/main.py": main_without_the_endpoint(),
        "app/health.py": expected_files()["app/health.py"],
    }
    assert len(model.requests()) == 1, "a revert must not ask the model"


def test_undo_run_restores_the_run_and_deletes_its_new_file(
    tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    model = start_model([answer_turn()])
    run, workspace = run_review(
        tmp_path,
        model,
        "undo",
        AGENTLS_TEST_REVIEW_LINE=REVIEW_LINE,
        AGENTLS_TEST_REVIEW_ACTION=f"Undo {AGENT} run",
    )
    report = run.report

    assert report["apply_edits"] == [f"agentls: {AGENT}", f"agentls: undo {AGENT} run"]
    assert report["buffer"] == original_files()["app/main.py"]
    assert snapshot(workspace) == original_files()
    assert not (workspace / "app/health.py").exists()
    assert any(f"undid {AGENT}'s run" in m for m in report["messages"] or []), report


def test_agentls_refine_sends_the_instruction_and_the_change_lands(
    tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    model = start_model([answer_turn(), refined_turn()])
    run, workspace = run_review(
        tmp_path,
        model,
        "refine",
        AGENTLS_TEST_REVIEW_LINE=REVIEW_LINE,
        AGENTLS_TEST_INSTRUCTION=REFINE_INSTRUCTION,
    )
    report = run.report

    [asked] = report["input_prompts"]  # read-string, once
    assert asked["prompt"] == f"Refine {AGENT}'s change: ", asked
    assert report["buffer"] == refined_main()
    assert snapshot(workspace) == {
        **original_files(),
        **expected_files(),
        "app/main.py": refined_main(),
    }
    first, second = (messages(r) for r in model.requests())
    assert second[: len(first)] == first
    assert second[len(first)] == {"role": "assistant", "content": scripted_answer()}
    assert second[-1]["role"] == "user" and REFINE_INSTRUCTION in second[-1]["content"]


def test_agentls_answer_replies_to_the_question_and_the_change_lands(
    tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    # eglot gets `started` at once, never the question result: the question arrives as
    # window/showMessageRequest (dismissed here), and agentls-answer finds the waiting
    # question through the Answer code action.
    model = start_model([{"answer": QUESTION}, {**answer_turn(), "match": ANSWER}])
    run, workspace = run_review(tmp_path, model, "answer", AGENTLS_TEST_INSTRUCTION=ANSWER)
    report = run.report

    [question] = report["questions"]
    assert QUESTION in question
    [asked] = report["input_prompts"]
    assert asked["prompt"] == f"{AGENT} asks: {QUESTION}\nYour answer: ", asked
    assert snapshot(workspace) == {**original_files(), **expected_files()}
    first, second = (messages(r) for r in model.requests())
    assert second[len(first)] == {"role": "assistant", "content": QUESTION}
    assert second[-1]["role"] == "user" and ANSWER in second[-1]["content"]


def test_lsp_mode_agentls_refine(tmp_path: Path, start_model: Callable[..., FakeModel]) -> None:
    model = start_model([answer_turn(), refined_turn()])
    run, workspace = run_review(
        tmp_path,
        model,
        "refine",
        client="lsp-mode",
        AGENTLS_TEST_REVIEW_LINE=REVIEW_LINE,
        AGENTLS_TEST_INSTRUCTION=REFINE_INSTRUCTION,
    )
    report = run.report

    assert report["apply_edits"] == [f"agentls: {AGENT}", f"agentls: {AGENT}"]
    [asked] = report["input_prompts"]
    assert asked["prompt"] == f"Refine {AGENT}'s change: ", asked
    assert report["buffer"] == refined_main()
    assert snapshot(workspace)["app/main.py"] == refined_main()
    second = messages(model.requests()[1])
    assert second[-1]["role"] == "user" and REFINE_INSTRUCTION in second[-1]["content"]


def test_lsp_mode_agentls_answer(tmp_path: Path, start_model: Callable[..., FakeModel]) -> None:
    model = start_model([{"answer": QUESTION}, {**answer_turn(), "match": ANSWER}])
    run, workspace = run_review(
        tmp_path, model, "answer", client="lsp-mode", AGENTLS_TEST_INSTRUCTION=ANSWER
    )
    report = run.report

    [question] = report["questions"]
    assert QUESTION in question
    [asked] = report["input_prompts"]
    assert asked["prompt"] == f"{AGENT} asks: {QUESTION}\nYour answer: ", asked
    assert snapshot(workspace) == {**original_files(), **expected_files()}
    second = messages(model.requests()[1])
    assert second[-1]["role"] == "user" and ANSWER in second[-1]["content"]
