"""One bench run: every task through both flows, interleaved, each repeat in turn."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.quality import report
from bench.quality.agentls_flow import MAX_KEPT_CHARS, run_agentls, snapshot_source
from bench.quality.classify import classify
from bench.quality.models import API_KEY, LlamaServer, ModelError, embedded_model
from bench.quality.naive import run_naive
from bench.quality.recorder import Recorder
from bench.quality.tasks import (
    Task,
    changed_files,
    copy_workspace,
    load_tasks,
    project_test_command,
    run_check,
    snapshot,
)


@dataclass(frozen=True, slots=True)
class AgentlsFlow:
    env: dict[str, str] = field(default_factory=dict)  # added to agentls's environment
    # The user's settings set `checks.commands` to the task's project tests.
    project_tests: bool = False


AGENTLS_FLOWS: dict[str, AgentlsFlow] = {
    "agentls": AgentlsFlow(),
    "agentls-full": AgentlsFlow(env={"AGENTLS_PROMPT": "full"}),
    "agentls-tests": AgentlsFlow(project_tests=True),
}

REPO = Path(__file__).resolve().parents[2]
SMOKE_TASKS = ("slugify-stub", "js-clamp-todo")
TEMPERATURE = 0.2
MAX_TOKENS = 1024


@dataclass(frozen=True, slots=True)
class Endpoint:
    base_url: str
    model: str


def model_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", name.lower()).strip("-") or "model"


def run_one(
    task: Task,
    flow: str,
    repeat: int,
    endpoint: Endpoint,
    scratch: Path,
    source: Path | None = None,
    recorder: Recorder | None = None,
) -> dict[str, Any]:
    """Run ``task`` through ``flow`` on a fresh workspace copy; the result as plain data."""
    workspace = copy_workspace(task, scratch / f"{task.name}-{flow}-{repeat}")
    before = snapshot(workspace)
    record: dict[str, Any] = {"task": task.name, "flow": flow, "repeat": repeat}
    status = reason = ""
    if flow in AGENTLS_FLOWS:
        if recorder is not None:
            recorder.take()  # forget anything left over from an earlier run
        run = run_agentls(
            workspace,
            task.file_spec,
            task.scope,
            task.instruction,
            base_url=recorder.base_url if recorder else endpoint.base_url,
            model=endpoint.model,
            temperature=TEMPERATURE,
            max_tokens=MAX_TOKENS,
            source=source,
            extra_env=AGENTLS_FLOWS[flow].env,
            user_config=_project_checks(task) if AGENTLS_FLOWS[flow].project_tests else None,
        )
        status, reason = run.status, run.reason
        record.update(
            exit_code=run.exit_code,
            status=run.status,
            input_tokens=run.input_tokens,
            output_tokens=run.output_tokens,
            seconds=round(run.seconds, 2),
            repair_rounds=run.repair_rounds,
            problems=run.problems,
            explanation=run.explanation,
            replayed=recorder.replays if recorder else 0,
            answers=[a[:MAX_KEPT_CHARS] for a in recorder.take()] if recorder else run.answers,
            stderr_tail=run.stderr_tail,
        )
    else:
        naive = run_naive(
            workspace,
            task.file,
            task.language,
            task.lines,
            task.instruction,
            base_url=endpoint.base_url,
            model=endpoint.model,
            api_key=API_KEY,
            temperature=TEMPERATURE,
            max_tokens=MAX_TOKENS,
        )
        record.update(
            status="applied" if naive.applied else ("error" if naive.answer.error else "no-block"),
            input_tokens=naive.answer.input_tokens,
            output_tokens=naive.answer.output_tokens,
            seconds=round(naive.seconds, 2),
            answers=[naive.answer.text[:MAX_KEPT_CHARS]],
            error=naive.answer.error,
        )
    changed = changed_files(before, snapshot(workspace))
    check = run_check(task, workspace)
    verdict = classify(changed, task.allowed, check.passed, status=status, reason=reason)
    record.update(
        outcome=verdict.outcome,
        wrong_file=verdict.wrong_file,
        reason=verdict.reason,
        changed=changed,
        check_output=check.output,
    )
    return record


def _project_checks(task: Task) -> dict[str, Any]:
    """User settings that run the task's test runner as agentls's project checks."""
    return {"checks": {"commands": [project_test_command(task)]}}


def _server_label(server: LlamaServer | None, endpoint: Endpoint) -> str:
    if server is None:
        return f"existing OpenAI-compatible server at {endpoint.base_url}"
    try:
        from importlib.metadata import version

        xllama = version("xllamacpp")
    except Exception:
        xllama = "?"
    return (
        f"embedded llama.cpp (xllamacpp {xllama}) on 127.0.0.1, {server.threads} thread(s), "
        "OMP_WAIT_POLICY=PASSIVE"
    )


def _commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "?"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__)
    parser.add_argument("--base-url", help="an existing OpenAI-compatible server (with /v1)")
    parser.add_argument("--model", help="the model name to ask that server for")
    parser.add_argument("--embedded", choices=("qwen", "smollm2"), help="default: qwen")
    parser.add_argument("--tasks", help="comma-separated task names (default: all)")
    parser.add_argument("--repeats", type=int, default=None, help="default 2 (smoke: 1)")
    parser.add_argument("--ctx", type=int, default=4096, help="embedded server context size")
    parser.add_argument("--threads", type=int, default=2, help="embedded server threads (1-2)")
    parser.add_argument("--smoke", action="store_true", help="two small tasks, once; temp output")
    parser.add_argument(
        "--flows",
        default="agentls,naive",
        help="comma-separated, interleaved per task: agentls (default settings), naive, "
        "agentls-full (the full prompt profile, AGENTLS_PROMPT=full) and agentls-tests "
        "(default settings plus checks.commands running the task's project tests)",
    )
    parser.add_argument("--out", type=Path, help="the report (default docs/quality.md)")
    parser.add_argument(
        "--at-commit",
        metavar="REV",
        help="run agentls as committed at REV (e.g. HEAD) instead of the working tree",
    )
    args = parser.parse_args(argv)
    if bool(args.base_url) != bool(args.model):
        parser.error("--base-url and --model go together")
    if args.base_url and args.embedded:
        parser.error("choose --base-url/--model or --embedded, not both")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A plain `kill` should still stop the model server and remove the scratch folder.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    names = args.tasks.split(",") if args.tasks else (list(SMOKE_TASKS) if args.smoke else None)
    tasks = load_tasks(names)
    repeats = args.repeats or (1 if args.smoke else 2)
    flows = [flow.strip() for flow in args.flows.split(",") if flow.strip()]
    unknown = [flow for flow in flows if flow not in (*AGENTLS_FLOWS, "naive")]
    if unknown:
        print(f"unknown flow(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    which = args.embedded or ("smollm2" if args.smoke else "qwen")
    # Smoke output stays in the scratch folder for a look afterwards; a full run removes it.
    scratch = Path(tempfile.mkdtemp(prefix="agentls-quality-"))
    if args.smoke:
        results_dir, out = scratch / "results", args.out or scratch / "quality.md"
    else:
        results_dir, out = report.RESULTS_DIR, args.out or REPO / "docs" / "quality.md"
    server: LlamaServer | None = None
    stack = contextlib.ExitStack()
    try:
        if args.base_url:
            endpoint, sha = Endpoint(args.base_url.rstrip("/"), args.model), None
        else:
            model = embedded_model(which)
            server = LlamaServer(
                model, ctx=args.ctx, threads=args.threads, log=scratch / "llama.log"
            )
            print(f"starting llama.cpp with {model.path.name} (ctx {args.ctx})", flush=True)
            endpoint, sha = Endpoint(server.start(), model.name), model.sha256
        source, commit = None, _commit()
        if args.at_commit:
            source = scratch / "agentls-src"
            commit = snapshot_source(args.at_commit, REPO, source)
        meta = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
            "model": endpoint.model,
            "sha256": sha,
            "server": _server_label(server, endpoint),
            "ctx": args.ctx,
            "repeats": repeats,
            "temperature": TEMPERATURE,
            "max_tokens": MAX_TOKENS,
            "cores": os.cpu_count(),
            "commit": commit,
            "tasks": [{"name": t.name, "language": t.language, "scope": t.scope} for t in tasks],
            "flows": flows,
        }
        results_dir.mkdir(parents=True, exist_ok=True)
        result_file = results_dir / f"{model_slug(endpoint.model)}.json"
        runs: list[dict[str, Any]] = []
        started = time.monotonic()
        recorder = stack.enter_context(Recorder(endpoint.base_url))
        for repeat in range(1, repeats + 1):
            for task in tasks:
                recorder.pair()  # the flows of one task and repeat share identical requests
                for flow in flows:
                    record = run_one(task, flow, repeat, endpoint, scratch, source, recorder)
                    runs.append(record)
                    print(
                        f"[{time.monotonic() - started:6.0f}s] r{repeat} {task.name:<24} "
                        f"{flow:<13} {record['outcome']:<9}{' wrong-file' * record['wrong_file']}"
                        f" {record['seconds']:.1f}s {record.get('reason') or ''}",
                        flush=True,
                    )
                    # Written after every run: an interrupted bench keeps what it measured.
                    payload = {"meta": meta, "runs": runs}
                    result_file.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        report.write_doc(out, results_dir)
        print(f"wrote {result_file} and {out}")
        if args.smoke:
            crashed = [r for r in runs if r.get("status") == "crashed"]
            if crashed:
                print(f"smoke: agentls gave no result in {len(crashed)} run(s):", file=sys.stderr)
                for r in crashed:
                    print(
                        f"  {r['task']}: {r['reason']}\n{r.get('stderr_tail', '')}", file=sys.stderr
                    )
                return 1
        return 0
    except (ModelError, OSError, subprocess.SubprocessError) as error:
        print(f"quality bench: {error}", file=sys.stderr)
        traceback.print_exc()
        return 1
    finally:
        stack.close()
        if server is not None:
            server.stop()
        if not args.smoke:
            shutil.rmtree(scratch, ignore_errors=True)
