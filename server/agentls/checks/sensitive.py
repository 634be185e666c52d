"""Files that run code or change tooling when a folder is opened, built or pushed.

An edit to one of them always needs the user's yes: delivery marks it
`needsConfirmation` where the editor can ask, and leaves it out otherwise (unless the
user's own settings allow such edits). Plain data; patterns are gitignore-style.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pathspec

from agentls.edits.model import FileChange

# (pattern, why it matters). Patterns without a slash match in any folder.
_BUILTIN: tuple[tuple[str, str], ...] = (
    ("**/.vscode/*.json", "VS Code runs tasks and applies settings from it"),
    ("**/.vscode/*.code-workspace", "VS Code runs tasks and applies settings from it"),
    ("*.code-workspace", "VS Code runs tasks and applies settings from it"),
    ("**/.devcontainer/**", "a dev container builds and runs from it"),
    (".devcontainer.json", "a dev container builds and runs from it"),
    ("**/.github/workflows/**", "CI runs it on push"),
    ("**/.github/actions/**", "CI runs it on push"),
    (".gitlab-ci.yml", "CI runs it on push"),
    (".circleci/**", "CI runs it on push"),
    ("Jenkinsfile", "CI runs it on push"),
    (".envrc", "direnv runs it when you enter the folder"),
    (".pre-commit-config.yaml", "it chooses the programs git hooks run"),
    (".husky/**", "git hooks run it"),
    (".npmrc", "it changes how npm installs and runs scripts"),
    (".yarnrc", "it changes how yarn installs and runs scripts"),
    (".yarnrc.yml", "it changes how yarn installs and runs scripts"),
    ("setup.py", "installing the project runs it"),
    ("Makefile", "make runs it"),
    ("GNUmakefile", "make runs it"),
    ("makefile", "make runs it"),
    ("*.mk", "make runs it"),
)
_SHELL_RC = (
    ".bashrc",
    ".bash_profile",
    ".bash_login",
    ".bash_logout",
    ".profile",
    ".zshrc",
    ".zshenv",
    ".zprofile",
    ".zlogin",
    ".kshrc",
    ".cshrc",
    ".tcshrc",
    "config.fish",
)
_SHELL_RC_REASON = "a shell runs it at start-up"


def _spec(patterns: Iterable[str]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(list(patterns))


_BUILTIN_SPECS = [(_spec([p]), why) for p, why in _BUILTIN] + [(_spec(_SHELL_RC), _SHELL_RC_REASON)]


def _json(text: str) -> Any:
    try:
        return json.loads(text) if text.strip() else {}
    except ValueError:
        return None


def _toml(text: str) -> Any:
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return None


def _package_scripts(change: FileChange) -> str | None:
    old, new = _json(change.old_text), _json(change.new_text)
    if new is None or old is None:
        return "its `scripts` cannot be told apart from the rest (it does not parse)"
    old_scripts = old.get("scripts") if isinstance(old, dict) else None
    new_scripts = new.get("scripts") if isinstance(new, dict) else None
    if old_scripts != new_scripts:
        return "npm runs its `scripts` (install hooks such as `postinstall` included)"
    return None


def _build_hooks(data: Any) -> dict[str, Any]:
    """`build-system` and the tool tables that hold build hooks or commands."""
    if not isinstance(data, dict):
        return {}
    found: dict[str, Any] = {"build-system": data.get("build-system")}
    tools = data.get("tool")
    if isinstance(tools, dict):
        for name, table in tools.items():
            if not isinstance(table, dict):
                continue
            for key, value in table.items():
                if any(word in key for word in ("build", "hook", "cmdclass")):
                    found[f"tool.{name}.{key}"] = value
    return found


def _pyproject(change: FileChange) -> str | None:
    old, new = _toml(change.old_text), _toml(change.new_text)
    if old is None or new is None:
        return "its build hooks cannot be told apart from the rest (it does not parse)"
    if _build_hooks(old) != _build_hooks(new):
        return "building or installing the project runs its build system and hooks"
    return None


_BY_CONTENT = {"package.json": _package_scripts, "pyproject.toml": _pyproject}


def sensitive_reason(change: FileChange, extra: pathspec.GitIgnoreSpec | None = None) -> str | None:
    """Why an edit to this file needs the user's yes, or None when it does not."""
    path = change.path
    for spec, why in _BUILTIN_SPECS:
        if spec.match_file(path):
            return why
    if extra is not None and extra.match_file(path):
        return "your `sensitive_paths` setting lists it"
    by_content = _BY_CONTENT.get(path.rsplit("/", 1)[-1])
    if by_content is not None:
        return by_content(change)
    return None


def sensitive_files(
    changes: Sequence[FileChange], extra_patterns: Sequence[str] = ()
) -> Mapping[str, str]:
    """Path -> reason for each changed file whose edit needs the user's yes."""
    extra = _spec(extra_patterns) if extra_patterns else None
    found: dict[str, str] = {}
    for change in changes:
        if not (change.edits or change.kind == "create"):
            continue
        reason = sensitive_reason(change, extra)
        if reason is not None:
            found[change.path] = reason
    return found


def plan_sensitive(
    changes: Sequence[FileChange],
    sensitive: Mapping[str, str],
    *,
    can_confirm: bool,
    can_create: bool,
    allow: bool,
) -> tuple[frozenset[str], dict[str, str]]:
    """(paths to deliver with needsConfirmation, path -> reason for paths left out).

    An editor that cannot ask gets no sensitive edit unless the user's own settings
    allow them (`allow_sensitive_edits`). A new sensitive file the editor cannot create
    itself would be written by the server before anyone is asked: left out too."""
    confirm: set[str] = set()
    left_out: dict[str, str] = {}
    for change in changes:
        reason = sensitive.get(change.path)
        if reason is None:
            continue
        if can_confirm and (change.kind != "create" or can_create):
            confirm.add(change.path)
        elif not allow:
            left_out[change.path] = reason
    return frozenset(confirm), left_out
