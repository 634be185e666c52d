"""6b. The built-in checks of a change (in-process, on in-memory texts).

`run_builtin_checks` on a 1,000-line Python module changed in 10 places: clean (one
pass: syntax, pyflakes, workspace imports), and with an undefined name introduced
(the old text is checked too, to subtract what was there before). Then the same
module with 20 imports from workspace modules, and, beside it, a 1,000-line
JavaScript file through `node --check` (a child process, so its cost is node's start).
"""

from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path

from agentls.checks.model import CheckInput, CheckReport
from agentls.checks.stage import run_builtin_checks
from agentls.edits import minimal_edits
from agentls.edits.model import ChangeSet, FileChange
from bench.report import Section, Table, Target
from bench.stats import Summary, times_ms
from bench.workspaces import big_python_file, scattered_changes

LINES = 1_000


def _input(old: str, new: str, path: str, workspace: dict[str, str]) -> CheckInput:
    change = FileChange(path, "modify", old, new, tuple(minimal_edits(old, new)))
    return CheckInput(ChangeSet((change,)), Path("/bench"), path, True, workspace.get)


def _big_js(lines: int) -> str:
    out = ["'use strict';", ""]
    n = 0
    while len(out) < lines:
        n += 1
        out += [
            f"function area{n}(r) {{",
            f"  const scale = {n};",
            "  return Math.PI * r * r * scale;",
            "}",
            f"module.exports.area{n} = area{n};",
            "",
        ]
    return "\n".join(out[:lines]) + "\n"


def measure(*, smoke: bool) -> Section:
    repeats = 3 if smoke else 50
    lines = 200 if smoke else LINES
    old = big_python_file(lines)
    new = scattered_changes(old, 10)
    broken = new.replace("import math\n", "import math\n\nBROKEN = not_defined_anywhere\n", 1)
    imports = "".join(f"from pkg.mod{i} import name{i}\n" for i in range(20))
    workspace = {f"pkg/mod{i}.py": f"name{i} = {i}\n" for i in range(20)}
    workspace["pkg/__init__.py"] = ""
    with_imports = new.replace("import math\n", "import math\n" + imports, 1)
    cases: list[tuple[str, CheckInput, int]] = [
        ("clean change, 10 edits", _input(old, new, "pkg/big.py", {}), 0),
        ("an undefined name introduced", _input(old, broken, "pkg/big.py", {}), 1),
        (
            "20 workspace imports, all defined",
            _input(old, with_imports, "pkg/big.py", workspace),
            0,
        ),
    ]
    rows = []
    python_p50 = float("nan")
    for label, check, expected in cases:
        report: CheckReport = run_builtin_checks(check)
        if len(report.problems) != expected:
            raise RuntimeError(f"bench {label}: {[p.message for p in report.problems]}")
        s = Summary.of(times_ms(partial(run_builtin_checks, check), repeats))
        if label.startswith("clean"):
            python_p50 = s.median
        rows.append(
            [
                label,
                f"{lines:,} lines",
                str(len(report.problems)),
                f"{s.median:.1f}",
                f"{s.p99:.1f}",
            ]
        )
    node = shutil.which("node")
    if node is not None:
        js_old = _big_js(lines)
        js_check = _input(
            js_old, scattered_changes(js_old, 10).replace("#", "//"), "web/big.js", {}
        )
        s = Summary.of(times_ms(lambda: run_builtin_checks(js_check), max(3, repeats // 5)))
        rows.append(
            [
                "JavaScript, `node --check`",
                f"{lines:,} lines",
                "0",
                f"{s.median:.1f}",
                f"{s.p99:.1f}",
            ]
        )
    table = Table(
        f"`run_builtin_checks(change)`, ms ({repeats} repetitions)",
        ["change", "file", "problems", "p50", "p99"],
        rows,
        notes=[] if node else ["node is not on PATH here: the JavaScript row was not measured."],
    )
    section = Section("6b. Built-in checks of a change", tables=[table])
    section.targets.append(
        Target("built-in checks of a 1,000-line Python change ≤ 50 ms (p50)", python_p50, 50, "ms")
    )
    return section
