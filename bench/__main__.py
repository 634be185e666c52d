"""`python -m bench [--smoke] [--only NAME ...]`: run the benchmarks, write the report.

Full run: writes docs/benchmarks.md, docs/img/bench-startup.svg and
bench/results/latest.json, and prints a summary of the targets. Peers come from
bench/.venv (`bash bench/setup-peers.sh`); missing peers are skipped and said so.

--smoke: tiny sizes, one or two repetitions, agentls and the bare pygls floor only;
writes nothing under docs/ and asserts nothing about time. It fails only when a
benchmark no longer runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
import traceback
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from bench import (
    cases_checks,
    cases_context,
    cases_edits,
    cases_latency,
    cases_runs,
    cases_startup,
)
from bench.envs import precompile
from bench.report import Section, render_markdown, render_summary, render_svg
from bench.servers import ServerSpec, agentls, all_servers, bare_pygls

REPO = Path(__file__).resolve().parents[1]
CASES = ("startup", "latency", "runs", "context", "edits", "checks")


def _servers(smoke: bool) -> list[ServerSpec]:
    if smoke:
        return [agentls(), bare_pygls()]
    chosen = [s for s in all_servers() if s.available()]
    missing = [s.name for s in all_servers() if not s.available()]
    if missing:
        print(
            f"bench: skipping peers not installed: {', '.join(missing)} "
            "(run bash bench/setup-peers.sh)",
            file=sys.stderr,
        )
    return chosen


async def _run_case(name: str, smoke: bool, servers: list[ServerSpec]) -> list[Section]:
    if name == "startup":
        return [await cases_startup.measure(servers, repeats=2 if smoke else 30)]
    if name == "latency":
        lsp_servers = [s for s in servers if s.python]
        return [await cases_latency.measure(lsp_servers, smoke=smoke)]
    if name == "runs":
        return await cases_runs.measure(smoke=smoke)
    if name == "context":
        return [cases_context.measure(smoke=smoke)]
    if name == "edits":
        return [cases_edits.measure(smoke=smoke)]
    if name == "checks":
        return [cases_checks.measure(smoke=smoke)]
    raise ValueError(name)


def _number(section: Section) -> tuple[int, str]:
    """Sections in the issue's order: "3b. ..." after "3. ..." and before "4. ..."."""
    found = re.match(r"(\d+)([a-z]?)", section.title)
    return (int(found.group(1)), found.group(2)) if found else (99, "")


async def main_async(args: argparse.Namespace) -> int:
    precompile()  # servers start from bytecode, as an installed agentls does
    servers = _servers(args.smoke)
    started = datetime.now(UTC)
    clock = time.perf_counter()
    sections: list[Section] = []
    broken: list[str] = []
    for name in args.only or CASES:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        case_clock = time.perf_counter()
        try:
            sections += await _run_case(name, args.smoke, servers)
        except Exception:
            traceback.print_exc()
            broken.append(name)
        print(f"bench: {name} took {time.perf_counter() - case_clock:.1f} s", file=sys.stderr)
    seconds = time.perf_counter() - clock
    sections.sort(key=_number)
    if args.smoke:
        print("bench: smoke sizes; these numbers say only that each benchmark ran")
    print(render_summary(sections))
    if broken:
        print(f"bench: FAILED to run: {', '.join(broken)}", file=sys.stderr)
        return 1
    if args.smoke:
        print(f"bench: smoke run ok ({seconds:.1f} s)")
        return 0
    _write(sections, args, started, seconds)
    return 0


def _write(
    sections: list[Section], args: argparse.Namespace, started: datetime, seconds: float
) -> None:
    results = REPO / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.json").write_text(
        json.dumps([asdict(s) for s in sections], indent=1, default=str)
    )
    if args.only:  # a partial run never overwrites the published report
        print(f"bench: partial run; results in {results / 'latest.json'}")
        return
    plots = [plot for s in sections for plot in s.plots]
    img = REPO / "docs" / "img" / "bench-startup.svg"
    img.parent.mkdir(parents=True, exist_ok=True)
    img.write_text(render_svg(plots))
    analysis = (REPO / "bench" / "analysis.md").read_text(encoding="utf-8")
    markdown = render_markdown(
        sections,
        started=started.strftime("%Y-%m-%d %H:%M UTC"),
        seconds=seconds,
        command="python -m bench",
        analysis=analysis,
        plot_path="img/bench-startup.svg",
    )
    (REPO / "docs" / "benchmarks.md").write_text(markdown, encoding="utf-8")
    print("bench: wrote docs/benchmarks.md and docs/img/bench-startup.svg")


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--smoke", action="store_true", help="tiny sizes; checks it all runs")
    parser.add_argument("--only", nargs="*", choices=CASES, help="run only these groups")
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
