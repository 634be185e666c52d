"""Misfires: the answer is well formed but aimed at the wrong place.

- it creates a file named like the edited one in another folder (`app/orders.py`
  beside `orders.py`);
- it creates a file that repeats most of the edited file;
- in selection scope, it leaves the file holding the selection untouched while
  changing others.

In workspace scope, where the run started in a code file, only a copy of that file
that leaves the file itself untouched is a misfire (the model rewrote the module under
a new name instead of changing it); a same-named file elsewhere may be what was asked.

Each is a Problem whose hint names the file the model should have edited. A selection
in a prose file (Markdown, text) is an instruction, not a place for code, so leaving
such a file untouched is no misfire; nor is an answer that only writes tests for the
selected code ("write tests for this").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import PurePosixPath

from agentls.edits.model import ChangeSet, Problem

_PROSE_SUFFIXES = (".md", ".markdown", ".txt", ".rst", ".adoc", ".org")
# A new file holding at least this share of the edited file's distinct code lines is a copy.
_COPY_SHARE = 0.6
_COPY_MIN_LINES = 4


def is_prose(path: str) -> bool:
    return path.lower().endswith(_PROSE_SUFFIXES)


def _is_test(path: str) -> bool:
    pure = PurePosixPath(path)
    stem = pure.name.split(".")[0]
    return (
        stem.startswith("test_")
        or stem.endswith("_test")
        or ".test." in pure.name
        or ".spec." in pure.name
        or any(part in ("tests", "test", "__tests__", "spec") for part in pure.parts[:-1])
    )


def _code_lines(text: str) -> set[str]:
    return {s for line in text.splitlines() if len(s := line.strip()) > 3}


def misfires(
    changes: ChangeSet, target: str, target_text: str | None, selection_scope: bool = True
) -> list[Problem]:
    problems: list[Problem] = []
    touched = {f.path for f in changes.files if f.edits or f.kind == "create"}
    if not touched:
        return problems
    if not selection_scope and target in touched:
        return problems
    name = PurePosixPath(target).name
    target_lines = _code_lines(target_text or "")
    for change in changes.files:
        if change.kind != "create" or change.path == target:
            continue
        if selection_scope and PurePosixPath(change.path).name == name:
            problems.append(
                Problem(
                    f"creates a new `{change.path}`, but the selection is in `{target}`",
                    path=change.path,
                    hints=(
                        f"did you mean `{target}`? Edit that file (the selection) "
                        "instead of creating another one",
                    ),
                )
            )
            continue
        if len(target_lines) >= _COPY_MIN_LINES:
            shared = len(target_lines & _code_lines(change.new_text)) / len(target_lines)
            if shared >= _COPY_SHARE:
                problems.append(
                    Problem(
                        f"creates `{change.path}`, which repeats {shared:.0%} of `{target}`",
                        path=change.path,
                        hints=(
                            f"did you mean `{target}`? Change that file "
                            f"{'where the selection is ' if selection_scope else ''}"
                            "instead of copying it",
                        ),
                    )
                )
    if (
        selection_scope
        and target not in touched
        and not is_prose(target)
        and not all(_is_test(p) for p in touched)
    ):
        others = ", ".join(f"`{p}`" for p in sorted(touched))
        problems.append(
            Problem(
                f"the answer changes {others} but leaves `{target}`, where the selection is, "
                "untouched",
                path=target,
                hints=(
                    f"did you mean `{target}`? Put the code in place of the selection in that file",
                ),
            )
        )
    return problems


_CREATE_WORDS = re.compile(r"\b(?:create|add|write|make|generate|new)\b", re.IGNORECASE)
_FILE_NAME = re.compile(
    r"(?<![\w/.-])([\w][\w./-]*\.(?:py|js|mjs|cjs|ts|tsx|jsx|go|rs|java|rb|php|sql|json|ya?ml|toml))\b"
)


def requested_new_files(request: str, exists: Callable[[str], bool]) -> tuple[str, ...]:
    """Files a request asks to create: named with a code suffix, after a word such as
    "create" or "add", and not in the workspace yet."""
    if not _CREATE_WORDS.search(request):
        return ()
    names = dict.fromkeys(m.group(1).strip("./") for m in _FILE_NAME.finditer(request))
    return tuple(name for name in names if name and not exists(name))


def missing_requested(changes: ChangeSet, requested: Sequence[str]) -> list[Problem]:
    """A requested file the change does not create (by its path or, wherever the model put
    it, its file name)."""
    created = {f.path for f in changes.files if f.kind == "create"}
    created_names = {PurePosixPath(p).name for p in created}
    return [
        Problem(
            f"the request asks for `{name}`, but the answer does not create it",
            path=name,
            hints=(f"write `{name}` on its own line, then a code block with its whole content",),
        )
        for name in requested
        if name not in created and PurePosixPath(name).name not in created_names
    ]
