"""Data-driven helpers: check(before, answer, after) runs parse + build + apply."""

from __future__ import annotations

from collections.abc import Mapping

from agentls.edits import ChangeSet, apply_edits, build_changeset, parse_answer

TARGET = "app/x.py"


def run(
    files: Mapping[str, str],
    answer: str,
    *,
    target: str | None = TARGET,
    selection: tuple[int, int] | None = None,
    scope: str = "selection",
) -> ChangeSet:
    assert scope in ("selection", "workspace")
    return build_changeset(
        parse_answer(answer),
        files=files,
        scope="selection" if scope == "selection" else "workspace",
        target_path=target,
        selection=selection,
    )


def result_files(files: Mapping[str, str], changes: ChangeSet) -> dict[str, str]:
    """The workspace after applying the change set's edits (checks edits and new_text agree)."""
    out = dict(files)
    for change in changes.files:
        old = files.get(change.path, "")
        assert change.old_text == old
        applied = apply_edits(old, change.edits)
        assert applied == change.new_text
        out[change.path] = applied
    return out


def check(
    before: str | Mapping[str, str],
    answer: str,
    after: str | Mapping[str, str],
    *,
    target: str | None = TARGET,
    selection: tuple[int, int] | None = None,
    scope: str = "selection",
) -> ChangeSet:
    """Apply ``answer`` to ``before`` and compare with ``after``; no problems allowed."""
    files = {TARGET: before} if isinstance(before, str) else dict(before)
    changes = run(files, answer, target=target, selection=selection, scope=scope)
    assert [p.render() for p in changes.problems] == []
    expected = {TARGET: after} if isinstance(after, str) else dict(after)
    got = result_files(files, changes)
    assert {k: got.get(k) for k in expected} == expected
    return changes


def check_problem(
    before: str | Mapping[str, str],
    answer: str,
    fragment: str,
    **kwargs: object,
) -> ChangeSet:
    """The answer changes nothing and yields a problem whose text contains ``fragment``."""
    files = {TARGET: before} if isinstance(before, str) else dict(before)
    changes = run(files, answer, **kwargs)  # type: ignore[arg-type]
    assert changes.files == ()
    rendered = "\n".join(p.render() for p in changes.problems)
    assert fragment in rendered
    return changes
