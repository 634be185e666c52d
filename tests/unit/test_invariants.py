"""ARCHITECTURE.md's rules, checked against the code rather than trusted.

Imports are read with `ast` (module-level and function-level alike, including
`TYPE_CHECKING` blocks: a type-only import still ties the layers together), so
nothing here imports the package under test.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "server" / "agentls"
ARCHITECTURE = REPO / "ARCHITECTURE.md"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _imports() -> dict[str, list[tuple[str, int]]]:
    """Every package module's imported names (absolute), with the line of each."""
    found: dict[str, list[tuple[str, int]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        names: list[tuple[str, int]] = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names += [(alias.name, node.lineno) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                names.append((target, node.lineno))
                # `from agentls import lsp` imports the subpackage itself
                names += [(f"{target}.{alias.name}", node.lineno) for alias in node.names]
        found[module] = names
    return found


def _under(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def _violations(
    importers: tuple[str, ...], forbidden: tuple[str, ...], *, outside: bool = False
) -> list[str]:
    """Imports of `forbidden` by modules under `importers` (or not under them)."""
    return [
        f"{module}:{line} imports {name}"
        for module, names in _imports().items()
        if _under(module, *importers) != outside
        for name, line in names
        if _under(name, *forbidden)
    ]


def test_the_import_reader_sees_the_package() -> None:
    imports = _imports()
    assert "agentls.lsp.server" in imports
    assert any(_under(n, "pygls") for n, _ in imports["agentls.lsp.server"])


def test_only_lsp_imports_pygls_or_lsprotocol() -> None:
    assert _violations(("agentls.lsp",), ("pygls", "lsprotocol"), outside=True) == []


def test_edits_and_engine_know_nothing_of_lsp() -> None:
    assert (
        _violations(("agentls.edits", "agentls.engine"), ("agentls.lsp", "pygls", "lsprotocol"))
        == []
    )


def test_llm_knows_nothing_of_lsp_or_edits() -> None:
    assert _violations(("agentls.llm",), ("agentls.lsp", "agentls.edits")) == []


def test_no_import_cycle_between_engine_and_context() -> None:
    engine_to_context = _violations(("agentls.engine",), ("agentls.context",))
    context_to_engine = _violations(("agentls.context",), ("agentls.engine",))
    # engine builds on context; context must not reach back
    assert engine_to_context, "the check lost sight of engine -> context imports"
    assert context_to_engine == []


# --- ARCHITECTURE.md tells the truth -------------------------------------------------

_BACKTICKED = re.compile(r"`([^`\n]+)`")


def _backticked() -> list[str]:
    return _BACKTICKED.findall(ARCHITECTURE.read_text(encoding="utf-8"))


@cache
def _tracked_files() -> list[str]:
    skip = {".git", ".venv", "node_modules", "__pycache__"}
    return [
        p.relative_to(REPO).as_posix()
        for p in REPO.rglob("*.py")
        if not skip.intersection(p.relative_to(REPO).parts)
    ]


def _py_path_exists(cited: str) -> bool:
    pattern = re.escape(cited).replace(r"\*", "[^/]*")
    return any(re.search(rf"(^|/){pattern}$", f) for f in _tracked_files())


def test_every_cited_python_file_exists() -> None:
    cited = sorted({t for t in _backticked() if re.fullmatch(r"[\w./*-]+\.py", t)})
    assert cited, "the check lost sight of the file names"
    assert [c for c in cited if not _py_path_exists(c)] == []


def _defines(path: Path, name: str) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name == name:
                return True
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
        elif isinstance(node, ast.ImportFrom | ast.Import) and any(
            (a.asname or a.name.split(".")[0]) == name for a in node.names
        ):
            return True
    return False


def _module_files(dotted: list[str]) -> list[Path]:
    """Package files whose path ends with the dotted name (`lsp.server`, `match`)."""
    tail = "/".join(dotted)
    return [
        p
        for p in PACKAGE.rglob("*.py")
        if re.search(rf"(^|/){re.escape(tail)}(\.py|/__init__\.py)$", p.as_posix())
    ]


def _settings_key_exists(dotted: list[str]) -> bool:
    from agentls.config import Settings

    model: object = Settings
    for part in dotted:
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            return False
        model = fields[part].annotation
    return True


def test_every_cited_module_path_exists() -> None:
    """`lsp.server`, `checks.stage`, `match.FileLines`, `stage.run_builtin_checks(...)`:
    a dotted name whose head is a package module must name a module or something that
    module defines (a settings key such as `checks.on_failure` is checked as one)."""
    checked: list[str] = []
    missing: list[str] = []
    for token in sorted(set(_backticked())):
        match = re.fullmatch(r"([a-z_][\w]*(?:\.\w+)+)(\(.*\))?(:.*)?", token)
        if not match or token.endswith(".py") or token.startswith("agentls."):
            continue  # a file name, or a command such as `agentls.cancel`
        parts = match.group(1).split(".")
        if not _module_files(parts[:1]):
            continue
        checked.append(token)
        if _module_files(parts) or _settings_key_exists(parts):
            continue
        modules = _module_files(parts[:-1])
        if not any(_defines(m, parts[-1]) for m in modules):
            missing.append(token)
    assert checked, "the check lost sight of the module paths"
    assert missing == []


def test_the_tests_section_lists_every_tests_folder() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    section = text.split("\n## Tests", 1)[1].split("\n## ", 1)[0]
    folders = sorted(
        p.name
        for p in (REPO / "tests").iterdir()
        if p.is_dir() and not p.name.startswith((".", "__"))
    )
    assert folders
    unlisted = [f for f in folders if f"`tests/{f}/" not in section]
    assert unlisted == []


@pytest.mark.parametrize("cited", ["lsp/hover.py", "local*.py", "tests/support/fake_model.py"])
def test_the_file_check_finds_real_files(cited: str) -> None:
    assert _py_path_exists(cited)


def test_the_file_check_refuses_a_missing_file() -> None:
    assert not _py_path_exists("lsp/nowhere.py")
