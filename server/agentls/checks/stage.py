"""Run the built-in checks over a ChangeSet and keep what the change introduces."""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable, Sequence

from agentls.checks import javascript, python
from agentls.checks.misfire import is_prose, misfires, missing_requested
from agentls.checks.model import CheckInput, CheckReport, CheckResult, result
from agentls.checks.python import Finding, Reader
from agentls.edits.model import FileChange, Problem


def introduced(new: Sequence[Finding], old: Callable[[], Sequence[Finding]]) -> list[Problem]:
    """New findings beyond those the old text already had, matched by key (not line).

    `old` is only called when there are new findings: a clean change costs one pass."""
    if not new:
        return []
    budget = Counter(f.key for f in old())
    kept: list[Problem] = []
    for finding in new:
        if budget[finding.key] > 0:
            budget[finding.key] -= 1
        else:
            kept.append(finding.problem)
    return kept


def _readers(check: CheckInput) -> tuple[Reader, Reader]:
    """How modules are read after the change (its new texts first) and before it."""
    new_texts = {f.path: f.new_text for f in check.changes.files}

    def after(path: str) -> str | None:
        return new_texts[path] if path in new_texts else check.read(path)

    return after, check.read


def _python(
    changes: Sequence[FileChange], check: CheckInput
) -> tuple[list[CheckResult], list[Problem]]:
    after, before_read = _readers(check)
    new_cache: dict[str, set[str] | None] = {}
    old_cache: dict[str, set[str] | None] = {}
    syntax: list[Problem] = []
    flakes: list[Problem] = []
    imports: list[Problem] = []
    unparsed = 0
    for change in changes:
        path, old_text = change.path, change.old_text
        tree = python.parse(path, change.new_text)
        # The old text is parsed only when the new one has findings to compare with.
        old_parsed: list[ast.Module | Finding | None] = []

        def old(p: str = path, x: str = old_text, kind: str = change.kind, memo=old_parsed):
            if not memo:
                memo.append(python.parse(p, x) if kind == "modify" else None)
            return memo[0]

        if isinstance(tree, Finding):
            unparsed += 1
            before = old()
            if not (isinstance(before, Finding) and before.key == tree.key):
                syntax.append(tree.problem)
            continue

        def old_flakes(p: str = path, x: str = old_text, old=old):
            t = old()
            return python.pyflakes_findings(p, t, x) if isinstance(t, ast.Module) else []

        def old_imports(p: str = path, old=old):
            t = old()
            return (
                python.import_findings(p, t, before_read, old_cache)
                if isinstance(t, ast.Module)
                else []
            )

        flakes += introduced(python.pyflakes_findings(path, tree, change.new_text), old_flakes)
        imports += introduced(python.import_findings(path, tree, after, new_cache), old_imports)
    skipped = "the code does not parse" if unparsed == len(changes) else None
    results = [
        result("python syntax", len(syntax)),
        result("pyflakes", len(flakes), skipped),
        result("workspace imports", len(imports), skipped),
    ]
    return results, [*syntax, *flakes, *imports]


def _javascript(changes: Sequence[FileChange]) -> tuple[list[CheckResult], list[Problem]]:
    node = javascript.node_path()
    if node is None:
        return [result("node --check", 0, "node is not on PATH")], []
    problems: list[Problem] = []
    for change in changes:
        found = javascript.node_check(node, change.path, change.new_text)
        if found is None:
            continue
        key, problem = found
        if change.kind == "modify":
            before = javascript.node_check(node, change.path, change.old_text)
            if before is not None and before[0] == key:
                continue
        problems.append(problem)
    return [result("node --check", len(problems))], problems


def run_builtin_checks(check: CheckInput) -> CheckReport:
    """Every built-in check that applies to the change. Blocking (node runs as a child):
    call it off the event loop."""
    files = [f for f in check.changes.files if f.edits or f.kind == "create"]
    results: list[CheckResult] = []
    problems: list[Problem] = []
    py_files = [f for f in files if f.path.endswith(python.PYTHON_SUFFIXES)]
    if py_files:
        found, bad = _python(py_files, check)
        results += found
        problems += bad
    js_files = [f for f in files if f.path.endswith(javascript.JS_SUFFIXES)]
    if js_files:
        found, bad = _javascript(js_files)
        results += found
        problems += bad
    if check.target_path is not None and (check.selection_scope or not is_prose(check.target_path)):
        target = next((f for f in check.changes.files if f.path == check.target_path), None)
        target_text = target.old_text if target else check.read(check.target_path)
        scoped = misfires(check.changes, check.target_path, target_text, check.selection_scope)
        results.append(
            result("selection scope" if check.selection_scope else "target file", len(scoped))
        )
        problems += scoped
    if check.requested_files:
        missing = missing_requested(check.changes, check.requested_files)
        results.append(result("requested files", len(missing)))
        problems += missing
    return CheckReport(tuple(results), tuple(problems))
