"""How user and model talk between runs: `agentls:` comments that carry the user's
words, and a model's question that waits for them. Light: no heavy imports."""

from __future__ import annotations

import re

from agentls.engine.prompt_parts import language_of

# `# agentls: use SQLAlchemy`, `// agentls: …`, `-- agentls: …`, `;; agentls: …`
_INSTRUCTION_COMMENT = re.compile(r"^[ \t]*(?:#|//|--|;+)[ \t]*agentls:[ \t]*(.*?)[ \t]*$")
_COMMENT_PREFIX = {
    "python": "#",
    "ruby": "#",
    "sh": "#",
    "bash": "#",
    "yaml": "#",
    "yml": "#",
    "toml": "#",
    "r": "#",
    "pl": "#",
    "lua": "--",
    "sql": "--",
    "hs": "--",
    "el": ";;",
    "lisp": ";;",
    "clj": ";;",
    "scm": ";;",
}


def comment_instruction(line: str) -> str | None:
    """The words of an `agentls:` comment line ("" when it has none yet); None otherwise."""
    found = _INSTRUCTION_COMMENT.match(line.rstrip("\r\n"))
    return found.group(1) if found else None


def comment_prefix(path: str) -> str:
    """How a line comment starts in ``path``'s language (`//` when unknown)."""
    return _COMMENT_PREFIX.get(language_of(path), "//")


def asked_question(answer_explanation: str) -> str | None:
    """The model's question, when it asked instead of changing code; None otherwise."""
    text = answer_explanation.strip()
    if not text or not re.search(r"\?(?:[\s*_)\"']|$)", text):
        return None
    return text
