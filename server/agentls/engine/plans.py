"""A planner's answer becomes a new markdown file under the plans folder (plain data)."""

from __future__ import annotations

import re
from pathlib import Path

from agentls.edits.model import ChangeSet, FileChange, Problem, TextEdit
from agentls.paths import confine

_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
_MAX_SLUG = 60


def plan_title(plan: str) -> str:
    """The plan's `# ` title, else its first non-empty line."""
    found = _TITLE.search(plan)
    if found:
        return found.group(1).strip()
    return next((line.strip() for line in plan.splitlines() if line.strip()), "plan")


def slug(title: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return words[:_MAX_SLUG].rstrip("-") or "plan"


def plan_change(plan: str, plans_dir: str, root: Path) -> ChangeSet:
    """A change that creates ``plans_dir/<slug of the title>.md`` (``-2``, ``-3``… when
    taken) holding ``plan``; an empty change for an empty plan; a problem when the
    folder would be outside the workspace."""
    text = plan.strip()
    if not text:
        return ChangeSet()
    title = plan_title(text)
    base = slug(title)
    for n in range(1, 1000):
        name = f"{plans_dir.strip('/')}/{base}{'' if n == 1 else f'-{n}'}.md"
        confined = confine(root, name)
        if not isinstance(confined, str):
            why = f"plans_dir {plans_dir!r} is not usable: {confined.reason}"
            return ChangeSet(explanation=text, problems=(Problem(why, path=name),))
        if not (root / confined).exists():
            body = text + "\n"
            create = FileChange(confined, "create", "", body, (TextEdit(0, 0, body),))
            return ChangeSet((create,), explanation=f"Plan: {title}")
    return ChangeSet(explanation=text, problems=(Problem("too many plans with this title"),))
