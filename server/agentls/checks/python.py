"""Python checks: syntax, pyflakes error-class messages, imports of names a workspace
module does not define. In-process; each returns findings keyed by a line-free message."""

from __future__ import annotations

import ast
import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from pyflakes import messages as pyflakes_messages
from pyflakes.checker import Checker

from agentls.edits.model import Problem

PYTHON_SUFFIXES = (".py", ".pyi")

# pyflakes messages that mean the code is wrong, not merely untidy (no unused imports or
# variables, no redefinitions). ImportStarUsage is left out: the name may well come from
# the star import, and refusing a change for it would be a guess.
_ERROR_CLASSES = tuple(
    cls
    for name in (
        "UndefinedName",
        "UndefinedExport",
        "UndefinedLocal",
        "DuplicateArgument",
        "ReturnOutsideFunction",
        "YieldOutsideFunction",
        "ContinueOutsideLoop",
        "BreakOutsideLoop",
        "ImportStarNotPermitted",
        "DefaultExceptNotLast",
        "TwoStarredExpressions",
        "TooManyExpressionsInStarredAssignment",
        "ForwardAnnotationSyntaxError",
        "InvalidPrintSyntax",
        "PercentFormatInvalidFormat",
        "PercentFormatMixedPositionalAndNamed",
        "PercentFormatPositionalCountMismatch",
        "PercentFormatExpectedMapping",
        "PercentFormatExpectedSequence",
        "PercentFormatUnsupportedFormatCharacter",
        "StringDotFormatInvalidFormat",
        "StringDotFormatMissingArgument",
    )
    if isinstance(cls := getattr(pyflakes_messages, name, None), type)
)

Reader = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class Finding:
    key: str  # what old and new findings are matched by: no line numbers
    problem: Problem


def parse(path: str, text: str) -> ast.Module | Finding:
    try:
        return ast.parse(text, filename=path)
    except SyntaxError as exc:
        line_no, column = exc.lineno or 0, exc.offset or 0
        lines = text.splitlines()
        hints = (f"{line_no} | {lines[line_no - 1]}",) if 0 < line_no <= len(lines) else ()
        message = f"Python syntax error at line {line_no}, column {column}: {exc.msg}"
        return Finding(f"syntax: {exc.msg}", Problem(message, path=path, hints=hints))
    except (ValueError, RecursionError, MemoryError) as exc:
        return Finding(f"syntax: {exc}", Problem(f"Python file cannot be parsed: {exc}", path))


def pyflakes_findings(path: str, tree: ast.Module, text: str) -> list[Finding]:
    checker = Checker(tree, filename=path)
    lines = text.splitlines()
    found: list[Finding] = []
    for message in checker.messages:
        if not isinstance(message, _ERROR_CLASSES):
            continue
        said = str(getattr(message, "message", "")) % getattr(message, "message_args", ())
        line_no = getattr(message, "lineno", 0)
        hints = (f"{line_no} | {lines[line_no - 1].strip()}",) if 0 < line_no <= len(lines) else ()
        found.append(
            Finding(
                f"{type(message).__name__}: {said}",
                Problem(f"line {line_no}: {said} (pyflakes)", path=path, hints=hints),
            )
        )
    return found


# --- imports of names a workspace module does not define ---------------------------

_SOURCE_ROOTS = ("", "src/")
_WHERE_HINT = "define it in that module, or import it from the module that defines it"


def _module_parts(path: str, node: ast.ImportFrom) -> list[str] | None:
    if node.level == 0:
        return (node.module or "").split(".") if node.module else None
    package = list(PurePosixPath(path).parent.parts)
    up = node.level - 1
    if up > len(package):
        return None
    base = package[: len(package) - up]
    return base + (node.module.split(".") if node.module else [])


def _resolve(parts: list[str], relative: bool, read: Reader) -> tuple[str, str] | None:
    """(file path, text) of the workspace module `parts`, or None when not in the workspace."""
    roots = ("",) if relative else _SOURCE_ROOTS
    for root in roots:
        stem = root + "/".join(parts)
        for candidate in (f"{stem}.py", f"{stem}/__init__.py", f"{stem}.pyi"):
            text = read(candidate)
            if text is not None:
                return candidate, text
    return None


def _defined_names(tree: ast.Module) -> set[str] | None:
    """Names a module defines at top level; None when it cannot be told statically."""
    names: set[str] = set()

    def visit(body: list[ast.stmt]) -> bool:
        for stmt in body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                if stmt.name == "__getattr__":
                    return False
                names.add(stmt.name)
                continue
            if isinstance(stmt, ast.Import):
                names.update((a.asname or a.name).split(".")[0] for a in stmt.names)
            elif isinstance(stmt, ast.ImportFrom):
                if any(alias.name == "*" for alias in stmt.names):
                    return False
                names.update(alias.asname or alias.name for alias in stmt.names)
            elif isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
            elif isinstance(stmt, ast.For | ast.AsyncFor | ast.With | ast.AsyncWith):
                targets = (
                    [stmt.target]
                    if isinstance(stmt, ast.For | ast.AsyncFor)
                    else [i.optional_vars for i in stmt.items if i.optional_vars is not None]
                )
                for target in targets:
                    names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
            # Definitions under if/try/with/for/while/match at top level count too.
            blocks: list[list[ast.stmt]] = []
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list):
                    blocks.append(inner)
            blocks += [h.body for h in getattr(stmt, "handlers", [])]
            blocks += [c.body for c in getattr(stmt, "cases", [])]
            if not all(visit(block) for block in blocks):
                return False
        return True

    if not visit(tree.body):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            names.update(node.names)
        elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def import_findings(
    path: str, tree: ast.Module, read: Reader, cache: dict[str, set[str] | None]
) -> list[Finding]:
    found: list[Finding] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        parts = _module_parts(path, node)
        if not parts or not all(p.isidentifier() for p in parts):
            continue
        module = _resolve(parts, node.level > 0, read)
        if module is None:
            continue  # third-party, stdlib, or not a file we can see: not ours to judge
        module_path, module_text = module
        if module_path not in cache:
            try:
                cache[module_path] = _defined_names(ast.parse(module_text))
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                cache[module_path] = None
        defined = cache[module_path]
        if defined is None or "globals()" in module_text:
            continue
        package_dir = module_path.rsplit("/", 1)[0] if module_path.endswith("__init__.py") else None
        shown = "." * node.level + (node.module or "")
        for alias in node.names:
            name = alias.name
            if name == "*" or name in defined:
                continue
            if package_dir is not None and (
                read(f"{package_dir}/{name}.py") is not None
                or read(f"{package_dir}/{name}/__init__.py") is not None
            ):
                continue  # a submodule
            close = difflib.get_close_matches(name, sorted(defined), n=1, cutoff=0.6)
            hint = (
                f"did you mean `{close[0]}`?"
                if close
                else f"`{module_path}` defines: {', '.join(sorted(defined)[:12]) or 'nothing'}"
            )
            message = (
                f"line {node.lineno}: `from {shown} import {name}`, but the workspace module "
                f"`{module_path}` does not define `{name}`"
            )
            found.append(
                Finding(
                    f"import {name} from {module_path}",
                    Problem(message, path=path, hints=(hint, _WHERE_HINT)),
                )
            )
    return found
