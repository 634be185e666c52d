"""Project rules: the instructions a project keeps for coding agents.

`AGENTS.md` and `CLAUDE.md` at the workspace root and in every folder between the root
and the edited file, and `.github/copilot-instructions.md` at the root, as opencode,
Codex, Claude Code and Copilot read them. The root's come first and nearer folders'
later, since they are more specific. Nearer files get the budget first; each file sends
at most `MAX_RULE_CHARS`, cut at a line with a note saying so.

Files are read only through the caller's `read(path)`: in `gather_context` that is the
index-confined, redacting reader every context file goes through, so rules are never
read from outside the root (symlinks leading out included) and their secrets are
redacted. Nothing here does IO itself or raises.
"""

from __future__ import annotations

from collections.abc import Callable

RULE_NAMES = ("AGENTS.md", "CLAUDE.md")  # in every folder from the root to the file
ROOT_RULES = (".github/copilot-instructions.md",)  # at the root only
MAX_RULE_CHARS = 8_000  # about 2,000 tokens, at the 4 characters a token of `gather`
MIN_USEFUL_CHARS = 200  # less room than this: leave the file out rather than a stub

RuleFiles = tuple[tuple[str, str], ...]  # (workspace-relative path, text), root first


def rule_paths(document_path: str | None) -> list[str]:
    """Where rules may be, root first, then each folder down to the document's."""
    folders = [""]
    if document_path:
        parts = document_path.split("/")[:-1]
        folders += ["/".join(parts[: depth + 1]) for depth in range(len(parts))]
    paths: list[str] = []
    for folder in folders:
        prefix = f"{folder}/" if folder else ""
        paths += [prefix + name for name in RULE_NAMES]
        if not folder:
            paths += ROOT_RULES
    return [p for p in paths if p != document_path]  # the document is sent anyway


def find_rules(
    document_path: str | None,
    read: Callable[[str], str | None],
    budget_chars: int,
    overhead_chars: int = 0,
) -> tuple[RuleFiles, tuple[str, ...]]:
    """(the rules to send, root first; the paths found but left out for the budget).

    ``read(path)`` gives a file's text as it may be sent, or None when it is absent or
    must not be read. Each file sent costs its length plus ``overhead_chars``."""
    found = [(path, text) for path in rule_paths(document_path) if (text := read(path))]
    sent: dict[str, str] = {}
    left_out: list[str] = []
    left = budget_chars
    for path, text in reversed(found):  # nearest first: the most specific wins the room
        shown = bounded(path, text, min(left - overhead_chars, MAX_RULE_CHARS))
        if shown is None:
            left_out.append(path)
            continue
        sent[path] = shown
        left -= len(shown) + overhead_chars
    rules = tuple((path, sent[path]) for path, _ in found if path in sent)
    return rules, tuple(reversed(left_out))


def bounded(path: str, text: str, limit: int) -> str | None:
    """`text` within `limit` characters, cut at a line with a note; None when too little
    room is left to be useful."""
    if len(text) <= limit:
        return text
    note = (
        f"\n[… {path} is cut here by agentls: its {len(text):,} characters are more than "
        "the prompt has room for.]"
    )
    room = limit - len(note)
    if room < MIN_USEFUL_CHARS:
        return None
    cut = text.rfind("\n", 0, room)
    return text[: cut if cut > 0 else room] + note
