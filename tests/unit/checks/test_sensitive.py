"""Which edits need the user's yes, and what delivery does with them."""

from __future__ import annotations

import pytest

from agentls.checks.sensitive import plan_sensitive, sensitive_files
from agentls.edits.model import FileChange, TextEdit

_EDIT = (TextEdit(0, 0, "x"),)


def change(path: str, old: str = "", new: str = "x", kind: str = "modify") -> FileChange:
    return FileChange(path, kind, old, new, _EDIT)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "path",
    [
        ".vscode/tasks.json",
        ".vscode/settings.json",
        "sub/.vscode/launch.json",
        ".devcontainer/devcontainer.json",
        ".devcontainer.json",
        ".github/workflows/ci.yml",
        ".gitlab-ci.yml",
        ".envrc",
        ".pre-commit-config.yaml",
        ".bashrc",
        "home/.zshrc",
        ".profile",
        "setup.py",
        "Makefile",
        "tools/build.mk",
        ".husky/pre-commit",
        ".npmrc",
    ],
)
def test_files_that_run_code_are_sensitive(path: str) -> None:
    assert path in sensitive_files([change(path)])


@pytest.mark.parametrize(
    "path", ["app/main.py", "README.md", ".vscode/notes.md", "docs/workflows/ci.yml"]
)
def test_ordinary_files_are_not(path: str) -> None:
    assert sensitive_files([change(path)]) == {}


def test_package_json_only_when_its_scripts_change() -> None:
    old = '{"name": "x", "scripts": {"test": "jest"}, "dependencies": {}}'
    bumped = '{"name": "x", "scripts": {"test": "jest"}, "dependencies": {"a": "1"}}'
    hooked = '{"name": "x", "scripts": {"test": "jest", "postinstall": "sh x.sh"}}'
    assert sensitive_files([change("package.json", old, bumped)]) == {}
    assert (
        "postinstall"
        in sensitive_files([change("web/package.json", old, hooked)])["web/package.json"]
    )


def test_pyproject_only_when_its_build_system_or_hooks_change() -> None:
    old = '[project]\nname = "x"\nversion = "1"\n\n[build-system]\nrequires = ["hatchling"]\n'
    bumped = old.replace('version = "1"', 'version = "2"')
    hooked = old + '\n[tool.hatch.build.hooks.custom]\npath = "hook.py"\n'
    backend = old.replace('["hatchling"]', '["evil"]')
    assert sensitive_files([change("pyproject.toml", old, bumped)]) == {}
    assert "pyproject.toml" in sensitive_files([change("pyproject.toml", old, hooked)])
    assert "pyproject.toml" in sensitive_files([change("pyproject.toml", old, backend)])


def test_user_globs_extend_the_list() -> None:
    found = sensitive_files([change("deploy/prod.sh")], ["deploy/"])
    assert found == {"deploy/prod.sh": "your `sensitive_paths` setting lists it"}


def test_an_unchanged_file_is_not_judged() -> None:
    assert sensitive_files([FileChange("Makefile", "modify", "a", "a", ())]) == {}


FILES = [change(".vscode/tasks.json", kind="create"), change("Makefile"), change("app.py")]
FOUND = sensitive_files(FILES)


def test_an_editor_that_can_confirm_is_asked() -> None:
    confirm, left_out = plan_sensitive(FILES, FOUND, can_confirm=True, can_create=True, allow=False)
    assert confirm == {".vscode/tasks.json", "Makefile"} and left_out == {}


def test_a_new_file_the_server_would_write_itself_is_left_out() -> None:
    confirm, left_out = plan_sensitive(
        FILES, FOUND, can_confirm=True, can_create=False, allow=False
    )
    assert confirm == {"Makefile"} and list(left_out) == [".vscode/tasks.json"]


def test_an_editor_that_cannot_ask_gets_them_only_when_the_user_allows() -> None:
    _, left_out = plan_sensitive(FILES, FOUND, can_confirm=False, can_create=True, allow=False)
    assert sorted(left_out) == [".vscode/tasks.json", "Makefile"]
    confirm, left_out = plan_sensitive(FILES, FOUND, can_confirm=False, can_create=True, allow=True)
    assert confirm == frozenset() and left_out == {}
