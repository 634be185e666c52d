"""6. Minimal-diff and parsing throughput (in-process, pure functions).

`minimal_edits` on a 10,000-line file with 1, 10 and 100 scattered one-line changes;
then a 1 MB model answer through `parse_answer` and `build_changeset`, once as
whole-file fences and once as SEARCH/REPLACE blocks.
"""

from __future__ import annotations

import time
from functools import partial

from agentls.edits import build_changeset, minimal_edits, parse_answer
from bench.report import Section, Table, Target
from bench.stats import Summary, times_ms
from bench.workspaces import big_python_file, scattered_changes


def _whole_file_answer(files: dict[str, str], changes: int) -> str:
    parts = ["I updated the scale factors.\n"]
    for path, text in files.items():
        parts.append(f"\n{path}\n```python\n{scattered_changes(text, changes)}```\n")
    return "".join(parts)


def _search_replace_answer(files: dict[str, str], per_file: int) -> str:
    parts = ["I changed every area formula.\n"]
    for path, text in files.items():
        lines = text.split("\n")
        starts = [i for i, line in enumerate(lines) if line.startswith("    def area")]
        parts.append(f"\n{path}\n```python\n")
        for i in starts[:per_file]:
            search = "\n".join(lines[i : i + 3])
            replace = search.replace("math.pi", "math.tau / 2")
            parts.append(f"<<<<<<< SEARCH\n{search}\n=======\n{replace}\n>>>>>>> REPLACE\n")
        parts.append("```\n")
    return "".join(parts)


def _pipeline(answer: str, files: dict[str, str]) -> tuple[int, int]:
    parsed = parse_answer(answer)
    changes = build_changeset(
        parsed, files=files, scope="workspace", target_path=None, selection=None
    )
    errors = [p for p in changes.problems if p.severity == "error"]
    if errors:
        raise RuntimeError(f"bench answer did not apply: {errors[0].render()}")
    return len(changes.files), sum(len(f.edits) for f in changes.files)


def measure(*, smoke: bool) -> Section:
    lines = 500 if smoke else 10_000
    repeats = 2 if smoke else 20
    section = Section("6. Minimal diff and answer parsing throughput")
    old = big_python_file(lines)
    rows = []
    diff_p50: dict[int, float] = {}
    for count in (1, 10, 100):
        new = scattered_changes(old, count)
        produced = len(minimal_edits(old, new))
        s = Summary.of(times_ms(partial(minimal_edits, old, new), repeats))
        diff_p50[count] = s.median
        rows.append(
            [f"{lines:,} lines, {count} changes", str(produced), f"{s.median:.2f}", f"{s.p99:.2f}"]
        )
    section.tables.append(
        Table(
            f"`minimal_edits(old, new)`, ms ({repeats} repetitions)",
            ["input", "edits produced", "median", "p99"],
            rows,
        )
    )

    file_count = 1 if smoke else 5
    files = {f"pkg/big{i}.py": big_python_file(lines, seed=i) for i in range(file_count)}
    one = dict(list(files.items())[:1])
    cases = [
        # (label, answer, files, repetitions)
        ("whole-file fences, 20 changes per file", _whole_file_answer(files, 20), files, 5),
        ("SEARCH/REPLACE blocks", _search_replace_answer(files, 10 if smoke else 900), files, 5),
        ("typical: 1 whole file, 10 changes", _whole_file_answer(one, 10), one, 10),
        ("typical: 5 SEARCH/REPLACE blocks, 1 file", _search_replace_answer(one, 5), one, 10),
    ]
    rows = []
    build_ms: dict[str, float] = {}
    for label, answer, texts, runs in cases:
        runs = min(runs, 2) if smoke else runs
        parse = Summary.of(times_ms(partial(parse_answer, answer), max(3, runs)))
        samples, result = [], (0, 0)
        for _ in range(runs):
            start = time.perf_counter()
            result = _pipeline(answer, texts)
            samples.append((time.perf_counter() - start) * 1000)
        whole = Summary.of(samples)
        build_ms[label] = whole.median
        mb = len(answer.encode()) / 1e6
        rows.append(
            [
                label,
                f"{mb:.3f}",
                f"{len(texts)} × {lines:,} lines",
                f"{result[0]} files, {result[1]} edits",
                str(runs),
                f"{parse.median:.1f}",
                f"{whole.median:.1f}",
                f"{mb / (whole.median / 1000):.2f}",
            ]
        )
    section.tables.append(
        Table(
            "Answers through the pure pipeline: `parse_answer` then `build_changeset`, ms",
            ["answer", "MB", "files", "result", "runs", "parse p50", "parse + build p50", "MB/s"],
            rows,
        )
    )
    section.targets.append(
        Target("minimal diff of 10k lines ≤ 50 ms (100 changes, p50)", diff_p50[100], 50, "ms")
    )
    section.targets.append(
        Target(
            "1 MB answer of 4,500 SEARCH/REPLACE blocks ≤ 1 s (parse + build)",
            build_ms["SEARCH/REPLACE blocks"] / 1000,
            1,
            "s",
        )
    )
    return section
